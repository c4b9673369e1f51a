//! Flashcards: decks loaded from `assets/decks/*.toml`, scheduled with FSRS-5, reviewed in a
//! [`ReviewSession`], with command cards checked by a [`CommandChecker`] and Anki CSV export/import.
//!
//! A typical review:
//! ```no_run
//! # use kubedojo::cards::*;
//! # use kubedojo::progress::Store;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let decks = load_dir(std::path::Path::new("assets/decks"))?;
//! let store = Store::new("/tmp/kubedojo");
//! let mut progress = store.load::<CardsProgress>()?.value;
//! let now = chrono::Utc::now();
//! let mut session = ReviewSession::new(&decks, &progress, &Limits::default(), now, local_day_start(now));
//! while let Some(card) = session.current() {
//!     println!("{}", card.front);
//!     session.reveal();
//!     session.rate(Rating::Good, &mut progress, now)?;
//! }
//! store.save(&progress)?;
//! # Ok(()) }
//! ```

pub mod command;
pub mod csv;
pub mod fsrs;
pub mod load;
pub mod model;
pub mod schedule;
pub mod session;
pub(crate) mod timefmt;

pub use command::{check_command, normalize_command, CommandChecker, CommandVerdict, TextChecker};
pub use fsrs::{Memory, Params, Rating};
pub use load::{load_deck, load_dir, parse_deck, DeckError};
pub use model::{Card, CardKind, Deck};
pub use schedule::{
    local_day_start, CardState, CardsProgress, DueCounts, Interval, Limits, LogEntry, Outcome,
    Phase, Scheduler,
};
pub use session::{ReviewSession, SessionError, SessionSummary};
