//! `kubectl get`.

use super::output::{is_machine, name_of, render};
use crate::cluster::selector::Selector;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::resources::{self, Request};
use crate::kubectl::{errors, tables, Ctx};
use serde_json::Value;
use std::borrow::Cow;

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
    flag("output-watch-events", None),
    val("raw", None),
    val("subresource", None),
    val("template", None),
    flag("server-print", None),
    flag("allow-missing-template-keys", None),
];

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if let Some(path) = ctx.flags.get("raw").map(String::from) {
        return raw(ctx, &path, &args);
    }
    if args.is_empty() {
        ctx.warn("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
        ctx.error("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return;
    }
    let reqs = match resources::parse_in(ctx.cluster_ref(), &args) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let all_ns = ctx.flags.is_set("all-namespaces");
    if all_ns && reqs.iter().any(|r| r.name.is_some()) {
        return ctx.error("a resource cannot be retrieved by name across all namespaces");
    }
    match ctx.flags.get("subresource") {
        None | Some("status") | Some("scale") => {}
        Some(other) => {
            return ctx.error(&format!(
                "invalid subresource value: {other:?}. Must be one of [status scale]"
            ))
        }
    }
    // `-o custom-columns-file=F` reads its columns from a file of the host.
    let columns_file = match output.strip_prefix("custom-columns-file=") {
        Some(f) => match ctx.read_file(f) {
            Ok(t) => Some(t),
            Err(_) => {
                return ctx.error(&format!(
                    "error reading template {f}, open {f}: no such file or directory"
                ))
            }
        },
        None => None,
    };
    let watch_events = ctx.flags.is_set("output-watch-events")
        && (ctx.flags.is_set("watch") || ctx.flags.is_set("watch-only"));
    let selector = match Selector::parse(&ctx.flags.all("selector").join(",")) {
        Ok(s) => s,
        Err(e) => return ctx.error(&e),
    };
    let field_selector = ctx.flags.get("field-selector").map(String::from);
    // The API server's deprecation warning, once per kind (kubectl deduplicates warnings).
    if reqs
        .iter()
        .any(|r| r.rt.plural == crate::cluster::componentstatus::COMPONENT_STATUSES)
    {
        ctx.warn("Warning: v1 ComponentStatus is deprecated in v1.19+");
    }
    let Some(cluster) = ctx.cluster_ref() else {
        return ctx.error("cluster not reachable");
    };
    let now = cluster.now;
    // Collect, per type, the objects to print.
    // Listed objects are borrowed from the store; only what a flag rewrites is copied.
    let mut groups: Vec<(&'static schema::ResourceType, Vec<Cow<'_, Value>>)> = Vec::new();
    let mut errors_out: Vec<String> = Vec::new();
    let named = reqs.iter().any(|r| r.name.is_some());
    for Request { rt, name } in &reqs {
        let ns = if all_ns && name.is_none() {
            None
        } else {
            Some(ctx.namespace.as_str())
        };
        let items: Vec<Cow<'_, Value>> = match name {
            Some(n) => match cluster.get(rt, &ctx.namespace, n) {
                Ok(o) => vec![Cow::Owned(o)],
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
                let mut v = cluster.list_refs(rt, ns, Some(&selector));
                if let Some(fs) = &field_selector {
                    v.retain(|o| field_matches(o, fs));
                }
                v.into_iter().map(Cow::Borrowed).collect()
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
    if ctx.flags.get("subresource") == Some("scale") {
        for (_, items) in groups.iter_mut() {
            for o in items.iter_mut() {
                *o = Cow::Owned(scale_of(o));
            }
        }
    }
    let total: usize = groups.iter().map(|(_, v)| v.len()).sum();
    if let Some(text) = columns_file {
        let items: Vec<Cow<'_, Value>> = groups.into_iter().flat_map(|(_, v)| v).collect();
        match crate::kubectl::printers::custom_columns::render_file(&text, &items) {
            Ok(s) => ctx.print(&s),
            Err(e) => ctx.error(&e),
        }
    } else if is_machine(&output) && watch_events && (output == "json" || output == "yaml") {
        // A watch prints one event per object: `{"type":"ADDED","object":{...}}`.
        let mut text = String::new();
        let mut failed = None;
        for o in groups.into_iter().flat_map(|(_, v)| v) {
            let ev = serde_json::json!({"type": "ADDED", "object": o});
            match render(&output, &[ev], true, false) {
                Ok(s) if output == "yaml" => text.push_str(&format!("{s}---\n")),
                Ok(s) => text.push_str(&s),
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        ctx.print(&text);
        if let Some(e) = failed {
            return ctx.error(&e);
        }
    } else if is_machine(&output) {
        let items: Vec<Cow<'_, Value>> = groups.into_iter().flat_map(|(_, v)| v).collect();
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
            if watch_events {
                headers.insert(0, "EVENT".into());
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
            let show_labels = ctx.flags.is_set("show-labels");
            let show_kind = multi_kind || ctx.flags.is_set("show-kind");
            let namespace_column = all_ns && rt.namespaced;
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|o| {
                    // A pod's row is remembered per stored version: listing thousands of
                    // unchanged pods reads each one's JSON tree once.
                    let pod = (custom.is_none() && rt.plural == "pods" && rt.group.is_empty())
                        .then(|| {
                            cluster.memo.fetch(
                                o,
                                || {
                                    cluster.peek_shared(
                                        "pods",
                                        object::namespace(o),
                                        object::name(o),
                                    )
                                },
                                tables::pod_state,
                            )
                        });
                    let name = match &pod {
                        _ if show_kind => name_of(o),
                        Some(p) => p.name.clone(),
                        None => object::name(o).to_string(),
                    };
                    let cells = match (custom, &pod) {
                        (Some(def), _) => {
                            crate::kubectl::custom::row(def, rt.version, o, &name, now, wide)
                        }
                        (None, Some(p)) => tables::pod_row(o, p, &name, now, wide),
                        (None, None) => tables::row(o, &name, now, wide),
                    };
                    let mut r = Vec::with_capacity(cells.len() + 2 + label_cols.len());
                    if watch_events {
                        r.push("ADDED".to_string());
                    }
                    if namespace_column {
                        r.push(match &pod {
                            Some(p) => p.namespace.clone(),
                            None => object::namespace(o).to_string(),
                        });
                    }
                    r.extend(cells);
                    if label_cols.is_empty() && !show_labels {
                        return r;
                    }
                    let labels = object::labels(o);
                    for l in &label_cols {
                        r.push(labels.get(l).cloned().unwrap_or_default());
                    }
                    if show_labels {
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
            // kubectl flushes its tabwriter and forgets the column widths at each new kind, and
            // separates the tables with an empty line unless headers are off.
            if !first && !ctx.flags.is_set("no-headers") {
                text.push('\n');
            }
            first = false;
            let h = if ctx.flags.is_set("no-headers") {
                None
            } else {
                Some(headers.as_slice())
            };
            // kubectl flushes its tabwriter and forgets the remembered widths at each new
            // resource type, so every table is aligned on its own.
            text.push_str(&crate::kubectl::printers::tabwriter::layout_rows(h, rows));
        }
        ctx.print(&text);
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

/// The `autoscaling/v1` Scale of a scalable object, as `--subresource=scale` returns it.
fn scale_of(o: &Value) -> Value {
    let selector = object::get(o, "spec.selector.matchLabels")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let mut meta = o.get("metadata").cloned().unwrap_or(Value::Null);
    if let Some(m) = meta.as_object_mut() {
        for k in [
            "labels",
            "annotations",
            "ownerReferences",
            "generation",
            "managedFields",
            "finalizers",
        ] {
            m.remove(k);
        }
    }
    serde_json::json!({
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": meta,
        "spec": {"replicas": object::get(o, "spec.replicas").cloned().unwrap_or(serde_json::json!(0))},
        "status": {
            "replicas": object::get(o, "status.replicas").cloned().unwrap_or(serde_json::json!(0)),
            "selector": selector,
        },
    })
}

/// `kubectl get --raw PATH`: the API server's answer for a path, as its body.
fn raw(ctx: &mut Ctx<'_>, path: &str, args: &[String]) {
    if !args.is_empty() {
        return ctx.error("arguments may not be passed when --raw is specified");
    }
    let path = path.split('?').next().unwrap_or_default();
    match path {
        "/healthz" | "/livez" | "/readyz" | "/healthz/ping" | "/livez/ping" | "/readyz/ping" => {
            return ctx.print("ok")
        }
        "/version" => {
            let body = serde_json::json!({"major": "1", "minor": "32", "gitVersion": "v1.32.1", "platform": "linux/amd64"});
            return ctx.println(&super::output::to_json(&body));
        }
        _ => {}
    }
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    // /api/v1[/namespaces/NS]/PLURAL[/NAME] or /apis/GROUP/VERSION[/namespaces/NS]/PLURAL[/NAME]
    let rest: &[&str] = match parts.as_slice() {
        ["api", "v1", rest @ ..] => rest,
        ["apis", _, _, rest @ ..] => rest,
        _ => &[],
    };
    let (ns, rest): (Option<&str>, &[&str]) = match rest {
        ["namespaces", ns, more @ ..] if !more.is_empty() => (Some(ns), more),
        _ => (None, rest),
    };
    let found = match rest {
        [plural] => schema::lookup(plural).map(|rt| (rt, None)),
        [plural, name] => schema::lookup(plural).map(|rt| (rt, Some(*name))),
        _ => None,
    };
    let Some((rt, name)) = found else {
        return ctx.error(
            "Error from server (NotFound): the server could not find the requested resource",
        );
    };
    let Some(cluster) = ctx.cluster_ref() else {
        return ctx.error("cluster not reachable");
    };
    let body = match name {
        Some(n) => match cluster.get(rt, ns.unwrap_or("default"), n) {
            Ok(o) => o,
            Err(e) => return ctx.error(&errors::api_error(&e)),
        },
        None => {
            if let Err(e) = cluster.authorize_list(rt, ns) {
                return ctx.error(&errors::api_error(&e));
            }
            let items = cluster.list(rt, ns, None);
            serde_json::json!({
                "kind": format!("{}List", rt.kind),
                "apiVersion": rt.api_version(),
                "metadata": {"resourceVersion": ""},
                "items": items,
            })
        }
    };
    ctx.println(&serde_json::to_string(&body).unwrap_or_default());
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

fn sort_by(items: &mut [Cow<'_, Value>], key: &str) {
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
                // kubectl compares quantities by value (`2Gi` < `10Gi`) and other strings naturally
                // (`web-2` < `web-10`).
                match (
                    crate::cluster::controllers::pv::bytes(&sa),
                    crate::cluster::controllers::pv::bytes(&sb),
                ) {
                    (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
                    _ => natural_cmp(&sa, &sb),
                }
            }
        }
    });
}

/// Natural order: runs of digits compare as numbers.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut x, mut y) = (a, b);
    loop {
        match (x.chars().next(), y.chars().next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let xe = x.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(x.len());
                let ye = y.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(y.len());
                let (xn, yn) = (
                    x[..xe].trim_start_matches('0'),
                    y[..ye].trim_start_matches('0'),
                );
                let o = xn.len().cmp(&yn.len()).then_with(|| xn.cmp(yn));
                if o != Ordering::Equal {
                    return o;
                }
                x = &x[xe..];
                y = &y[ye..];
            }
            (Some(c), Some(d)) => {
                if c != d {
                    return c.cmp(&d);
                }
                x = &x[c.len_utf8()..];
                y = &y[d.len_utf8()..];
            }
        }
    }
}
