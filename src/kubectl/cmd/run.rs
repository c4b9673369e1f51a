//! `kubectl run`.

use super::generate::{run_pod, RunOptions};
use super::output::{is_machine, name_of, render_generated};
use super::{dry_run, DryRun};
use crate::cluster::{container, object};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("record", None),
    val("image", None),
    val("labels", Some('l')),
    val("port", None),
    rep("env", None),
    flag("command", None),
    val("restart", None),
    val("dry-run", None),
    val("output", Some('o')),
    flag("expose", None),
    flag("rm", None),
    flag("stdin", Some('i')),
    flag("tty", Some('t')),
    val("image-pull-policy", None),
    rep("annotations", None),
    val("overrides", None),
    flag("attach", None),
    flag("quiet", Some('q')),
    flag("privileged", None),
];

fn pairs(s: &str) -> Result<Vec<(String, String)>, String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .ok_or_else(|| format!("unexpected label spec: {p}"))
        })
        .collect()
}

/// The container command of `kubectl run NAME [ARGS] [-- COMMAND...]`.
fn cmd_args_of(args: &[String], after: Option<&[String]>) -> Vec<String> {
    let mut v: Vec<String> = args.iter().skip(1).cloned().collect();
    if let Some(a) = after {
        v.extend(a.iter().cloned());
    }
    v
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    // cobra checks required flags before the command runs.
    let Some(image) = ctx.flags.get("image").map(String::from) else {
        return ctx.error("required flag(s) \"image\" not set");
    };
    let Some(name) = args.first().cloned() else {
        return ctx.usage_error("NAME is required for run");
    };
    if image.is_empty() {
        return ctx.error("--image is required");
    }
    let dr = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
    };
    let labels = match ctx.flags.get("labels").map(pairs).transpose() {
        Ok(l) => l,
        Err(e) => return ctx.error(&e),
    };
    let port = match ctx.flags.get("port").map(|p| p.parse::<i64>()) {
        Some(Ok(p)) => Some(p),
        Some(Err(_)) => {
            return ctx.error(&format!(
                "strconv.Atoi: parsing {:?}: invalid syntax",
                ctx.flags.get("port").unwrap_or("")
            ))
        }
        None => None,
    };
    let mut env = Vec::new();
    for e in ctx.flags.all("env") {
        match e.split_once('=') {
            Some((k, v)) => env.push((k.to_string(), v.to_string())),
            None => return ctx.error(&format!("invalid env: {e}")),
        }
    }
    let mut cmd_args: Vec<String> = args[1..].to_vec();
    if let Some(after) = &ctx.flags.after_dashes {
        cmd_args.extend(after.iter().cloned());
    }
    let restart = ctx.flags.get("restart").unwrap_or("Always").to_string();
    if !["Always", "OnFailure", "Never"].contains(&restart.as_str()) {
        return ctx.usage_error(&format!("invalid restart policy: {restart}"));
    }
    let restart_policy = restart.clone();
    let mut annotations = Vec::new();
    for a in ctx.flags.all("annotations") {
        match a.split_once('=') {
            Some((k, v)) => annotations.push((k.to_string(), v.to_string())),
            None => return ctx.error(&format!("invalid annotations format: {a}")),
        }
    }
    // `--overrides` is a JSON merge patch over the generated pod.
    let overrides = match ctx.flags.get("overrides").filter(|o| !o.is_empty()) {
        Some(o) => match serde_json::from_str::<Value>(o) {
            Ok(v) => Some(v),
            Err(_) => return ctx.error("Invalid JSON Patch"),
        },
        None => None,
    };
    let opts = RunOptions {
        name: name.clone(),
        image,
        labels,
        port,
        env,
        command: ctx.flags.is_set("command"),
        args: cmd_args,
        restart,
        image_pull_policy: ctx.flags.get("image-pull-policy").map(String::from),
        annotations,
        service_account: None,
    };
    if ctx.flags.is_set("expose") && port.is_none() {
        return ctx.usage_error("--port must be set when exposing a service");
    }
    let mut pod = run_pod(&opts);
    if ctx.flags.is_set("privileged") {
        if let Some(c) = pod
            .pointer_mut("/spec/containers/0")
            .and_then(Value::as_object_mut)
        {
            c.insert("securityContext".into(), json!({"privileged": true}));
        }
    }
    if let Some(o) = &overrides {
        pod = crate::cluster::patch::merge_patch(&pod, o);
    }
    if ctx.explicit_namespace && dr != DryRun::None {
        pod["metadata"]["namespace"] = json!(ctx.namespace);
    }
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let mut objects: Vec<Value> = Vec::new();
    if ctx.flags.is_set("expose") {
        let labels = pod["metadata"]["labels"].clone();
        let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"creationTimestamp": null, "name": name},
            "spec": {"ports": [{"port": port, "protocol": "TCP", "targetPort": port}], "selector": labels}, "status": {"loadBalancer": {}}});
        objects.push(svc);
    }
    objects.push(pod);
    let interactive = ctx.flags.is_set("stdin") || ctx.flags.is_set("tty");
    let mut created = Vec::new();
    for obj in objects {
        let obj = if dr == DryRun::Client {
            obj
        } else {
            let ns = ctx.namespace.clone();
            let mut o = obj;
            o["metadata"]["namespace"] = json!(ns);
            let server_dry = dr == DryRun::Server;
            let Some(c) = ctx.cluster() else { return };
            match c.create(o, server_dry) {
                Ok(o) => o,
                Err(e) => {
                    let msg = errors::api_error(&e);
                    return ctx.error(&msg);
                }
            }
        };
        created.push(obj);
    }
    if is_machine(&output) {
        // kubectl prints the service and the pod as two documents, not a List; between two YAML
        // documents it writes the separator twice.
        let mut text = String::new();
        for (i, o) in created.iter().enumerate() {
            // Typed, as the server's answer is decoded into the Go type: see `create::submit`.
            let rendered = render_generated(&output, o);
            match rendered {
                Ok(s) => {
                    if i > 0 && output == "yaml" {
                        text.push_str("---\n---\n");
                    }
                    text.push_str(&s);
                }
                Err(e) => return ctx.error(&e),
            }
        }
        ctx.print(&text);
        return;
    }
    let suffix = dr.suffix();
    if interactive && dr == DryRun::None {
        ctx.world.settle();
        ctx.world.advance(5);
        if ctx.world.attach_enabled {
            let command = cmd_args_of(&ctx.flags.args, ctx.flags.after_dashes.as_deref());
            let stdin = ctx.flags.is_set("stdin");
            if stdin && ctx.flags.is_set("tty") {
                ctx.warn("If you don't see a command prompt, try pressing enter.");
            }
            ctx.world.attach = Some(crate::world::Attach {
                cluster: ctx.cluster.clone(),
                namespace: ctx.namespace.clone(),
                pod: name.clone(),
                container: name.clone(),
                command,
                stdin,
                tty: ctx.flags.is_set("tty"),
                remove: ctx.flags.is_set("rm"),
                run: true,
                copy: None,
            });
            return;
        }
        // Attached to the container: what its process prints is what its log holds. A process
        // still running waits for input, and kubectl says so; one that already ended just shows
        // its output.
        let ns = ctx.namespace.clone();
        let catalog = ctx.world.images.clone();
        let mut running = false;
        let mut lines = Vec::new();
        // A pod that is not restarted reports how its container ended (kubectl waits for it).
        let mut failed: Option<(i64, String)> = None;
        let waits_for_exit = restart_policy != "Always";
        if let Some(c) = ctx.cluster_ref() {
            if let Some(pod) = c.peek("pods", &ns, &name) {
                running = object::str_at(pod, "status.phase") == "Running";
                if let Some(ct) = object::array(pod, "spec.containers").first() {
                    lines = container::logs(c, pod, ct, false, c.now, &catalog);
                }
                if waits_for_exit && object::str_at(pod, "status.phase") == "Failed" {
                    let term = object::array(pod, "status.containerStatuses")
                        .first()
                        .and_then(|s| s.get("state"))
                        .and_then(|s| s.get("terminated"));
                    let code = term
                        .and_then(|t| t.get("exitCode"))
                        .and_then(Value::as_i64)
                        .unwrap_or(0);
                    let reason = term
                        .and_then(|t| t.get("reason"))
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    failed = Some((code, reason));
                }
            }
        }
        if running && ctx.flags.is_set("tty") {
            ctx.warn("If you don't see a command prompt, try pressing enter.");
        }
        for l in lines {
            ctx.println(&l);
        }
        if ctx.flags.is_set("rm") {
            let ns = ctx.namespace.clone();
            if let Some(c) = ctx.cluster() {
                if let Some(rt) = crate::cluster::schema::lookup("pod") {
                    let _ = c.delete(rt, &ns, &name);
                }
            }
            ctx.println(&format!("pod \"{name}\" deleted"));
        }
        match failed {
            Some((code, reason)) if code != 0 => {
                ctx.warn(&format!("pod {ns}/{name} terminated ({reason})"));
                ctx.out.code = i32::try_from(code).unwrap_or(1);
            }
            Some(_) => {
                ctx.warn(&format!("pod {ns}/{name} failed with unknown exit code"));
                ctx.out.code = 1;
            }
            None => {}
        }
        return;
    }
    for o in &created {
        ctx.println(&format!("{} created{suffix}", name_of(o)));
    }
}
