//! YAML as kubectl prints it. kubectl marshals objects to JSON and re-encodes that JSON with go-yaml v2
//! (through sigs.k8s.io/yaml), so this module follows go-yaml v2's rules: keys in its "natural" order
//! (`item9` before `item10`), block sequences not indented under their key, strings quoted only when YAML
//! 1.1 would read them as something else (`"1"`, `"yes"`, `"2024-01-15"`), single quotes for strings that
//! start with an indicator, literal blocks for multi-line text, double quotes with escapes when nothing
//! else can hold the text, and long scalars folded at 80 columns.

use std::cmp::Ordering;
use std::sync::OnceLock;

use regex::Regex;
use serde_json::Value;

use super::gofmt::format_float_g;

/// Renders a value as kubectl's `-o yaml` does (one document, no `---`).
pub fn to_yaml(v: &Value) -> String {
    let mut e = Emitter::new();
    e.node(v, -1, Ctx::Root);
    // Document end: go-yaml finishes the last line. (A document ending in a `|+` block would get a `...`
    // marker only if another document followed, which never happens here.)
    e.write_indent(-1);
    e.out
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

/// go-yaml reads kubectl's JSON as YAML, and YAML folds a raw NEL (U+0085) inside a double-quoted
/// scalar like a line break; encoding/json leaves NEL unescaped, so it arrives folded into a space.
fn fold_raw_nel(s: &str) -> String {
    if !s.contains('\u{85}') {
        return s.to_string();
    }
    let mut out = String::new();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\u{85}' {
            // Only raw spaces can surround it: encoding/json escapes tabs, so they are content.
            while out.ends_with(' ') {
                out.pop();
            }
            let mut count = 0;
            while i < chars.len() && (chars[i] == '\u{85}' || chars[i] == ' ') {
                if chars[i] == '\u{85}' {
                    count += 1;
                }
                i += 1;
            }
            if count == 1 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', count - 1));
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A JSON number as it comes back out of go-yaml after kubectl's JSON round trip.
fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    // encoding/json writes integral floats below 1e21 without a fraction, which go-yaml then reads
    // as an integer when it fits 64 bits.
    if f.fract() == 0.0 && f.abs() < 1e21 {
        if f.abs() < 9.2e18 {
            return (f as i64).to_string();
        }
        if f > 0.0 && f < 1.8e19 {
            return (f as u64).to_string();
        }
    }
    format_float_g(f)
}

/// The style go-yaml's encoder asks for: literal for text with newlines, plain when the text would
/// still read back as the same string, double quotes otherwise.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolves_to_string(s) && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

fn regex(cell: &'static OnceLock<Option<Regex>>, pattern: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pattern).ok()).as_ref()
}

fn is_base60_float(s: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let first_ok = s
        .chars()
        .next()
        .is_some_and(|c| c == '+' || c == '-' || c.is_ascii_digit());
    if !first_ok || !s.contains(':') {
        return false;
    }
    regex(&RE, r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$").is_some_and(|r| r.is_match(s))
}

/// Whether go-yaml v2's resolver reads the plain scalar `s` as a string.
fn resolves_to_string(s: &str) -> bool {
    let hint = match s.as_bytes().first() {
        None => return false, // the empty string is null
        Some(b'+' | b'-') => 'S',
        Some(b'0'..=b'9') => 'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => 'M',
        Some(b'.') => '.',
        Some(_) => return true,
    };
    const SPECIAL: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    if SPECIAL.contains(&s) {
        return false;
    }
    match hint {
        '.' => !is_go_float(s, false),
        'D' | 'S' => {
            if is_timestamp(s) {
                return false;
            }
            let plain: String = s.chars().filter(|&c| c != '_').collect();
            if is_go_int(&plain) {
                return false;
            }
            static RE: OnceLock<Option<Regex>> = OnceLock::new();
            let float_like = regex(
                &RE,
                r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
            )
            .is_some_and(|r| r.is_match(&plain));
            !(float_like && is_go_float(&plain, true))
        }
        _ => true,
    }
}

/// Whether Go's `strconv.ParseFloat` accepts `s` without overflowing (for the shapes that reach it here).
fn is_go_float(s: &str, already_matched: bool) -> bool {
    if !already_matched {
        static RE: OnceLock<Option<Regex>> = OnceLock::new();
        if !regex(&RE, r"^\.[0-9]+([eE][-+]?[0-9]+)?$").is_some_and(|r| r.is_match(s)) {
            return false;
        }
    }
    s.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Whether go-yaml's integer resolution (`ParseInt`/`ParseUint` with base 0, then big integers) accepts
/// `plain` (underscores already removed).
fn is_go_int(plain: &str) -> bool {
    let (signed, body) = match plain.as_bytes().first() {
        Some(b'+' | b'-') => (true, &plain[1..]),
        _ => (false, plain),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return false;
    }
    if !signed {
        return true; // int64, uint64 or a big integer
    }
    let magnitude = u128::from_str_radix(digits, radix).unwrap_or(u128::MAX);
    let negative = plain.starts_with('-');
    if negative {
        magnitude <= 1u128 << 63
    } else {
        magnitude < 1u128 << 63
    }
}

/// Whether `s` parses with one of go-yaml's timestamp layouts (Go's `time.Parse` semantics).
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let Some((year, mut rest)) = take_num(s, 4, 4) else {
        return false;
    };
    rest = match rest.strip_prefix('-') {
        Some(r) => r,
        None => return false,
    };
    let Some((month, r)) = take_num(rest, 1, 2) else {
        return false;
    };
    let Some(r) = r.strip_prefix('-') else {
        return false;
    };
    let Some((day, r)) = take_num(r, 1, 2) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if r.is_empty() {
        return true;
    }
    // "T" / "t" with a zone, or spaces without one.
    let (r, zoned) = if let Some(r) = r.strip_prefix('T').or_else(|| r.strip_prefix('t')) {
        (r, true)
    } else if r.starts_with(' ') {
        (r.trim_start_matches(' '), false)
    } else {
        return false;
    };
    let Some((hour, r)) = take_num(r, 1, 2) else {
        return false;
    };
    let Some(r) = r.strip_prefix(':') else {
        return false;
    };
    let Some((min, r)) = take_num(r, 1, 2) else {
        return false;
    };
    let Some(r) = r.strip_prefix(':') else {
        return false;
    };
    let Some((sec, mut r)) = take_num(r, 1, 2) else {
        return false;
    };
    if hour >= 24 || min >= 60 || sec >= 60 {
        return false;
    }
    let rb = r.as_bytes();
    if rb.len() >= 2 && (rb[0] == b'.' || rb[0] == b',') && rb[1].is_ascii_digit() {
        let n = 1 + rb[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        r = &r[n..];
    }
    if !zoned {
        return r.is_empty();
    }
    if r == "Z" {
        return true;
    }
    let zb = r.as_bytes();
    zb.len() == 6
        && (zb[0] == b'+' || zb[0] == b'-')
        && zb[3] == b':'
        && [1, 2, 4, 5].iter().all(|&i| zb[i].is_ascii_digit())
        && {
            let hh = (zb[1] - b'0') * 10 + (zb[2] - b'0');
            let mm = (zb[4] - b'0') * 10 + (zb[5] - b'0');
            hh <= 24 && mm <= 60
        }
}

/// Go's `getnum`-style parse of `min..=max` leading ASCII digits.
fn take_num(s: &str, min: usize, max: usize) -> Option<(u32, &str)> {
    let n = s.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if n < min {
        return None;
    }
    let v = s[..n].parse().ok()?;
    Some((v, &s[n..]))
}

fn days_in(month: u32, year: u32) -> u32 {
    match month {
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml's key order: like byte order, except that runs of digits compare as numbers and that
/// non-letters sort before letters.
fn key_less(a: &str, b: &str) -> bool {
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ar[i] == br[i] {
            i += 1;
            continue;
        }
        let al = ar[i].is_alphabetic();
        let bl = br[i].is_alphabetic();
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && is_go_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_go_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_go_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Sorts entries by go-yaml's key order with a merge sort that tolerates any comparison result.
fn sort_keys(entries: &mut Vec<(String, &Value)>) {
    let cmp = |a: &str, b: &str| {
        if key_less(a, b) {
            Ordering::Less
        } else if key_less(b, a) {
            Ordering::Greater
        } else {
            Ordering::Equal
        }
    };
    let mut items: Vec<(String, &Value)> = std::mem::take(entries);
    let mut width = 1;
    while width < items.len() {
        let mut merged = Vec::with_capacity(items.len());
        let mut chunks = items.into_iter().peekable();
        loop {
            let left: Vec<_> = chunks.by_ref().take(width).collect();
            if left.is_empty() {
                break;
            }
            let right: Vec<_> = chunks.by_ref().take(width).collect();
            let mut l = left.into_iter().peekable();
            let mut r = right.into_iter().peekable();
            loop {
                let take_left = match (l.peek(), r.peek()) {
                    (Some(x), Some(y)) => cmp(&x.0, &y.0) != Ordering::Greater,
                    (Some(_), None) => true,
                    (None, Some(_)) => false,
                    (None, None) => break,
                };
                let next = if take_left { l.next() } else { r.next() };
                merged.extend(next);
            }
        }
        items = merged;
        width *= 2;
    }
    *entries = items;
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
    fn nel_is_folded_like_go_yaml_reads_it() {
        assert_eq!(to_yaml(&json!({"nel": "a\u{85}b"})), "nel: a b\n");
    }
}
