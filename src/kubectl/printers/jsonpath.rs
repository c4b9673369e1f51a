//! kubectl's JSONPath dialect (client-go's `util/jsonpath`), as `kubectl get -o jsonpath=...` uses it:
//! text with `{...}` actions, fields (`.a.b`, `['a.b']`, `.a\.b`), `[i]`, `[-1]`, `[a:b:step]`, `[*]`,
//! unions `[0,2]`, `..` recursive descent, `*`, filters `[?(@.type=="Ready")]`, `{range ...}{end}`,
//! string literals `{"\n"}` and `{@}` / `{$}` for the current object.
//!
//! Results of one action are joined with spaces; maps and lists print as compact JSON, strings raw, and
//! numbers as Go prints them. Missing keys print nothing. Where Go iterates a map in random order
//! (`*`, `..`), this engine uses key order.

use serde_json::Value;

use super::gofmt::{
    format_float_g, format_sharp_u, format_sharp_v, go_number, json_compact, number_v, quote,
    GoNumber,
};

/// Renders a JSONPath template against a value, allowing missing keys as kubectl does by default.
///
/// Errors are kubectl's messages as printed after `error: `, without the final newline.
pub fn render(template: &str, v: &Value) -> Result<String, String> {
    render_with(template, v, true)
}

/// Like [`render`], with `allow_missing_keys` as `--allow-missing-template-keys` sets it.
pub fn render_with(template: &str, v: &Value, allow_missing_keys: bool) -> Result<String, String> {
    render_impl(template, v, allow_missing_keys, false)
}

/// `-o jsonpath-as-json=...`: each top-level node's results as an indented JSON array.
pub fn render_as_json(template: &str, v: &Value) -> Result<String, String> {
    render_impl(template, v, true, true)
}

fn render_impl(
    template: &str,
    v: &Value,
    allow_missing_keys: bool,
    as_json: bool,
) -> Result<String, String> {
    if template.is_empty() {
        return Err("template format specified but no template given".into());
    }
    let root = parse(template).map_err(|e| format!("error parsing jsonpath {template}, {e}"))?;
    let mut exec = Exec::new(allow_missing_keys);
    let executed = exec
        .find_results(&root, 0, Val::J(v), 0)
        .and_then(|groups| {
            let mut out = String::new();
            for group in &groups {
                if as_json {
                    print_results_json(&mut out, group)?;
                } else {
                    print_results(&mut out, group)?;
                }
            }
            Ok(out)
        });
    executed.map_err(|e| {
        format!(
            "error executing jsonpath {}: Error executing template: {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n",
            quote(template),
            e,
            template,
            format_sharp_v(v)
        )
    })
}

/// The object as kubectl's JSONPath printer sees a typed object (one kubectl built itself, as `create`,
/// `run` or `expose` do with `--dry-run=client`): it round-trips through JSON into `float64`s, so every
/// number is a float. `{.spec.replicas}` then prints `1e+06` for a million, and filters comparing a
/// number with an integer literal fail with `incompatible types for comparison`. Objects read from the
/// API server (`kubectl get`) keep integers; render those as they are.
pub fn typed_numbers(v: &Value) -> Value {
    match v {
        Value::Number(n) if !n.is_f64() => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| v.clone()),
        Value::Array(a) => Value::Array(a.iter().map(typed_numbers).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), typed_numbers(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A parsed template, usable for several objects (custom columns evaluate one per column).
#[derive(Debug, Clone)]
pub struct Template {
    root: Vec<Node>,
}

impl Template {
    /// Parses a template; the error is the parser's own message (`unterminated array`, ...).
    pub fn parse(template: &str) -> Result<Self, String> {
        Ok(Template {
            root: parse(template)?,
        })
    }

    /// Evaluates the template with missing keys allowed and returns, for each top-level node, the values
    /// it found formatted with `fmt`'s `%v` (as custom columns print them).
    pub fn find_values_v(&self, v: &Value) -> Result<Vec<Vec<String>>, String> {
        let mut exec = Exec::new(true);
        let groups = exec.find_results(&self.root, 0, Val::J(v), 0)?;
        Ok(groups
            .iter()
            .map(|g| g.iter().map(format_val_v).collect())
            .collect())
    }
}

// ---------------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Param {
    value: i64,
    known: bool,
    derived: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
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
const MAX_NESTING: usize = 64;

/// Parses a whole template into its top-level nodes: text, and one list per `{...}` action.
fn parse(text: &str) -> Result<Vec<Node>, String> {
    parse_nested(text, 0)
}

fn parse_nested(text: &str, depth: usize) -> Result<Vec<Node>, String> {
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

// ---------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------

/// A value as Go's reflection sees it during evaluation.
#[derive(Debug, Clone)]
enum Val<'a> {
    /// Something from the object (an `interface{}` holding a map, slice, string, number, bool or nil).
    J(&'a Value),
    /// A string literal from the template, or a string produced from one.
    Text(String),
    /// An integer literal (`int`).
    Int(i64),
    /// A float literal (`float64`).
    Float(f64),
    /// A boolean literal.
    Bool(bool),
    /// A byte of a string (`uint8`), as `*` and `..` produce.
    Byte(u8),
    /// Go's zero `reflect.Value`, which a range over nothing evaluates its body with.
    Invalid,
}

/// Evaluation failure: Go returns partial values alongside errors, and the `exists` filter looks at them.
struct Fail<'a> {
    partial: Vec<Val<'a>>,
    msg: String,
}

type EvalResult<'a> = Result<Vec<Val<'a>>, Fail<'a>>;

fn fail<'a>(partial: Vec<Val<'a>>, msg: impl Into<String>) -> Fail<'a> {
    Fail {
        partial,
        msg: msg.into(),
    }
}

/// Upper bound on values produced while evaluating one template, so that `..` on `..` stays bounded.
const MAX_VALUES: usize = 1_000_000;
/// Upper bound on nested `{range}` blocks.
const MAX_RANGE_DEPTH: usize = 200;
/// Upper bound on printed output.
const MAX_OUTPUT: usize = 64 << 20;

struct Exec {
    begin_range: usize,
    in_range: usize,
    end_range: usize,
    last_end: Option<usize>,
    allow_missing_keys: bool,
    produced: usize,
}

fn go_type_name(v: &Val) -> &'static str {
    match v {
        Val::J(Value::Object(_)) => "map[string]interface {}",
        Val::J(Value::Array(_)) => "[]interface {}",
        Val::J(Value::String(_)) | Val::Text(_) => "string",
        Val::J(Value::Number(n)) => match go_number(n) {
            GoNumber::Int(_) => "int64",
            GoNumber::Float(_) => "float64",
        },
        Val::J(Value::Bool(_)) | Val::Bool(_) => "bool",
        Val::J(Value::Null) => "interface {}",
        Val::Int(_) => "int",
        Val::Float(_) => "float64",
        Val::Byte(_) => "uint8",
        Val::Invalid => "<invalid reflect.Value>",
    }
}

/// `fmt`'s `%v` of a value.
fn format_val_v(v: &Val) -> String {
    match v {
        Val::J(x) => super::gofmt::format_v(x),
        Val::Text(s) => s.clone(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => format_float_g(*f),
        Val::Bool(b) => b.to_string(),
        Val::Byte(b) => b.to_string(),
        Val::Invalid => "<invalid reflect.Value>".into(),
    }
}

/// The children `*` and `..` see: map values (in key order), list items, or a string's bytes.
fn children<'a>(v: &Val<'a>) -> Vec<Val<'a>> {
    match v {
        Val::J(Value::Object(m)) => m.values().map(Val::J).collect(),
        Val::J(Value::Array(a)) => a.iter().map(Val::J).collect(),
        Val::J(Value::String(s)) => s.bytes().map(Val::Byte).collect(),
        Val::Text(s) => s.bytes().map(Val::Byte).collect(),
        _ => Vec::new(),
    }
}

impl Exec {
    fn new(allow_missing_keys: bool) -> Self {
        Exec {
            begin_range: 0,
            in_range: 0,
            end_range: 0,
            last_end: None,
            allow_missing_keys,
            produced: 0,
        }
    }

    fn charge(&mut self, n: usize) -> Result<(), String> {
        self.produced = self.produced.saturating_add(n);
        if self.produced > MAX_VALUES {
            Err("jsonpath expression produces too many results".into())
        } else {
            Ok(())
        }
    }

    /// client-go's `FindResults`: evaluates top-level nodes from `start`, looping `{range}` bodies.
    fn find_results<'a>(
        &mut self,
        nodes: &[Node],
        start: usize,
        data: Val<'a>,
        depth: usize,
    ) -> Result<Vec<Vec<Val<'a>>>, String> {
        if depth > MAX_RANGE_DEPTH {
            return Err("too many nested range blocks".into());
        }
        let cur = vec![data];
        let mut full = Vec::new();
        let mut i = start;
        while i < nodes.len() {
            let results = self.walk(cur.clone(), &nodes[i]).map_err(|f| f.msg)?;
            if self.end_range > 0 && self.end_range <= self.in_range {
                self.end_range -= 1;
                self.last_end = Some(i);
                break;
            }
            if self.begin_range > 0 {
                self.begin_range -= 1;
                self.in_range += 1;
                if results.is_empty() {
                    self.find_results(nodes, i + 1, Val::Invalid, depth + 1)?;
                } else {
                    for value in results {
                        // Go re-wraps each item with reflect.ValueOf(item.Interface()); a nil item
                        // becomes the zero Value.
                        let value = match value {
                            Val::J(Value::Null) => Val::Invalid,
                            v => v,
                        };
                        self.charge(1)?;
                        full.extend(self.find_results(nodes, i + 1, value, depth + 1)?);
                    }
                }
                self.in_range -= 1;
                if let Some(k) = self.last_end.filter(|&k| k > i) {
                    i = k;
                }
                i += 1;
                continue;
            }
            full.push(results);
            i += 1;
        }
        Ok(full)
    }

    fn walk<'a>(&mut self, input: Vec<Val<'a>>, node: &Node) -> EvalResult<'a> {
        let out = match node {
            Node::List(nodes) => self.eval_list(input, nodes),
            Node::Text(t) => Ok(vec![Val::Text(t.clone())]),
            Node::Field(name) => self.eval_field(input, name),
            Node::Array(params) => self.eval_array(input, params),
            Node::Filter { left, right, op } => self.eval_filter(input, left, right, op),
            Node::Int(i) => Ok(vec![Val::Int(*i); input.len()]),
            Node::Float(f) => Ok(vec![Val::Float(*f); input.len()]),
            Node::Bool(b) => Ok(vec![Val::Bool(*b); input.len()]),
            Node::Wildcard => Ok(input.iter().flat_map(children).collect()),
            Node::Recursive => self.eval_recursive(input),
            Node::Union(lists) => self.eval_union(input, lists),
            Node::Identifier(name) => self.eval_identifier(input, name),
        }?;
        self.charge(out.len()).map_err(|m| fail(Vec::new(), m))?;
        Ok(out)
    }

    fn eval_list<'a>(&mut self, input: Vec<Val<'a>>, nodes: &[Node]) -> EvalResult<'a> {
        let mut cur = input;
        for node in nodes {
            cur = self.walk(cur, node)?;
        }
        Ok(cur)
    }

    fn eval_identifier<'a>(&mut self, input: Vec<Val<'a>>, name: &str) -> EvalResult<'a> {
        match name {
            "range" => {
                self.begin_range += 1;
                Ok(input)
            }
            "end" => {
                if self.in_range > 0 {
                    self.end_range += 1;
                    Ok(Vec::new())
                } else {
                    Err(fail(Vec::new(), "not in range, nothing to end"))
                }
            }
            _ => Err(fail(input, format!("unrecognized identifier {name}"))),
        }
    }

    fn eval_field<'a>(&mut self, input: Vec<Val<'a>>, name: &str) -> EvalResult<'a> {
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let mut results = Vec::new();
        for v in &input {
            if let Val::J(Value::Object(m)) = v {
                if let Some(x) = m.get(name) {
                    results.push(Val::J(x));
                }
            }
        }
        if results.is_empty() && !self.allow_missing_keys {
            return Err(fail(results, format!("{name} is not found")));
        }
        Ok(results)
    }

    fn eval_array<'a>(&mut self, input: Vec<Val<'a>>, params: &[Param; 3]) -> EvalResult<'a> {
        let mut result = Vec::new();
        for v in &input {
            let items: &'a [Value] = match v {
                Val::J(Value::Null) => continue,
                Val::J(Value::Array(a)) => a,
                Val::Invalid => {
                    return Err(fail(
                        input.clone(),
                        "reflect: call of reflect.Value.Type on zero Value",
                    ))
                }
                other => {
                    return Err(fail(
                        input.clone(),
                        format!("{} is not array or slice", go_type_name(other)),
                    ))
                }
            };
            let len = items.len() as i64;
            let mut p = *params;
            if !p[0].known {
                p[0].value = 0;
            }
            if p[0].value < 0 {
                p[0].value = p[0].value.wrapping_add(len);
            }
            if !p[1].known {
                p[1].value = len;
            }
            if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
                p[1].value = p[1].value.wrapping_add(len);
            }
            if p[1].value == p[0].value {
                return Ok(result);
            }
            if p[0].value >= len || p[0].value < 0 {
                return Err(fail(
                    input.clone(),
                    format!(
                        "array index out of bounds: index {}, length {}",
                        p[0].value, len
                    ),
                ));
            }
            if p[1].value > len || p[1].value < 0 {
                return Err(fail(
                    input.clone(),
                    format!(
                        "array index out of bounds: index {}, length {}",
                        p[1].value.wrapping_sub(1),
                        len
                    ),
                ));
            }
            if p[0].value > p[1].value {
                return Err(fail(
                    input.clone(),
                    format!(
                        "starting index {} is greater than ending index {}",
                        p[0].value, p[1].value
                    ),
                ));
            }
            let slice = &items[p[0].value as usize..p[1].value as usize];
            let step = if p[2].known {
                if p[2].value <= 0 {
                    return Err(fail(input.clone(), "step must be > 0"));
                }
                p[2].value as usize
            } else {
                1
            };
            result.extend(slice.iter().step_by(step).map(Val::J));
        }
        Ok(result)
    }

    fn eval_union<'a>(&mut self, input: Vec<Val<'a>>, lists: &[Vec<Node>]) -> EvalResult<'a> {
        let mut result = Vec::new();
        for list in lists {
            match self.eval_list(input.clone(), list) {
                Ok(v) => result.extend(v),
                Err(f) => return Err(fail(input, f.msg)),
            }
        }
        Ok(result)
    }

    fn eval_recursive<'a>(&mut self, input: Vec<Val<'a>>) -> EvalResult<'a> {
        let mut result = Vec::new();
        // Pre-order walk: a value with children, then each child's own walk.
        let mut stack: Vec<Val<'a>> = input.into_iter().rev().collect();
        while let Some(v) = stack.pop() {
            let kids = children(&v);
            if kids.is_empty() {
                continue;
            }
            self.charge(kids.len()).map_err(|m| fail(Vec::new(), m))?;
            result.push(v);
            stack.extend(kids.into_iter().rev());
        }
        Ok(result)
    }

    fn eval_filter<'a>(
        &mut self,
        input: Vec<Val<'a>>,
        left: &[Node],
        right: &[Node],
        op: &str,
    ) -> EvalResult<'a> {
        let mut results = Vec::new();
        for v in &input {
            let items: &'a [Value] = match v {
                Val::J(Value::Array(a)) => a,
                other => {
                    let shown = match other {
                        Val::Invalid => "<invalid reflect.Value>".to_string(),
                        o => format_val_v(o),
                    };
                    return Err(fail(
                        input.clone(),
                        format!("{shown} is not array or slice and cannot be filtered"),
                    ));
                }
            };
            for item in items {
                let temp = vec![Val::J(item)];
                let lefts = self.eval_list(temp.clone(), left);
                if op == "exists" {
                    let found = match &lefts {
                        Ok(l) => !l.is_empty(),
                        Err(f) => !f.partial.is_empty(),
                    };
                    if found {
                        results.push(Val::J(item));
                    }
                    continue;
                }
                let lefts = lefts.map_err(|f| fail(input.clone(), f.msg))?;
                match lefts.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        return Err(fail(
                            input.clone(),
                            "can only compare one element at a time",
                        ))
                    }
                }
                let rights = self
                    .eval_list(temp, right)
                    .map_err(|f| fail(input.clone(), f.msg))?;
                match rights.len() {
                    0 => continue,
                    1 => {}
                    _ => {
                        return Err(fail(
                            input.clone(),
                            "can only compare one element at a time",
                        ))
                    }
                }
                let (l, r) = (&lefts[0], &rights[0]);
                let pass = match op {
                    "<" => less(l, r),
                    ">" => less_equal(l, r).map(|b| !b),
                    "==" => equal(l, r),
                    "!=" => equal(l, r).map(|b| !b),
                    "<=" => less_equal(l, r),
                    ">=" => less(l, r).map(|b| !b),
                    _ => return Err(fail(results, format!("unrecognized filter operator {op}"))),
                };
                match pass {
                    Ok(true) => results.push(Val::J(item)),
                    Ok(false) => {}
                    Err(e) => return Err(fail(results, e)),
                }
            }
        }
        Ok(results)
    }
}

/// The kinds text/template's comparison functions distinguish.
enum Basic<'s> {
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'s str),
}

const ERR_BAD_COMPARISON_TYPE: &str = "invalid type for comparison";
const ERR_BAD_COMPARISON: &str = "incompatible types for comparison";

fn basic<'s>(v: &'s Val) -> Result<Basic<'s>, String> {
    Ok(match v {
        Val::J(Value::Bool(b)) | Val::Bool(b) => Basic::Bool(*b),
        Val::J(Value::Number(n)) => match go_number(n) {
            GoNumber::Int(i) => Basic::Int(i),
            GoNumber::Float(f) => Basic::Float(f),
        },
        Val::J(Value::String(s)) => Basic::Str(s),
        Val::Text(s) => Basic::Str(s),
        Val::Int(i) => Basic::Int(*i),
        Val::Float(f) => Basic::Float(*f),
        Val::Byte(b) => Basic::Uint(u64::from(*b)),
        _ => return Err(ERR_BAD_COMPARISON_TYPE.into()),
    })
}

fn equal(a: &Val, b: &Val) -> Result<bool, String> {
    Ok(match (basic(a)?, basic(b)?) {
        (Basic::Bool(x), Basic::Bool(y)) => x == y,
        (Basic::Int(x), Basic::Int(y)) => x == y,
        (Basic::Uint(x), Basic::Uint(y)) => x == y,
        (Basic::Float(x), Basic::Float(y)) => x == y,
        (Basic::Str(x), Basic::Str(y)) => x == y,
        (Basic::Int(x), Basic::Uint(y)) => x >= 0 && x as u64 == y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x == y as u64,
        _ => return Err(ERR_BAD_COMPARISON.into()),
    })
}

fn less(a: &Val, b: &Val) -> Result<bool, String> {
    Ok(match (basic(a)?, basic(b)?) {
        (Basic::Bool(_), Basic::Bool(_)) => return Err(ERR_BAD_COMPARISON_TYPE.into()),
        (Basic::Int(x), Basic::Int(y)) => x < y,
        (Basic::Uint(x), Basic::Uint(y)) => x < y,
        (Basic::Float(x), Basic::Float(y)) => x < y,
        (Basic::Str(x), Basic::Str(y)) => x < y,
        (Basic::Int(x), Basic::Uint(y)) => x < 0 || (x as u64) < y,
        (Basic::Uint(x), Basic::Int(y)) => y >= 0 && x < y as u64,
        _ => return Err(ERR_BAD_COMPARISON.into()),
    })
}

fn less_equal(a: &Val, b: &Val) -> Result<bool, String> {
    let lt = less(a, b)?;
    if lt {
        return Ok(true);
    }
    equal(a, b)
}

/// client-go's `PrintResults`: values of one node joined by spaces; maps and lists as JSON.
fn print_results(out: &mut String, results: &[Val]) -> Result<(), String> {
    for (i, r) in results.iter().enumerate() {
        match r {
            Val::J(v @ (Value::Object(_) | Value::Array(_))) => out.push_str(&json_compact(v)),
            Val::J(Value::Null) => out.push_str("null"),
            Val::J(Value::String(s)) => out.push_str(s),
            Val::J(Value::Number(n)) => out.push_str(&number_v(n)),
            Val::J(Value::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
            Val::Invalid => out.push_str("<no value>"),
            other => out.push_str(&format_val_v(other)),
        }
        if i + 1 != results.len() {
            out.push(' ');
        }
        if out.len() > MAX_OUTPUT {
            return Err("jsonpath output is too large".into());
        }
    }
    Ok(())
}

/// `PrintResults` with JSON output on: the results as one indented JSON array and a newline.
fn print_results_json(out: &mut String, results: &[Val]) -> Result<(), String> {
    use super::gofmt::{json_indent_into, json_string_into, push_indent};
    if results.is_empty() {
        out.push_str("[]\n");
        return Ok(());
    }
    out.push('[');
    for (i, r) in results.iter().enumerate() {
        out.push_str(if i > 0 { ",\n" } else { "\n" });
        push_indent(out, 1);
        match r {
            Val::J(x) => json_indent_into(out, x, 1),
            Val::Text(t) => json_string_into(out, t),
            Val::Int(n) => out.push_str(&n.to_string()),
            Val::Float(f) => out.push_str(&super::gofmt::format_float_json(*f)),
            Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Val::Byte(b) => out.push_str(&b.to_string()),
            Val::Invalid => out.push_str("null"),
        }
        if out.len() > MAX_OUTPUT {
            return Err("jsonpath output is too large".into());
        }
    }
    out.push_str("\n]\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pods() -> Value {
        json!({
            "kind": "List",
            "items": [
                {"metadata": {"name": "web-1", "labels": {"app": "web", "app.kubernetes.io/name": "shop"}},
                 "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "busybox"}], "nodeName": "node-1"},
                 "status": {"phase": "Running", "restartCount": 2, "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}]}},
                {"metadata": {"name": "db-0", "labels": {"app": "db"}},
                 "spec": {"containers": [{"name": "postgres", "image": "postgres:16"}]},
                 "status": {"phase": "Pending", "restartCount": 0, "conditions": [{"type": "Ready", "status": "False"}]}}
            ]
        })
    }

    fn r(t: &str) -> Result<String, String> {
        render(t, &pods())
    }

    #[test]
    fn fields_and_wildcards() {
        assert_eq!(r("{.items[*].metadata.name}"), Ok("web-1 db-0".into()));
        assert_eq!(
            r("{.items[0].spec.containers[*].image}"),
            Ok("nginx:1.27 busybox".into())
        );
        assert_eq!(r("{.items[-1].metadata.name}"), Ok("db-0".into()));
        assert_eq!(r("{.items[0:1].metadata.name}"), Ok("web-1".into()));
        assert_eq!(
            r("{.items[0,1].status.phase}"),
            Ok("Running Pending".into())
        );
        assert_eq!(
            r("{.items[0].metadata.labels}"),
            Ok(r#"{"app":"web","app.kubernetes.io/name":"shop"}"#.into())
        );
        assert_eq!(
            r("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}"),
            Ok("shop".into())
        );
        assert_eq!(r("{.items[0].metadata.labels['app']}"), Ok("web".into()));
        assert_eq!(r("{.items[*].status.restartCount}"), Ok("2 0".into()));
        assert_eq!(
            r("{.kind}{.nope}{.items[0].nope.deeper}"),
            Ok("List".into())
        );
        assert_eq!(r("{..image}"), Ok("nginx:1.27 busybox postgres:16".into()));
    }

    #[test]
    fn filters_compare_like_text_template() {
        assert_eq!(
            r("{.items[?(@.status.phase==\"Running\")].metadata.name}"),
            Ok("web-1".into())
        );
        assert_eq!(
            r("{.items[?(@.status.restartCount>1)].metadata.name}"),
            Ok("web-1".into())
        );
        assert_eq!(
            r("{.items[?(@.status.restartCount<=0)].metadata.name}"),
            Ok("db-0".into())
        );
        assert_eq!(
            r("{.items[?(@.spec.nodeName)].metadata.name}"),
            Ok("web-1".into())
        );
        assert_eq!(
            r("{.items[0].status.conditions[?(@.type=='Ready')].status}"),
            Ok("True".into())
        );
        assert_eq!(
            r("{.items[?(@.status.phase==3)].metadata.name}").map_err(|e| e.lines().next().unwrap_or("").to_string()),
            Err("error executing jsonpath \"{.items[?(@.status.phase==3)].metadata.name}\": Error executing template: incompatible types for comparison. Printing more information for debugging the template:".into())
        );
    }

    #[test]
    fn range_and_literals() {
        assert_eq!(
            r("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"),
            Ok("web-1\tRunning\ndb-0\tPending\n".into())
        );
        assert_eq!(
            r("{range .items[*]}{.metadata.name}:{range .spec.containers[*]} {.name}{end};{end}done"),
            Ok("web-1: nginx log;db-0: postgres;done".into())
        );
        assert_eq!(r("{range .nothing[*]}x{end}after"), Ok("after".into()));
        // Without `{end}` the body runs per item, then once more for the object itself.
        assert_eq!(
            r("{range .items[*]}[{.metadata.name}]"),
            Ok("[web-1][db-0][]".into())
        );
        assert_eq!(
            r("{.items[0].metadata.name} is {.items[0].status.phase}"),
            Ok("web-1 is Running".into())
        );
    }

    #[test]
    fn parse_errors_read_like_kubectl() {
        assert_eq!(
            r("{.items[*}"),
            Err("error parsing jsonpath {.items[*}, unterminated array".into())
        );
        assert_eq!(
            r("{.items"),
            Err("error parsing jsonpath {.items, unclosed action".into())
        );
        assert_eq!(
            r("{.a[?(@.b)}"),
            Err("error parsing jsonpath {.a[?(@.b)}, unclosed array expect ]".into())
        );
        assert_eq!(
            r("{#}"),
            Err("error parsing jsonpath {#}, unrecognized character in action: U+0023 '#'".into())
        );
        assert_eq!(
            r("{....a}"),
            Err("error parsing jsonpath {....a}, invalid multiple recursive descent".into())
        );
        assert_eq!(
            r("{.a[x]}"),
            Err("error parsing jsonpath {.a[x]}, invalid array index x".into())
        );
    }

    #[test]
    fn execution_errors_carry_kubectl_debug_text() {
        let v = json!({"a": [], "n": 1});
        let err = render("{.a[0]}", &v);
        assert_eq!(
            err,
            Err("error executing jsonpath \"{.a[0]}\": Error executing template: array index out of bounds: index 0, length 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.a[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"a\":[]interface {}{}, \"n\":1}\n\n".into())
        );
    }

    #[test]
    fn typed_objects_hold_floats() {
        let v = typed_numbers(
            &json!({"spec": {"replicas": 1000000, "ports": [{"containerPort": 80}]}}),
        );
        assert_eq!(
            render("{.spec.replicas} {.spec.ports}", &v),
            Ok("1e+06 [{\"containerPort\":80}]".into())
        );
        assert_eq!(
            render("{.spec.ports[?(@.containerPort==80.0)].containerPort}", &v),
            Ok("80".into())
        );
        assert!(render("{.spec.ports[?(@.containerPort==80)]}", &v)
            .is_err_and(|e| e.contains("incompatible types for comparison")));
    }

    #[test]
    fn as_json_prints_one_array_per_node() {
        assert_eq!(
            render_as_json("x{.items[*].metadata.name}{.nope}", &pods()),
            Ok("[\n    \"x\"\n]\n[\n    \"web-1\",\n    \"db-0\"\n]\n[]\n".into())
        );
        assert_eq!(
            render("", &pods()),
            Err("template format specified but no template given".into())
        );
    }

    #[test]
    fn missing_keys_can_be_errors() {
        assert_eq!(
            render_with("{.missing}", &json!({}), false).map_err(|e| e.lines().next().unwrap_or("").to_string()),
            Err("error executing jsonpath \"{.missing}\": Error executing template: missing is not found. Printing more information for debugging the template:".into())
        );
    }

    #[test]
    fn nesting_stays_shallow() {
        // Filters cannot hold filters (the first `)]` ends them), so odd templates fail fast; parsers
        // also refuse to nest beyond MAX_NESTING as a guard.
        let t = format!("{{.a{}}}", "[?(@.b".repeat(5000));
        assert_eq!(
            r(&t),
            Err(format!("error parsing jsonpath {t}, unterminated filter"))
        );
        assert!(
            parse_nested("{.a}", MAX_NESTING + 1).is_err_and(|e| e.contains("nested too deeply"))
        );
    }

    #[test]
    fn recursive_descent_is_bounded() {
        let mut v = json!(1);
        for _ in 0..100 {
            v = json!({ "a": v });
        }
        // Each `..` multiplies the work; the engine stops with an error instead of running away.
        let out = render("{..a..a..a..a..a..a}", &v);
        assert!(out.is_err_and(|e| e.contains("too many results")));
    }
}
