//! Compound commands and functions: loops (under the iteration budget), `if`, `case`, `{ }`, and calls
//! of shell functions with their positional parameters.

use super::{append, run_list, Env, Io, LoopCtl, MAX_DEPTH, MAX_ITERATIONS};
use crate::shell::expand;
use crate::shell::parser::{Compound, List};
use crate::Output;

/// Counts one loop iteration; false once the budget is spent.
fn iterate(env: &mut Env, out: &mut Output) -> bool {
    env.iterations += 1;
    if env.iterations > MAX_ITERATIONS {
        if !env.aborted {
            out.stderr.push_str(&format!(
                "bash: loop stopped after {MAX_ITERATIONS} iterations\n"
            ));
        }
        env.aborted = true;
        out.code = 1;
        return false;
    }
    !env.sh.exit_now
}

/// Runs a loop body and reports whether the loop goes on.
fn body(env: &mut Env, list: &List, stdin: &str, tty: bool, out: &mut Output) -> bool {
    env.loop_depth += 1;
    let o = run_list(env, list, stdin, tty);
    env.loop_depth -= 1;
    append(out, o);
    match env.loop_ctl {
        Some(LoopCtl::Return) => false,
        Some(LoopCtl::Break) => {
            env.loop_ctl = None;
            false
        }
        _ => {
            env.loop_ctl = None;
            !env.sh.exit_now && !env.aborted
        }
    }
}

pub(super) fn run_compound(env: &mut Env, c: &Compound, stdin: &str, tty: bool) -> Output {
    let mut out = Output::default();
    match c {
        Compound::Group(list) => append(&mut out, run_list(env, list, stdin, tty)),
        Compound::For {
            var,
            words,
            body: list,
        } => {
            let items = expand::words(env, words);
            out.stderr.push_str(&std::mem::take(&mut env.stderr));
            for item in items {
                if !iterate(env, &mut out) {
                    break;
                }
                env.sh.vars.insert(var.clone(), item);
                if !body(env, list, stdin, tty, &mut out) {
                    break;
                }
            }
        }
        Compound::While {
            until,
            cond,
            body: list,
        } => {
            let outer = if stdin.is_empty() {
                None
            } else {
                Some(env.input.replace((stdin.to_string(), 0)))
            };
            loop {
                if !iterate(env, &mut out) {
                    break;
                }
                let c = run_list(env, cond, stdin, tty);
                let go = (c.code == 0) != *until;
                append(&mut out, c);
                if !go || env.sh.exit_now {
                    out.code = 0;
                    break;
                }
                if !body(env, list, stdin, tty, &mut out) {
                    break;
                }
            }
            if let Some(prev) = outer {
                env.input = prev;
            }
        }
        Compound::Case { word, arms } => {
            let subject: Vec<char> = expand::single(env, word).chars().collect();
            out.stderr.push_str(&std::mem::take(&mut env.stderr));
            for (patterns, list) in arms {
                let hit = patterns.iter().any(|p| {
                    let pat: Vec<char> = expand::single(env, p).chars().collect();
                    expand::glob_match(&pat, &subject)
                });
                if hit {
                    append(&mut out, run_list(env, list, stdin, tty));
                    break;
                }
            }
        }
        Compound::If {
            branches,
            otherwise,
        } => {
            let mut taken = false;
            for (cond, list) in branches {
                let c = run_list(env, cond, stdin, tty);
                let hit = c.code == 0;
                append(&mut out, c);
                if env.sh.exit_now || env.aborted {
                    return out;
                }
                if hit {
                    append(&mut out, run_list(env, list, stdin, tty));
                    taken = true;
                    break;
                }
            }
            if !taken {
                out.code = 0;
                if let Some(list) = otherwise {
                    append(&mut out, run_list(env, list, stdin, tty));
                }
            }
        }
    }
    env.sh.status = out.code;
    out
}

/// Calls a shell function with its arguments as `$1`...; `return` ends it.
pub(super) fn call(env: &mut Env, name: &str, body: &Compound, args: &[String], io: &Io) -> Output {
    if env.depth >= MAX_DEPTH {
        return Output::err(
            format!("bash: {name}: maximum function nesting level exceeded ({MAX_DEPTH})\n"),
            1,
        );
    }
    let outer = std::mem::replace(&mut env.sh.args, args.to_vec());
    env.depth += 1;
    let mut out = run_compound(env, body, io.stdin, io.tty);
    env.depth -= 1;
    env.sh.args = outer;
    if env.loop_ctl == Some(LoopCtl::Return) {
        env.loop_ctl = None;
        out.code = env.sh.status;
    }
    env.sh.status = out.code;
    out
}
