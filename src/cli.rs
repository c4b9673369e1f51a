//! The command line. `kubedojo` alone starts the trainer; `list`, `sh`, `check` and `validate` are
//! headless and thin over the same Session API the trainer drives.

use crate::grader::Report;
use crate::scenario::load::{default_dir, load_dir, load_file, Loaded};
use crate::scenario::{Exam, ScenarioError};
use crate::session::{ClockMode, Session, SessionError};
use crate::tui::continuation::needs_more_lines;
use crate::Output;
use clap::{Parser, Subcommand};
use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(
    name = "kubedojo",
    version,
    about = "A terminal trainer for the Kubernetes CKA and CKAD exams",
    long_about = "A terminal trainer for the Kubernetes CKA and CKAD exams.\n\nWithout a subcommand, \
                  starts the interactive trainer."
)]
pub struct Cli {
    /// Folder of scenario files [default: $KUBEDOJO_SCENARIOS, else ./scenarios]
    #[arg(long, global = true, value_name = "DIR")]
    pub scenarios: Option<PathBuf>,
    /// Where learner data is kept (cards, drills, finished mock exams) [default: $KUBEDOJO_DATA_DIR, else $XDG_DATA_HOME/kubedojo]
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the practice tasks
    List {
        /// Print a JSON array instead of a table
        #[arg(long, conflicts_with = "coverage")]
        json: bool,
        /// Print how many scenarios and points each exam domain has (a Markdown table)
        #[arg(long)]
        coverage: bool,
    },
    /// Run shell command lines in a task's cluster (or a sandbox) as the trainer's terminal would
    Sh {
        /// Set up this task first (else a sandbox with the standard cluster)
        #[arg(long, value_name = "ID")]
        scenario: Option<String>,
        /// Run this one line and exit with its code, like `bash -c`
        #[arg(short = 'c', value_name = "LINE")]
        command: Option<String>,
        /// Seed for the task's random parameters
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Set up a task, run command lines or the model solution, and grade the result
    Check {
        /// The task's id (see `kubedojo list`)
        id: String,
        /// File of command lines to run (`-` reads standard input)
        #[arg(
            long,
            value_name = "FILE",
            conflicts_with = "solution",
            required_unless_present = "solution"
        )]
        commands: Option<PathBuf>,
        /// Run the task's model solution
        #[arg(long)]
        solution: bool,
        /// Seed for the task's random parameters
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the report as JSON
        #[arg(long)]
        json: bool,
        /// Simulated seconds that pass after the commands, before grading (pods start, rollouts finish)
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        wait: i64,
    },
    /// Flashcards as Anki-compatible CSV (front, back, tags)
    Cards {
        #[command(subcommand)]
        action: CardsAction,
    },
    /// Start the trainer directly in a timed mock exam
    Exam {
        /// The exam set's id (files in assets/exams) [default: the first set]
        set_id: Option<String>,
        /// Draw the tasks at random from the library by the domain weights
        #[arg(long)]
        random: bool,
        /// Which exam to draw with --random
        #[arg(long, value_enum, default_value_t = ExamKind::Cka)]
        exam: ExamKind,
        /// Seed for the random draw and the tasks' parameters [default: from the clock]
        #[arg(long)]
        seed: Option<u64>,
        /// How many tasks --random draws
        #[arg(long)]
        tasks: Option<usize>,
        /// The exam's length in minutes [default: the set's, 120]
        #[arg(long)]
        minutes: Option<u32>,
        /// Testing: the exam's length in seconds (end-to-end tests let the timer run out)
        #[arg(long, hide = true, conflicts_with = "minutes")]
        seconds: Option<u64>,
        /// Folder of exam sets [default: $KUBEDOJO_EXAMS, else ./assets/exams]
        #[arg(long, value_name = "DIR")]
        exams: Option<PathBuf>,
    },
    /// Check scenario files and that each reference solution passes; print each error as file:line:col: message
    Validate {
        /// Files or folders [default: the scenarios folder]
        paths: Vec<PathBuf>,
        /// Only check the files' form; do not run the reference solutions
        #[arg(long)]
        no_solutions: bool,
        /// Run each reference solution with this many seeds (1, 2, ...)
        #[arg(long, value_name = "N", default_value_t = 1)]
        seeds: u64,
    },
}

/// What to do with the flashcards.
#[derive(Debug, Subcommand)]
pub enum CardsAction {
    /// Write every card (shipped and imported decks) to FILE (`-` for standard output)
    Export { file: PathBuf },
    /// Import FILE as a deck kept in the data directory; the deck's id is the file's name
    Import { file: PathBuf },
}

/// The exams `kubedojo exam --exam` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExamKind {
    Cka,
    Ckad,
}

/// A failure of kubedojo itself rather than of a learner's command; the binary exits with 2.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("unknown scenario {0:?}; `kubedojo list` shows the ids")]
    UnknownScenario(String),
    #[error("{0}")]
    Session(#[from] SessionError),
    #[error("{path}: {source}")]
    Read { path: String, source: io::Error },
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Exit code of harness errors.
pub const HARNESS_ERROR: u8 = 2;

/// Runs the command line; returns the process's exit code.
pub fn run(cli: Cli) -> Result<u8, CliError> {
    match dispatch(cli) {
        // The reader went away (`kubedojo list | head -1`): nothing is wrong.
        Err(CliError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => Ok(0),
        Err(CliError::Json(e)) if e.io_error_kind() == Some(io::ErrorKind::BrokenPipe) => Ok(0),
        other => other,
    }
}

fn dispatch(cli: Cli) -> Result<u8, CliError> {
    let dir = cli.scenarios.clone().unwrap_or_else(default_dir);
    let data_dir = crate::progress::data_dir(cli.data_dir.clone(), |k| std::env::var(k).ok()).ok();
    match cli.command {
        None => Ok(crate::tui::run(&crate::tui::Options {
            scenarios_dir: dir,
            exams_dir: crate::session::exam::set::default_dir(),
            data_dir,
            exam: None,
        })?),
        Some(Command::Exam {
            set_id,
            random,
            exam,
            seed,
            tasks,
            minutes,
            seconds,
            exams,
        }) => Ok(crate::tui::run(&crate::tui::Options {
            scenarios_dir: dir,
            exams_dir: exams.unwrap_or_else(crate::session::exam::set::default_dir),
            data_dir,
            exam: Some(crate::tui::ExamStart {
                set: set_id,
                random: random.then_some(match exam {
                    ExamKind::Cka => Exam::Cka,
                    ExamKind::Ckad => Exam::Ckad,
                }),
                seed,
                tasks,
                minutes,
                seconds,
            }),
        })?),
        Some(Command::List { json, coverage }) => list(&dir, json, coverage),
        Some(Command::Sh {
            scenario,
            command,
            seed,
        }) => sh(&dir, scenario.as_deref(), command.as_deref(), seed),
        Some(Command::Check {
            id,
            commands,
            solution,
            seed,
            json,
            wait,
        }) => check(&dir, &id, commands.as_deref(), solution, seed, json, wait),
        Some(Command::Validate {
            paths,
            no_solutions,
            seeds,
        }) => validate(&dir, &paths, if no_solutions { 0 } else { seeds }),
        Some(Command::Cards { action }) => cards(cli.data_dir.clone(), action),
    }
}

fn cards(data_dir: Option<PathBuf>, action: CardsAction) -> Result<u8, CliError> {
    use crate::cards::files;
    let data = crate::progress::data_dir(data_dir, |k| std::env::var(k).ok()).ok();
    match action {
        CardsAction::Export { file } => {
            let (decks, errors) = files::load_all(&files::default_decks_dir(), data.as_deref());
            for e in &errors {
                eprintln!("warning: {e}");
            }
            let csv = files::export_all(&decks);
            if file.as_os_str() == "-" {
                io::stdout().lock().write_all(csv.as_bytes())?;
            } else {
                std::fs::write(&file, csv).map_err(|source| CliError::Read {
                    path: file.display().to_string(),
                    source,
                })?;
            }
            let n: usize = decks.iter().map(|d| d.cards.len()).sum();
            eprintln!("exported {n} cards");
            Ok(0)
        }
        CardsAction::Import { file } => {
            let deck = match files::import_file(&file) {
                Ok(deck) => deck,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(1);
                }
            };
            let Some(data) = data else {
                eprintln!("error: {}", crate::progress::NoDataDir);
                return Ok(HARNESS_ERROR);
            };
            let dir = files::imported_dir(&data);
            let target = dir.join(format!("{}.csv", deck.id));
            std::fs::create_dir_all(&dir)
                .and_then(|()| std::fs::copy(&file, &target))
                .map_err(|source| CliError::Read {
                    path: target.display().to_string(),
                    source,
                })?;
            println!(
                "imported {} cards as deck {} ({})",
                deck.cards.len(),
                deck.id,
                target.display()
            );
            Ok(0)
        }
    }
}

fn exam_label(exam: Exam) -> &'static str {
    match exam {
        Exam::Cka => "CKA",
        Exam::Ckad => "CKAD",
        Exam::Both => "BOTH",
    }
}

fn list(dir: &Path, json: bool, coverage: bool) -> Result<u8, CliError> {
    let (loaded, errors) = load_dir(dir);
    for e in &errors {
        eprintln!("warning: {e}");
    }
    let mut out = io::stdout().lock();
    if coverage {
        out.write_all(crate::scenario::coverage::table(&loaded).as_bytes())?;
        return Ok(0);
    }
    if json {
        let items: Vec<serde_json::Value> = loaded
            .iter()
            .map(|l| {
                let s = &l.scenario;
                serde_json::json!({
                    "id": s.id,
                    "title": s.title,
                    "exam": s.exam,
                    "domain": s.domain,
                    "points": s.points,
                    "difficulty": s.difficulty,
                    "minutes": s.minutes,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &items)?;
        writeln!(out)?;
        return Ok(0);
    }
    let id_w = loaded
        .iter()
        .map(|l| l.scenario.id.len())
        .chain([2])
        .max()
        .unwrap_or(2);
    let dom_w = loaded
        .iter()
        .map(|l| l.scenario.domain.id().len())
        .chain([6])
        .max()
        .unwrap_or(6);
    writeln!(
        out,
        "{:<id_w$}  {:<4}  {:<dom_w$}  {:>6}  TITLE",
        "ID", "EXAM", "DOMAIN", "POINTS"
    )?;
    for l in &loaded {
        let s = &l.scenario;
        writeln!(
            out,
            "{:<id_w$}  {:<4}  {:<dom_w$}  {:>6}  {}",
            s.id,
            exam_label(s.exam),
            s.domain.id(),
            s.points,
            s.title
        )?;
    }
    Ok(0)
}

fn find(dir: &Path, id: &str) -> Result<Loaded, CliError> {
    let (loaded, _) = load_dir(dir);
    loaded
        .into_iter()
        .find(|l| l.scenario.id == id)
        .ok_or_else(|| CliError::UnknownScenario(id.to_string()))
}

/// Prints a command's output to our stdout and stderr.
fn show(out: &Output) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(out.stdout.as_bytes())?;
    stdout.flush()?;
    let mut stderr = io::stderr().lock();
    stderr.write_all(out.stderr.as_bytes())?;
    stderr.flush()
}

/// Splits text into command blocks: lines are joined while a here-document, quote or trailing
/// backslash is open, exactly as the terminal pane collects them.
pub fn blocks(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf: Option<String> = None;
    for line in text.lines() {
        let block = match buf.take() {
            Some(mut b) => {
                b.push('\n');
                b.push_str(line);
                b
            }
            None => line.to_string(),
        };
        if needs_more_lines(&block) {
            buf = Some(block);
        } else {
            out.push(block);
        }
    }
    // Like bash at end of input: an unfinished block still runs.
    out.extend(buf);
    out
}

fn sh(dir: &Path, scenario: Option<&str>, line: Option<&str>, seed: u64) -> Result<u8, CliError> {
    let mut session = match scenario {
        Some(id) => Session::start(&find(dir, id)?, seed, ClockMode::Manual)?,
        None => Session::sandbox_deferred(ClockMode::Manual),
    };
    // bash expands `!!` only in an interactive shell: not in `bash -c`, not in a piped script.
    session.shell.history_expansion = line.is_none() && io::stdin().is_terminal();
    if let Some(line) = line {
        let out = session.run_last(line);
        show(&out)?;
        return Ok((out.code.rem_euclid(256)) as u8);
    }
    let stdin = io::stdin();
    let interactive = stdin.is_terminal();
    let mut pending: Option<String> = None;
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            let prompt = if pending.is_some() {
                "> ".to_string()
            } else {
                session.prompt()
            };
            eprint!("{prompt}");
        }
        let Some(line) = lines.next() else {
            break;
        };
        let line = line?;
        let block = match pending.take() {
            Some(mut b) => {
                b.push('\n');
                b.push_str(&line);
                b
            }
            None => line,
        };
        if needs_more_lines(&block) {
            pending = Some(block);
            continue;
        }
        if !block.trim().is_empty() {
            show(&session.run(&block))?;
        }
    }
    if let Some(block) = pending {
        show(&session.run(&block))?;
    }
    if interactive {
        eprintln!();
    }
    Ok(0)
}

fn check(
    dir: &Path,
    id: &str,
    commands: Option<&Path>,
    solution: bool,
    seed: u64,
    json: bool,
    wait: i64,
) -> Result<u8, CliError> {
    let loaded = find(dir, id)?;
    let mut session = Session::start(&loaded, seed, ClockMode::Manual)?;
    let ran: Vec<(String, Output)> = match commands {
        Some(path) if !solution => {
            let text = if path == Path::new("-") {
                let mut s = String::new();
                io::stdin().read_to_string(&mut s)?;
                s
            } else {
                std::fs::read_to_string(path).map_err(|source| CliError::Read {
                    path: path.display().to_string(),
                    source,
                })?
            };
            blocks(&text)
                .into_iter()
                .filter(|b| !b.trim().is_empty())
                .map(|b| {
                    let out = session.run(&b);
                    (b, out)
                })
                .collect()
        }
        _ => session.run_solution(),
    };
    for (cmd, out) in &ran {
        if out.code != 0 {
            eprintln!("$ {cmd}");
            eprint!("{}", out.stderr);
            eprintln!("(exit {})", out.code);
        }
    }
    // The manual clock moved one second per command; give the cluster the time a learner would.
    session.world.advance(wait.max(0));
    let Some(report) = session.grade() else {
        return Err(CliError::UnknownScenario(id.to_string()));
    };
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_report(&mut out, &report)?;
    }
    Ok(if report.full_marks() { 0 } else { 1 })
}

fn print_report(out: &mut impl Write, report: &Report) -> io::Result<()> {
    for f in &report.findings {
        let (word, earned) = if f.passed {
            ("PASS", f.points)
        } else {
            ("FAIL", 0)
        };
        writeln!(out, "{word}  {earned}/{}  {}", f.points, f.description)?;
        if !f.passed && !f.feedback.is_empty() {
            writeln!(out, "            {}", f.feedback)?;
        }
    }
    writeln!(out, "score: {}/{}", report.earned, report.possible)
}

fn validate(dir: &Path, paths: &[PathBuf], seeds: u64) -> Result<u8, CliError> {
    let defaults = [dir.to_path_buf()];
    let paths = if paths.is_empty() {
        &defaults[..]
    } else {
        paths
    };
    let mut good: Vec<Loaded> = Vec::new();
    let mut errors: Vec<ScenarioError> = Vec::new();
    for path in paths {
        if path.is_dir() {
            let (loaded, errs) = load_dir(path);
            good.extend(loaded);
            errors.extend(errs);
        } else if path.exists() {
            match load_file(path) {
                Ok(l) => good.push(l),
                Err(e) => errors.push(e),
            }
        } else {
            errors.push(ScenarioError {
                file: path.display().to_string(),
                line: 1,
                column: 1,
                message: "no such file or folder".to_string(),
            });
        }
    }
    let mut ok = good.len();
    for l in &good {
        if let Some(e) = solution_error(l, seeds) {
            ok -= 1;
            errors.push(e);
        }
    }
    let mut out = io::stdout().lock();
    for e in &errors {
        writeln!(out, "{e}")?;
    }
    eprintln!(
        "{ok} scenario{} valid, {} error{}",
        if ok == 1 { "" } else { "s" },
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    Ok(u8::from(!errors.is_empty()))
}

/// Runs a scenario's reference solution with seeds 1..=seeds and explains the first seed where it
/// does not earn full marks (or where setup fails), at the file's `[solution]` table.
pub fn solution_error(l: &Loaded, seeds: u64) -> Option<ScenarioError> {
    let file = l.path.display().to_string();
    let at = |needle: &str| l.source.find(needle).unwrap_or(0);
    for seed in 1..=seeds {
        let mut session = match Session::start(l, seed, ClockMode::Manual) {
            Ok(s) => s,
            Err(e) => {
                return Some(ScenarioError::new(
                    &file,
                    &l.source,
                    at("[setup]"),
                    format!("the setup fails with seed {seed}: {e}"),
                ))
            }
        };
        let ran = session.run_solution();
        let report = session.grade()?;
        if report.full_marks() {
            continue;
        }
        let failed: Vec<String> = report
            .findings
            .iter()
            .filter(|f| !f.passed)
            .map(|f| format!("{}: {}", f.description, f.feedback))
            .collect();
        let errored: Vec<String> = ran
            .iter()
            .filter(|(_, o)| o.code != 0)
            .map(|(c, o)| format!("`{c}` exited {}: {}", o.code, o.stderr.trim()))
            .collect();
        let mut why = format!(
            "the reference solution does not pass with seed {seed}: it earns {}/{} points; failing: {}",
            report.earned,
            report.possible,
            failed.join("; ")
        );
        if !errored.is_empty() {
            why.push_str(&format!(" (commands that failed: {})", errored.join("; ")));
        }
        return Some(ScenarioError::new(&file, &l.source, at("[solution]"), why));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_join_heredocs_and_continued_lines() {
        let text = "kubectl get po\ncat <<EOF > a.yaml\nkind: Pod\nEOF\nkubectl run x \\\n  --image=nginx\n";
        assert_eq!(
            blocks(text),
            [
                "kubectl get po",
                "cat <<EOF > a.yaml\nkind: Pod\nEOF",
                "kubectl run x \\\n  --image=nginx",
            ]
        );
        assert_eq!(
            blocks("cat <<EOF\nunterminated"),
            ["cat <<EOF\nunterminated"]
        );
    }

    #[test]
    fn the_command_line_parses() {
        let cli = Cli::try_parse_from(["kubedojo", "check", "x", "--solution", "--json"]);
        assert!(cli.is_ok());
        let cli = Cli::try_parse_from(["kubedojo", "check", "x"]);
        assert!(cli.is_err(), "check needs --commands or --solution");
        let cli = Cli::try_parse_from(["kubedojo", "list", "--scenarios", "d"]);
        assert!(cli.is_ok_and(|c| c.scenarios == Some(PathBuf::from("d"))));
    }
}
