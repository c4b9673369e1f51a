//! The drills screen: the sets with best times, then timed prompts scored 0–3, then a summary.

use super::flashcards::{notice_height, render_notices};
use super::{chrome, footer, header, panel};
use crate::drill::SelfScore;
use crate::tui::app::App;
use crate::tui::study::{DrillState, Study};
use crate::tui::theme::Theme;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let theme = app.theme;
    let study = &app.study;
    let (top, body, bottom) = chrome(area);
    header(theme, "kubedojo · Drills", frame, top);
    let [notes, main] =
        Layout::vertical([Constraint::Length(notice_height(study)), Constraint::Min(0)])
            .areas(body);
    render_notices(study, theme, frame, notes);
    match &study.drill {
        None => {
            render_sets(study, theme, frame, main);
            footer(
                theme,
                &[("Enter", "start"), ("↑↓", "set"), ("Esc", "back")],
                frame,
                bottom,
            );
        }
        Some(d) if d.run.is_none() => {
            render_summary(study, d, theme, frame, main);
            footer(theme, &[("Enter", "sets"), ("Esc", "back")], frame, bottom);
        }
        Some(d) => {
            render_run(study, d, theme, frame, main);
            footer(
                theme,
                &[("Space", "answer"), ("0-3", "score"), ("Esc", "stop")],
                frame,
                bottom,
            );
        }
    }
}

fn mmss(secs: u32) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

fn render_sets(study: &Study, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    if study.sets.is_empty() {
        lines.push(Line::from("No drill sets were found in assets/drills."));
    }
    for (i, set) in study.sets.iter().enumerate() {
        let done = set
            .drills
            .iter()
            .filter(|d| study.history.stats(&d.id).successes > 0)
            .count();
        let style = if i == study.set_sel {
            theme.selected()
        } else {
            Style::new()
        };
        lines.push(Line::from(Span::styled(
            format!(
                "{}  ({} drills, {} done well)",
                set.title,
                set.drills.len(),
                done
            ),
            style,
        )));
        if i == study.set_sel {
            if !set.description.is_empty() {
                lines.push(Line::from(Span::styled(
                    format!("  {}", set.description),
                    theme.dim(),
                )));
            }
            for d in &set.drills {
                let best = study
                    .history
                    .best_seconds(&d.id)
                    .map_or("—".to_string(), mmss);
                let target = d
                    .target_seconds
                    .map_or(String::new(), |t| format!("target {}", mmss(t)));
                lines.push(Line::from(Span::styled(
                    format!("  · {:<40} best {:>5}  {}", d.title, best, target),
                    theme.dim(),
                )));
            }
        }
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(panel(theme, "Drill sets", true)),
        area,
    );
}

fn render_run(study: &Study, d: &DrillState, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(run) = &d.run else {
        return;
    };
    let total = study.sets.get(d.set).map_or(0, |s| s.drills.len());
    let elapsed = run.elapsed(study.now());
    let target = run
        .drill
        .target_seconds
        .map_or(String::new(), |t| format!(" / target {}", mmss(t)));
    let best = study
        .history
        .best_seconds(&run.drill.id)
        .map_or(String::new(), |b| format!("  best {}", mmss(b)));
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "{} of {} · {}",
                d.index + 1,
                total,
                run.drill.domain.title()
            ),
            theme.dim(),
        )),
        Line::from(Span::styled(
            format!("⏱ {}{target}{best}", mmss(elapsed)),
            theme.title(),
        )),
        Line::default(),
    ];
    lines.extend(run.drill.prompt.lines().map(|l| Line::from(l.to_string())));
    lines.push(Line::default());
    if d.revealed {
        lines.push(Line::from(Span::styled("Model answer", theme.title())));
        lines.extend(
            run.drill
                .model_answer
                .lines()
                .map(|l| Line::from(Span::styled(l.to_string(), theme.code()))),
        );
        lines.push(Line::default());
    }
    let scores: Vec<Span> = (0..=3u8)
        .filter_map(SelfScore::new)
        .flat_map(|s| {
            [
                Span::styled(s.value().to_string(), theme.key()),
                Span::raw(format!(" {}  ", s.label())),
            ]
        })
        .collect();
    lines.push(Line::from(scores));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(panel(theme, &run.drill.title, true)),
        area,
    );
}

fn render_summary(study: &Study, d: &DrillState, theme: Theme, frame: &mut Frame, area: Rect) {
    let set = study.sets.get(d.set);
    let mut lines = vec![
        Line::from(Span::styled("Set done", theme.title())),
        Line::default(),
    ];
    for (i, r) in d.results.iter().enumerate() {
        let title = set
            .and_then(|s| s.drills.get(i))
            .map_or("", |x| x.title.as_str());
        let mut note = String::new();
        if r.new_best {
            note.push_str("  new best!");
        }
        if r.met_target == Some(true) {
            note.push_str("  within target");
        }
        lines.push(Line::from(format!(
            "{:<40} {:>5}  {} {}{note}",
            title,
            mmss(r.attempt.seconds),
            r.attempt.score.value(),
            r.attempt.score.label()
        )));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(panel(theme, "Summary", true)),
        area,
    );
}
