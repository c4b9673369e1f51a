//! `diff`: a longest-common-subsequence line diff, printed in the normal or unified format.

use super::{getopt, inputs, lines};
use crate::shell::exec::{Env, Io};
use crate::Output;

/// Above this many line pairs `diff` stops looking for a minimal edit and reports one big change.
const DIFF_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit {
    Same(usize, usize),
    Del(usize),
    Ins(usize),
}

fn edits(a: &[&str], b: &[&str]) -> Vec<Edit> {
    let (n, m) = (a.len(), b.len());
    if n.saturating_mul(m) > DIFF_CELLS {
        let mut v: Vec<Edit> = (0..n).map(Edit::Del).collect();
        v.extend((0..m).map(Edit::Ins));
        return v;
    }
    // lcs[i][j]: length of the LCS of a[i..] and b[j..].
    let w = m + 1;
    let mut lcs = vec![0u32; (n + 1) * w];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            let v = if a.get(i) == b.get(j) {
                lcs.get((i + 1) * w + j + 1).copied().unwrap_or(0) + 1
            } else {
                lcs.get((i + 1) * w + j)
                    .copied()
                    .unwrap_or(0)
                    .max(lcs.get(i * w + j + 1).copied().unwrap_or(0))
            };
            if let Some(cell) = lcs.get_mut(i * w + j) {
                *cell = v;
            }
        }
    }
    let at = |i: usize, j: usize| lcs.get(i * w + j).copied().unwrap_or(0);
    let (mut i, mut j) = (0, 0);
    let mut v = Vec::new();
    while i < n || j < m {
        if i < n && j < m && a.get(i) == b.get(j) {
            v.push(Edit::Same(i, j));
            i += 1;
            j += 1;
        } else if i < n && (j == m || at(i + 1, j) >= at(i, j + 1)) {
            v.push(Edit::Del(i));
            i += 1;
        } else {
            v.push(Edit::Ins(j));
            j += 1;
        }
    }
    v
}

fn range(start: usize, len: usize) -> String {
    if len <= 1 {
        format!("{}", start + len.min(1))
    } else {
        format!("{},{}", start + 1, start + len)
    }
}

/// `diff [-u] [-q] FILE1 FILE2`: exit 0 when equal, 1 when different, 2 on trouble.
pub fn diff(env: &mut Env, args: &[String], io: &Io) -> Output {
    let o = match getopt("diff", args, "uqbwBiN", &[], 2) {
        Ok(o) => o,
        Err(e) => return e,
    };
    let [f1, f2] = o.operands.as_slice() else {
        let msg = match o.operands.len() {
            0 | 1 => format!(
                "diff: missing operand after ‘{}’\n",
                o.operands.first().map_or("diff", String::as_str)
            ),
            _ => format!(
                "diff: extra operand ‘{}’\n",
                o.operands.get(2).map_or("", String::as_str)
            ),
        };
        return Output::err(
            format!("{msg}diff: Try 'diff --help' for more information.\n"),
            2,
        );
    };
    let inp = inputs(env, "diff", &o.operands, io.stdin);
    if !inp.errors.is_empty() {
        return Output::err(inp.errors, 2);
    }
    let ta = inp.files.first().map(|f| f.1.clone()).unwrap_or_default();
    let tb = inp.files.get(1).map(|f| f.1.clone()).unwrap_or_default();
    if ta == tb {
        return Output::default();
    }
    if o.has(&["q", "--brief"]) {
        return Output {
            stdout: format!("Files {f1} and {f2} differ\n"),
            stderr: String::new(),
            code: 1,
        };
    }
    let (a, b) = (lines(&ta), lines(&tb));
    let ed = edits(&a, &b);
    let out = if o.has(&["u", "--unified"]) {
        unified(f1, f2, &a, &b, &ed)
    } else {
        normal(&a, &b, &ed)
    };
    Output {
        stdout: out,
        stderr: String::new(),
        code: 1,
    }
}

fn normal(a: &[&str], b: &[&str], ed: &[Edit]) -> String {
    let mut out = String::new();
    let (mut ai, mut bi) = (0usize, 0usize);
    let mut k = 0;
    while k < ed.len() {
        match ed.get(k) {
            Some(Edit::Same(..)) => {
                ai += 1;
                bi += 1;
                k += 1;
            }
            _ => {
                let (a0, b0) = (ai, bi);
                while let Some(e @ (Edit::Del(_) | Edit::Ins(_))) = ed.get(k) {
                    if matches!(e, Edit::Del(_)) {
                        ai += 1;
                    } else {
                        bi += 1;
                    }
                    k += 1;
                }
                let (dl, il) = (ai - a0, bi - b0);
                let head = match (dl, il) {
                    (_, 0) => format!("{}d{}", range(a0, dl), b0),
                    (0, _) => format!("{}a{}", a0, range(b0, il)),
                    _ => format!("{}c{}", range(a0, dl), range(b0, il)),
                };
                out.push_str(&head);
                out.push('\n');
                for l in a.get(a0..ai).unwrap_or_default() {
                    out.push_str(&format!("< {l}\n"));
                }
                if dl > 0 && il > 0 {
                    out.push_str("---\n");
                }
                for l in b.get(b0..bi).unwrap_or_default() {
                    out.push_str(&format!("> {l}\n"));
                }
            }
        }
    }
    out
}

fn unified(f1: &str, f2: &str, a: &[&str], b: &[&str], ed: &[Edit]) -> String {
    const CONTEXT: usize = 3;
    let mut out = format!("--- {f1}\n+++ {f2}\n");
    let changed: Vec<usize> = ed
        .iter()
        .enumerate()
        .filter(|(_, e)| !matches!(e, Edit::Same(..)))
        .map(|(i, _)| i)
        .collect();
    let mut k = 0;
    while let Some(&first) = changed.get(k) {
        let start = first.saturating_sub(CONTEXT);
        let mut last = first;
        while let Some(&nx) = changed.get(k + 1) {
            if nx > last + 2 * CONTEXT {
                break;
            }
            last = nx;
            k += 1;
        }
        k += 1;
        let end = (last + CONTEXT + 1).min(ed.len());
        let hunk = ed.get(start..end).unwrap_or_default();
        let a_start = ed
            .get(..start)
            .unwrap_or_default()
            .iter()
            .filter(|e| !matches!(e, Edit::Ins(_)))
            .count();
        let b_start = ed
            .get(..start)
            .unwrap_or_default()
            .iter()
            .filter(|e| !matches!(e, Edit::Del(_)))
            .count();
        let a_len = hunk.iter().filter(|e| !matches!(e, Edit::Ins(_))).count();
        let b_len = hunk.iter().filter(|e| !matches!(e, Edit::Del(_))).count();
        let pos = |s: usize, l: usize| {
            if l == 1 {
                format!("{}", s + 1)
            } else {
                format!("{},{}", if l == 0 { s } else { s + 1 }, l)
            }
        };
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            pos(a_start, a_len),
            pos(b_start, b_len)
        ));
        for e in hunk {
            match e {
                Edit::Same(i, _) => out.push_str(&format!(" {}\n", a.get(*i).unwrap_or(&""))),
                Edit::Del(i) => out.push_str(&format!("-{}\n", a.get(*i).unwrap_or(&""))),
                Edit::Ins(j) => out.push_str(&format!("+{}\n", b.get(*j).unwrap_or(&""))),
            }
        }
    }
    out
}
