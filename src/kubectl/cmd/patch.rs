//! `kubectl patch (-f FILE | TYPE NAME | TYPE/NAME) -p PATCH [--type strategic|merge|json]`.

use super::output::{is_machine, name_of, render};
use super::{dry_run, DryRun};
use crate::cluster::patch::{self, PatchError, PatchType};
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, resources, Ctx};
use crate::scenario::setup::parse_documents;
use serde_json::Value;

pub const FLAGS: &[FlagSpec] = &[
    val("patch", Some('p')),
    val("patch-file", None),
    val("type", None),
    rep("filename", Some('f')),
    flag("recursive", Some('R')),
    val("dry-run", None),
    val("output", Some('o')),
    flag("local", None),
    val("subresource", None),
    val("field-manager", None),
    flag("record", None),
    val("allow-missing-template-keys", None),
    flag("show-managed-fields", None),
    val("template", None),
    val("kustomize", Some('k')),
];

/// One object to patch: its type and name (and, for `--local`, the object itself from the file).
struct Target {
    rt: &'static schema::ResourceType,
    name: String,
    namespace: String,
    local: Option<Value>,
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let files = ctx.flags.all("filename");
    let local = ctx.flags.is_set("local");
    if args.is_empty()
        && files.is_empty()
        && ctx.flags.get("patch").is_none_or(str::is_empty)
        && ctx.flags.get("patch-file").is_none()
    {
        return ctx
            .error("must specify --patch or --patch-file containing the contents of the patch");
    }
    if args.is_empty() && files.is_empty() {
        return ctx.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    if local && !args.is_empty() {
        return ctx.error("cannot specify --local and server resources");
    }
    let patch_text = ctx.flags.get("patch").map(String::from);
    let patch_file = ctx.flags.get("patch-file").map(String::from);
    let patch_text = match (patch_text, patch_file) {
        (Some(_), Some(_)) => return ctx.error("cannot specify --patch and --patch-file together"),
        (None, None) => {
            return ctx
                .error("must specify --patch or --patch-file containing the contents of the patch")
        }
        (Some(p), None) if p.is_empty() => {
            return ctx
                .error("must specify --patch or --patch-file containing the contents of the patch")
        }
        (Some(p), None) => p,
        (None, Some(f)) => match ctx.read_file(&f) {
            Ok(t) => t,
            Err(_) => {
                let full = crate::vfs::normalize(ctx.inv.cwd, &f);
                let shown = if f.starts_with('/') { full } else { f };
                return ctx.error(&format!(
                    "unable to read patch file: open {shown}: no such file or directory"
                ));
            }
        },
    };
    let ty = match ctx.flags.get("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            return ctx.error(&format!(
                "--type must be one of [json merge strategic], not {other:?}"
            ))
        }
    };
    let dr = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
    };
    if patch_text.trim_start().starts_with('{')
        && serde_json::from_str::<Value>(&patch_text).is_err()
    {
        return ctx.error("invalid JSON document");
    }
    let patch_value = match parse_patch(&patch_text) {
        Ok(v) => v,
        Err(e) => return ctx.error(&format!("unable to parse {patch_text:?}: {e}")),
    };
    let Some(targets) = targets(ctx, &args, &files, local) else {
        return;
    };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let mut printed = Vec::new();
    for t in targets {
        if let Some(o) = one(ctx, t, &patch_value, ty, dr, local, &output) {
            printed.push(o);
        }
    }
    if is_machine(&output) && !printed.is_empty() {
        let single = printed.len() == 1;
        match render(&output, &printed, single, false) {
            Ok(s) => ctx.print(&s),
            Err(e) => ctx.error(&e),
        }
    }
}

/// The patch as JSON: kubectl accepts JSON or YAML (`-p $'spec:\n replicas: 2'`).
fn parse_patch(text: &str) -> Result<Value, String> {
    // sigs.k8s.io/yaml passes text that starts with `{` through as JSON; the patch code then finds
    // it is not.
    if text.trim_start().starts_with('{') {
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            return Ok(v);
        }
    }
    crate::kubectl::printers::yaml::read_one(text).map_err(|e| format!("yaml: {e}"))
}

fn targets(
    ctx: &mut Ctx<'_>,
    args: &[String],
    files: &[String],
    local: bool,
) -> Option<Vec<Target>> {
    let mut out = Vec::new();
    for f in files {
        let text = match ctx.read_file(f) {
            Ok(t) => t,
            Err(e) => {
                ctx.error(&e);
                return None;
            }
        };
        let docs = match parse_documents(&text) {
            Ok(d) => d,
            Err(e) => {
                ctx.error(&format!("error parsing {f}: {e}"));
                return None;
            }
        };
        for d in docs {
            let rt = match crate::kubectl::custom::type_of(ctx, &d) {
                Ok(rt) => rt,
                Err(e) => {
                    ctx.error(&errors::api_error(&e));
                    return None;
                }
            };
            let ns = match object::namespace(&d) {
                "" => ctx.namespace.clone(),
                n => n.to_string(),
            };
            out.push(Target {
                rt,
                name: object::name(&d).to_string(),
                namespace: if rt.namespaced { ns } else { String::new() },
                local: local.then_some(d),
            });
        }
    }
    if !args.is_empty() {
        let reqs = match resources::parse_in(ctx.cluster_ref(), args) {
            Ok(r) => r,
            Err(e) => {
                ctx.error(&e);
                return None;
            }
        };
        for r in reqs {
            let Some(name) = r.name else {
                ctx.error("resource(s) were provided, but no name was specified");
                return None;
            };
            out.push(Target {
                rt: r.rt,
                name,
                namespace: if r.rt.namespaced {
                    ctx.namespace.clone()
                } else {
                    String::new()
                },
                local: None,
            });
        }
    }
    Some(out)
}

fn one(
    ctx: &mut Ctx<'_>,
    t: Target,
    patch_value: &Value,
    ty: PatchType,
    dr: DryRun,
    local: bool,
    output: &str,
) -> Option<Value> {
    let live = match t.local {
        Some(o) => o,
        None => {
            let c = ctx.cluster_ref()?;
            match c.get(t.rt, &t.namespace, &t.name) {
                Ok(o) => o,
                Err(e) => {
                    ctx.error(&errors::api_error(&e));
                    return None;
                }
            }
        }
    };
    // Custom resources have no Go types to carry patch strategies: the server refuses the
    // strategic merge patch kubectl sends by default.
    if matches!(ty, PatchType::Strategic) && !local && !crate::cluster::crd::is_builtin(t.rt) {
        ctx.error("Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
        return None;
    }
    let patched = match patch::apply(&live, patch_value, ty) {
        Ok(p) => p,
        Err(e) => {
            let msg = match (e, local) {
                (PatchError::TestFailed(p), true) => {
                    format!("error: testing value {p} failed: test failed")
                }
                (PatchError::TestFailed(_), false) => "The request is invalid: the server rejected our request due to an error in our request".to_string(),
                (PatchError::BadRequest(m), true) => format!("error: {m}"),
                (PatchError::BadRequest(m), false) => format!("Error from server (BadRequest): {m}"),
            };
            ctx.error(&msg);
            return None;
        }
    };
    let unchanged = patched == live;
    let result = if local || dr == DryRun::Client || unchanged {
        patched
    } else {
        let mut obj = patched;
        object::remove(&mut obj, "metadata.resourceVersion");
        let c = ctx.cluster()?;
        match c.update(obj, dr == DryRun::Server) {
            Ok(o) => o,
            Err(e) => {
                ctx.error(&errors::api_error(&e));
                return None;
            }
        }
    };
    if !is_machine(output) {
        let note = if unchanged && dr == DryRun::None {
            " (no change)"
        } else {
            dr.suffix()
        };
        ctx.println(&format!("{} patched{note}", name_of(&result)));
    }
    Some(result)
}
