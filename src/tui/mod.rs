//! The terminal UI: ratatui screens over the headless Session API. Keys become [`app::Action`]s,
//! one `update` applies them, screens draw the state. No domain logic lives here.

pub mod app;
pub mod continuation;
pub mod exam_ui;
pub mod keymap;
pub mod menu;
pub mod screens;
pub mod terminal;
pub mod theme;
pub mod widgets;

use std::io::{self, IsTerminal};
use std::path::PathBuf;

/// What the TUI needs from the command line.
#[derive(Debug, Clone)]
pub struct Options {
    pub scenarios_dir: PathBuf,
}

/// Runs the TUI until the learner quits; returns the exit code (128 + signal when stopped by one).
/// The terminal is restored before this returns, also on error.
pub fn run(options: &Options) -> io::Result<u8> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(io::Error::other(
            "the trainer needs an interactive terminal; `kubedojo --help` lists the headless commands",
        ));
    }
    let (scenarios, errors) = crate::scenario::load::load_dir(&options.scenarios_dir);
    let mut app = app::App::new(scenarios, errors, theme::Theme::from_env());
    let mut guard = terminal::Guard::new()?;
    let result = app::run(&mut guard.terminal, &mut app);
    // The error path restores through the same guard, before the caller prints anything.
    drop(guard);
    result
}

#[cfg(test)]
mod exam_tests;
#[cfg(test)]
mod tests;
