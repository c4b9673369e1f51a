//! `kubectl set image|env|serviceaccount|resources`.

use crate::cluster::object;
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("record", None),
    flag("all", None),
    val("selector", Some('l')),
    val("dry-run", None),
    val("output", Some('o')),
    rep("env", Some('e')),
    val("containers", Some('c')),
    val("limits", None),
    val("requests", None),
    val("from", None),
    flag("local", None),
    flag("overwrite", None),
];

/// The path of the pod spec inside an object of this kind.
pub fn pod_spec_path(kind: &str) -> &'static str {
    match kind {
        "Pod" => "spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let Some(sub) = args.first().cloned() else {
        return ctx.print("Configure application resources.\n\nAvailable Commands:\n  env              Update environment variables on a pod template\n  image            Update the image of a pod template\n  resources        Update resource requests/limits on objects with pod templates\n  serviceaccount   Update the service account of a resource\n\nUsage:\n  kubectl set SUBCOMMAND [options]\n");
    };
    ctx.path = format!("kubectl set {sub}");
    let rest = args[1..].to_vec();
    let (res, assigns): (Vec<String>, Vec<String>) = match sub.as_str() {
        "image" | "env" => rest
            .iter()
            .cloned()
            .partition(|a| !a.contains('=') && !a.ends_with('-')),
        "serviceaccount" | "sa" => {
            if rest.len() < 2 {
                return ctx.error("serviceaccount is required");
            }
            (
                rest[..rest.len() - 1].to_vec(),
                vec![rest[rest.len() - 1].clone()],
            )
        }
        _ => (rest.clone(), vec![]),
    };
    if res.is_empty() {
        return ctx.usage_error(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    let reqs = match resources::parse(&res) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let ns = ctx.namespace.clone();
    let record = ctx.flags.is_set("record");
    if record {
        ctx.warn("Flag --record has been deprecated, --record will be removed in the future");
    }
    let line = format!("kubectl set {} {}", sub, rest.join(" "));
    for r in reqs {
        let Some(name) = r.name.clone() else {
            return ctx.error("resource(s) were provided, but no name was specified");
        };
        let Some(c) = ctx.cluster_ref() else { return };
        let mut obj = match c.get(r.rt, &ns, &name) {
            Ok(o) => o,
            Err(e) => return ctx.error(&errors::api_error(&e)),
        };
        let spec = pod_spec_path(r.rt.kind);
        let verb = match sub.as_str() {
            "image" => {
                if assigns.is_empty() {
                    return ctx.error("at least one image update is required");
                }
                for a in &assigns {
                    let Some((cname, image)) = a.split_once('=') else {
                        continue;
                    };
                    let mut found = false;
                    for list in ["containers", "initContainers"] {
                        if let Some(Value::Array(cs)) =
                            object::get_mut(&mut obj, &format!("{spec}.{list}"))
                        {
                            for c in cs.iter_mut() {
                                if cname == "*"
                                    || c.get("name").and_then(Value::as_str) == Some(cname)
                                {
                                    c["image"] = json!(image);
                                    found = true;
                                }
                            }
                        }
                    }
                    if !found {
                        return ctx.error(&format!("unable to find container named \"{cname}\""));
                    }
                }
                "image updated"
            }
            "env" => {
                let mut pairs: Vec<String> = assigns.clone();
                pairs.extend(ctx.flags.all("env"));
                let only = ctx.flags.get("containers").map(String::from);
                if let Some(Value::Array(cs)) =
                    object::get_mut(&mut obj, &format!("{spec}.containers"))
                {
                    for c in cs.iter_mut() {
                        if only.as_deref().is_some_and(|o| {
                            o != "*" && c.get("name").and_then(Value::as_str) != Some(o)
                        }) {
                            continue;
                        }
                        let env = c
                            .as_object_mut()
                            .map(|m| m.entry("env").or_insert_with(|| json!([])));
                        let Some(Value::Array(env)) = env else {
                            continue;
                        };
                        for p in &pairs {
                            if let Some(k) = p.strip_suffix('-') {
                                env.retain(|e| e.get("name").and_then(Value::as_str) != Some(k));
                                continue;
                            }
                            let Some((k, v)) = p.split_once('=') else {
                                continue;
                            };
                            match env
                                .iter_mut()
                                .find(|e| e.get("name").and_then(Value::as_str) == Some(k))
                            {
                                Some(e) => *e = json!({"name": k, "value": v}),
                                None => env.push(json!({"name": k, "value": v})),
                            }
                        }
                    }
                }
                "env updated"
            }
            "serviceaccount" | "sa" => {
                let sa = assigns.first().cloned().unwrap_or_default();
                object::set(&mut obj, &format!("{spec}.serviceAccountName"), json!(sa));
                object::remove(&mut obj, &format!("{spec}.serviceAccount"));
                "serviceaccount updated"
            }
            "resources" => {
                let only = ctx.flags.get("containers").map(String::from);
                let limits = ctx.flags.get("limits").map(String::from);
                let requests = ctx.flags.get("requests").map(String::from);
                if limits.is_none() && requests.is_none() {
                    return ctx.error("you must specify an update to requests or limits (in the form of --requests/--limits)");
                }
                if let Some(Value::Array(cs)) =
                    object::get_mut(&mut obj, &format!("{spec}.containers"))
                {
                    for c in cs.iter_mut() {
                        if only.as_deref().is_some_and(|o| {
                            o != "*" && c.get("name").and_then(Value::as_str) != Some(o)
                        }) {
                            continue;
                        }
                        for (key, val) in [("limits", &limits), ("requests", &requests)] {
                            let Some(val) = val else { continue };
                            for kv in val.split(',') {
                                if let Some((k, v)) = kv.split_once('=') {
                                    if let Some(m) = c.as_object_mut() {
                                        let res = m.entry("resources").or_insert_with(|| json!({}));
                                        res[key][k] = json!(v);
                                    }
                                }
                            }
                        }
                    }
                }
                "resource requirements updated"
            }
            other => return ctx.error(&format!("unknown command \"{other}\" for \"kubectl set\"")),
        };
        if record {
            object::map_mut(&mut obj, "metadata.annotations").insert(
                "kubernetes.io/change-cause".into(),
                json!(format!("{line} --record=true")),
            );
        }
        object::remove(&mut obj, "metadata.resourceVersion");
        let Some(c) = ctx.cluster() else { return };
        match c.update(obj, false) {
            Ok(_) => ctx.println(&format!("{}/{name} {verb}", r.rt.qualified_singular())),
            Err(e) => return ctx.error(&errors::api_error(&e)),
        }
    }
}
