//! The task screen: the task (context, text, hints) beside a terminal, a countdown in the header.

use super::{chrome, footer, panel};
use crate::tui::app::{App, Attempt};
use crate::tui::theme::Theme;
use crate::tui::widgets::markdown::{inline, markdown};
use crate::tui::widgets::terminal_pane::TerminalView;
use crate::tui::widgets::timer::Countdown;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(attempt) = app.attempt.as_ref() else {
        return;
    };
    let theme = app.theme;
    let (top, body, bottom) = chrome(area);
    render_header(app, attempt, frame, top);

    // Side by side when there is room for a terminal of 80 columns beside the task, else stacked.
    let [task_area, term_area] = if body.width >= 120 {
        Layout::horizontal([Constraint::Percentage(38), Constraint::Percentage(62)]).areas(body)
    } else {
        Layout::vertical([Constraint::Percentage(42), Constraint::Percentage(58)]).areas(body)
    };

    let points = attempt.scenario.points;
    let task_title = format!(
        "Task · {points} point{}",
        if points == 1 { "" } else { "s" }
    );
    frame.render_widget(
        Paragraph::new(task_lines(attempt, theme))
            .wrap(Wrap { trim: false })
            .scroll((attempt.task_scroll, 0))
            .block(panel(theme, &task_title, false)),
        task_area,
    );

    let block = panel(theme, "Terminal", true);
    let inner = block.inner(term_area);
    frame.render_widget(block, term_area);
    let prompt = attempt.session.prompt();
    let view = TerminalView {
        pane: &attempt.pane,
        prompt: &prompt,
        theme,
    };
    if let Some(cursor) = view.render_with_cursor(inner, frame.buffer_mut()) {
        if app.confirm.is_none() {
            frame.set_cursor_position(cursor);
        }
    }

    footer(
        theme,
        &[
            ("F2", "hint"),
            ("F5", "grade"),
            ("PgUp/PgDn", "scroll"),
            ("Alt-↑↓", "task"),
            ("Ctrl-L", "clear"),
            ("Esc", "leave"),
        ],
        frame,
        bottom,
    );
}

fn render_header(app: &App, attempt: &Attempt, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let timer = Countdown {
        limit: attempt.limit(),
        elapsed: attempt.elapsed(app.now),
        theme,
    };
    let timer_width = timer.width().min(area.width);
    let [left, right] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(timer_width)]).areas(area);
    let s = &attempt.scenario;
    frame.render_widget(
        Paragraph::new(format!(" {} · {}", s.id, s.title)).style(theme.header()),
        left,
    );
    frame.render_widget(timer, right);
}

/// The left pane's text: the context to switch to, the task, and the hints asked for so far.
pub fn task_lines(attempt: &Attempt, theme: Theme) -> Vec<Line<'static>> {
    let s = &attempt.scenario;
    let mut lines = vec![
        Line::from(Span::styled("Use the context:", theme.dim())),
        Line::from(Span::styled(
            format!("kubectl config use-context {}", s.context.name),
            theme.code(),
        )),
        Line::from(vec![
            Span::styled("Namespace: ", theme.dim()),
            Span::raw(s.context.namespace.clone()),
            Span::styled(format!(" · {}", s.domain.title()), theme.dim()),
        ]),
        Line::default(),
    ];
    lines.extend(markdown(&s.task, theme));
    lines.push(Line::default());
    let total = s.hints.len();
    if total == 0 {
        lines.push(Line::from(Span::styled(
            "This task has no hints.",
            theme.dim(),
        )));
    }
    for (i, hint) in s.hints.iter().take(attempt.hints_shown).enumerate() {
        let mut line = inline(hint, theme, Style::new());
        line.spans
            .insert(0, Span::styled(format!("Hint {}: ", i + 1), theme.key()));
        lines.push(line);
    }
    if attempt.hints_shown < total {
        lines.push(Line::from(vec![
            Span::styled("F2", theme.key()),
            Span::styled(
                format!(" shows hint {} of {total}", attempt.hints_shown + 1),
                theme.dim(),
            ),
        ]));
    }
    lines
}
