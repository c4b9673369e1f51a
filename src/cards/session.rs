//! One sitting of reviews: a queue of due cards, reveal, rate, and a summary at the end.

use super::fsrs::Rating;
use super::model::{Card, Deck};
use super::schedule::{CardState, CardsProgress, Limits, Outcome, Phase, Scheduler};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;

/// Why a session refused an action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    #[error("the session has no card left to rate")]
    Finished,
    #[error("reveal the answer before rating the card")]
    NotRevealed,
}

/// Counts for the end-of-session screen.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionSummary {
    /// Ratings given, including repeats of cards rated Again.
    pub ratings: u32,
    /// Distinct cards rated at least once.
    pub cards: u32,
    /// Cards seen for the first time.
    pub new_cards: u32,
    /// Ratings per button: Again, Hard, Good, Easy.
    pub by_rating: [u32; 4],
}

impl SessionSummary {
    /// Share of first ratings that were not Again, in percent (0 when nothing was rated).
    pub fn recall_percent(&self) -> u32 {
        let total: u32 = self.by_rating.iter().sum();
        if total == 0 {
            return 0;
        }
        (total - self.by_rating[0]) * 100 / total
    }
}

/// A review session over some decks. It borrows the progress only while rating, so the caller owns
/// saving it (see [`crate::progress::Store::save`]).
#[derive(Debug, Clone)]
pub struct ReviewSession {
    queue: VecDeque<Card>,
    revealed: bool,
    scheduler: Scheduler,
    summary: SessionSummary,
    rated: std::collections::HashSet<String>,
    last: Option<Undo>,
}

/// What is needed to take the last rating back.
#[derive(Debug, Clone)]
struct Undo {
    card: Card,
    previous: Option<CardState>,
    log_len: usize,
    requeued: bool,
    summary: SessionSummary,
    first_rating: bool,
}

impl ReviewSession {
    /// Builds the queue: learning cards due now, then reviews due now (oldest first, up to what is
    /// left of today's review limit), then new cards in deck order (up to the new-card limit).
    pub fn new(
        decks: &[Deck],
        progress: &CardsProgress,
        limits: &Limits,
        now: DateTime<Utc>,
        day_start: DateTime<Utc>,
    ) -> Self {
        let (new_left, rev_left) = progress.remaining_today(limits, day_start);
        let mut learning = Vec::new();
        let mut reviews = Vec::new();
        let mut new = Vec::new();
        for card in decks.iter().flat_map(|d| d.cards.iter()) {
            match progress.state(&card.id) {
                None => new.push(card),
                Some(s) if s.phase == Phase::New => new.push(card),
                Some(s) if s.due > now => {}
                Some(s) if s.phase == Phase::Review => reviews.push((s.due, card)),
                Some(s) => learning.push((s.due, card)),
            }
        }
        learning.sort_by_key(|(due, _)| *due);
        reviews.sort_by_key(|(due, _)| *due);
        let queue = learning
            .into_iter()
            .map(|(_, c)| c)
            .chain(reviews.into_iter().take(rev_left).map(|(_, c)| c))
            .chain(new.into_iter().take(new_left))
            .cloned()
            .collect();
        ReviewSession {
            queue,
            revealed: false,
            scheduler: Scheduler::default(),
            summary: SessionSummary::default(),
            rated: Default::default(),
            last: None,
        }
    }

    /// Uses other scheduler settings (desired retention, relearn step).
    pub fn with_scheduler(mut self, scheduler: Scheduler) -> Self {
        self.scheduler = scheduler;
        self
    }

    /// The card being studied, `None` when the session is over.
    pub fn current(&self) -> Option<&Card> {
        self.queue.front()
    }

    /// Shows the answer of the current card.
    pub fn reveal(&mut self) {
        if !self.queue.is_empty() {
            self.revealed = true;
        }
    }

    pub fn is_revealed(&self) -> bool {
        self.revealed
    }

    /// What each rating would do to the current card (for the buttons' "10m / 1d / 3d / 16d").
    pub fn preview(&self, progress: &CardsProgress, now: DateTime<Utc>) -> Option<[Outcome; 4]> {
        let card = self.current()?;
        Some(self.scheduler.preview(progress.state(&card.id), now))
    }

    /// Rates the current card, records it in `progress`, and moves on. A card rated Again comes back
    /// at the end of this session's queue.
    pub fn rate(
        &mut self,
        rating: Rating,
        progress: &mut CardsProgress,
        now: DateTime<Utc>,
    ) -> Result<Outcome, SessionError> {
        if self.queue.is_empty() {
            return Err(SessionError::Finished);
        }
        if !self.revealed {
            return Err(SessionError::NotRevealed);
        }
        let card = self.queue.pop_front().ok_or(SessionError::Finished)?;
        let state = progress.state(&card.id);
        let previous = state.cloned();
        let summary_before = self.summary.clone();
        let log_len = progress.log.len();
        let was_new = state.is_none_or(|s| s.phase == Phase::New);
        let outcome = self.scheduler.rate(state, rating, now);
        progress.record(&card.id, rating, outcome.clone(), now);
        self.summary.ratings += 1;
        let first_rating = self.rated.insert(card.id.clone());
        if first_rating {
            self.summary.cards += 1;
            self.summary.by_rating[usize::from(rating.grade() - 1)] += 1;
            if was_new {
                self.summary.new_cards += 1;
            }
        }
        let requeued = rating == Rating::Again;
        if requeued {
            self.queue.push_back(card.clone());
        }
        self.last = Some(Undo {
            card,
            previous,
            log_len,
            requeued,
            summary: summary_before,
            first_rating,
        });
        self.revealed = false;
        Ok(outcome)
    }

    /// Takes back the last rating: the card's saved state and the log are restored and the card is
    /// shown again, revealed. Only one step of undo is kept. Returns false when there is nothing
    /// to undo.
    pub fn undo(&mut self, progress: &mut CardsProgress) -> bool {
        let Some(u) = self.last.take() else {
            return false;
        };
        match u.previous {
            Some(state) => {
                progress.cards.insert(u.card.id.clone(), state);
            }
            None => {
                progress.cards.remove(&u.card.id);
            }
        }
        progress.log.truncate(u.log_len);
        if u.requeued {
            if let Some(pos) = self.queue.iter().rposition(|c| c.id == u.card.id) {
                self.queue.remove(pos);
            }
        }
        if u.first_rating {
            self.rated.remove(&u.card.id);
        }
        self.summary = u.summary;
        self.queue.push_front(u.card);
        self.revealed = true;
        true
    }

    /// Cards still queued (a card rated Again counts again).
    pub fn remaining(&self) -> usize {
        self.queue.len()
    }

    pub fn is_finished(&self) -> bool {
        self.queue.is_empty()
    }

    /// Counts so far; `by_rating` counts each card's first rating in this session.
    pub fn summary(&self) -> &SessionSummary {
        &self.summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cards::load::parse_deck;
    use chrono::Duration;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_767_225_600 + secs, 0).unwrap_or_default()
    }

    fn deck(n: usize) -> Deck {
        let mut text = String::from(
            "[deck]\nid = \"d\"\ntitle = \"D\"\n[defaults]\nkind = \"qa\"\ntopic = \"t\"\ndomain = \"storage\"\nsource = \"k8s docs\"\n",
        );
        for i in 0..n {
            text.push_str(&format!(
                "[[cards]]\nid = \"c{i}\"\nfront = \"q{i}\"\nback = \"a{i}\"\n"
            ));
        }
        parse_deck(std::path::Path::new("d.toml"), &text).expect("deck")
    }

    #[test]
    fn queue_reveal_rate_summary() {
        let decks = [deck(3)];
        let mut p = CardsProgress::default();
        let mut s = ReviewSession::new(&decks, &p, &Limits::default(), t(0), t(0));
        assert_eq!(s.remaining(), 3);
        assert_eq!(
            s.rate(Rating::Good, &mut p, t(1)),
            Err(SessionError::NotRevealed)
        );
        s.reveal();
        let o = s.rate(Rating::Again, &mut p, t(1)).expect("rated");
        assert_eq!(o.interval.to_string(), "10m");
        assert_eq!(s.remaining(), 3, "again puts the card back");
        for _ in 0..3 {
            s.reveal();
            s.rate(Rating::Good, &mut p, t(2)).expect("rated");
        }
        assert!(s.is_finished());
        assert_eq!(
            s.rate(Rating::Good, &mut p, t(3)),
            Err(SessionError::Finished)
        );
        let sum = s.summary();
        assert_eq!((sum.ratings, sum.cards, sum.new_cards), (4, 3, 3));
        assert_eq!(sum.by_rating, [1, 0, 2, 0]);
        assert_eq!(sum.recall_percent(), 66);
        assert_eq!(p.log.len(), 4);
    }

    #[test]
    fn undo_restores_progress_queue_and_summary() {
        let decks = [deck(2)];
        let mut p = CardsProgress::default();
        let mut s = ReviewSession::new(&decks, &p, &Limits::default(), t(0), t(0));
        assert!(!s.undo(&mut p), "nothing to undo yet");
        s.reveal();
        s.rate(Rating::Again, &mut p, t(1)).expect("rated");
        assert_eq!(s.remaining(), 2);
        assert!(s.undo(&mut p));
        assert_eq!(p, CardsProgress::default());
        assert_eq!(s.remaining(), 2);
        assert_eq!(s.current().map(|c| c.id.as_str()), Some("c0"));
        assert!(s.is_revealed());
        assert_eq!(s.summary(), &SessionSummary::default());
        s.rate(Rating::Good, &mut p, t(2)).expect("rated again");
        assert_eq!(s.summary().by_rating, [0, 0, 1, 0]);
        assert_eq!(s.current().map(|c| c.id.as_str()), Some("c1"));
    }

    #[test]
    fn limits_and_due_dates_shape_the_next_session() {
        let decks = [deck(5)];
        let mut p = CardsProgress::default();
        let limits = Limits {
            new_per_day: 2,
            reviews_per_day: 100,
        };
        let mut s = ReviewSession::new(&decks, &p, &limits, t(0), t(0));
        assert_eq!(s.remaining(), 2);
        while !s.is_finished() {
            s.reveal();
            s.rate(Rating::Good, &mut p, t(5)).expect("rated");
        }
        // Same day: the new-card budget is spent and nothing is due.
        let s = ReviewSession::new(&decks, &p, &limits, t(60), t(0));
        assert_eq!(s.remaining(), 0);
        // Three days later: the two Good cards are due, and two more new cards are allowed.
        let later = t(60) + Duration::days(3);
        let s = ReviewSession::new(&decks, &p, &limits, later, later);
        assert_eq!(s.remaining(), 4);
        assert_eq!(s.current().map(|c| c.id.as_str()), Some("c0"));
    }
}
