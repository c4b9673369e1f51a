//! The grader: assertions evaluated over a World give per-assertion findings, points and feedback.

pub mod eval;

use serde::Serialize;

/// The result of one assertion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// What was checked, in the learner's words (`pod default/messaging exists`).
    pub description: String,
    pub points: u32,
    pub passed: bool,
    /// On failure: what was expected and what was found.
    pub feedback: String,
}

/// The grade of one task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub findings: Vec<Finding>,
    pub earned: u32,
    pub possible: u32,
}

impl Report {
    /// The score as a fraction of the possible points (0.0 when there are none).
    pub fn fraction(&self) -> f64 {
        if self.possible == 0 {
            0.0
        } else {
            f64::from(self.earned) / f64::from(self.possible)
        }
    }

    pub fn full_marks(&self) -> bool {
        self.earned == self.possible && self.possible > 0
    }
}
