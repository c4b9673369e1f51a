//! `kubectl scale TYPE NAME --replicas=N`.

use crate::cluster::object;
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use serde_json::json;

pub const FLAGS: &[FlagSpec] = &[
    flag("record", None),
    val("replicas", None),
    val("current-replicas", None),
    flag("all", None),
    val("selector", Some('l')),
    val("filename", Some('f')),
    val("dry-run", None),
    val("output", Some('o')),
    val("timeout", None),
];

pub fn run(ctx: &mut Ctx<'_>) {
    let replicas = match ctx.flags.get("replicas").map(|r| r.parse::<i64>()) {
        Some(Ok(r)) if r >= 0 => r,
        // cobra's required-flag check comes first.
        None => return ctx.error("required flag(s) \"replicas\" not set"),
        Some(Err(_)) => {
            let v = ctx.flags.get("replicas").unwrap_or_default().to_string();
            return ctx.error(&format!(
                "invalid argument {v:?} for \"--replicas\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl scale --help' for usage."
            ));
        }
        Some(Ok(_)) => return ctx.error(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0",
        ),
    };
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let reqs = match resources::parse(&args) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let ns = ctx.namespace.clone();
    for r in reqs {
        let Some(name) = r.name else {
            return ctx.error("resource(s) were provided, but no name was specified");
        };
        if !matches!(
            r.rt.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            return ctx.error(&format!("cannot scale a {}", r.rt.kind));
        }
        let Some(c) = ctx.cluster() else { return };
        let mut obj = match c.get(r.rt, &ns, &name) {
            Ok(o) => o,
            Err(e) => return ctx.error(&errors::api_error(&e)),
        };
        if let Some(cur) = ctx
            .flags
            .get("current-replicas")
            .and_then(|c| c.parse::<i64>().ok())
        {
            if object::i64_at(&obj, "spec.replicas") != Some(cur) {
                return ctx.error(&format!(
                    "Expected replicas to be {cur}, was {}",
                    object::i64_at(&obj, "spec.replicas").unwrap_or(0)
                ));
            }
        }
        object::set(&mut obj, "spec.replicas", json!(replicas));
        object::remove(&mut obj, "metadata.resourceVersion");
        let Some(c) = ctx.cluster() else { return };
        match c.update(obj, false) {
            Ok(_) => ctx.println(&format!("{}/{name} scaled", r.rt.qualified_singular())),
            Err(e) => return ctx.error(&errors::api_error(&e)),
        }
    }
}
