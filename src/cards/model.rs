//! Cards and decks as the rest of kubedojo sees them, after loading and validation.

use crate::scenario::Domain;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What the learner does with a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CardKind {
    /// A question; the learner recalls the answer, reveals `back` and rates themselves.
    Qa,
    /// A task; the learner types a command, checked against `answer` (see [`super::check_command`]).
    Command,
    /// A task whose answer is a YAML fragment shown in `back`; self-rated.
    Yaml,
}

impl CardKind {
    /// The id used in deck files.
    pub fn id(self) -> &'static str {
        match self {
            CardKind::Qa => "qa",
            CardKind::Command => "command",
            CardKind::Yaml => "yaml",
        }
    }
}

/// One flashcard.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// Unique across all decks; progress is keyed by it, so never reuse or rename an id.
    pub id: String,
    /// The id of the deck the card came from.
    pub deck: String,
    pub kind: CardKind,
    /// The question or, for command cards, the prompt.
    pub front: String,
    /// The answer shown on reveal. For command cards an optional explanation (may be empty).
    pub back: String,
    /// Command cards only: the canonical command.
    pub answer: Option<String>,
    /// Command cards only: other commands that are equally right.
    pub accept: Vec<String>,
    /// A short topic label, e.g. `Probes`.
    pub topic: String,
    pub domain: Domain,
    /// Where the fact comes from: a seed and section, or `k8s docs`.
    pub source: String,
}

impl Card {
    /// The text to show when the card is revealed: the command (if any), then the explanation.
    pub fn reveal_text(&self) -> String {
        match (&self.answer, self.back.is_empty()) {
            (Some(cmd), true) => cmd.clone(),
            (Some(cmd), false) => format!("{cmd}\n\n{}", self.back),
            (None, _) => self.back.clone(),
        }
    }
}

/// A deck: one TOML file under `assets/decks/`.
#[derive(Debug, Clone, PartialEq)]
pub struct Deck {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The file it was loaded from, if any.
    pub path: Option<PathBuf>,
    pub cards: Vec<Card>,
}

impl Deck {
    /// The card with this id.
    pub fn card(&self, id: &str) -> Option<&Card> {
        self.cards.iter().find(|c| c.id == id)
    }
}
