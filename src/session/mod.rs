//! An attempt at a task: the scenario, its World and shell, the timer, grading. Headless: the TUI,
//! `kubedojo sh` and `kubedojo check` all drive this same API.

pub mod exam;

use crate::grader::eval::{evaluate, Target};
use crate::grader::Report;
use crate::kubectl::cmd::edit::{self as kubectl_edit, EditStep};
use crate::scenario::setup::{build_world, instantiate};
use crate::scenario::{Loaded, Scenario};
use crate::shell::edit::{EditRequest, OnSave};
use crate::shell::Shell;
use crate::world::{default_epoch, Clock, World};
use crate::Output;

pub mod card_check;
pub use card_check::WorldChecker;
use thiserror::Error;

/// Why a session could not start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SessionError {
    #[error("{0}")]
    Scenario(#[from] crate::scenario::ScenarioError),
    #[error("scenario {id}: setup failed: {message}")]
    Setup { id: String, message: String },
}

/// Simulated seconds between the learner's last command and grading.
pub const GRADE_AFTER_SECS: i64 = 60;

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

/// Which clock a session runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    /// Manual: one simulated second per command line (tests, `kubedojo sh`, `kubedojo check`).
    Manual,
    /// Follows wall time (the TUI).
    Wall,
}

fn clock(mode: ClockMode) -> Clock {
    match mode {
        ClockMode::Manual => Clock::Manual(default_epoch()),
        ClockMode::Wall => Clock::Wall {
            origin: default_epoch(),
            started: std::time::Instant::now(),
            offset: chrono::Duration::zero(),
        },
    }
}

impl Session {
    /// A free practice session in the standard World, with no task.
    pub fn sandbox(mode: ClockMode) -> Session {
        let mut session = Session::sandbox_deferred(mode);
        session.world.boot();
        session
    }

    /// [`Session::sandbox`] whose World boots on the first command line that needs cluster state
    /// ([`World::standard_deferred`]); until then `world` holds the unbooted World, so this is for
    /// callers that reach the World only through [`Session::run`] and [`Session::run_last`]
    /// (`kubedojo sh`). What every command prints is the same as in [`Session::sandbox`].
    pub fn sandbox_deferred(mode: ClockMode) -> Session {
        let mut world = World::standard_deferred();
        world.clock = match mode {
            ClockMode::Manual => world.clock,
            ClockMode::Wall => Clock::Wall {
                origin: world.now(),
                started: std::time::Instant::now(),
                offset: chrono::Duration::zero(),
            },
        };
        Session {
            world,
            shell: Shell::new("controlplane"),
            task: None,
            transcript: Vec::new(),
            tick_per_command: mode == ClockMode::Manual,
        }
    }

    /// Starts an attempt at a scenario: parameters drawn with `seed`, World built, setup commands run.
    pub fn start(loaded: &Loaded, seed: u64, mode: ClockMode) -> Result<Session, SessionError> {
        let scenario = instantiate(loaded, seed)?;
        let setup_err = |message: String| SessionError::Setup {
            id: scenario.id.clone(),
            message,
        };
        let world = build_world(&scenario, clock(ClockMode::Manual)).map_err(setup_err)?;
        let mut shell = Shell::new("controlplane");
        let mut session = Session {
            world,
            shell: shell.clone(),
            task: None,
            transcript: Vec::new(),
            tick_per_command: true,
        };
        for line in &scenario.setup.commands {
            let out = shell.run_line(&mut session.world, line);
            if out.code != 0 {
                return Err(SessionError::Setup {
                    id: scenario.id.clone(),
                    message: format!("`{line}` failed: {}{}", out.stdout, out.stderr),
                });
            }
        }
        session.world.advance(scenario.setup.settle_seconds.max(0));
        if mode == ClockMode::Wall {
            let now = session.world.now();
            session.world.clock = Clock::Wall {
                origin: now,
                started: std::time::Instant::now(),
                offset: chrono::Duration::zero(),
            };
        }
        session.tick_per_command = mode == ClockMode::Manual;
        session.task = Some(Task { scenario, seed });
        Ok(session)
    }

    /// The shell prompt.
    pub fn prompt(&self) -> String {
        self.shell.prompt()
    }

    /// Runs one command line (or a block with a here-document) as the terminal pane would.
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

    /// Runs the only command line of a session that ends right after it (`kubedojo sh -c`): the
    /// same as `run`, without the clock tick and settle that prepare the World for a next line
    /// nobody will type (the process exits with the World).
    pub fn run_last(&mut self, line: &str) -> Output {
        if !line.trim().is_empty() {
            self.transcript.push(line.to_string());
        }
        self.shell.run_line(&mut self.world, line)
    }

    /// Lets editors open (`vi FILE`, `kubectl edit`): the TUI's terminal can show one. Off by
    /// default, so `kubedojo sh` and `kubedojo check` say plainly that an editor needs the terminal.
    pub fn set_interactive(&mut self, on: bool) {
        self.shell.interactive = on;
    }

    /// The file an editor should open now, left by the last command line.
    pub fn pending_edit(&self) -> Option<&EditRequest> {
        self.shell.pending_edit.as_ref()
    }

    /// Finishes the command that opened the editor, with what the editor wrote (`None`: it quit
    /// without writing). `vi` stores the file; `kubectl edit` applies the change, or asks for the
    /// editor again (see [`Session::pending_edit`]) when the change was invalid. Returns what the
    /// command printed.
    pub fn finish_edit(&mut self, written: Option<String>) -> Output {
        let Some(req) = self.shell.pending_edit.take() else {
            return Output::default();
        };
        let out = match req.on_save {
            OnSave::WriteFile { host, path } => {
                let Some(text) = written else {
                    return Output::default();
                };
                let fs = match self.world.hosts.get_mut(&host) {
                    Some(h) => &mut h.fs,
                    None => {
                        return Output::err(
                            format!("\"{}\" E212: Can't open file for writing\n", req.name),
                            1,
                        )
                    }
                };
                match fs.write(&path, &text) {
                    Ok(()) => Output::default(),
                    Err(_) => Output::err(
                        format!("\"{}\" E212: Can't open file for writing\n", req.name),
                        1,
                    ),
                }
            }
            OnSave::Kubectl(edit) => match kubectl_edit::finish(&mut self.world, edit, written) {
                EditStep::Done(out) => out,
                EditStep::Reopen(next) => {
                    self.shell.pending_edit = Some(EditRequest {
                        name: next.path.clone(),
                        content: next.content.clone(),
                        existed: true,
                        on_save: OnSave::Kubectl(next),
                    });
                    Output::default()
                }
            },
        };
        if !self.tick_per_command {
            self.world.settle();
        }
        out
    }

    /// Grades the task: like the real exam, on the end state, so the World is looked at as it will be
    /// a minute from now (pods that are still starting have started; crash loops have shown). The
    /// learner's own World is not changed. `None` in a sandbox.
    pub fn grade(&self) -> Option<Report> {
        let task = self.task.as_ref()?;
        let s = &task.scenario;
        let mut world = self.world.clone();
        world.advance(GRADE_AFTER_SECS);
        let snapshot = world.clone();
        let query = |cmd: &str| -> String {
            let mut w = snapshot.clone();
            let mut sh = Shell::new("controlplane");
            sh.run_line(&mut w, cmd).stdout
        };
        let target = Target {
            cluster: &s.context.cluster,
            namespace: &s.context.namespace,
            query: &query,
        };
        let findings = evaluate(&world, &target, &s.assertions);
        let possible = findings.iter().map(|f| f.points).sum();
        let earned = findings.iter().filter(|f| f.passed).map(|f| f.points).sum();
        Some(Report {
            scenario: s.id.clone(),
            findings,
            earned,
            possible,
        })
    }

    /// Runs the scenario's reference solution in this session.
    pub fn run_solution(&mut self) -> Vec<(String, Output)> {
        let cmds = self
            .task
            .as_ref()
            .map(|t| t.scenario.solution.commands.clone())
            .unwrap_or_default();
        cmds.into_iter()
            .map(|c| {
                let out = self.run(&c);
                (c, out)
            })
            .collect()
    }
}
