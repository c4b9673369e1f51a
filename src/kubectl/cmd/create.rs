//! `kubectl create` (`-f FILE` and the subcommands deployment, namespace, configmap).

use super::generate;
use super::output::{is_machine, name_of, render_generated};
use super::{dry_run, DryRun};
use crate::cluster::object;
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("record", None),
    rep("filename", Some('f')),
    val("output", Some('o')),
    val("dry-run", None),
    rep("image", None),
    val("replicas", Some('r')),
    val("port", None),
    rep("from-literal", None),
    rep("from-file", None),
    rep("from-env-file", None),
    flag("save-config", None),
    flag("recursive", Some('R')),
    val("validate", None),
    flag("edit", None),
    flag("append-hash", None),
];

/// Creates (or with dry-run, builds) an object and prints the result the way kubectl does.
pub fn submit(ctx: &mut Ctx<'_>, mut obj: Value, verb: &str) -> Option<Value> {
    let dr = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => {
            ctx.error(&e);
            return None;
        }
    };
    let rt = crate::kubectl::custom::type_of(ctx, &obj).ok();
    if rt.is_some_and(|r| r.namespaced)
        && (ctx.explicit_namespace || dr == DryRun::None)
        && object::namespace(&obj).is_empty()
    {
        object::set(&mut obj, "metadata.namespace", json!(ctx.namespace));
    }
    let result = if dr == DryRun::Client {
        obj
    } else {
        let c = ctx.cluster()?;
        match c.create(obj, dr == DryRun::Server) {
            Ok(o) => o,
            Err(e) => {
                let msg = errors::api_error(&e);
                ctx.error(&msg);
                return None;
            }
        }
    };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    if is_machine(&output) {
        // The generators' typed clients decode the server's answer into the Go type too, so
        // `-o json` keeps the struct's field order with or without a dry run.
        let text = render_generated(&output, &result);
        match text {
            Ok(s) => ctx.print(&s),
            Err(e) => ctx.error(&e),
        }
    } else {
        let line = format!("{} {verb}{}", name_of(&result), dr.suffix());
        ctx.println(&line);
    }
    Some(result)
}

/// Every flag of `kubectl create` and its subcommands.
pub fn all_flags() -> Vec<FlagSpec> {
    let mut v = FLAGS.to_vec();
    v.extend_from_slice(super::create_more::FLAGS);
    v
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let files = ctx.flags.all("filename");
    if args.is_empty() {
        if files.is_empty() {
            return ctx.error("must specify one of -f and -k");
        }
        return super::apply::from_files(ctx, &files, super::apply::Mode::Create);
    }
    let sub = args[0].as_str();
    let rest: Vec<String> = args[1..].to_vec();
    let sub_path = format!("kubectl create {}", canonical(sub));
    ctx.path = sub_path;
    match sub {
        "deployment" | "deploy" => create_deployment(ctx, &rest),
        "namespace" | "ns" => {
            let Some(name) = one_name(ctx, &rest) else {
                return;
            };
            submit(ctx, generate::namespace(&name), "created");
        }
        "configmap" | "cm" => create_configmap(ctx, &rest),
        other => {
            if !super::create_more::run(ctx, other, &rest) {
                ctx.error(&format!(
                    "Unexpected args: [{other}]\nSee 'kubectl create -h' for help and examples"
                ));
            }
        }
    }
}

fn canonical(sub: &str) -> &str {
    match sub {
        "deploy" => "deployment",
        "ns" => "namespace",
        "cm" => "configmap",
        s => s,
    }
}

fn one_name(ctx: &mut Ctx<'_>, rest: &[String]) -> Option<String> {
    if rest.len() != 1 {
        ctx.usage_error(&format!("exactly one NAME is required, got {}", rest.len()));
        return None;
    }
    Some(rest[0].clone())
}

fn create_deployment(ctx: &mut Ctx<'_>, rest: &[String]) {
    // cobra checks required flags before the command runs.
    let images = ctx.flags.all("image");
    if images.is_empty() {
        return ctx.error("required flag(s) \"image\" not set");
    }
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let replicas = match ctx.flags.get("replicas").map(|r| r.parse::<i64>()) {
        None => 1,
        Some(Ok(r)) => r,
        Some(Err(_)) => {
            let r = ctx.flags.get("replicas").unwrap_or("").to_string();
            return ctx.error(&format!("invalid argument \"{r}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl create deployment --help' for usage."));
        }
    };
    let port = ctx.flags.get("port").and_then(|p| p.parse::<i64>().ok());
    let command = ctx.flags.after_dashes.clone().unwrap_or_default();
    if !command.is_empty() && images.len() > 1 {
        return ctx.error("cannot specify multiple --image options and command");
    }
    submit(
        ctx,
        generate::deployment(&name, &images, replicas, port, &command),
        "created",
    );
}

fn create_configmap(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let mut data: Vec<(String, String)> = Vec::new();
    for lit in ctx.flags.all("from-literal") {
        match lit.split_once('=') {
            Some((k, v)) if !k.is_empty() => data.push((k.to_string(), v.to_string())),
            _ => return ctx.error(&format!("invalid literal source {lit}, expected key=value")),
        }
    }
    for f in ctx.flags.all("from-file") {
        match ctx.file_sources(&f) {
            Ok(found) => data.extend(found),
            Err(e) => return ctx.error(&e),
        }
    }
    for f in ctx.flags.all("from-env-file") {
        match ctx
            .read_file(&f)
            .map_err(|_| format!("error reading {f}: no such file or directory"))
        {
            Ok(text) => {
                for line in text.lines() {
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    match line.split_once('=') {
                        Some((k, v)) => data.push((k.to_string(), v.to_string())),
                        None => data.push((line.to_string(), String::new())),
                    }
                }
            }
            Err(e) => return ctx.error(&e),
        }
    }
    data.sort();
    let mut seen = std::collections::BTreeSet::new();
    for (k, _) in &data {
        if !seen.insert(k.clone()) {
            return ctx.error(&format!("cannot add key {k}, another key by that name already exists in Data for ConfigMap \"{name}\""));
        }
    }
    submit(ctx, generate::configmap(&name, &data), "created");
}
