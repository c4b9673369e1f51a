//! Parsing kubectl's JSONPath templates the way client-go's parser does, errors included.

use crate::kubectl::printers::gofmt::format_sharp_u;

/// One of an array node's `start:end:step` parameters.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct Param {
    pub(super) value: i64,
    pub(super) known: bool,
    pub(super) derived: bool,
}

/// A template node, as client-go's parser builds them.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Node {
    List(Vec<Node>),
    Text(String),
    Field(String),
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

struct Parser {
    input: Vec<char>,
    pos: usize,
    start: usize,
    width: usize,
    /// Nesting level of this parser (sub-parsers parse unions, dictionary keys and filters).
    depth: usize,
}

fn is_terminator(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => matches!(
            c,
            ' ' | '\t' | '\r' | '\n' | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
        ),
    }
}

fn is_alphanumeric(c: char) -> bool {
    c == '_' || c.is_alphabetic() || c.is_numeric()
}

/// How deeply unions, dictionary keys and filters may nest inside each other.
pub(super) const MAX_NESTING: usize = 64;

/// Parses a whole template into its top-level nodes: text, and one list per `{...}` action.
pub(super) fn parse(text: &str) -> Result<Vec<Node>, String> {
    parse_nested(text, 0)
}

pub(super) fn parse_nested(text: &str, depth: usize) -> Result<Vec<Node>, String> {
    if depth > MAX_NESTING {
        return Err("jsonpath template nested too deeply".into());
    }
    let mut p = Parser {
        input: text.chars().collect(),
        pos: 0,
        start: 0,
        width: 0,
        depth,
    };
    let mut root = Vec::new();
    loop {
        let mut at_action = false;
        loop {
            if p.has_prefix("{") {
                at_action = true;
                break;
            }
            if p.next().is_none() {
                break;
            }
        }
        if p.pos > p.start {
            root.push(Node::Text(p.consume()));
        }
        if !at_action {
            return Ok(root);
        }
        p.pos += 1;
        p.consume();
        let mut cur = Vec::new();
        let result = p.inside_action(&mut cur);
        root.push(Node::List(cur));
        result?;
    }
}

/// Parses `{text}` one level deeper and returns the nodes of its action (client-go's `parseAction`).
fn parse_action(text: &str, depth: usize) -> Result<Vec<Node>, String> {
    let root = parse_nested(&format!("{{{text}}}"), depth + 1)?;
    match root.into_iter().next() {
        Some(Node::List(nodes)) => Ok(nodes),
        _ => Ok(Vec::new()),
    }
}

fn regex(
    cell: &'static std::sync::OnceLock<Option<regex::Regex>>,
    pattern: &str,
) -> Option<&'static regex::Regex> {
    cell.get_or_init(|| regex::Regex::new(pattern).ok())
        .as_ref()
}

impl Parser {
    fn next(&mut self) -> Option<char> {
        match self.input.get(self.pos) {
            Some(&c) => {
                self.pos += 1;
                self.width = 1;
                Some(c)
            }
            None => {
                self.width = 0;
                None
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.input.get(self.pos).copied()
    }

    fn backup(&mut self) {
        self.pos -= self.width.min(self.pos);
    }

    fn consume(&mut self) -> String {
        let s: String = self.input[self.start.min(self.pos)..self.pos]
            .iter()
            .collect();
        self.start = self.pos;
        s
    }

    fn has_prefix(&self, prefix: &str) -> bool {
        (self.pos..)
            .zip(prefix.chars())
            .all(|(i, c)| self.input.get(i) == Some(&c))
    }

    /// Parses nodes inside an action up to and including its closing `}`.
    fn inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.has_prefix("}") {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if self.has_prefix("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if self.has_prefix("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            match self.next() {
                None | Some('\r') | Some('\n') => return Err("unclosed action".into()),
                Some(' ') | Some('@') | Some('$') => {
                    self.consume();
                }
                Some('[') => self.parse_array(cur)?,
                Some(q @ ('"' | '\'')) => self.parse_quote(cur, q)?,
                Some('.') => self.parse_field(cur),
                Some(c) if c == '+' || c == '-' || c.is_ascii_digit() => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                Some(c) if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                Some(c) => {
                    return Err(format!(
                        "unrecognized character in action: {}",
                        format_sharp_u(c)
                    ))
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        cur.push(match value.as_str() {
            "true" => Node::Bool(true),
            "false" => Node::Bool(false),
            _ => Node::Identifier(value),
        });
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if matches!(self.peek(), Some('+' | '-')) {
            self.next();
        }
        loop {
            match self.next() {
                Some(c) if c == '.' || c.is_ascii_digit() => {}
                _ => {
                    self.backup();
                    break;
                }
            }
        }
        let value = self.consume();
        if let Ok(i) = value.parse::<i64>() {
            cur.push(Node::Int(i));
        } else if let Ok(f) = value.parse::<f64>() {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {value}"));
        }
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) {
        self.consume();
        loop {
            let r = self.next();
            if r == Some('\\') {
                self.next();
            } else if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let value = self.consume();
        if value == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(value.replace('\\', "")));
        }
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if cur.last() == Some(&Node::Recursive) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume();
        cur.push(Node::Recursive);
        if self.peek().is_some_and(is_alphanumeric) {
            self.parse_field(cur);
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated quoted string".into()),
                Some('\\') => match self.next() {
                    Some(r) if r != '\n' => {}
                    _ => break,
                },
                Some(c) if c == end => break,
                _ => {}
            }
        }
        let value = self.consume();
        let s = unquote_extend(&value)
            .ok_or_else(|| format!("unquote string {value} error invalid syntax"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated array".into()),
                Some(']') => break,
                _ => {}
            }
        }
        let text = self.consume();
        // The text runs from the opening `[` to the closing `]`.
        let inner = text.strip_prefix('[').unwrap_or(&text);
        let inner = inner.strip_suffix(']').unwrap_or(inner);
        let inner = if inner == "*" { ":" } else { inner };

        let parts: Vec<&str> = inner.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for part in parts {
                union.push(parse_action(
                    &format!("[{}]", part.trim_matches(' ')),
                    self.depth,
                )?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }

        static DICT_KEY: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
        if let Some(caps) = regex(&DICT_KEY, r"^'([^']*)'$").and_then(|r| r.captures(inner)) {
            let key = caps.get(1).map(|m| m.as_str()).unwrap_or("");
            cur.extend(parse_action(&format!(".{key}"), self.depth)?);
            return Ok(());
        }

        static SLICE: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
        let Some(caps) =
            regex(&SLICE, r"^(-?[0-9]*)(:-?[0-9]*)?(:-?[0-9]*)?$").and_then(|r| r.captures(inner))
        else {
            return Err(format!("invalid array index {inner}"));
        };
        let mut params = [Param::default(); 3];
        for i in 0..3 {
            let raw = caps.get(i + 1).map(|m| m.as_str()).unwrap_or("");
            if !raw.is_empty() {
                let raw = if i > 0 { &raw[1..] } else { raw };
                if i > 0 && raw.is_empty() {
                    params[i].known = false;
                } else {
                    params[i].known = true;
                    params[i].value = raw
                        .parse::<i64>()
                        .map_err(|_| format!("array index {raw} is not a number"))?;
                }
            } else if i == 1 {
                params[i] = Param {
                    value: params[0].value.wrapping_add(1),
                    known: true,
                    derived: true,
                };
            } else {
                params[i] = Param::default();
            }
        }
        cur.push(Node::Array(params));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let (mut begin, mut end, mut pair) = (false, false, '\0');
        loop {
            match self.next() {
                None | Some('\n') => return Err("unterminated filter".into()),
                Some(q @ ('"' | '\'')) => {
                    if !begin {
                        begin = true;
                        pair = q;
                        continue;
                    }
                    let before = self
                        .pos
                        .checked_sub(2)
                        .and_then(|i| self.input.get(i))
                        .copied();
                    if before != Some('\\') && q == pair {
                        end = true;
                    }
                }
                Some(')') if begin == end => break,
                _ => {}
            }
        }
        if self.next() != Some(']') {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume();
        let text: String = {
            let chars: Vec<char> = text.chars().collect();
            chars[..chars.len().saturating_sub(2)].iter().collect()
        };
        static FILTER: std::sync::OnceLock<Option<regex::Regex>> = std::sync::OnceLock::new();
        match regex(&FILTER, r"^([^!<>=]+)([!<>=]+)(.+?)$").and_then(|r| r.captures(&text)) {
            None => {
                let left = parse_action(&text, self.depth)?;
                cur.push(Node::Filter {
                    left,
                    right: Vec::new(),
                    op: "exists".into(),
                });
            }
            Some(caps) => {
                let group = |i: usize| caps.get(i).map(|m| m.as_str()).unwrap_or("");
                let left = parse_action(group(1), self.depth)?;
                let right = parse_action(group(3), self.depth)?;
                cur.push(Node::Filter {
                    left,
                    right,
                    op: group(2).to_string(),
                });
            }
        }
        Ok(())
    }
}

/// client-go's `UnquoteExtend`: a Go string literal in double or single quotes.
fn unquote_extend(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() < 2 {
        return None;
    }
    let quote = chars[0];
    if quote != chars[chars.len() - 1] || (quote != '"' && quote != '\'') {
        return None;
    }
    let inner = &chars[1..chars.len() - 1];
    let mut out = String::new();
    let mut i = 0;
    while i < inner.len() {
        let c = inner[i];
        if c == quote {
            return None;
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = *inner.get(i + 1)?;
        i += 2;
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            '\'' | '"' if e == quote => out.push(e),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = inner.get(i..i + n)?.iter().collect();
                let v = u32::from_str_radix(&hex, 16).ok()?;
                if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                i += n;
                // A `\x` escape above 0x7f is a raw byte in Go; a Rust string cannot hold it.
                out.push(if e == 'x' && v > 0x7f {
                    '\u{FFFD}'
                } else {
                    char::from_u32(v)?
                });
            }
            '0'..='7' => {
                let digits: String = std::iter::once(e)
                    .chain(inner.get(i..i + 2)?.iter().copied())
                    .collect();
                if !digits.chars().all(|c| ('0'..='7').contains(&c)) {
                    return None;
                }
                let v = u32::from_str_radix(&digits, 8).ok()?;
                if v > 255 {
                    return None;
                }
                i += 2;
                out.push(if v > 0x7f {
                    '\u{FFFD}'
                } else {
                    char::from_u32(v)?
                });
            }
            _ => return None,
        }
    }
    Some(out)
}
