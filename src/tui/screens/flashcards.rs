//! The flashcards screen: the decks with what is due, then one card at a time, then a summary.

use super::{chrome, footer, header, panel};
use crate::cards::{due_by_deck, CardKind, CommandVerdict, DueCounts};
use crate::tui::app::App;
use crate::tui::study::{Review, Study};
use crate::tui::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let study = &app.study;
    let (top, body, bottom) = chrome(area);
    header(theme, "kubedojo · Flashcards", frame, top);
    let [notes, main] =
        Layout::vertical([Constraint::Length(notice_height(study)), Constraint::Min(0)])
            .areas(body);
    render_notices(study, theme, frame, notes);
    match &study.review {
        None => {
            render_decks(study, theme, frame, main);
            footer(
                theme,
                &[("Enter", "study"), ("↑↓", "deck"), ("Esc", "back")],
                frame,
                bottom,
            );
        }
        Some(r) if r.session.is_finished() => {
            render_summary(r, theme, frame, main);
            footer(theme, &[("Enter", "decks"), ("Esc", "back")], frame, bottom);
        }
        Some(r) => {
            render_card(study, r, theme, frame, main);
            let keys: &[(&str, &str)] = if r.typing() {
                &[("Enter", "check"), ("Esc", "stop")]
            } else if r.session.is_revealed() {
                &[
                    ("1", "again"),
                    ("2", "hard"),
                    ("3", "good"),
                    ("4", "easy"),
                    ("u", "undo"),
                    ("Esc", "stop"),
                ]
            } else {
                &[("Space", "reveal"), ("u", "undo"), ("Esc", "stop")]
            };
            footer(theme, keys, frame, bottom);
        }
    }
}

/// Rows for the notices (recovered files, load errors, a failed save).
pub fn notice_height(study: &Study) -> u16 {
    let n = study.notices.len() + usize::from(study.status.is_some());
    u16::try_from(n).unwrap_or(u16::MAX).min(4)
}

pub fn render_notices(study: &Study, theme: Theme, frame: &mut Frame, area: Rect) {
    let lines: Vec<Line> = study
        .status
        .iter()
        .chain(&study.notices)
        .map(|n| Line::from(Span::styled(format!(" ! {n}"), theme.urgent())))
        .collect();
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn counts(c: DueCounts) -> String {
    format!(
        "{:>4} new {:>4} learning {:>4} due",
        c.new, c.learning, c.review
    )
}

fn render_decks(study: &Study, theme: Theme, frame: &mut Frame, area: Rect) {
    let now = study.now();
    let rows = due_by_deck(
        &study.decks,
        &study.progress,
        now,
        study.day_start(),
        &study.limits,
    );
    let (new_left, rev_left) = study
        .progress
        .remaining_today(&study.limits, study.day_start());
    let all = rows
        .iter()
        .fold(DueCounts::default(), |a, (_, c)| DueCounts {
            new: (a.new + c.new).min(new_left),
            learning: a.learning + c.learning,
            review: (a.review + c.review).min(rev_left),
        });
    let width = usize::from(area.width.saturating_sub(4));
    let name_w = width.saturating_sub(32).max(8);
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "Today: {} of {} new cards and {} of {} reviews left",
            new_left, study.limits.new_per_day, rev_left, study.limits.reviews_per_day
        ),
        theme.dim(),
    ))];
    lines.push(Line::default());
    let entries = std::iter::once(("All decks".to_string(), all))
        .chain(rows.iter().map(|(d, c)| (d.title.clone(), *c)));
    for (i, (title, c)) in entries.enumerate() {
        let title: String = title.chars().take(name_w).collect();
        let text = format!("{title:<name_w$}{}", counts(c));
        let style = if i == study.deck_sel {
            theme.selected()
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::from(Span::styled(text, style)));
    }
    let scroll = u16::try_from(
        (study.deck_sel + 4).saturating_sub(usize::from(area.height.saturating_sub(2))),
    )
    .unwrap_or(0);
    frame.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(panel(theme, "Decks", true)),
        area,
    );
}

fn render_card(study: &Study, r: &Review, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(card) = r.session.current() else {
        return;
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "{} · {} · {} left",
                card.topic,
                card.domain.title(),
                r.session.remaining()
            ),
            theme.dim(),
        )),
        Line::default(),
    ];
    lines.extend(card.front.lines().map(|l| Line::from(l.to_string())));
    lines.push(Line::default());
    if card.kind == CardKind::Command {
        lines.push(Line::from(vec![
            Span::styled("$ ", theme.prompt()),
            Span::styled(r.input.clone(), theme.code()),
            Span::styled(if r.typing() { "█" } else { "" }, theme.dim()),
        ]));
        match &r.verdict {
            Some(CommandVerdict::Correct) => {
                lines.push(Line::from(Span::styled("✓ Correct", theme.pass())));
            }
            Some(CommandVerdict::Incorrect { .. }) => {
                lines.push(Line::from(Span::styled("✗ Not quite", theme.fail())));
            }
            _ => {}
        }
        lines.push(Line::default());
    }
    if r.session.is_revealed() {
        lines.push(Line::from(Span::styled("Answer", theme.title())));
        lines.extend(
            card.reveal_text()
                .lines()
                .map(|l| Line::from(l.to_string())),
        );
        lines.push(Line::default());
        if let Some(outcomes) = r.session.preview(&study.progress, study.now()) {
            let mut spans = Vec::new();
            for (i, (name, o)) in ["again", "hard", "good", "easy"]
                .iter()
                .zip(outcomes.iter())
                .enumerate()
            {
                spans.push(Span::styled(format!("{}", i + 1), theme.key()));
                spans.push(Span::raw(format!(" {name} {}   ", o.interval)));
            }
            lines.push(Line::from(spans));
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(panel(theme, &card.deck, true)),
        area,
    );
}

fn render_summary(r: &Review, theme: Theme, frame: &mut Frame, area: Rect) {
    let s = r.session.summary();
    let lines = if s.ratings == 0 {
        vec![Line::from(
            "Nothing is due now. Come back later, or pick another deck.",
        )]
    } else {
        vec![
            Line::from(Span::styled("Session done", theme.title())),
            Line::default(),
            Line::from(format!(
                "{} cards ({} new), {} ratings",
                s.cards, s.new_cards, s.ratings
            )),
            Line::from(format!(
                "Again {}  Hard {}  Good {}  Easy {}",
                s.by_rating[0], s.by_rating[1], s.by_rating[2], s.by_rating[3]
            )),
            Line::from(format!("Recalled on first sight: {}%", s.recall_percent())),
        ]
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(panel(theme, "Summary", true)),
        area,
    );
}
