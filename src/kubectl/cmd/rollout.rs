//! `kubectl rollout status|history|undo|restart|pause|resume` and `kubectl set image`.

use crate::cluster::controllers::controller_uid;
use crate::cluster::controllers::deployment::{annotation, revision, CHANGE_CAUSE};
use crate::cluster::{object, schema, timestamp};
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    val("revision", None),
    val("to-revision", None),
    val("timeout", None),
    flag("watch", Some('w')),
    val("output", Some('o')),
    val("dry-run", None),
    rep_selector(),
];

const fn rep_selector() -> FlagSpec {
    crate::kubectl::flags::rep("selector", Some('l'))
}

fn target(
    ctx: &mut Ctx<'_>,
    args: &[String],
) -> Option<(&'static schema::ResourceType, String, Value)> {
    let reqs = match resources::parse(args) {
        Ok(r) => r,
        Err(e) => {
            ctx.error(&e);
            return None;
        }
    };
    let Some(r) = reqs.into_iter().next() else {
        ctx.error("required resource not specified");
        return None;
    };
    let Some(name) = r.name else {
        ctx.error("resource(s) were provided, but no name was specified");
        return None;
    };
    if !matches!(r.rt.kind, "Deployment" | "DaemonSet" | "StatefulSet") {
        ctx.error(&format!("no {} found with name \"{name}\"", r.rt.kind));
        return None;
    }
    let ns = ctx.namespace.clone();
    match ctx.cluster_ref()?.get(r.rt, &ns, &name) {
        Ok(o) => Some((r.rt, name, o)),
        Err(e) => {
            ctx.error(&errors::api_error(&e));
            None
        }
    }
}

fn replicasets(ctx: &Ctx<'_>, d: &Value) -> Vec<Value> {
    let uid = object::str_at(d, "metadata.uid");
    let mut v: Vec<Value> = ctx
        .cluster_ref()
        .map(|c| {
            c.list_ns("replicasets", object::namespace(d))
                .into_iter()
                .filter(|rs| controller_uid(rs) == Some(uid))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(revision);
    v
}

fn update(ctx: &mut Ctx<'_>, mut obj: Value) -> bool {
    object::remove(&mut obj, "metadata.resourceVersion");
    let Some(c) = ctx.cluster() else { return false };
    match c.update(obj, false) {
        Ok(_) => true,
        Err(e) => {
            let m = errors::api_error(&e);
            ctx.error(&m);
            false
        }
    }
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let Some(sub) = args.first().cloned() else {
        // Unlike the other groups, `kubectl rollout` prints its help on stdout (and still exits 1).
        ctx.print(&super::help::for_command("kubectl rollout"));
        ctx.out.code = 1;
        return;
    };
    if !matches!(
        sub.as_str(),
        "status" | "history" | "undo" | "restart" | "pause" | "resume"
    ) {
        return ctx.usage_error(&format!("unknown command {sub:?}"));
    }
    ctx.path = format!("kubectl rollout {sub}");
    let rest = args[1..].to_vec();
    if rest.is_empty() {
        return ctx.error("required resource not specified");
    }
    let Some((rt, name, obj)) = target(ctx, &rest) else {
        return;
    };
    let kind_name = format!("{}/{name}", rt.qualified_singular());
    match sub.as_str() {
        "status" => status(ctx, rt, &name),
        "history" => history(ctx, &obj, &kind_name),
        "undo" => undo(ctx, obj, &kind_name),
        "restart" => {
            let mut o = obj;
            let now = ctx
                .cluster_ref()
                .map(|c| timestamp(c.now))
                .unwrap_or_default();
            object::map_mut(&mut o, "spec.template.metadata.annotations")
                .insert("kubectl.kubernetes.io/restartedAt".into(), json!(now));
            if update(ctx, o) {
                ctx.println(&format!("{kind_name} restarted"));
            }
        }
        "pause" | "resume" => {
            let want = sub == "pause";
            let mut o = obj;
            let is = object::get(&o, "spec.paused")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if is == want {
                return ctx.error(&format!(
                    "{kind_name} is {}",
                    if want { "already paused" } else { "not paused" }
                ));
            }
            if want {
                object::set(&mut o, "spec.paused", json!(true));
            } else {
                object::remove(&mut o, "spec.paused");
            }
            if update(ctx, o) {
                ctx.println(&format!(
                    "{kind_name} {}",
                    if want { "paused" } else { "resumed" }
                ));
            }
        }
        other => ctx.error(&format!(
            "unknown command \"{other}\"\nSee 'kubectl rollout -h' for help and examples"
        )),
    }
}

fn status(ctx: &mut Ctx<'_>, rt: &'static schema::ResourceType, name: &str) {
    let ns = ctx.namespace.clone();
    let limit = ctx.flags.get("timeout").and_then(parse_secs).unwrap_or(600);
    let mut last_line = String::new();
    for _ in 0..=limit {
        let Some(c) = ctx.cluster_ref() else { return };
        let Ok(o) = c.get(rt, &ns, name) else {
            return ctx.error(&format!("{} \"{name}\" not found", rt.qualified_plural()));
        };
        let i = |p: &str| object::i64_at(&o, p).unwrap_or(0);
        let line = match rt.kind {
            "Deployment" => {
                let want = i("spec.replicas");
                let (updated, total, available) = (
                    i("status.updatedReplicas"),
                    i("status.replicas"),
                    i("status.availableReplicas"),
                );
                if i("metadata.generation") > i("status.observedGeneration") {
                    "Waiting for deployment spec update to be observed...".to_string()
                } else if updated < want {
                    format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {want} new replicas have been updated...")
                } else if total > updated {
                    format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", total - updated)
                } else if available < updated {
                    format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available...")
                } else {
                    ctx.println(&format!("deployment \"{name}\" successfully rolled out"));
                    return;
                }
            }
            "DaemonSet" => {
                let (want, updated, avail) = (
                    i("status.desiredNumberScheduled"),
                    i("status.updatedNumberScheduled"),
                    i("status.numberAvailable"),
                );
                if updated < want {
                    format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {want} new pods have been updated...")
                } else if avail < want {
                    format!("Waiting for daemon set \"{name}\" rollout to finish: {avail} of {want} updated pods are available...")
                } else {
                    ctx.println(&format!("daemon set \"{name}\" successfully rolled out"));
                    return;
                }
            }
            _ => {
                let (want, ready) = (i("spec.replicas"), i("status.readyReplicas"));
                if ready < want {
                    format!("Waiting for {} pods to be ready...", want - ready)
                } else {
                    ctx.println(&format!(
                        "statefulset rolling update complete {want} pods at revision {name}..."
                    ));
                    return;
                }
            }
        };
        if line != last_line {
            ctx.println(&line);
            last_line = line;
        }
        ctx.world.advance(1);
    }
    if ctx.flags.get("timeout").is_some() {
        ctx.error("timed out waiting for the condition");
    } else {
        ctx.error(&format!(
            "deployment \"{name}\" exceeded its progress deadline"
        ));
    }
}

fn parse_secs(s: &str) -> Option<i64> {
    let (n, mult) = if let Some(x) = s.strip_suffix('m') {
        (x, 60)
    } else if let Some(x) = s.strip_suffix('s') {
        (x, 1)
    } else if let Some(x) = s.strip_suffix('h') {
        (x, 3600)
    } else {
        (s, 1)
    };
    n.parse::<i64>().ok().map(|v| v * mult)
}

fn history(ctx: &mut Ctx<'_>, d: &Value, kind_name: &str) {
    let rss = replicasets(ctx, d);
    if let Some(rev) = ctx
        .flags
        .get("revision")
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|r| *r > 0)
    {
        let Some(rs) = rss.iter().find(|rs| revision(rs) == rev) else {
            return ctx.error("unable to find the specified revision");
        };
        let mut s = format!("{kind_name} with revision #{rev}\nPod Template:\n");
        let mut template = object::get(rs, "spec.template")
            .cloned()
            .unwrap_or(Value::Null);
        let cause = annotation(rs, CHANGE_CAUSE);
        if !cause.is_empty() {
            if let Some(meta) = template.get_mut("metadata").and_then(Value::as_object_mut) {
                let notes = meta
                    .entry("annotations")
                    .or_insert_with(|| Value::Object(Default::default()));
                if let Some(notes) = notes.as_object_mut() {
                    notes.insert(CHANGE_CAUSE.to_string(), Value::String(cause));
                }
            }
        }
        crate::kubectl::describe::pod_template(&mut s, &template);
        s.push('\n');
        return ctx.print(&crate::kubectl::tabwriter::align(&s, 2));
    }
    let mut s = format!("{kind_name} \nREVISION\tCHANGE-CAUSE\n");
    for rs in &rss {
        let cause = annotation(rs, CHANGE_CAUSE);
        s.push_str(&format!(
            "{}\t{}\n",
            revision(rs),
            if cause.is_empty() {
                "<none>".to_string()
            } else {
                cause
            }
        ));
    }
    s.push('\n');
    ctx.print(&crate::kubectl::tabwriter::align(&s, 2));
}

fn undo(ctx: &mut Ctx<'_>, d: Value, kind_name: &str) {
    let rss = replicasets(ctx, &d);
    let current = rss.iter().map(revision).max().unwrap_or(0);
    let to = ctx
        .flags
        .get("to-revision")
        .and_then(|r| r.parse::<i64>().ok())
        .unwrap_or(0);
    let target = if to > 0 {
        rss.iter().find(|rs| revision(rs) == to)
    } else {
        rss.iter()
            .filter(|rs| revision(rs) < current)
            .max_by_key(|rs| revision(rs))
    };
    let Some(rs) = target else {
        if to > 0 {
            return ctx.error(&format!(
                "unable to find specified revision {to} in history"
            ));
        }
        let name = kind_name.rsplit('/').next().unwrap_or(kind_name);
        return ctx.error(&format!(
            "no rollout history found for deployment \"{name}\""
        ));
    };
    if revision(rs) == current {
        return ctx.println(&format!(
            "{kind_name} skipped rollback (current template already matches revision {current})"
        ));
    }
    let mut tmpl = object::get(rs, "spec.template")
        .cloned()
        .unwrap_or(json!({}));
    object::remove(&mut tmpl, "metadata.labels.pod-template-hash");
    let mut nd = d;
    object::set(&mut nd, "spec.template", tmpl);
    if update(ctx, nd) {
        ctx.println(&format!("{kind_name} rolled back"));
    }
}
