//! The study screens' state (flashcards, drills, stats), their actions, the one `update` that applies
//! them, and their keys. The scheduling, checking and saving live in `cards`, `drill`, `session` and
//! `progress`; this only drives them.

use super::app::Screen;
use crate::cards::{
    files, CardKind, CardsProgress, CommandChecker, CommandVerdict, Deck, Limits, Rating,
    ReviewSession,
};
use crate::drill::{load_drill_dir, DrillHistory, DrillRun, DrillSet, RunResult, SelfScore};
use crate::progress::{Record, Store};
use crate::session::WorldChecker;
use chrono::{DateTime, FixedOffset, Offset, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;

/// Where the study screens read the time: the wall clock, or a frozen one in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyClock {
    Wall,
    Fixed(DateTime<Utc>),
}

/// Every change of the study screens' state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StudyAction {
    Up,
    Down,
    /// Enter: start, check the typed command, or leave a summary.
    Select,
    Back,
    /// Space: show the answer.
    Reveal,
    /// 1–4 on a revealed card.
    Rate(Rating),
    /// 0–3 on a drill.
    Score(u8),
    Undo,
    Insert(char),
    Backspace,
}

/// A review in progress.
#[derive(Debug)]
pub struct Review {
    pub session: ReviewSession,
    /// What the learner typed for a command card.
    pub input: String,
    pub verdict: Option<CommandVerdict>,
}

impl Review {
    /// The learner is typing a command: keys are text, not ratings.
    pub fn typing(&self) -> bool {
        self.session
            .current()
            .is_some_and(|c| c.kind == CardKind::Command)
            && !self.session.is_revealed()
    }
}

/// A drill set being run, one timed prompt after another.
#[derive(Debug)]
pub struct DrillState {
    pub set: usize,
    pub index: usize,
    pub run: Option<DrillRun>,
    pub revealed: bool,
    pub results: Vec<RunResult>,
}

#[derive(Debug)]
pub struct Study {
    pub store: Option<Store>,
    pub decks: Vec<Deck>,
    pub progress: CardsProgress,
    pub limits: Limits,
    pub sets: Vec<DrillSet>,
    pub history: DrillHistory,
    /// Recovery messages and load errors, shown until the learner leaves the screen.
    pub notices: Vec<String>,
    /// The result of the last save, when it failed.
    pub status: Option<String>,
    pub clock: StudyClock,
    pub offset: FixedOffset,
    /// 0: all decks; n: deck n-1.
    pub deck_sel: usize,
    pub review: Option<Review>,
    pub set_sel: usize,
    pub drill: Option<DrillState>,
}

impl Default for Study {
    fn default() -> Self {
        Study {
            store: None,
            decks: Vec::new(),
            progress: CardsProgress::default(),
            limits: Limits::default(),
            sets: Vec::new(),
            history: DrillHistory::default(),
            notices: Vec::new(),
            status: None,
            clock: StudyClock::Wall,
            offset: Utc.fix(),
            deck_sel: 0,
            review: None,
            set_sel: 0,
            drill: None,
        }
    }
}

impl Study {
    /// Loads decks, drill sets and the saved progress. A corrupt progress file has been set aside by
    /// the store; its recovery message becomes a notice.
    pub fn load(
        decks_dir: &Path,
        drills_dir: &Path,
        data_dir: Option<&Path>,
        clock: StudyClock,
    ) -> Self {
        let (decks, mut notices) = files::load_all(decks_dir, data_dir);
        let sets = load_drill_dir(drills_dir).unwrap_or_else(|e| {
            notices.push(e.to_string());
            Vec::new()
        });
        let store = data_dir.map(Store::new);
        let progress = load_record::<CardsProgress>(store.as_ref(), &mut notices);
        let history = load_record::<DrillHistory>(store.as_ref(), &mut notices);
        if store.is_none() {
            notices.push("No data directory: progress will not be saved (see --data-dir).".into());
        }
        let offset = match clock {
            StudyClock::Wall => chrono::Local::now().offset().fix(),
            StudyClock::Fixed(_) => Utc.fix(),
        };
        Study {
            store,
            decks,
            progress,
            sets,
            history,
            notices,
            clock,
            offset,
            ..Study::default()
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.clock {
            StudyClock::Wall => Utc::now(),
            StudyClock::Fixed(t) => t,
        }
    }

    /// The start of the learner's day containing now.
    pub fn day_start(&self) -> DateTime<Utc> {
        let now = self.now();
        let local = now.with_timezone(&self.offset).date_naive();
        local
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(self.offset).earliest())
            .map_or(now, |t| t.with_timezone(&Utc))
    }

    /// The decks the selection covers.
    pub fn selected_decks(&self) -> Vec<Deck> {
        match self.deck_sel.checked_sub(1) {
            None => self.decks.clone(),
            Some(i) => self.decks.get(i).cloned().into_iter().collect(),
        }
    }

    /// Whether keys are text for an input line.
    pub fn typing(&self, screen: Screen) -> bool {
        screen == Screen::Flashcards && self.review.as_ref().is_some_and(Review::typing)
    }

    /// Applies an action on `screen`; returns true when the learner leaves the screen.
    pub fn update(&mut self, screen: Screen, action: StudyAction) -> bool {
        match screen {
            Screen::Flashcards => self.update_cards(action),
            Screen::Drills => self.update_drills(action),
            _ => action == StudyAction::Back,
        }
    }

    fn update_cards(&mut self, action: StudyAction) -> bool {
        let now = self.now();
        let Some(r) = self.review.as_mut() else {
            let n = self.decks.len() + 1;
            match action {
                StudyAction::Up => self.deck_sel = (self.deck_sel + n - 1) % n,
                StudyAction::Down => self.deck_sel = (self.deck_sel + 1) % n,
                StudyAction::Select => {
                    let session = ReviewSession::new(
                        &self.selected_decks(),
                        &self.progress,
                        &self.limits,
                        now,
                        self.day_start(),
                    );
                    self.review = Some(Review {
                        session,
                        input: String::new(),
                        verdict: None,
                    });
                }
                StudyAction::Back => return true,
                _ => {}
            }
            return false;
        };
        if r.session.is_finished() {
            if matches!(action, StudyAction::Select | StudyAction::Back) {
                self.review = None;
            }
            return false;
        }
        match action {
            StudyAction::Back => self.review = None,
            StudyAction::Insert(c) if r.typing() => r.input.push(c),
            StudyAction::Backspace if r.typing() => {
                r.input.pop();
            }
            StudyAction::Select if r.typing() => {
                if let Some(card) = r.session.current() {
                    if !r.input.trim().is_empty() {
                        r.verdict = Some(WorldChecker.check_command(card, &r.input));
                    }
                }
                r.session.reveal();
            }
            StudyAction::Reveal | StudyAction::Select => r.session.reveal(),
            StudyAction::Rate(rating) if r.session.is_revealed() => {
                let rated = r.session.rate(rating, &mut self.progress, now).is_ok();
                if rated {
                    r.input.clear();
                    r.verdict = None;
                    self.status = save(self.store.as_ref(), &self.progress);
                }
            }
            StudyAction::Undo => {
                let undone = r.session.undo(&mut self.progress);
                if undone {
                    self.status = save(self.store.as_ref(), &self.progress);
                }
            }
            _ => {}
        }
        false
    }

    fn update_drills(&mut self, action: StudyAction) -> bool {
        let now = self.now();
        let Some(d) = self.drill.as_mut() else {
            let n = self.sets.len().max(1);
            match action {
                StudyAction::Up => self.set_sel = (self.set_sel + n - 1) % n,
                StudyAction::Down => self.set_sel = (self.set_sel + 1) % n,
                StudyAction::Select => {
                    if let Some(first) = self.sets.get(self.set_sel).and_then(|s| s.drills.first())
                    {
                        self.drill = Some(DrillState {
                            set: self.set_sel,
                            index: 0,
                            run: Some(DrillRun::start(first.clone(), now)),
                            revealed: false,
                            results: Vec::new(),
                        });
                    }
                }
                StudyAction::Back => return true,
                _ => {}
            }
            return false;
        };
        match action {
            StudyAction::Back => self.drill = None,
            StudyAction::Select if d.run.is_none() => self.drill = None,
            StudyAction::Reveal | StudyAction::Select => d.revealed = true,
            StudyAction::Score(n) => {
                let (Some(score), Some(run)) = (SelfScore::new(n), d.run.take()) else {
                    return false;
                };
                d.results.push(run.finish(score, now, &mut self.history));
                self.status = save(self.store.as_ref(), &self.history);
                d.index += 1;
                d.revealed = false;
                d.run = self
                    .sets
                    .get(d.set)
                    .and_then(|s| s.drills.get(d.index))
                    .map(|next| DrillRun::start(next.clone(), now));
            }
            _ => {}
        }
        false
    }
}

fn load_record<T: Record>(store: Option<&Store>, notices: &mut Vec<String>) -> T {
    let Some(store) = store else {
        return T::default();
    };
    match store.load::<T>() {
        Ok(loaded) => {
            if let Some(r) = loaded.recovery {
                notices.push(r.to_string());
            }
            loaded.value
        }
        Err(e) => {
            notices.push(e.to_string());
            T::default()
        }
    }
}

/// Saves a record; the error text when it failed.
fn save<T: Record>(store: Option<&Store>, value: &T) -> Option<String> {
    let store = store?;
    store
        .save(value)
        .err()
        .map(|e| format!("Could not save: {e}"))
}

/// The action a key means on a study screen.
pub fn keys(screen: Screen, study: &Study, key: KeyEvent) -> Option<StudyAction> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if study.typing(screen) {
        return match key.code {
            KeyCode::Esc => Some(StudyAction::Back),
            KeyCode::Enter => Some(StudyAction::Select),
            KeyCode::Backspace => Some(StudyAction::Backspace),
            KeyCode::Char(c) if !ctrl => Some(StudyAction::Insert(c)),
            _ => None,
        };
    }
    let drilling = screen == Screen::Drills && study.drill.is_some();
    Some(match key.code {
        KeyCode::Esc | KeyCode::Char('q') | KeyCode::Backspace => StudyAction::Back,
        KeyCode::Up | KeyCode::Char('k') => StudyAction::Up,
        KeyCode::Down | KeyCode::Char('j') => StudyAction::Down,
        KeyCode::Enter => StudyAction::Select,
        KeyCode::Char(' ') => StudyAction::Reveal,
        KeyCode::Char('u') => StudyAction::Undo,
        KeyCode::Char(c @ '0'..='3') if drilling => {
            StudyAction::Score(c.to_digit(10).and_then(|n| u8::try_from(n).ok())?)
        }
        KeyCode::Char('1') => StudyAction::Rate(Rating::Again),
        KeyCode::Char('2') => StudyAction::Rate(Rating::Hard),
        KeyCode::Char('3') => StudyAction::Rate(Rating::Good),
        KeyCode::Char('4') => StudyAction::Rate(Rating::Easy),
        _ => return None,
    })
}
