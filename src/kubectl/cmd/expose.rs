//! `kubectl expose (pod|deployment|replicaset|service) NAME --port ...`.

use super::create::submit;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use serde_json::{json, Map, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("record", None),
    val("port", None),
    val("target-port", None),
    val("name", None),
    val("type", None),
    val("protocol", None),
    val("selector", None),
    val("labels", Some('l')),
    val("dry-run", None),
    val("output", Some('o')),
    val("cluster-ip", None),
    val("external-ip", None),
    val("session-affinity", None),
    val("load-balancer-ip", None),
    val("override-type", None),
    val("overrides", None),
    val("filename", Some('f')),
];

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let reqs = match resources::parse(&args) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let Some(req) = reqs.first() else { return };
    let Some(name) = req.name.clone() else {
        return ctx.error("resource(s) were provided, but no name was specified");
    };
    let rt = req.rt;
    if !matches!(
        rt.kind,
        "Pod" | "Deployment" | "ReplicaSet" | "Service" | "ReplicationController"
    ) {
        // kubectl names the GroupKind: `StatefulSet.apps`, `ConfigMap`.
        let gk = if rt.group.is_empty() {
            rt.kind.to_string()
        } else {
            format!("{}.{}", rt.kind, rt.group)
        };
        return ctx.error(&format!("cannot expose a {gk}"));
    }
    let ns = ctx.namespace.clone();
    let target = match ctx.cluster_ref().map(|c| c.get(rt, &ns, &name)) {
        Some(Ok(o)) => o,
        Some(Err(e)) => return ctx.error(&errors::api_error(&e)),
        None => return,
    };
    // The selector: --selector, else the object's.
    let selector: Map<String, Value> = match ctx.flags.get("selector") {
        Some(s) => s
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
        None => match rt.kind {
            "Pod" => object::get(&target, "metadata.labels")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            "Service" => object::get(&target, "spec.selector")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            _ => {
                if object::get(&target, "spec.selector.matchExpressions")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
                {
                    return ctx.error("couldn't retrieve selectors via --selector flag or introspection: the selector uses match expressions, which services do not support");
                }
                object::get(&target, "spec.selector.matchLabels")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default()
            }
        },
    };
    if selector.is_empty() {
        return ctx.error("couldn't retrieve selectors via --selector flag or introspection: the object has no labels to select");
    }
    let protocol = ctx.flags.get("protocol").unwrap_or("TCP").to_string();
    let target_port = ctx.flags.get("target-port").map(|t| {
        t.parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| json!(t))
    });
    let mut ports = Vec::new();
    if let Some(p) = ctx.flags.get("port") {
        let Ok(p) = p.parse::<i64>() else {
            return ctx.error(&format!("invalid argument \"{p}\" for \"--port\" flag"));
        };
        ports.push(json!({"port": p, "protocol": protocol, "targetPort": target_port.clone().unwrap_or(json!(p))}));
    } else {
        let container_path = match rt.kind {
            "Pod" => "spec.containers",
            "Service" => "",
            _ => "spec.template.spec.containers",
        };
        let found: Vec<(i64, String)> = if container_path.is_empty() {
            object::array(&target, "spec.ports")
                .iter()
                .filter_map(|p| {
                    Some((
                        p.get("port")?.as_i64()?,
                        p.get("protocol")
                            .and_then(Value::as_str)
                            .unwrap_or("TCP")
                            .to_string(),
                    ))
                })
                .collect()
        } else {
            object::array(&target, container_path)
                .iter()
                .flat_map(|c| {
                    c.get("ports")
                        .and_then(Value::as_array)
                        .cloned()
                        .unwrap_or_default()
                })
                .filter_map(|p| {
                    Some((
                        p.get("containerPort")?.as_i64()?,
                        p.get("protocol")
                            .and_then(Value::as_str)
                            .unwrap_or("TCP")
                            .to_string(),
                    ))
                })
                .collect()
        };
        if found.is_empty() {
            return ctx.error("couldn't find port via --port flag or introspection");
        }
        let many = found.len() > 1;
        for (i, (p, proto)) in found.iter().enumerate() {
            let mut port = json!({"port": p, "protocol": proto, "targetPort": target_port.clone().unwrap_or(json!(p))});
            if many {
                port["name"] = json!(format!("port-{}", i + 1));
            }
            ports.push(port);
        }
    }
    let svc_name = ctx
        .flags
        .get("name")
        .map(String::from)
        .unwrap_or_else(|| name.clone());
    let labels = match ctx.flags.get("labels") {
        Some(l) => Value::Object(
            l.split(',')
                .filter_map(|p| p.split_once('='))
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
        ),
        None => object::get(&target, "metadata.labels")
            .cloned()
            .unwrap_or(Value::Null),
    };
    let mut md = json!({"creationTimestamp": null, "name": svc_name});
    if labels.as_object().is_some_and(|m| !m.is_empty()) {
        md["labels"] = labels;
    }
    let mut spec = json!({"ports": ports, "selector": selector});
    if let Some(t) = ctx.flags.get("type") {
        let t = match t.to_ascii_lowercase().as_str() {
            "nodeport" => "NodePort",
            "clusterip" => "ClusterIP",
            "loadbalancer" => "LoadBalancer",
            "externalname" => "ExternalName",
            _ => return ctx.error(&format!("invalid service type \"{t}\"")),
        };
        spec["type"] = json!(t);
    }
    if let Some(ip) = ctx.flags.get("cluster-ip") {
        spec["clusterIP"] = json!(ip);
    }
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": md, "spec": spec, "status": {"loadBalancer": {}}});
    let _ = schema::lookup;
    submit(ctx, svc, "exposed");
}
