//! Widgets shared by screens: the terminal pane and its line editor, the countdown, Markdown text.

pub mod editor;
pub mod markdown;
pub mod terminal_pane;
pub mod timer;
