//! Screens for features announced on the menu but not built yet. They say so plainly.

use super::{centered, chrome, footer, header, panel};
use crate::tui::app::{App, Feature};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, feature: Feature, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let (top, body, bottom) = chrome(area);
    header(
        theme,
        &format!("kubedojo · {}", feature.title()),
        frame,
        top,
    );
    let lines = vec![
        Line::from(Span::styled(
            format!(
                "{} arrives in a later version of kubedojo.",
                feature.title()
            ),
            theme.title(),
        )),
        Line::default(),
        Line::from(feature.promise()),
        Line::default(),
        Line::from("Until then, Practice has every task, graded the same way."),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(panel(theme, feature.title(), true)),
        centered(body, 64, 9),
    );
    footer(theme, &[("Esc", "back"), ("Ctrl-Q", "quit")], frame, bottom);
}
