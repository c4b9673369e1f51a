//! Word expansion: tilde, parameters, command and arithmetic substitution, then field splitting of
//! unquoted results, then pathname globbing against the host's virtual file system.

use super::exec::{self, Env};
use super::lexer::{expandable, Part, Word};

/// Most paths one glob may produce.
const MAX_GLOB: usize = 10_000;

#[derive(Debug, Default, Clone)]
struct Field {
    text: String,
    /// The glob pattern: the text with quoted characters backslash-escaped.
    pattern: String,
    globby: bool,
    started: bool,
}

#[derive(Default)]
struct Fields {
    done: Vec<Field>,
    cur: Field,
}

impl Fields {
    fn quoted(&mut self, s: &str) {
        self.cur.text.push_str(s);
        for c in s.chars() {
            if matches!(c, '*' | '?' | '[' | ']' | '\\') {
                self.cur.pattern.push('\\');
            }
            self.cur.pattern.push(c);
        }
        self.cur.started = true;
    }

    fn literal(&mut self, s: &str) {
        self.cur.text.push_str(s);
        self.cur.pattern.push_str(s);
        if s.contains(['*', '?', '[']) {
            self.cur.globby = true;
        }
        self.cur.started = true;
    }

    /// An unquoted expansion result: split on blanks into fields.
    fn split(&mut self, s: &str) {
        let mut first = true;
        let starts_blank = s.starts_with([' ', '\t', '\n']);
        for (k, piece) in s
            .split([' ', '\t', '\n'])
            .filter(|p| !p.is_empty())
            .enumerate()
        {
            if (k > 0 || starts_blank) && self.cur.started {
                self.end();
            }
            self.literal(piece);
            first = false;
        }
        if !first && s.ends_with([' ', '\t', '\n']) {
            self.end();
        }
    }

    fn end(&mut self) {
        if self.cur.started {
            self.done.push(std::mem::take(&mut self.cur));
        }
    }
}

/// Most words one brace expansion may produce.
const MAX_BRACE: usize = 10_000;

/// Finds the first brace expression in `s`: (start, end index of `}`, alternatives).
fn brace(s: &str) -> Option<(usize, usize, Vec<String>)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (k, &(start, c)) in chars.iter().enumerate() {
        if c != '{' || (k > 0 && chars.get(k - 1).is_some_and(|p| p.1 == '$')) {
            continue;
        }
        let mut depth = 0usize;
        let mut commas = Vec::new();
        for &(j, d) in chars.get(k..).unwrap_or_default() {
            match d {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        let inner = s.get(start + 1..j).unwrap_or_default();
                        if !commas.is_empty() {
                            let mut alts = Vec::new();
                            let mut last = start + 1;
                            for c in &commas {
                                alts.push(s.get(last..*c).unwrap_or_default().to_string());
                                last = c + 1;
                            }
                            alts.push(s.get(last..j).unwrap_or_default().to_string());
                            return Some((start, j, alts));
                        }
                        if let Some(seq) = sequence(inner) {
                            return Some((start, j, seq));
                        }
                        break;
                    }
                }
                ',' if depth == 1 => commas.push(j),
                _ => {}
            }
        }
    }
    None
}

/// `1..5`, `5..1`, `a..e`, `1..10..2`.
fn sequence(inner: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = inner.split("..").collect();
    let (a, b, step) = match parts.as_slice() {
        [a, b] => (*a, *b, 1i64),
        [a, b, s] => (*a, *b, s.parse::<i64>().ok()?.saturating_abs().max(1)),
        _ => return None,
    };
    if let (Ok(x), Ok(y)) = (a.parse::<i64>(), b.parse::<i64>()) {
        let n = (x.abs_diff(y) / step as u64).saturating_add(1) as usize;
        if n > MAX_BRACE {
            return None;
        }
        let dir = if y >= x { step } else { -step };
        let mut v = Vec::with_capacity(n);
        let mut cur = Some(x);
        while let Some(c) = cur.filter(|_| v.len() < n) {
            v.push(c.to_string());
            cur = c.checked_add(dir);
        }
        return Some(v);
    }
    let (mut ca, mut cb) = (a.chars(), b.chars());
    match (ca.next(), ca.next(), cb.next(), cb.next()) {
        (Some(x), None, Some(y), None) if x.is_ascii_alphabetic() && y.is_ascii_alphabetic() => {
            let (lo, hi) = (x.min(y) as u8, x.max(y) as u8);
            let mut v: Vec<String> = (lo..=hi)
                .step_by(step as usize)
                .map(|c| (c as char).to_string())
                .collect();
            if x > y {
                v.reverse();
            }
            Some(v)
        }
        _ => None,
    }
}

/// Most brace groups a word may have for brace expansion to apply; past that it stays literal, so
/// a pathological word cannot cost exponential time.
const MAX_BRACE_GROUPS: usize = 32;

/// Brace expansion (`/opt/{a,b}`, `{1..3}`) of the unquoted text of a word, depth first like bash.
fn braces(word: &Word, out: &mut Vec<Word>) {
    let groups: usize = word
        .parts
        .iter()
        .map(|p| {
            if let Part::Lit(s) = p {
                s.matches('{').count()
            } else {
                0
            }
        })
        .sum();
    if groups > MAX_BRACE_GROUPS {
        out.push(word.clone());
        return;
    }
    let mut stack = vec![word.clone()];
    let mut steps = 0usize;
    while let Some(w) = stack.pop() {
        steps += 1;
        if out.len() >= MAX_BRACE || steps > 4 * MAX_BRACE {
            break;
        }
        let found = w.parts.iter().enumerate().find_map(|(k, p)| match p {
            Part::Lit(s) => brace(s).map(|b| (k, s.clone(), b)),
            _ => None,
        });
        let Some((k, s, (start, end, alts))) = found else {
            out.push(w);
            continue;
        };
        let pre = s.get(..start).unwrap_or_default();
        let post = s.get(end + 1..).unwrap_or_default();
        for alt in alts.iter().rev() {
            let mut parts = w.parts.clone();
            if let Some(slot) = parts.get_mut(k) {
                *slot = Part::Lit(format!("{pre}{alt}{post}"));
            }
            stack.push(Word { parts });
        }
    }
}

/// Expands words into the argument list of a command.
pub fn words(env: &mut Env, words: &[Word]) -> Vec<String> {
    let mut expanded = Vec::new();
    for w in words {
        if w.parts
            .iter()
            .any(|p| matches!(p, Part::Lit(s) if s.contains('{')))
        {
            braces(w, &mut expanded);
        } else {
            expanded.push(w.clone());
        }
    }
    let mut out = Vec::new();
    for w in &expanded {
        let mut f = Fields::default();
        expand_parts(env, &w.parts, &mut f, true);
        f.end();
        for field in f.done {
            if field.globby {
                let matches = glob(env, &field.pattern);
                if !matches.is_empty() {
                    out.extend(matches);
                    continue;
                }
            }
            out.push(field.text);
        }
    }
    out
}

/// Expands one word to one string, without splitting or globbing (assignments, redirection targets).
pub fn single(env: &mut Env, word: &Word) -> String {
    let mut f = Fields::default();
    expand_parts(env, &word.parts, &mut f, false);
    f.cur.text
}

/// Expands a here-document body or other text in which only `$` and backquotes are live.
pub fn text(env: &mut Env, src: &str) -> String {
    single(
        env,
        &Word {
            parts: expandable(src),
        },
    )
}

fn expand_parts(env: &mut Env, parts: &[Part], f: &mut Fields, split: bool) {
    for p in parts {
        match p {
            Part::Lit(s) => f.literal(s),
            Part::Quoted(s) => f.quoted(s),
            Part::Tilde => {
                let home = env.var("HOME");
                f.quoted(&home);
            }
            Part::Var { name, quoted } => {
                let v = env.var(name);
                emit(f, &v, *quoted, split);
            }
            Part::Param {
                name,
                op,
                arg,
                quoted,
            } => {
                let v = param(env, name, op, arg);
                emit(f, &v, *quoted, split);
            }
            Part::Cmd { src, quoted } => {
                let v = exec::substitute(env, src);
                emit(f, &v, *quoted, split);
            }
            Part::Arith { src, quoted } => {
                let src = text(env, src);
                let v = match super::arith::eval(&src, &|n| env.var(n)) {
                    Ok(n) => n.to_string(),
                    Err(e) => {
                        env.stderr.push_str(&format!("bash: {src}: {e}\n"));
                        String::new()
                    }
                };
                emit(f, &v, *quoted, split);
            }
            Part::Proc(src) => {
                // Completion is built into the terminal; its script is not needed (nor run).
                let words: Vec<&str> = src.split_whitespace().collect();
                let completion = matches!(words.as_slice(), ["kubectl" | "k", "completion", ..]);
                let out = if completion {
                    String::new()
                } else {
                    exec::substitute_raw(env, src)
                };
                let path = env.sh.add_fd(out);
                f.quoted(&path);
            }
        }
    }
}

fn emit(f: &mut Fields, v: &str, quoted: bool, split: bool) {
    if quoted || !split {
        f.quoted(v);
    } else {
        f.split(v);
    }
}

fn param(env: &mut Env, name: &str, op: &str, arg: &str) -> String {
    let set = env.is_set(name);
    let v = env.var(name);
    match op {
        "len" => v.chars().count().to_string(),
        ":-" | "-" if (op == ":-" && v.is_empty()) || (op == "-" && !set) => text(env, arg),
        ":=" | "=" if (op == ":=" && v.is_empty()) || (op == "=" && !set) => {
            let value = text(env, arg);
            env.sh.vars.insert(name.to_string(), value.clone());
            value
        }
        ":+" | "+" => {
            if (op == ":+" && !v.is_empty()) || (op == "+" && set) {
                text(env, arg)
            } else {
                String::new()
            }
        }
        "#" | "##" | "%" | "%%" => {
            let pat: Vec<char> = text(env, arg).chars().collect();
            let chars: Vec<char> = v.chars().collect();
            let n = chars.len();
            let mut cuts: Vec<usize> = (0..=n).collect();
            if op == "##" || op == "%" {
                cuts.reverse();
            }
            for k in cuts {
                let (keep, test) = if op.starts_with('#') {
                    (
                        chars.get(k..).unwrap_or_default(),
                        chars.get(..k).unwrap_or_default(),
                    )
                } else {
                    (
                        chars.get(..k).unwrap_or_default(),
                        chars.get(k..).unwrap_or_default(),
                    )
                };
                if glob_match(&pat, test) {
                    return keep.iter().collect();
                }
            }
            v
        }
        "/" => {
            let arg = text(env, arg);
            let (all, arg) = match arg.strip_prefix('/') {
                Some(rest) => (true, rest.to_string()),
                None => (false, arg),
            };
            let (from, to) = arg.split_once('/').unwrap_or((&arg, ""));
            if from.is_empty() {
                v
            } else if all {
                v.replace(from, to)
            } else {
                v.replacen(from, to, 1)
            }
        }
        "bad" => {
            env.stderr
                .push_str(&format!("bash: ${{{arg}}}: bad substitution\n"));
            String::new()
        }
        _ => v,
    }
}

fn unescape(pattern: &str) -> String {
    let mut out = String::new();
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            out.extend(it.next());
        } else {
            out.push(c);
        }
    }
    out
}

fn has_glob(pattern: &str) -> bool {
    let mut it = pattern.chars();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                it.next();
            }
            '*' | '?' | '[' => return true,
            _ => {}
        }
    }
    false
}

/// The paths matching a glob pattern, sorted; empty when none match.
fn glob(env: &mut Env, pattern: &str) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let cwd = env.sh.cwd.clone();
    // (display path, absolute path)
    let mut cands: Vec<(String, String)> = vec![if absolute {
        (String::new(), "/".into())
    } else {
        (String::new(), cwd)
    }];
    let comps: Vec<&str> = pattern.split('/').filter(|c| !c.is_empty()).collect();
    let fs = env.fs();
    for (k, comp) in comps.iter().enumerate() {
        let last = k + 1 == comps.len();
        let mut next = Vec::new();
        for (disp, abs) in &cands {
            let join = |name: &str| {
                let d = if disp.is_empty() && !absolute {
                    name.to_string()
                } else {
                    format!("{disp}/{name}")
                };
                let a = crate::vfs::normalize(abs, name);
                (d, a)
            };
            if !has_glob(comp) {
                let (d, a) = join(&unescape(comp));
                if fs.exists(&a) && (last || fs.is_dir(&a)) {
                    next.push((d, a));
                }
                continue;
            }
            let pat: Vec<char> = comp.chars().collect();
            let Ok(names) = fs.list(abs) else { continue };
            for name in names {
                if name.starts_with('.') && !comp.starts_with('.') {
                    continue;
                }
                let chars: Vec<char> = name.chars().collect();
                if glob_match(&pat, &chars) {
                    let (d, a) = join(&name);
                    if last || fs.is_dir(&a) {
                        next.push((d, a));
                    }
                }
                if next.len() > MAX_GLOB {
                    break;
                }
            }
            if next.len() > MAX_GLOB {
                break;
            }
        }
        cands = next;
        if cands.is_empty() {
            return Vec::new();
        }
    }
    let mut out: Vec<String> = cands.into_iter().map(|(d, _)| d).collect();
    if pattern.ends_with('/') {
        out.iter_mut().for_each(|p| p.push('/'));
    }
    out.sort();
    out
}

/// Matches a name against a shell pattern (`*`, `?`, `[a-z]`, `[!x]`, `\` escapes).
pub fn glob_match(pat: &[char], name: &[char]) -> bool {
    let (mut p, mut n) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while n < name.len() {
        let step = match pat.get(p) {
            Some('*') => {
                star = Some((p, n));
                p += 1;
                continue;
            }
            Some('?') => Some(1),
            Some('[') => match class(pat, p, name.get(n).copied().unwrap_or_default()) {
                Some((true, len)) => Some(len),
                Some((false, _)) => None,
                None => (name.get(n) == Some(&'[')).then_some(1),
            },
            Some('\\') => (pat.get(p + 1) == name.get(n)).then_some(2),
            Some(c) => (name.get(n) == Some(c)).then_some(1),
            None => None,
        };
        match step {
            Some(len) => {
                p += len;
                n += 1;
            }
            None => match star {
                Some((sp, sn)) => {
                    p = sp + 1;
                    n = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    pat.get(p..).unwrap_or_default().iter().all(|c| *c == '*')
}

/// Matches `c` against the bracket expression at `pat[p]`: (matched, length of the expression).
fn class(pat: &[char], p: usize, c: char) -> Option<(bool, usize)> {
    let mut i = p + 1;
    let negate = matches!(pat.get(i), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *pat.get(i)?;
        if ch == ']' && !first {
            return Some((matched != negate, i + 1 - p));
        }
        first = false;
        if pat.get(i + 1) == Some(&'-') && pat.get(i + 2).is_some_and(|e| *e != ']') {
            let end = *pat.get(i + 2)?;
            if ch <= c && c <= end {
                matched = true;
            }
            i += 3;
        } else {
            if ch == c {
                matched = true;
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        glob_match(
            &p.chars().collect::<Vec<_>>(),
            &n.chars().collect::<Vec<_>>(),
        )
    }

    #[test]
    fn glob_patterns_match_like_the_shell() {
        assert!(m("*.yaml", "pod.yaml"));
        assert!(!m("*.yaml", "pod.yml"));
        assert!(m("p?d*", "pod.yaml"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[!a-c]x", "bx"));
        assert!(m("a\\*", "a*"));
        assert!(!m("a\\*", "ab"));
        assert!(m("*", ""));
        assert!(m("*a*b*c", "xxaxxbxxc"));
    }
}
