//! awk's built-in functions: `length`, `substr`, `index`, `split`, `sub`, `gsub`, `match`, `sprintf`,
//! `toupper`, `tolower` and the numeric ones.

use super::super::parse::{Expr, LVal};
use super::super::value::{sprintf, Val};
use super::{Vm, R};
use std::collections::BTreeMap;

impl Vm {
    fn arg(&mut self, args: &[Expr], k: usize) -> R<Val> {
        match args.get(k) {
            Some(e) => self.eval(e),
            None => Ok(Val::StrNum(String::new())),
        }
    }

    pub(super) fn call(&mut self, name: &str, args: &[Expr]) -> R<Val> {
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
