//! Scenarios: TOML task files (schema, loading with file:line:col errors, parameters, setup of a World).

pub mod model;

pub use model::{Assertion, Check, Domain, Exam, Scenario};
