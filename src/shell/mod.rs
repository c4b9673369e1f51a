//! The learner's shell: bash grammar (quotes, pipes, redirects, `&&`/`||`, here-documents, `$VAR`),
//! builtins and tools over the World's virtual file systems, and the host tools of the exam.
//!
//! An input goes through [`lexer`] (tokens, here-document bodies), then [`parser`], which reads one
//! complete command at a time (aliases expanded on the command word, so an alias defined on one line
//! applies on the next), then [`exec`], which expands words (`expand`: parameters, `$(...)`,
//! `$((...))`, `<(...)`, braces, globs) and runs builtins, kubectl and the [`tools`].
//!
//! The shell is a sandbox: it never touches the real file system or starts a process, and every
//! input finishes: loops stop after 100 000 iterations, substitutions and nesting are bounded, output
//! is capped, and awk runs under a step budget. Not supported: arrays, job
//! control (`&` runs in the foreground), `$RANDOM`, history expansion other than `!!`.

mod arith;
mod builtins;
pub mod complete;
mod cond;
pub mod container;
pub mod edit;
pub mod exec;
mod expand;
pub mod lexer;
pub mod parser;
pub mod tools;

use crate::vfs::Vfs;
use crate::world::World;
use crate::Output;
use std::collections::BTreeMap;

/// The state of one interactive shell: host, working directory, variables, aliases, history.
#[derive(Debug, Clone)]
pub struct Shell {
    /// The host the shell runs on (changes with `ssh`).
    pub host: String,
    /// The host the learner started on, to come back to with `exit`.
    pub home_host: String,
    /// The working directory.
    pub cwd: String,
    /// The user name (`whoami`).
    pub user: String,
    /// Shell variables (all exported: there are no child processes to hide them from).
    pub vars: BTreeMap<String, String>,
    /// Aliases; `k` is `kubectl` from the start, as on the exam.
    pub aliases: BTreeMap<String, String>,
    /// Every non-blank input, oldest first.
    pub history: Vec<String>,
    /// `$?`.
    status: i32,
    /// The file system used when the shell's host is not in the World.
    fallback: Vfs,
    /// Where `exit` goes back to after `ssh`: host, cwd and variables of each hop.
    ssh_stack: Vec<Hop>,
    /// Outputs of `<(...)` in the current line, by their `/dev/fd/N` path.
    fds: BTreeMap<String, String>,
    /// Set by `exit`: the rest of the line is not run.
    exit_now: bool,
    /// Shell functions by name.
    functions: BTreeMap<String, parser::Compound>,
    /// The positional parameters (`$1`...) of the running function.
    args: Vec<String>,
    /// Whether an editor can open (the TUI's terminal); off in `kubedojo sh`, `check` and tests.
    pub interactive: bool,
    /// Whether `!!` is expanded, as bash does only when it reads commands from a terminal (on
    /// unless `kubedojo sh` runs a `-c` line or a script from a pipe).
    pub history_expansion: bool,
    /// A file an editor should open now (`vi FILE`, `kubectl edit`), set by the command.
    pub pending_edit: Option<edit::EditRequest>,
    /// The container an interactive `kubectl exec -it POD -- sh` entered; `exit` leaves it.
    pub container: Option<Box<container::Session>>,
}

/// What a subshell must not change in its parent.
pub(crate) struct Saved {
    host: String,
    cwd: String,
    vars: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
    ssh_stack: Vec<Hop>,
    exit_now: bool,
    functions: BTreeMap<String, parser::Compound>,
}

/// The shell an `ssh` left behind: its host, working directory and variables.
pub(crate) type Hop = (String, String, BTreeMap<String, String>);

/// The variables a root login shell starts with (a new shell, or one `ssh` opens).
pub(crate) fn login_vars() -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    vars.insert("HOME".to_string(), "/root".to_string());
    vars.insert("USER".to_string(), "root".to_string());
    vars.insert("SHELL".to_string(), "/bin/bash".to_string());
    vars.insert("TERM".to_string(), "xterm".to_string());
    vars.insert(
        "PATH".to_string(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    );
    vars
}

impl Shell {
    /// A root shell on `host` in `/root`, with the exam's `k` alias.
    pub fn new(host: &str) -> Self {
        let mut aliases = BTreeMap::new();
        aliases.insert("k".to_string(), "kubectl".to_string());
        let vars = login_vars();
        let mut fallback = Vfs::new();
        for d in ["/root", "/tmp"] {
            let _ = fallback.mkdir_p(d);
        }
        Shell {
            host: host.to_string(),
            home_host: host.to_string(),
            cwd: "/root".to_string(),
            user: "root".to_string(),
            vars,
            aliases,
            history: Vec::new(),
            status: 0,
            fallback,
            ssh_stack: Vec::new(),
            fds: BTreeMap::new(),
            exit_now: false,
            functions: BTreeMap::new(),
            args: Vec::new(),
            interactive: false,
            history_expansion: true,
            pending_edit: None,
            container: None,
        }
    }

    /// The prompt, as the exam's terminal shows it (`controlplane $ `).
    pub fn prompt(&self) -> String {
        match &self.container {
            Some(c) => c.prompt(&self.cwd),
            None => format!("{} $ ", self.host),
        }
    }

    /// Whether the shell is inside a container (`kubectl exec -it`).
    pub fn in_container(&self) -> bool {
        self.container.is_some()
    }

    /// The exit status of the last command (`$?`).
    pub fn status(&self) -> i32 {
        self.status
    }

    /// Runs one input: a command line, or a block of lines such as a command with its here-document.
    pub fn run_line(&mut self, world: &mut World, line: &str) -> Output {
        let expanded = if self.history_expansion {
            self.history_expand(line)
        } else {
            Ok(None)
        };
        let (line, echoed) = match expanded {
            Ok(Some(expanded)) => (expanded.clone(), Some(expanded)),
            Ok(None) => (line.to_string(), None),
            Err(out) => {
                self.status = out.code;
                return out;
            }
        };
        let entry = line.trim_end_matches('\n');
        if !entry.trim().is_empty() {
            self.history.push(entry.to_string());
        }
        if world.boot_pending() && !self.client_side_line(&line) {
            world.boot();
        }
        if let Some(c) = self.container.as_mut() {
            if container::Session::new(world, &c.attach).is_err() {
                // The pod is gone: the session ended with it, as a killed process does.
                let mut env = exec::Env::new(self, world);
                let out = container::exit(&mut env, 137);
                self.exit_now = false;
                return out;
            }
            c.load(world);
        }
        let mut env = exec::Env::new(self, world);
        let mut out = exec::run_source(&mut env, &line, "", true);
        if let Some(c) = &self.container {
            c.save(world);
            out.stderr = container::translate(&out.stderr, &c.shell);
        }
        if let Some(e) = echoed {
            out.stdout
                .insert_str(0, &format!("{}\n", e.trim_end_matches('\n')));
        }
        self.fds.clear();
        self.exit_now = false;
        out
    }

    /// Whether `line` is one plain `kubectl` command that needs no cluster state
    /// ([`crate::kubectl::cmd::client_side`]): a single simple command on this host, with literal
    /// words only (no expansion, glob, assignment or redirection that could read or write
    /// anything else), and no shell function in the way. Such a line may run before the World's
    /// boot settles ([`World::standard_deferred`]); any other line boots the World first.
    fn client_side_line(&self, line: &str) -> bool {
        if self.container.is_some() || self.functions.contains_key("kubectl") {
            return false;
        }
        let Ok((list, _)) = parser::parse(line, &self.aliases) else {
            return false;
        };
        let [item] = list.items.as_slice() else {
            return false;
        };
        if !item.rest.is_empty() || item.first.negate {
            return false;
        }
        let [parser::Command::Simple(cmd)] = item.first.cmds.as_slice() else {
            return false;
        };
        if !cmd.assigns.is_empty() || !cmd.redirs.is_empty() {
            return false;
        }
        let mut words = Vec::with_capacity(cmd.words.len());
        for w in &cmd.words {
            match w.plain() {
                Some(s) if !s.contains(['*', '?', '[', '{', '~', '$', '`', '\\']) => {
                    words.push(s.to_string())
                }
                _ => return false,
            }
        }
        match words.split_first() {
            Some((name, args)) => name == "kubectl" && crate::kubectl::cmd::client_side(args),
            None => false,
        }
    }

    /// `!!` outside single quotes becomes the previous command, as bash's history expansion does
    /// (bash then prints the expanded line). `None` when there is nothing to expand.
    fn history_expand(&self, line: &str) -> Result<Option<String>, Output> {
        if !line.contains("!!") {
            return Ok(None);
        }
        let mut out = String::new();
        let mut changed = false;
        let mut in_single = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\'' => in_single = !in_single,
                '\\' if !in_single => {
                    out.push(c);
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                    continue;
                }
                '!' if !in_single && chars.peek() == Some(&'!') => {
                    chars.next();
                    match self.history.last() {
                        Some(prev) => out.push_str(prev),
                        None => return Err(Output::err("bash: !!: event not found\n", 1)),
                    }
                    changed = true;
                    continue;
                }
                _ => {}
            }
            out.push(c);
        }
        Ok(changed.then_some(out))
    }

    pub(crate) fn save(&self) -> Saved {
        Saved {
            host: self.host.clone(),
            cwd: self.cwd.clone(),
            vars: self.vars.clone(),
            aliases: self.aliases.clone(),
            ssh_stack: self.ssh_stack.clone(),
            exit_now: self.exit_now,
            functions: self.functions.clone(),
        }
    }

    pub(crate) fn restore(&mut self, s: Saved) {
        self.host = s.host;
        self.cwd = s.cwd;
        self.vars = s.vars;
        self.aliases = s.aliases;
        self.ssh_stack = s.ssh_stack;
        self.exit_now = s.exit_now;
        self.functions = s.functions;
    }

    /// Keeps the output of a process substitution and names it as bash does (`/dev/fd/63`, then down).
    pub(crate) fn add_fd(&mut self, text: String) -> String {
        let path = format!("/dev/fd/{}", 63usize.saturating_sub(self.fds.len()));
        self.fds.insert(path.clone(), text);
        path
    }
}

#[cfg(test)]
mod tests;
