//! What go-yaml v2 reads back from a plain scalar (YAML 1.1 booleans, nulls, ints in any base, floats,
//! timestamps, base-60 numbers), and how JSON values look after kubectl's JSON-to-YAML round trip.

use std::sync::OnceLock;

use regex::Regex;

use crate::kubectl::printers::gofmt::format_float_g;

/// Whether go-yaml's encoder may write `s` as a plain scalar: it must read back as the same string,
/// and not look like a base-60 number either.
pub(super) fn plain_reads_as_string(s: &str) -> bool {
    resolves_to_string(s) && !is_base60_float(s)
}

/// go-yaml reads kubectl's JSON as YAML, and YAML folds a raw NEL (U+0085) inside a double-quoted
/// scalar like a line break; encoding/json leaves NEL unescaped, so it arrives folded into a space.
pub(super) fn fold_raw_nel(s: &str) -> String {
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
pub(super) fn number_text(n: &serde_json::Number) -> String {
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

/// The base Go's `ParseInt(s, 0, ..)` reads a lower-cased, unsigned body in, and its digits.
fn go_radix(lower: &str) -> (u32, &str) {
    if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower)
    }
}

/// Whether go-yaml's integer resolution (`ParseInt`/`ParseUint` with base 0, then big integers) accepts
/// `plain` (underscores already removed).
fn is_go_int(plain: &str) -> bool {
    let (signed, body) = match plain.as_bytes().first() {
        Some(b'+' | b'-') => (true, &plain[1..]),
        _ => (false, plain),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = go_radix(&lower);
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

/// What kubectl's YAML reader (go-yaml v2, then a JSON round trip into unstructured data) makes of the
/// plain scalar `s`: booleans for `yes`/`on`/`y` and their kin, octal for a leading zero (`0400` is
/// 256), numbers with `_` separators; integers beyond int64 become floats. `None`: it stays a string
/// (timestamps too: go-yaml hands them to untyped values as strings).
pub(crate) fn plain_scalar(s: &str) -> Option<serde_json::Value> {
    use serde_json::Value;
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Some(Value::Bool(true))
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Some(Value::Bool(false))
        }
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        _ => {}
    }
    let first = *s.as_bytes().first()?;
    if !(first == b'+' || first == b'-' || first == b'.' || first.is_ascii_digit()) {
        return None;
    }
    if first != b'.' && is_timestamp(s) {
        return None;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if first != b'.' {
        if let Some(n) = go_int(&plain) {
            return Some(unstructured_number(n));
        }
    }
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    let float_like = regex(
        &RE,
        r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$",
    )
    .is_some_and(|r| r.is_match(&plain));
    if float_like {
        let f = plain.parse::<f64>().ok().filter(|f| f.is_finite())?;
        return Some(unstructured_float(f));
    }
    None
}

/// Go's `strconv.ParseInt(s, 0, 64)`, then `ParseUint(s, 0, 64)`: a value of either range.
fn go_int(plain: &str) -> Option<i128> {
    if !is_go_int(plain) {
        return None;
    }
    let (negative, body) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain),
    };
    let lower = body.to_ascii_lowercase();
    let (radix, digits) = go_radix(&lower);
    let magnitude = i128::from_str_radix(digits, radix).ok()?;
    let n = if negative { -magnitude } else { magnitude };
    let fits = if plain.starts_with(['+', '-']) {
        i64::try_from(n).is_ok()
    } else {
        u64::try_from(n).is_ok()
    };
    fits.then_some(n)
}

/// An integer as unstructured JSON holds it: int64 when it fits, else float64.
fn unstructured_number(n: i128) -> serde_json::Value {
    match i64::try_from(n) {
        Ok(i) => serde_json::Value::from(i),
        Err(_) => unstructured_float(n as f64),
    }
}

/// A float after encoding/json and back: integral values that fit int64 come back as integers.
pub(crate) fn unstructured_float(f: f64) -> serde_json::Value {
    if f.fract() == 0.0 && f.abs() < 9.2e18 {
        return serde_json::Value::from(f as i64);
    }
    serde_json::Number::from_f64(f)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}
