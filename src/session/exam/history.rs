//! Finished exams, kept in `exams.json` in the data directory through [`crate::progress::Store`]
//! (versioned, written atomically). The Stats screen reads it.

use super::{DomainScore, ExamResult, ExamSet, TaskScore};
use crate::progress::{Record, Store, StoreError};
use crate::scenario::Exam;
use serde::{Deserialize, Serialize};

/// Every finished exam, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExamHistory {
    pub attempts: Vec<ExamAttempt>,
}

impl Record for ExamHistory {
    const FILE: &'static str = "exams.json";
    const VERSION: u32 = 1;
}

/// One finished exam.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExamAttempt {
    /// When it ended, RFC 3339 in UTC (`2026-11-23T12:00:00+00:00`).
    pub date: String,
    /// The exam set's id (`cka-1`, or `random-cka-SEED`).
    pub exam_id: String,
    pub exam: Exam,
    /// Score in percent of the exam's points.
    pub score: f64,
    pub pass_percent: u32,
    pub passed: bool,
    /// Seconds from start to end, and the time allowed.
    pub seconds_used: u64,
    pub minutes: u32,
    pub per_domain: Vec<DomainScore>,
    pub per_task: Vec<TaskScore>,
}

impl ExamAttempt {
    pub fn new(set: &ExamSet, result: &ExamResult, seconds_used: u64, date: String) -> Self {
        ExamAttempt {
            date,
            exam_id: set.id.clone(),
            exam: set.exam,
            score: result.percent,
            pass_percent: result.pass_percent,
            passed: result.passed(),
            seconds_used,
            minutes: set.minutes,
            per_domain: result.domains.clone(),
            per_task: result.tasks.iter().map(|(t, _)| t.clone()).collect(),
        }
    }
}

/// Appends an attempt to the history in `store`. A corrupt history is set aside by the store and a
/// fresh one started; the notice is returned so it can be shown.
pub fn save_attempt(store: &Store, attempt: ExamAttempt) -> Result<Option<String>, StoreError> {
    let loaded = store.load::<ExamHistory>()?;
    let mut history = loaded.value;
    history.attempts.push(attempt);
    store.save(&history)?;
    Ok(loaded.recovery.map(|r| r.to_string()))
}
