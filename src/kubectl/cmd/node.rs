//! Node maintenance: `kubectl taint`, `cordon`, `uncordon`, `drain`.

use crate::cluster::controllers::controller_uid;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const TAINT_FLAGS: &[FlagSpec] = &[
    flag("overwrite", None),
    flag("all", None),
    val("selector", Some('l')),
    val("dry-run", None),
    val("output", Some('o')),
];
pub const CORDON_FLAGS: &[FlagSpec] = &[val("selector", Some('l')), val("dry-run", None)];
pub const DRAIN_FLAGS: &[FlagSpec] = &[
    flag("ignore-daemonsets", None),
    flag("force", None),
    flag("delete-emptydir-data", None),
    flag("delete-local-data", None),
    val("grace-period", None),
    val("timeout", None),
    val("selector", Some('l')),
    val("pod-selector", None),
    flag("disable-eviction", None),
    val("dry-run", None),
    val("skip-wait-for-delete-timeout", None),
];

fn node_names(ctx: &mut Ctx<'_>, args: &[String]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut iter = args.iter();
    let first = iter.next()?;
    let (ty, first_name) = match first.split_once('/') {
        Some((t, n)) => (t.to_string(), Some(n.to_string())),
        None => (first.clone(), None),
    };
    if schema::lookup(&ty).map(|r| r.kind) != Some("Node") {
        // `kubectl cordon node01` has no type word.
        out.push(first.clone());
    } else if let Some(n) = first_name {
        out.push(n);
    }
    out.extend(iter.cloned());
    if out.is_empty() {
        ctx.usage_error("resource(s) were provided, but no name was specified");
        return None;
    }
    Some(out)
}

fn get_node(ctx: &mut Ctx<'_>, name: &str) -> Option<Value> {
    let rt = schema::lookup("node")?;
    match ctx.cluster_ref()?.get(rt, "", name) {
        Ok(n) => Some(n),
        Err(e) => {
            ctx.error(&errors::api_error(&e));
            None
        }
    }
}

fn save(ctx: &mut Ctx<'_>, mut n: Value) -> bool {
    object::remove(&mut n, "metadata.resourceVersion");
    let Some(c) = ctx.cluster() else { return false };
    match c.update(n, false) {
        Ok(_) => true,
        Err(e) => {
            let m = errors::api_error(&e);
            ctx.error(&m);
            false
        }
    }
}

/// `kubectl taint nodes NAME key=value:Effect` (`key:Effect-` or `key-` removes).
pub fn taint(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.error("one or more resources must be specified as <resource> <name>");
    }
    let (specs, targets): (Vec<String>, Vec<String>) = args
        .iter()
        .cloned()
        .partition(|a| a.contains(':') || a.contains('=') || a.ends_with('-'));
    if specs.is_empty() {
        return ctx.error("at least one taint update is required");
    }
    let targets: Vec<String> = match targets.first().map(String::as_str) {
        Some("node" | "nodes" | "no") => targets[1..].to_vec(),
        Some(t) if t.starts_with("node/") || t.starts_with("nodes/") => targets
            .iter()
            .map(|t| {
                t.split_once('/')
                    .map(|(_, n)| n.to_string())
                    .unwrap_or_default()
            })
            .collect(),
        Some(other) => {
            return ctx.error(&format!(
                "invalid resource type {other}, only node types are supported"
            ))
        }
        None => return ctx.usage_error("at least one node must be specified"),
    };
    let overwrite = ctx.flags.is_set("overwrite");
    for name in targets {
        let Some(mut node) = get_node(ctx, &name) else {
            return;
        };
        let mut taints: Vec<Value> = object::array(&node, "spec.taints").to_vec();
        let mut removed = false;
        let mut added = false;
        for spec in &specs {
            if let Some(body) = spec.strip_suffix('-') {
                let (kv, effect) = match body.split_once(':') {
                    Some((kv, e)) => (kv, Some(e)),
                    None => (body, None),
                };
                let key = kv.split('=').next().unwrap_or(kv);
                let before = taints.len();
                taints.retain(|t| {
                    !(t.get("key").and_then(Value::as_str) == Some(key)
                        && effect
                            .is_none_or(|e| t.get("effect").and_then(Value::as_str) == Some(e)))
                });
                if taints.len() == before {
                    return ctx.error(&format!("taint {:?} not found", body));
                }
                removed = true;
                continue;
            }
            let Some((kv, effect)) = spec.split_once(':') else {
                return ctx.error(&format!("invalid taint spec: {spec}, unknown taint effect"));
            };
            if !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect) {
                return ctx.error(&format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let (key, value) = match kv.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (kv, None),
            };
            let exists = taints.iter().position(|t| {
                t.get("key").and_then(Value::as_str) == Some(key)
                    && t.get("effect").and_then(Value::as_str) == Some(effect)
            });
            if let Some(i) = exists {
                if !overwrite {
                    return ctx.error(&format!("node {name} already has {key} taint(s) with same effect(s) and --overwrite is false"));
                }
                taints.remove(i);
            }
            let mut t = json!({"effect": effect, "key": key});
            if let Some(v) = value {
                t["value"] = json!(v);
            }
            if effect == "NoExecute" {
                t["timeAdded"] = json!(crate::cluster::timestamp(
                    ctx.cluster_ref().map(|c| c.now).unwrap_or_default()
                ));
            }
            taints.push(t);
            added = true;
        }
        if taints.is_empty() {
            object::remove(&mut node, "spec.taints");
        } else {
            object::set(&mut node, "spec.taints", Value::Array(taints));
        }
        if save(ctx, node) {
            let verb = if added && !removed {
                "tainted"
            } else if removed && !added {
                "untainted"
            } else {
                "modified"
            };
            ctx.println(&format!("node/{name} {verb}"));
        }
    }
}

/// `kubectl cordon` / `kubectl uncordon`.
pub fn cordon(ctx: &mut Ctx<'_>, on: bool) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.usage_error("USAGE: cordon NODE [flags]");
    }
    let Some(names) = node_names(ctx, &args) else {
        return;
    };
    for name in names {
        set_cordon(ctx, &name, on);
    }
}

fn set_cordon(ctx: &mut Ctx<'_>, name: &str, on: bool) -> bool {
    let Some(mut node) = get_node(ctx, name) else {
        return false;
    };
    let is = object::get(&node, "spec.unschedulable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let word = if on { "cordoned" } else { "uncordoned" };
    if is == on {
        ctx.println(&format!("node/{name} already {word}"));
        return true;
    }
    if on {
        object::set(&mut node, "spec.unschedulable", json!(true));
    } else {
        object::remove(&mut node, "spec.unschedulable");
    }
    if save(ctx, node) {
        ctx.println(&format!("node/{name} {word}"));
        return true;
    }
    false
}

/// `kubectl drain NODE`: cordon, then evict the pods kubectl may evict, or refuse with kubectl's reasons.
pub fn drain(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.usage_error("USAGE: drain NODE [flags]");
    }
    let Some(names) = node_names(ctx, &args) else {
        return;
    };
    let ignore_ds = ctx.flags.is_set("ignore-daemonsets");
    let force = ctx.flags.is_set("force");
    let empty_dir =
        ctx.flags.is_set("delete-emptydir-data") || ctx.flags.is_set("delete-local-data");
    for name in names {
        if !set_cordon(ctx, &name, true) {
            return;
        }
        let Some(c) = ctx.cluster_ref() else { return };
        let pods: Vec<Value> = c
            .list_all("pods")
            .into_iter()
            .filter(|p| object::str_at(p, "spec.nodeName") == name)
            .cloned()
            .collect();
        let mut ds_pods = Vec::new();
        let mut unmanaged = Vec::new();
        let mut local = Vec::new();
        let mut evict = Vec::new();
        for p in &pods {
            let id = format!("{}/{}", object::namespace(p), object::name(p));
            if object::get(p, "metadata.annotations")
                .and_then(|a| a.get("kubernetes.io/config.mirror"))
                .is_some()
            {
                continue;
            }
            let phase = object::str_at(p, "status.phase");
            let finished = phase == "Succeeded" || phase == "Failed";
            let owner_kind = object::array(p, "metadata.ownerReferences")
                .iter()
                .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
                .and_then(|r| r.get("kind").and_then(Value::as_str))
                .map(String::from);
            if owner_kind.as_deref() == Some("DaemonSet") {
                ds_pods.push(id);
                continue;
            }
            if owner_kind.is_none() && !finished {
                unmanaged.push(id.clone());
            }
            if object::array(p, "spec.volumes")
                .iter()
                .any(|v| v.get("emptyDir").is_some())
                && !finished
            {
                local.push(id.clone());
            }
            evict.push(p.clone());
        }
        let mut fatal = Vec::new();
        if !ds_pods.is_empty() && !ignore_ds {
            fatal.push(format!(
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}",
                ds_pods.join(", ")
            ));
        }
        if !unmanaged.is_empty() && !force {
            fatal.push(format!(
                "cannot delete Pods that declare no controller (use --force to override): {}",
                unmanaged.join(", ")
            ));
        }
        if !local.is_empty() && !empty_dir {
            fatal.push(format!("cannot delete Pods with local storage (use --delete-emptydir-data to override): {}", local.join(", ")));
        }
        if !fatal.is_empty() {
            let joined = if fatal.len() == 1 {
                fatal[0].clone()
            } else {
                format!("[{}]", fatal.join(", "))
            };
            ctx.error(&format!("unable to drain node \"{name}\" due to error: {joined}, continuing command...\nThere are pending nodes to be drained:\n {name}\n{}", fatal.join("\n")));
            return;
        }
        let mut warnings = Vec::new();
        if !ds_pods.is_empty() {
            warnings.push(format!(
                "ignoring DaemonSet-managed Pods: {}",
                ds_pods.join(", ")
            ));
        }
        if !unmanaged.is_empty() {
            warnings.push(format!(
                "deleting Pods that declare no controller: {}",
                unmanaged.join(", ")
            ));
        }
        if !local.is_empty() {
            warnings.push(format!(
                "deleting Pods with local storage: {}",
                local.join(", ")
            ));
        }
        if !warnings.is_empty() {
            ctx.warn(&format!("Warning: {}", warnings.join("; ")));
        }
        let Some(rt) = schema::lookup("pod") else {
            return;
        };
        for p in &evict {
            ctx.println(&format!(
                "evicting pod {}/{}",
                object::namespace(p),
                object::name(p)
            ));
        }
        for p in &evict {
            let (ns, pn) = (
                object::namespace(p).to_string(),
                object::name(p).to_string(),
            );
            if let Some(c) = ctx.cluster() {
                let _ = c.delete(rt, &ns, &pn);
            }
            ctx.println(&format!("pod/{pn} evicted"));
        }
        let _ = controller_uid;
        ctx.println(&format!("node/{name} drained"));
    }
}
