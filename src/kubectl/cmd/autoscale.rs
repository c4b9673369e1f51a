//! `kubectl autoscale (TYPE NAME | TYPE/NAME) --max=N [--min=N] [--cpu-percent=P] [--name=X]`:
//! creates an autoscaling/v2 HorizontalPodAutoscaler for a Deployment, ReplicaSet, StatefulSet or
//! ReplicationController.

use super::output::{is_machine, render};
use super::{dry_run, DryRun};
use crate::cluster::object;
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::{errors, resources, Ctx};
use serde_json::{json, Value};

pub const FLAGS: &[FlagSpec] = &[
    val("min", None),
    val("max", None),
    val("cpu-percent", None),
    val("name", None),
    val("dry-run", None),
    val("output", Some('o')),
    crate::kubectl::flags::rep("filename", Some('f')),
    flag("recursive", Some('R')),
    flag("save-config", None),
    flag("record", None),
    val("field-manager", None),
    val("allow-missing-template-keys", None),
    flag("show-managed-fields", None),
    val("template", None),
];

/// The object kubectl's generator builds.
pub fn generate(name: &str, target: &Value, min: i64, max: i64, cpu: i64) -> Value {
    let mut spec = json!({
        "maxReplicas": max,
        "scaleTargetRef": {
            "apiVersion": object::str_at(target, "apiVersion"),
            "kind": object::kind(target),
            "name": object::name(target),
        },
    });
    if min > 0 {
        object::set(&mut spec, "minReplicas", json!(min));
    }
    if cpu >= 0 {
        object::set(
            &mut spec,
            "metrics",
            json!([{"resource": {"name": "cpu", "target": {"averageUtilization": cpu, "type": "Utilization"}}, "type": "Resource"}]),
        );
    }
    json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"creationTimestamp": null, "name": name},
        "spec": spec,
        "status": {"currentMetrics": null, "desiredReplicas": 0},
    })
}

fn int_flag(ctx: &mut Ctx<'_>, name: &str, default: i64) -> Option<i64> {
    match ctx.flags.get(name) {
        None => Some(default),
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                ctx.error(&format!(
                    "invalid argument {v:?} for \"--{name}\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax"
                ));
                None
            }
        },
    }
}

pub fn run(ctx: &mut Ctx<'_>) {
    if ctx.flags.get("max").is_none() {
        return ctx.error("required flag(s) \"max\" not set");
    }
    let Some(max) = int_flag(ctx, "max", -1) else {
        return;
    };
    let Some(min) = int_flag(ctx, "min", -1) else {
        return;
    };
    let Some(cpu) = int_flag(ctx, "cpu-percent", -1) else {
        return;
    };
    if max < 1 {
        return ctx.error(&format!(
            "--max=MAXPODS is required and must be at least 1, max: {max}"
        ));
    }
    if max < min {
        return ctx.error(&format!(
            "--max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
    }
    let dr = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
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
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    for r in reqs {
        let Some(name) = r.name else {
            return ctx.error("resource(s) were provided, but no name was specified");
        };
        let Some(c) = ctx.cluster_ref() else { return };
        let target = match c.get(r.rt, &ns, &name) {
            Ok(o) => o,
            Err(e) => return ctx.error(&errors::api_error(&e)),
        };
        if !matches!(
            r.rt.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            return ctx.error(&format!(
                "cannot autoscale a {}: {} \"{name}\" is not scalable",
                r.rt.kind,
                r.rt.qualified_plural()
            ));
        }
        let hpa_name = ctx.flags.get("name").unwrap_or(&name).to_string();
        let mut hpa = generate(&hpa_name, &target, min, max, cpu);
        let created = if dr == DryRun::Client {
            hpa
        } else {
            object::set(&mut hpa, "metadata.namespace", json!(ns));
            object::remove(&mut hpa, "metadata.creationTimestamp");
            object::remove(&mut hpa, "status");
            let Some(c) = ctx.cluster() else { return };
            match c.create(hpa, dr == DryRun::Server) {
                Ok(o) => o,
                Err(e) => return ctx.error(&errors::api_error(&e)),
            }
        };
        if is_machine(&output) {
            match render(&output, &[created], true, false) {
                Ok(s) => ctx.print(&s),
                Err(e) => return ctx.error(&e),
            }
        } else {
            ctx.println(&format!(
                "horizontalpodautoscaler.autoscaling/{hpa_name} autoscaled{}",
                dr.suffix()
            ));
        }
    }
}
