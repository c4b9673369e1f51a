//! Small utilities: `xargs`, `basename`, `dirname`, `realpath`, `uname`, `id`, `nl`, `rev`, `column`, `paste`,
//! `sha256sum`, and `chmod`/`chown`, which only check that their files exist (the virtual file
//! system keeps no modes or owners).

use super::{getopt, inputs, lines};
use crate::shell::exec::{self, Env, Io};
use crate::Output;
use sha2::{Digest, Sha256};

/// The most commands one `xargs` runs.
const MAX_XARGS: usize = 10_000;

/// `xargs [-n N] [-I REPLACE] [-r] [COMMAND [ARG]...]`
pub fn xargs(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let mut k = 0;
    let (mut per, mut replace, mut no_empty) = (None::<usize>, None::<String>, false);
    while let Some(a) = args.get(k).filter(|a| a.starts_with('-')) {
        k += 1;
        match a.as_str() {
            "-n" | "-L" => {
                per = args.get(k).and_then(|v| v.parse().ok());
                k += 1;
            }
            "-I" => {
                replace = args.get(k).cloned();
                k += 1;
            }
            "-r" | "--no-run-if-empty" => no_empty = true,
            "-0" | "-t" | "-p" => {}
            other if other.starts_with("-n") => per = other.get(2..).and_then(|v| v.parse().ok()),
            other if other.starts_with("-I") => replace = other.get(2..).map(String::from),
            other => {
                return Output::err(
                    format!(
                        "xargs: invalid option -- '{}'\n",
                        other.trim_start_matches('-')
                    ),
                    1,
                )
            }
        }
    }
    let mut cmd: Vec<String> = args.get(k..).unwrap_or_default().to_vec();
    if cmd.is_empty() {
        cmd.push("echo".into());
    }
    let stdin = _io.stdin.to_string();
    let batches: Vec<Vec<String>> = match &replace {
        Some(r) => lines(&stdin)
            .into_iter()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(|l| cmd.iter().map(|c| c.replace(r.as_str(), l)).collect())
            .collect(),
        None => {
            let items: Vec<String> = stdin.split_whitespace().map(String::from).collect();
            if items.is_empty() {
                if no_empty {
                    Vec::new()
                } else {
                    vec![cmd.clone()]
                }
            } else {
                items
                    .chunks(per.unwrap_or(usize::MAX).max(1))
                    .map(|chunk| cmd.iter().cloned().chain(chunk.iter().cloned()).collect())
                    .collect()
            }
        }
    };
    let mut out = Output::default();
    for argv in batches.into_iter().take(MAX_XARGS) {
        let o = exec::dispatch(
            env,
            &argv,
            &Io {
                stdin: "",
                tty: false,
            },
        );
        out.stdout.push_str(&o.stdout);
        out.stderr.push_str(&o.stderr);
        if o.code == 127 {
            return Output { code: 127, ..out };
        }
        if o.code != 0 {
            out.code = 123;
        }
    }
    out
}

/// `basename NAME [SUFFIX]`
pub fn basename(_env: &mut Env, args: &[String], _io: &Io) -> Output {
    let Some(name) = args.first() else {
        return Output::err(
            "basename: missing operand\nTry 'basename --help' for more information.\n",
            1,
        );
    };
    let trimmed = name.trim_end_matches('/');
    let mut b = if trimmed.is_empty() && !name.is_empty() {
        "/"
    } else {
        trimmed.rsplit('/').next().unwrap_or_default()
    }
    .to_string();
    if let Some(suffix) = args.get(1) {
        if b.len() > suffix.len() && b.ends_with(suffix.as_str()) {
            b.truncate(b.len() - suffix.len());
        }
    }
    Output::ok(format!("{b}\n"))
}

/// `dirname NAME...`
pub fn dirname(_env: &mut Env, args: &[String], _io: &Io) -> Output {
    if args.is_empty() {
        return Output::err(
            "dirname: missing operand\nTry 'dirname --help' for more information.\n",
            1,
        );
    }
    let mut out = String::new();
    for name in args {
        let t = name.trim_end_matches('/');
        let d = match t.rfind('/') {
            None if name.starts_with('/') => "/",
            None => ".",
            Some(0) => "/",
            Some(i) => t.get(..i).unwrap_or(".").trim_end_matches('/'),
        };
        out.push_str(if d.is_empty() { "/" } else { d });
        out.push('\n');
    }
    Output::ok(out)
}

/// `realpath FILE...` / `readlink -f FILE...`
pub fn realpath(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let mut out = String::new();
    for a in args.iter().filter(|a| !a.starts_with('-')) {
        out.push_str(&env.path(a));
        out.push('\n');
    }
    Output::ok(out)
}

/// `uname [-a|-r|-m|-n|-s]`
pub fn uname(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let host = env.sh.host.clone();
    let text = match args.first().map(String::as_str) {
        None | Some("-s") => "Linux".to_string(),
        Some("-r") => "5.15.0-131-generic".to_string(),
        Some("-m" | "-p" | "-i") => "x86_64".to_string(),
        Some("-n") => host,
        Some("-o") => "GNU/Linux".to_string(),
        Some(_) => format!(
            "Linux {host} 5.15.0-131-generic #141-Ubuntu SMP x86_64 x86_64 x86_64 GNU/Linux"
        ),
    };
    Output::ok(format!("{text}\n"))
}

/// `id`
pub fn id(env: &mut Env, _args: &[String], _io: &Io) -> Output {
    if env.sh.user == "root" {
        Output::ok("uid=0(root) gid=0(root) groups=0(root)\n")
    } else {
        let u = env.sh.user.clone();
        Output::ok(format!("uid=1000({u}) gid=1000({u}) groups=1000({u})\n"))
    }
}

/// `nl [FILE]...`: numbers non-empty lines.
pub fn nl(env: &mut Env, args: &[String], io: &Io) -> Output {
    let inp = inputs(env, "nl", args, io.stdin);
    let mut out = String::new();
    let mut n = 0;
    for (_, text) in &inp.files {
        for l in lines(text) {
            if l.is_empty() {
                out.push_str("       \n");
            } else {
                n += 1;
                out.push_str(&format!("{n:>6}\t{l}\n"));
            }
        }
    }
    super::finish(out, inp.errors, 1)
}

/// `rev [FILE]...`
pub fn rev(env: &mut Env, args: &[String], io: &Io) -> Output {
    let inp = inputs(env, "rev", args, io.stdin);
    let mut out = String::new();
    for (_, text) in &inp.files {
        for l in lines(text) {
            out.extend(l.chars().rev());
            out.push('\n');
        }
    }
    super::finish(out, inp.errors, 1)
}

/// `column -t [-s SEP]`: aligns whitespace-separated columns.
pub fn column(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("column", args, "ts:o:", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let inp = inputs(env, "column", &o.operands, io.stdin);
    let sep = o.value(&["s"]).map(String::from);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (_, text) in &inp.files {
        for l in lines(text) {
            let cells: Vec<String> = match &sep {
                Some(s) => l.split(|c| s.contains(c)).map(String::from).collect(),
                None => l.split_whitespace().map(String::from).collect(),
            };
            if !cells.is_empty() {
                rows.push(cells);
            }
        }
    }
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 < r.len() {
                let w = widths.get(c).copied().unwrap_or(0);
                line.push_str(&format!("{cell:<w$}  "));
            } else {
                line.push_str(cell);
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    super::finish(out, inp.errors, 1)
}

/// `sha256sum [FILE]...`
pub fn sha256sum(env: &mut Env, args: &[String], io: &Io) -> Output {
    let inp = inputs(env, "sha256sum", args, io.stdin);
    let mut out = String::new();
    for (name, text) in &inp.files {
        let digest = Sha256::digest(text.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        out.push_str(&format!("{hex}  {name}\n"));
    }
    super::finish(out, inp.errors, 1)
}

/// `chmod MODE FILE...` and `chown OWNER FILE...`: the files must exist; modes are not kept.
pub fn chmod(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let operands: Vec<&String> = args
        .iter()
        .filter(|a| {
            !a.starts_with('-')
                || a.len() > 2
                    && a.chars()
                        .nth(1)
                        .is_some_and(|c| c == 'r' || c == 'w' || c == 'x')
        })
        .collect();
    let Some((_, files)) = operands.split_first() else {
        return Output::err(
            "chmod: missing operand\nTry 'chmod --help' for more information.\n",
            1,
        );
    };
    let mut errors = String::new();
    for f in files {
        let p = env.path(f);
        if !env.fs().exists(&p) {
            errors.push_str(&format!(
                "chmod: cannot access '{f}': No such file or directory\n"
            ));
        }
    }
    super::finish(String::new(), errors, 1)
}

/// `paste [-s] [-d DELIMS] [FILE]...`: joins lines side by side, or (`-s`) each file's lines into one.
pub fn paste(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("paste", args, "sd:", &["--delimiters"], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let delims: Vec<char> = {
        let d = o
            .value(&["d", "--delimiters"])
            .unwrap_or("\t")
            .replace("\\t", "\t")
            .replace("\\n", "\n");
        let v: Vec<char> = d.chars().collect();
        if v.is_empty() {
            vec!['\t']
        } else {
            v
        }
    };
    let inp = inputs(env, "paste", &o.operands, io.stdin);
    let delim = |k: usize| delims.get(k % delims.len()).copied().unwrap_or('\t');
    let mut out = String::new();
    if o.has(&["s", "--serial"]) {
        for (_, text) in &inp.files {
            for (k, l) in lines(text).iter().enumerate() {
                if k > 0 {
                    out.push(delim(k - 1));
                }
                out.push_str(l);
            }
            out.push('\n');
        }
    } else {
        let cols: Vec<Vec<&str>> = inp.files.iter().map(|(_, t)| lines(t)).collect();
        let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
        for r in 0..rows {
            for (c, col) in cols.iter().enumerate() {
                if c > 0 {
                    out.push(delim(c - 1));
                }
                out.push_str(col.get(r).copied().unwrap_or_default());
            }
            out.push('\n');
        }
    }
    super::finish(out, inp.errors, 1)
}
