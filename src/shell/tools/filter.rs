//! Line filters: `sort`, `uniq`, `cut`, `tr`.

use super::{finish, getopt, inputs, lines, unlines};
use crate::shell::exec::{Env, Io};
use crate::Output;
use std::cmp::Ordering;

fn numeric_prefix(s: &str, human: bool) -> f64 {
    let t = s.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
        .map_or(t.len(), |(i, _)| i);
    let v = t
        .get(..end)
        .unwrap_or_default()
        .parse::<f64>()
        .unwrap_or(0.0);
    if !human {
        return v;
    }
    let mult = match t.get(end..).and_then(|r| r.chars().next()) {
        Some('K' | 'k') => 1e3,
        Some('M') => 1e6,
        Some('G') => 1e9,
        Some('T') => 1e12,
        _ => 1.0,
    };
    v * mult
}

struct Key {
    start: usize,
    end: Option<usize>,
}

fn sort_key<'a>(line: &'a str, key: &Key, sep: Option<char>) -> String {
    let fields: Vec<&'a str> = match sep {
        Some(c) => line.split(c).collect(),
        None => line.split_whitespace().collect(),
    };
    let end = key.end.unwrap_or(fields.len()).min(fields.len());
    let start = key.start.saturating_sub(1);
    if start >= end {
        return String::new();
    }
    fields
        .get(start..end)
        .unwrap_or_default()
        .join(&sep.map(String::from).unwrap_or_else(|| " ".into()))
}

/// `sort [-rnuhf] [-k N[,M]] [-t SEP] [FILE]...`
pub fn sort(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt(
        "sort",
        args,
        "rnuhfbsVMk:t:o:",
        &["--key", "--field-separator"],
        2,
    ) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut keys = Vec::new();
    let mut key_numeric = false;
    for (f, v) in &o.flags {
        if f == "k" || f == "--key" {
            let v = v.clone().unwrap_or_default();
            if v.contains('n') {
                key_numeric = true;
            }
            let clean: String = v
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == ',' || *c == '.')
                .collect();
            let (a, b) = clean
                .split_once(',')
                .map_or((clean.as_str(), None), |(a, b)| (a, Some(b)));
            let num = |s: &str| s.split('.').next().and_then(|n| n.parse::<usize>().ok());
            match num(a) {
                Some(start) if start > 0 => keys.push(Key {
                    start,
                    end: b.and_then(num),
                }),
                _ => {
                    return Output::err(
                        format!(
                        "sort: invalid number at field start: invalid count at start of ‘{v}’\n"
                    ),
                        2,
                    )
                }
            }
        }
    }
    let sep = o
        .value(&["t", "--field-separator"])
        .and_then(|s| s.chars().next());
    let numeric = o.has(&["n", "--numeric-sort"]) || key_numeric;
    let human = o.has(&["h", "--human-numeric-sort"]);
    let fold = o.has(&["f", "--ignore-case"]);
    let inp = inputs(env, "sort", &o.operands, io.stdin);
    let mut all: Vec<&str> = Vec::new();
    for (_, t) in &inp.files {
        all.extend(lines(t));
    }
    let key_of = |l: &str| -> String {
        let k = if keys.is_empty() {
            l.to_string()
        } else {
            keys.iter()
                .map(|k| sort_key(l, k, sep))
                .collect::<Vec<_>>()
                .join("\u{0}")
        };
        if fold {
            k.to_lowercase()
        } else {
            k
        }
    };
    let cmp = |a: &str, b: &str| -> Ordering {
        let (ka, kb) = (key_of(a), key_of(b));
        if numeric || human {
            numeric_prefix(&ka, human)
                .partial_cmp(&numeric_prefix(&kb, human))
                .unwrap_or(Ordering::Equal)
        } else {
            ka.cmp(&kb)
        }
    };
    all.sort_by(|a, b| {
        let c = cmp(a, b);
        if c == Ordering::Equal && !o.has(&["s", "u"]) {
            a.cmp(b)
        } else {
            c
        }
    });
    if o.has(&["r", "--reverse"]) {
        all.reverse();
    }
    if o.has(&["u", "--unique"]) {
        all.dedup_by(|a, b| cmp(a, b) == Ordering::Equal);
    }
    let text = unlines(&all);
    if let Some(path) = o.value(&["o"]) {
        let p = env.path(path);
        if let Err(e) = env.fs().write(&p, &text) {
            return Output::err(format!("sort: open failed: {path}: {e}\n"), 2);
        }
        return finish(String::new(), inp.errors, 2);
    }
    finish(text, inp.errors, 2)
}

/// `uniq [-c] [-d] [-u] [-i] [INPUT]`
pub fn uniq(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("uniq", args, "cdui", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let inp = inputs(
        env,
        "uniq",
        o.operands.get(..1).unwrap_or_default(),
        io.stdin,
    );
    let text = inp.files.first().map(|f| f.1.clone()).unwrap_or_default();
    let fold = o.has(&["i"]);
    let same = |a: &str, b: &str| {
        if fold {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for l in lines(&text) {
        match groups.last_mut() {
            Some((g, n)) if same(g, l) => *n += 1,
            _ => groups.push((l, 1)),
        }
    }
    let mut out = String::new();
    for (l, n) in groups {
        if (o.has(&["d"]) && n < 2) || (o.has(&["u"]) && n > 1) {
            continue;
        }
        if o.has(&["c", "--count"]) {
            out.push_str(&format!("{n:>7} {l}\n"));
        } else {
            out.push_str(l);
            out.push('\n');
        }
    }
    finish(out, inp.errors, 1)
}

/// A cut list (`1,3-5,7-`) as inclusive 1-based ranges.
fn ranges(list: &str) -> Option<Vec<(usize, usize)>> {
    let mut v = Vec::new();
    for part in list.split(',') {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (
                if a.is_empty() { 1 } else { a.parse().ok()? },
                if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                },
            ),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        v.push((a, b));
    }
    Some(v)
}

fn picked(ranges: &[(usize, usize)], n: usize) -> bool {
    ranges.iter().any(|(a, b)| *a <= n && n <= *b)
}

/// `cut -f LIST [-d DELIM] [-s] | -c LIST | -b LIST [FILE]...`
pub fn cut(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt(
        "cut",
        args,
        "f:d:c:b:sn",
        &[
            "--fields",
            "--delimiter",
            "--characters",
            "--bytes",
            "--output-delimiter",
        ],
        1,
    ) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let fields = o.value(&["f", "--fields"]);
    let chars = o.value(&["c", "--characters", "b", "--bytes"]);
    let list = match (fields, chars) {
        (Some(l), None) | (None, Some(l)) => l,
        (Some(_), Some(_)) => return Output::err("cut: only one type of list may be specified\nTry 'cut --help' for more information.\n", 1),
        (None, None) => return Output::err("cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n", 1),
    };
    let Some(rs) = ranges(list) else {
        return Output::err(
            format!("cut: invalid field value ‘{list}’\nTry 'cut --help' for more information.\n"),
            1,
        );
    };
    let delim = o.value(&["d", "--delimiter"]).unwrap_or("\t");
    let mut dchars = delim.chars();
    let d = dchars.next().unwrap_or('\t');
    if dchars.next().is_some() {
        return Output::err("cut: the delimiter must be a single character\nTry 'cut --help' for more information.\n", 1);
    }
    let out_delim = o
        .value(&["--output-delimiter"])
        .map(String::from)
        .unwrap_or_else(|| d.to_string());
    let inp = inputs(env, "cut", &o.operands, io.stdin);
    let mut out = String::new();
    for (_, text) in &inp.files {
        for l in lines(text) {
            if fields.is_some() {
                if !l.contains(d) {
                    if !o.has(&["s"]) {
                        out.push_str(l);
                        out.push('\n');
                    }
                    continue;
                }
                let kept: Vec<&str> = l
                    .split(d)
                    .enumerate()
                    .filter(|(i, _)| picked(&rs, i + 1))
                    .map(|(_, f)| f)
                    .collect();
                out.push_str(&kept.join(&out_delim));
            } else {
                out.extend(
                    l.chars()
                        .enumerate()
                        .filter(|(i, _)| picked(&rs, i + 1))
                        .map(|(_, c)| c),
                );
            }
            out.push('\n');
        }
    }
    finish(out, inp.errors, 1)
}

/// Expands a `tr` set: escapes, ranges and `[:class:]`es.
fn tr_set(s: &str) -> Vec<char> {
    let raw: Vec<char> = s.chars().collect();
    let mut chars = Vec::new();
    let mut i = 0;
    while let Some(&c) = raw.get(i) {
        if c == '[' && raw.get(i + 1) == Some(&':') {
            let rest: String = raw.get(i + 2..).unwrap_or_default().iter().collect();
            if let Some(end) = rest.find(":]") {
                let class = rest.get(..end).unwrap_or_default();
                let pred: fn(&char) -> bool = match class {
                    "lower" => |c| c.is_ascii_lowercase(),
                    "upper" => |c| c.is_ascii_uppercase(),
                    "digit" => |c| c.is_ascii_digit(),
                    "alpha" => |c| c.is_ascii_alphabetic(),
                    "alnum" => |c| c.is_ascii_alphanumeric(),
                    "space" => |c| c.is_ascii_whitespace() || *c == '\x0b',
                    "blank" => |c| *c == ' ' || *c == '\t',
                    "punct" => |c| c.is_ascii_punctuation(),
                    _ => |_| false,
                };
                chars.extend((0u8..128).map(char::from).filter(pred));
                i += 2 + end + 2;
                continue;
            }
        }
        let (c, len) = if c == '\\' {
            match raw.get(i + 1) {
                Some('n') => ('\n', 2),
                Some('t') => ('\t', 2),
                Some('r') => ('\r', 2),
                Some(&o) => (o, 2),
                None => ('\\', 1),
            }
        } else {
            (c, 1)
        };
        if raw.get(i + len) == Some(&'-') {
            if let Some(&end) = raw.get(i + len + 1) {
                if end >= c {
                    chars.extend((c..=end).take(1 << 16));
                    i += len + 2;
                    continue;
                }
            }
        }
        chars.push(c);
        i += len;
    }
    chars
}

/// `tr [-d] [-s] [-c] SET1 [SET2]`
pub fn tr(_env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("tr", args, "dscC", &[], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let (delete, squeeze, complement) = (o.has(&["d"]), o.has(&["s"]), o.has(&["c", "C"]));
    let need = if (delete && !squeeze) || (squeeze && o.operands.len() == 1) {
        1
    } else {
        2
    };
    if o.operands.len() < need {
        let msg = match o.operands.first() {
            None => "tr: missing operand\n".to_string(),
            Some(a) => format!(
                "tr: missing operand after ‘{a}’\nTwo strings must be given when translating.\n"
            ),
        };
        return Output::err(format!("{msg}Try 'tr --help' for more information.\n"), 1);
    }
    if let Some(extra) = o.operands.get(need.max(2)) {
        return Output::err(
            format!("tr: extra operand ‘{extra}’\nTry 'tr --help' for more information.\n"),
            1,
        );
    }
    let set1 = tr_set(o.operands.first().map_or("", String::as_str));
    let set2 = tr_set(o.operands.get(1).map_or("", String::as_str));
    let in1 = |c: char| set1.contains(&c) != complement;
    let mut out = String::new();
    let mut last: Option<char> = None;
    for c in io.stdin.chars() {
        let mapped = if delete {
            if in1(c) {
                continue;
            }
            c
        } else if !set2.is_empty() && in1(c) {
            let idx = if complement {
                set2.len() - 1
            } else {
                set1.iter().position(|x| *x == c).unwrap_or(0)
            };
            *set2.get(idx).or(set2.last()).unwrap_or(&c)
        } else {
            c
        };
        let squeeze_set = if set2.is_empty() || delete {
            &set1
        } else {
            &set2
        };
        if squeeze && last == Some(mapped) && squeeze_set.contains(&mapped) {
            continue;
        }
        last = Some(mapped);
        out.push(mapped);
    }
    Output::ok(out)
}
