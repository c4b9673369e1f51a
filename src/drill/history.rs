//! Attempts at drills, self-scored, with best times; persisted as `drills.json`.

use super::model::Drill;
use crate::progress::Record;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The learner's own score for an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct SelfScore(u8);

impl SelfScore {
    /// 0: could not do it. 1: did it with the answer's help. 2: right with slips. 3: right first time.
    pub fn new(score: u8) -> Option<SelfScore> {
        (score <= 3).then_some(SelfScore(score))
    }

    pub fn value(self) -> u8 {
        self.0
    }

    /// What the score means, for the TUI.
    pub fn label(self) -> &'static str {
        match self.0 {
            0 => "could not do it",
            1 => "needed the answer",
            2 => "right, with slips",
            _ => "right first time",
        }
    }

    /// Scores of 2 and 3 count as a success (and for best times).
    pub fn is_success(self) -> bool {
        self.0 >= 2
    }
}

impl TryFrom<u8> for SelfScore {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        SelfScore::new(v).ok_or_else(|| format!("self-score {v} is not between 0 and 3"))
    }
}

impl From<SelfScore> for u8 {
    fn from(s: SelfScore) -> u8 {
        s.0
    }
}

/// One attempt at a drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    #[serde(with = "crate::cards::timefmt")]
    pub at: DateTime<Utc>,
    pub seconds: u32,
    pub score: SelfScore,
}

/// All drill attempts of one learner, keyed by drill id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DrillHistory {
    pub attempts: BTreeMap<String, Vec<Attempt>>,
}

impl Record for DrillHistory {
    const FILE: &'static str = "drills.json";
    const VERSION: u32 = 1;
}

/// A summary of one drill's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DrillStats {
    pub attempts: usize,
    pub successes: usize,
    /// Fastest successful attempt (score 2 or 3), in seconds.
    pub best_seconds: Option<u32>,
    pub last_score: Option<SelfScore>,
}

impl DrillHistory {
    pub fn record(&mut self, drill_id: &str, attempt: Attempt) {
        self.attempts
            .entry(drill_id.to_string())
            .or_default()
            .push(attempt);
    }

    pub fn attempts(&self, drill_id: &str) -> &[Attempt] {
        self.attempts.get(drill_id).map_or(&[], Vec::as_slice)
    }

    /// Fastest successful attempt, in seconds.
    pub fn best_seconds(&self, drill_id: &str) -> Option<u32> {
        self.stats(drill_id).best_seconds
    }

    pub fn stats(&self, drill_id: &str) -> DrillStats {
        let a = self.attempts(drill_id);
        DrillStats {
            attempts: a.len(),
            successes: a.iter().filter(|x| x.score.is_success()).count(),
            best_seconds: a
                .iter()
                .filter(|x| x.score.is_success())
                .map(|x| x.seconds)
                .min(),
            last_score: a.last().map(|x| x.score),
        }
    }
}

/// A drill being done: started at a time, finished with a self-score.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillRun {
    pub drill: Drill,
    pub started: DateTime<Utc>,
}

/// The result of finishing a run.
#[derive(Debug, Clone, PartialEq)]
pub struct RunResult {
    pub attempt: Attempt,
    /// True when this successful attempt beat the previous best time (or is the first success).
    pub new_best: bool,
    /// Whether the attempt met the drill's target time (None when the drill has no target).
    pub met_target: Option<bool>,
}

impl DrillRun {
    pub fn start(drill: Drill, now: DateTime<Utc>) -> Self {
        DrillRun {
            drill,
            started: now,
        }
    }

    /// Elapsed whole seconds at `now` (for the timer).
    pub fn elapsed(&self, now: DateTime<Utc>) -> u32 {
        u32::try_from((now - self.started).num_seconds().max(0)).unwrap_or(u32::MAX)
    }

    /// Ends the run, records the attempt in `history` and says whether it was a new best.
    pub fn finish(
        self,
        score: SelfScore,
        now: DateTime<Utc>,
        history: &mut DrillHistory,
    ) -> RunResult {
        let seconds = self.elapsed(now);
        let previous = history.best_seconds(&self.drill.id);
        let new_best = score.is_success() && previous.is_none_or(|b| seconds < b);
        let attempt = Attempt {
            at: now,
            seconds,
            score,
        };
        history.record(&self.drill.id, attempt.clone());
        RunResult {
            attempt,
            new_best,
            met_target: self
                .drill
                .target_seconds
                .map(|t| score.is_success() && seconds <= t),
        }
    }
}
