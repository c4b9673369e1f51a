//! The results of grading: each finding, the score, and the model solution.

use super::{chrome, footer, header, panel};
use crate::tui::app::{App, Attempt};
use crate::tui::theme::Theme;
use crate::tui::widgets::markdown::markdown;
use crate::tui::widgets::timer::mm_ss;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(attempt) = app.attempt.as_ref() else {
        return;
    };
    let theme = app.theme;
    let Some(s) = attempt.scenario.as_ref() else {
        return;
    };
    let (top, body, bottom) = chrome(area);
    header(
        theme,
        &format!("Results · {} · {}", s.id, s.title),
        frame,
        top,
    );
    frame.render_widget(
        Paragraph::new(results_lines(attempt, theme))
            .wrap(Wrap { trim: false })
            .scroll((attempt.results_scroll, 0))
            .block(panel(theme, "Findings", true)),
        body,
    );
    footer(
        theme,
        &[
            ("Esc/t", "back to the task"),
            ("l", "task list"),
            ("r", "start over"),
            ("↑↓", "scroll"),
            ("F1", "keys"),
            ("Ctrl-Q", "quit"),
        ],
        frame,
        bottom,
    );
}

/// The size of the findings' text area on a screen of `width`×`height`.
pub fn text_size(width: u16, height: u16) -> (u16, u16) {
    let (_, body, _) = chrome(Rect::new(0, 0, width, height));
    (body.width.saturating_sub(2), body.height.saturating_sub(2))
}

/// The score, each finding, and the model solution.
pub fn results_lines(attempt: &Attempt, theme: Theme) -> Vec<Line<'static>> {
    let Some(s) = attempt.scenario.as_ref() else {
        return Vec::new();
    };
    let mut lines = Vec::new();
    match &attempt.report {
        Some(report) => {
            let pct = (report.fraction() * 100.0).round();
            let style = if report.full_marks() {
                theme.pass()
            } else {
                theme.fail()
            };
            lines.push(Line::from(vec![
                Span::styled("Score: ", theme.title()),
                Span::styled(
                    format!("{}/{} ({pct}%)", report.earned, report.possible),
                    style,
                ),
                Span::styled(
                    if report.full_marks() {
                        "  all checks passed"
                    } else {
                        "  keep trying, or study the solution below"
                    },
                    theme.dim(),
                ),
            ]));
            if let (Some(t), Some(limit)) = (attempt.graded_after, attempt.limit()) {
                lines.push(Line::from(Span::styled(
                    format!(
                        "Graded after {} of the {} suggested",
                        mm_ss(t),
                        mm_ss(limit)
                    ),
                    theme.dim(),
                )));
            }
            lines.push(Line::default());
            for f in &report.findings {
                let (mark, mstyle) = if f.passed {
                    ("✔", theme.pass())
                } else {
                    ("✘", theme.fail())
                };
                let earned = if f.passed { f.points } else { 0 };
                lines.push(Line::from(vec![
                    Span::styled(format!("{mark} "), mstyle),
                    Span::styled(format!("{earned}/{} ", f.points), theme.dim()),
                    Span::raw(f.description.clone()),
                ]));
                if !f.passed && !f.feedback.is_empty() {
                    lines.push(Line::from(vec![
                        Span::raw("      "),
                        Span::styled(format!("→ {}", f.feedback), Style::new()),
                    ]));
                }
            }
        }
        None => lines.push(Line::from("This attempt has no task to grade.")),
    }
    let typed = &attempt.session.transcript;
    if !typed.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Your commands", theme.title())));
        // The most recent ones: enough to compare with the solution.
        let skip = typed.len().saturating_sub(12);
        if skip > 0 {
            lines.push(Line::from(Span::styled(
                format!("  … {skip} earlier"),
                theme.dim(),
            )));
        }
        for cmd in typed.iter().skip(skip) {
            for (i, l) in cmd.lines().enumerate() {
                let prefix = if i == 0 { "$ " } else { "  " };
                lines.push(Line::from(vec![
                    Span::styled(prefix, theme.prompt()),
                    Span::raw(l.to_string()),
                ]));
            }
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Model solution", theme.title())));
    for cmd in &s.solution.commands {
        for (i, l) in cmd.lines().enumerate() {
            let prefix = if i == 0 { "$ " } else { "  " };
            lines.push(Line::from(vec![
                Span::styled(prefix, theme.prompt()),
                Span::styled(l.to_string(), theme.code()),
            ]));
        }
    }
    lines.push(Line::default());
    lines.extend(markdown(&s.solution.explanation, theme));
    if !s.solution.docs.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(vec![
            Span::styled("Docs: ", theme.dim()),
            Span::raw(s.solution.docs.clone()),
        ]));
    }
    lines
}
