//! Runs a parsed awk program over its input records, under a step budget.

use super::parse::{Expr, LVal, Pattern, Program, Stmt};
use regex::Regex;
use std::collections::BTreeMap;

/// The most statements and expressions one awk run may evaluate.
const MAX_STEPS: u64 = 5_000_000;
/// The most text one awk run may print.
const MAX_OUT: usize = 32 << 20;

/// An awk value: a number, a string, or a string from input that compares as a number if it looks like one.
#[derive(Debug, Clone)]
pub enum Val {
    Num(f64),
    Str(String),
    StrNum(String),
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.parse::<f64>().is_ok_and(|v| v.is_finite())
}

fn num_prefix(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let mut seen_dot = false;
    let mut seen_e = false;
    for (i, c) in t.char_indices() {
        let ok = c.is_ascii_digit()
            || ((c == '-' || c == '+')
                && (i == 0 || t.get(i - 1..i).is_some_and(|p| p == "e" || p == "E")))
            || (c == '.' && !seen_dot && !seen_e)
            || ((c == 'e' || c == 'E') && !seen_e && i > 0);
        if !ok {
            break;
        }
        seen_dot |= c == '.';
        seen_e |= c == 'e' || c == 'E';
        end = i + c.len_utf8();
    }
    let mut slice = t.get(..end).unwrap_or_default();
    while !slice.is_empty() && slice.parse::<f64>().is_err() {
        slice = slice.get(..slice.len() - 1).unwrap_or_default();
    }
    slice.parse().unwrap_or(0.0)
}

/// `%g` as C prints it.
pub fn fmt_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let prec = prec.max(1);
    let exp = v.abs().log10().floor() as i32;
    if exp < -4 || exp >= prec as i32 {
        let s = format!("{:.*e}", prec - 1, v);
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.')
        } else {
            mant
        };
        let e: i32 = e.parse().unwrap_or(0);
        format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

impl Val {
    fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => num_prefix(s),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Num(n) => num_text(*n),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }

    fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => {
                if looks_numeric(s) && !s.trim().is_empty() {
                    num_prefix(s) != 0.0
                } else {
                    !s.is_empty()
                }
            }
        }
    }

    fn numeric(&self) -> bool {
        match self {
            Val::Num(_) => true,
            Val::Str(_) => false,
            Val::StrNum(s) => looks_numeric(s),
        }
    }
}

fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        fmt_g(n, 6)
    }
}

enum Flow {
    Normal,
    Next,
    Exit,
    Break,
    Continue,
}

/// What a run printed and how it ended.
pub struct RunResult {
    pub stdout: String,
    pub code: i32,
    pub error: Option<String>,
}

/// The interpreter's state.
pub struct Vm {
    vars: BTreeMap<String, Val>,
    arrays: BTreeMap<String, BTreeMap<String, Val>>,
    fields: Vec<String>,
    nr: usize,
    fnr: usize,
    out: String,
    files: Vec<(String, String, bool)>,
    steps: u64,
    code: i32,
    regexes: BTreeMap<String, Regex>,
}

type R<T> = Result<T, String>;

impl Vm {
    /// A fresh interpreter with awk's default variables.
    pub fn new() -> Self {
        let mut vars = BTreeMap::new();
        for (k, v) in [
            ("FS", " "),
            ("OFS", " "),
            ("ORS", "\n"),
            ("RS", "\n"),
            ("SUBSEP", "\u{1c}"),
            ("FILENAME", ""),
        ] {
            vars.insert(k.to_string(), Val::Str(v.to_string()));
        }
        Vm {
            vars,
            arrays: BTreeMap::new(),
            fields: vec![String::new()],
            nr: 0,
            fnr: 0,
            out: String::new(),
            files: Vec::new(),
            steps: 0,
            code: 0,
            regexes: BTreeMap::new(),
        }
    }

    /// Sets a variable from `-v` or a `VAR=value` operand (escapes like `\t` are interpreted).
    pub fn set_var(&mut self, name: &str, value: &str) {
        let v = value.replace("\\t", "\t").replace("\\n", "\n");
        self.vars.insert(name.to_string(), Val::StrNum(v));
    }

    /// The files written with `print > "file"`: (path, text, append).
    pub fn take_files(&mut self) -> Vec<(String, String, bool)> {
        std::mem::take(&mut self.files)
    }

    /// Runs BEGIN rules, every record of every input, then END rules.
    pub fn run(&mut self, prog: &Program, inputs: &[(String, String)]) -> RunResult {
        let err = self.run_inner(prog, inputs).err();
        RunResult {
            stdout: std::mem::take(&mut self.out),
            code: self.code,
            error: err,
        }
    }

    fn run_inner(&mut self, prog: &Program, inputs: &[(String, String)]) -> R<()> {
        let mut exiting = false;
        for (p, body) in &prog.rules {
            if matches!(p, Pattern::Begin) {
                if let Flow::Exit = self.block(body)? {
                    exiting = true;
                    break;
                }
            }
        }
        let has_main = prog.rules.iter().any(|(p, _)| !matches!(p, Pattern::Begin));
        if !exiting && has_main {
            'files: for (name, text) in inputs {
                self.vars.insert(
                    "FILENAME".into(),
                    Val::Str(if name == "-" {
                        String::new()
                    } else {
                        name.clone()
                    }),
                );
                self.fnr = 0;
                for line in super::super::lines(text) {
                    self.nr += 1;
                    self.fnr += 1;
                    self.set_record(line.to_string());
                    for (p, body) in &prog.rules {
                        let hit = match p {
                            Pattern::Begin | Pattern::End => false,
                            Pattern::All => true,
                            Pattern::Expr(e) => self.eval(e)?.truthy(),
                        };
                        if !hit {
                            continue;
                        }
                        match self.block(body)? {
                            Flow::Next => break,
                            Flow::Exit => {
                                exiting = true;
                                break 'files;
                            }
                            _ => {}
                        }
                    }
                }
            }
        }
        let _ = exiting;
        for (p, body) in &prog.rules {
            if matches!(p, Pattern::End) {
                if let Flow::Exit = self.block(body)? {
                    break;
                }
            }
        }
        Ok(())
    }

    fn tick(&mut self) -> R<()> {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return Err("program ran too long (step limit reached)".into());
        }
        if self.out.len() > MAX_OUT {
            return Err("too much output".into());
        }
        Ok(())
    }

    fn set_record(&mut self, line: String) {
        let fs = self
            .vars
            .get("FS")
            .map(Val::text)
            .unwrap_or_else(|| " ".into());
        let mut fields = vec![line.clone()];
        if fs == " " {
            fields.extend(line.split_whitespace().map(String::from));
        } else if fs.chars().count() == 1 && fs != "\\" {
            if !line.is_empty() {
                fields.extend(line.split(fs.as_str()).map(String::from));
            }
        } else if let Ok(re) = self.regex(&fs) {
            if !line.is_empty() {
                fields.extend(re.split(&line).map(String::from));
            }
        }
        self.fields = fields;
    }

    fn rebuild_record(&mut self) {
        let ofs = self
            .vars
            .get("OFS")
            .map(Val::text)
            .unwrap_or_else(|| " ".into());
        let rec = self.fields.get(1..).unwrap_or_default().join(&ofs);
        if let Some(f) = self.fields.first_mut() {
            *f = rec;
        }
    }

    fn regex(&mut self, src: &str) -> R<Regex> {
        if let Some(r) = self.regexes.get(src) {
            return Ok(r.clone());
        }
        let re = regex::RegexBuilder::new(&super::super::grep::posix_to_regex(src, true))
            .size_limit(1 << 22)
            .build()
            .map_err(|_| format!("invalid regexp: /{src}/"))?;
        if self.regexes.len() < 256 {
            self.regexes.insert(src.to_string(), re.clone());
        }
        Ok(re)
    }

    fn block(&mut self, stmts: &[Stmt]) -> R<Flow> {
        for s in stmts {
            match self.stmt(s)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn redirect(&mut self, text: String, to: &Option<(bool, Expr)>) -> R<()> {
        match to {
            None => self.out.push_str(&text),
            Some((append, e)) => {
                let path = self.eval(e)?.text();
                match self.files.iter_mut().find(|f| f.0 == path) {
                    Some(f) => f.1.push_str(&text),
                    None => self.files.push((path, text, *append)),
                }
            }
        }
        Ok(())
    }

    fn stmt(&mut self, s: &Stmt) -> R<Flow> {
        self.tick()?;
        match s {
            Stmt::Print(args, to) => {
                let text = if args.is_empty() {
                    self.fields.first().cloned().unwrap_or_default()
                } else {
                    let ofs = self.vars.get("OFS").map(Val::text).unwrap_or_default();
                    let mut parts = Vec::new();
                    for a in args {
                        let v = self.eval(a)?;
                        parts.push(match v {
                            Val::Num(n) if n.fract() != 0.0 => fmt_g(n, 6),
                            other => other.text(),
                        });
                    }
                    parts.join(&ofs)
                };
                let ors = self
                    .vars
                    .get("ORS")
                    .map(Val::text)
                    .unwrap_or_else(|| "\n".into());
                self.redirect(format!("{text}{ors}"), to)?;
            }
            Stmt::Printf(args, to) => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let Some((fmt, rest)) = vals.split_first() else {
                    return Err("printf: no format".into());
                };
                let text = sprintf(&fmt.text(), rest);
                self.redirect(text, to)?;
            }
            Stmt::Expr(e) => {
                self.eval(e)?;
            }
            Stmt::If(c, a, b) => {
                if self.eval(c)?.truthy() {
                    return self.stmt(a);
                } else if let Some(b) = b {
                    return self.stmt(b);
                }
            }
            Stmt::While(c, body) => {
                while self.eval(c)?.truthy() {
                    self.tick()?;
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Next => return Ok(Flow::Next),
                        Flow::Exit => return Ok(Flow::Exit),
                        _ => {}
                    }
                }
            }
            Stmt::For(init, cond, step, body) => {
                if let Some(i) = init {
                    self.stmt(i)?;
                }
                loop {
                    self.tick()?;
                    if let Some(c) = cond {
                        if !self.eval(c)?.truthy() {
                            break;
                        }
                    }
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Next => return Ok(Flow::Next),
                        Flow::Exit => return Ok(Flow::Exit),
                        _ => {}
                    }
                    if let Some(s) = step {
                        self.stmt(s)?;
                    }
                }
            }
            Stmt::ForIn(k, arr, body) => {
                let keys: Vec<String> = self
                    .arrays
                    .get(arr)
                    .map(|a| a.keys().cloned().collect())
                    .unwrap_or_default();
                for key in keys {
                    self.vars.insert(k.clone(), Val::StrNum(key));
                    match self.stmt(body)? {
                        Flow::Break => break,
                        Flow::Next => return Ok(Flow::Next),
                        Flow::Exit => return Ok(Flow::Exit),
                        _ => {}
                    }
                }
            }
            Stmt::Block(b) => return self.block(b),
            Stmt::Next => return Ok(Flow::Next),
            Stmt::Break => return Ok(Flow::Break),
            Stmt::Continue => return Ok(Flow::Continue),
            Stmt::Exit(code) => {
                if let Some(c) = code {
                    self.code = self.eval(c)?.num() as i32;
                }
                return Ok(Flow::Exit);
            }
            Stmt::Delete(arr, key) => match key {
                None => {
                    self.arrays.remove(arr);
                }
                Some(k) => {
                    let k = self.eval(k)?.text();
                    if let Some(a) = self.arrays.get_mut(arr) {
                        a.remove(&k);
                    }
                }
            },
        }
        Ok(Flow::Normal)
    }

    fn get(&mut self, lv: &LVal) -> R<Val> {
        Ok(match lv {
            LVal::Var(n) => match n.as_str() {
                "NR" => Val::Num(self.nr as f64),
                "FNR" => Val::Num(self.fnr as f64),
                "NF" => Val::Num(self.fields.len().saturating_sub(1) as f64),
                _ => self
                    .vars
                    .get(n)
                    .cloned()
                    .unwrap_or(Val::StrNum(String::new())),
            },
            LVal::Index(a, k) => {
                let k = self.eval(k)?.text();
                self.arrays
                    .get(a)
                    .and_then(|m| m.get(&k))
                    .cloned()
                    .unwrap_or(Val::StrNum(String::new()))
            }
            LVal::Field(e) => {
                let i = self.eval(e)?.num();
                if i < 0.0 {
                    return Err(format!("attempt to access field {i}"));
                }
                Val::StrNum(self.fields.get(i as usize).cloned().unwrap_or_default())
            }
        })
    }

    fn set(&mut self, lv: &LVal, v: Val) -> R<()> {
        match lv {
            LVal::Var(n) => match n.as_str() {
                "NR" => self.nr = v.num().max(0.0) as usize,
                "FNR" => self.fnr = v.num().max(0.0) as usize,
                "NF" => {
                    let n = (v.num().max(0.0) as usize).min(100_000);
                    self.fields.resize(n + 1, String::new());
                    self.rebuild_record();
                }
                _ => {
                    self.vars.insert(n.clone(), v);
                }
            },
            LVal::Index(a, k) => {
                let k = self.eval(k)?.text();
                self.arrays.entry(a.clone()).or_default().insert(k, v);
            }
            LVal::Field(e) => {
                let i = self.eval(e)?.num();
                if !(0.0..=100_000.0).contains(&i) {
                    return Err(format!("attempt to access field {i}"));
                }
                let i = i as usize;
                if i == 0 {
                    self.set_record(v.text());
                } else {
                    if self.fields.len() <= i {
                        self.fields.resize(i + 1, String::new());
                    }
                    if let Some(f) = self.fields.get_mut(i) {
                        *f = v.text();
                    }
                    self.rebuild_record();
                }
            }
        }
        Ok(())
    }

    fn matcher(&mut self, e: &Expr) -> R<Regex> {
        match e {
            Expr::Re(r) => Ok(r.clone()),
            other => {
                let s = self.eval(other)?.text();
                self.regex(&s)
            }
        }
    }

    fn eval(&mut self, e: &Expr) -> R<Val> {
        self.tick()?;
        Ok(match e {
            Expr::Num(n) => Val::Num(*n),
            Expr::Str(s) => Val::Str(s.clone()),
            Expr::Re(r) => Val::Num(f64::from(u8::from(
                r.is_match(self.fields.first().map_or("", String::as_str)),
            ))),
            Expr::L(lv) => self.get(lv)?,
            Expr::Assign(op, lv, rhs) => {
                let r = self.eval(rhs)?;
                let v = match op {
                    None => r,
                    Some(op) => {
                        let l = self.get(lv)?.num();
                        Val::Num(arith(op.trim_end_matches('='), l, r.num())?)
                    }
                };
                self.set(lv, v.clone())?;
                v
            }
            Expr::Incr(pre, d, lv) => {
                let old = self.get(lv)?.num();
                self.set(lv, Val::Num(old + d))?;
                Val::Num(if *pre { old + d } else { old })
            }
            Expr::Bin(op, l, r) => match *op {
                "&&" => Val::Num(f64::from(u8::from(
                    self.eval(l)?.truthy() && self.eval(r)?.truthy(),
                ))),
                "||" => Val::Num(f64::from(u8::from(
                    self.eval(l)?.truthy() || self.eval(r)?.truthy(),
                ))),
                "==" | "!=" | "<" | ">" | "<=" | ">=" => {
                    let (a, b) = (self.eval(l)?, self.eval(r)?);
                    let ord = if a.numeric() && b.numeric() {
                        a.num()
                            .partial_cmp(&b.num())
                            .unwrap_or(std::cmp::Ordering::Equal)
                    } else {
                        a.text().cmp(&b.text())
                    };
                    use std::cmp::Ordering::*;
                    let t = match *op {
                        "==" => ord == Equal,
                        "!=" => ord != Equal,
                        "<" => ord == Less,
                        ">" => ord == Greater,
                        "<=" => ord != Greater,
                        _ => ord != Less,
                    };
                    Val::Num(f64::from(u8::from(t)))
                }
                _ => {
                    let (a, b) = (self.eval(l)?.num(), self.eval(r)?.num());
                    Val::Num(arith(op, a, b)?)
                }
            },
            Expr::Not(x) => Val::Num(f64::from(u8::from(!self.eval(x)?.truthy()))),
            Expr::Neg(x) => Val::Num(-self.eval(x)?.num()),
            Expr::Match(neg, l, r) => {
                let s = self.eval(l)?.text();
                let re = self.matcher(r)?;
                Val::Num(f64::from(u8::from(re.is_match(&s) != *neg)))
            }
            Expr::Concat(l, r) => {
                let mut s = self.eval(l)?.text();
                s.push_str(&self.eval(r)?.text());
                Val::Str(s)
            }
            Expr::Cond(c, a, b) => {
                if self.eval(c)?.truthy() {
                    self.eval(a)?
                } else {
                    self.eval(b)?
                }
            }
            Expr::In(k, arr) => {
                let k = self.eval(k)?.text();
                Val::Num(f64::from(u8::from(
                    self.arrays.get(arr).is_some_and(|a| a.contains_key(&k)),
                )))
            }
            Expr::Call(name, args) => self.call(name, args)?,
        })
    }

    fn arg(&mut self, args: &[Expr], k: usize) -> R<Val> {
        match args.get(k) {
            Some(e) => self.eval(e),
            None => Ok(Val::StrNum(String::new())),
        }
    }

    fn call(&mut self, name: &str, args: &[Expr]) -> R<Val> {
        Ok(match name {
            "length" => match args.first() {
                None => Val::Num(self.fields.first().map_or(0, |s| s.chars().count()) as f64),
                Some(Expr::L(LVal::Var(n))) if self.arrays.contains_key(n) => {
                    Val::Num(self.arrays.get(n).map_or(0, BTreeMap::len) as f64)
                }
                Some(e) => Val::Num(self.eval(e)?.text().chars().count() as f64),
            },
            "substr" => {
                let s: Vec<char> = self.arg(args, 0)?.text().chars().collect();
                let m = self.arg(args, 1)?.num().round();
                let n = if args.len() > 2 {
                    self.arg(args, 2)?.num().round()
                } else {
                    f64::INFINITY
                };
                let start = m.max(1.0);
                let end = (m + n).min(s.len() as f64 + 1.0);
                if end <= start {
                    Val::Str(String::new())
                } else {
                    Val::Str(
                        s.get(start as usize - 1..end as usize - 1)
                            .unwrap_or_default()
                            .iter()
                            .collect(),
                    )
                }
            }
            "index" => {
                let s = self.arg(args, 0)?.text();
                let t = self.arg(args, 1)?.text();
                Val::Num(
                    s.find(&t)
                        .map_or(0, |b| s.get(..b).unwrap_or_default().chars().count() + 1)
                        as f64,
                )
            }
            "split" => {
                let s = self.arg(args, 0)?.text();
                let Some(Expr::L(LVal::Var(arr))) = args.get(1) else {
                    return Err("split: second argument is not an array".into());
                };
                let parts: Vec<String> = match args.get(2) {
                    None => {
                        let fs = self.vars.get("FS").map(Val::text).unwrap_or_default();
                        if fs == " " {
                            s.split_whitespace().map(String::from).collect()
                        } else {
                            s.split(fs.as_str()).map(String::from).collect()
                        }
                    }
                    Some(Expr::Re(r)) => r.split(&s).map(String::from).collect(),
                    Some(e) => {
                        let sep = self.eval(e)?.text();
                        if sep == " " {
                            s.split_whitespace().map(String::from).collect()
                        } else if sep.chars().count() == 1 {
                            s.split(sep.as_str()).map(String::from).collect()
                        } else {
                            self.regex(&sep)?.split(&s).map(String::from).collect()
                        }
                    }
                };
                let parts = if s.is_empty() { Vec::new() } else { parts };
                let n = parts.len();
                let map = parts
                    .into_iter()
                    .enumerate()
                    .map(|(i, p)| ((i + 1).to_string(), Val::StrNum(p)))
                    .collect();
                self.arrays.insert(arr.clone(), map);
                Val::Num(n as f64)
            }
            "toupper" => Val::Str(self.arg(args, 0)?.text().to_uppercase()),
            "tolower" => Val::Str(self.arg(args, 0)?.text().to_lowercase()),
            "int" => Val::Num(self.arg(args, 0)?.num().trunc()),
            "sqrt" => Val::Num(self.arg(args, 0)?.num().sqrt()),
            "exp" => Val::Num(self.arg(args, 0)?.num().exp()),
            "log" => Val::Num(self.arg(args, 0)?.num().ln()),
            "sin" => Val::Num(self.arg(args, 0)?.num().sin()),
            "cos" => Val::Num(self.arg(args, 0)?.num().cos()),
            "sprintf" => {
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval(a)?);
                }
                let Some((fmt, rest)) = vals.split_first() else {
                    return Ok(Val::Str(String::new()));
                };
                Val::Str(sprintf(&fmt.text(), rest))
            }
            "sub" | "gsub" => {
                let Some(re_e) = args.first() else {
                    return Err(format!("{name}: missing arguments"));
                };
                let re = self.matcher(re_e)?;
                let rep = self.arg(args, 1)?.text();
                let target = match args.get(2) {
                    Some(Expr::L(lv)) => lv.clone(),
                    Some(_) => return Err(format!("{name}: third argument is not a variable")),
                    None => LVal::Field(Box::new(Expr::Num(0.0))),
                };
                let s = self.get(&target)?.text();
                let mut out = String::new();
                let mut last = 0;
                let mut n = 0;
                for m in re.find_iter(&s) {
                    out.push_str(s.get(last..m.start()).unwrap_or_default());
                    let mut it = rep.chars().peekable();
                    while let Some(c) = it.next() {
                        match c {
                            '\\' if it.peek() == Some(&'&') => {
                                out.push('&');
                                it.next();
                            }
                            '&' => out.push_str(m.as_str()),
                            _ => out.push(c),
                        }
                    }
                    last = m.end();
                    n += 1;
                    if name == "sub" {
                        break;
                    }
                }
                if n > 0 {
                    out.push_str(s.get(last..).unwrap_or_default());
                    self.set(&target, Val::Str(out))?;
                }
                Val::Num(n as f64)
            }
            "match" => {
                let s = self.arg(args, 0)?.text();
                let re = match args.get(1) {
                    Some(e) => self.matcher(e)?,
                    None => return Err("match: missing regexp".into()),
                };
                let (start, len) = match re.find(&s) {
                    Some(m) => (
                        s.get(..m.start()).unwrap_or_default().chars().count() as f64 + 1.0,
                        m.as_str().chars().count() as f64,
                    ),
                    None => (0.0, -1.0),
                };
                self.vars.insert("RSTART".into(), Val::Num(start));
                self.vars.insert("RLENGTH".into(), Val::Num(len));
                Val::Num(start)
            }
            "system" => return Err("system() is not available in this sandbox".into()),
            other => return Err(format!("function `{other}' not defined")),
        })
    }
}

fn arith(op: &str, a: f64, b: f64) -> R<f64> {
    Ok(match op {
        "+" => a + b,
        "-" => a - b,
        "*" => a * b,
        "/" if b == 0.0 => return Err("division by zero attempted".into()),
        "/" => a / b,
        "%" if b == 0.0 => return Err("division by zero attempted in `%'".into()),
        "%" => a % b,
        "^" => a.powf(b),
        _ => 0.0,
    })
}

/// awk's `printf`/`sprintf` formatting.
pub fn sprintf(fmt: &str, args: &[Val]) -> String {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut next = 0;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.get(i).filter(|f| "-+ 0#".contains(**f)) {
            flags.push(f);
            i += 1;
        }
        let mut width = 0usize;
        while let Some(d) = chars.get(i).and_then(|d| d.to_digit(10)) {
            width = (width * 10 + d as usize).min(4096);
            i += 1;
        }
        let mut prec: Option<usize> = None;
        if chars.get(i) == Some(&'.') {
            i += 1;
            let mut p = 0usize;
            while let Some(d) = chars.get(i).and_then(|d| d.to_digit(10)) {
                p = (p * 10 + d as usize).min(4096);
                i += 1;
            }
            prec = Some(p);
        }
        let Some(&conv) = chars.get(i) else {
            out.push('%');
            break;
        };
        i += 1;
        let arg = args
            .get(next)
            .cloned()
            .unwrap_or(Val::StrNum(String::new()));
        next += 1;
        let body = match conv {
            'd' | 'i' => {
                let n = arg.num().trunc() as i64;
                if flags.contains('+') && n >= 0 {
                    format!("+{n}")
                } else {
                    n.to_string()
                }
            }
            'x' => format!("{:x}", arg.num() as i64),
            'X' => format!("{:X}", arg.num() as i64),
            'o' => format!("{:o}", arg.num() as i64),
            'c' => match arg {
                Val::Num(n) => char::from_u32(n as u32)
                    .map(String::from)
                    .unwrap_or_default(),
                other => other
                    .text()
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default(),
            },
            'f' | 'F' => format!("{:.*}", prec.unwrap_or(6), arg.num()),
            'e' | 'E' => {
                let s = format!("{:.*e}", prec.unwrap_or(6), arg.num());
                let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                let e: i32 = e.parse().unwrap_or(0);
                format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            }
            'g' | 'G' => fmt_g(arg.num(), prec.unwrap_or(6)),
            's' => {
                let t = arg.text();
                match prec {
                    Some(p) => t.chars().take(p).collect(),
                    None => t,
                }
            }
            other => {
                next -= 1;
                format!("%{other}")
            }
        };
        let len = body.chars().count();
        if len >= width {
            out.push_str(&body);
        } else if flags.contains('-') {
            out.push_str(&body);
            out.push_str(&" ".repeat(width - len));
        } else if flags.contains('0') && conv != 's' && conv != 'c' {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_awk() {
        assert_eq!(num_text(3.0), "3");
        assert_eq!(num_text(0.5), "0.5");
        assert_eq!(fmt_g(1234567.0, 6), "1.23457e+06");
        assert_eq!(fmt_g(0.0001, 6), "0.0001");
        assert_eq!(num_prefix("12abc"), 12.0);
        assert_eq!(num_prefix("1e3x"), 1000.0);
    }
}
