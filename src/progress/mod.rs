//! Learner data on disk: card reviews, drill times and anything else that must survive a restart.
//!
//! [`paths::data_dir`] picks the directory; [`Store`] reads and writes one JSON file per [`Record`]
//! kind, each with a `version` field, atomically (temp file + fsync + rename). A corrupt file is never
//! dropped silently: it is renamed to `<file>.corrupt-<timestamp>` and [`Loaded::recovery`] says so.

pub mod paths;
pub mod store;

pub use paths::{data_dir, NoDataDir, DATA_DIR_ENV};
pub use store::{Loaded, Record, Recovery, Store, StoreError};
