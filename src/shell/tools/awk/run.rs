//! Runs a parsed awk program over its input records, under a step budget.

mod funcs;

use super::parse::{Expr, LVal, Pattern, Program, Stmt};
use super::value::{fmt_g, sprintf, Val};
use regex::Regex;
use std::collections::BTreeMap;

/// The most statements and expressions one awk run may evaluate.
const MAX_STEPS: u64 = 1_000_000;
/// The most text one awk run may print.
const MAX_OUT: usize = 32 << 20;

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
