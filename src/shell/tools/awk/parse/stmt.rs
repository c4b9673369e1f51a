//! awk statements: blocks, `print`/`printf` with redirection, `if`, `while`, `for`, `for (k in a)`,
//! `next`, `exit`, `delete`, `break`, `continue`.

use super::super::lex::Tok;
use super::{Stmt, MAX_DEPTH, P};

impl P {
    pub(super) fn block(&mut self) -> Result<Vec<Stmt>, String> {
        self.expect("{")?;
        let mut v = Vec::new();
        loop {
            self.skip_terms();
            if self.eat("}") {
                return Ok(v);
            }
            if self.peek().is_none() {
                return Err(self.err());
            }
            v.push(self.stmt()?);
        }
    }

    fn simple_or_block(&mut self) -> Result<Stmt, String> {
        self.skip_newlines();
        if self.peek() == Some(&Tok::Sym(";")) {
            self.i += 1;
            return Ok(Stmt::Block(Vec::new()));
        }
        self.stmt()
    }

    fn stmt(&mut self) -> Result<Stmt, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("program nests too deeply".into());
        }
        let s = self.stmt_inner();
        self.depth -= 1;
        s
    }

    fn stmt_inner(&mut self) -> Result<Stmt, String> {
        if self.peek() == Some(&Tok::Sym("{")) {
            return Ok(Stmt::Block(self.block()?));
        }
        let name = match self.peek() {
            Some(Tok::Name(n)) => n.clone(),
            _ => String::new(),
        };
        match name.as_str() {
            "print" | "printf" => {
                self.i += 1;
                let mut args = Vec::new();
                let paren = self.peek() == Some(&Tok::Sym("(")) && self.paren_is_whole_list();
                if paren {
                    self.i += 1;
                }
                while !matches!(
                    self.peek(),
                    None | Some(Tok::Newline | Tok::Sym(";" | "}" | ">" | ">>" | "|" | ")"))
                ) {
                    args.push(self.expr(!paren)?);
                    if !self.eat(",") {
                        break;
                    }
                    self.skip_newlines();
                }
                if paren {
                    self.expect(")")?;
                }
                let redirect = if self.eat(">>") {
                    Some((true, self.concat(true)?))
                } else if self.eat(">") {
                    Some((false, self.concat(true)?))
                } else {
                    None
                };
                if name == "print" {
                    Ok(Stmt::Print(args, redirect))
                } else {
                    Ok(Stmt::Printf(args, redirect))
                }
            }
            "if" => {
                self.i += 1;
                self.expect("(")?;
                let c = self.expr(false)?;
                self.expect(")")?;
                let then = self.simple_or_block()?;
                let save = self.i;
                self.skip_terms();
                if matches!(self.peek(), Some(Tok::Name(n)) if n == "else") {
                    self.i += 1;
                    let e = self.simple_or_block()?;
                    return Ok(Stmt::If(c, Box::new(then), Some(Box::new(e))));
                }
                self.i = save;
                Ok(Stmt::If(c, Box::new(then), None))
            }
            "while" => {
                self.i += 1;
                self.expect("(")?;
                let c = self.expr(false)?;
                self.expect(")")?;
                Ok(Stmt::While(c, Box::new(self.simple_or_block()?)))
            }
            "for" => {
                self.i += 1;
                self.expect("(")?;
                if let (
                    Some(Tok::Name(k)),
                    Some(Tok::Name(kw)),
                    Some(Tok::Name(arr)),
                    Some(Tok::Sym(")")),
                ) = (
                    self.t.get(self.i).cloned(),
                    self.t.get(self.i + 1).cloned(),
                    self.t.get(self.i + 2).cloned(),
                    self.t.get(self.i + 3).cloned(),
                ) {
                    if kw == "in" {
                        self.i += 4;
                        return Ok(Stmt::ForIn(k, arr, Box::new(self.simple_or_block()?)));
                    }
                }
                let init = if self.peek() == Some(&Tok::Sym(";")) {
                    None
                } else {
                    Some(Box::new(Stmt::Expr(self.expr(false)?)))
                };
                self.expect(";")?;
                let cond = if self.peek() == Some(&Tok::Sym(";")) {
                    None
                } else {
                    Some(self.expr(false)?)
                };
                self.expect(";")?;
                let step = if self.peek() == Some(&Tok::Sym(")")) {
                    None
                } else {
                    Some(Box::new(Stmt::Expr(self.expr(false)?)))
                };
                self.expect(")")?;
                Ok(Stmt::For(
                    init,
                    cond,
                    step,
                    Box::new(self.simple_or_block()?),
                ))
            }
            "next" => {
                self.i += 1;
                Ok(Stmt::Next)
            }
            "break" => {
                self.i += 1;
                Ok(Stmt::Break)
            }
            "continue" => {
                self.i += 1;
                Ok(Stmt::Continue)
            }
            "exit" => {
                self.i += 1;
                let code = if matches!(self.peek(), None | Some(Tok::Newline | Tok::Sym(";" | "}")))
                {
                    None
                } else {
                    Some(self.expr(false)?)
                };
                Ok(Stmt::Exit(code))
            }
            "delete" => {
                self.i += 1;
                let Some(Tok::Name(arr)) = self.peek().cloned() else {
                    return Err(self.err());
                };
                self.i += 1;
                let key = if self.eat("[") {
                    let k = self.expr(false)?;
                    self.expect("]")?;
                    Some(k)
                } else {
                    None
                };
                Ok(Stmt::Delete(arr, key))
            }
            _ => Ok(Stmt::Expr(self.expr(false)?)),
        }
    }

    /// Whether `print (` opens a parenthesised argument list rather than a grouped first expression.
    fn paren_is_whole_list(&self) -> bool {
        let mut depth = 0i32;
        let mut k = self.i;
        while let Some(t) = self.t.get(k) {
            match t {
                Tok::Sym("(") => depth += 1,
                Tok::Sym(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return matches!(
                            self.t.get(k + 1),
                            None | Some(Tok::Newline | Tok::Sym(";" | "}" | ">" | ">>" | "|"))
                        );
                    }
                }
                _ => {}
            }
            k += 1;
        }
        false
    }
}
