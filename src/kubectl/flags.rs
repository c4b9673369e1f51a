//! A flag parser with pflag's rules and messages: `--flag=value`, `--flag value`, `-n value`, `-nvalue`,
//! `-oyaml`, bool flags, `--` to end flags; errors worded as pflag words them.

use std::collections::BTreeMap;

/// A flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    /// Takes a value (`--image=nginx`), else a bool (`--all`).
    pub value: bool,
    /// May be given several times (`-l a -l b`, `--from-literal` ...): values are collected.
    pub repeat: bool,
}

pub const fn val(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        value: true,
        repeat: false,
    }
}
pub const fn rep(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        value: true,
        repeat: true,
    }
}
pub const fn flag(long: &'static str, short: Option<char>) -> FlagSpec {
    FlagSpec {
        long,
        short,
        value: false,
        repeat: false,
    }
}

/// Parsed command line: positional arguments, flag values, and what followed `--`.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub args: Vec<String>,
    pub values: BTreeMap<&'static str, Vec<String>>,
    pub after_dashes: Option<Vec<String>>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn get(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a repeated flag, comma-separated values split for `-l`-like flags is up to the caller.
    pub fn all(&self, long: &str) -> Vec<String> {
        self.values.get(long).cloned().unwrap_or_default()
    }

    /// Whether a bool flag is set (`--all`, `--all=true`).
    pub fn is_set(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| v != "false")
    }

    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
}

/// Parses argv against the specs. The error is pflag's message (without the `error: ` prefix).
pub fn parse(argv: &[String], specs: &[FlagSpec]) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    let mut i = 0;
    let find_long = |n: &str| specs.iter().find(|s| s.long == n);
    let find_short = |c: char| specs.iter().find(|s| s.short == Some(c));
    while i < argv.len() {
        let a = &argv[i];
        if a == "--" {
            p.after_dashes = Some(argv[i + 1..].to_vec());
            break;
        }
        if let Some(body) = a.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(spec) = find_long(name) else {
                return Err(format!("unknown flag: --{name}"));
            };
            let v = if spec.value {
                match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        match argv.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(format!("flag needs an argument: --{name}")),
                        }
                    }
                }
            } else {
                match inline.as_deref() {
                    None => "true".to_string(),
                    Some(v @ ("true" | "false" | "1" | "0" | "t" | "f" | "TRUE" | "FALSE" | "True" | "False")) => {
                        if matches!(v, "true" | "1" | "t" | "TRUE" | "True") { "true".into() } else { "false".into() }
                    }
                    Some(v) => {
                        return Err(format!("invalid argument {v:?} for \"--{name}\" flag: strconv.ParseBool: parsing {v:?}: invalid syntax"))
                    }
                }
            };
            p.values.entry(spec.long).or_default().push(v);
        } else if a.len() > 1 && a.starts_with('-') && !is_negative_number(a) {
            let chars: Vec<char> = a[1..].chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                let Some(spec) = find_short(c) else {
                    return Err(format!("unknown shorthand flag: '{c}' in {a}"));
                };
                if spec.value {
                    let rest: String = chars[j + 1..].iter().collect();
                    let v = if let Some(r) = rest.strip_prefix('=') {
                        r.to_string()
                    } else if !rest.is_empty() {
                        rest
                    } else {
                        i += 1;
                        match argv.get(i) {
                            Some(v) => v.clone(),
                            None => return Err(format!("flag needs an argument: '{c}' in -{c}")),
                        }
                    };
                    p.values.entry(spec.long).or_default().push(v);
                    break;
                }
                p.values.entry(spec.long).or_default().push("true".into());
                j += 1;
            }
        } else {
            p.args.push(a.clone());
        }
        i += 1;
    }
    Ok(p)
}

fn is_negative_number(s: &str) -> bool {
    s[1..].chars().all(|c| c.is_ascii_digit()) && s.len() > 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    const SPECS: &[FlagSpec] = &[
        val("namespace", Some('n')),
        val("output", Some('o')),
        flag("all-namespaces", Some('A')),
        val("image", None),
    ];

    #[test]
    fn long_short_and_inline_forms() {
        let p = parse(
            &argv("get pods -n kube-system -oyaml --image=nginx -A"),
            SPECS,
        )
        .expect("parses");
        assert_eq!(p.args, vec!["get", "pods"]);
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert_eq!(p.get("output"), Some("yaml"));
        assert_eq!(p.get("image"), Some("nginx"));
        assert!(p.is_set("all-namespaces"));
    }

    #[test]
    fn pflag_messages() {
        assert_eq!(
            parse(&argv("--foo"), SPECS).err(),
            Some("unknown flag: --foo".into())
        );
        assert_eq!(
            parse(&argv("-x"), SPECS).err(),
            Some("unknown shorthand flag: 'x' in -x".into())
        );
        assert_eq!(
            parse(&argv("--image"), SPECS).err(),
            Some("flag needs an argument: --image".into())
        );
        assert_eq!(
            parse(&argv("-n"), SPECS).err(),
            Some("flag needs an argument: 'n' in -n".into())
        );
    }
}
