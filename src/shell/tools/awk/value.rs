//! awk values (numbers, strings, numeric strings from input), their conversions, and `printf`.

/// An awk value: a number, a string, or a string from input that compares as a number if it looks like one.
#[derive(Debug, Clone)]
pub enum Val {
    Num(f64),
    Str(String),
    StrNum(String),
}

pub(super) fn looks_numeric(s: &str) -> bool {
    let t = s.trim();
    t.is_empty() || t.parse::<f64>().is_ok_and(|v| v.is_finite())
}

pub(super) fn num_prefix(s: &str) -> f64 {
    let t = s.trim_start();
    let mut end = 0;
    let mut seen_dot = false;
    let mut seen_e = false;
    for (i, c) in t.char_indices() {
        let ok = c.is_ascii_digit()
            || ((c == '-' || c == '+')
                && (i == 0 || t.get(i - 1..i).is_some_and(|p| p == "e" || p == "E")))
            || (c == '.' && !seen_dot && !seen_e)
            || ((c == 'e' || c == 'E') && !seen_e && i > 0);
        if !ok {
            break;
        }
        seen_dot |= c == '.';
        seen_e |= c == 'e' || c == 'E';
        end = i + c.len_utf8();
    }
    let mut slice = t.get(..end).unwrap_or_default();
    while !slice.is_empty() && slice.parse::<f64>().is_err() {
        slice = slice.get(..slice.len() - 1).unwrap_or_default();
    }
    slice.parse().unwrap_or(0.0)
}

/// `%g` as C prints it.
pub fn fmt_g(v: f64, prec: usize) -> String {
    if v == 0.0 {
        return "0".into();
    }
    if !v.is_finite() {
        return if v.is_nan() {
            "nan".into()
        } else if v > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let prec = prec.max(1);
    let exp = v.abs().log10().floor() as i32;
    if exp < -4 || exp >= prec as i32 {
        let s = format!("{:.*e}", prec - 1, v);
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let mant = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.')
        } else {
            mant
        };
        let e: i32 = e.parse().unwrap_or(0);
        format!("{mant}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (prec as i32 - 1 - exp).max(0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

impl Val {
    pub(super) fn num(&self) -> f64 {
        match self {
            Val::Num(n) => *n,
            Val::Str(s) | Val::StrNum(s) => num_prefix(s),
        }
    }

    pub(super) fn text(&self) -> String {
        match self {
            Val::Num(n) => num_text(*n),
            Val::Str(s) | Val::StrNum(s) => s.clone(),
        }
    }

    pub(super) fn truthy(&self) -> bool {
        match self {
            Val::Num(n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::StrNum(s) => {
                if looks_numeric(s) && !s.trim().is_empty() {
                    num_prefix(s) != 0.0
                } else {
                    !s.is_empty()
                }
            }
        }
    }

    pub(super) fn numeric(&self) -> bool {
        match self {
            Val::Num(_) => true,
            Val::Str(_) => false,
            Val::StrNum(s) => looks_numeric(s),
        }
    }
}

pub(super) fn num_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        fmt_g(n, 6)
    }
}

/// awk's `printf`/`sprintf` formatting.
pub fn sprintf(fmt: &str, args: &[Val]) -> String {
    let chars: Vec<char> = fmt.chars().collect();
    let mut out = String::new();
    let mut next = 0;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        i += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.get(i) == Some(&'%') {
            out.push('%');
            i += 1;
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.get(i).filter(|f| "-+ 0#".contains(**f)) {
            flags.push(f);
            i += 1;
        }
        let mut width = 0usize;
        while let Some(d) = chars.get(i).and_then(|d| d.to_digit(10)) {
            width = (width * 10 + d as usize).min(4096);
            i += 1;
        }
        let mut prec: Option<usize> = None;
        if chars.get(i) == Some(&'.') {
            i += 1;
            let mut p = 0usize;
            while let Some(d) = chars.get(i).and_then(|d| d.to_digit(10)) {
                p = (p * 10 + d as usize).min(4096);
                i += 1;
            }
            prec = Some(p);
        }
        let Some(&conv) = chars.get(i) else {
            out.push('%');
            break;
        };
        i += 1;
        let arg = args
            .get(next)
            .cloned()
            .unwrap_or(Val::StrNum(String::new()));
        next += 1;
        let body = match conv {
            'd' | 'i' => {
                let n = arg.num().trunc() as i64;
                if flags.contains('+') && n >= 0 {
                    format!("+{n}")
                } else {
                    n.to_string()
                }
            }
            'x' => format!("{:x}", arg.num() as i64),
            'X' => format!("{:X}", arg.num() as i64),
            'o' => format!("{:o}", arg.num() as i64),
            'c' => match arg {
                Val::Num(n) => char::from_u32(n as u32)
                    .map(String::from)
                    .unwrap_or_default(),
                other => other
                    .text()
                    .chars()
                    .next()
                    .map(String::from)
                    .unwrap_or_default(),
            },
            'f' | 'F' => format!("{:.*}", prec.unwrap_or(6), arg.num()),
            'e' | 'E' => {
                let s = format!("{:.*e}", prec.unwrap_or(6), arg.num());
                let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
                let e: i32 = e.parse().unwrap_or(0);
                format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
            }
            'g' | 'G' => fmt_g(arg.num(), prec.unwrap_or(6)),
            's' => {
                let t = arg.text();
                match prec {
                    Some(p) => t.chars().take(p).collect(),
                    None => t,
                }
            }
            other => {
                next -= 1;
                format!("%{other}")
            }
        };
        let len = body.chars().count();
        if len >= width {
            out.push_str(&body);
        } else if flags.contains('-') {
            out.push_str(&body);
            out.push_str(&" ".repeat(width - len));
        } else if flags.contains('0') && conv != 's' && conv != 'c' {
            let (sign, digits) = if body.starts_with(['-', '+']) {
                body.split_at(1)
            } else {
                ("", body.as_str())
            };
            out.push_str(sign);
            out.push_str(&"0".repeat(width - len));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(width - len));
            out.push_str(&body);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_print_like_awk() {
        assert_eq!(num_text(3.0), "3");
        assert_eq!(num_text(0.5), "0.5");
        assert_eq!(fmt_g(1234567.0, 6), "1.23457e+06");
        assert_eq!(fmt_g(0.0001, 6), "0.0001");
        assert_eq!(num_prefix("12abc"), 12.0);
        assert_eq!(num_prefix("1e3x"), 1000.0);
    }
}
