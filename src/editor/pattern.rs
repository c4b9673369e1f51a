//! Vim's regular expressions, translated to the `regex` crate: the dialect a learner uses on YAML
//! (`.` `*` `^` `$` `[...]` `\s` `\d` `\w` `\+` `\?` `\=` `\{n,m}` `\(...\)` `\|` `\<` `\>`, `\c`
//! `\C`, `\v` `\m` `\M` `\V`), and `:s` replacements (`&`, `\0`-`\9`, `~`, `\r`, `\u` `\l` `\U`
//! `\L` `\e` `\E`). What the `regex` crate cannot do (back-references in a pattern, `\zs`, lookaround,
//! multi-line items) is refused with a plain message rather than matched wrongly.

use regex::{Captures, Regex, RegexBuilder};

/// How much of the pattern is special without a backslash (`\v`, `\m`, `\M`, `\V`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Magic {
    Very,
    On,
    Off,
    VeryOff,
}

/// The punctuation whose meaning depends on [`Magic`].
const PUNCT: &str = "()|+?={@%<>.*[~^$";

/// Compiles a vim pattern. `ignorecase` and `smartcase` are the options; `last_sub` is the previous
/// substitute string, which `~` matches. The error is vim's message.
pub(super) fn compile(
    pat: &str,
    ignorecase: bool,
    smartcase: bool,
    last_sub: Option<&str>,
) -> Result<Regex, String> {
    let mut t = Translator {
        chars: pat.chars().collect(),
        i: 0,
        out: String::new(),
        magic: Magic::On,
        atom: false,
        quantified: false,
        depth: 0,
        case: None,
        upper: false,
    };
    t.run(last_sub)?;
    let ignore = t.case.unwrap_or(ignorecase && !(smartcase && t.upper));
    RegexBuilder::new(&t.out)
        .case_insensitive(ignore)
        .build()
        .map_err(|_| format!("E383: Invalid search string: {pat}"))
}

struct Translator {
    chars: Vec<char>,
    i: usize,
    out: String,
    magic: Magic,
    /// Whether the last item is an atom a quantifier may follow.
    atom: bool,
    /// Whether the last item is a quantifier (a second one is vim's "Nested" error).
    quantified: bool,
    depth: usize,
    /// `\c` (ignore case) or `\C` (match case), which override the options.
    case: Option<bool>,
    /// Whether an unescaped upper-case letter was typed (for 'smartcase').
    upper: bool,
}

impl Translator {
    /// Whether `c`, escaped or not, is special in the current magic.
    fn special(&self, escaped: bool, c: char) -> bool {
        match self.magic {
            Magic::Very => !escaped,
            Magic::On if "^$.*[~".contains(c) => !escaped,
            Magic::Off if "^$".contains(c) => !escaped,
            _ => escaped,
        }
    }

    /// How an operator is written in the current magic, for messages (`\+` or `+`).
    fn spelled(&self, c: char) -> String {
        if self.special(false, c) {
            c.to_string()
        } else {
            format!("\\{c}")
        }
    }

    /// Whether the rest of the pattern starts where `$` is still an end-of-line: the end, `\|`, `\)`.
    fn at_branch_end(&self) -> bool {
        let next = self.chars.get(self.i).copied();
        let after = self.chars.get(self.i + 1).copied();
        match next {
            None => true,
            Some('\\') => after.is_some_and(|c| "|)".contains(c) && self.special(true, c)),
            Some(c) => "|)".contains(c) && self.special(false, c),
        }
    }

    fn literal(&mut self, c: char) {
        self.out.push_str(&regex::escape(&c.to_string()));
        self.atom = true;
        self.quantified = false;
    }

    fn class(&mut self, class: &str) {
        self.out.push_str(class);
        self.atom = true;
        self.quantified = false;
    }

    fn quantifier(&mut self, op: char, regex: &str) -> Result<(), String> {
        if self.quantified {
            return Err(if op == '*' {
                "E61: Nested *".to_string()
            } else {
                format!("E62: Nested {}", self.spelled(op))
            });
        }
        if !self.atom {
            return Err(format!("E64: {} follows nothing", self.spelled(op)));
        }
        self.out.push_str(regex);
        self.quantified = true;
        Ok(())
    }

    fn run(&mut self, last_sub: Option<&str>) -> Result<(), String> {
        let mut branch_start = true;
        while let Some(&c) = self.chars.get(self.i) {
            self.i += 1;
            let (escaped, c) = if c == '\\' {
                match self.chars.get(self.i) {
                    Some(&d) => {
                        self.i += 1;
                        (true, d)
                    }
                    None => (false, '\\'),
                }
            } else {
                (false, c)
            };
            let at_start = std::mem::replace(&mut branch_start, false);
            if PUNCT.contains(c) && self.special(escaped, c) {
                match c {
                    '^' if at_start => {
                        self.out.push('^');
                        self.atom = false;
                        branch_start = true;
                    }
                    '$' if self.at_branch_end() => {
                        self.out.push('$');
                        self.atom = false;
                    }
                    '.' => self.class("."),
                    // A `*` with nothing before it matches a star, as in vim.
                    '*' if !self.atom => self.literal('*'),
                    '*' => self.quantifier('*', "*")?,
                    '+' => self.quantifier('+', "+")?,
                    '?' | '=' => self.quantifier(c, "?")?,
                    '{' => {
                        let q = self.brace()?;
                        self.quantifier('{', &q)?;
                    }
                    '(' => {
                        self.out.push('(');
                        self.depth += 1;
                        self.atom = false;
                        branch_start = true;
                    }
                    '%' if self.chars.get(self.i) == Some(&'(') => {
                        self.i += 1;
                        self.out.push_str("(?:");
                        self.depth += 1;
                        self.atom = false;
                        branch_start = true;
                    }
                    ')' => {
                        if self.depth == 0 {
                            return Err(format!("E55: Unmatched {}", self.spelled(')')));
                        }
                        self.depth -= 1;
                        self.out.push(')');
                        self.atom = true;
                        self.quantified = false;
                    }
                    '|' => {
                        self.out.push('|');
                        self.atom = false;
                        self.quantified = false;
                        branch_start = true;
                    }
                    '<' => {
                        self.out.push_str(r"\b{start}");
                        self.atom = false;
                    }
                    '>' => {
                        self.out.push_str(r"\b{end}");
                        self.atom = false;
                    }
                    '[' => {
                        if !self.bracket()? {
                            self.literal('[');
                        }
                    }
                    '~' => match last_sub {
                        Some(s) => self.class(&format!("(?:{})", regex::escape(s))),
                        None => return Err("E33: No previous substitute regular expression".into()),
                    },
                    '^' | '$' => self.literal(c),
                    _ => {
                        return Err(format!(
                            "kubedojo's vi does not support {} in a pattern",
                            self.spelled(c)
                        ))
                    }
                }
                continue;
            }
            if !escaped {
                if c.is_uppercase() {
                    self.upper = true;
                }
                self.literal(c);
                continue;
            }
            match c {
                's' => self.class(r"[ \t]"),
                'S' => self.class(r"[^ \t]"),
                'd' => self.class("[0-9]"),
                'D' => self.class("[^0-9]"),
                'w' => self.class("[0-9A-Za-z_]"),
                'W' => self.class("[^0-9A-Za-z_]"),
                'a' => self.class("[A-Za-z]"),
                'A' => self.class("[^A-Za-z]"),
                'l' => self.class("[a-z]"),
                'L' => self.class("[^a-z]"),
                'u' => self.class("[A-Z]"),
                'U' => self.class("[^A-Z]"),
                'x' => self.class("[0-9A-Fa-f]"),
                'X' => self.class("[^0-9A-Fa-f]"),
                'o' => self.class("[0-7]"),
                'O' => self.class("[^0-7]"),
                'h' => self.class("[A-Za-z_]"),
                'H' => self.class("[^A-Za-z_]"),
                'k' | 'i' => self.class(r"[0-9A-Za-z_\x{C0}-\x{FF}]"),
                'K' | 'I' => self.class(r"[A-Za-z_\x{C0}-\x{FF}]"),
                'p' => self.class(r"[\x20-\x7E\x{A0}-\x{10FFFF}]"),
                't' => self.class(r"\t"),
                'e' => self.class(r"\x1B"),
                'r' => self.class(r"\r"),
                'c' | 'C' | 'v' | 'm' | 'M' | 'V' => {
                    match c {
                        'c' => self.case = Some(true),
                        'C' => self.case = Some(false),
                        'v' => self.magic = Magic::Very,
                        'm' => self.magic = Magic::On,
                        'M' => self.magic = Magic::Off,
                        _ => self.magic = Magic::VeryOff,
                    }
                    // Not atoms: a `^` after `\v` still starts the pattern.
                    branch_start = at_start;
                }
                '1'..='9' => {
                    return Err(format!(
                        "kubedojo's vi does not support back-references (\\{c}) in a pattern"
                    ))
                }
                'n' | '_' | 'z' | '&' => {
                    return Err(format!(
                        "kubedojo's vi does not support \\{c} in a pattern (it matches within one line)"
                    ))
                }
                _ => self.literal(c),
            }
        }
        if self.depth > 0 {
            return Err(format!("E54: Unmatched {}", self.spelled('(')));
        }
        Ok(())
    }

    /// The `\{n,m}` after its `{`, as a regex quantifier.
    fn brace(&mut self) -> Result<String, String> {
        let mut body = String::new();
        loop {
            match self.chars.get(self.i) {
                None => return Err(format!("E554: Syntax error in {}...}}", self.spelled('{'))),
                Some('}') => break,
                Some('\\') if self.chars.get(self.i + 1) == Some(&'}') => {
                    self.i += 1;
                    break;
                }
                Some(&c) => body.push(c),
            }
            self.i += 1;
        }
        self.i += 1;
        let bad = || format!("E554: Syntax error in {}...}}", self.spelled('{'));
        let (lazy, body) = match body.strip_prefix('-') {
            Some(b) => (true, b),
            None => (false, body.as_str()),
        };
        let num = |s: &str| -> Result<Option<u32>, String> {
            if s.is_empty() {
                Ok(None)
            } else {
                s.parse::<u32>().map(Some).map_err(|_| bad())
            }
        };
        let q = match body.split_once(',') {
            None => match num(body)? {
                None => "*".to_string(),
                Some(n) => format!("{{{n}}}"),
            },
            Some((a, b)) => match (num(a)?, num(b)?) {
                (None, None) => "*".to_string(),
                (Some(n), None) => format!("{{{n},}}"),
                (None, Some(m)) => format!("{{0,{m}}}"),
                (Some(n), Some(m)) => format!("{{{},{}}}", n.min(m), n.max(m)),
            },
        };
        Ok(if lazy { format!("{q}?") } else { q })
    }

    /// A `[...]` collection after its `[`; `false` (and nothing consumed) when it has no `]`.
    fn bracket(&mut self) -> Result<bool, String> {
        let start = self.i;
        let mut out = String::from("[");
        let mut j = self.i;
        if self.chars.get(j) == Some(&'^') {
            out.push('^');
            j += 1;
        }
        let mut first = true;
        loop {
            let Some(&c) = self.chars.get(j) else {
                self.i = start;
                return Ok(false);
            };
            j += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            if c == '[' && self.chars.get(j) == Some(&':') {
                let rest: String = self.chars.get(j..).unwrap_or_default().iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = rest.get(1..end).unwrap_or_default();
                    out.push_str(&format!("[:{name}:]"));
                    j += rest.get(..end + 2).map_or(0, |s| s.chars().count());
                    continue;
                }
            }
            let lit = if c == '\\' {
                match self.chars.get(j) {
                    Some(&d) if "\\]^-etrn".contains(d) => {
                        j += 1;
                        match d {
                            'e' => '\x1b',
                            't' => '\t',
                            'r' => '\r',
                            'n' => '\n',
                            d => d,
                        }
                    }
                    _ => '\\',
                }
            } else {
                c
            };
            // A range `a-z`: the `-` neither first nor last.
            if self.chars.get(j) == Some(&'-') && self.chars.get(j + 1).is_some_and(|&e| e != ']') {
                let Some(&end) = self.chars.get(j + 1) else {
                    continue;
                };
                j += 2;
                if end < lit {
                    return Err("E944: Reverse range in character class".to_string());
                }
                out.push_str(&regex::escape(&lit.to_string()));
                out.push('-');
                out.push_str(&regex::escape(&end.to_string()));
                continue;
            }
            out.push_str(&regex::escape(&lit.to_string()));
        }
        out.push(']');
        self.i = j;
        self.class(&out);
        Ok(true)
    }
}

/// A vim replacement string, parsed once for every match of a `:s`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Replacement(Vec<Piece>);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(char),
    Group(usize),
    /// `\u` / `\l`: the next character upper (`true`) or lower case.
    One(bool),
    /// `\U` / `\L`, until `\e` / `\E` (`None`).
    All(Option<bool>),
}

impl Replacement {
    /// Parses `rep`; `~` stands for `previous`, the last replacement. Returns the replacement and
    /// the text to remember as the new previous one (`~` expanded, as vim keeps it).
    pub(super) fn parse(rep: &str, previous: Option<&str>) -> (Replacement, String) {
        let mut expanded = String::new();
        let mut chars = rep.chars();
        while let Some(c) = chars.next() {
            match c {
                '~' => expanded.push_str(previous.unwrap_or_default()),
                '\\' => {
                    expanded.push('\\');
                    if let Some(d) = chars.next() {
                        expanded.push(d);
                    }
                }
                c => expanded.push(c),
            }
        }
        let mut pieces = Vec::new();
        let mut chars = expanded.chars();
        while let Some(c) = chars.next() {
            let piece = match c {
                '&' => Piece::Group(0),
                '\\' => match chars.next() {
                    None => Piece::Text('\\'),
                    Some(d @ '0'..='9') => Piece::Group(d.to_digit(10).map_or(0, |n| n as usize)),
                    Some('r') => Piece::Text('\n'),
                    Some('n') => Piece::Text('\0'),
                    Some('t') => Piece::Text('\t'),
                    Some('u') => Piece::One(true),
                    Some('l') => Piece::One(false),
                    Some('U') => Piece::All(Some(true)),
                    Some('L') => Piece::All(Some(false)),
                    Some('e' | 'E') => Piece::All(None),
                    Some(d) => Piece::Text(d),
                },
                c => Piece::Text(c),
            };
            pieces.push(piece);
        }
        (Replacement(pieces), expanded)
    }

    /// The text one match is replaced with; a `\n` in it is a line break (`\r` typed).
    pub(super) fn expand(&self, caps: &Captures) -> String {
        let mut out = String::new();
        let mut one: Option<bool> = None;
        let mut all: Option<bool> = None;
        let push = |c: char, one: &mut Option<bool>, all: Option<bool>, out: &mut String| match one
            .take()
            .or(all)
        {
            Some(true) => out.extend(c.to_uppercase()),
            Some(false) => out.extend(c.to_lowercase()),
            None => out.push(c),
        };
        for piece in &self.0 {
            match piece {
                Piece::Text(c) => push(*c, &mut one, all, &mut out),
                Piece::Group(n) => {
                    let text = caps.get(*n).map_or("", |m| m.as_str());
                    for c in text.chars() {
                        push(c, &mut one, all, &mut out);
                    }
                }
                Piece::One(up) => one = Some(*up),
                Piece::All(case) => all = *case,
            }
        }
        out
    }
}

/// `text` as a magic pattern that matches it literally (for `*` on a non-keyword).
pub(super) fn escape(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if "\\/.*$^~[]".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn is(pat: &str, text: &str) -> bool {
        compile(pat, false, false, None).unwrap().is_match(text)
    }

    #[test]
    fn magic_items_translate_to_the_regex_crate() {
        assert!(is("a\\{2,3}", "xaay"));
        assert!(!is("^a\\{2}$", "aaa"));
        assert!(is("^a\\{-1,}", "a"));
        assert!(is("x\\=y", "y"));
        assert!(is("[0-9]\\+m", "500m"));
        assert!(is("[^a-z]", "A"));
        assert!(is("[[:digit:]]", "7"));
        assert!(is("a*b", "b"));
        assert!(is("*", "a*b"), "a leading star matches a star");
        assert!(is("a$b", "a$b"), "a `$` in the middle is literal");
        assert!(is("\\<run\\>", "a run b"));
        assert!(!is("\\<run\\>", "running"));
        assert!(is("\\Vk.nd", "k.nd"));
        assert!(!is("\\Vk.nd", "kind"));
        assert!(is("\\v^(a|b)+$", "abba"));
        assert!(is("a[b", "a[b"));
    }

    #[test]
    fn bad_patterns_give_vims_errors() {
        let err = |p: &str| compile(p, false, false, None).unwrap_err();
        assert_eq!(err("a**"), "E61: Nested *");
        assert_eq!(err("\\+"), "E64: \\+ follows nothing");
        assert_eq!(err("a\\)"), "E55: Unmatched \\)");
        assert_eq!(err("\\v(a"), "E54: Unmatched (");
        assert_eq!(err("a\\{x}"), "E554: Syntax error in \\{...}");
        assert_eq!(err("[z-a]"), "E944: Reverse range in character class");
        assert!(err("\\(a\\)\\1").contains("back-references"));
    }
}
