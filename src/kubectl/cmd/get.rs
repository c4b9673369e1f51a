//! `kubectl get`.

use super::output::{is_machine, name_of, render};
use crate::cluster::selector::Selector;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::printers::table;
use crate::kubectl::resources::{self, Request};
use crate::kubectl::{errors, tables, Ctx};
use serde_json::Value;

pub const FLAGS: &[FlagSpec] = &[
    val("output", Some('o')),
    rep("selector", Some('l')),
    flag("all-namespaces", Some('A')),
    flag("show-labels", None),
    flag("no-headers", None),
    flag("watch", Some('w')),
    flag("ignore-not-found", None),
    val("sort-by", None),
    rep("label-columns", Some('L')),
    val("field-selector", None),
    rep("filename", Some('f')),
    flag("show-kind", None),
    flag("recursive", Some('R')),
    val("chunk-size", None),
    flag("watch-only", None),
];

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        ctx.error("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return;
    }
    let reqs = match resources::parse_in(ctx.cluster_ref(), &args) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let all_ns = ctx.flags.is_set("all-namespaces");
    let selector = match Selector::parse(&ctx.flags.all("selector").join(",")) {
        Ok(s) => s,
        Err(e) => return ctx.error(&e),
    };
    let field_selector = ctx.flags.get("field-selector").map(String::from);
    let Some(cluster) = ctx.cluster_ref() else {
        return ctx.error("cluster not reachable");
    };
    let now = cluster.now;
    // Collect, per type, the objects to print.
    let mut groups: Vec<(&'static schema::ResourceType, Vec<Value>)> = Vec::new();
    let mut errors_out: Vec<String> = Vec::new();
    let named = reqs.iter().any(|r| r.name.is_some());
    for Request { rt, name } in &reqs {
        let ns = if all_ns && name.is_none() {
            None
        } else {
            Some(ctx.namespace.as_str())
        };
        let items: Vec<Value> = match name {
            Some(n) => match cluster.get(rt, &ctx.namespace, n) {
                Ok(o) => vec![o],
                Err(e) => {
                    if !ctx.flags.is_set("ignore-not-found") {
                        errors_out.push(errors::api_error(&e));
                    }
                    vec![]
                }
            },
            None => {
                if let Err(e) = cluster.authorize_list(rt, ns) {
                    errors_out.push(errors::api_error(&e));
                    continue;
                }
                let mut v = cluster.list(rt, ns, Some(&selector));
                if let Some(fs) = &field_selector {
                    v.retain(|o| field_matches(o, fs));
                }
                v
            }
        };
        match groups.iter_mut().find(|(g, _)| g.plural == rt.plural) {
            Some((_, v)) => v.extend(items),
            None => groups.push((rt, items)),
        }
    }
    if let Some(key) = ctx.flags.get("sort-by").map(String::from) {
        for (_, items) in groups.iter_mut() {
            sort_by(items, &key);
        }
    }
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    if is_machine(&output) {
        let items: Vec<Value> = groups.into_iter().flat_map(|(_, v)| v).collect();
        let single = named && reqs.len() == 1;
        if !(single && items.is_empty()) {
            match render(&output, &items, single, ctx.flags.is_set("no-headers")) {
                Ok(s) => ctx.print(&s),
                Err(e) => ctx.error(&e),
            }
        }
    } else {
        let multi_kind = groups.iter().filter(|(_, v)| !v.is_empty()).count() > 1
            || args.first().is_some_and(|a| a == "all" || a.contains(','));
        let wide = output == "wide";
        let mut first = true;
        let mut text = String::new();
        for (rt, items) in &groups {
            if items.is_empty() {
                continue;
            }
            let custom = cluster.definition_of(rt);
            let mut headers = match custom {
                Some(def) => crate::kubectl::custom::headers(def, rt.version, wide),
                None => tables::headers(rt.kind, wide),
            };
            if all_ns && rt.namespaced {
                headers.insert(0, "NAMESPACE".into());
            }
            let label_cols: Vec<String> = ctx
                .flags
                .all("label-columns")
                .iter()
                .flat_map(|l| l.split(',').map(String::from).collect::<Vec<_>>())
                .collect();
            for l in &label_cols {
                headers.push(l.rsplit('/').next().unwrap_or(l).to_ascii_uppercase());
            }
            if ctx.flags.is_set("show-labels") {
                headers.push("LABELS".into());
            }
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|o| {
                    let name = if multi_kind || ctx.flags.is_set("show-kind") {
                        name_of(o)
                    } else {
                        object::name(o).to_string()
                    };
                    let mut r = match custom {
                        Some(def) => {
                            crate::kubectl::custom::row(def, rt.version, o, &name, now, wide)
                        }
                        None => tables::row(o, &name, now, wide),
                    };
                    if all_ns && rt.namespaced {
                        r.insert(0, object::namespace(o).to_string());
                    }
                    let labels = object::labels(o);
                    for l in &label_cols {
                        r.push(labels.get(l).cloned().unwrap_or_default());
                    }
                    if ctx.flags.is_set("show-labels") {
                        let l: Vec<String> =
                            labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
                        r.push(if l.is_empty() {
                            "<none>".into()
                        } else {
                            l.join(",")
                        });
                    }
                    r
                })
                .collect();
            if !first {
                text.push('\n');
            }
            first = false;
            let h = if ctx.flags.is_set("no-headers") {
                None
            } else {
                Some(headers.as_slice())
            };
            text.push_str(&table::tsv(h, &rows));
        }
        // One tabwriter for every table of the output, as kubectl has.
        let laid_out = crate::kubectl::printers::tabwriter::layout(&text);
        ctx.print(&laid_out);
    }
    let had_errors = !errors_out.is_empty();
    for e in errors_out {
        ctx.error(&e);
    }
    if total == 0
        && !named
        && !had_errors
        && !is_machine(&output)
        && !ctx.flags.is_set("ignore-not-found")
    {
        let namespaced = reqs.iter().any(|r| r.rt.namespaced);
        if all_ns || !namespaced {
            ctx.warn("No resources found");
        } else {
            let ns = ctx.namespace.clone();
            ctx.warn(&format!("No resources found in {ns} namespace."));
        }
    }
    if ctx.flags.is_set("watch") && ctx.out.code == 0 {
        ctx.warn("(kubedojo: watching ends here; the cluster model does not stream changes. Run the command again to see new state.)");
    }
}

fn field_matches(o: &Value, fs: &str) -> bool {
    fs.split(',').all(|part| {
        let (k, v, neg) = if let Some((k, v)) = part.split_once("!=") {
            (k, v, true)
        } else if let Some((k, v)) = part.split_once("==") {
            (k, v, false)
        } else if let Some((k, v)) = part.split_once('=') {
            (k, v, false)
        } else {
            return true;
        };
        let have = object::str_at(o, k.trim());
        (have == v.trim()) != neg
    })
}

fn sort_by(items: &mut [Value], key: &str) {
    let path = key
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_start_matches('.')
        .replace('[', ".")
        .replace(']', "");
    items.sort_by(|a, b| {
        let va = object::get(a, &path);
        let vb = object::get(b, &path);
        match (va.and_then(Value::as_f64), vb.and_then(Value::as_f64)) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
            _ => {
                let sa = va
                    .map(|v| {
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .unwrap_or_default();
                let sb = vb
                    .map(|v| {
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .unwrap_or_default();
                sa.cmp(&sb)
            }
        }
    });
}
