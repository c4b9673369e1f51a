//! YAML as kubectl prints it. kubectl marshals objects to JSON and re-encodes that JSON with go-yaml v2
//! (through sigs.k8s.io/yaml), so this module follows go-yaml v2's rules: keys in its "natural" order
//! (`item9` before `item10`), block sequences not indented under their key, strings quoted only when YAML
//! 1.1 would read them as something else (`"1"`, `"yes"`, `"2024-01-15"`), single quotes for strings that
//! start with an indicator, literal blocks for multi-line text, double quotes with escapes when nothing
//! else can hold the text, and long scalars folded at 80 columns.

mod keys;
mod read;
mod resolve;

pub use read::{read_documents, read_json_stream, read_one, read_stream};

use serde_json::Value;

use keys::sort_keys;
use resolve::{fold_raw_nel, number_text, plain_reads_as_string};

/// Renders a value as kubectl's `-o yaml` does (one document, no `---`).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, -1, Ctx::Root);
    // Document end: go-yaml finishes the last line. (A document ending in a `|+` block would get a `...`
    // marker only if another document followed, which never happens here.)
    e.write_indent(-1);
    e.out
}

/// Like [`to_yaml`], but fails as kubectl does when a string holds a character go-yaml's reader refuses
/// (DEL, C1 controls other than NEL, U+FFFE, U+FFFF): `yaml: control characters are not allowed`.
/// (encoding/json escapes the other control characters, so they never reach the reader raw.)
pub fn to_yaml_checked(v: &Value) -> Result<String, String> {
    if has_unreadable_char(v) {
        return Err("yaml: control characters are not allowed".into());
    }
    Ok(to_yaml(v))
}

fn has_unreadable_char(v: &Value) -> bool {
    let bad = |s: &str| {
        s.chars().any(
            |c| matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}'),
        )
    };
    match v {
        Value::String(s) => bad(s),
        Value::Array(a) => a.iter().any(has_unreadable_char),
        Value::Object(m) => m.iter().any(|(k, x)| bad(k) || has_unreadable_char(x)),
        _ => false,
    }
}

/// go-yaml's preferred indentation and line width.
const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// Where a node sits; go-yaml's root/sequence/mapping/simple-key contexts.
#[derive(Clone, Copy, PartialEq)]
enum Ctx {
    Root,
    Sequence,
    Mapping,
    SimpleKey,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
}

/// What go-yaml's scalar analysis found out about a string.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn is_blankz(c: char) -> bool {
    is_blank(c) || is_break(c) || c == '\0'
}

/// go-yaml's `is_printable` (which, working on UTF-8 bytes, rejects everything outside the BMP).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    c == '\n'
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze(s: &str) -> Analysis {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = false;
    let mut line_breaks = false;
    let mut special = false;
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    if s.starts_with("---") || s.starts_with("...") {
        block_indicators = true;
    }
    let mut preceded_by_whitespace = true;
    let n = chars.len();
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = i + 1 >= n || is_blank(chars[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if previous_break {
                break_space = true;
            }
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if previous_space {
                space_break = true;
            }
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blankz(c);
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

impl Emitter {
    fn new() -> Self {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Writes a line break character taken from the value.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn write_indent(&mut self, indent: i32) {
        let indent = indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(
        &mut self,
        ind: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(indent: i32, flow: bool, indentless: bool) -> i32 {
        if indent < 0 {
            if flow {
                BEST_INDENT
            } else {
                0
            }
        } else if !indentless {
            indent + BEST_INDENT
        } else {
            indent
        }
    }

    fn node(&mut self, v: &Value, indent: i32, ctx: Ctx) {
        match v {
            Value::Null => self.scalar("null", Style::Plain, indent, ctx),
            Value::Bool(b) => {
                self.scalar(if *b { "true" } else { "false" }, Style::Plain, indent, ctx)
            }
            Value::Number(n) => self.scalar(&number_text(n), Style::Plain, indent, ctx),
            Value::String(s) => {
                let s = fold_raw_nel(s);
                let style = string_style(&s);
                self.scalar(&s, style, indent, ctx);
            }
            Value::Array(a) if a.is_empty() => self.write_indicator("[]", true, false, false),
            Value::Object(m) if m.is_empty() => self.write_indicator("{}", true, false, false),
            Value::Array(a) => {
                let indentless = ctx == Ctx::Mapping && !self.indention;
                let indent = Self::increase_indent(indent, false, indentless);
                for item in a {
                    self.write_indent(indent);
                    self.write_indicator("-", true, false, true);
                    self.node(item, indent, Ctx::Sequence);
                }
            }
            Value::Object(m) => {
                let indent = Self::increase_indent(indent, false, false);
                let mut entries: Vec<(String, &Value)> =
                    m.iter().map(|(k, v)| (fold_raw_nel(k), v)).collect();
                sort_keys(&mut entries);
                for (k, val) in entries {
                    self.write_indent(indent);
                    let a = analyze(&k);
                    let simple = !a.multiline && k.len() <= 128;
                    let style = string_style(&k);
                    if simple {
                        self.scalar_analyzed(&k, &a, style, indent, Ctx::SimpleKey);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar_analyzed(&k, &a, style, indent, Ctx::Mapping);
                        self.write_indent(indent);
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(val, indent, Ctx::Mapping);
                }
            }
        }
    }

    fn scalar(&mut self, s: &str, requested: Style, indent: i32, ctx: Ctx) {
        let a = analyze(s);
        self.scalar_analyzed(s, &a, requested, indent, ctx);
    }

    fn scalar_analyzed(&mut self, s: &str, a: &Analysis, requested: Style, indent: i32, ctx: Ctx) {
        let simple_key = ctx == Ctx::SimpleKey;
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain_allowed || (s.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single_quoted_allowed {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block_allowed || simple_key) {
            style = Style::Double;
        }
        let indent = Self::increase_indent(indent, true, false);
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(s, indent, allow_breaks),
            Style::Single => self.write_single(s, indent, allow_breaks),
            Style::Double => self.write_double(s, indent, allow_breaks),
            Style::Literal => self.write_literal(s, indent),
        }
    }

    fn write_plain(&mut self, s: &str, indent: i32, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let chars: Vec<char> = s.chars().collect();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_space {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single(&mut self, s: &str, indent: i32, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                let next_space = chars.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i + 1 < n
                    && !next_space
                {
                    self.write_indent(indent);
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double(&mut self, s: &str, indent: i32, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml checks for a byte order mark at the start of the value rather than at each position, so
        // a value that starts with one has every character escaped.
        let bom_start = s.starts_with('\u{FEFF}');
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if bom_start || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    c => {
                        let u = c as u32;
                        let (prefix, width) = if u <= 0xFF {
                            ('x', 2)
                        } else if u <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(prefix);
                        for ch in format!("{:0width$X}", u, width = width).chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i + 1 < n {
                    self.write_indent(indent);
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, s: &str, indent: i32) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = s.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match chars.as_slice() {
            [] => Some('-'),
            [.., last] if !is_break(*last) => Some('-'),
            [_] => Some('+'),
            [.., before, _] if is_break(*before) => Some('+'),
            _ => None,
        };
        if let Some(h) = chomp {
            self.write_indicator(&h.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent(indent);
                    breaks = false;
                }
                self.put(c);
                self.indention = false;
            }
        }
    }
}

/// The style go-yaml's encoder asks for: literal for text with newlines, plain when the text would
/// still read back as the same string, double quotes otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if plain_reads_as_string(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployment_layout_matches_kubectl() {
        let v = json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"creationTimestamp": null, "labels": {"app": "x"}, "name": "x"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "x"}}, "strategy": {},
                "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "x"}},
                    "spec": {"containers": [{"image": "nginx", "name": "nginx", "resources": {}, "args": ["a", "b"]}]}}},
            "status": {}
        });
        let want = "apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: x
  name: x
spec:
  replicas: 3
  selector:
    matchLabels:
      app: x
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: x
    spec:
      containers:
      - args:
        - a
        - b
        image: nginx
        name: nginx
        resources: {}
status: {}
";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn strings_are_quoted_only_when_yaml_would_misread_them() {
        let cases = [
            ("1", "\"1\""),
            ("true", "\"true\""),
            ("yes", "\"yes\""),
            ("y", "\"y\""),
            ("off", "\"off\""),
            ("null", "\"null\""),
            ("~", "\"~\""),
            ("", "\"\""),
            ("1.5", "\"1.5\""),
            ("0x1F", "\"0x1F\""),
            ("0777", "\"0777\""),
            ("1_000", "\"1_000\""),
            ("1e3", "\"1e3\""),
            (".5", "\".5\""),
            ("1:20", "\"1:20\""),
            ("2024-01-15", "\"2024-01-15\""),
            ("2024-01-15T10:00:00Z", "\"2024-01-15T10:00:00Z\""),
            ("2024-02-30", "2024-02-30"),
            ("1.2.3", "1.2.3"),
            ("10.0.0.1", "10.0.0.1"),
            ("<<", "<<"),
            ("hello: world", "'hello: world'"),
            ("a #b", "'a #b'"),
            ("a#b", "a#b"),
            ("*x", "'*x'"),
            ("- x", "'- x'"),
            ("-x", "-x"),
            ("---", "'---'"),
            ("it's", "it's"),
            ("'x'", "'''x'''"),
            (" lead", "' lead'"),
            ("a\tb", "\"a\\tb\""),
            ("hi \u{1F600}", "\"hi \\U0001F600\""),
            ("\u{1}", "\"\\x01\""),
            ("h\u{e9}llo", "h\u{e9}llo"),
        ];
        for (s, want) in cases {
            assert_eq!(to_yaml(&json!({ "k": s })), format!("k: {want}\n"), "{s:?}");
        }
    }

    #[test]
    fn multiline_strings_use_literal_blocks() {
        let v = json!({"a": "line1\nline2", "b": "a\n\n", "c": "  x\ny", "d": "x \ny", "e": "\n", "f": "x\n"});
        let want = "a: |-\n  line1\n  line2\nb: |+\n  a\n\nc: |2-\n    x\n  y\nd: \"x \\ny\"\ne: |2+\n\nf: |\n  x\n";
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn long_strings_fold_at_eighty_columns() {
        let long = "word ".repeat(40);
        let got = to_yaml(&json!({ "data": { "long": long } }));
        let want = "data:\n  long: 'word word word word word word word word word word word word word word word\n    word word word word word word word word word word word word word word word word\n    word word word word word word word word word '\n";
        assert_eq!(got, want);
    }

    #[test]
    fn keys_sort_naturally() {
        let v = json!({"item10": 1, "item9": 2, "Zz": 3, "_a": 4, "A_": 5, "a": 6});
        assert_eq!(
            to_yaml(&v),
            "_a: 4\nA_: 5\nZz: 3\na: 6\nitem9: 2\nitem10: 1\n"
        );
    }

    #[test]
    fn long_keys_become_complex_keys() {
        let k = "k".repeat(130);
        assert_eq!(to_yaml(&json!({ k.clone(): "v" })), format!("? {k}\n: v\n"));
        let k = "j".repeat(128);
        assert_eq!(to_yaml(&json!({ k.clone(): "v" })), format!("{k}: v\n"));
    }

    #[test]
    fn complex_keys_hold_collections_and_multiline_keys() {
        let k = "k".repeat(130);
        let l = "l".repeat(129);
        let v = json!({"spec": {k.clone(): {"a": "b", "c": ["d"]}, l.clone(): ["x", {"y": "z"}], "m\nn": "v"}});
        let want = format!("spec:\n  ? {k}\n  : a: b\n    c:\n    - d\n  ? {l}\n  : - x\n    - \"y\": z\n  ? |-\n    m\n    n\n  : v\n");
        assert_eq!(to_yaml(&v), want);
    }

    #[test]
    fn a_final_keep_block_has_no_document_end_marker() {
        assert_eq!(to_yaml(&json!({"zzz": "a\n\n"})), "zzz: |+\n  a\n\n");
    }

    #[test]
    fn empty_collections_and_scalars() {
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!([])), "[]\n");
        assert_eq!(
            to_yaml(&json!({"a": [], "b": [{}], "c": [[1, 2]], "d": 1.5, "e": 1e6, "f": false})),
            "a: []\nb:\n- {}\nc:\n- - 1\n  - 2\nd: 1.5\ne: 1000000\nf: false\n"
        );
    }

    #[test]
    fn byte_order_mark_escapes_everything() {
        assert_eq!(
            to_yaml(&json!({"bom": "\u{feff}x"})),
            "bom: \"\\uFEFF\\x78\"\n"
        );
        assert_eq!(
            to_yaml(&json!({"bom": "a\u{feff}b"})),
            "bom: \"a\\uFEFFb\"\n"
        );
    }

    #[test]
    fn unreadable_characters_are_errors() {
        for s in ["a\u{7f}b", "\u{80}", "\u{ffff}"] {
            assert_eq!(
                to_yaml_checked(&json!({ "k": s })),
                Err("yaml: control characters are not allowed".into())
            );
        }
        assert_eq!(
            to_yaml_checked(&json!({"k": "a\u{85}b\u{1}"})),
            Ok("k: \"a b\\x01\"\n".into())
        );
    }

    #[test]
    fn nel_is_folded_like_go_yaml_reads_it() {
        assert_eq!(to_yaml(&json!({"nel": "a\u{85}b"})), "nel: a b\n");
    }
}
