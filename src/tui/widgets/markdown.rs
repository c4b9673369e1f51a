//! Task text as simple Markdown: paragraphs joined and left to wrap, list items and headings on their
//! own lines, fenced code blocks kept as they are, `code` and **bold** highlighted.

use crate::tui::theme::Theme;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// The lines of `text`, ready for a wrapping `Paragraph`.
pub fn markdown(text: &str, theme: Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut paragraph = String::new();
    let mut in_fence = false;
    let flush = |paragraph: &mut String, lines: &mut Vec<Line<'static>>| {
        if !paragraph.is_empty() {
            lines.push(inline(paragraph, theme, Style::new()));
            paragraph.clear();
        }
    };
    for raw in text.lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut lines);
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(Line::from(Span::styled(format!("  {raw}"), theme.code())));
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut lines);
            if lines.last().is_some_and(|l| l.width() > 0) {
                lines.push(Line::default());
            }
            continue;
        }
        if let Some(h) = heading(trimmed) {
            flush(&mut paragraph, &mut lines);
            lines.push(inline(h, theme, theme.title()));
            continue;
        }
        if is_list_item(trimmed) || raw.starts_with("    ") {
            flush(&mut paragraph, &mut lines);
            paragraph.push_str(raw.trim_end());
            continue;
        }
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(trimmed);
    }
    flush(&mut paragraph, &mut lines);
    while lines.last().is_some_and(|l| l.width() == 0) {
        lines.pop();
    }
    lines
}

fn heading(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches('#');
    (rest.len() < line.len() && rest.starts_with(' ')).then(|| rest.trim())
}

fn is_list_item(line: &str) -> bool {
    if line.starts_with("- ") || line.starts_with("* ") {
        return true;
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && line[digits..].starts_with(". ")
}

/// One line with `code` and **bold** spans styled.
pub fn inline(text: &str, theme: Theme, base: Style) -> Line<'static> {
    let mut spans = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let tick = rest.find('`');
        let bold = rest.find("**");
        match (tick, bold) {
            (Some(t), b) if b.is_none_or(|b| t < b) => {
                let after = &rest[t + 1..];
                if let Some(end) = after.find('`') {
                    push(&mut spans, &rest[..t], base);
                    spans.push(Span::styled(after[..end].to_string(), theme.code()));
                    rest = &after[end + 1..];
                } else {
                    push(&mut spans, rest, base);
                    rest = "";
                }
            }
            (_, Some(b)) => {
                let after = &rest[b + 2..];
                if let Some(end) = after.find("**") {
                    push(&mut spans, &rest[..b], base);
                    push(&mut spans, &after[..end], base.add_modifier(Modifier::BOLD));
                    rest = &after[end + 2..];
                } else {
                    push(&mut spans, rest, base);
                    rest = "";
                }
            }
            _ => {
                push(&mut spans, rest, base);
                rest = "";
            }
        }
    }
    Line::from(spans)
}

fn push(spans: &mut Vec<Span<'static>>, text: &str, style: Style) {
    if !text.is_empty() {
        spans.push(Span::styled(text.to_string(), style));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn joins_paragraph_lines_and_keeps_lists_and_code() {
        let text = "Create a pod named `web`\nin the `default` namespace.\n\n- one\n- two\n\n```\nkind: Pod\n```\n";
        let lines = markdown(text, Theme { color: true });
        assert_eq!(
            plain(&lines),
            [
                "Create a pod named web in the default namespace.",
                "",
                "- one",
                "- two",
                "",
                "  kind: Pod",
            ]
        );
        assert_eq!(lines[0].spans[1].content, "web");
        assert_eq!(lines[0].spans[1].style, Theme { color: true }.code());
    }

    #[test]
    fn unmatched_markers_stay_as_text() {
        let lines = markdown("a `b and **c", Theme { color: false });
        assert_eq!(plain(&lines), ["a `b and **c"]);
    }
}
