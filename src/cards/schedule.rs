//! Per-card scheduling state, the review log, daily limits and due counts: the learner's side of the
//! decks, persisted as `cards.json` through [`crate::progress::Store`].

use super::fsrs::{Memory, Params, Rating};
use super::model::Deck;
use super::timefmt;
use crate::progress::Record;
use chrono::{DateTime, Duration, Local, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where a card is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    /// Never rated. Cards without a saved state are new.
    New,
    /// Rated Again on first sight; comes back after a few minutes.
    Learning,
    /// Remembered; scheduled days ahead.
    Review,
    /// Forgotten after being remembered; comes back after a few minutes.
    Relearning,
}

/// The saved scheduling state of one card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardState {
    pub phase: Phase,
    pub memory: Memory,
    #[serde(with = "timefmt")]
    pub due: DateTime<Utc>,
    #[serde(with = "timefmt")]
    pub last_review: DateTime<Utc>,
    pub reps: u32,
    pub lapses: u32,
}

/// One rating, as kept in the review log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LogEntry {
    pub card: String,
    #[serde(with = "timefmt")]
    pub at: DateTime<Utc>,
    pub rating: Rating,
    /// Whether this was the card's first rating (counts against the new-cards limit).
    pub was_new: bool,
    /// The wait until the card is due again.
    pub interval: Interval,
}

/// All card progress of one learner.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CardsProgress {
    /// Keyed by card id. A card missing here is new.
    pub cards: BTreeMap<String, CardState>,
    pub log: Vec<LogEntry>,
}

impl Record for CardsProgress {
    const FILE: &'static str = "cards.json";
    const VERSION: u32 = 1;
}

/// How long until a card comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    Minutes(u32),
    Days(u32),
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Interval::Minutes(m) => write!(f, "{m}m"),
            Interval::Days(d) if d >= 365 => write!(f, "{:.1}y", f64::from(d) / 365.0),
            Interval::Days(d) if d >= 30 => write!(f, "{:.1}mo", f64::from(d) / 30.0),
            Interval::Days(d) => write!(f, "{d}d"),
        }
    }
}

/// Daily limits, counted from the start of the learner's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// New cards introduced per day.
    pub new_per_day: u32,
    /// Reviews of already-known cards per day (relearning steps are not limited).
    pub reviews_per_day: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            new_per_day: 20,
            reviews_per_day: 200,
        }
    }
}

/// The result of rating a card: its next state and when it comes back.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub state: CardState,
    pub interval: Interval,
}

/// FSRS plus kubedojo's one short step: a forgotten card comes back after `relearn_minutes`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scheduler {
    pub params: Params,
    pub relearn_minutes: u32,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler {
            params: Params::default(),
            relearn_minutes: 10,
        }
    }
}

impl Scheduler {
    /// What each rating would do, in the order Again, Hard, Good, Easy. Day intervals are kept in
    /// order (Hard ≤ Good < Easy) so the buttons never contradict each other.
    pub fn preview(&self, state: Option<&CardState>, now: DateTime<Utc>) -> [Outcome; 4] {
        let memories = Rating::ALL.map(|r| self.memory_after(state, r, now));
        let mut days = memories.map(|m| self.params.interval_days(m.stability));
        days[1] = days[1].min(days[2]);
        days[2] = days[2].max(days[1].saturating_add(1));
        days[3] = days[3].max(days[2].saturating_add(1));
        let max = self.params.maximum_interval.max(1);
        let mut i = 0;
        memories.map(|memory| {
            let rating = Rating::ALL[i];
            let d = days[i].min(max);
            i += 1;
            self.outcome(state, rating, memory, d, now)
        })
    }

    /// Rates a card (`state` is `None` for a new card).
    pub fn rate(&self, state: Option<&CardState>, rating: Rating, now: DateTime<Utc>) -> Outcome {
        let [again, hard, good, easy] = self.preview(state, now);
        match rating {
            Rating::Again => again,
            Rating::Hard => hard,
            Rating::Good => good,
            Rating::Easy => easy,
        }
    }

    fn memory_after(
        &self,
        state: Option<&CardState>,
        rating: Rating,
        now: DateTime<Utc>,
    ) -> Memory {
        match state {
            None => self.params.initial(rating),
            Some(s) if s.phase == Phase::New => self.params.initial(rating),
            Some(s) => {
                let elapsed = (now - s.last_review).num_seconds().max(0) / 86_400;
                // Whole days, so a same-day review takes FSRS's short-term path.
                self.params.next(s.memory, elapsed as f64, rating)
            }
        }
    }

    fn outcome(
        &self,
        state: Option<&CardState>,
        rating: Rating,
        memory: Memory,
        days: u32,
        now: DateTime<Utc>,
    ) -> Outcome {
        let prev_phase = state.map(|s| s.phase).unwrap_or(Phase::New);
        let reps = state.map(|s| s.reps).unwrap_or(0).saturating_add(1);
        let lapses = state.map(|s| s.lapses).unwrap_or(0);
        if rating == Rating::Again {
            let (phase, lapses) = match prev_phase {
                Phase::New | Phase::Learning => (Phase::Learning, lapses),
                Phase::Review => (Phase::Relearning, lapses.saturating_add(1)),
                Phase::Relearning => (Phase::Relearning, lapses),
            };
            let minutes = self.relearn_minutes.max(1);
            return Outcome {
                state: CardState {
                    phase,
                    memory,
                    due: now + Duration::minutes(i64::from(minutes)),
                    last_review: now,
                    reps,
                    lapses,
                },
                interval: Interval::Minutes(minutes),
            };
        }
        Outcome {
            state: CardState {
                phase: Phase::Review,
                memory,
                due: now + Duration::days(i64::from(days)),
                last_review: now,
                reps,
                lapses,
            },
            interval: Interval::Days(days),
        }
    }
}

/// How many cards of a deck can be studied now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DueCounts {
    /// New cards available today (capped by what is left of the new-card limit).
    pub new: usize,
    /// Learning and relearning cards due now.
    pub learning: usize,
    /// Review cards due now (capped by what is left of the review limit).
    pub review: usize,
}

impl DueCounts {
    pub fn total(&self) -> usize {
        self.new + self.learning + self.review
    }
}

impl CardsProgress {
    /// The saved state of a card, `None` if it is new.
    pub fn state(&self, card_id: &str) -> Option<&CardState> {
        self.cards.get(card_id)
    }

    /// Stores the result of a rating and logs it.
    pub fn record(&mut self, card_id: &str, rating: Rating, outcome: Outcome, now: DateTime<Utc>) {
        let was_new = self.state(card_id).is_none_or(|s| s.phase == Phase::New);
        self.log.push(LogEntry {
            card: card_id.to_string(),
            at: now,
            rating,
            was_new,
            interval: outcome.interval,
        });
        self.cards.insert(card_id.to_string(), outcome.state);
    }

    /// New cards introduced since `day_start`.
    pub fn new_today(&self, day_start: DateTime<Utc>) -> u32 {
        self.count_since(day_start, |e| e.was_new)
    }

    /// Reviews of known cards since `day_start`.
    pub fn reviews_today(&self, day_start: DateTime<Utc>) -> u32 {
        self.count_since(day_start, |e| !e.was_new)
    }

    fn count_since(&self, day_start: DateTime<Utc>, pred: impl Fn(&LogEntry) -> bool) -> u32 {
        let n = self
            .log
            .iter()
            .rev()
            .take_while(|e| e.at >= day_start)
            .filter(|e| pred(e))
            .count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// What is left of today's new-card and review budgets.
    pub fn remaining_today(&self, limits: &Limits, day_start: DateTime<Utc>) -> (usize, usize) {
        let new = limits.new_per_day.saturating_sub(self.new_today(day_start));
        let rev = limits
            .reviews_per_day
            .saturating_sub(self.reviews_today(day_start));
        (new as usize, rev as usize)
    }

    /// Due counts for one deck.
    pub fn due_counts(
        &self,
        deck: &Deck,
        now: DateTime<Utc>,
        day_start: DateTime<Utc>,
        limits: &Limits,
    ) -> DueCounts {
        let (new_left, rev_left) = self.remaining_today(limits, day_start);
        let mut c = DueCounts::default();
        for card in &deck.cards {
            match self.state(&card.id) {
                None => c.new += 1,
                Some(s) => match s.phase {
                    Phase::New => c.new += 1,
                    Phase::Learning | Phase::Relearning if s.due <= now => c.learning += 1,
                    Phase::Review if s.due <= now => c.review += 1,
                    _ => {}
                },
            }
        }
        c.new = c.new.min(new_left);
        c.review = c.review.min(rev_left);
        c
    }
}

/// Due counts for each deck, in the decks' order (for a deck list screen).
pub fn due_by_deck<'a>(
    decks: &'a [Deck],
    progress: &CardsProgress,
    now: DateTime<Utc>,
    day_start: DateTime<Utc>,
    limits: &Limits,
) -> Vec<(&'a Deck, DueCounts)> {
    decks
        .iter()
        .map(|d| (d, progress.due_counts(d, now, day_start, limits)))
        .collect()
}

/// The start of the learner's local day containing `now` (midnight, local time zone).
pub fn local_day_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now.with_timezone(&Local)
        .date_naive()
        .and_time(NaiveTime::MIN)
        .and_local_timezone(Local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now - Duration::hours(24))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_225_600 + secs, 0).unwrap_or_default()
    }

    #[test]
    fn new_card_intervals_for_each_rating() {
        let s = Scheduler::default();
        let p = s.preview(None, t(0));
        let shown: Vec<String> = p.iter().map(|o| o.interval.to_string()).collect();
        assert_eq!(shown, ["10m", "1d", "3d", "16d"]);
        assert_eq!(p[0].state.phase, Phase::Learning);
        assert_eq!(p[2].state.phase, Phase::Review);
        assert_eq!(p[2].state.due, t(3 * 86_400));
    }

    #[test]
    fn good_then_good_three_days_later_gives_eleven_days() {
        let s = Scheduler::default();
        let first = s.rate(None, Rating::Good, t(0));
        let second = s.rate(Some(&first.state), Rating::Good, t(3 * 86_400));
        assert_eq!(second.interval, Interval::Days(11));
        assert_eq!(second.state.reps, 2);
    }

    #[test]
    fn forgetting_a_review_card_counts_a_lapse_and_relearns() {
        let s = Scheduler::default();
        let first = s.rate(None, Rating::Good, t(0));
        let again = s.rate(Some(&first.state), Rating::Again, t(3 * 86_400));
        assert_eq!(again.state.phase, Phase::Relearning);
        assert_eq!(again.state.lapses, 1);
        assert_eq!(again.interval, Interval::Minutes(10));
        let back = s.rate(Some(&again.state), Rating::Good, t(3 * 86_400 + 600));
        assert_eq!(back.state.phase, Phase::Review);
        assert!(matches!(back.interval, Interval::Days(d) if d >= 1));
    }

    #[test]
    fn daily_limits_cap_due_counts() {
        let deck = crate::cards::load::parse_deck(
            std::path::Path::new("x.toml"),
            r#"
[deck]
id = "x"
title = "X"
[defaults]
kind = "qa"
topic = "t"
domain = "storage"
source = "k8s docs"
[[cards]]
id = "a"
front = "a"
back = "a"
[[cards]]
id = "b"
front = "b"
back = "b"
[[cards]]
id = "c"
front = "c"
back = "c"
"#,
        )
        .expect("deck");
        let s = Scheduler::default();
        let mut p = CardsProgress::default();
        let limits = Limits {
            new_per_day: 2,
            reviews_per_day: 10,
        };
        assert_eq!(p.due_counts(&deck, t(0), t(0), &limits).new, 2);
        p.record(
            "a",
            Rating::Again,
            s.rate(None, Rating::Again, t(10)),
            t(10),
        );
        let c = p.due_counts(&deck, t(20), t(0), &limits);
        assert_eq!((c.new, c.learning, c.review), (1, 0, 0));
        let c = p.due_counts(&deck, t(10 + 600), t(0), &limits);
        assert_eq!((c.new, c.learning, c.review), (1, 1, 0));
        assert_eq!(p.new_today(t(0)), 1);
        assert_eq!(p.new_today(t(86_400)), 0);
    }
}
