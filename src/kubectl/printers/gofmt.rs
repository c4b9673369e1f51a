//! How Go prints values, for the printers that inherit Go's formatting: `strconv`'s shortest float forms,
//! `encoding/json`'s compact output, and `fmt`'s `%v`, `%#v` and `%q`.
//!
//! Objects are seen the way kubectl sees unstructured objects from the API server: integers are `int64`,
//! other numbers `float64`, maps are `map[string]interface {}` and lists `[]interface {}`.

use serde_json::{Number, Value};

/// The shortest decimal digits of a finite, non-zero `f` and its decimal point position:
/// `|f| = 0.d1d2d3... × 10^dp`.
fn shortest_digits(f: f64) -> (String, i32) {
    // Rust's `{:e}` prints the shortest round-tripping digits, as Go's strconv does with precision -1.
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0').to_string();
    let digits = if digits.is_empty() {
        "0".to_string()
    } else {
        digits
    };
    (digits, exp + 1)
}

/// `d.ddde±XX` with at least `min_exp_digits` exponent digits.
fn exp_form(neg: bool, digits: &str, dp: i32, min_exp_digits: usize) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let mut chars = digits.chars();
    if let Some(first) = chars.next() {
        out.push(first);
    }
    let rest: String = chars.collect();
    if !rest.is_empty() {
        out.push('.');
        out.push_str(&rest);
    }
    let exp = dp - 1;
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!(
        "{:0width$}",
        exp.unsigned_abs(),
        width = min_exp_digits
    ));
    out
}

/// `ddd.ddd` without exponent.
fn fixed_form(neg: bool, digits: &str, dp: i32) -> String {
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let n = digits.len() as i32;
    if dp <= 0 {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', dp.unsigned_abs() as usize));
        out.push_str(digits);
    } else if dp >= n {
        out.push_str(digits);
        out.extend(std::iter::repeat_n('0', (dp - n) as usize));
    } else {
        let (a, b) = digits.split_at(dp as usize);
        out.push_str(a);
        out.push('.');
        out.push_str(b);
    }
    out
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)`, which is also what `fmt`'s `%v` prints for a float64:
/// `3`, `0.5`, `1e+06`, `1.5e-07`.
pub fn format_float_g(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let neg = f.is_sign_negative();
    if f == 0.0 {
        return if neg { "-0".into() } else { "0".into() };
    }
    let (digits, dp) = shortest_digits(f);
    let exp = dp - 1;
    if !(-4..6).contains(&exp) {
        exp_form(neg, &digits, dp, 2)
    } else {
        fixed_form(neg, &digits, dp)
    }
}

/// A float64 as Go's `encoding/json` writes it: fixed notation between 1e-6 and 1e21, otherwise
/// exponent notation with `e-7` rather than `e-07`.
pub fn format_float_json(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    let neg = f.is_sign_negative();
    if f == 0.0 {
        return if neg { "-0".into() } else { "0".into() };
    }
    let (digits, dp) = shortest_digits(f);
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let exp = dp - 1;
        let width = if exp < 0 && exp > -10 { 1 } else { 2 };
        exp_form(neg, &digits, dp, width)
    } else {
        fixed_form(neg, &digits, dp)
    }
}

/// A number the way kubectl holds it in an unstructured object: int64 when it fits, else float64.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum GoNumber {
    /// An `int64`.
    Int(i64),
    /// A `float64`.
    Float(f64),
}

/// Classifies a JSON number like apimachinery's unstructured JSON decoding does.
pub fn go_number(n: &Number) -> GoNumber {
    if let Some(i) = n.as_i64() {
        GoNumber::Int(i)
    } else {
        GoNumber::Float(n.as_f64().unwrap_or(0.0))
    }
}

/// A number as `fmt.Print` shows it.
pub fn number_v(n: &Number) -> String {
    match go_number(n) {
        GoNumber::Int(i) => i.to_string(),
        GoNumber::Float(f) => format_float_g(f),
    }
}

/// Appends `s` as a JSON string the way Go's `encoding/json` escapes it (HTML-safe: `<`, `>`, `&` become
/// `\u003c`, `\u003e`, `\u0026`).
pub fn json_string_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Marshal` of an unstructured value: compact, keys sorted.
pub fn json_compact(v: &Value) -> String {
    let mut out = String::new();
    json_compact_into(&mut out, v);
    out
}

fn json_compact_into(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match go_number(n) {
            GoNumber::Int(i) => out.push_str(&i.to_string()),
            GoNumber::Float(f) => out.push_str(&format_float_json(f)),
        },
        Value::String(s) => json_string_into(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_compact_into(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_string_into(out, k);
                out.push(':');
                json_compact_into(out, x);
            }
            out.push('}');
        }
    }
}

/// `-o json` as kubectl prints it: `json.MarshalIndent(v, "", "    ")` (HTML-safe escapes, Go's number
/// forms) and a newline.
pub fn json_pretty(v: &Value) -> String {
    let mut out = String::new();
    json_indent_into(&mut out, v, 0);
    out.push('\n');
    out
}

/// `json.MarshalIndent(v, "", "    ")` continued at nesting `level` (the first line is not indented).
pub fn json_indent_into(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                push_indent(out, level + 1);
                json_indent_into(out, x, level + 1);
            }
            out.push('\n');
            push_indent(out, level);
            out.push(']');
        }
        Value::Object(m) if !m.is_empty() => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                out.push_str(if i > 0 { ",\n" } else { "\n" });
                push_indent(out, level + 1);
                json_string_into(out, k);
                out.push_str(": ");
                json_indent_into(out, x, level + 1);
            }
            out.push('\n');
            push_indent(out, level);
            out.push('}');
        }
        other => json_compact_into(out, other),
    }
}

/// Go's indented JSON uses four spaces per level in kubectl's printers.
pub fn push_indent(out: &mut String, level: usize) {
    out.extend(std::iter::repeat_n(' ', 4 * level));
}

/// `fmt.Sprintf("%v", v)` of an unstructured value: `map[a:b c:d]`, `[x y]`, `<nil>`.
pub fn format_v(v: &Value) -> String {
    let mut out = String::new();
    format_v_into(&mut out, v);
    out
}

fn format_v_into(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                format_v_into(out, x);
            }
            out.push(']');
        }
        Value::Object(m) => {
            out.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                format_v_into(out, x);
            }
            out.push(']');
        }
    }
}

/// `fmt.Sprintf("%#v", v)` of an unstructured value:
/// `map[string]interface {}{"a":"b", "n":interface {}(nil)}`.
pub fn format_sharp_v(v: &Value) -> String {
    let mut out = String::new();
    format_sharp_v_into(&mut out, v);
    out
}

fn format_sharp_v_into(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("interface {}(nil)"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number_v(n)),
        Value::String(s) => out.push_str(&quote(s)),
        Value::Array(a) => {
            out.push_str("[]interface {}{");
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                format_sharp_v_into(out, x);
            }
            out.push('}');
        }
        Value::Object(m) => {
            out.push_str("map[string]interface {}{");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&quote(k));
                out.push(':');
                format_sharp_v_into(out, x);
            }
            out.push('}');
        }
    }
}

/// An approximation of Go's `strconv.IsPrint`: graphic characters and the ASCII space.
pub fn go_is_print(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    let u = c as u32;
    let format_chars = matches!(u, 0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB);
    let private_or_non = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF | 0xFFFE | 0xFFFF);
    !(format_chars || private_or_non)
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if go_is_print(c) => out.push(c),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// `fmt.Sprintf("%#U", c)`: `U+0023 '#'`.
pub fn format_sharp_u(c: char) -> String {
    if go_is_print(c) {
        format!("U+{:04X} '{}'", c as u32, c)
    } else {
        format!("U+{:04X}", c as u32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_print_like_go() {
        let cases = [
            (3.0, "3"),
            (0.5, "0.5"),
            (1e6, "1e+06"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1.5e-7, "1.5e-07"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.25, "-2.25"),
            (1e21, "1e+21"),
            (1e100, "1e+100"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float_g(f), want, "{f}");
        }
    }

    #[test]
    fn json_floats_print_like_encoding_json() {
        let cases = [
            (1e6, "1000000"),
            (0.5, "0.5"),
            (1e21, "1e+21"),
            (1e-7, "1e-7"),
            (1.5e-10, "1.5e-10"),
            (123.25, "123.25"),
        ];
        for (f, want) in cases {
            assert_eq!(format_float_json(f), want, "{f}");
        }
    }

    #[test]
    fn json_is_compact_and_html_safe() {
        let v = json!({"b": [1, 2.5, null, true], "a": "<x & y>\n"});
        assert_eq!(
            json_compact(&v),
            r#"{"a":"\u003cx \u0026 y\u003e\n","b":[1,2.5,null,true]}"#
        );
    }

    #[test]
    fn indented_json_uses_four_spaces() {
        let mut out = String::new();
        json_indent_into(
            &mut out,
            &json!({"a": [1, {}], "b": [], "c": {"d": null}}),
            0,
        );
        assert_eq!(out, "{\n    \"a\": [\n        1,\n        {}\n    ],\n    \"b\": [],\n    \"c\": {\n        \"d\": null\n    }\n}");
    }

    #[test]
    fn percent_v_prints_go_maps() {
        let v = json!({"app": "nginx", "tier": {"x": [1, "a"]}, "n": null});
        assert_eq!(format_v(&v), "map[app:nginx n:<nil> tier:map[x:[1 a]]]");
    }

    #[test]
    fn percent_sharp_v_prints_go_literals() {
        let v = json!({"a": "b\n", "c": [1.5], "d": null, "e": {}});
        assert_eq!(
            format_sharp_v(&v),
            r#"map[string]interface {}{"a":"b\n", "c":[]interface {}{1.5}, "d":interface {}(nil), "e":map[string]interface {}{}}"#
        );
    }

    #[test]
    fn sharp_u_names_characters() {
        assert_eq!(format_sharp_u('#'), "U+0023 '#'");
        assert_eq!(format_sharp_u('\t'), "U+0009");
    }
}
