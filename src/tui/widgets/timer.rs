//! The countdown of a task: time left from the task's minutes, urgent under a minute, then overtime.
//! Practice never ends an attempt when time is up; the timer only says so.

use crate::tui::theme::Theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::Widget;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Countdown {
    pub limit: Duration,
    pub elapsed: Duration,
    pub theme: Theme,
}

impl Countdown {
    pub fn remaining(&self) -> Option<Duration> {
        self.limit.checked_sub(self.elapsed)
    }

    /// True under one minute left, and in overtime.
    pub fn urgent(&self) -> bool {
        self.remaining().is_none_or(|r| r < Duration::from_secs(60))
    }

    /// `⏱ 04:59`, or `⏱ +00:12 over` after the time is up.
    pub fn label(&self) -> String {
        match self.remaining() {
            Some(r) if !r.is_zero() => format!("⏱ {}", mm_ss(r)),
            _ => format!("⏱ +{} over", mm_ss(self.elapsed.saturating_sub(self.limit))),
        }
    }

    pub fn style(&self) -> Style {
        if self.urgent() {
            self.theme.urgent()
        } else {
            self.theme.header()
        }
    }

    pub fn width(&self) -> u16 {
        Span::raw(format!(" {} ", self.label())).width() as u16
    }
}

/// Whole seconds as `MM:SS` (minutes go past 59 rather than adding hours).
pub fn mm_ss(d: Duration) -> String {
    let s = d.as_secs();
    format!("{:02}:{:02}", s / 60, s % 60)
}

impl Widget for Countdown {
    fn render(self, area: Rect, buf: &mut Buffer) {
        buf.set_stringn(
            area.x,
            area.y,
            format!(" {} ", self.label()),
            usize::from(area.width),
            self.style(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(limit: u64, elapsed: u64) -> Countdown {
        Countdown {
            limit: Duration::from_secs(limit),
            elapsed: Duration::from_secs(elapsed),
            theme: Theme { color: true },
        }
    }

    #[test]
    fn counts_down_and_turns_urgent_under_a_minute() {
        assert_eq!(at(120, 0).label(), "⏱ 02:00");
        assert!(!at(120, 0).urgent());
        assert_eq!(at(120, 61).label(), "⏱ 00:59");
        assert!(at(120, 61).urgent());
        assert_eq!(at(120, 132).label(), "⏱ +00:12 over");
        assert!(at(120, 132).urgent());
    }
}
