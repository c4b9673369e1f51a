//! File tools over the host's virtual file system: `ls`, `mkdir`, `rm`, `rmdir`, `cp`, `mv`, `touch`,
//! `find`.

use super::getopt;
use crate::shell::exec::{Env, Io};
use crate::vfs::VfsError;
use crate::Output;

/// The terminal width `ls` lays its columns out for.
const COLUMNS: usize = 80;

fn base(p: &str) -> &str {
    p.trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|b| !b.is_empty())
        .unwrap_or("/")
}

fn sort_names(names: &mut [String]) {
    // Like ls in a UTF-8 locale: case and leading dots do not decide the order first.
    names.sort_by(|a, b| {
        let key = |s: &str| s.trim_start_matches('.').to_lowercase();
        key(a).cmp(&key(b)).then_with(|| a.cmp(b))
    });
}

fn human(n: usize) -> String {
    if n < 1024 {
        return n.to_string();
    }
    let mut v = n as f64;
    for unit in ["K", "M", "G", "T"] {
        v /= 1024.0;
        if v < 1024.0 || unit == "T" {
            return if v < 10.0 {
                format!("{:.1}{unit}", (v * 10.0).ceil() / 10.0)
            } else {
                format!("{}{unit}", v.ceil() as u64)
            };
        }
    }
    n.to_string()
}

fn columns(names: &[String]) -> String {
    let n = names.len();
    if n == 0 {
        return String::new();
    }
    let widths = |cols: usize| -> Vec<usize> {
        let rows = n.div_ceil(cols);
        (0..cols)
            .map(|c| {
                names
                    .iter()
                    .skip(c * rows)
                    .take(rows)
                    .map(|s| s.chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect()
    };
    let mut cols = n.clamp(1, COLUMNS / 3);
    while cols > 1 {
        let w = widths(cols);
        if w.iter().sum::<usize>() + 2 * (cols - 1) <= COLUMNS && w.iter().all(|x| *x > 0) {
            break;
        }
        cols -= 1;
    }
    let rows = n.div_ceil(cols);
    let w = widths(cols);
    let mut out = String::new();
    for r in 0..rows {
        let mut line = String::new();
        for c in 0..cols {
            let Some(name) = names.get(c * rows + r) else {
                continue;
            };
            if !line.is_empty() {
                let prev_w = w.get(c - 1).copied().unwrap_or(0);
                let prev_len = names
                    .get((c - 1) * rows + r)
                    .map_or(0, |s| s.chars().count());
                line.push_str(&" ".repeat(prev_w - prev_len + 2));
            }
            line.push_str(name);
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

struct Entry {
    name: String,
    dir: bool,
    size: usize,
}

/// `ls [-laA1hdR] [FILE]...`
pub fn ls(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("ls", args, "laA1hdRtrSFC", &[], 2) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let long = o.has(&["l"]);
    let all = o.has(&["a", "--all"]);
    let almost = o.has(&["A", "--almost-all"]);
    let one = o.has(&["1"]) || !io.tty;
    let mut operands = o.operands.clone();
    if operands.is_empty() {
        operands.push(".".into());
    }
    let when = env.world.now().format("%b %e %H:%M").to_string();
    let mut errors = String::new();
    let mut files: Vec<Entry> = Vec::new();
    let mut dirs: Vec<(String, String)> = Vec::new();
    for op in &operands {
        let abs = env.path(op);
        let fs = env.fs();
        if !fs.exists(&abs) {
            errors.push_str(&format!(
                "ls: cannot access '{op}': No such file or directory\n"
            ));
        } else if fs.is_dir(&abs) && !o.has(&["d"]) {
            dirs.push((op.clone(), abs));
        } else {
            let size = fs.read(&abs).map_or(4096, str::len);
            files.push(Entry {
                name: op.clone(),
                dir: fs.is_dir(&abs),
                size,
            });
        }
    }
    let render = |entries: &mut Vec<Entry>, total: bool| -> String {
        if o.has(&["S"]) {
            entries.sort_by_key(|e| std::cmp::Reverse(e.size));
        }
        if o.has(&["r"]) {
            entries.reverse();
        }
        if long {
            let size_of = |e: &Entry| {
                if o.has(&["h"]) {
                    human(e.size)
                } else {
                    e.size.to_string()
                }
            };
            let w = entries.iter().map(|e| size_of(e).len()).max().unwrap_or(1);
            let mut s = String::new();
            if total {
                let blocks: usize = entries
                    .iter()
                    .map(|e| if e.dir { 4 } else { e.size.div_ceil(4096) * 4 })
                    .sum();
                s.push_str(&format!("total {blocks}\n"));
            }
            for e in entries.iter() {
                let (perm, links) = if e.dir {
                    ("drwxr-xr-x", 2)
                } else {
                    ("-rw-r--r--", 1)
                };
                s.push_str(&format!(
                    "{perm} {links} root root {:>w$} {when} {}\n",
                    size_of(e),
                    e.name
                ));
            }
            s
        } else {
            let names: Vec<String> = entries
                .iter()
                .map(|e| {
                    if o.has(&["F"]) && e.dir {
                        format!("{}/", e.name)
                    } else {
                        e.name.clone()
                    }
                })
                .collect();
            if one {
                super::unlines(&names)
            } else {
                columns(&names)
            }
        }
    };
    let mut out = render(&mut files, false);
    let show_headers = operands.len() > 1 || o.has(&["R"]);
    let mut queue: Vec<(String, String)> = dirs;
    let mut first = out.is_empty();
    let mut k = 0;
    while let Some((shown, abs)) = queue.get(k).cloned() {
        k += 1;
        if k > 10_000 {
            break;
        }
        let fs = env.fs();
        let mut names = fs.list(&abs).unwrap_or_default();
        if !all && !almost {
            names.retain(|n| !n.starts_with('.'));
        }
        sort_names(&mut names);
        if all {
            names.insert(0, "..".into());
            names.insert(0, ".".into());
        }
        let mut entries: Vec<Entry> = names
            .iter()
            .map(|n| {
                let p = if n == "." {
                    abs.clone()
                } else {
                    crate::vfs::normalize(&abs, n)
                };
                Entry {
                    name: n.clone(),
                    dir: fs.is_dir(&p),
                    size: fs.read(&p).map_or(4096, str::len),
                }
            })
            .collect();
        if o.has(&["R"]) {
            let subs: Vec<(String, String)> = entries
                .iter()
                .filter(|e| e.dir && e.name != "." && e.name != "..")
                .map(|e| {
                    (
                        format!("{}/{}", shown.trim_end_matches('/'), e.name),
                        crate::vfs::normalize(&abs, &e.name),
                    )
                })
                .collect();
            for (i, s) in subs.into_iter().enumerate() {
                queue.insert(k + i, s);
            }
        }
        if show_headers {
            if !first {
                out.push('\n');
            }
            out.push_str(&format!("{shown}:\n"));
        }
        first = false;
        out.push_str(&render(&mut entries, true));
    }
    let code = if errors.is_empty() { 0 } else { 2 };
    Output {
        stdout: out,
        stderr: errors,
        code,
    }
}

/// `mkdir [-p] DIR...`
pub fn mkdir(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let o = match getopt("mkdir", args, "pvm:", &["--mode"], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if o.operands.is_empty() {
        return Output::err(
            "mkdir: missing operand\nTry 'mkdir --help' for more information.\n",
            1,
        );
    }
    let parents = o.has(&["p", "--parents"]);
    let mut errors = String::new();
    for d in &o.operands {
        let abs = env.path(d);
        let r = if parents {
            if env.fs().is_file(&abs) {
                Err(VfsError::Exists)
            } else {
                env.fs().mkdir_p(&abs)
            }
        } else {
            env.fs().mkdir(&abs)
        };
        if let Err(e) = r {
            errors.push_str(&format!("mkdir: cannot create directory ‘{d}’: {e}\n"));
        }
    }
    super::finish(String::new(), errors, 1)
}

/// `rm [-rf] FILE...`
pub fn rm(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let o = match getopt("rm", args, "rRfidv", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let force = o.has(&["f", "--force"]);
    let recursive = o.has(&["r", "R", "--recursive"]);
    if o.operands.is_empty() {
        if force {
            return Output::default();
        }
        return Output::err(
            "rm: missing operand\nTry 'rm --help' for more information.\n",
            1,
        );
    }
    let mut errors = String::new();
    for f in &o.operands {
        let abs = env.path(f);
        if abs == "/" && recursive {
            errors.push_str("rm: it is dangerous to operate recursively on '/'\nrm: use --no-preserve-root to override this failsafe\n");
            continue;
        }
        if base(f) == "." || base(f) == ".." {
            errors.push_str(&format!(
                "rm: refusing to remove '.' or '..' directory: skipping '{f}'\n"
            ));
            continue;
        }
        let fs = env.fs();
        if !fs.exists(&abs) {
            if !force {
                errors.push_str(&format!(
                    "rm: cannot remove '{f}': No such file or directory\n"
                ));
            }
            continue;
        }
        if fs.is_dir(&abs) && !recursive {
            let empty = fs.list(&abs).map(|l| l.is_empty()).unwrap_or(false);
            if o.has(&["d"]) && empty {
                let _ = fs.remove(&abs, true);
            } else {
                errors.push_str(&format!("rm: cannot remove '{f}': Is a directory\n"));
            }
            continue;
        }
        if let Err(e) = fs.remove(&abs, true) {
            errors.push_str(&format!("rm: cannot remove '{f}': {e}\n"));
        }
    }
    super::finish(String::new(), errors, 1)
}

/// `rmdir DIR...`
pub fn rmdir(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let o = match getopt("rmdir", args, "pv", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if o.operands.is_empty() {
        return Output::err(
            "rmdir: missing operand\nTry 'rmdir --help' for more information.\n",
            1,
        );
    }
    let mut errors = String::new();
    for d in &o.operands {
        let abs = env.path(d);
        let fs = env.fs();
        let reason = match fs.list(&abs) {
            Err(e) => Some(e),
            Ok(l) if !l.is_empty() => Some(VfsError::NotEmpty),
            Ok(_) => fs.remove(&abs, true).err(),
        };
        if let Some(e) = reason {
            errors.push_str(&format!("rmdir: failed to remove '{d}': {e}\n"));
        }
    }
    super::finish(String::new(), errors, 1)
}

/// Copies (or, with `mv`, moves) sources to a destination, as `cp`/`mv` decide where each one lands.
fn copy_or_move(env: &mut Env, tool: &str, args: &[String], moving: bool) -> Output {
    let o = match getopt(tool, args, "rRafpvnuiT", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let recursive = moving || o.has(&["r", "R", "a", "--recursive", "--archive"]);
    let Some((dest, sources)) = o.operands.split_last() else {
        return Output::err(
            format!("{tool}: missing file operand\nTry '{tool} --help' for more information.\n"),
            1,
        );
    };
    if sources.is_empty() {
        return Output::err(format!("{tool}: missing destination file operand after '{dest}'\nTry '{tool} --help' for more information.\n"), 1);
    }
    let dest_abs = env.path(dest);
    let dest_is_dir = env.fs().is_dir(&dest_abs);
    if sources.len() > 1 && !dest_is_dir {
        return Output::err(format!("{tool}: target '{dest}' is not a directory\n"), 1);
    }
    let mut errors = String::new();
    for src in sources {
        let src_abs = env.path(src);
        let fs = env.fs();
        if !fs.exists(&src_abs) {
            errors.push_str(&format!(
                "{tool}: cannot stat '{src}': No such file or directory\n"
            ));
            continue;
        }
        let target = if dest_is_dir {
            crate::vfs::normalize(&dest_abs, base(&src_abs))
        } else {
            dest_abs.clone()
        };
        if target == src_abs {
            errors.push_str(&format!(
                "{tool}: '{src}' and '{}' are the same file\n",
                if dest_is_dir {
                    format!("{}/{}", dest.trim_end_matches('/'), base(src))
                } else {
                    dest.clone()
                }
            ));
            continue;
        }
        let is_dir = fs.is_dir(&src_abs);
        if is_dir && !recursive {
            errors.push_str(&format!(
                "{tool}: -r not specified; omitting directory '{src}'\n"
            ));
            continue;
        }
        if moving {
            if let Err(e) = fs.rename(&src_abs, &target) {
                let msg = match e {
                    VfsError::Exists => format!(
                        "{tool}: cannot move '{src}' to a subdirectory of itself, '{dest}'\n"
                    ),
                    other => format!("{tool}: cannot move '{src}' to '{dest}': {other}\n"),
                };
                errors.push_str(&msg);
            }
            continue;
        }
        if !is_dir {
            let text = fs.read(&src_abs).unwrap_or_default().to_string();
            if let Err(e) = fs.write(&target, &text) {
                errors.push_str(&format!(
                    "{tool}: cannot create regular file '{dest}': {e}\n"
                ));
            }
            continue;
        }
        if target.starts_with(&format!("{src_abs}/")) {
            errors.push_str(&format!(
                "{tool}: cannot copy a directory, '{src}', into itself, '{dest}'\n"
            ));
            continue;
        }
        if let Err(e) = fs.mkdir_p(&target) {
            errors.push_str(&format!("{tool}: cannot create directory '{dest}': {e}\n"));
            continue;
        }
        for p in fs.walk(&src_abs) {
            let rel = p.get(src_abs.len()..).unwrap_or_default();
            let to = format!("{target}{rel}");
            if fs.is_dir(&p) {
                let _ = fs.mkdir_p(&to);
            } else {
                let text = fs.read(&p).unwrap_or_default().to_string();
                let _ = fs.write(&to, &text);
            }
        }
    }
    super::finish(String::new(), errors, 1)
}

/// `cp [-r] SOURCE... DEST`
pub fn cp(env: &mut Env, args: &[String], _io: &Io) -> Output {
    copy_or_move(env, "cp", args, false)
}

/// `mv SOURCE... DEST`
pub fn mv(env: &mut Env, args: &[String], _io: &Io) -> Output {
    copy_or_move(env, "mv", args, true)
}

/// `touch FILE...`
pub fn touch(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let o = match getopt("touch", args, "acmd:t:r:", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    if o.operands.is_empty() {
        return Output::err(
            "touch: missing file operand\nTry 'touch --help' for more information.\n",
            1,
        );
    }
    let mut errors = String::new();
    for f in &o.operands {
        let abs = env.path(f);
        if env.fs().exists(&abs) || o.has(&["c"]) {
            continue;
        }
        if let Err(e) = env.fs().write(&abs, "") {
            errors.push_str(&format!("touch: cannot touch '{f}': {e}\n"));
        }
    }
    super::finish(String::new(), errors, 1)
}

/// `find [PATH]... [-name PATTERN] [-type f|d] [-maxdepth N]`
pub fn find(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let mut roots = Vec::new();
    let mut k = 0;
    while let Some(a) = args.get(k).filter(|a| !a.starts_with('-')) {
        roots.push(a.clone());
        k += 1;
    }
    if roots.is_empty() {
        roots.push(".".into());
    }
    let (mut name, mut kind, mut maxdepth) = (None::<Vec<char>>, None::<char>, usize::MAX);
    let mut iname = false;
    while let Some(a) = args.get(k) {
        let v = args.get(k + 1);
        match (a.as_str(), v) {
            ("-name" | "-iname", Some(v)) => {
                iname = a == "-iname";
                name = Some(
                    if iname { v.to_lowercase() } else { v.clone() }
                        .chars()
                        .collect(),
                );
            }
            ("-type", Some(v)) => kind = v.chars().next(),
            ("-maxdepth", Some(v)) => maxdepth = v.parse().unwrap_or(usize::MAX),
            ("-print", _) => {
                k += 1;
                continue;
            }
            (_, None) if a.starts_with('-') => {
                return Output::err(format!("find: missing argument to `{a}'\n"), 1)
            }
            _ => return Output::err(format!("find: unknown predicate `{a}'\n"), 1),
        }
        k += 2;
    }
    let mut out = String::new();
    let mut errors = String::new();
    for root in &roots {
        let abs = env.path(root);
        let fs = env.fs();
        if !fs.exists(&abs) {
            errors.push_str(&format!("find: ‘{root}’: No such file or directory\n"));
            continue;
        }
        let mut paths = vec![abs.clone()];
        paths.extend(fs.walk(&abs));
        for p in paths {
            let rel = p
                .get(abs.len()..)
                .unwrap_or_default()
                .trim_start_matches('/');
            let depth = if rel.is_empty() {
                0
            } else {
                rel.matches('/').count() + 1
            };
            if depth > maxdepth {
                continue;
            }
            let is_dir = fs.is_dir(&p);
            if kind.is_some_and(|k| (k == 'd') != is_dir) {
                continue;
            }
            if let Some(pat) = &name {
                let b = base(&p);
                let b = if iname {
                    b.to_lowercase()
                } else {
                    b.to_string()
                };
                if !crate::shell::expand::glob_match(pat, &b.chars().collect::<Vec<_>>()) {
                    continue;
                }
            }
            let shown = if rel.is_empty() {
                root.clone()
            } else {
                format!("{}/{rel}", root.trim_end_matches('/'))
            };
            out.push_str(&shown);
            out.push('\n');
        }
    }
    super::finish(out, errors, 1)
}
