//! `grep`, and the translation of POSIX basic and extended regular expressions into the `regex`
//! crate's syntax, which `sed` and `awk` share.

use super::{getopt, lines};
use crate::shell::exec::{Env, Io};
use crate::Output;
use regex::{Regex, RegexBuilder};

/// Rewrites a POSIX regular expression (basic when `!ere`) into `regex` syntax.
pub fn posix_to_regex(pat: &str, ere: bool) -> String {
    let chars: Vec<char> = pat.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut at_start = true;
    while let Some(&c) = chars.get(i) {
        i += 1;
        let was_start = at_start;
        at_start = false;
        match c {
            '\\' => {
                let Some(&n) = chars.get(i) else {
                    out.push_str("\\\\");
                    break;
                };
                i += 1;
                match n {
                    '(' | ')' | '{' | '}' | '|' | '+' | '?' if !ere => {
                        out.push(n);
                        at_start = n == '(' || n == '|';
                    }
                    '<' | '>' => out.push_str("\\b"),
                    'w' | 'W' | 's' | 'S' | 'b' | 'B' | 'd' | 'D' => {
                        out.push('\\');
                        out.push(n);
                    }
                    'n' => out.push_str("\\n"),
                    't' => out.push_str("\\t"),
                    _ if n.is_ascii_alphanumeric() => out.push(n),
                    _ => out.push_str(&regex::escape(&n.to_string())),
                }
            }
            '(' | ')' | '{' | '}' | '|' | '+' | '?' if !ere => {
                out.push('\\');
                out.push(c);
            }
            '*' if was_start => out.push_str("\\*"),
            '(' | '|' if ere => {
                out.push(c);
                at_start = true;
            }
            '{' if ere => {
                // A brace that does not start a valid interval is literal in GNU regex.
                let rest: String = chars.get(i..).unwrap_or_default().iter().collect();
                let valid = rest.find('}').is_some_and(|end| {
                    let inner = rest.get(..end).unwrap_or_default();
                    !inner.is_empty()
                        && inner.chars().all(|c| c.is_ascii_digit() || c == ',')
                        && !inner.starts_with(',')
                });
                out.push_str(if valid { "{" } else { "\\{" });
            }
            '[' => {
                out.push('[');
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                while let Some(&b) = chars.get(i) {
                    i += 1;
                    match b {
                        ']' => break,
                        '[' if matches!(chars.get(i), Some(':' | '=' | '.')) => {
                            let close = chars.get(i).copied().unwrap_or(':');
                            out.push('[');
                            while let Some(&x) = chars.get(i) {
                                out.push(x);
                                i += 1;
                                if x == close && chars.get(i) == Some(&']') {
                                    out.push(']');
                                    i += 1;
                                    break;
                                }
                            }
                        }
                        '\\' | '[' | '&' | '~' | '|' => {
                            out.push('\\');
                            out.push(b);
                        }
                        '-' if chars.get(i) == Some(&'-') => out.push_str("\\-"),
                        _ => out.push(b),
                    }
                }
                out.push(']');
            }
            '^' => {
                out.push('^');
                at_start = true;
            }
            _ => out.push(c),
        }
    }
    out
}

/// Compiles a pattern as grep would: `fixed` (`-F`), `ere` (`-E`), case folding (`-i`).
pub fn compile(
    patterns: &[String],
    fixed: bool,
    ere: bool,
    icase: bool,
    word: bool,
    line: bool,
) -> Result<Regex, String> {
    let alts: Vec<String> = patterns
        .iter()
        .map(|p| {
            if fixed {
                regex::escape(p)
            } else {
                posix_to_regex(p, ere)
            }
        })
        .map(|p| {
            if line {
                format!("^(?:{p})$")
            } else if word {
                format!("\\b(?:{p})\\b")
            } else {
                format!("(?:{p})")
            }
        })
        .collect();
    RegexBuilder::new(&alts.join("|"))
        .case_insensitive(icase)
        .size_limit(1 << 22)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "regular expression too big".to_string(),
            _ => {
                let text = patterns.join("");
                if text.matches('(').count() != text.matches(')').count() {
                    "Unmatched ( or \\(".into()
                } else if text.matches('[').count() > text.matches(']').count() {
                    "Unmatched [, [^, [:, [., or [=".into()
                } else {
                    "Invalid regular expression".into()
                }
            }
        })
}

/// `egrep` is `grep -E`.
pub fn egrep(env: &mut Env, args: &[String], io: &Io) -> Output {
    let mut a = vec!["-E".to_string()];
    a.extend(args.iter().cloned());
    grep(env, &a, io)
}

/// `grep [-ivEFcwxnolLhHrqs] [-A N] [-B N] [-C N] [-m N] [-e PATTERN]... PATTERN [FILE]...`
pub fn grep(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt(
        "grep",
        args,
        "ivEFGPcwxnolLhHrRqsZze:f:A:B:C:m:",
        &[
            "--regexp",
            "--max-count",
            "--context",
            "--after-context",
            "--before-context",
        ],
        2,
    ) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut operands = o.operands.clone();
    let mut patterns: Vec<String> = o
        .flags
        .iter()
        .filter(|(f, _)| f == "e" || f == "--regexp")
        .filter_map(|(_, v)| v.clone())
        .collect();
    if patterns.is_empty() {
        if operands.is_empty() {
            return Output::err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n", 2);
        }
        patterns.push(operands.remove(0));
    }
    let patterns: Vec<String> = patterns
        .iter()
        .flat_map(|p| p.split('\n').map(String::from).collect::<Vec<_>>())
        .collect();
    let num = |names: &[&str]| -> Result<Option<usize>, Output> {
        match o.value(names) {
            None => Ok(None),
            Some(v) => v.parse::<usize>().map(Some).map_err(|_| {
                Output::err(format!("grep: {v}: invalid context length argument\n"), 2)
            }),
        }
    };
    let (ctx, after, before, max) = match (
        num(&["C", "--context"]),
        num(&["A", "--after-context"]),
        num(&["B", "--before-context"]),
        num(&["m", "--max-count"]),
    ) {
        (Ok(c), Ok(a), Ok(b), Ok(m)) => (c, a, b, m),
        (Err(e), ..) | (_, Err(e), ..) | (_, _, Err(e), _) | (.., Err(e)) => return e,
    };
    let after = after.or(ctx).unwrap_or(0);
    let before = before.or(ctx).unwrap_or(0);
    let ere = o.has(&["E", "P", "--extended-regexp"]);
    let re = match compile(
        &patterns,
        o.has(&["F", "--fixed-strings"]),
        ere,
        o.has(&["i", "--ignore-case"]),
        o.has(&["w", "--word-regexp"]),
        o.has(&["x", "--line-regexp"]),
    ) {
        Ok(r) => r,
        Err(e) => return Output::err(format!("grep: {e}\n"), 2),
    };
    let recursive = o.has(&["r", "R", "--recursive"]);
    let quiet = o.has(&["q", "--quiet", "--silent"]);
    let mut errors = String::new();
    let mut files: Vec<(String, String)> = Vec::new();
    if operands.is_empty() {
        if recursive {
            operands.push(".".into());
        } else {
            files.push(("(standard input)".into(), io.stdin.to_string()));
        }
    }
    for name in &operands {
        if name == "-" {
            files.push(("(standard input)".into(), io.stdin.to_string()));
            continue;
        }
        let abs = env.path(name);
        if env.fs().is_dir(&abs) {
            if !recursive {
                errors.push_str(&format!("grep: {name}: Is a directory\n"));
                continue;
            }
            for f in env.fs().walk_files(&abs) {
                let rel = f.strip_prefix(&abs).unwrap_or(&f).trim_start_matches('/');
                let base: Vec<char> = f.rsplit('/').next().unwrap_or_default().chars().collect();
                let globs = |flag: &str| -> Vec<Vec<char>> {
                    o.flags
                        .iter()
                        .filter(|(k, _)| k == flag)
                        .filter_map(|(_, v)| v.as_ref())
                        .map(|v| v.chars().collect())
                        .collect()
                };
                let (inc, exc) = (globs("--include"), globs("--exclude"));
                if (!inc.is_empty()
                    && !inc
                        .iter()
                        .any(|p| crate::shell::expand::glob_match(p, &base)))
                    || exc
                        .iter()
                        .any(|p| crate::shell::expand::glob_match(p, &base))
                {
                    continue;
                }
                let shown = if name == "." && o.operands.is_empty() {
                    rel.to_string()
                } else {
                    format!("{}/{rel}", name.trim_end_matches('/'))
                };
                let text = env.fs().read(&f).unwrap_or_default().to_string();
                files.push((shown, text));
            }
            continue;
        }
        match env.read(name) {
            Ok(t) => files.push((name.clone(), t)),
            Err(e) => {
                if !o.has(&["s", "--no-messages"]) {
                    errors.push_str(&format!("grep: {name}: {e}\n"));
                }
            }
        }
    }
    let show_names = !o.has(&["h", "--no-filename"])
        && (o.has(&["H", "--with-filename"]) || files.len() > 1 || recursive);
    let invert = o.has(&["v", "--invert-match"]);
    let number = o.has(&["n", "--line-number"]);
    let mut out = String::new();
    let mut any = false;
    for (name, text) in &files {
        let ls = lines(text);
        let selected: Vec<bool> = ls.iter().map(|l| re.is_match(l) != invert).collect();
        let mut count = 0usize;
        let mut hits: Vec<usize> = Vec::new();
        for (k, s) in selected.iter().enumerate() {
            if *s {
                if max.is_some_and(|m| count >= m) {
                    break;
                }
                count += 1;
                hits.push(k);
            }
        }
        any |= count > 0;
        if quiet {
            continue;
        }
        let prefix = |k: usize, sep: char| {
            let mut p = String::new();
            if show_names {
                p.push_str(name);
                p.push(sep);
            }
            if number {
                p.push_str(&format!("{}{sep}", k + 1));
            }
            p
        };
        if o.has(&["l", "--files-with-matches"]) {
            if count > 0 {
                out.push_str(&format!("{name}\n"));
            }
            continue;
        }
        if o.has(&["L", "--files-without-match"]) {
            if count == 0 {
                out.push_str(&format!("{name}\n"));
            }
            continue;
        }
        if o.has(&["c", "--count"]) {
            out.push_str(&if show_names {
                format!("{name}:{count}\n")
            } else {
                format!("{count}\n")
            });
            continue;
        }
        if o.has(&["o", "--only-matching"]) {
            if invert {
                continue;
            }
            for &k in &hits {
                let l = ls.get(k).copied().unwrap_or_default();
                for m in re.find_iter(l).filter(|m| !m.as_str().is_empty()) {
                    out.push_str(&format!("{}{}\n", prefix(k, ':'), m.as_str()));
                }
            }
            continue;
        }
        let n = ls.len();
        let mut is_hit = vec![false; n];
        let mut show = vec![false; n];
        let mut covered: usize = 0;
        for &k in &hits {
            if let Some(h) = is_hit.get_mut(k) {
                *h = true;
            }
            let from = k.saturating_sub(before).max(covered);
            let to = k.saturating_add(after).min(n.saturating_sub(1));
            for j in from..=to {
                if let Some(s) = show.get_mut(j) {
                    *s = true;
                }
            }
            covered = covered.max(to + 1);
        }
        let mut last: Option<usize> = None;
        for (j, l) in ls.iter().enumerate() {
            if !show.get(j).copied().unwrap_or(false) {
                continue;
            }
            if (before > 0 || after > 0) && last.is_some_and(|p| j > p + 1) {
                out.push_str("--\n");
            }
            let sep = if is_hit.get(j).copied().unwrap_or(false) {
                ':'
            } else {
                '-'
            };
            out.push_str(&format!("{}{l}\n", prefix(j, sep)));
            last = Some(j);
        }
    }
    let code = if any {
        0
    } else if !errors.is_empty() {
        2
    } else {
        1
    };
    let code = if !errors.is_empty() && (!quiet || !any) {
        2
    } else {
        code
    };
    Output {
        stdout: out,
        stderr: errors,
        code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_regex_translates() {
        assert_eq!(posix_to_regex(r"a\(b\)*c", false), "a(b)*c");
        assert_eq!(posix_to_regex("a+b?", false), r"a\+b\?");
        assert_eq!(posix_to_regex("a+b?", true), "a+b?");
        assert_eq!(posix_to_regex("*x", false), r"\*x");
        assert_eq!(posix_to_regex("[[:digit:]]+", true), "[[:digit:]]+");
        assert_eq!(posix_to_regex(r"[\]", false), r"[\\]");
        assert!(compile(&["(".to_string()], false, true, false, false, false).is_err());
    }
}
