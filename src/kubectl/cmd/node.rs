//! Node maintenance: `kubectl taint`, `cordon`, `uncordon`, `drain`.

use super::apply::parse_go_duration;
use super::{dry_run, DryRun};
use crate::cluster::deletion::DeleteOptions;
use crate::cluster::selector::Selector;
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
    let dry = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
    };
    let Some(names) = node_names(ctx, &args) else {
        return;
    };
    for name in names {
        set_cordon(ctx, &name, on, dry);
    }
}

fn set_cordon(ctx: &mut Ctx<'_>, name: &str, on: bool, dry: DryRun) -> bool {
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
    if dry != DryRun::None || save(ctx, node) {
        ctx.println(&format!("node/{name} {word}{}", dry.suffix()));
        return true;
    }
    false
}

/// A duration as Go prints it (`1m30s`, `45s`, `1h0m0s`).
fn go_duration(secs: i64) -> String {
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{}s", s / 60, s % 60),
        s => format!("{}h{}m{}s", s / 3600, (s % 3600) / 60, s % 60),
    }
}

/// Simulated seconds a drain without `--timeout` keeps retrying before kubedojo stops it (the
/// real one retries until interrupted).
const DRAIN_WAIT_LIMIT_SECS: i64 = 600;

/// The options of one `kubectl drain`.
struct DrainOptions {
    ignore_ds: bool,
    force: bool,
    empty_dir: bool,
    disable_eviction: bool,
    grace: Option<i64>,
    /// None: no `--timeout` (wait until done).
    timeout: Option<i64>,
    pod_selector: Selector,
    dry: DryRun,
}

fn drain_options(ctx: &mut Ctx<'_>) -> Result<DrainOptions, String> {
    let dry = dry_run(ctx)?;
    let grace = match ctx.flags.get("grace-period") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(n) if n < 0 => None,
            Ok(n) => Some(n),
            Err(_) => {
                return Err(format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"))
            }
        },
    };
    let timeout = match ctx.flags.get("timeout") {
        None => None,
        Some(t) => match parse_go_duration(t) {
            Some(0) => None,
            Some(n) => Some(n),
            None => {
                return Err(format!(
                "invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""
            ))
            }
        },
    };
    let pod_selector = match ctx.flags.get("pod-selector") {
        None => Selector::default(),
        Some(sel) => Selector::parse(sel)?,
    };
    Ok(DrainOptions {
        ignore_ds: ctx.flags.is_set("ignore-daemonsets"),
        force: ctx.flags.is_set("force"),
        empty_dir: ctx.flags.is_set("delete-emptydir-data")
            || ctx.flags.is_set("delete-local-data"),
        disable_eviction: ctx.flags.is_set("disable-eviction"),
        grace,
        timeout,
        pod_selector,
        dry,
    })
}

/// `kubectl drain NODE`: cordon, then evict the pods kubectl may evict (through the eviction API,
/// which PodDisruptionBudgets guard), waiting until they are gone; or refuse with kubectl's reasons.
pub fn drain(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.usage_error("USAGE: drain NODE [flags]");
    }
    let opts = match drain_options(ctx) {
        Ok(o) => o,
        Err(e) => return ctx.error(&e),
    };
    let Some(names) = node_names(ctx, &args) else {
        return;
    };
    for name in names {
        if !set_cordon(ctx, &name, true, opts.dry) {
            return;
        }
        let Some(c) = ctx.cluster_ref() else { return };
        let pods: Vec<Value> = c
            .list_all("pods")
            .into_iter()
            .filter(|p| object::str_at(p, "spec.nodeName") == name)
            .filter(|p| opts.pod_selector.matches(&object::labels(p)))
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
        if !ds_pods.is_empty() && !opts.ignore_ds {
            fatal.push(format!(
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {}",
                ds_pods.join(", ")
            ));
        }
        if !unmanaged.is_empty() && !opts.force {
            fatal.push(format!(
                "cannot delete Pods that declare no controller (use --force to override): {}",
                unmanaged.join(", ")
            ));
        }
        if !local.is_empty() && !opts.empty_dir {
            fatal.push(format!("cannot delete Pods with local storage (use --delete-emptydir-data to override): {}", local.join(", ")));
        }
        if !fatal.is_empty() {
            return drain_failed(ctx, &name, &fatal);
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
        if opts.dry == DryRun::Client {
            for p in &evict {
                ctx.println(&format!(
                    "evicting pod {}/{} (dry run)",
                    object::namespace(p),
                    object::name(p)
                ));
            }
            ctx.println(&format!("node/{name} drained (dry run)"));
            continue;
        }
        let errs = remove_pods(ctx, &evict, &opts);
        if !errs.is_empty() {
            if let Some(c) = ctx.cluster_ref() {
                let left: Vec<String> = evict
                    .iter()
                    .filter(|p| {
                        c.peek("pods", object::namespace(p), object::name(p))
                            .is_some()
                    })
                    .map(|p| format!("pod/{}", object::name(p)))
                    .collect();
                if !left.is_empty() {
                    let joined = aggregate(&errs);
                    ctx.warn(&format!(
                        "There are pending pods in node \"{name}\" when an error occurred: {joined}\n{}",
                        left.join("\n")
                    ));
                }
            }
            return drain_failed(ctx, &name, &errs);
        }
        ctx.println(&format!("node/{name} drained{}", opts.dry.suffix()));
    }
}

/// Errors joined as Go's `utilerrors.NewAggregate` prints them.
fn aggregate(errs: &[String]) -> String {
    if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    }
}

fn drain_failed(ctx: &mut Ctx<'_>, name: &str, errs: &[String]) {
    let joined = aggregate(errs);
    ctx.error(&format!("unable to drain node \"{name}\" due to error: {joined}, continuing command...\nThere are pending nodes to be drained:\n {name}\n{}", errs.join("\n")));
}

/// Evicts (or, with `--disable-eviction`, deletes) the pods and waits until they are gone, in
/// simulated time: a refused eviction is retried every 5 seconds, as kubectl does. Returns the
/// errors that ended the wait.
fn remove_pods(ctx: &mut Ctx<'_>, pods: &[Value], opts: &DrainOptions) -> Vec<String> {
    let server_dry = opts.dry == DryRun::Server;
    let delete_opts = DeleteOptions {
        propagation: Default::default(),
        grace_seconds: opts.grace,
    };
    let Some(rt) = schema::lookup("pod") else {
        return Vec::new();
    };
    // (namespace, name, uid, evicted yet)
    let mut pending: Vec<(String, String, String, bool)> = pods
        .iter()
        .map(|p| {
            (
                object::namespace(p).to_string(),
                object::name(p).to_string(),
                object::str_at(p, "metadata.uid").to_string(),
                false,
            )
        })
        .collect();
    if !opts.disable_eviction {
        for (ns, pn, _, _) in &pending {
            ctx.println(&format!("evicting pod {ns}/{pn}{}", opts.dry.suffix()));
        }
    }
    let done_word = if opts.disable_eviction {
        "deleted"
    } else {
        "evicted"
    };
    let limit = opts.timeout.unwrap_or(DRAIN_WAIT_LIMIT_SECS);
    let mut elapsed = 0;
    let mut next_try = 0;
    loop {
        if elapsed >= next_try {
            next_try = elapsed + 5;
            for (ns, pn, _, evicted) in pending.iter_mut().filter(|p| !p.3) {
                let Some(c) = ctx.cluster() else {
                    return Vec::new();
                };
                let result = if opts.disable_eviction {
                    if server_dry {
                        c.get(rt, ns, pn)
                    } else {
                        c.delete_with(rt, ns, pn, delete_opts)
                    }
                } else {
                    c.evict(ns, pn, delete_opts, server_dry)
                };
                match result {
                    Ok(_) => *evicted = true,
                    Err(e) if e.is_not_found() => *evicted = true,
                    Err(e) if e.code == 429 => {
                        ctx.warn(&format!(
                            "error when evicting pods/\"{pn}\" -n \"{ns}\" (will retry after 5s): {}",
                            e.message
                        ));
                    }
                    Err(e) => {
                        let verb = if opts.disable_eviction {
                            "deleting"
                        } else {
                            "evicting"
                        };
                        return vec![format!(
                            "error when {verb} pods/\"{pn}\" -n \"{ns}\": {}",
                            e.message
                        )];
                    }
                }
            }
        }
        if server_dry {
            // Nothing goes away in a server dry run.
            for (_, pn, _, _) in pending.iter().filter(|p| p.3) {
                ctx.println(&format!("pod/{pn} {done_word} (server dry run)"));
            }
            pending.retain(|p| !p.3);
        } else if let Some(c) = ctx.cluster_ref() {
            let gone: Vec<String> = pending
                .iter()
                .filter(|(ns, pn, uid, evicted)| {
                    *evicted
                        && c.peek("pods", ns, pn)
                            .is_none_or(|o| object::str_at(o, "metadata.uid") != uid)
                })
                .map(|p| p.1.clone())
                .collect();
            for pn in &gone {
                ctx.println(&format!("pod/{pn} {done_word}"));
            }
            pending.retain(|p| !gone.contains(&p.1));
        }
        if pending.is_empty() {
            return Vec::new();
        }
        if elapsed >= limit {
            break;
        }
        ctx.world.advance(1);
        elapsed += 1;
    }
    if opts.timeout.is_none() {
        ctx.warn(&format!(
            "(kubedojo stops this drain after {} of simulated time; the real kubectl keeps retrying until interrupted)",
            go_duration(DRAIN_WAIT_LIMIT_SECS)
        ));
        return vec![format!(
            "drain did not complete within {}",
            go_duration(DRAIN_WAIT_LIMIT_SECS)
        )];
    }
    pending
        .iter()
        .map(|(ns, pn, _, evicted)| {
            if *evicted {
                format!("error when waiting for pod \"{pn}\" in namespace \"{ns}\" to terminate: timed out waiting for the condition")
            } else {
                format!(
                    "error when evicting pods/\"{pn}\" -n \"{ns}\": global timeout reached: {}",
                    go_duration(limit)
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{go_duration, parse_go_duration};

    #[test]
    fn go_durations_parse_and_print_like_go() {
        assert_eq!(parse_go_duration("90s"), Some(90));
        assert_eq!(parse_go_duration("2m"), Some(120));
        assert_eq!(parse_go_duration("1h30m"), Some(5400));
        assert_eq!(parse_go_duration("0"), Some(0));
        assert_eq!(parse_go_duration("10"), None);
        assert_eq!(parse_go_duration("x"), None);
        assert_eq!(go_duration(60), "1m0s");
        assert_eq!(go_duration(45), "45s");
        assert_eq!(go_duration(3600), "1h0m0s");
    }
}
