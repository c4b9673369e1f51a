//! `kubectl delete`.

use crate::cluster::deletion::{DeleteOptions, Propagation};
use crate::cluster::object;
use crate::cluster::selector::Selector;
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use crate::scenario::setup::parse_documents;

pub const FLAGS: &[FlagSpec] = &[
    rep("filename", Some('f')),
    rep("selector", Some('l')),
    flag("all", None),
    flag("all-namespaces", Some('A')),
    flag("force", None),
    val("grace-period", None),
    flag("ignore-not-found", None),
    flag("now", None),
    val("cascade", None),
    flag("wait", None),
    val("output", Some('o')),
    val("dry-run", None),
    flag("recursive", Some('R')),
    val("timeout", None),
    val("field-selector", None),
];

/// `--cascade`: background (the default, also `true`), foreground or orphan (also `false`).
fn propagation(ctx: &mut Ctx<'_>) -> Result<Propagation, String> {
    let v = ctx.flags.get("cascade").unwrap_or("background").to_string();
    match v.as_str() {
        "background" | "" => Ok(Propagation::Background),
        "foreground" => Ok(Propagation::Foreground),
        "orphan" => Ok(Propagation::Orphan),
        "true" => {
            ctx.warn("warning: --cascade=true is deprecated (boolean value) and can be replaced with --cascade=background.");
            Ok(Propagation::Background)
        }
        "false" => {
            ctx.warn("warning: --cascade=false is deprecated (boolean value) and can be replaced with --cascade=orphan.");
            Ok(Propagation::Orphan)
        }
        other => Err(format!(
            "invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\"."
        )),
    }
}

/// Seconds `kubectl delete` waits (in simulated time) for deleted objects to go before it gives
/// up where the real one would keep waiting.
const WAIT_LIMIT_SECS: i64 = 120;

pub fn run(ctx: &mut Ctx<'_>) {
    let force = ctx.flags.is_set("force");
    let mut grace: Option<i64> = match ctx.flags.get("grace-period") {
        None => None,
        Some(g) => match g.parse::<i64>() {
            Ok(n) if n < 0 => None,
            Ok(n) => Some(n),
            Err(_) => {
                return ctx.error(&format!(
                    "invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"
                ))
            }
        },
    };
    if ctx.flags.is_set("now") {
        if grace.is_some() {
            return ctx.error("error: --now and --grace-period cannot be specified together");
        }
        grace = Some(1);
    }
    if force && grace.is_some_and(|g| g > 0) {
        return ctx.error("--force and --grace-period greater than 0 cannot be specified together");
    }
    // kubectl turns --grace-period=0 into 1 unless --force asks for immediate deletion.
    if grace == Some(0) && !force {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if force && grace == Some(0) {
        ctx.warn("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
    let propagation = match propagation(ctx) {
        Ok(p) => p,
        Err(e) => return ctx.error(&format!("error: {e}")),
    };
    let opts = DeleteOptions {
        propagation,
        grace_seconds: grace,
    };
    let wait = ctx.flags.get("wait").is_none_or(|w| w != "false");
    let verb = if force && grace == Some(0) {
        "force deleted"
    } else {
        "deleted"
    };
    let mut targets: Vec<(
        &'static crate::cluster::schema::ResourceType,
        String,
        String,
    )> = Vec::new();
    let files = ctx.flags.all("filename");
    if !files.is_empty() {
        for f in files {
            let text = match ctx.read_file(&f) {
                Ok(t) => t,
                Err(e) => return ctx.error(&e),
            };
            let docs = match parse_documents(&text) {
                Ok(d) => d,
                Err(e) => return ctx.error(&format!("error parsing {f}: {e}")),
            };
            for d in docs {
                if let Err(e) = crate::cluster::decode::client_metadata(&d) {
                    let shown = if f == "-" { "STDIN" } else { f.as_str() };
                    ctx.error(&format!("unable to decode \"{shown}\": {e}"));
                    continue;
                }
                let Ok(rt) = crate::kubectl::custom::type_of(ctx, &d) else {
                    continue;
                };
                let ns = if object::namespace(&d).is_empty() {
                    ctx.namespace.clone()
                } else {
                    object::namespace(&d).to_string()
                };
                targets.push((rt, ns, object::name(&d).to_string()));
            }
        }
    } else {
        let args = ctx.flags.args.clone();
        if args.is_empty() {
            return ctx.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let reqs = match resources::parse_in(ctx.cluster_ref(), &args) {
            Ok(r) => r,
            Err(e) => return ctx.error(&e),
        };
        let selector = ctx.flags.all("selector").join(",");
        let all = ctx.flags.is_set("all");
        if all && !selector.is_empty() {
            return ctx.error("setting 'all' parameter but found a non empty selector. ");
        }
        for r in reqs {
            match r.name {
                Some(n) => targets.push((r.rt, ctx.namespace.clone(), n)),
                None => {
                    if selector.is_empty() && !all {
                        return ctx.error("resource(s) were provided, but no name was specified");
                    }
                    let sel = match Selector::parse(&selector) {
                        Ok(s) => s,
                        Err(e) => return ctx.error(&e),
                    };
                    let ns = if ctx.flags.is_set("all-namespaces") {
                        None
                    } else {
                        Some(ctx.namespace.clone())
                    };
                    let Some(c) = ctx.cluster_ref() else { return };
                    let found = c.list(r.rt, ns.as_deref(), Some(&sel));
                    if found.is_empty() {
                        let ns_name = ns.clone().unwrap_or_default();
                        ctx.warn(&if r.rt.namespaced && ns.is_some() {
                            format!("No resources found in {ns_name} namespace.")
                        } else {
                            "No resources found".to_string()
                        });
                    }
                    for o in found {
                        targets.push((
                            r.rt,
                            object::namespace(&o).to_string(),
                            object::name(&o).to_string(),
                        ));
                    }
                }
            }
        }
    }
    let mut pending = Vec::new();
    for (rt, ns, name) in targets {
        let Some(c) = ctx.cluster() else { return };
        match c.delete_with(rt, &ns, &name, opts) {
            Ok(o) => {
                ctx.println(&format!("{} \"{name}\" {verb}", rt.qualified_singular()));
                if object::get(&o, "metadata.deletionTimestamp").is_some() {
                    pending.push((rt, ns, name, object::str_at(&o, "metadata.uid").to_string()));
                }
            }
            Err(e) if e.is_not_found() && ctx.flags.is_set("ignore-not-found") => {}
            Err(e) => ctx.error(&errors::api_error(&e)),
        }
    }
    // Like kubectl, wait until the objects are really gone (finalizers done, pods terminated).
    if wait && !pending.is_empty() {
        ctx.world.advance(0);
        let mut waited = 0;
        while waited < WAIT_LIMIT_SECS {
            let Some(c) = ctx.cluster_ref() else { return };
            let left = pending.iter().any(|(rt, ns, name, uid)| {
                let ns = if rt.namespaced { ns.as_str() } else { "" };
                c.peek(rt.plural, ns, name)
                    .is_some_and(|o| object::str_at(o, "metadata.uid") == uid)
            });
            if !left {
                break;
            }
            ctx.world.advance(1);
            waited += 1;
        }
    }
}
