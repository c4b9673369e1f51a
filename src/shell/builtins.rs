//! Builtins that change the shell itself: `cd`, `export`, `alias`, `history`, `exit`, `ssh`, `sudo`,
//! `source`, `eval` and the settings commands the exam's setup lines use.

use super::exec::{self, Env, Io};
use super::tools;
use crate::Output;

/// Names of the builtins, for `type`.
pub const BUILTINS: &[&str] = &[
    "cd", "pwd", "export", "unset", "alias", "unalias", "history", "exit", "logout", "source", ".",
    "eval", "complete", "set", "shopt", "bind", "hash", "type", "true", "false", ":", "exec",
    "echo", "printf", "wait", "jobs", "umask", "ulimit", "read", "return", "break", "continue",
    "test", "[", "[[", "time", "command",
];

/// Runs a builtin; `None` when `name` is not one.
pub fn run(env: &mut Env, name: &str, args: &[String], io: &Io) -> Option<Output> {
    let out = match name {
        "cd" => cd(env, args),
        "pwd" => Output::ok(format!("{}\n", env.sh.cwd)),
        "export" => export(env, args),
        "unset" => {
            for a in args.iter().filter(|a| !a.starts_with('-')) {
                env.sh.vars.remove(a);
            }
            Output::default()
        }
        "alias" => alias(env, args),
        "unalias" => unalias(env, args),
        "history" => history(env, args),
        "exit" | "logout" => exit(env, name, args),
        "source" | "." => source(env, name, args, io),
        "eval" => exec::run_nested(env, &args.join(" "), io),
        "complete" | "set" | "shopt" | "bind" | "hash" | "wait" | "jobs" | "umask" | "ulimit"
        | "su" => Output::default(),
        "read" => read(env, args, io),
        "timeout" => {
            let rest: Vec<String> = args
                .iter()
                .skip_while(|a| a.starts_with('-'))
                .skip(1)
                .cloned()
                .collect();
            if rest.is_empty() {
                return Some(Output::err(
                    "timeout: missing operand\nTry 'timeout --help' for more information.\n",
                    125,
                ));
            }
            exec::dispatch(env, &rest, io)
        }
        "nohup" => exec::dispatch(env, args, io),
        "watch" => {
            let mut rest = args.iter().peekable();
            while let Some(a) = rest.peek() {
                if !a.starts_with('-') {
                    break;
                }
                if matches!(a.as_str(), "-n" | "--interval" | "-d") {
                    rest.next();
                }
                rest.next();
            }
            let cmd: Vec<String> = rest.cloned().collect();
            let when = env.world.now().format("%a %b %e %H:%M:%S %Y");
            let host = env.sh.host.clone();
            let text = cmd.join(" ");
            let mut out = exec::run_nested(env, &text, io);
            out.stdout
                .insert_str(0, &format!("Every 2.0s: {text}    {host}: {when}\n\n"));
            out
        }
        "time" => {
            let mut out = exec::dispatch(env, args, io);
            out.stderr
                .push_str("\nreal\t0m0.001s\nuser\t0m0.000s\nsys\t0m0.000s\n");
            out
        }
        "command" => match args.split_first() {
            Some((flag, names)) if flag == "-v" || flag == "-V" => {
                let mut out = Output::default();
                for n in names {
                    match tools::bin_dir(n) {
                        _ if BUILTINS.contains(&n.as_str()) => {
                            out.stdout.push_str(&format!("{n}\n"))
                        }
                        Some(dir) => out.stdout.push_str(&format!("{dir}/{n}\n")),
                        None => out.code = 1,
                    }
                }
                out
            }
            _ => exec::dispatch(env, args, io),
        },
        "true" | ":" => Output::default(),
        "break" | "continue" => loop_ctl(env, name),
        "return" => {
            let code = args
                .first()
                .and_then(|a| a.parse::<i64>().ok())
                .map_or(env.sh.status, |n| (n & 0xff) as i32);
            env.sh.status = code;
            env.loop_ctl = Some(exec::LoopCtl::Return);
            Output {
                code,
                ..Output::default()
            }
        }
        "test" | "[" | "[[" => super::cond::test(env, name, args),
        "false" => Output {
            code: 1,
            ..Output::default()
        },
        "type" => type_(env, args),
        "ssh" => ssh(env, args, io),
        "sudo" => sudo(env, args, io),
        "bash" | "sh" => bash(env, name, args, io),
        "exec" => match args.first().map(String::as_str) {
            None | Some("bash" | "sh" | "$SHELL") => Output::default(),
            Some(_) => exec::dispatch(env, args, io),
        },
        _ => return None,
    };
    Some(out)
}

/// `read [-r] [-p PROMPT] [NAME]...`: one line of input split into the names (the last takes the rest).
fn read(env: &mut Env, args: &[String], io: &Io) -> Output {
    let mut names = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-p" | "-t" | "-n" | "-d" | "-u" => {
                it.next();
            }
            s if s.starts_with('-') => {}
            s => names.push(s.to_string()),
        }
    }
    if names.is_empty() {
        names.push("REPLY".into());
    }
    let line = env.read_line(io.stdin);
    let text = line.clone().unwrap_or_default();
    let mut rest = text.trim_start();
    let count = names.len();
    for (k, n) in names.into_iter().enumerate() {
        let value = if k + 1 == count {
            let v = rest.trim_end().to_string();
            rest = "";
            v
        } else {
            let end = rest.find([' ', '\t']).unwrap_or(rest.len());
            let v = rest.get(..end).unwrap_or_default().to_string();
            rest = rest.get(end..).unwrap_or_default().trim_start();
            v
        };
        env.sh.vars.insert(n, value);
    }
    Output {
        code: i32::from(line.is_none()),
        ..Output::default()
    }
}

fn loop_ctl(env: &mut Env, name: &str) -> Output {
    if env.loop_depth == 0 {
        let msg = format!("bash: {name}: only meaningful in a `for', `while', or `until' loop\n");
        return Output {
            stderr: msg,
            ..Output::default()
        };
    }
    env.loop_ctl = Some(if name == "break" {
        exec::LoopCtl::Break
    } else {
        exec::LoopCtl::Continue
    });
    Output::default()
}

fn cd(env: &mut Env, args: &[String]) -> Output {
    if args.len() > 1 {
        return Output::err("bash: cd: too many arguments\n", 1);
    }
    let mut print = false;
    let target = match args.first().map(String::as_str) {
        None | Some("~") => env.var("HOME"),
        Some("-") => {
            print = true;
            match env.sh.vars.get("OLDPWD") {
                Some(p) => p.clone(),
                None => return Output::err("bash: cd: OLDPWD not set\n", 1),
            }
        }
        Some(p) => p.to_string(),
    };
    let abs = env.path(&target);
    if !env.fs().exists(&abs) {
        return Output::err(
            format!("bash: cd: {target}: No such file or directory\n"),
            1,
        );
    }
    if !env.fs().is_dir(&abs) {
        return Output::err(format!("bash: cd: {target}: Not a directory\n"), 1);
    }
    let old = std::mem::replace(&mut env.sh.cwd, abs.clone());
    env.sh.vars.insert("OLDPWD".into(), old);
    env.sh.vars.insert("PWD".into(), abs.clone());
    if print {
        Output::ok(format!("{abs}\n"))
    } else {
        Output::default()
    }
}

fn valid_name(n: &str) -> bool {
    let mut c = n.chars();
    c.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn export(env: &mut Env, args: &[String]) -> Output {
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if names.is_empty() {
        let text: String = env
            .sh
            .vars
            .iter()
            .map(|(k, v)| format!("declare -x {k}=\"{v}\"\n"))
            .collect();
        return Output::ok(text);
    }
    let mut out = Output::default();
    for a in names {
        let (name, value) = match a.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (a.as_str(), None),
        };
        if !valid_name(name) {
            out.stderr
                .push_str(&format!("bash: export: `{a}': not a valid identifier\n"));
            out.code = 1;
            continue;
        }
        if let Some(v) = value {
            env.sh.vars.insert(name.to_string(), v.to_string());
        }
    }
    out
}

fn quote_alias(v: &str) -> String {
    format!("'{}'", v.replace('\'', r"'\''"))
}

fn alias(env: &mut Env, args: &[String]) -> Output {
    let args: Vec<&String> = args.iter().filter(|a| a.as_str() != "-p").collect();
    if args.is_empty() {
        let text: String = env
            .sh
            .aliases
            .iter()
            .map(|(k, v)| format!("alias {k}={}\n", quote_alias(v)))
            .collect();
        return Output::ok(text);
    }
    let mut out = Output::default();
    for a in args {
        match a.split_once('=') {
            Some((n, v)) if !n.is_empty() => {
                env.sh.aliases.insert(n.to_string(), v.to_string());
            }
            _ => match env.sh.aliases.get(a.as_str()) {
                Some(v) => out
                    .stdout
                    .push_str(&format!("alias {a}={}\n", quote_alias(v))),
                None => {
                    out.stderr
                        .push_str(&format!("bash: alias: {a}: not found\n"));
                    out.code = 1;
                }
            },
        }
    }
    out
}

fn unalias(env: &mut Env, args: &[String]) -> Output {
    if args.is_empty() {
        return Output::err("unalias: usage: unalias [-a] name [name ...]\n", 2);
    }
    let mut out = Output::default();
    for a in args {
        if a == "-a" {
            env.sh.aliases.clear();
        } else if env.sh.aliases.remove(a).is_none() {
            out.stderr
                .push_str(&format!("bash: unalias: {a}: not found\n"));
            out.code = 1;
        }
    }
    out
}

fn history(env: &mut Env, args: &[String]) -> Output {
    if args.first().map(String::as_str) == Some("-c") {
        env.sh.history.clear();
        return Output::default();
    }
    let n = env.sh.history.len();
    let count = match args.first() {
        None => n,
        Some(a) => match a.parse::<usize>() {
            Ok(c) => c.min(n),
            Err(_) => {
                return Output::err(
                    format!("bash: history: {a}: numeric argument required\n"),
                    1,
                )
            }
        },
    };
    let text: String = env
        .sh
        .history
        .iter()
        .enumerate()
        .skip(n - count)
        .map(|(i, l)| format!("{:>5}  {l}\n", i + 1))
        .collect();
    Output::ok(text)
}

fn exit(env: &mut Env, name: &str, args: &[String]) -> Output {
    if name == "logout" && env.sh.ssh_stack.is_empty() {
        return Output::err("bash: logout: not login shell: use `exit'\n", 1);
    }
    let code = match args.first() {
        None => env.sh.status,
        Some(a) => match a.parse::<i64>() {
            Ok(n) => (n & 0xff) as i32,
            Err(_) => {
                env.sh.exit_now = true;
                return Output::err(format!("bash: {name}: {a}: numeric argument required\n"), 2);
            }
        },
    };
    env.sh.status = code;
    match env.sh.ssh_stack.pop() {
        Some((host, cwd, vars)) => {
            let left = std::mem::replace(&mut env.sh.host, host);
            env.sh.cwd = cwd;
            env.sh.vars = vars;
            env.sh.exit_now = true;
            Output {
                stdout: format!("logout\nConnection to {left} closed.\n"),
                stderr: String::new(),
                code,
            }
        }
        None => {
            env.sh.exit_now = true;
            Output {
                code,
                ..Output::default()
            }
        }
    }
}

/// Files a fresh exam machine sources at start-up; sourcing them again is harmless.
const STARTUP_FILES: &[&str] = &[
    "/root/.bashrc",
    "/root/.profile",
    "/root/.bash_profile",
    "/etc/bash_completion",
    "/usr/share/bash-completion/bash_completion",
    "/etc/profile",
];

fn source(env: &mut Env, name: &str, args: &[String], io: &Io) -> Output {
    let Some(file) = args.first() else {
        return Output::err(format!("bash: {name}: filename argument required\n{name}: usage: {name} filename [arguments]\n"), 2);
    };
    // `source <(kubectl completion bash)`: completion is built into the terminal already.
    if file.starts_with("/dev/fd/") {
        return Output::default();
    }
    match env.read(file) {
        Ok(text) => exec::run_nested(env, &text, io),
        Err(_) if STARTUP_FILES.contains(&env.path(file).as_str()) => Output::default(),
        Err(e) => Output::err(format!("bash: {file}: {e}\n"), 1),
    }
}

fn type_(env: &mut Env, args: &[String]) -> Output {
    let mut out = Output::default();
    for a in args {
        if let Some(v) = env.sh.aliases.get(a) {
            out.stdout.push_str(&format!("{a} is aliased to `{v}'\n"));
        } else if BUILTINS.contains(&a.as_str()) {
            out.stdout.push_str(&format!("{a} is a shell builtin\n"));
        } else if let Some(dir) = tools::bin_dir(a) {
            out.stdout.push_str(&format!("{a} is {dir}/{a}\n"));
        } else {
            out.stderr
                .push_str(&format!("bash: type: {a}: not found\n"));
            out.code = 1;
        }
    }
    out
}

fn ssh(env: &mut Env, args: &[String], io: &Io) -> Output {
    let mut operands = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if operands.is_empty() && a.starts_with('-') {
            if matches!(a.as_str(), "-o" | "-i" | "-p" | "-l" | "-F" | "-J") {
                it.next();
            }
            continue;
        }
        operands.push(a.clone());
    }
    let Some((target, command)) = operands.split_first() else {
        return Output::err(
            "usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] destination [command [argument ...]]\n",
            255,
        );
    };
    let host = target.rsplit('@').next().unwrap_or_default().to_string();
    let known =
        env.world.hosts.contains_key(&host) || env.world.hosts.values().any(|h| h.name == host);
    if !known {
        return Output::err(
            format!("ssh: Could not resolve hostname {host}: Name or service not known\n"),
            255,
        );
    }
    if !command.is_empty() {
        // The remote command runs in a new shell: none of this one's variables.
        let saved = env.sh.save();
        let vars = std::mem::replace(&mut env.sh.vars, super::login_vars());
        env.sh.host = host;
        env.sh.cwd = env.var("HOME");
        let out = exec::run_nested(env, &command.join(" "), io);
        env.sh.restore(saved);
        env.sh.vars = vars;
        return out;
    }
    let vars = std::mem::replace(&mut env.sh.vars, super::login_vars());
    let from = (env.sh.host.clone(), env.sh.cwd.clone(), vars);
    env.sh.ssh_stack.push(from);
    env.sh.host = host;
    env.sh.cwd = env.var("HOME");
    Output::ok("Welcome to Ubuntu 22.04.5 LTS (GNU/Linux 5.15.0-131-generic x86_64)\n")
}

fn sudo(env: &mut Env, args: &[String], io: &Io) -> Output {
    let mut it = args.iter().peekable();
    while let Some(a) = it.peek() {
        if !a.starts_with('-') {
            break;
        }
        if matches!(a.as_str(), "-u" | "-g") {
            it.next();
        }
        it.next();
    }
    let rest: Vec<String> = it.cloned().collect();
    if rest.is_empty() && args.is_empty() {
        return Output::err(
            "usage: sudo -h | -K | -k | -V\nusage: sudo [-AbEHknPS] [-u user] [command]\n",
            1,
        );
    }
    let login = rest.is_empty()
        || matches!(
            rest.first().map(String::as_str),
            Some("su" | "-i" | "bash" | "-s")
        );
    if login {
        env.sh.user = "root".into();
        return Output::default();
    }
    if let Some(name) = rest.first() {
        let known = BUILTINS.contains(&name.as_str())
            || tools::bin_dir(name).is_some()
            || name.contains('/');
        if !known {
            return Output::err(format!("sudo: {name}: command not found\n"), 1);
        }
    }
    exec::dispatch(env, &rest, io)
}

fn bash(env: &mut Env, name: &str, args: &[String], io: &Io) -> Output {
    match args.first().map(String::as_str) {
        None | Some("-l" | "-i" | "--login") => Output::default(),
        Some("-c") => match args.get(1) {
            Some(cmd) => exec::run_nested(env, cmd, io),
            None => Output::err(format!("{name}: -c: option requires an argument\n"), 2),
        },
        Some(file) => match env.read(file) {
            Ok(text) => exec::run_nested(env, &text, io),
            Err(e) => Output::err(format!("{name}: {file}: {e}\n"), 127),
        },
    }
}
