//! The compound commands: `{ ...; }`, `for`, `while`/`until`, `if` and `case`. Their reserved words count only
//! where a command starts, as in bash.

use super::{unexpected, Command, Compound, List, Parser, EOF, MAX_NESTING};
use crate::shell::lexer::{Op, Token};

/// Words that close or continue a compound command; a command cannot start with one.
const CLOSERS: &[&str] = &["do", "done", "then", "elif", "else", "fi", "}", "esac"];

impl Parser {
    /// Parses a compound command if one starts here.
    pub(super) fn compound(&mut self) -> Result<Option<Compound>, String> {
        let word = match self.peek() {
            Some(Token::Word(w)) => w.plain().map(String::from),
            _ => None,
        };
        let Some(word) = word else { return Ok(None) };
        if CLOSERS.contains(&word.as_str()) {
            let t = self.peek().unwrap_or(Token::Op(Op::Newline));
            return Err(unexpected(&t));
        }
        if !matches!(
            word.as_str(),
            "for" | "while" | "until" | "if" | "{" | "case"
        ) {
            return Ok(None);
        }
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("maximum nesting depth exceeded".into());
        }
        self.next();
        let c = match word.as_str() {
            "for" => self.for_loop()?,
            "case" => self.case()?,
            "while" | "until" => {
                let cond = self.nonempty_list(&["do"])?;
                self.expect_word("do")?;
                let body = self.nonempty_list(&["done"])?;
                self.expect_word("done")?;
                Compound::While {
                    until: word == "until",
                    cond,
                    body,
                }
            }
            "if" => {
                let mut branches = Vec::new();
                let mut otherwise = None;
                loop {
                    let cond = self.nonempty_list(&["then"])?;
                    self.expect_word("then")?;
                    let body = self.nonempty_list(&["elif", "else", "fi"])?;
                    branches.push((cond, body));
                    match self.next() {
                        Some(Token::Word(w)) if w.plain() == Some("elif") => continue,
                        Some(Token::Word(w)) if w.plain() == Some("else") => {
                            otherwise = Some(self.nonempty_list(&["fi"])?);
                            self.expect_word("fi")?;
                            break;
                        }
                        Some(Token::Word(w)) if w.plain() == Some("fi") => break,
                        Some(t) => return Err(unexpected(&t)),
                        None => return Err(EOF.into()),
                    }
                }
                Compound::If {
                    branches,
                    otherwise,
                }
            }
            _ => {
                let body = self.nonempty_list(&["}"])?;
                self.expect_word("}")?;
                Compound::Group(body)
            }
        };
        self.depth -= 1;
        Ok(Some(c))
    }

    fn for_loop(&mut self) -> Result<Compound, String> {
        let var = match self.next() {
            Some(Token::Word(w)) => match w.plain() {
                Some(n)
                    if n.chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                        && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    n.to_string()
                }
                _ => {
                    return Err(format!(
                        "`{}': not a valid identifier",
                        Token::Word(w).text()
                    ))
                }
            },
            Some(t) => return Err(unexpected(&t)),
            None => return Err(EOF.into()),
        };
        self.skip_newlines();
        let mut words = Vec::new();
        if self.at_word(&["in"]) {
            self.next();
            loop {
                match self.next() {
                    Some(Token::Word(w)) => words.push(w),
                    Some(Token::Op(Op::Semi | Op::Newline)) => break,
                    Some(t) => return Err(unexpected(&t)),
                    None => return Err(EOF.into()),
                }
            }
        } else if self.peek_op() == Some(Op::Semi) {
            self.next();
        }
        self.skip_newlines();
        self.expect_word("do")?;
        let body = self.nonempty_list(&["done"])?;
        self.expect_word("done")?;
        Ok(Compound::For { var, words, body })
    }

    /// `NAME() COMPOUND` or `function NAME [()] COMPOUND`, if one starts here.
    pub(super) fn function(&mut self) -> Result<Option<Command>, String> {
        if !self.spliced.is_empty() {
            return Ok(None);
        }
        let word = |t: Option<&Token>| match t {
            Some(Token::Word(w)) => w.plain().map(String::from),
            _ => None,
        };
        let valid = |n: &str| {
            n.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        let at = |k: usize| self.tokens.get(self.pos + k);
        let parens = |k: usize| {
            at(k) == Some(&Token::Op(Op::LParen)) && at(k + 1) == Some(&Token::Op(Op::RParen))
        };
        let (name, skip) = match word(at(0)) {
            Some(kw) if kw == "function" => match word(at(1)) {
                Some(n) if valid(&n) => (n, if parens(2) { 4 } else { 2 }),
                _ => return Ok(None),
            },
            Some(n) if valid(&n) && parens(1) => (n, 3),
            _ => return Ok(None),
        };
        for _ in 0..skip {
            self.next();
        }
        self.skip_newlines();
        match self.compound()? {
            Some(body) => Ok(Some(Command::Function(name, Box::new(body)))),
            None => Err(match self.peek() {
                Some(t) => unexpected(&t),
                None => EOF.into(),
            }),
        }
    }

    fn case(&mut self) -> Result<Compound, String> {
        let word = match self.next() {
            Some(Token::Word(w)) => w,
            Some(t) => return Err(unexpected(&t)),
            None => return Err(EOF.into()),
        };
        self.skip_newlines();
        self.expect_word("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines();
            if self.at_word(&["esac"]) {
                self.next();
                break;
            }
            if self.peek_op() == Some(Op::LParen) {
                self.next();
            }
            let mut patterns = Vec::new();
            loop {
                match self.next() {
                    Some(Token::Word(w)) => patterns.push(w),
                    Some(t) => return Err(unexpected(&t)),
                    None => return Err(EOF.into()),
                }
                match self.next() {
                    Some(Token::Op(Op::Pipe)) => continue,
                    Some(Token::Op(Op::RParen)) => break,
                    Some(t) => return Err(unexpected(&t)),
                    None => return Err(EOF.into()),
                }
            }
            self.in_case += 1;
            let body = self.list(false, &["esac"]);
            self.in_case -= 1;
            arms.push((patterns, body?));
            self.skip_newlines();
            if self.peek_op() == Some(Op::DSemi) {
                self.next();
                continue;
            }
            self.expect_word("esac")?;
            break;
        }
        Ok(Compound::Case { word, arms })
    }

    fn nonempty_list(&mut self, stops: &[&str]) -> Result<List, String> {
        let list = self.list(false, stops)?;
        if list.items.is_empty() {
            return Err(match self.peek() {
                Some(t) => unexpected(&t),
                None => EOF.into(),
            });
        }
        Ok(list)
    }

    fn expect_word(&mut self, word: &str) -> Result<(), String> {
        match self.next() {
            Some(Token::Word(w)) if w.plain() == Some(word) => Ok(()),
            Some(t) => Err(unexpected(&t)),
            None => Err(EOF.into()),
        }
    }
}
