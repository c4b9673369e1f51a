//! `kubectl run`.

use super::generate::{run_pod, RunOptions};
use super::output::{is_machine, name_of, render};
use super::{dry_run, DryRun};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
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
    val("serviceaccount", None),
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
                .ok_or_else(|| format!("invalid label spec: {p}"))
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
    let Some(name) = args.first().cloned() else {
        return ctx.usage_error("NAME is required for run");
    };
    let Some(image) = ctx.flags.get("image").map(String::from) else {
        return ctx.error("required flag(s) \"image\" not set");
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
        Some(Err(_)) => return ctx.error(&format!("invalid argument {:?} for \"--port\" flag: strconv.ParseInt: parsing {:?}: invalid syntax", ctx.flags.get("port").unwrap_or(""), ctx.flags.get("port").unwrap_or(""))),
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
        return ctx.error(&format!("invalid restart policy: {restart}"));
    }
    let annotations = ctx
        .flags
        .all("annotations")
        .iter()
        .filter_map(|a| {
            a.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect();
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
        service_account: ctx.flags.get("serviceaccount").map(String::from),
    };
    if ctx.flags.is_set("expose") && port.is_none() {
        return ctx.error("--port must be set when exposing a service");
    }
    let mut pod = run_pod(&opts);
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
        let multi = created.len() > 1;
        match render(&output, &created, !multi, false) {
            Ok(s) => ctx.print(&s),
            Err(e) => ctx.error(&e),
        }
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
            });
            return;
        }
        ctx.println("If you don't see a command prompt, try pressing enter.");
        if ctx.flags.is_set("rm") {
            let ns = ctx.namespace.clone();
            if let Some(c) = ctx.cluster() {
                if let Some(rt) = crate::cluster::schema::lookup("pod") {
                    let _ = c.delete(rt, &ns, &name);
                }
            }
            ctx.println(&format!("pod \"{name}\" deleted"));
        }
        return;
    }
    for o in &created {
        ctx.println(&format!("{} created{suffix}", name_of(o)));
    }
}
