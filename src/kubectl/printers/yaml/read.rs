//! YAML as kubectl reads it. kubectl converts each document to JSON with go-yaml v2 (YAML 1.1 scalars)
//! and decodes that JSON into unstructured data. serde_yaml parses the text (and words the syntax
//! errors); this reader then resolves each plain scalar with go-yaml v2's rules, so `enabled: yes` is a
//! boolean and `defaultMode: 0400` is 256, exactly as on the exam's cluster.
//!
//! serde_yaml hands a scalar over as a slice of the source text when it can. A quoted scalar's slice is
//! preceded by its quote, a plain one's is not: that is how the two are told apart. Scalars that cannot
//! be borrowed (escapes, block scalars, plain scalars folded over several lines) are strings in both
//! dialects.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use super::resolve::{plain_scalar, unstructured_float};

/// One file as kubectl's YAML stream reader yields it: the documents (`null` for empty ones) up to the
/// first that fails, and that failure in kubectl's words (`error converting YAML to JSON: yaml: line 4:
/// did not find expected key`, `invalid Yaml document separator: x`).
///
/// kubectl splits the stream at `---` lines itself and parses each document alone, so the line of an
/// error counts from the start of its document, and the documents before a broken one still count.
pub fn read_stream(text: &str) -> (Vec<Value>, Option<String>) {
    let mut docs = Vec::new();
    for chunk in split_documents(text) {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => return (docs, Some(e)),
        };
        match read_one(chunk) {
            Ok(v) => docs.push(v),
            Err(e) => {
                return (
                    docs,
                    Some(format!("error converting YAML to JSON: yaml: {e}")),
                )
            }
        }
    }
    (docs, None)
}

/// Every document of `text`, or the first failure (see [`read_stream`]).
pub fn read_documents(text: &str) -> Result<Vec<Value>, String> {
    match read_stream(text) {
        (docs, None) => Ok(docs),
        (_, Some(e)) => Err(e),
    }
}

/// A file that starts with `{`, as kubectl's JSON stream decoder reads it: one object after another,
/// stopping at the first syntax error, worded as encoding/json does with the offset apimachinery adds
/// (`json: offset 31: invalid character '}' looking for beginning of value`).
pub fn read_json_stream(text: &str) -> (Vec<Value>, Option<String>) {
    let mut docs = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    for item in stream.by_ref() {
        match item {
            Ok(v) => docs.push(v),
            Err(e) => return (docs, Some(go_json_error(&e, text))),
        }
    }
    (docs, None)
}

/// A serde_json syntax error in encoding/json's words.
fn go_json_error(e: &serde_json::Error, text: &str) -> String {
    if e.is_eof() {
        return "unexpected EOF".into();
    }
    // serde_json's line and column (1-based) point at the offending character.
    let index = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + e.column().saturating_sub(1);
    let c = text
        .get(index..)
        .and_then(|r| r.chars().next())
        .unwrap_or(' ');
    let shown = match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c => format!("'{c}'"),
    };
    let message = e.to_string();
    let what = if message.starts_with("expected `:`") {
        "after object key"
    } else if message.starts_with("expected `,` or `}`") {
        "after object key:value pair"
    } else if message.starts_with("expected `,` or `]`") {
        "after array element"
    } else if message.starts_with("key must be a string")
        || (message.starts_with("trailing comma") && c == '}')
    {
        "looking for beginning of object key string"
    } else {
        "looking for beginning of value"
    };
    format!(
        "json: offset {}: invalid character {shown} {what}",
        index + c.len_utf8()
    )
}

/// apimachinery's `YAMLReader`: a line starting with `---` ends a non-empty document (it may carry
/// only a comment); at the start of a document it is part of it.
fn split_documents(text: &str) -> Vec<Result<&str, String>> {
    let mut out = Vec::new();
    let (mut start, mut pos) = (0, 0);
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                out.push(Err(format!("invalid Yaml document separator: {trimmed}")));
                return out;
            }
            if pos > start {
                out.push(Ok(&text[start..pos]));
                start = pos + line.len();
                pos = start;
                continue;
            }
        }
        pos += line.len();
    }
    if pos > start {
        out.push(Ok(&text[start..pos]));
    }
    out
}

/// The first document of `chunk` (go-yaml reads no further), `null` when there is none; the error in
/// go-yaml's words without its `yaml: ` prefix (`line 4: did not find expected key`).
pub fn read_one(chunk: &str) -> Result<Value, String> {
    let Some(doc) = serde_yaml::Deserializer::from_str(chunk).next() else {
        return Ok(Value::Null);
    };
    Node {
        src: chunk,
        key: false,
    }
    .deserialize(doc)
    .map_err(|e| go_yaml_error(&e, chunk))
}

/// A serde_yaml (libyaml) error as go-yaml words it. go-yaml names one line: a scanner error's own
/// (1-based), a parser error's problem line counted from 0 (so the line before, in 1-based terms),
/// else the context's, else none.
fn go_yaml_error(e: &serde_yaml::Error, src: &str) -> String {
    let debug = format!("{e:?}");
    if let Some(fields) = debug.strip_prefix("Error { kind: ") {
        let kind = fields.split([',', ' ']).next().unwrap_or("");
        let problem = quoted_field(fields, "problem: ").unwrap_or_default();
        let problem_line = mark_line(fields, "problem_mark: ");
        let context_line = mark_line(fields, "context_mark: ");
        let line = if problem_line != 0 {
            if kind == "SCANNER" {
                problem_line + 1
            } else {
                problem_line
            }
        } else {
            context_line
        };
        return if line != 0 {
            format!("line {line}: {problem}")
        } else {
            problem
        };
    }
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        // An anchor whose value refers to itself (`a: &b [*b]`) never ends.
        if let Some(name) = e
            .location()
            .and_then(|l| src.get(l.index()..))
            .and_then(|rest| rest.strip_prefix('&'))
        {
            let name: String = name
                .chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            return format!("anchor '{name}' value contains itself");
        }
    }
    if text.starts_with("unknown anchor") {
        if let Some(at) = e.location().map(|l| l.index()) {
            let name: String = src
                .get(at..)
                .unwrap_or("")
                .trim_start_matches('*')
                .chars()
                .take_while(|c| !c.is_whitespace() && !",[]{}".contains(*c))
                .collect();
            if src.get(..at).unwrap_or("").contains(&format!("&{name}")) {
                return format!("anchor '{name}' value contains itself");
            }
            return format!("unknown anchor '{name}' referenced");
        }
    }
    text
}

/// A `"..."` field of a Debug rendering, unescaped.
fn quoted_field(fields: &str, name: &str) -> Option<String> {
    let rest = &fields[fields.find(name)? + name.len()..];
    let mut out = String::new();
    let mut chars = rest.strip_prefix('"')?.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The 0-based line of a `Mark { line: L, column: C }` field (Debug prints it 1-based); 0 when absent.
fn mark_line(fields: &str, name: &str) -> usize {
    let Some(at) = fields.find(name) else {
        return 0;
    };
    let rest = &fields[at + name.len()..];
    rest.strip_prefix("Mark { line: ")
        .and_then(|r| r.split(',').next())
        .and_then(|n| n.parse::<usize>().ok())
        .map_or(0, |n| n.saturating_sub(1))
}

#[derive(Clone, Copy)]
struct Node<'t> {
    src: &'t str,
    /// A mapping key: whatever it resolves to is written back as a string, as sigs.k8s.io/yaml does.
    key: bool,
}

impl Node<'_> {
    /// Whether the borrowed slice `s` is a plain scalar of the source (not quoted, not tagged).
    fn is_plain(&self, s: &str) -> bool {
        let start = (s.as_ptr() as usize).wrapping_sub(self.src.as_ptr() as usize);
        if start > self.src.len() {
            return false; // not a slice of the source
        }
        let before = self.src[..start].trim_end_matches([' ', '\t']);
        if start > 0 && before.len() == start {
            // Directly after a quote: a quoted scalar.
            if matches!(self.src.as_bytes()[start - 1], b'"' | b'\'') {
                return false;
            }
        }
        // A tag (`!!str yes`, `! on`) decides the type itself.
        let last_token = before
            .rsplit([' ', '\t', '\n', '[', '{', ','])
            .next()
            .unwrap_or("");
        !last_token.starts_with('!')
    }

    fn scalar(&self, v: Value) -> Value {
        if !self.key {
            return v;
        }
        match v {
            Value::Bool(b) => Value::String(b.to_string()),
            Value::Number(n) => Value::String(n.to_string()),
            Value::Null => Value::String("null".into()),
            other => other,
        }
    }
}

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(self.scalar(Value::Bool(b)))
    }
    fn visit_i64<E>(self, n: i64) -> Result<Value, E> {
        Ok(self.scalar(Value::from(n)))
    }
    fn visit_u64<E>(self, n: u64) -> Result<Value, E> {
        let v = match i64::try_from(n) {
            Ok(i) => Value::from(i),
            Err(_) => unstructured_float(n as f64),
        };
        Ok(self.scalar(v))
    }
    fn visit_i128<E>(self, n: i128) -> Result<Value, E> {
        Ok(self.scalar(unstructured_float(n as f64)))
    }
    fn visit_u128<E>(self, n: u128) -> Result<Value, E> {
        Ok(self.scalar(unstructured_float(n as f64)))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        Ok(self.scalar(unstructured_float(f)))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(self.scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(self.scalar(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Value, E> {
        if self.is_plain(s) {
            if let Some(v) = plain_scalar(s) {
                return Ok(self.scalar(v));
            }
        }
        Ok(Value::String(s.to_string()))
    }
    fn visit_str<E>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let item = Node { key: false, ..self };
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(item)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let key = Node { key: true, ..self };
        let value = Node { key: false, ..self };
        let mut out = Map::new();
        while let Some(k) = map.next_key_seed(key)? {
            let k = match k {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let v = map.next_value_seed(value)?;
            out.insert(k, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn one(text: &str) -> Value {
        read_documents(text).expect("parses").remove(0)
    }

    #[test]
    fn plain_scalars_resolve_as_yaml_1_1() {
        let v = one("a: yes\nb: Off\nc: 0400\nd: 1_000\ne: 0x1F\nf: -0b11\ng: 09\nh: y\nn: 1\n");
        assert_eq!(v["a"], json!(true));
        assert_eq!(v["b"], json!(false));
        assert_eq!(v["c"], json!(256));
        assert_eq!(v["d"], json!(1000));
        assert_eq!(v["e"], json!(31));
        assert_eq!(v["f"], json!(-3));
        assert_eq!(v["g"], json!(9));
        assert_eq!(v["h"], json!(true));
        // A key `n` is the boolean false, written back as a string.
        assert_eq!(v["false"], json!(1));
        assert!(v.get("n").is_none());
    }

    #[test]
    fn quoted_tagged_and_block_scalars_stay_strings() {
        let v =
            one("a: \"yes\"\nb: 'on'\nc: !!str yes\ne: |\n  yes\nf: [\"no\", no]\ng: 2024-01-01\n");
        assert_eq!(v["a"], json!("yes"));
        assert_eq!(v["b"], json!("on"));
        assert_eq!(v["c"], json!("yes"));
        assert_eq!(v["e"], json!("yes\n"));
        assert_eq!(v["f"], json!(["no", false]));
        assert_eq!(v["g"], json!("2024-01-01"));
    }

    #[test]
    fn numbers_come_back_as_unstructured_json_holds_them() {
        let v = one("a: 1e3\nb: 18446744073709551615\nc: 0.\nd: 1.5\nx: &v NO\nz: *v\n");
        assert_eq!(v["a"], json!(1000));
        assert_eq!(v["b"], json!(18446744073709551615.0_f64));
        assert_eq!(v["c"], json!(0));
        assert_eq!(v["d"], json!(1.5));
        assert_eq!(v["x"], json!(false));
        assert_eq!(v["z"], json!(false));
    }

    #[test]
    fn no_prefix_of_a_manifest_panics_the_reader() {
        let text = "é: &x [*x]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"ü\"\n  labels: {a: yes, 'b': 0400}\ndata:\n  k: |\n    ñ\n--- # c\n{\"a\": [1, 2,]}\n";
        for (cut, _) in text.char_indices() {
            let _ = read_stream(&text[..cut]);
            let _ = read_json_stream(&text[cut..]);
        }
    }
}
