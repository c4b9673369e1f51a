//! Conditional expressions: `test`, `[ ... ]` and `[[ ... ]]` (file tests, string and integer
//! comparisons, `!`, `-a`, `-o`, and in `[[` glob `==` and regex `=~`).

use super::exec::Env;
use crate::Output;

struct Eval<'a, 'e> {
    env: &'a mut Env<'e>,
    args: &'a [String],
    i: usize,
    double: bool,
    depth: usize,
}

type R = Result<bool, String>;

const BINARY: &[&str] = &[
    "=", "==", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "=~", "-nt", "-ot",
];
const UNARY: &[&str] = &[
    "-z", "-n", "-e", "-f", "-d", "-s", "-r", "-w", "-x", "-L", "-h", "-v", "-a", "-p", "-S", "-b",
    "-c",
];

/// `test EXPR`, `[ EXPR ]`, `[[ EXPR ]]`: status 0 when true, 1 when false, 2 on a malformed expression.
pub fn test(env: &mut Env, name: &str, args: &[String]) -> Output {
    let args = match name {
        "[" | "[[" => {
            let close = if name == "[" { "]" } else { "]]" };
            match args.split_last() {
                Some((last, rest)) if last == close => rest,
                _ => return Output::err(format!("bash: {name}: missing `{close}'\n"), 2),
            }
        }
        _ => args,
    };
    if args.is_empty() {
        return Output {
            code: 1,
            ..Output::default()
        };
    }
    let mut e = Eval {
        env,
        args,
        i: 0,
        double: name == "[[",
        depth: 0,
    };
    let r = e.or().and_then(|v| match e.args.get(e.i) {
        None => Ok(v),
        Some(extra) => Err(format!("{extra}: unexpected operator")),
    });
    match r {
        Ok(true) => Output::default(),
        Ok(false) => Output {
            code: 1,
            ..Output::default()
        },
        Err(msg) => Output::err(format!("bash: {name}: {msg}\n"), 2),
    }
}

impl Eval<'_, '_> {
    fn peek(&self) -> Option<&str> {
        self.args.get(self.i).map(String::as_str)
    }

    fn or(&mut self) -> R {
        let mut v = self.and()?;
        while matches!(self.peek(), Some("-o" | "||")) {
            self.i += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> R {
        let mut v = self.not()?;
        while matches!(self.peek(), Some("-a" | "&&")) {
            self.i += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> R {
        self.depth += 1;
        if self.depth > 200 {
            return Err("expression too deep".into());
        }
        let v = if self.peek() == Some("!") && self.args.len() > self.i + 1 {
            self.i += 1;
            self.not().map(|v| !v)
        } else {
            self.primary()
        };
        self.depth -= 1;
        v
    }

    fn primary(&mut self) -> R {
        let Some(a) = self.peek().map(String::from) else {
            return Err("argument expected".into());
        };
        if a == "(" {
            self.i += 1;
            let v = self.or()?;
            if self.peek() != Some(")") {
                return Err("`)' expected".into());
            }
            self.i += 1;
            return Ok(v);
        }
        if let Some(op) = self.args.get(self.i + 1).map(String::as_str) {
            if BINARY.contains(&op) && self.args.len() > self.i + 2 {
                let b = self.args.get(self.i + 2).cloned().unwrap_or_default();
                self.i += 3;
                return self.binary(&a, op, &b);
            }
        }
        if UNARY.contains(&a.as_str()) && self.args.len() > self.i + 1 {
            let b = self.args.get(self.i + 1).cloned().unwrap_or_default();
            self.i += 2;
            return Ok(self.unary(&a, &b));
        }
        self.i += 1;
        Ok(!a.is_empty())
    }

    fn unary(&mut self, op: &str, arg: &str) -> bool {
        if matches!(op, "-z" | "-n" | "-v") {
            return match op {
                "-z" => arg.is_empty(),
                "-n" => !arg.is_empty(),
                _ => self.env.is_set(arg),
            };
        }
        let path = self.env.path(arg);
        let fs = self.env.fs();
        match op {
            "-e" | "-a" | "-r" | "-w" => fs.exists(&path),
            "-f" => fs.is_file(&path),
            "-d" => fs.is_dir(&path),
            "-s" => fs.read(&path).is_ok_and(|t| !t.is_empty()) || fs.is_dir(&path),
            "-x" => fs.is_dir(&path),
            _ => false,
        }
    }

    fn int(&self, s: &str) -> Result<i64, String> {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("{s}: integer expression expected"))
    }

    fn binary(&mut self, a: &str, op: &str, b: &str) -> R {
        Ok(match op {
            "=" | "==" if self.double => {
                let pat: Vec<char> = b.chars().collect();
                super::expand::glob_match(&pat, &a.chars().collect::<Vec<_>>())
            }
            "=" | "==" => a == b,
            "!=" => a != b,
            "<" => a < b,
            ">" => a > b,
            "=~" => match regex::RegexBuilder::new(b).size_limit(1 << 22).build() {
                Ok(re) => re.is_match(a),
                Err(_) => return Err(format!("{b}: invalid regular expression")),
            },
            "-nt" | "-ot" => false,
            _ => {
                let (x, y) = (self.int(a)?, self.int(b)?);
                match op {
                    "-eq" => x == y,
                    "-ne" => x != y,
                    "-lt" => x < y,
                    "-le" => x <= y,
                    "-gt" => x > y,
                    _ => x >= y,
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::Shell;
    use crate::world::World;

    fn status(line: &str) -> i32 {
        let mut w = World::standard();
        let mut sh = Shell::new("controlplane");
        sh.run_line(&mut w, line).code
    }

    #[test]
    fn file_and_string_tests() {
        assert_eq!(status("[ -d /etc/kubernetes ]"), 0);
        assert_eq!(status("[ -f /etc/kubernetes ]"), 1);
        assert_eq!(status("test -f /var/lib/kubelet/config.yaml"), 0);
        assert_eq!(status("[ -z \"\" ] && [ -n x ]"), 0);
        assert_eq!(status("[ a = b ]"), 1);
        assert_eq!(status("[ ! a = b ]"), 0);
        assert_eq!(status("[[ web-1 == web* ]]"), 0);
        assert_eq!(status("[ 3 -gt 2 -a 1 -le 1 ]"), 0);
        assert_eq!(status("[ x -gt 2 ]"), 2);
        assert_eq!(status("[ a = a"), 2);
    }
}
