//! `kubectl apply -f` and `kubectl create -f`: objects from files, stdin or directories.

use super::output::{is_machine, name_of, render};
use super::{dry_run, DryRun};
use crate::cluster::object;
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use crate::scenario::setup::objects_of;
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    rep("filename", Some('f')),
    val("output", Some('o')),
    val("dry-run", None),
    flag("recursive", Some('R')),
    flag("force", None),
    val("validate", None),
    flag("server-side", None),
    flag("prune", None),
    rep("selector", Some('l')),
    flag("record", None),
    flag("overwrite", None),
    val("grace-period", None),
    val("timeout", None),
];

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// What to do with each object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Create,
    Apply,
    Replace,
}

pub fn run(ctx: &mut Ctx<'_>) {
    let files = ctx.flags.all("filename");
    if files.is_empty() {
        return ctx.error("error: must specify one of -f and -k\n");
    }
    from_files(ctx, &files, Mode::Apply);
}

/// Reads every file (a directory means its *.yaml/*.yml/*.json files) and handles each object.
pub fn from_files(ctx: &mut Ctx<'_>, files: &[String], mode: Mode) {
    let mut docs: Vec<(String, Value)> = Vec::new();
    let mut parse_errors: Vec<String> = Vec::new();
    for f in files {
        let full = crate::vfs::normalize(ctx.inv.cwd, f);
        let is_dir = f != "-"
            && ctx
                .world
                .hosts
                .get(ctx.inv.host)
                .is_some_and(|h| h.fs.is_dir(&full));
        let paths: Vec<String> = if is_dir {
            let Some(h) = ctx.world.hosts.get(ctx.inv.host) else {
                return;
            };
            let recursive = ctx.flags.is_set("recursive");
            h.fs.walk_files(&full)
                .into_iter()
                .filter(|p| {
                    recursive || p.rsplit_once('/').map(|(d, _)| d == full).unwrap_or(false)
                })
                .filter(|p| p.ends_with(".yaml") || p.ends_with(".yml") || p.ends_with(".json"))
                .collect()
        } else {
            vec![f.clone()]
        };
        for p in paths {
            let text = match ctx.read_file(&p) {
                Ok(t) => t,
                Err(e) => return ctx.error(&e),
            };
            let shown = if p == "-" {
                "STDIN".to_string()
            } else {
                p.clone()
            };
            let (vs, err) = if text.trim_start().starts_with('{') {
                let (vs, err) = crate::kubectl::printers::yaml::read_json_stream(&text);
                (objects_of(vs), err)
            } else {
                let (vs, err) = crate::kubectl::printers::yaml::read_stream(&text);
                (objects_of(vs), err)
            };
            docs.extend(vs.into_iter().map(|v| (shown.clone(), v)));
            if let Some(e) = err {
                // kubectl reports a broken document after handling the ones before it.
                parse_errors.push(format!("error parsing {shown}: {e}"));
            }
        }
    }
    if docs.is_empty() && !parse_errors.is_empty() {
        for e in &parse_errors {
            ctx.error(e);
        }
        return;
    }
    if docs.is_empty() {
        let verb = match mode {
            Mode::Create => "create",
            Mode::Apply => "apply",
            Mode::Replace => "replace",
        };
        return ctx.error(&format!("no objects passed to {verb}"));
    }
    let dr = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
    };
    // kubectl prints its errors together at the end: the reader's (apply reads every file before it
    // applies anything), then each object's.
    ctx.defer_errors();
    if mode == Mode::Apply {
        for e in &parse_errors {
            ctx.error(e);
        }
    }
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let mut printed = Vec::new();
    for (source, obj) in docs {
        if let Some(o) = one(ctx, obj, &source, mode, dr) {
            printed.push(o);
        }
    }
    if mode != Mode::Apply {
        for e in &parse_errors {
            ctx.error(e);
        }
    }
    ctx.flush_errors();
    if is_machine(&output) {
        let single = printed.len() == 1;
        match render(&output, &printed, single, false) {
            Ok(s) => ctx.print(&s),
            Err(e) => ctx.error(&e),
        }
    }
}

fn verb_ing(mode: Mode) -> &'static str {
    match mode {
        Mode::Create => "creating",
        Mode::Apply => "creating",
        Mode::Replace => "replacing",
    }
}

fn one(ctx: &mut Ctx<'_>, mut obj: Value, source: &str, mode: Mode, dr: DryRun) -> Option<Value> {
    if let Err(e) = crate::cluster::decode::client_metadata(&obj) {
        ctx.error(&format!("unable to decode \"{source}\": {e}"));
        return None;
    }
    let rt = match crate::kubectl::custom::type_of(ctx, &obj) {
        Ok(rt) => rt,
        Err(_) => {
            let kind = object::kind(&obj).to_string();
            let av = object::str_at(&obj, "apiVersion").to_string();
            let name = object::name(&obj).to_string();
            let ns = object::namespace(&obj).to_string();
            if kind.is_empty() {
                ctx.error(&format!("error validating \"{source}\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false"));
            } else {
                ctx.error(&format!("resource mapping not found for name: \"{name}\" namespace: \"{ns}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{av}\"\nensure CRDs are installed first"));
            }
            return None;
        }
    };
    let file_ns = object::namespace(&obj).to_string();
    if rt.namespaced {
        if !file_ns.is_empty() && ctx.explicit_namespace && file_ns != ctx.namespace {
            let ns = ctx.namespace.clone();
            ctx.error(&format!("the namespace from the provided object \"{file_ns}\" does not match the namespace \"{ns}\". You must pass '--namespace={file_ns}' to perform this operation."));
            return None;
        }
        if file_ns.is_empty() {
            object::set(&mut obj, "metadata.namespace", json!(ctx.namespace));
        }
    }
    let ns = object::namespace(&obj).to_string();
    let name = object::name(&obj).to_string();
    let server_dry = dr != DryRun::None;
    let suffix = dr.suffix();
    let output_machine = is_machine(ctx.flags.get("output").unwrap_or(""));
    let existing = ctx.cluster_ref().and_then(|c| c.get(rt, &ns, &name).ok());
    let (result, verb) = match (mode, existing) {
        (Mode::Create, _) | (Mode::Apply, None) => {
            if mode == Mode::Apply {
                let mut applied = obj.clone();
                object::remove(&mut applied, "status");
                let text = serde_json::to_string(&applied).unwrap_or_default();
                object::map_mut(&mut obj, "metadata.annotations")
                    .insert(LAST_APPLIED.into(), json!(format!("{text}\n")));
            }
            if dr == DryRun::Client {
                (obj, "created")
            } else {
                let c = ctx.cluster()?;
                match c.create(obj, server_dry) {
                    Ok(o) => (o, "created"),
                    Err(e) => {
                        let msg = errors::api_error_with_source(&e, verb_ing(mode), source);
                        ctx.error(&msg);
                        return None;
                    }
                }
            }
        }
        (Mode::Replace, None) => {
            let msg = errors::api_error_with_source(
                &crate::cluster::api::ApiError::not_found(&rt.qualified_plural(), &name),
                "replacing",
                source,
            );
            ctx.error(&msg);
            return None;
        }
        (Mode::Replace, Some(_)) => {
            if ctx.flags.is_set("force") {
                force_delete_for_replace(ctx, rt, &ns, &name)?;
                object::remove(&mut obj, "metadata.resourceVersion");
                object::remove(&mut obj, "metadata.uid");
                let c = ctx.cluster()?;
                match c.create(obj, false) {
                    Ok(o) => (o, "replaced"),
                    Err(e) => {
                        let msg = errors::api_error_with_source(&e, "replacing", source);
                        ctx.error(&msg);
                        return None;
                    }
                }
            } else {
                let c = ctx.cluster()?;
                match c.update(obj, server_dry) {
                    Ok(o) => (o, "replaced"),
                    Err(e) => {
                        let msg = errors::api_error_with_source(&e, "replacing", source);
                        ctx.error(&msg);
                        return None;
                    }
                }
            }
        }
        (Mode::Apply, Some(live)) => {
            let last: Value = crate::kubectl::cmd::deployment_annotation(&live, LAST_APPLIED)
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or(Value::Null);
            if last.is_null() {
                ctx.warn(&format!("Warning: resource {} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.", rt.plural));
            }
            let mut applied = obj.clone();
            object::remove(&mut applied, "status");
            let mut merged = live.clone();
            three_way(&mut merged, &last, &applied);
            let text = serde_json::to_string(&applied).unwrap_or_default();
            object::map_mut(&mut merged, "metadata.annotations")
                .insert(LAST_APPLIED.into(), json!(format!("{text}\n")));
            object::remove(&mut merged, "metadata.resourceVersion");
            if merged == live {
                (live, "unchanged")
            } else if dr == DryRun::Client {
                (merged, "configured")
            } else {
                let c = ctx.cluster()?;
                match c.update(merged, server_dry) {
                    Ok(o) => {
                        let same_spec = object::get(&o, "spec") == object::get(&live, "spec")
                            && object::get(&o, "data") == object::get(&live, "data")
                            && object::get(&o, "metadata.labels")
                                == object::get(&live, "metadata.labels");
                        (
                            o,
                            if same_spec && last == applied {
                                "unchanged"
                            } else {
                                "configured"
                            },
                        )
                    }
                    Err(e) => {
                        let msg = errors::api_error_with_source(&e, "patching", source);
                        ctx.error(&msg);
                        return None;
                    }
                }
            }
        }
    };
    if !output_machine {
        ctx.println(&format!("{} {verb}{suffix}", name_of(&result)));
    }
    Some(result)
}

/// A simplified three-way merge: fields in `applied` win; fields that were in the last applied
/// configuration and are no longer there are removed; fields others set stay.
pub(crate) fn three_way(live: &mut Value, last: &Value, applied: &Value) {
    match (live, applied) {
        (Value::Object(l), Value::Object(a)) => {
            if let Value::Object(prev) = last {
                for k in prev.keys() {
                    if !a.contains_key(k) {
                        l.remove(k);
                    }
                }
            }
            for (k, av) in a {
                let prev = last.get(k).cloned().unwrap_or(Value::Null);
                match l.get_mut(k) {
                    Some(lv) if lv.is_object() && av.is_object() => three_way(lv, &prev, av),
                    _ => {
                        l.insert(k.clone(), av.clone());
                    }
                }
            }
        }
        (l, a) => *l = a.clone(),
    }
}

/// The delete half of `kubectl replace --force`: a graceful DELETE (the object's own grace period
/// unless `--grace-period` says otherwise), then a poll every second until the object is gone, for
/// `--timeout` or 5 minutes. None when it failed (the error is printed).
fn force_delete_for_replace(
    ctx: &mut Ctx<'_>,
    rt: &'static crate::cluster::schema::ResourceType,
    ns: &str,
    name: &str,
) -> Option<()> {
    use crate::cluster::deletion::DeleteOptions;
    let grace = match ctx.flags.get("grace-period").map(|g| (g, g.parse::<i64>())) {
        None => None,
        Some((_, Ok(n))) if n < 0 => None,
        Some((_, Ok(n))) => Some(n),
        Some((g, Err(_))) => {
            ctx.error(&format!("invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"));
            return None;
        }
    };
    let timeout = match ctx.flags.get("timeout") {
        None => 300,
        Some(t) => match parse_go_duration(t) {
            Some(0) => 300,
            Some(n) => n,
            None => {
                ctx.error(&format!(
                    "invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\""
                ));
                return None;
            }
        },
    };
    let opts = DeleteOptions {
        propagation: Default::default(),
        grace_seconds: grace,
    };
    let c = ctx.cluster()?;
    let uid = match c.delete_with(rt, ns, name, opts) {
        Ok(o) => object::str_at(&o, "metadata.uid").to_string(),
        Err(e) if e.is_not_found() => String::new(),
        Err(e) => {
            ctx.error(&errors::api_error(&e));
            return None;
        }
    };
    if grace == Some(0) {
        ctx.warn("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
        ctx.println(&format!(
            "{} \"{name}\" force deleted",
            rt.qualified_singular()
        ));
    } else {
        ctx.println(&format!("{} \"{name}\" deleted", rt.qualified_singular()));
    }
    let key_ns = if rt.namespaced { ns } else { "" };
    for _ in 0..=timeout {
        let c = ctx.cluster_ref()?;
        let present = c
            .peek(rt.plural, key_ns, name)
            .is_some_and(|o| object::str_at(o, "metadata.uid") == uid);
        if !present {
            return Some(());
        }
        ctx.world.advance(1);
    }
    ctx.error("error: timed out waiting for the condition");
    None
}

/// A Go duration flag value (`90s`, `2m`, `1h30m`, `0`) in seconds.
pub(crate) fn parse_go_duration(v: &str) -> Option<i64> {
    if v == "0" {
        return Some(0);
    }
    let mut total = 0i64;
    let mut num = String::new();
    for ch in v.chars() {
        if ch.is_ascii_digit() {
            num.push(ch);
            continue;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        total += match ch {
            'h' => n * 3600,
            'm' => n * 60,
            's' => n,
            _ => return None,
        };
    }
    num.is_empty().then_some(total)
}
