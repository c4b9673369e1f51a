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
pub mod files;
pub mod fsrs;
pub mod load;
pub mod model;
pub mod normalize;
pub mod schedule;
pub mod session;
pub mod stats;
pub(crate) mod timefmt;

pub use command::{check_command, normalize_command, CommandChecker, CommandVerdict, TextChecker};
pub use csv::{export_csv, import_csv, CsvError};
pub use fsrs::{Memory, Params, Rating};
pub use load::{load_deck, load_dir, parse_deck, DeckError};
pub use model::{Card, CardKind, Deck};
pub use schedule::{
    due_by_deck, local_day_start, CardState, CardsProgress, DueCounts, Interval, Limits, LogEntry,
    Outcome, Phase, Scheduler,
};
pub use session::{ReviewSession, SessionError, SessionSummary};

#[cfg(test)]
mod content_tests {
    use super::*;
    use crate::scenario::Domain;
    use std::collections::HashSet;
    use std::path::Path;

    fn shipped() -> Vec<Deck> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/decks");
        load_dir(&dir)
            .map_err(|e| e.to_string())
            .expect("shipped decks load")
    }

    #[test]
    fn shipped_decks_load_with_enough_cards_and_every_domain() {
        let decks = shipped();
        let cards: Vec<&Card> = decks.iter().flat_map(|d| &d.cards).collect();
        assert!(cards.len() >= 300, "only {} cards", cards.len());
        let ids: HashSet<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids.len(), cards.len(), "card ids must be unique");
        let used: HashSet<Domain> = cards.iter().map(|c| c.domain).collect();
        for d in Domain::ALL {
            assert!(used.contains(&d), "no card for domain {}", d.id());
        }
    }

    #[test]
    fn every_command_card_accepts_its_own_answers() {
        for card in shipped().iter().flat_map(|d| &d.cards) {
            if card.kind != CardKind::Command {
                continue;
            }
            let answer = card.answer.clone().unwrap_or_default();
            for typed in std::iter::once(&answer).chain(&card.accept) {
                assert!(
                    check_command(card, typed).is_correct(),
                    "{}: {typed}",
                    card.id
                );
            }
        }
    }
}
