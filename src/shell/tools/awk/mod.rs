//! A small `awk`: `pattern { action }` rules with `BEGIN`/`END`, fields (`$1`, `$NF`), `NR`, `NF`,
//! `-F`, `-v`, variables and arrays, `print`/`printf`, `if`/`while`/`for`, and the common string
//! functions. Enough for the one-liners of the exam; every program runs under a step budget.

mod lex;
mod parse;
mod run;
mod value;

use super::getopt;
use crate::shell::exec::{Env, Io};
use crate::Output;

/// `awk [-F SEP] [-v VAR=VALUE]... 'PROGRAM' [FILE]...`
pub fn awk(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("awk", args, "F:v:f:", &["--field-separator", "--assign"], 2) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let mut operands = o.operands.clone();
    let src = match o.value(&["f"]) {
        Some(f) => match env.read(f) {
            Ok(t) => t,
            Err(e) => {
                return Output::err(
                    format!("awk: fatal: can't open source file `{f}' for reading: {e}\n"),
                    2,
                )
            }
        },
        None => {
            if operands.is_empty() {
                return Output::err(
                    "usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n",
                    2,
                );
            }
            operands.remove(0)
        }
    };
    let program = match parse::parse(&src) {
        Ok(p) => p,
        Err(e) => return Output::err(format!("awk: cmd. line:1: {e}\n"), 2),
    };
    let mut vm = run::Vm::new();
    if let Some(fs) = o.value(&["F", "--field-separator"]) {
        let fs = if fs == "t" {
            "\t".to_string()
        } else {
            fs.replace("\\t", "\t")
        };
        vm.set_var("FS", &fs);
    }
    for (f, v) in &o.flags {
        if f == "v" || f == "--assign" {
            if let Some((n, val)) = v.as_deref().and_then(|v| v.split_once('=')) {
                vm.set_var(n, val);
            }
        }
    }
    let mut errors = String::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for name in &operands {
        if let Some((n, val)) = name.split_once('=').filter(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }) {
            vm.set_var(n, val);
            continue;
        }
        if name == "-" {
            files.push(("-".into(), io.stdin.to_string()));
            continue;
        }
        match env.read(name) {
            Ok(t) => files.push((name.clone(), t)),
            Err(e) => errors.push_str(&format!(
                "awk: fatal: cannot open file `{name}' for reading: {e}\n"
            )),
        }
    }
    if operands.iter().all(|n| n.contains('=') && n != "-") {
        files.push(("-".into(), io.stdin.to_string()));
    }
    let result = vm.run(&program, &files);
    for (path, text, append) in vm.take_files() {
        let p = env.path(&path);
        let r = if append {
            env.fs().append(&p, &text)
        } else {
            env.fs().write(&p, &text)
        };
        if let Err(e) = r {
            errors.push_str(&format!(
                "awk: cmd. line:1: fatal: can't redirect to `{path}': {e}\n"
            ));
        }
    }
    let mut out = Output {
        stdout: result.stdout,
        stderr: errors,
        code: result.code,
    };
    if let Some(e) = result.error {
        out.stderr
            .push_str(&format!("awk: cmd. line:1: fatal: {e}\n"));
        out.code = 2;
    }
    if !out.stderr.is_empty() && out.code == 0 {
        out.code = 2;
    }
    out
}

#[cfg(test)]
mod tests_support {
    use super::*;
    use crate::shell::Shell;
    use crate::world::World;

    /// Runs awk with `args` over `input` in a fresh standard World.
    pub fn awk_on(input: &str, args: &[&str]) -> Output {
        let mut w = World::standard();
        let mut sh = Shell::new("controlplane");
        let mut env = Env::new(&mut sh, &mut w);
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        awk(
            &mut env,
            &args,
            &Io {
                stdin: input,
                tty: false,
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::awk_on;

    #[test]
    fn print_first_column() {
        assert_eq!(awk_on("a b\nc d\n", &["{print $1}"]).stdout, "a\nc\n");
    }

    #[test]
    fn separator_and_last_field() {
        assert_eq!(
            awk_on("a:b:c\nd:e:f\n", &["-F:", "{print $NF, NR}"]).stdout,
            "c 1\nf 2\n"
        );
        assert_eq!(
            awk_on("a:b:c\n", &["-F", ":", "{print $(NF-1)}"]).stdout,
            "b\n"
        );
    }

    #[test]
    fn patterns_select_lines() {
        let table = "NAME READY STATUS\nweb-1 1/1 Running\ndb-1 0/1 Pending\n";
        assert_eq!(awk_on(table, &["/Running/ {print $1}"]).stdout, "web-1\n");
        assert_eq!(
            awk_on(table, &["NR>1 && $3 != \"Running\""]).stdout,
            "db-1 0/1 Pending\n"
        );
        assert_eq!(awk_on(table, &["NR==1"]).stdout, "NAME READY STATUS\n");
    }

    #[test]
    fn sums_and_arrays() {
        assert_eq!(
            awk_on("a 1\nb 2\na 3\n", &["{s+=$2} END {print s}"]).stdout,
            "6\n"
        );
        assert_eq!(
            awk_on("a\nb\na\n", &["{c[$1]++} END {for (k in c) print k, c[k]}"]).stdout,
            "a 2\nb 1\n"
        );
        assert_eq!(
            awk_on("", &["BEGIN {printf \"%-5s|%3d|%.2f\\n\", \"ab\", 7, 2.5}"]).stdout,
            "ab   |  7|2.50\n"
        );
    }

    #[test]
    fn string_functions() {
        assert_eq!(
            awk_on(
                "Hello World\n",
                &["{print length($1), toupper($2), substr($1, 2, 3)}"]
            )
            .stdout,
            "5 WORLD ell\n"
        );
        assert_eq!(
            awk_on("a-b-c\n", &["{gsub(/-/, \"+\"); print}"]).stdout,
            "a+b+c\n"
        );
        assert_eq!(
            awk_on(
                "a,b,c\n",
                &["{n = split($0, parts, \",\"); print n, parts[3]}"]
            )
            .stdout,
            "3 c\n"
        );
    }

    #[test]
    fn runaway_loops_stop() {
        let out = awk_on("", &["BEGIN { while (1) x++ }"]);
        assert_eq!(out.code, 2);
        assert!(out.stderr.contains("fatal"));
    }

    #[test]
    fn syntax_errors_are_reported() {
        let out = awk_on("", &["{print $1"]);
        assert_eq!(out.code, 2);
        assert!(out.stderr.starts_with("awk: cmd. line:1: "));
    }
}

#[cfg(test)]
mod limits {
    use super::tests_support::awk_on;

    #[test]
    fn long_operator_chains_are_refused_not_overflowed() {
        let chain = format!("BEGIN {{ x = 1{} }}", " + 1".repeat(50_000));
        assert_eq!(awk_on("", &[&chain]).code, 2);
        let concat = format!("BEGIN {{ x = \"a\"{} }}", " \"b\"".repeat(50_000));
        assert_eq!(awk_on("", &[&concat]).code, 2);
    }
}
