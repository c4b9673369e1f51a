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
        Paragraph::new(results_lines(attempt, theme, body.width.saturating_sub(2)))
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

/// A command as typed: `$ ` before its first line, every row (here-document lines included) cut at
/// the width like a terminal does and indented under the command, spacing kept.
fn command_lines(cmd: &str, style: Style, theme: Theme, width: u16) -> Vec<Line<'static>> {
    let room = usize::from(width).saturating_sub(2).max(8);
    let mut out = Vec::new();
    for (i, line) in cmd.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let chunks: Vec<String> = if chars.is_empty() {
            vec![String::new()]
        } else {
            chars.chunks(room).map(|c| c.iter().collect()).collect()
        };
        for (j, chunk) in chunks.into_iter().enumerate() {
            let prefix = if i == 0 && j == 0 { "$ " } else { "  " };
            out.push(Line::from(vec![
                Span::styled(prefix, theme.prompt()),
                Span::styled(chunk, style),
            ]));
        }
    }
    out
}

/// Word-wraps `text` to rows of at most `width` characters (longer words are split).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut rows = Vec::new();
    let mut row = String::new();
    for word in text.split_whitespace() {
        let mut word = word.to_string();
        loop {
            let used = row.chars().count();
            let len = word.chars().count();
            if used > 0 && used + 1 + len <= width {
                row.push(' ');
                row.push_str(&word);
                break;
            }
            if used == 0 && len <= width {
                row = word;
                break;
            }
            if used > 0 {
                rows.push(std::mem::take(&mut row));
                continue;
            }
            // A word longer than a row: split it.
            let head: String = word.chars().take(width).collect();
            word = word.chars().skip(width).collect();
            rows.push(head);
        }
    }
    if !row.is_empty() || rows.is_empty() {
        rows.push(row);
    }
    rows
}

/// The size of the findings' text area on a screen of `width`×`height`.
pub fn text_size(width: u16, height: u16) -> (u16, u16) {
    let (_, body, _) = chrome(Rect::new(0, 0, width, height));
    (body.width.saturating_sub(2), body.height.saturating_sub(2))
}

/// The score, each finding, and the model solution.
pub fn results_lines(attempt: &Attempt, theme: Theme, width: u16) -> Vec<Line<'static>> {
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
                let score = format!("{earned}/{} ", f.points);
                // Description and feedback wrap under themselves, not under the mark.
                let indent = 2 + score.chars().count();
                let rows = wrap_words(&f.description, usize::from(width).saturating_sub(indent));
                for (i, row) in rows.into_iter().enumerate() {
                    let head = if i == 0 {
                        vec![
                            Span::styled(format!("{mark} "), mstyle),
                            Span::styled(score.clone(), theme.dim()),
                        ]
                    } else {
                        vec![Span::raw(" ".repeat(indent))]
                    };
                    lines.push(Line::from([head, vec![Span::raw(row)]].concat()));
                }
                if !f.passed && !f.feedback.is_empty() {
                    let rows =
                        wrap_words(&f.feedback, usize::from(width).saturating_sub(indent + 2));
                    for (i, row) in rows.into_iter().enumerate() {
                        let arrow = if i == 0 { "→ " } else { "  " };
                        lines.push(Line::from(vec![
                            Span::raw(" ".repeat(indent)),
                            Span::styled(arrow, theme.dim()),
                            Span::styled(row, Style::new()),
                        ]));
                    }
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
            lines.extend(command_lines(cmd, Style::new(), theme, width));
        }
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Model solution", theme.title())));
    for cmd in &s.solution.commands {
        lines.extend(command_lines(cmd, theme.code(), theme, width));
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

#[cfg(test)]
mod tests {
    use super::wrap_words;

    #[test]
    fn commands_are_cut_and_indented_with_their_spacing_kept() {
        let theme = crate::tui::theme::Theme { color: false };
        let style = ratatui::style::Style::new();
        let text: Vec<String> = super::command_lines(
            "kubectl expose deployment reviews --port=80\n  spec:",
            style,
            theme,
            20,
        )
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect();
        assert_eq!(
            text,
            [
                "$ kubectl expose dep",
                "  loyment reviews --",
                "  port=80",
                "    spec:"
            ]
        );
    }

    #[test]
    fn wraps_at_words_and_splits_long_ones() {
        assert_eq!(
            wrap_words("the pod should be Running and Ready", 16),
            ["the pod should", "be Running and", "Ready"]
        );
        assert_eq!(
            wrap_words("abcdefghijklmnopqrst x", 8),
            ["abcdefgh", "ijklmnop", "qrst x"]
        );
        assert_eq!(wrap_words("", 10), [""]);
    }
}
