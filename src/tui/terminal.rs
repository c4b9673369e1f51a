//! Entering and leaving the terminal's full-screen mode. One [`restore`] undoes everything [`Guard::new`]
//! did; the guard's `Drop` (normal exit and the error path), and the panic hook all call it, so the
//! learner's shell comes back whatever happens. Ctrl-C does not raise SIGINT in raw mode: it arrives
//! as a key, and quitting through it takes the same path.

use crossterm::cursor::Show;
use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::sync::Once;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Leaves raw mode and the alternate screen and shows the cursor. Safe to call more than once, and
/// never panics: errors are ignored because there is nothing better to do while restoring.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        Show
    );
}

/// Restores the terminal before the default panic message is printed, so the message is readable.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// The terminal in full-screen mode; dropping it restores the terminal.
pub struct Guard {
    pub terminal: Tui,
}

impl Guard {
    pub fn new() -> io::Result<Guard> {
        install_panic_hook();
        enable_raw_mode()?;
        let entered = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())));
        match entered {
            Ok(terminal) => Ok(Guard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}
