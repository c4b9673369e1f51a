//! `kubectl delete`.

use crate::cluster::selector::Selector;
use crate::cluster::{object, resource_of};
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

pub fn run(ctx: &mut Ctx<'_>) {
    let force = ctx.flags.is_set("force");
    let grace: Option<i64> = ctx.flags.get("grace-period").and_then(|g| g.parse().ok());
    if force && grace.is_some_and(|g| g > 0) {
        return ctx.error("--force and --grace-period greater than 0 cannot be specified together");
    }
    if force && grace == Some(0) {
        ctx.warn("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
    }
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
                let Ok(rt) = resource_of(&d) else { continue };
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
            return ctx.usage_error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let reqs = match resources::parse(&args) {
            Ok(r) => r,
            Err(e) => return ctx.error(&e),
        };
        let selector = ctx.flags.all("selector").join(",");
        let all = ctx.flags.is_set("all");
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
    for (rt, ns, name) in targets {
        let Some(c) = ctx.cluster() else { return };
        match c.delete(rt, &ns, &name) {
            Ok(_) => ctx.println(&format!("{} \"{name}\" {verb}", rt.qualified_singular())),
            Err(e) if e.is_not_found() && ctx.flags.is_set("ignore-not-found") => {}
            Err(e) => ctx.error(&errors::api_error(&e)),
        }
    }
}
