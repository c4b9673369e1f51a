//! awk's tokens: numbers, strings, regular expressions (where an operand may start), names and symbols.

/// One token of an awk program.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(f64),
    Str(String),
    Re(String),
    Name(String),
    Func(String),
    Sym(&'static str),
    Newline,
}

const SYMS: &[&str] = &[
    "+=", "-=", "*=", "/=", "%=", "^=", "==", "!=", "<=", ">=", "&&", "||", "++", "--", "!~", ">>",
    "{", "}", "(", ")", "[", "]", ";", ",", "+", "-", "*", "/", "%", "^", "!", ">", "<", "|", "?",
    ":", "~", "=", "$",
];

const BUILTIN_FUNCS: &[&str] = &[
    "length", "substr", "index", "split", "toupper", "tolower", "sprintf", "gsub", "sub", "int",
    "match", "sqrt", "exp", "log", "sin", "cos", "system", "tolower",
];

fn regex_allowed(prev: Option<&Tok>) -> bool {
    match prev {
        None | Some(Tok::Newline) => true,
        Some(Tok::Sym(s)) => !matches!(*s, ")" | "]" | "$" | "++" | "--"),
        _ => false,
    }
}

/// Splits an awk program into tokens.
pub fn tokenize(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            ' ' | '\t' | '\r' => i += 1,
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 2,
            '\n' => {
                out.push(Tok::Newline);
                i += 1;
            }
            '#' => {
                while chars.get(i).is_some_and(|c| *c != '\n') {
                    i += 1;
                }
            }
            '"' => {
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None => return Err("syntax error: unterminated string".into()),
                        Some('"') => break,
                        Some('\\') => {
                            i += 1;
                            match chars.get(i) {
                                Some('n') => s.push('\n'),
                                Some('t') => s.push('\t'),
                                Some('r') => s.push('\r'),
                                Some('\\') => s.push('\\'),
                                Some('"') => s.push('"'),
                                Some('/') => s.push('/'),
                                Some(&o) => {
                                    s.push('\\');
                                    s.push(o);
                                }
                                None => return Err("syntax error: unterminated string".into()),
                            }
                        }
                        Some(&o) => s.push(o),
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Str(s));
            }
            '/' if regex_allowed(out.last()) => {
                i += 1;
                let mut s = String::new();
                loop {
                    match chars.get(i) {
                        None | Some('\n') => return Err("syntax error: unterminated regexp".into()),
                        Some('/') => break,
                        Some('\\') if chars.get(i + 1) == Some(&'/') => {
                            s.push('/');
                            i += 1;
                        }
                        Some('\\') => {
                            s.push('\\');
                            if let Some(&n) = chars.get(i + 1) {
                                s.push(n);
                                i += 1;
                            }
                        }
                        Some(&o) => s.push(o),
                    }
                    i += 1;
                }
                i += 1;
                out.push(Tok::Re(s));
            }
            c if c.is_ascii_digit()
                || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) =>
            {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                {
                    i += 1;
                }
                if matches!(chars.get(i), Some('e' | 'E'))
                    && chars
                        .get(i + 1)
                        .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
                {
                    i += 2;
                    while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                }
                let text: String = chars.get(start..i).unwrap_or_default().iter().collect();
                out.push(Tok::Num(text.parse().unwrap_or(0.0)));
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while chars
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    i += 1;
                }
                let name: String = chars.get(start..i).unwrap_or_default().iter().collect();
                if chars.get(i) == Some(&'(') && BUILTIN_FUNCS.contains(&name.as_str()) {
                    out.push(Tok::Func(name));
                } else {
                    out.push(Tok::Name(name));
                }
            }
            _ => {
                let sym = SYMS.iter().find(|s| {
                    s.chars()
                        .enumerate()
                        .all(|(k, sc)| chars.get(i + k) == Some(&sc))
                });
                match sym {
                    Some(s) => {
                        out.push(Tok::Sym(s));
                        i += s.len();
                    }
                    None => return Err(format!("syntax error at `{c}'")),
                }
            }
        }
    }
    Ok(out)
}
