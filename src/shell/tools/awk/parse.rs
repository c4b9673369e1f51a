//! The awk language: tokens, then a recursive-descent parser into rules, statements and expressions.

mod stmt;

use super::lex::{tokenize, Tok};
use regex::Regex;

/// An lvalue: a variable, an array element or a field.
#[derive(Debug, Clone)]
pub enum LVal {
    Var(String),
    Index(String, Box<Expr>),
    Field(Box<Expr>),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Num(f64),
    Str(String),
    /// A bare `/re/`: matches `$0`.
    Re(Regex),
    L(LVal),
    Assign(Option<&'static str>, LVal, Box<Expr>),
    /// `++x`/`x++` (`pre`, delta).
    Incr(bool, f64, LVal),
    Bin(&'static str, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Match(bool, Box<Expr>, Box<Expr>),
    Concat(Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, String),
    Call(String, Vec<Expr>),
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Print(Vec<Expr>, Option<(bool, Expr)>),
    Printf(Vec<Expr>, Option<(bool, Expr)>),
    Expr(Expr),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    While(Expr, Box<Stmt>),
    For(
        Option<Box<Stmt>>,
        Option<Expr>,
        Option<Box<Stmt>>,
        Box<Stmt>,
    ),
    ForIn(String, String, Box<Stmt>),
    Block(Vec<Stmt>),
    Next,
    Exit(Option<Expr>),
    Delete(String, Option<Expr>),
    Break,
    Continue,
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Begin,
    End,
    All,
    Expr(Expr),
}

/// A whole program: its rules in order.
#[derive(Debug, Clone)]
pub struct Program {
    pub rules: Vec<(Pattern, Vec<Stmt>)>,
}

const MAX_DEPTH: usize = 100;

/// Most operators one program may chain; left-associative chains nest, and evaluation recurses.
const MAX_NODES: usize = 400;

struct P {
    t: Vec<Tok>,
    i: usize,
    depth: usize,
    nodes: usize,
}

/// Parses an awk program.
pub fn parse(src: &str) -> Result<Program, String> {
    let mut p = P {
        t: tokenize(src)?,
        i: 0,
        depth: 0,
        nodes: 0,
    };
    let mut rules = Vec::new();
    loop {
        p.skip_terms();
        if p.peek().is_none() {
            break;
        }
        let pattern = match p.peek() {
            Some(Tok::Name(n)) if n == "BEGIN" => {
                p.i += 1;
                Pattern::Begin
            }
            Some(Tok::Name(n)) if n == "END" => {
                p.i += 1;
                Pattern::End
            }
            Some(Tok::Sym("{")) => Pattern::All,
            _ => Pattern::Expr(p.expr(false)?),
        };
        let body = if p.peek() == Some(&Tok::Sym("{")) {
            p.block()?
        } else if matches!(pattern, Pattern::Begin | Pattern::End) {
            return Err(p.err());
        } else {
            vec![Stmt::Print(Vec::new(), None)]
        };
        rules.push((pattern, body));
    }
    Ok(Program { rules })
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.i)
    }

    fn err(&self) -> String {
        match self.peek() {
            Some(t) => format!("syntax error at {t:?}"),
            None => "syntax error: unexpected end of program".into(),
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, s: &str) -> Result<(), String> {
        if self.eat(s) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn node(&mut self) -> Result<(), String> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Err("program too long".into());
        }
        Ok(())
    }

    fn skip_terms(&mut self) {
        while matches!(self.peek(), Some(Tok::Newline | Tok::Sym(";"))) {
            self.i += 1;
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.i += 1;
        }
    }

    /// An expression; `no_gt` keeps `>` for print's redirection.
    fn expr(&mut self, no_gt: bool) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("expression nests too deeply".into());
        }
        let e = self.ternary(no_gt);
        self.depth -= 1;
        e
    }

    fn ternary(&mut self, no_gt: bool) -> Result<Expr, String> {
        let c = self.or(no_gt)?;
        if self.eat("?") {
            let a = self.expr(no_gt)?;
            self.expect(":")?;
            let b = self.expr(no_gt)?;
            return Ok(Expr::Cond(Box::new(c), Box::new(a), Box::new(b)));
        }
        if let Some(Tok::Sym(op @ ("=" | "+=" | "-=" | "*=" | "/=" | "%=" | "^="))) =
            self.peek().cloned()
        {
            if let Some(lv) = as_lval(&c) {
                self.i += 1;
                let rhs = self.expr(no_gt)?;
                let op = if op == "=" { None } else { Some(op) };
                return Ok(Expr::Assign(op, lv, Box::new(rhs)));
            }
        }
        Ok(c)
    }

    fn or(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut l = self.and(no_gt)?;
        while self.eat("||") {
            self.skip_newlines();
            self.node()?;
            l = Expr::Bin("||", Box::new(l), Box::new(self.and(no_gt)?));
        }
        Ok(l)
    }

    fn and(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut l = self.in_(no_gt)?;
        while self.eat("&&") {
            self.skip_newlines();
            self.node()?;
            l = Expr::Bin("&&", Box::new(l), Box::new(self.in_(no_gt)?));
        }
        Ok(l)
    }

    fn in_(&mut self, no_gt: bool) -> Result<Expr, String> {
        let l = self.matching(no_gt)?;
        if matches!(self.peek(), Some(Tok::Name(n)) if n == "in") {
            self.i += 1;
            let Some(Tok::Name(arr)) = self.peek().cloned() else {
                return Err(self.err());
            };
            self.i += 1;
            return Ok(Expr::In(Box::new(l), arr));
        }
        Ok(l)
    }

    fn matching(&mut self, no_gt: bool) -> Result<Expr, String> {
        let mut l = self.compare(no_gt)?;
        loop {
            let neg = if self.eat("~") {
                false
            } else if self.eat("!~") {
                true
            } else {
                return Ok(l);
            };
            self.node()?;
            l = Expr::Match(neg, Box::new(l), Box::new(self.compare(no_gt)?));
        }
    }

    fn compare(&mut self, no_gt: bool) -> Result<Expr, String> {
        let l = self.concat(no_gt)?;
        for op in ["==", "!=", "<=", ">=", "<", ">"] {
            if no_gt && op == ">" {
                continue;
            }
            if self.eat(op) {
                let r = self.concat(no_gt)?;
                return Ok(Expr::Bin(op, Box::new(l), Box::new(r)));
            }
        }
        Ok(l)
    }

    fn concat(&mut self, _no_gt: bool) -> Result<Expr, String> {
        let mut l = self.additive()?;
        while matches!(
            self.peek(),
            Some(
                Tok::Num(_)
                    | Tok::Str(_)
                    | Tok::Name(_)
                    | Tok::Func(_)
                    | Tok::Sym("$" | "(" | "++" | "--")
            )
        ) && !matches!(self.peek(), Some(Tok::Name(n)) if n == "in")
        {
            self.node()?;
            l = Expr::Concat(Box::new(l), Box::new(self.additive()?));
        }
        Ok(l)
    }

    fn additive(&mut self) -> Result<Expr, String> {
        let mut l = self.multiplicative()?;
        loop {
            let op = if self.eat("+") {
                "+"
            } else if self.eat("-") {
                "-"
            } else {
                return Ok(l);
            };
            self.node()?;
            l = Expr::Bin(op, Box::new(l), Box::new(self.multiplicative()?));
        }
    }

    fn multiplicative(&mut self) -> Result<Expr, String> {
        let mut l = self.unary()?;
        loop {
            let op = if self.eat("*") {
                "*"
            } else if self.eat("/") {
                "/"
            } else if self.eat("%") {
                "%"
            } else {
                return Ok(l);
            };
            self.node()?;
            l = Expr::Bin(op, Box::new(l), Box::new(self.unary()?));
        }
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("expression nests too deeply".into());
        }
        let e = if self.eat("!") {
            self.unary().map(|e| Expr::Not(Box::new(e)))
        } else if self.eat("-") {
            self.unary().map(|e| Expr::Neg(Box::new(e)))
        } else if self.eat("+") {
            self.unary()
                .map(|e| Expr::Bin("+", Box::new(Expr::Num(0.0)), Box::new(e)))
        } else {
            self.power()
        };
        self.depth -= 1;
        e
    }

    fn power(&mut self) -> Result<Expr, String> {
        let base = self.postfix()?;
        if self.eat("^") {
            let exp = self.unary()?;
            return Ok(Expr::Bin("^", Box::new(base), Box::new(exp)));
        }
        Ok(base)
    }

    fn postfix(&mut self) -> Result<Expr, String> {
        let pre = if self.eat("++") {
            Some(1.0)
        } else if self.eat("--") {
            Some(-1.0)
        } else {
            None
        };
        if let Some(delta) = pre {
            let e = self.primary()?;
            let lv = as_lval(&e).ok_or_else(|| self.err())?;
            return Ok(Expr::Incr(true, delta, lv));
        }
        let e = self.primary()?;
        if let Some(lv) = as_lval(&e) {
            if self.eat("++") {
                return Ok(Expr::Incr(false, 1.0, lv));
            }
            if self.eat("--") {
                return Ok(Expr::Incr(false, -1.0, lv));
            }
        }
        Ok(e)
    }

    fn primary(&mut self) -> Result<Expr, String> {
        let Some(t) = self.peek().cloned() else {
            return Err(self.err());
        };
        self.i += 1;
        match t {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Re(r) => {
                let re = regex::RegexBuilder::new(&super::super::grep::posix_to_regex(&r, true))
                    .size_limit(1 << 22)
                    .build()
                    .map_err(|_| format!("invalid regexp /{r}/"))?;
                Ok(Expr::Re(re))
            }
            Tok::Sym("$") => {
                let e = self.postfix_free_primary()?;
                Ok(Expr::L(LVal::Field(Box::new(e))))
            }
            Tok::Sym("(") => {
                let e = self.expr(false)?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Func(name) => {
                self.expect("(")?;
                let mut args = Vec::new();
                if !self.eat(")") {
                    loop {
                        args.push(self.expr(false)?);
                        if self.eat(")") {
                            break;
                        }
                        self.expect(",")?;
                    }
                }
                Ok(Expr::Call(name, args))
            }
            Tok::Name(n) => {
                if n == "length" {
                    return Ok(Expr::Call(n, Vec::new()));
                }
                if self.eat("[") {
                    let mut k = self.expr(false)?;
                    while self.eat(",") {
                        let next = self.expr(false)?;
                        k = Expr::Concat(
                            Box::new(Expr::Concat(
                                Box::new(k),
                                Box::new(Expr::Str("\u{1c}".into())),
                            )),
                            Box::new(next),
                        );
                    }
                    self.expect("]")?;
                    return Ok(Expr::L(LVal::Index(n, Box::new(k))));
                }
                Ok(Expr::L(LVal::Var(n)))
            }
            _ => {
                self.i -= 1;
                Err(self.err())
            }
        }
    }

    /// What follows `$`: a number, a name, `$` again or a parenthesised expression.
    fn postfix_free_primary(&mut self) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("expression nests too deeply".into());
        }
        let e = if self.eat("-") {
            self.primary().map(|e| Expr::Neg(Box::new(e)))
        } else {
            self.primary()
        };
        self.depth -= 1;
        e
    }
}

fn as_lval(e: &Expr) -> Option<LVal> {
    match e {
        Expr::L(lv) => Some(lv.clone()),
        _ => None,
    }
}
