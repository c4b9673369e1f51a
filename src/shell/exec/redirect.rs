//! Redirections: where descriptors 1 and 2 go (the terminal, `/dev/null`, a file on the host), opened
//! left to right before the command runs, as bash does.

use super::Env;
use crate::shell::expand;
use crate::shell::lexer::RedirKind;
use crate::shell::parser::Redir;
use crate::Output;

/// Where a descriptor's text goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Sink {
    Stdout,
    Stderr,
    Null,
    File(String),
}

pub(super) struct Redirected {
    /// Sinks of descriptors 1 and 2.
    pub(super) sinks: [Sink; 2],
    pub(super) stdin: Option<String>,
}

/// Sends a command's output where its descriptors point. `lead` bytes of its stderr were written
/// before its stdout (warnings, expansion errors): when both descriptors share one sink, the merged
/// text keeps that write order (`2>&1`, `&>`, `|&`); the rest of stderr came after the output.
pub(super) fn route(env: &mut Env, out: Output, sinks: &[Sink; 2], lead: usize) -> Output {
    let mut res = Output {
        code: out.code,
        ..Output::default()
    };
    let lead = (0..=lead.min(out.stderr.len()))
        .rev()
        .find(|i| out.stderr.is_char_boundary(*i))
        .unwrap_or(0);
    let pieces = if sinks[0] == sinks[1] {
        let (first, rest) = out.stderr.split_at(lead);
        vec![(format!("{first}{}{rest}", out.stdout), &sinks[0])]
    } else {
        vec![(out.stdout, &sinks[0]), (out.stderr, &sinks[1])]
    };
    for (text, sink) in pieces {
        if text.is_empty() {
            continue;
        }
        match sink {
            Sink::Stdout => res.stdout.push_str(&text),
            Sink::Stderr => res.stderr.push_str(&text),
            Sink::Null => {}
            Sink::File(path) => {
                if let Err(e) = env.fs().append(path, &text) {
                    res.stderr.push_str(&format!("bash: {path}: {e}\n"));
                }
            }
        }
    }
    res
}

pub(super) fn redirect(env: &mut Env, redirs: &[Redir]) -> Result<Redirected, String> {
    let mut r = Redirected {
        sinks: [Sink::Stdout, Sink::Stderr],
        stdin: None,
    };
    for redir in redirs {
        let target = match &redir.kind {
            RedirKind::Heredoc { .. } => String::new(),
            _ => expand::single(env, &redir.target),
        };
        let slot = match redir.fd {
            1 => Some(0),
            2 => Some(1),
            _ => None,
        };
        match &redir.kind {
            RedirKind::Out | RedirKind::Append | RedirKind::AllOut | RedirKind::AllAppend => {
                let append = matches!(redir.kind, RedirKind::Append | RedirKind::AllAppend);
                let sink = open(env, &target, append, &r.sinks)?;
                if matches!(redir.kind, RedirKind::AllOut | RedirKind::AllAppend) {
                    r.sinks = [sink.clone(), sink];
                } else if let Some(k) = slot {
                    r.sinks[k] = sink;
                }
            }
            RedirKind::DupOut => {
                let sink = match target.as_str() {
                    "1" => r.sinks[0].clone(),
                    "2" => r.sinks[1].clone(),
                    "-" => Sink::Null,
                    t if t.chars().all(|c| c.is_ascii_digit()) => {
                        return Err(format!("bash: {t}: Bad file descriptor\n"))
                    }
                    _ if redir.fd == 1 => {
                        let sink = open(env, &target, false, &r.sinks)?;
                        r.sinks[1] = sink.clone();
                        sink
                    }
                    _ => return Err(format!("bash: {target}: ambiguous redirect\n")),
                };
                if let Some(k) = slot {
                    r.sinks[k] = sink;
                }
            }
            RedirKind::In if redir.fd == 0 => match env.read(&target) {
                Ok(text) => r.stdin = Some(text),
                Err(e) => return Err(format!("bash: {target}: {e}\n")),
            },
            RedirKind::Heredoc { body, expand } if redir.fd == 0 => {
                r.stdin = Some(if *expand {
                    expand::text(env, body)
                } else {
                    body.clone()
                });
            }
            RedirKind::HereString if redir.fd == 0 => r.stdin = Some(format!("{target}\n")),
            _ => {}
        }
    }
    Ok(r)
}

/// Opens a file for writing: truncates it (or creates it, for `>>`), as bash does before the command runs.
fn open(env: &mut Env, target: &str, append: bool, sinks: &[Sink; 2]) -> Result<Sink, String> {
    match target {
        "/dev/null" => return Ok(Sink::Null),
        "/dev/stdout" | "/dev/fd/1" => return Ok(sinks[0].clone()),
        "/dev/stderr" | "/dev/fd/2" => return Ok(sinks[1].clone()),
        "/dev/tty" => return Ok(Sink::Stdout),
        _ => {}
    }
    let path = env.path(target);
    let res = if append {
        env.fs().append(&path, "")
    } else {
        env.fs().write(&path, "")
    };
    match res {
        Ok(()) => Ok(Sink::File(path)),
        Err(e) => Err(format!("bash: {target}: {e}\n")),
    }
}
