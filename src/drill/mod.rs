//! Self-scored drills.
