//! Flashcard decks and FSRS scheduling.
