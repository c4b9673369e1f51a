//! Tools that print or pass text: `echo`, `printf`, `cat`, `head`, `tail`, `wc`, `tee`, `base64`.

use super::{finish, getopt, inputs, lines, unlines};
use crate::shell::exec::{Env, Io};
use crate::Output;
use base64::Engine;

/// Widths and precisions beyond this are clamped, so `%999999999d` cannot exhaust memory.
const MAX_WIDTH: usize = 4096;

/// Interprets backslash escapes as `echo -e` and `printf` do. Returns the text and whether `\c` cut it.
fn escapes(s: &str) -> (String, bool) {
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(&e) = chars.get(i) else {
            out.push('\\');
            break;
        };
        i += 1;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'e' | 'E' => out.push('\x1b'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            'c' => return (out, true),
            '0' | 'x' => {
                let (radix, max) = if e == 'x' { (16, 2) } else { (8, 3) };
                let mut v = 0u32;
                let mut n = 0;
                while n < max {
                    match chars.get(i).and_then(|c| c.to_digit(radix)) {
                        Some(d) => v = v * radix + d,
                        None => break,
                    }
                    i += 1;
                    n += 1;
                }
                if e == 'x' && n == 0 {
                    out.push_str("\\x");
                } else {
                    out.extend(char::from_u32(v));
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    (out, false)
}

/// `echo [-neE] [ARG]...`
pub fn echo(_env: &mut Env, args: &[String], _io: &Io) -> Output {
    let (mut newline, mut interpret) = (true, false);
    let mut k = 0;
    for a in args {
        let is_flag = a.len() > 1
            && a.starts_with('-')
            && a.chars().skip(1).all(|c| matches!(c, 'n' | 'e' | 'E'));
        if !is_flag {
            break;
        }
        for c in a.chars().skip(1) {
            match c {
                'n' => newline = false,
                'e' => interpret = true,
                _ => interpret = false,
            }
        }
        k += 1;
    }
    let mut text = args.get(k..).unwrap_or_default().join(" ");
    if interpret {
        let (t, cut) = escapes(&text);
        text = t;
        if cut {
            return Output::ok(text);
        }
    }
    if newline {
        text.push('\n');
    }
    Output::ok(text)
}

/// `printf FORMAT [ARG]...`: `%s %b %c %d %i %u %x %X %o %f %%` with flags, width and precision.
pub fn printf(_env: &mut Env, args: &[String], _io: &Io) -> Output {
    let Some((fmt, rest)) = args.split_first() else {
        return Output::err("printf: usage: printf [-v var] format [arguments]\n", 2);
    };
    let fmt: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut errors = String::new();
    let mut next = 0usize;
    loop {
        let before = next;
        let mut i = 0;
        let mut lit = String::new();
        while let Some(&c) = fmt.get(i) {
            i += 1;
            if c != '%' {
                lit.push(c);
                continue;
            }
            out.push_str(&escapes(&std::mem::take(&mut lit)).0);
            if fmt.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut flags = String::new();
            while let Some(&f) = fmt.get(i).filter(|f| "-+ 0#".contains(**f)) {
                flags.push(f);
                i += 1;
            }
            let mut width = String::new();
            while let Some(&d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
                width.push(d);
                i += 1;
            }
            let mut precision: Option<usize> = None;
            if fmt.get(i) == Some(&'.') {
                i += 1;
                let mut p = String::new();
                while let Some(&d) = fmt.get(i).filter(|d| d.is_ascii_digit()) {
                    p.push(d);
                    i += 1;
                }
                precision = Some(p.parse::<usize>().unwrap_or(0).min(MAX_WIDTH));
            }
            let Some(&conv) = fmt.get(i) else {
                lit.push('%');
                break;
            };
            i += 1;
            let arg = rest.get(next).cloned();
            if arg.is_some() {
                next += 1;
            }
            let arg = arg.unwrap_or_default();
            let body = match conv {
                's' => match precision {
                    Some(p) => arg.chars().take(p).collect(),
                    None => arg,
                },
                'b' => escapes(&arg).0,
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' | 'x' | 'X' | 'o' => {
                    let n = parse_int(&arg).unwrap_or_else(|| {
                        errors.push_str(&format!("printf: {arg}: invalid number\n"));
                        0
                    });
                    match conv {
                        'x' => format!("{n:x}"),
                        'X' => format!("{n:X}"),
                        'o' => format!("{n:o}"),
                        _ if flags.contains('+') && n >= 0 => format!("+{n}"),
                        _ => n.to_string(),
                    }
                }
                'f' | 'e' | 'g' => {
                    let v = arg.trim().parse::<f64>().unwrap_or_else(|_| {
                        if !arg.is_empty() {
                            errors.push_str(&format!("printf: {arg}: invalid number\n"));
                        }
                        0.0
                    });
                    let p = precision.unwrap_or(6);
                    if conv == 'e' {
                        format!("{v:.p$e}")
                    } else {
                        format!("{v:.p$}")
                    }
                }
                other => {
                    errors.push_str(&format!("printf: %{other}: invalid directive\n"));
                    String::new()
                }
            };
            let width = width.parse::<usize>().unwrap_or(0).min(MAX_WIDTH);
            let len = body.chars().count();
            if len >= width {
                out.push_str(&body);
            } else if flags.contains('-') {
                out.push_str(&body);
                out.push_str(&" ".repeat(width - len));
            } else if flags.contains('0') && "diuxXofeg".contains(conv) {
                let (sign, digits) = if body.starts_with(['-', '+']) {
                    body.split_at(1)
                } else {
                    ("", body.as_str())
                };
                out.push_str(sign);
                out.push_str(&"0".repeat(width - len));
                out.push_str(digits);
            } else {
                out.push_str(&" ".repeat(width - len));
                out.push_str(&body);
            }
        }
        out.push_str(&escapes(&lit).0);
        if next == before || next >= rest.len() {
            break;
        }
    }
    finish(out, errors, 1)
}

fn parse_int(s: &str) -> Option<i64> {
    let t = s.trim();
    if t.is_empty() {
        return Some(0);
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    if let Some(c) = t.strip_prefix(['\'', '"']) {
        return c.chars().next().map(|c| c as i64);
    }
    t.parse::<i64>().ok()
}

/// `cat [-n] [FILE]...`
pub fn cat(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("cat", args, "nbAEsuvTe", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let inp = inputs(env, "cat", &o.operands, io.stdin);
    let mut out = String::new();
    for (_, text) in &inp.files {
        out.push_str(text);
    }
    if o.has(&["n", "--number"]) {
        let ls = lines(&out);
        let mut numbered = String::new();
        for (k, l) in ls.iter().enumerate() {
            numbered.push_str(&format!("{:>6}\t{l}\n", k + 1));
        }
        if !out.ends_with('\n') && !out.is_empty() {
            numbered.pop();
        }
        out = numbered;
    }
    finish(out, inp.errors, 1)
}

/// Turns `-5` into `-n 5` for head and tail.
fn numeric_shorthand(args: &[String]) -> Vec<String> {
    args.iter()
        .map(|a| match a.strip_prefix('-') {
            Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => format!("-n{n}"),
            _ => a.clone(),
        })
        .collect()
}

fn count_arg(tool: &str, v: &str) -> Result<i64, Output> {
    v.trim_start_matches('+')
        .parse::<i64>()
        .map_err(|_| Output::err(format!("{tool}: invalid number of lines: ‘{v}’\n"), 1))
}

/// `head [-n [-]N] [-c N] [FILE]...`
pub fn head(env: &mut Env, args: &[String], io: &Io) -> Output {
    head_tail(env, args, io, true)
}

/// `tail [-n [+]N] [-c N] [-f] [FILE]...`
pub fn tail(env: &mut Env, args: &[String], io: &Io) -> Output {
    head_tail(env, args, io, false)
}

fn head_tail(env: &mut Env, args: &[String], io: &Io, is_head: bool) -> Output {
    let tool = if is_head { "head" } else { "tail" };
    let args = numeric_shorthand(args);
    let o = match getopt(tool, &args, "n:c:qvfF", &["--lines", "--bytes"], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (bytes, spec) = match (o.value(&["c", "--bytes"]), o.value(&["n", "--lines"])) {
        (Some(c), _) => (true, c.to_string()),
        (None, Some(n)) => (false, n.to_string()),
        (None, None) => (false, "10".to_string()),
    };
    let n = match count_arg(tool, &spec) {
        Ok(n) => n,
        Err(e) => return e,
    };
    let from_start = !is_head && spec.starts_with('+');
    let inp = inputs(env, tool, &o.operands, io.stdin);
    let many = inp.files.len() > 1 && !o.has(&["q"]) || o.has(&["v"]);
    let mut out = String::new();
    for (k, (name, text)) in inp.files.iter().enumerate() {
        if many {
            let shown = if name == "-" { "standard input" } else { name };
            out.push_str(&format!(
                "{}==> {shown} <==\n",
                if k > 0 { "\n" } else { "" }
            ));
        }
        if bytes {
            let b = text.as_bytes();
            let len = b.len() as i64;
            let (s, e) = match (is_head, from_start) {
                (true, _) if n < 0 => (0, len.saturating_add(n).max(0)),
                (true, _) => (0, n.min(len)),
                (false, true) => (n.saturating_sub(1).clamp(0, len), len),
                (false, false) => (len.saturating_sub(n.saturating_abs()).max(0), len),
            };
            out.push_str(&String::from_utf8_lossy(
                b.get(s as usize..e as usize).unwrap_or_default(),
            ));
            continue;
        }
        let ls = lines(text);
        let len = ls.len() as i64;
        let (s, e) = match (is_head, from_start) {
            (true, _) if n < 0 => (0, len.saturating_add(n).max(0)),
            (true, _) => (0, n.min(len)),
            (false, true) => (n.saturating_sub(1).clamp(0, len), len),
            (false, false) => (len.saturating_sub(n.saturating_abs()).max(0), len),
        };
        let picked = ls.get(s as usize..e as usize).unwrap_or_default();
        let mut chunk = unlines(picked);
        if e == len && !text.ends_with('\n') && !chunk.is_empty() {
            chunk.pop();
        }
        out.push_str(&chunk);
    }
    finish(out, inp.errors, 1)
}

/// `wc [-lwcm] [FILE]...`
pub fn wc(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("wc", args, "lwcmL", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut which: Vec<char> = Vec::new();
    for (c, f) in [
        ('l', "--lines"),
        ('w', "--words"),
        ('m', "--chars"),
        ('c', "--bytes"),
    ] {
        if o.has(&[&c.to_string(), f]) {
            which.push(c);
        }
    }
    if which.is_empty() {
        which = vec!['l', 'w', 'c'];
    }
    let inp = inputs(env, "wc", &o.operands, io.stdin);
    let mut rows: Vec<(Vec<usize>, String)> = Vec::new();
    let mut total = vec![0usize; which.len()];
    for (name, text) in &inp.files {
        let counts: Vec<usize> = which
            .iter()
            .map(|c| match c {
                'l' => text.matches('\n').count(),
                'w' => text.split_whitespace().count(),
                'm' => text.chars().count(),
                _ => text.len(),
            })
            .collect();
        for (t, c) in total.iter_mut().zip(&counts) {
            *t += c;
        }
        rows.push((
            counts,
            if name == "-" && o.operands.is_empty() {
                String::new()
            } else {
                name.clone()
            },
        ));
    }
    if rows.len() > 1 {
        rows.push((total.clone(), "total".into()));
    }
    let from_stdin = o.operands.is_empty();
    let width = if which.len() == 1 && rows.len() == 1 {
        1
    } else if from_stdin {
        7
    } else {
        total
            .iter()
            .chain(rows.iter().flat_map(|r| r.0.iter()))
            .map(|n| n.to_string().len())
            .max()
            .unwrap_or(1)
    };
    let mut out = String::new();
    for (counts, name) in rows {
        let nums: Vec<String> = counts.iter().map(|n| format!("{n:>width$}")).collect();
        out.push_str(&nums.join(" "));
        if !name.is_empty() {
            out.push(' ');
            out.push_str(&name);
        }
        out.push('\n');
    }
    finish(out, inp.errors, 1)
}

/// `tee [-a] [FILE]...`
pub fn tee(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("tee", args, "ai", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let append = o.has(&["a", "--append"]);
    let mut errors = String::new();
    for f in &o.operands {
        if f == "/dev/null" {
            continue;
        }
        let p = env.path(f);
        let r = if append {
            env.fs().append(&p, io.stdin)
        } else {
            env.fs().write(&p, io.stdin)
        };
        if let Err(e) = r {
            errors.push_str(&format!("tee: {f}: {e}\n"));
        }
    }
    finish(io.stdin.to_string(), errors, 1)
}

/// `base64 [-d] [-w COLS] [FILE]`
pub fn base64(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("base64", args, "diw:", &["--wrap"], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let wrap = match o.value(&["w", "--wrap"]).map(str::parse::<usize>) {
        None => 76,
        Some(Ok(w)) => w,
        Some(Err(_)) => {
            let v = o.value(&["w", "--wrap"]).unwrap_or_default();
            return Output::err(format!("base64: invalid wrap size: ‘{v}’\n"), 1);
        }
    };
    if let Some(extra) = o.operands.get(1) {
        return Output::err(
            format!("base64: extra operand ‘{extra}’\nTry 'base64 --help' for more information.\n"),
            1,
        );
    }
    let inp = inputs(env, "base64", &o.operands, io.stdin);
    if !inp.errors.is_empty() {
        return Output::err(inp.errors, 1);
    }
    let text = inp.files.first().map(|f| f.1.clone()).unwrap_or_default();
    let engine = base64::engine::general_purpose::STANDARD;
    if o.has(&["d", "--decode"]) {
        let clean: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        return match engine.decode(clean.as_bytes()) {
            Ok(bytes) => Output::ok(String::from_utf8_lossy(&bytes).into_owned()),
            Err(_) => {
                let lenient = base64::engine::general_purpose::STANDARD_NO_PAD;
                match lenient.decode(clean.trim_end_matches('=').as_bytes()) {
                    Ok(bytes) => Output {
                        stdout: String::from_utf8_lossy(&bytes).into_owned(),
                        stderr: "base64: invalid input\n".into(),
                        code: 1,
                    },
                    Err(_) => Output::err("base64: invalid input\n", 1),
                }
            }
        };
    }
    let enc = engine.encode(text.as_bytes());
    if wrap == 0 {
        return Output::ok(enc);
    }
    let chars: Vec<char> = enc.chars().collect();
    let mut out = String::new();
    for chunk in chars.chunks(wrap) {
        out.extend(chunk);
        out.push('\n');
    }
    Output::ok(out)
}
