//! `sed`: addresses (`N`, `$`, `/re/`, ranges, `!`), and the commands `s`, `d`, `p`, `q`, `a`, `i`,
//! `c`, `y`, `=`, with `-n`, `-e`, `-E`, `-i`.

use super::grep::posix_to_regex;
use super::{getopt, lines};
use crate::shell::exec::{Env, Io};
use crate::Output;
use regex::{Regex, RegexBuilder};

#[derive(Debug, Clone)]
enum Addr {
    Line(usize),
    Last,
    Re(Regex),
}

#[derive(Debug, Clone)]
enum Cmd {
    Subst {
        re: Regex,
        rep: String,
        global: bool,
        nth: usize,
        print: bool,
    },
    Delete,
    Print,
    Quit,
    Append(String),
    Insert(String),
    Change(String),
    Translate(Vec<char>, Vec<char>),
    LineNo,
}

#[derive(Debug, Clone)]
struct Rule {
    a1: Option<Addr>,
    a2: Option<Addr>,
    negate: bool,
    cmd: Cmd,
    active: bool,
}

fn err(expr: usize, at: usize, msg: &str) -> String {
    format!("sed: -e expression #{expr}, char {at}: {msg}\n")
}

struct P<'a> {
    s: &'a [char],
    i: usize,
    ere: bool,
    expr: usize,
}

impl P<'_> {
    fn peek(&self) -> Option<char> {
        self.s.get(self.i).copied()
    }

    fn fail(&self, msg: &str) -> String {
        err(self.expr, self.i, msg)
    }

    /// Reads up to an unescaped `delim`; `\delim` becomes `delim`, other escapes stay.
    fn delimited(&mut self, delim: char, what: &str) -> Result<String, String> {
        let mut out = String::new();
        loop {
            match self.peek() {
                None => return Err(self.fail(&format!("unterminated {what}"))),
                Some('\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c) if c == delim => out.push(c),
                        Some('n') if what.contains("`s'") => out.push_str("\\n"),
                        Some(c) => {
                            out.push('\\');
                            out.push(c);
                        }
                        None => return Err(self.fail(&format!("unterminated {what}"))),
                    }
                    self.i += 1;
                }
                Some(c) if c == delim => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(c) => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn regex(&self, pat: &str, icase: bool) -> Result<Regex, String> {
        RegexBuilder::new(&posix_to_regex(pat, self.ere))
            .case_insensitive(icase)
            .size_limit(1 << 22)
            .build()
            .map_err(|_| self.fail("Invalid regular expression"))
    }

    fn addr(&mut self) -> Result<Option<Addr>, String> {
        match self.peek() {
            Some(c) if c.is_ascii_digit() => {
                let mut n = 0usize;
                while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
                    n = n.saturating_mul(10).saturating_add(d as usize);
                    self.i += 1;
                }
                Ok(Some(Addr::Line(n)))
            }
            Some('$') => {
                self.i += 1;
                Ok(Some(Addr::Last))
            }
            Some('/') | Some('\\') => {
                let delim = if self.peek() == Some('\\') {
                    self.i += 1;
                    self.peek().unwrap_or('/')
                } else {
                    '/'
                };
                self.i += 1;
                let pat = self.delimited(delim, "address regex")?;
                let icase = self.peek() == Some('I');
                if icase {
                    self.i += 1;
                }
                Ok(Some(Addr::Re(self.regex(&pat, icase)?)))
            }
            _ => Ok(None),
        }
    }

    fn text_arg(&mut self) -> String {
        if self.peek() == Some('\\') {
            self.i += 1;
            if self.peek() == Some('\n') {
                self.i += 1;
            }
        }
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.i += 1;
        }
        let mut t = String::new();
        while let Some(c) = self.peek() {
            if c == '\n' {
                break;
            }
            if c == '\\' {
                self.i += 1;
                if let Some(n) = self.peek() {
                    t.push(n);
                }
                self.i += 1;
                continue;
            }
            t.push(c);
            self.i += 1;
        }
        t
    }

    fn rules(&mut self, out: &mut Vec<Rule>) -> Result<(), String> {
        loop {
            while matches!(self.peek(), Some(' ' | '\t' | '\n' | ';')) {
                self.i += 1;
            }
            if self.peek().is_none() {
                return Ok(());
            }
            let a1 = self.addr()?;
            let mut a2 = None;
            if a1.is_some() && self.peek() == Some(',') {
                self.i += 1;
                a2 = self.addr()?;
                if a2.is_none() {
                    return Err(self.fail("unexpected `,'"));
                }
            }
            while self.peek() == Some(' ') {
                self.i += 1;
            }
            let negate = self.peek() == Some('!');
            if negate {
                self.i += 1;
            }
            let Some(c) = self.peek() else {
                return Err(self.fail("missing command"));
            };
            self.i += 1;
            let cmd = match c {
                's' => {
                    let Some(delim) = self.peek() else {
                        return Err(self.fail("unterminated `s' command"));
                    };
                    self.i += 1;
                    let pat = self.delimited(delim, "`s' command")?;
                    let rep = self.delimited(delim, "`s' command")?;
                    let (mut global, mut nth, mut print, mut icase) = (false, 1usize, false, false);
                    while let Some(f) = self.peek() {
                        match f {
                            'g' => global = true,
                            'p' => print = true,
                            'i' | 'I' => icase = true,
                            d if d.is_ascii_digit() => nth = d.to_digit(10).unwrap_or(1) as usize,
                            ';' | '\n' | ' ' | '}' => break,
                            other => {
                                return Err(self.fail(&format!("unknown option to `s' (`{other}')")))
                            }
                        }
                        self.i += 1;
                    }
                    Cmd::Subst {
                        re: self.regex(&pat, icase)?,
                        rep,
                        global,
                        nth: nth.max(1),
                        print,
                    }
                }
                'y' => {
                    let Some(delim) = self.peek() else {
                        return Err(self.fail("unterminated `y' command"));
                    };
                    self.i += 1;
                    let a: Vec<char> = self.delimited(delim, "`y' command")?.chars().collect();
                    let b: Vec<char> = self.delimited(delim, "`y' command")?.chars().collect();
                    if a.len() != b.len() {
                        return Err(self.fail("strings for `y' command are different lengths"));
                    }
                    Cmd::Translate(a, b)
                }
                'd' => Cmd::Delete,
                'p' => Cmd::Print,
                'q' => Cmd::Quit,
                '=' => Cmd::LineNo,
                'a' => Cmd::Append(self.text_arg()),
                'i' => Cmd::Insert(self.text_arg()),
                'c' => Cmd::Change(self.text_arg()),
                other => {
                    return Err(err(
                        self.expr,
                        self.i,
                        &format!("unknown command: `{other}'"),
                    ))
                }
            };
            out.push(Rule {
                a1,
                a2,
                negate,
                cmd,
                active: false,
            });
        }
    }
}

fn addr_match(a: &Addr, n: usize, last: bool, line: &str) -> bool {
    match a {
        Addr::Line(k) => *k == n,
        Addr::Last => last,
        Addr::Re(re) => re.is_match(line),
    }
}

fn applies(r: &mut Rule, n: usize, last: bool, line: &str) -> bool {
    let hit = match (&r.a1, &r.a2) {
        (None, _) => true,
        (Some(a), None) => addr_match(a, n, last, line),
        (Some(a1), Some(a2)) => {
            if r.active {
                let end = match a2 {
                    Addr::Line(k) => n >= *k,
                    other => addr_match(other, n, last, line),
                };
                if end {
                    r.active = false;
                }
                true
            } else if addr_match(a1, n, last, line) {
                r.active = !matches!(a2, Addr::Line(k) if *k <= n);
                true
            } else {
                false
            }
        }
    };
    hit != r.negate
}

/// Expands `&`, `\1`..`\9`, `\n` in a replacement.
fn replacement(rep: &str, caps: &regex::Captures) -> String {
    let mut out = String::new();
    let mut it = rep.chars();
    while let Some(c) = it.next() {
        match c {
            '&' => out.push_str(caps.get(0).map_or("", |m| m.as_str())),
            '\\' => match it.next() {
                Some(d) if d.is_ascii_digit() => {
                    let k = d.to_digit(10).unwrap_or(0) as usize;
                    out.push_str(caps.get(k).map_or("", |m| m.as_str()));
                }
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    out
}

fn substitute(re: &Regex, rep: &str, global: bool, nth: usize, line: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    let mut count = 0;
    let mut changed = false;
    for caps in re.captures_iter(line) {
        let Some(m) = caps.get(0) else { continue };
        count += 1;
        if count < nth {
            continue;
        }
        out.push_str(line.get(last..m.start()).unwrap_or_default());
        out.push_str(&replacement(rep, &caps));
        last = m.end();
        changed = true;
        if !global {
            break;
        }
    }
    if !changed {
        return None;
    }
    out.push_str(line.get(last..).unwrap_or_default());
    Some(out)
}

fn run(rules: &mut [Rule], text: &str, quiet: bool) -> String {
    let ls = lines(text);
    let total = ls.len();
    let mut out = String::new();
    'lines: for (k, l) in ls.iter().enumerate() {
        let n = k + 1;
        let last = n == total;
        let mut space = l.to_string();
        let mut after = String::new();
        let mut quit = false;
        for r in rules.iter_mut() {
            if !applies(r, n, last, &space) {
                continue;
            }
            match &r.cmd {
                Cmd::Subst {
                    re,
                    rep,
                    global,
                    nth,
                    print,
                } => {
                    if let Some(new) = substitute(re, rep, *global, *nth, &space) {
                        space = new;
                        if *print {
                            out.push_str(&space);
                            out.push('\n');
                        }
                    }
                }
                Cmd::Delete => {
                    out.push_str(&after);
                    continue 'lines;
                }
                Cmd::Print => {
                    out.push_str(&space);
                    out.push('\n');
                }
                Cmd::Quit => {
                    quit = true;
                    break;
                }
                Cmd::Append(t) => {
                    after.push_str(t);
                    after.push('\n');
                }
                Cmd::Insert(t) => {
                    out.push_str(t);
                    out.push('\n');
                }
                Cmd::Change(t) => {
                    if !r.active {
                        out.push_str(t);
                        out.push('\n');
                    }
                    out.push_str(&after);
                    continue 'lines;
                }
                Cmd::Translate(a, b) => {
                    space = space
                        .chars()
                        .map(|c| {
                            a.iter()
                                .position(|x| *x == c)
                                .and_then(|p| b.get(p).copied())
                                .unwrap_or(c)
                        })
                        .collect();
                }
                Cmd::LineNo => out.push_str(&format!("{n}\n")),
            }
        }
        if !quiet {
            out.push_str(&space);
            if last && !text.ends_with('\n') {
                out.push_str(if after.is_empty() { "" } else { "\n" });
            } else {
                out.push('\n');
            }
        }
        out.push_str(&after);
        if quit {
            break;
        }
    }
    out
}

/// `sed [-n] [-E] [-i] [-e SCRIPT]... [SCRIPT] [FILE]...`
pub fn sed(env: &mut Env, args: &[String], io: &Io) -> Output {
    // `-i.bak` attaches a suffix; treat any `-i...` as in-place.
    let mut in_place = false;
    let args: Vec<String> = args
        .iter()
        .filter(|a| {
            let ip = a.starts_with("-i") || a.starts_with("--in-place");
            in_place |= ip;
            !ip
        })
        .cloned()
        .collect();
    let o = match getopt("sed", &args, "nErse:f:u", &["--expression"], 1) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut operands = o.operands.clone();
    let mut scripts: Vec<String> = o
        .flags
        .iter()
        .filter(|(f, _)| f == "e" || f == "--expression")
        .filter_map(|(_, v)| v.clone())
        .collect();
    if scripts.is_empty() {
        if operands.is_empty() {
            return Output::err(
                "Usage: sed [OPTION]... {script-only-if-no-other-script} [input-file]...\n",
                1,
            );
        }
        scripts.push(operands.remove(0));
    }
    let ere = o.has(&["E", "r", "--regexp-extended"]);
    let mut rules = Vec::new();
    for (k, s) in scripts.iter().enumerate() {
        let chars: Vec<char> = s.chars().collect();
        let mut p = P {
            s: &chars,
            i: 0,
            ere,
            expr: k + 1,
        };
        if let Err(e) = p.rules(&mut rules) {
            return Output::err(e, 1);
        }
    }
    let quiet = o.has(&["n", "--quiet", "--silent"]);
    if in_place {
        if operands.is_empty() {
            return Output::err("sed: no input files\n", 1);
        }
        let mut errors = String::new();
        for f in &operands {
            match env.read(f) {
                Ok(text) => {
                    let mut rs = rules.clone();
                    let new = run(&mut rs, &text, quiet);
                    let p = env.path(f);
                    if let Err(e) = env.fs().write(&p, &new) {
                        errors.push_str(&format!("sed: couldn't open file {f}: {e}\n"));
                    }
                }
                Err(e) => errors.push_str(&format!("sed: can't read {f}: {e}\n")),
            }
        }
        return super::finish(String::new(), errors, 2);
    }
    let mut errors = String::new();
    let mut text = String::new();
    if operands.is_empty() {
        text = io.stdin.to_string();
    }
    for f in &operands {
        match env.read(f) {
            Ok(t) => {
                text.push_str(&t);
                if !t.is_empty() && !t.ends_with('\n') {
                    text.push('\n');
                }
            }
            Err(e) => errors.push_str(&format!("sed: can't read {f}: {e}\n")),
        }
    }
    let out = run(&mut rules, &text, quiet);
    super::finish(out, errors, 2)
}
