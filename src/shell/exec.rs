//! Runs a parsed command tree: lists, `&&`/`||`, pipelines (stdout of one command is the stdin of the
//! next), redirections into the host's virtual file system, and dispatch to builtins, tools and
//! kubectl. Everything stays inside the World.

mod control;
mod redirect;

use super::expand;
use super::parser::{self, AndOr, Command, List, Pipeline, Simple};
use super::{builtins, tools, Shell};
use crate::vfs::{Vfs, VfsError};
use crate::world::World;
use crate::Output;
use control::{call, run_compound};
use redirect::{redirect, route, Sink};

/// How deep command substitutions, `source` and `eval` may nest.
const MAX_DEPTH: usize = 24;
/// How deep command lists may nest in all (subshells, loops, substitutions together), so no input
/// can overflow the stack.
const MAX_LISTS: usize = 160;
/// The most one command may print; more is cut off so a runaway line cannot exhaust memory.
const MAX_OUTPUT: usize = 32 << 20;
/// The most loop iterations one input may run; a `while true` stops here instead of hanging.
const MAX_ITERATIONS: usize = 100_000;

/// What `break` and `continue` ask of the innermost loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopCtl {
    /// Leave the loop.
    Break,
    /// Go on with the next iteration.
    Continue,
    /// Leave the running function.
    Return,
}

/// What a running command can reach: the shell's state and the World.
pub struct Env<'a> {
    /// The shell: host, working directory, variables, aliases.
    pub sh: &'a mut Shell,
    /// The World the commands act on.
    pub world: &'a mut World,
    /// Nesting of command substitutions, `source` and `eval`.
    pub depth: usize,
    /// Messages printed while expanding words, shown before the command's own stderr.
    pub stderr: String,
    /// The status of the last command substitution in the words being expanded.
    pub subst_status: Option<i32>,
    /// How many loops enclose the running command.
    pub loop_depth: usize,
    /// A pending `break` or `continue`.
    pub loop_ctl: Option<LoopCtl>,
    /// Loop iterations run so far in this input.
    iterations: usize,
    /// Set when the iteration budget ran out: nothing more runs.
    aborted: bool,
    /// The stdin of the enclosing `while` loop and how far `read` has consumed it.
    pub input: Option<(String, usize)>,
    /// How many command lists are running inside each other.
    lists: usize,
    /// How much of the last dispatched command's stderr it wrote before its stdout (see
    /// [`World::stderr_lead`]).
    stderr_lead: usize,
}

/// A command's standard input, and whether its standard output is the terminal.
pub struct Io<'a> {
    /// Everything the command can read.
    pub stdin: &'a str,
    /// Whether stdout is the terminal (not a pipe or a file): `ls` prints columns then.
    pub tty: bool,
}

impl<'a> Env<'a> {
    /// An environment for one command line.
    pub fn new(sh: &'a mut Shell, world: &'a mut World) -> Self {
        Env {
            sh,
            world,
            depth: 0,
            stderr: String::new(),
            subst_status: None,
            loop_depth: 0,
            loop_ctl: None,
            iterations: 0,
            aborted: false,
            input: None,
            lists: 0,
            stderr_lead: 0,
        }
    }

    /// The next line for `read`: from the enclosing loop's stdin (consumed line by line), else the
    /// first line of `stdin`. `None` at end of input.
    pub fn read_line(&mut self, stdin: &str) -> Option<String> {
        match self.input.as_mut() {
            Some((text, pos)) => {
                let rest = text.get(*pos..).unwrap_or_default();
                if rest.is_empty() {
                    return None;
                }
                let (line, used) = match rest.find('\n') {
                    Some(i) => (rest.get(..i).unwrap_or_default(), i + 1),
                    None => (rest, rest.len()),
                };
                let line = line.to_string();
                *pos += used;
                Some(line)
            }
            None => stdin.lines().next().map(String::from),
        }
    }

    /// The file system of the host the shell is on.
    pub fn fs(&mut self) -> &mut Vfs {
        if let Some(c) = self.sh.container.as_mut() {
            return &mut c.fs;
        }
        match self.world.hosts.get_mut(&self.sh.host) {
            Some(h) => &mut h.fs,
            None => &mut self.sh.fallback,
        }
    }

    /// A shell variable or special parameter; empty when unset.
    pub fn var(&self, name: &str) -> String {
        match name {
            "?" => self.sh.status.to_string(),
            "$" => "4242".into(),
            "#" => self.sh.args.len().to_string(),
            "@" | "*" => self.sh.args.join(" "),
            "0" => "bash".into(),
            n if n.chars().all(|c| c.is_ascii_digit()) => n
                .parse::<usize>()
                .ok()
                .and_then(|k| self.sh.args.get(k.wrapping_sub(1)))
                .cloned()
                .unwrap_or_default(),
            "-" => "himBHs".into(),
            "PWD" => self.sh.cwd.clone(),
            "HOSTNAME" => self.sh.host.clone(),
            "UID" | "EUID" => "0".into(),
            _ => self.sh.vars.get(name).cloned().unwrap_or_default(),
        }
    }

    /// Whether a variable is set (`${X-default}`).
    pub fn is_set(&self, name: &str) -> bool {
        if let Ok(k) = name.parse::<usize>() {
            return k == 0 || k <= self.sh.args.len();
        }
        matches!(
            name,
            "?" | "$" | "#" | "0" | "-" | "@" | "*" | "PWD" | "HOSTNAME" | "UID" | "EUID"
        ) || self.sh.vars.contains_key(name)
    }

    /// An absolute path for `p` from the working directory.
    pub fn path(&self, p: &str) -> String {
        crate::vfs::normalize(&self.sh.cwd, p)
    }

    /// Reads a file as a tool would: the host's files, `/dev/null`, and `<(...)` results.
    pub fn read(&mut self, p: &str) -> Result<String, VfsError> {
        if p == "/dev/null" {
            return Ok(String::new());
        }
        let abs = self.path(p);
        if let Some(text) = self.sh.fds.get(&abs) {
            return Ok(text.clone());
        }
        self.fs().read(&abs).map(str::to_string)
    }
}

/// Parses and runs a whole input (one line or a block with here-documents).
pub fn run_source(env: &mut Env, src: &str, stdin: &str, tty: bool) -> Output {
    let mut stream = match parser::Stream::new(src) {
        Ok(s) => s,
        Err(e) => {
            env.sh.status = 2;
            return Output::err(format!("bash: {e}\n"), 2);
        }
    };
    let mut out = Output {
        stderr: std::mem::take(&mut stream.warnings),
        ..Output::default()
    };
    loop {
        if env.sh.exit_now || env.aborted || env.loop_ctl.is_some() {
            break;
        }
        let aliases = std::mem::take(&mut env.sh.aliases);
        let item = stream.next(&aliases);
        env.sh.aliases = aliases;
        match item {
            None => break,
            Some(Ok(item)) => {
                let o = run_and_or(env, &item, stdin, tty);
                append(&mut out, o);
            }
            Some(Err(e)) => {
                env.sh.status = 2;
                out.stderr.push_str(&format!("bash: {e}\n"));
                out.code = 2;
            }
        }
    }
    out
}

/// Runs a command list, collecting what it prints.
pub fn run_list(env: &mut Env, list: &List, stdin: &str, tty: bool) -> Output {
    if env.lists >= MAX_LISTS {
        env.aborted = true;
        return Output::err("bash: maximum nesting level exceeded\n", 1);
    }
    env.lists += 1;
    let out = run_list_inner(env, list, stdin, tty);
    env.lists -= 1;
    out
}

fn run_list_inner(env: &mut Env, list: &List, stdin: &str, tty: bool) -> Output {
    let mut out = Output::default();
    for item in &list.items {
        if env.sh.exit_now || env.aborted || env.loop_ctl.is_some() {
            break;
        }
        let o = run_and_or(env, item, stdin, tty);
        out.stdout.push_str(&o.stdout);
        out.stderr.push_str(&o.stderr);
        out.code = o.code;
        cap(&mut out.stdout);
    }
    out
}

fn run_and_or(env: &mut Env, item: &AndOr, stdin: &str, tty: bool) -> Output {
    let mut out = run_pipeline(env, &item.first, stdin, tty);
    for (and, p) in &item.rest {
        if env.sh.exit_now || env.aborted || env.loop_ctl.is_some() {
            break;
        }
        if *and != (out.code == 0) {
            continue;
        }
        let o = run_pipeline(env, p, stdin, tty);
        out.stdout.push_str(&o.stdout);
        out.stderr.push_str(&o.stderr);
        out.code = o.code;
    }
    out
}

fn run_pipeline(env: &mut Env, p: &Pipeline, stdin: &str, tty: bool) -> Output {
    let mut out = Output::default();
    let mut input = stdin.to_string();
    let n = p.cmds.len();
    for (i, cmd) in p.cmds.iter().enumerate() {
        let last = i + 1 == n;
        let o = run_command(env, cmd, &input, tty && last);
        out.stderr.push_str(&o.stderr);
        if last {
            out.stdout = o.stdout;
            out.code = o.code;
        } else {
            input = o.stdout;
            cap(&mut input);
        }
        if env.sh.exit_now {
            break;
        }
    }
    if p.negate {
        out.code = i32::from(out.code == 0);
    }
    env.sh.status = out.code;
    out
}

fn cap(s: &mut String) {
    if s.len() > MAX_OUTPUT {
        let mut end = MAX_OUTPUT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

fn run_command(env: &mut Env, cmd: &Command, stdin: &str, tty: bool) -> Output {
    match cmd {
        Command::Simple(s) => run_simple(env, s, stdin, tty),
        Command::Subshell(list, redirs) => {
            let r = match redirect(env, redirs) {
                Ok(r) => r,
                Err(msg) => return failed(env, msg),
            };
            let saved = env.sh.save();
            let tty = tty && r.sinks[0] == Sink::Stdout;
            let out = run_list(env, list, r.stdin.as_deref().unwrap_or(stdin), tty);
            env.sh.restore(saved);
            route(env, out, &r.sinks, 0)
        }
        Command::Function(name, body) => {
            env.sh.functions.insert(name.clone(), (**body).clone());
            env.sh.status = 0;
            Output::default()
        }
        Command::Compound(c, redirs) => {
            let r = match redirect(env, redirs) {
                Ok(r) => r,
                Err(msg) => return failed(env, msg),
            };
            let tty = tty && r.sinks[0] == Sink::Stdout;
            let out = run_compound(env, c, r.stdin.as_deref().unwrap_or(stdin), tty);
            route(env, out, &r.sinks, 0)
        }
    }
}

fn append(out: &mut Output, o: Output) {
    out.stdout.push_str(&o.stdout);
    out.stderr.push_str(&o.stderr);
    out.code = o.code;
    cap(&mut out.stdout);
}

fn failed(env: &mut Env, msg: String) -> Output {
    env.sh.status = 1;
    let mut stderr = std::mem::take(&mut env.stderr);
    stderr.push_str(&msg);
    Output::err(stderr, 1)
}

fn run_simple(env: &mut Env, s: &Simple, stdin: &str, tty: bool) -> Output {
    env.subst_status = None;
    let args = expand::words(env, &s.words);
    let assigns: Vec<(String, String)> = s
        .assigns
        .iter()
        .map(|(n, w)| (n.clone(), expand::single(env, w)))
        .collect();
    let r = match redirect(env, &s.redirs) {
        Ok(r) => r,
        Err(msg) => return failed(env, msg),
    };
    let stdin = r.stdin.as_deref().unwrap_or(stdin);
    let tty = tty && r.sinks[0] == Sink::Stdout;
    let pre = std::mem::take(&mut env.stderr);
    let mut out = if args.is_empty() {
        for (n, v) in assigns {
            env.sh.vars.insert(n, v);
        }
        Output {
            code: env.subst_status.unwrap_or(0),
            ..Output::default()
        }
    } else {
        let saved: Vec<(String, Option<String>)> = assigns
            .iter()
            .map(|(n, _)| (n.clone(), env.sh.vars.get(n).cloned()))
            .collect();
        for (n, v) in assigns {
            env.sh.vars.insert(n, v);
        }
        env.stderr_lead = 0;
        let out = dispatch(env, &args, &Io { stdin, tty });
        for (n, old) in saved {
            match old {
                Some(v) => env.sh.vars.insert(n, v),
                None => env.sh.vars.remove(&n),
            };
        }
        out
    };
    // Expansion errors were printed before the command ran, and so were its leading warnings.
    let lead = pre.len() + std::mem::take(&mut env.stderr_lead);
    out.stderr.insert_str(0, &pre);
    route(env, out, &r.sinks, lead)
}

/// Runs one command by name: builtins, kubectl, the host's tools.
pub fn dispatch(env: &mut Env, args: &[String], io: &Io) -> Output {
    let Some((name, rest)) = args.split_first() else {
        return Output::default();
    };
    if let Some(body) = env.sh.functions.get(name).cloned() {
        return call(env, name, &body, rest, io);
    }
    if env.sh.container.is_some() {
        if let Some(out) = super::container::dispatch(env, name, rest, io) {
            return out;
        }
    }
    if let Some(out) = builtins::run(env, name, rest, io) {
        return out;
    }
    if name == "kubectl" {
        let (host, cwd) = (env.sh.host.clone(), env.sh.cwd.clone());
        let kubeconfig = env.sh.vars.get("KUBECONFIG").cloned();
        let inv = crate::kubectl::Invocation {
            host: &host,
            cwd: &cwd,
            stdin: io.stdin,
            kubeconfig_env: kubeconfig.as_deref(),
        };
        if env.sh.interactive && env.sh.pending_edit.is_none() {
            if let (Some(verb), argv) = crate::kubectl::verb_of(rest) {
                if verb == "edit" {
                    return kubectl_edit(env, &argv, inv);
                }
            }
        }
        env.world.attach_enabled = true;
        env.world.attach = None;
        env.world.stderr_lead = 0;
        let out = crate::kubectl::run(env.world, rest, inv);
        env.world.attach_enabled = false;
        env.stderr_lead = std::mem::take(&mut env.world.stderr_lead);
        if let Some(a) = env.world.attach.take() {
            return super::container::attach(env, a, io, out);
        }
        return out;
    }
    if let Some(tool) = tools::find(name) {
        return tool(env, rest, io);
    }
    if name.contains('/') {
        let base = name.rsplit('/').next().unwrap_or_default();
        let abs = env.path(name);
        if tools::bin_dir(base).is_some_and(|dir| abs == format!("{dir}/{base}")) {
            let mut renamed = args.to_vec();
            if let Some(first) = renamed.first_mut() {
                *first = base.to_string();
            }
            return dispatch(env, &renamed, io);
        }
        if env.fs().is_dir(&abs) {
            return Output::err(format!("bash: {name}: Is a directory\n"), 126);
        }
        if env.fs().is_file(&abs) {
            return Output::err(format!("bash: {name}: Permission denied\n"), 126);
        }
        return Output::err(format!("bash: {name}: No such file or directory\n"), 127);
    }
    Output::err(format!("bash: {name}: command not found\n"), 127)
}

/// `kubectl edit` in the interactive terminal: reads the objects and asks for the editor, as the
/// editor named by `KUBE_EDITOR` or `EDITOR` (default `vi`); every editor is kubedojo's vi.
fn kubectl_edit(env: &mut Env, argv: &[String], inv: crate::kubectl::Invocation<'_>) -> Output {
    let chosen = ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .map(|v| env.var(v))
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let program = chosen.split_whitespace().next().unwrap_or("vi");
    let base = program.rsplit('/').next().unwrap_or(program);
    if !super::edit::is_editor(base) {
        return Output::err(
            format!("error: there was a problem with the editor \"{chosen}\"\n"),
            1,
        );
    }
    match crate::kubectl::cmd::edit::begin(env.world, argv, inv) {
        Ok(session) => {
            env.sh.pending_edit = Some(super::edit::EditRequest {
                name: session.path.clone(),
                content: session.content.clone(),
                existed: true,
                on_save: super::edit::OnSave::Kubectl(session),
            });
            Output::default()
        }
        Err(out) => out,
    }
}

/// Runs `$(...)`: a nested list whose stdout, without trailing newlines, becomes text.
pub fn substitute(env: &mut Env, src: &str) -> String {
    let mut out = substitute_raw(env, src);
    let len = out.trim_end_matches('\n').len();
    out.truncate(len);
    out
}

/// Runs a nested list in a subshell and returns its whole stdout (`<(...)`).
pub fn substitute_raw(env: &mut Env, src: &str) -> String {
    // `$(< file)` reads the file without running a command.
    if let Some(file) = src.trim().strip_prefix('<').map(str::trim) {
        if !file.is_empty() && !file.contains(char::is_whitespace) && !file.starts_with(['<', '('])
        {
            let word = super::lexer::lex(file)
                .ok()
                .and_then(|l| match l.tokens.as_slice() {
                    [super::lexer::Token::Word(w)] => Some(w.clone()),
                    _ => None,
                });
            if let Some(w) = word {
                let path = expand::single(env, &w);
                return match env.read(&path) {
                    Ok(text) => {
                        env.subst_status = Some(0);
                        text
                    }
                    Err(e) => {
                        env.stderr.push_str(&format!("bash: {path}: {e}\n"));
                        env.subst_status = Some(1);
                        String::new()
                    }
                };
            }
        }
    }
    if env.depth >= MAX_DEPTH {
        env.stderr
            .push_str("bash: maximum nesting level exceeded\n");
        env.subst_status = Some(1);
        return String::new();
    }
    let saved = env.sh.save();
    let outer_stderr = std::mem::take(&mut env.stderr);
    env.depth += 1;
    let out = run_source(env, src, "", false);
    env.depth -= 1;
    env.sh.restore(saved);
    let inner_stderr = std::mem::replace(&mut env.stderr, outer_stderr);
    env.stderr.push_str(&inner_stderr);
    env.stderr.push_str(&out.stderr);
    env.subst_status = Some(out.code);
    env.sh.status = out.code;
    out.stdout
}

/// Runs text as commands in the current shell (`source`, `eval`), bounded in depth.
pub fn run_nested(env: &mut Env, src: &str, io: &Io) -> Output {
    if env.depth >= MAX_DEPTH {
        return Output::err("bash: maximum nesting level exceeded\n", 1);
    }
    env.depth += 1;
    let out = run_source(env, src, io.stdin, io.tty);
    env.depth -= 1;
    out
}
