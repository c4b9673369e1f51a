//! Evaluating parsed templates with client-go's semantics: Go's reflection kinds, its comparison rules,
//! `{range}` bookkeeping, and how results print.

use serde_json::Value;

use super::parse::{Node, Param};
use crate::kubectl::printers::gofmt::{
    format_float_g, go_number, json_compact, number_v, GoNumber,
};

/// A value as Go's reflection sees it during evaluation.
#[derive(Debug, Clone)]
pub(super) enum Val<'a> {
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

pub(super) struct Exec {
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
pub(super) fn format_val_v(v: &Val) -> String {
    match v {
        Val::J(x) => crate::kubectl::printers::gofmt::format_v(x),
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
    pub(super) fn new(allow_missing_keys: bool) -> Self {
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
    pub(super) fn find_results<'a>(
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
pub(super) fn print_results(out: &mut String, results: &[Val]) -> Result<(), String> {
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
pub(super) fn print_results_json(out: &mut String, results: &[Val]) -> Result<(), String> {
    use crate::kubectl::printers::gofmt::{json_indent_into, json_string_into, push_indent};
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
            Val::Float(f) => out.push_str(&crate::kubectl::printers::gofmt::format_float_json(*f)),
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
