//! Numbers for the stats screen: how well each domain's cards are known, reviews per day, and the
//! streak of study days. Pure functions of the saved progress and a day boundary.

use super::model::Deck;
use super::schedule::{CardsProgress, Phase};
use crate::scenario::Domain;
use chrono::{DateTime, Days, FixedOffset, NaiveDate, Utc};
use std::collections::{BTreeMap, BTreeSet};

/// Cards of one domain: how many there are, how many were ever studied, how many are remembered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Mastery {
    pub cards: usize,
    pub studied: usize,
    /// Cards in review (remembered at their last rating).
    pub known: usize,
}

impl Mastery {
    /// Known cards as a share of all cards, in percent.
    pub fn percent(&self) -> u64 {
        if self.cards == 0 {
            return 0;
        }
        (self.known * 100 / self.cards) as u64
    }
}

/// Mastery per domain, for every domain that has cards, in [`Domain::ALL`] order.
pub fn domain_mastery(decks: &[Deck], progress: &CardsProgress) -> Vec<(Domain, Mastery)> {
    let mut by: BTreeMap<usize, Mastery> = BTreeMap::new();
    for card in decks.iter().flat_map(|d| &d.cards) {
        let i = Domain::ALL
            .iter()
            .position(|d| *d == card.domain)
            .unwrap_or(0);
        let m = by.entry(i).or_default();
        m.cards += 1;
        if let Some(s) = progress.state(&card.id) {
            m.studied += usize::from(s.phase != Phase::New);
            m.known += usize::from(s.phase == Phase::Review);
        }
    }
    by.into_iter()
        .filter_map(|(i, m)| Domain::ALL.get(i).map(|d| (*d, m)))
        .collect()
}

/// The calendar day of `t` at the learner's UTC offset.
pub fn day_of(t: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    t.with_timezone(&offset).date_naive()
}

/// Ratings per day for the `days` days ending `today`, oldest first.
pub fn reviews_per_day(
    progress: &CardsProgress,
    today: NaiveDate,
    offset: FixedOffset,
    days: u64,
) -> Vec<(NaiveDate, u64)> {
    let mut counts: BTreeMap<NaiveDate, u64> = BTreeMap::new();
    for e in &progress.log {
        *counts.entry(day_of(e.at, offset)).or_default() += 1;
    }
    (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(Days::new(back)))
        .map(|d| (d, counts.get(&d).copied().unwrap_or(0)))
        .collect()
}

/// Consecutive study days ending today, or yesterday when today has no study yet.
pub fn streak(days: &BTreeSet<NaiveDate>, today: NaiveDate) -> u32 {
    let mut day = if days.contains(&today) {
        today
    } else {
        match today.pred_opt() {
            Some(d) => d,
            None => return 0,
        }
    };
    let mut n = 0;
    while days.contains(&day) {
        n += 1;
        match day.pred_opt() {
            Some(d) => day = d,
            None => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap_or_default()
    }

    #[test]
    fn a_streak_counts_back_from_today_or_yesterday() {
        let days: BTreeSet<NaiveDate> = [d(1), d(3), d(4), d(5)].into_iter().collect();
        assert_eq!(streak(&days, d(5)), 3);
        assert_eq!(streak(&days, d(6)), 3, "today not studied yet");
        assert_eq!(streak(&days, d(7)), 0);
    }
}
