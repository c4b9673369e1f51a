//! The practice list: every scenario that loaded, details of the selected one, and load errors.

use super::{chrome, footer, header, panel};
use crate::scenario::model::Difficulty;
use crate::tui::app::App;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;

pub fn difficulty(d: Difficulty) -> &'static str {
    match d {
        Difficulty::Easy => "easy",
        Difficulty::Medium => "medium",
        Difficulty::Hard => "hard",
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let p = &app.practice;
    let (top, body, bottom) = chrome(area);
    header(theme, "kubedojo · Practice", frame, top);

    let error_rows = if p.errors.is_empty() && p.status.is_none() {
        0
    } else {
        (p.errors.len() as u16 + u16::from(p.status.is_some())).min(6) + 2
    };
    let [list_area, detail_area, error_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(5),
        Constraint::Length(error_rows),
    ])
    .areas(body);

    let wide = list_area.width >= 100;
    let id_width = p
        .scenarios
        .iter()
        .map(|l| l.scenario.id.chars().count())
        .max()
        .unwrap_or(2)
        .clamp(2, 30) as u16;
    let mut widths = vec![Constraint::Length(id_width), Constraint::Min(16)];
    let mut head = vec!["ID", "TITLE"];
    if wide {
        widths.push(Constraint::Length(28));
        head.push("DOMAIN");
    }
    widths.extend([
        Constraint::Length(3),
        Constraint::Length(6),
        Constraint::Length(4),
    ]);
    head.extend(["PTS", "LEVEL", "BEST"]);

    let visible = p.visible();
    let rows: Vec<Row> = visible
        .iter()
        .filter_map(|i| p.scenarios.get(*i))
        .map(|l| {
            let s = &l.scenario;
            let mut cells = vec![Cell::from(s.id.clone()), Cell::from(s.title.clone())];
            if wide {
                cells.push(Cell::from(s.domain.title()));
            }
            cells.push(Cell::from(format!("{:>3}", s.points)));
            cells.push(Cell::from(difficulty(s.difficulty)));
            cells.push(match p.best.get(&s.id) {
                Some((e, p)) if e == p && *p > 0 => Cell::from(Span::styled("✔", theme.pass())),
                Some((e, p)) => Cell::from(format!("{e}/{p}")),
                None => Cell::from(""),
            });
            Row::new(cells)
        })
        .collect();
    let mut title = if visible.len() == p.scenarios.len() {
        format!("Tasks ({})", p.scenarios.len())
    } else {
        format!("Tasks ({} of {})", visible.len(), p.scenarios.len())
    };
    if p.filtering || !p.filter.is_empty() {
        title.push_str(&format!(" · filter: {}", p.filter));
        if p.filtering {
            title.push('▏');
        }
    }
    if rows.is_empty() && !p.scenarios.is_empty() {
        frame.render_widget(
            Paragraph::new("No task matches the filter. Esc shows them all again.")
                .wrap(Wrap { trim: true })
                .block(panel(theme, &title, true)),
            list_area,
        );
    } else if rows.is_empty() {
        frame.render_widget(
            Paragraph::new("No scenarios were found. Point kubedojo at a folder of task files with --scenarios DIR.")
                .wrap(Wrap { trim: true })
                .block(panel(theme, &title, true)),
            list_area,
        );
    } else {
        let table = Table::new(rows, widths)
            .header(Row::new(head).style(theme.title()))
            .column_spacing(2)
            .row_highlight_style(theme.selected())
            .highlight_symbol("▶ ")
            .block(panel(theme, &title, true));
        let mut state = TableState::default().with_selected(Some(p.selected));
        frame.render_stateful_widget(table, list_area, &mut state);
    }

    if let Some(l) = p.current() {
        let s = &l.scenario;
        let exam = match s.exam {
            crate::scenario::Exam::Cka => "CKA",
            crate::scenario::Exam::Ckad => "CKAD",
            crate::scenario::Exam::Both => "CKA & CKAD",
        };
        let lines = vec![
            Line::from(vec![
                Span::styled(s.domain.title(), theme.title()),
                Span::raw(format!(" · {exam}")),
            ]),
            Line::from(format!(
                "{} points · {} · about {} min",
                s.points,
                difficulty(s.difficulty),
                s.minutes
            )),
            Line::from(Span::styled(
                if s.tags.is_empty() {
                    String::new()
                } else {
                    format!("tags: {}", s.tags.join(", "))
                },
                theme.dim(),
            )),
        ];
        frame.render_widget(
            Paragraph::new(lines).block(panel(theme, &s.title, false)),
            detail_area,
        );
    }

    if error_rows > 0 {
        let mut lines = Vec::new();
        if let Some(status) = &p.status {
            lines.push(Line::from(Span::styled(status.clone(), theme.fail())));
        }
        for e in &p.errors {
            lines.push(Line::from(Span::styled(e.to_string(), Style::new())));
        }
        let title = if p.errors.is_empty() {
            "Could not start the task".to_string()
        } else {
            format!("Could not load {} file(s)", p.errors.len())
        };
        frame.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(panel(theme, &title, false).border_style(theme.fail())),
            error_area,
        );
    }

    footer(
        theme,
        &[
            ("↑↓/jk", "move"),
            ("Enter", "start"),
            ("/", "filter"),
            ("s", "sandbox"),
            ("Esc", "back"),
            ("F1", "keys"),
            ("Ctrl-Q", "quit"),
        ],
        frame,
        bottom,
    );
}
