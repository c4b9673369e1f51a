//! Small verbs: `label`, `annotate`, `version`, `api-resources`, `cluster-info`.

use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::printers::table;
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const LABEL_FLAGS: &[FlagSpec] = &[
    flag("record", None),
    flag("overwrite", None),
    flag("all", None),
    val("selector", Some('l')),
    val("dry-run", None),
    val("output", Some('o')),
    flag("list", None),
    flag("all-namespaces", Some('A')),
];

/// `kubectl label` and `kubectl annotate`: `key=value` sets, `key-` removes.
pub fn label(ctx: &mut Ctx<'_>, field: &str) {
    let noun = if field == "labels" {
        "labeled"
    } else {
        "annotated"
    };
    let args = ctx.flags.args.clone();
    let (res, changes): (Vec<String>, Vec<String>) = args
        .iter()
        .cloned()
        .partition(|a| !(a.contains('=') || a.ends_with('-')));
    if res.is_empty() {
        return ctx.error(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    let list = ctx.flags.is_set("list");
    if changes.is_empty() && !list {
        return ctx.error(&format!(
            "at least one {} update is required",
            if field == "labels" {
                "label"
            } else {
                "annotation"
            }
        ));
    }
    let removed: Vec<&str> = changes.iter().filter_map(|c| c.strip_suffix('-')).collect();
    if changes
        .iter()
        .filter_map(|c| c.split_once('=').map(|(k, _)| k))
        .any(|k| removed.contains(&k))
    {
        return ctx.error(&format!(
            "can not both modify and remove {} in the same command",
            if field == "labels" {
                "a label"
            } else {
                "an annotation"
            }
        ));
    }
    let reqs = match resources::parse_in(ctx.cluster_ref(), &res) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let overwrite = ctx.flags.is_set("overwrite");
    let ns = ctx.namespace.clone();
    let mut targets = Vec::new();
    for r in reqs {
        match r.name {
            Some(n) => targets.push((r.rt, n)),
            None => {
                if !ctx.flags.is_set("all") && ctx.flags.get("selector").is_none() {
                    return ctx.error("resource(s) were provided, but no name was specified");
                }
                let sel = crate::cluster::selector::Selector::parse(
                    ctx.flags.get("selector").unwrap_or(""),
                )
                .unwrap_or_default();
                let Some(c) = ctx.cluster_ref() else { return };
                for o in c.list(r.rt, Some(&ns), Some(&sel)) {
                    targets.push((r.rt, object::name(&o).to_string()));
                }
            }
        }
    }
    let dr = match super::dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
    };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let one = targets.len() == 1;
    for (rt, name) in targets {
        let Some(c) = ctx.cluster() else { return };
        let mut obj = match c.get(rt, &ns, &name) {
            Ok(o) => o,
            Err(e) => return ctx.error(&errors::api_error(&e)),
        };
        if list {
            // kubectl walks a Go map (no fixed order); kubedojo lists the keys sorted.
            let mut text = String::new();
            let indent = if one {
                ""
            } else {
                text.push_str(&format!(
                    "Listing {field} for {}.{}/{name}:\n",
                    rt.kind, rt.group
                ));
                " "
            };
            if let Some(m) =
                object::get(&obj, &format!("metadata.{field}")).and_then(Value::as_object)
            {
                for (k, v) in m {
                    text.push_str(&format!("{indent}{k}={}\n", v.as_str().unwrap_or_default()));
                }
            }
            ctx.print(&text);
            continue;
        }
        let before = obj.clone();
        for ch in &changes {
            if let Some(k) = ch.strip_suffix('-') {
                if !ch.contains('=') {
                    let has = object::get(&obj, &format!("metadata.{field}"))
                        .and_then(|m| m.get(k))
                        .is_some();
                    if !has && field == "labels" {
                        ctx.println(&format!("label {k:?} not found."));
                    }
                    object::map_mut(&mut obj, &format!("metadata.{field}")).remove(k);
                    continue;
                }
            }
            let Some((k, v)) = ch.split_once('=') else {
                continue;
            };
            let map = object::map_mut(&mut obj, &format!("metadata.{field}"));
            if let Some(old) = map.get(k).and_then(Value::as_str) {
                if old != v && !overwrite {
                    return ctx.error(&format!(
                        "'{k}' already has a value ({old}), and --overwrite is false"
                    ));
                }
            }
            map.insert(k.to_string(), json!(v));
        }
        if object::get(&obj, &format!("metadata.{field}"))
            .and_then(Value::as_object)
            .is_some_and(|m| m.is_empty())
        {
            object::remove(&mut obj, &format!("metadata.{field}"));
        }
        let verb = if obj == before {
            format!("not {noun}")
        } else {
            noun.to_string()
        };
        if dr == super::DryRun::Client {
            if super::output::is_machine(&output) {
                match super::output::render(&output, &[obj], true, false) {
                    Ok(t) => ctx.print(&t),
                    Err(e) => return ctx.error(&e),
                }
            } else {
                ctx.println(&format!(
                    "{}/{name} {verb}{}",
                    rt.qualified_singular(),
                    dr.suffix()
                ));
            }
            continue;
        }
        object::remove(&mut obj, "metadata.resourceVersion");
        let Some(c) = ctx.cluster() else { return };
        match c.update(obj, dr == super::DryRun::Server) {
            Ok(o) => {
                if super::output::is_machine(&output) {
                    match super::output::render(&output, &[o], true, false) {
                        Ok(t) => ctx.print(&t),
                        Err(e) => return ctx.error(&e),
                    }
                } else {
                    ctx.println(&format!(
                        "{}/{name} {verb}{}",
                        rt.qualified_singular(),
                        dr.suffix()
                    ))
                }
            }
            Err(e) => return ctx.error(&errors::api_error(&e)),
        }
    }
}

pub const VERSION_FLAGS: &[FlagSpec] = &[
    flag("client", None),
    val("output", Some('o')),
    flag("short", None),
];

pub fn version(ctx: &mut Ctx<'_>) {
    // The client is the kubectl package of the host; the server is what the API server's pod runs.
    let client = ctx
        .world
        .hosts
        .get(ctx.inv.host)
        .and_then(|h| h.packages.release_of("kubectl"))
        .unwrap_or_else(|| crate::world::CLUSTER_RELEASE.to_string());
    let server = ctx
        .world
        .clusters
        .get(&ctx.cluster)
        .and_then(|c| {
            c.list_ns("pods", "kube-system").into_iter().find_map(|p| {
                let image = p.pointer("/spec/containers/0/image")?.as_str()?;
                let tag = image.strip_prefix("registry.k8s.io/kube-apiserver:")?;
                Some(tag.trim_start_matches('v').to_string())
            })
        })
        .unwrap_or_else(|| crate::world::CLUSTER_RELEASE.to_string());
    let mut s = format!("Client Version: v{client}\nKustomize Version: v5.5.0\n");
    if !ctx.flags.is_set("client") {
        s.push_str(&format!("Server Version: v{server}\n"));
    }
    ctx.print(&s);
}

pub const API_FLAGS: &[FlagSpec] = &[
    flag("namespaced", None),
    val("output", Some('o')),
    flag("no-headers", None),
    val("api-group", None),
    flag("cached", None),
    val("verbs", None),
    val("sort-by", None),
];

pub fn api_resources(ctx: &mut Ctx<'_>) {
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    if !["", "wide", "name"].contains(&output.as_str()) {
        return ctx.error(&format!("--output {output} is not available"));
    }
    let sort_by = ctx.flags.get("sort-by").unwrap_or("").to_string();
    if !["", "name", "kind"].contains(&sort_by.as_str()) {
        return ctx.error("--sort-by accepts only name or kind");
    }
    let namespaced = ctx.flags.get("namespaced").map(|v| v != "false");
    let wanted_verbs: Vec<String> = ctx
        .flags
        .get("verbs")
        .map(|v| {
            v.split(',')
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    let types: Vec<&'static schema::ResourceType> = match ctx.cluster_ref() {
        Some(c) => c.resource_types(),
        None => schema::RESOURCES.iter().collect(),
    };
    let mut found: Vec<&schema::ResourceType> = types
        .into_iter()
        .filter(|r| namespaced.is_none_or(|n| n == r.namespaced))
        .filter(|r| ctx.flags.get("api-group").is_none_or(|g| g == r.group))
        .filter(|r| {
            let verbs = resources::verbs(r);
            wanted_verbs.iter().all(|w| verbs.contains(&w.as_str()))
        })
        .collect();
    match sort_by.as_str() {
        "name" => found.sort_by(|a, b| a.plural.cmp(b.plural)),
        "kind" => found.sort_by(|a, b| a.kind.cmp(b.kind)),
        _ => {}
    }
    if output == "name" {
        let names: String = found
            .iter()
            .map(|r| format!("{}\n", r.qualified_plural()))
            .collect();
        return ctx.print(&names);
    }
    let wide = output == "wide";
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|r| {
            let mut row = vec![
                r.plural.to_string(),
                r.short.join(","),
                r.api_version(),
                r.namespaced.to_string(),
                r.kind.to_string(),
            ];
            if wide {
                row.push(format!("[{}]", resources::verbs(r).join(" ")));
                let cats = resources::categories(r);
                row.push(if cats.is_empty() {
                    String::new()
                } else {
                    format!("[{}]", cats.join(" "))
                });
            }
            row
        })
        .collect();
    let mut headers: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    if wide {
        headers.push("VERBS".into());
        headers.push("CATEGORIES".into());
    }
    let mut out = String::new();
    table::render_into(
        &mut out,
        if ctx.flags.is_set("no-headers") {
            None
        } else {
            Some(&headers)
        },
        &rows,
    );
    ctx.print(&out);
}

pub fn cluster_info(ctx: &mut Ctx<'_>) {
    let ip = crate::world::node_ip(0, 0);
    ctx.print(&format!("Kubernetes control plane is running at https://{ip}:6443\nCoreDNS is running at https://{ip}:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"));
}
