//! The home menu.

use super::{centered, chrome, footer, header};
use crate::tui::app::{App, MENU};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let (top, body, bottom) = chrome(area);
    header(
        theme,
        "kubedojo · Kubernetes CKA & CKAD trainer",
        frame,
        top,
    );

    let mut lines = vec![
        Line::from(Span::styled("k u b e d o j o", theme.title())),
        Line::from(Span::styled(
            "practise the exam in a simulated cluster",
            theme.dim(),
        )),
        Line::default(),
    ];
    for (i, item) in MENU.iter().enumerate() {
        let selected = i == app.menu;
        let marker = if selected { "▶ " } else { "  " };
        let label = format!("{marker}{:<12}", item.label());
        let style = if selected {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(label, style)));
    }
    lines.push(Line::default());
    if let Some(item) = MENU.get(app.menu) {
        lines.push(Line::from(Span::styled(item.description(), theme.dim())));
    }
    let loaded = app.practice.scenarios.len();
    let broken = app.practice.errors.len();
    let mut status = format!(
        "{loaded} practice task{}",
        if loaded == 1 { "" } else { "s" }
    );
    if broken > 0 {
        status.push_str(&format!(
            " · {broken} file{} with errors",
            if broken == 1 { "" } else { "s" }
        ));
    }
    lines.push(Line::from(Span::styled(status, theme.dim())));

    let height = lines.len() as u16;
    let width = lines.iter().map(Line::width).max().unwrap_or(0) as u16;
    let menu_area = centered(body, width.max(20), height);
    frame.render_widget(
        Paragraph::new(lines).alignment(ratatui::layout::Alignment::Center),
        menu_area,
    );
    footer(
        theme,
        &[
            ("↑↓/jk", "move"),
            ("Enter", "open"),
            ("?", "keys"),
            ("q", "quit"),
        ],
        frame,
        bottom,
    );
}
