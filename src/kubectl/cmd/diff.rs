//! `kubectl diff -f FILE`: the live objects against what `kubectl apply` would make of them, as
//! `diff -u -N` prints it. Exit status 0 when nothing would change, 1 when something would, >1 on error.

use super::apply::{three_way, LAST_APPLIED};
use crate::cluster::object;
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::printers::yaml;
use crate::kubectl::{errors, Ctx};
use crate::scenario::setup::parse_documents;
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    rep("filename", Some('f')),
    flag("recursive", Some('R')),
    flag("server-side", None),
    flag("force-conflicts", None),
    val("field-manager", None),
    flag("prune", None),
    rep("selector", Some('l')),
    val("concurrency", None),
    flag("show-managed-fields", None),
];

/// A unified diff of two texts with three lines of context; empty when they are equal.
pub fn unified(a: &str, b: &str) -> String {
    let a: Vec<&str> = if a.is_empty() {
        Vec::new()
    } else {
        a.lines().collect()
    };
    let b: Vec<&str> = if b.is_empty() {
        Vec::new()
    } else {
        b.lines().collect()
    };
    // LCS table from the end.
    let (n, m) = (a.len(), b.len());
    let mut l = vec![vec![0u32; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            l[i][j] = if a[i] == b[j] {
                l[i + 1][j + 1] + 1
            } else {
                l[i + 1][j].max(l[i][j + 1])
            };
        }
    }
    // The edit script: (' ', '-', '+', line, index in a, index in b).
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < n && (j == m || l[i + 1][j] >= l[i][j + 1]) {
            // Removals before additions, as GNU diff prints a changed line.
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    if ops.iter().all(|(c, _)| *c == ' ') {
        return String::new();
    }
    // Group changes into hunks with up to three lines of context around them.
    let ctx_lines = 3;
    let changed: Vec<usize> = ops
        .iter()
        .enumerate()
        .filter(|(_, (c, _))| *c != ' ')
        .map(|(k, _)| k)
        .collect();
    let mut hunks: Vec<(usize, usize)> = Vec::new();
    for &k in &changed {
        let start = k.saturating_sub(ctx_lines);
        let end = (k + ctx_lines + 1).min(ops.len());
        match hunks.last_mut() {
            Some(h) if start <= h.1 => h.1 = h.1.max(end),
            _ => hunks.push((start, end)),
        }
    }
    let mut out = String::new();
    for (start, end) in hunks {
        let before_a = ops[..start].iter().filter(|(c, _)| *c != '+').count();
        let before_b = ops[..start].iter().filter(|(c, _)| *c != '-').count();
        let len_a = ops[start..end].iter().filter(|(c, _)| *c != '+').count();
        let len_b = ops[start..end].iter().filter(|(c, _)| *c != '-').count();
        let range = |before: usize, len: usize| {
            let first = if len == 0 { before } else { before + 1 };
            if len == 1 {
                format!("{first}")
            } else {
                format!("{first},{len}")
            }
        };
        out.push_str(&format!(
            "@@ -{} +{} @@\n",
            range(before_a, len_a),
            range(before_b, len_b)
        ));
        for (c, line) in &ops[start..end] {
            out.push(*c);
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

pub fn run(ctx: &mut Ctx<'_>) {
    let files = ctx.flags.all("filename");
    if files.is_empty() {
        ctx.error("must specify one of -f and -k");
        ctx.out.code = 2;
        return;
    }
    let mut docs = Vec::new();
    for f in &files {
        let text = match ctx.read_file(f) {
            Ok(t) => t,
            Err(e) => {
                ctx.error(&e);
                ctx.out.code = 2;
                return;
            }
        };
        match parse_documents(&text) {
            Ok(d) => docs.extend(d),
            Err(e) => {
                ctx.error(&format!("error parsing {f}: {e}"));
                ctx.out.code = 2;
                return;
            }
        }
    }
    let stamp = ctx
        .cluster_ref()
        .map(|c| {
            c.now
                .format("%Y-%m-%d %H:%M:%S.000000000 +0000")
                .to_string()
        })
        .unwrap_or_default();
    let (live_dir, merged_dir) = match ctx.cluster() {
        Some(c) => (
            format!("/tmp/LIVE-{}", c.next_random() % 4_000_000_000),
            format!("/tmp/MERGED-{}", c.next_random() % 4_000_000_000),
        ),
        None => return,
    };
    let mut any = false;
    for mut obj in docs {
        let rt = match crate::kubectl::custom::type_of(ctx, &obj) {
            Ok(rt) => rt,
            Err(e) => {
                ctx.error(&errors::api_error(&e));
                ctx.out.code = 2;
                return;
            }
        };
        if rt.namespaced && object::namespace(&obj).is_empty() {
            let ns = ctx.namespace.clone();
            object::set(&mut obj, "metadata.namespace", json!(ns));
        }
        let ns = object::namespace(&obj).to_string();
        let name = object::name(&obj).to_string();
        let Some(c) = ctx.cluster() else { return };
        let live = c.get(rt, &ns, &name).ok();
        let mut applied = obj.clone();
        object::remove(&mut applied, "status");
        let text = serde_json::to_string(&applied).unwrap_or_default();
        let merged = match &live {
            Some(l) => {
                let last: Value = super::deployment_annotation(l, LAST_APPLIED)
                    .and_then(|s| serde_json::from_str(&s).ok())
                    .unwrap_or(Value::Null);
                let mut m = l.clone();
                three_way(&mut m, &last, &applied);
                object::map_mut(&mut m, "metadata.annotations")
                    .insert(LAST_APPLIED.into(), json!(format!("{text}\n")));
                object::remove(&mut m, "metadata.resourceVersion");
                c.update(m, true)
            }
            None => {
                let mut m = applied.clone();
                object::map_mut(&mut m, "metadata.annotations")
                    .insert(LAST_APPLIED.into(), json!(format!("{text}\n")));
                c.create(m, true)
            }
        };
        let merged = match merged {
            Ok(m) => m,
            Err(e) => {
                ctx.error(&errors::api_error(&e));
                ctx.out.code = 2;
                return;
            }
        };
        // The dry run hands out a new resourceVersion; kubectl hides fields the server always changes.
        let strip = |v: &Value| {
            let mut v = v.clone();
            object::remove(&mut v, "metadata.managedFields");
            v
        };
        let mut merged = strip(&merged);
        if let Some(l) = &live {
            if let Some(rv) = object::get(l, "metadata.resourceVersion") {
                object::set(&mut merged, "metadata.resourceVersion", rv.clone());
            }
        } else {
            object::remove(&mut merged, "metadata.resourceVersion");
        }
        let live_text = live
            .as_ref()
            .map(|l| yaml::to_yaml(&strip(l)))
            .unwrap_or_default();
        let merged_text = yaml::to_yaml(&merged);
        let body = unified(&live_text, &merged_text);
        if body.is_empty() {
            continue;
        }
        any = true;
        let group = if rt.group.is_empty() {
            String::new()
        } else {
            format!("{}.", rt.group)
        };
        let file = format!("{group}{}.{}.{ns}.{name}", rt.version, rt.kind);
        let file = if ns.is_empty() {
            format!("{group}{}.{}.{name}", rt.version, rt.kind)
        } else {
            file
        };
        ctx.print(&format!(
            "diff -u -N {live_dir}/{file} {merged_dir}/{file}\n--- {live_dir}/{file}\t{stamp}\n+++ {merged_dir}/{file}\t{stamp}\n{body}"
        ));
    }
    if any {
        ctx.out.code = 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified("a\nb\n", "a\nb\n"), "");
    }

    #[test]
    fn one_changed_line_with_context() {
        let a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
        let b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
        assert_eq!(
            unified(a, b),
            "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n"
        );
    }

    #[test]
    fn a_new_file_is_all_additions() {
        assert_eq!(unified("", "a\nb\n"), "@@ -0,0 +1,2 @@\n+a\n+b\n");
    }
}
