//! Reading one word: quotes, escapes and the `$`/backquote expansions inside it, kept as parts so
//! that expansion knows what was quoted.

use super::{eof_quote, is_meta, Lexed, Lexer, Part, Word};

impl Lexer<'_> {
    /// Reads one word up to an unquoted metacharacter.
    pub(super) fn word(&mut self) -> Result<Word, String> {
        let mut parts: Vec<Part> = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit(std::mem::take(lit)));
            }
        };
        if self.peek() == Some('~') && matches!(self.at(1), None | Some('/'))
            || self.peek() == Some('~') && self.at(1).is_some_and(is_meta)
        {
            self.i += 1;
            parts.push(Part::Tilde);
        }
        while let Some(c) = self.peek() {
            if c == '<' && self.at(1) == Some('(') {
                flush(&mut lit, &mut parts);
                self.i += 2;
                let src = self.until_paren()?;
                parts.push(Part::Proc(src));
                continue;
            }
            if is_meta(c) {
                break;
            }
            match c {
                '\\' => {
                    self.i += 1;
                    match self.peek() {
                        Some('\n') => self.i += 1,
                        Some(n) => {
                            flush(&mut lit, &mut parts);
                            parts.push(Part::Quoted(n.to_string()));
                            self.i += 1;
                        }
                        None => lit.push('\\'),
                    }
                }
                '\'' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    let start = self.i;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.i += 1;
                    }
                    if self.peek().is_none() {
                        return Err(eof_quote('\''));
                    }
                    parts.push(Part::Quoted(
                        self.s
                            .get(start..self.i)
                            .unwrap_or_default()
                            .iter()
                            .collect(),
                    ));
                    self.i += 1;
                }
                '"' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    self.double_quoted(&mut parts)?;
                }
                '$' => {
                    if let Some(p) = self.dollar(false)? {
                        flush(&mut lit, &mut parts);
                        parts.push(p);
                    } else {
                        lit.push('$');
                    }
                }
                '`' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    let src = self.until_backtick()?;
                    parts.push(Part::Cmd { src, quoted: false });
                }
                _ => {
                    lit.push(c);
                    self.i += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word { parts })
    }

    fn double_quoted(&mut self, parts: &mut Vec<Part>) -> Result<(), String> {
        let mut text = String::new();
        let mut any = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(eof_quote('"'));
            };
            match c {
                '"' => {
                    self.i += 1;
                    break;
                }
                '\\' => {
                    match self.at(1) {
                        Some('\n') => {}
                        Some(n @ ('$' | '`' | '"' | '\\')) => text.push(n),
                        Some(n) => {
                            text.push('\\');
                            text.push(n);
                        }
                        None => return Err(eof_quote('"')),
                    }
                    self.i += 2;
                }
                '$' => match self.dollar(true)? {
                    Some(p) => {
                        if !text.is_empty() {
                            parts.push(Part::Quoted(std::mem::take(&mut text)));
                        }
                        parts.push(p);
                        any = true;
                    }
                    None => text.push('$'),
                },
                '`' => {
                    self.i += 1;
                    let src = self.until_backtick()?;
                    if !text.is_empty() {
                        parts.push(Part::Quoted(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Cmd { src, quoted: true });
                    any = true;
                }
                _ => {
                    text.push(c);
                    self.i += 1;
                }
            }
        }
        if !text.is_empty() || !any {
            parts.push(Part::Quoted(text));
        }
        Ok(())
    }

    /// Reads an expansion at `$`; `None` when the `$` is literal.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, String> {
        match self.at(1) {
            Some('(') if self.at(2) == Some('(') => {
                self.i += 3;
                let src = self.until_paren()?;
                if self.peek() != Some(')') {
                    return Err(eof_quote(')'));
                }
                self.i += 1;
                Ok(Some(Part::Arith { src, quoted }))
            }
            Some('(') => {
                self.i += 2;
                let src = self.until_paren()?;
                Ok(Some(Part::Cmd { src, quoted }))
            }
            Some('{') => {
                self.i += 2;
                let start = self.i;
                while self.peek().is_some_and(|c| c != '}') {
                    self.i += 1;
                }
                if self.peek().is_none() {
                    return Err(eof_quote('}'));
                }
                let inner: String = self
                    .s
                    .get(start..self.i)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                self.i += 1;
                Ok(Some(param(&inner, quoted)))
            }
            Some(c) if c.is_ascii_alphabetic() || c == '_' => {
                self.i += 1;
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.i += 1;
                }
                let name = self
                    .s
                    .get(start..self.i)
                    .unwrap_or_default()
                    .iter()
                    .collect();
                Ok(Some(Part::Var { name, quoted }))
            }
            Some(c) if c.is_ascii_digit() || "?$#@*!-".contains(c) => {
                self.i += 2;
                Ok(Some(Part::Var {
                    name: c.to_string(),
                    quoted,
                }))
            }
            _ => {
                self.i += 1;
                Ok(None)
            }
        }
    }

    /// Reads up to the `)` closing an already-consumed `(`, returning the text between.
    fn until_paren(&mut self) -> Result<String, String> {
        let start = self.i;
        let mut depth = 1usize;
        while let Some(c) = self.peek() {
            match c {
                '\\' => self.i += 1,
                '\'' => {
                    self.i += 1;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.i += 1;
                    }
                }
                '"' => {
                    self.i += 1;
                    while let Some(c) = self.peek() {
                        if c == '\\' {
                            self.i += 1;
                        } else if c == '"' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let src = self
                            .s
                            .get(start..self.i)
                            .unwrap_or_default()
                            .iter()
                            .collect();
                        self.i += 1;
                        return Ok(src);
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
        Err(eof_quote(')'))
    }

    fn until_backtick(&mut self) -> Result<String, String> {
        let mut src = String::new();
        loop {
            match self.peek() {
                None => return Err(eof_quote('`')),
                Some('`') => {
                    self.i += 1;
                    return Ok(src);
                }
                Some('\\') if matches!(self.at(1), Some('`' | '\\' | '$')) => {
                    src.extend(self.at(1));
                    self.i += 2;
                }
                Some(c) => {
                    src.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

/// Parses the inside of `${...}`.
fn param(inner: &str, quoted: bool) -> Part {
    if let Some(name) = inner.strip_prefix('#') {
        if !name.is_empty() {
            return Part::Param {
                name: name.to_string(),
                op: "len".into(),
                arg: String::new(),
                quoted,
            };
        }
    }
    let end = inner
        .char_indices()
        .find(|(i, c)| {
            !(c.is_ascii_alphanumeric() || *c == '_' || (*i == 0 && "?$#@*!".contains(*c)))
        })
        .map_or(inner.len(), |(i, _)| i);
    let (name, rest) = inner.split_at(end);
    if rest.is_empty() {
        return Part::Var {
            name: name.to_string(),
            quoted,
        };
    }
    for op in [":-", ":=", ":+", "-", "=", "+", "##", "#", "%%", "%", "/"] {
        if let Some(arg) = rest.strip_prefix(op) {
            return Part::Param {
                name: name.to_string(),
                op: op.into(),
                arg: arg.to_string(),
                quoted,
            };
        }
    }
    Part::Param {
        name: name.to_string(),
        op: "bad".into(),
        arg: inner.to_string(),
        quoted,
    }
}

/// Parses text with only `$` and backquote expansions live, as a here-document body or the word of
/// `${VAR:-word}` is read; every literal piece is quoted.
pub fn expandable(src: &str) -> Vec<Part> {
    let chars: Vec<char> = src.chars().collect();
    let mut lx = Lexer {
        s: &chars,
        i: 0,
        out: Lexed::default(),
        pending: Vec::new(),
        line: 1,
    };
    let mut parts = Vec::new();
    let mut text = String::new();
    while let Some(c) = lx.peek() {
        match c {
            '\\' if matches!(lx.at(1), Some('$' | '`' | '\\')) => {
                text.extend(lx.at(1));
                lx.i += 2;
            }
            '\\' if lx.at(1) == Some('\n') => lx.i += 2,
            '$' | '`' => {
                let save = lx.i;
                let part = if c == '$' {
                    lx.dollar(true)
                } else {
                    lx.i += 1;
                    lx.until_backtick()
                        .map(|src| Some(Part::Cmd { src, quoted: true }))
                };
                match part {
                    Ok(Some(p)) => {
                        if !text.is_empty() {
                            parts.push(Part::Quoted(std::mem::take(&mut text)));
                        }
                        parts.push(p);
                    }
                    Ok(None) => text.push('$'),
                    Err(_) => {
                        lx.i = save + 1;
                        text.push(c);
                    }
                }
            }
            _ => {
                text.push(c);
                lx.i += 1;
            }
        }
    }
    if !text.is_empty() {
        parts.push(Part::Quoted(text));
    }
    parts
}
