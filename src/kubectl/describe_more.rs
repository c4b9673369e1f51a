//! `kubectl describe` for the kinds beyond the core workloads: ReplicaSet, LimitRange,
//! PodDisruptionBudget, HorizontalPodAutoscaler, PriorityClass, IngressClass, Lease. Each follows
//! the sections and labels of kubectl v1.32's describer for the kind.

use super::{annotations, events, map_lines, meta_header, pod_template, rfc1123z};
use crate::cluster::selector::Selector;
use crate::cluster::{object, Cluster};
use serde_json::Value;
use std::fmt::Write;

/// An int-or-string value as kubectl prints it.
fn int_or_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn selector_text(v: Option<&Value>) -> String {
    let s = v
        .map(Selector::from_label_selector)
        .unwrap_or_default()
        .to_string();
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// `Controlled By:  Kind/name` when an owner is the controller.
fn controlled_by(s: &mut String, o: &Value) {
    if let Some(r) = object::array(o, "metadata.ownerReferences")
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
    {
        let g = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(s, "Controlled By:\t{}/{}", g("kind"), g("name"));
    }
}

pub(super) fn replicaset(c: &Cluster, rs: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, rs, true);
    let _ = writeln!(
        s,
        "Selector:\t{}",
        selector_text(object::get(rs, "spec.selector"))
    );
    map_lines(&mut s, "Labels", &object::labels(rs), "=");
    map_lines(&mut s, "Annotations", &annotations(rs), ": ");
    controlled_by(&mut s, rs);
    let i = |p: &str| object::i64_at(rs, p).unwrap_or(0);
    let _ = writeln!(
        s,
        "Replicas:\t{} current / {} desired",
        i("status.replicas"),
        i("spec.replicas")
    );
    let uid = object::str_at(rs, "metadata.uid");
    let (mut running, mut waiting, mut succeeded, mut failed) = (0, 0, 0, 0);
    for p in c.list_ns("pods", object::namespace(rs)) {
        if crate::cluster::controllers::controller_uid(p) != Some(uid) {
            continue;
        }
        match object::str_at(p, "status.phase") {
            "Running" => running += 1,
            "Succeeded" => succeeded += 1,
            "Failed" => failed += 1,
            _ => waiting += 1,
        }
    }
    let _ = writeln!(
        s,
        "Pods Status:\t{running} Running / {waiting} Waiting / {succeeded} Succeeded / {failed} Failed"
    );
    let _ = writeln!(s, "Pod Template:");
    pod_template(
        &mut s,
        object::get(rs, "spec.template").unwrap_or(&Value::Null),
    );
    let conds = object::array(rs, "status.conditions");
    if !conds.is_empty() {
        let _ = writeln!(
            s,
            "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------"
        );
        for cnd in conds {
            let g = |k: &str| cnd.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let _ = writeln!(s, "  {}\t{}\t{}", g("type"), g("status"), g("reason"));
        }
    }
    s.push_str(&events(c, rs, c.now));
    s
}

pub(super) fn limit_range(lr: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, lr, true);
    let _ = writeln!(
        s,
        "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio"
    );
    let _ = writeln!(
        s,
        "----\t--------\t---\t---\t---------------\t-------------\t-----------------------"
    );
    for item in object::array(lr, "spec.limits") {
        let type_ = item.get("type").and_then(Value::as_str).unwrap_or("");
        let mut names: Vec<String> = [
            "min",
            "max",
            "default",
            "defaultRequest",
            "maxLimitRequestRatio",
        ]
        .iter()
        .filter_map(|k| item.get(*k).and_then(Value::as_object))
        .flat_map(|m| m.keys().cloned())
        .collect();
        names.sort();
        names.dedup();
        for r in names {
            let at = |k: &str| {
                item.get(k)
                    .and_then(|m| m.get(&r))
                    .and_then(|v| int_or_string(Some(v)))
                    .unwrap_or_else(|| "-".into())
            };
            let _ = writeln!(
                s,
                "{type_}\t{r}\t{}\t{}\t{}\t{}\t{}",
                at("min"),
                at("max"),
                at("defaultRequest"),
                at("default"),
                at("maxLimitRequestRatio")
            );
        }
    }
    s
}

pub(super) fn pod_disruption_budget(c: &Cluster, pdb: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, pdb, true);
    if let Some(v) = int_or_string(object::get(pdb, "spec.minAvailable")) {
        let _ = writeln!(s, "Min available:\t{v}");
    }
    if let Some(v) = int_or_string(object::get(pdb, "spec.maxUnavailable")) {
        let _ = writeln!(s, "Max unavailable:\t{v}");
    }
    let _ = writeln!(
        s,
        "Selector:\t{}",
        selector_text(object::get(pdb, "spec.selector"))
    );
    let i = |p: &str| object::i64_at(pdb, p).unwrap_or(0);
    let _ = writeln!(s, "Status:");
    let _ = writeln!(
        s,
        "    Allowed disruptions:\t{}",
        i("status.disruptionsAllowed")
    );
    let _ = writeln!(s, "    Current:\t{}", i("status.currentHealthy"));
    let _ = writeln!(s, "    Desired:\t{}", i("status.desiredHealthy"));
    let _ = writeln!(s, "    Total:\t{}", i("status.expectedPods"));
    s.push_str(&events(c, pdb, c.now));
    s
}

/// One metric line of `describe hpa`: (label, "current / target").
fn hpa_metric(spec: &Value, current: Option<&Value>) -> (String, String) {
    let str_at = |v: &Value, p: &str| object::str_at(v, p).to_string();
    let kind = spec.get("type").and_then(Value::as_str).unwrap_or("");
    match kind {
        "Resource" | "ContainerResource" => {
            let name = str_at(spec, "resource.name");
            let name = if name.is_empty() {
                str_at(spec, "containerResource.name")
            } else {
                name
            };
            let target_util = object::i64_at(spec, "resource.target.averageUtilization");
            let target_value = int_or_string(object::get(spec, "resource.target.averageValue"));
            match target_util {
                Some(t) => {
                    let cur = current
                        .and_then(|c| {
                            let u = object::i64_at(c, "resource.current.averageUtilization")?;
                            let v = int_or_string(object::get(c, "resource.current.averageValue"))
                                .unwrap_or_else(|| "0".into());
                            Some(format!("{u}% ({v})"))
                        })
                        .unwrap_or_else(|| "<unknown>".into());
                    (
                        format!("resource {name} on pods  (as a percentage of request)"),
                        format!("{cur} / {t}%"),
                    )
                }
                None => {
                    let cur = current
                        .and_then(|c| {
                            int_or_string(object::get(c, "resource.current.averageValue"))
                        })
                        .unwrap_or_else(|| "<unknown>".into());
                    (
                        format!("resource {name} on pods"),
                        format!("{cur} / {}", target_value.unwrap_or_default()),
                    )
                }
            }
        }
        "Pods" => {
            let name = str_at(spec, "pods.metric.name");
            let target =
                int_or_string(object::get(spec, "pods.target.averageValue")).unwrap_or_default();
            let cur = current
                .and_then(|c| int_or_string(object::get(c, "pods.current.averageValue")))
                .unwrap_or_else(|| "<unknown>".into());
            (format!("\"{name}\" on pods"), format!("{cur} / {target}"))
        }
        other => (
            format!("<unsupported metric type {other}>"),
            "<unknown>".into(),
        ),
    }
}

pub(super) fn horizontal_pod_autoscaler(c: &Cluster, hpa: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, hpa, true);
    map_lines(&mut s, "Labels", &object::labels(hpa), "=");
    map_lines(&mut s, "Annotations", &annotations(hpa), ": ");
    let _ = writeln!(
        s,
        "CreationTimestamp:\t{}",
        rfc1123z(object::str_at(hpa, "metadata.creationTimestamp"))
    );
    let kind = object::str_at(hpa, "spec.scaleTargetRef.kind");
    let _ = writeln!(
        s,
        "Reference:\t{kind}/{}",
        object::str_at(hpa, "spec.scaleTargetRef.name")
    );
    let metrics = object::array(hpa, "spec.metrics");
    if metrics.is_empty() {
        let _ = writeln!(s, "Metrics:\t<none>");
    } else {
        let _ = writeln!(s, "Metrics:\t( current / target )");
        let currents = object::array(hpa, "status.currentMetrics");
        for (idx, m) in metrics.iter().enumerate() {
            let (label, value) = hpa_metric(m, currents.get(idx));
            let _ = writeln!(s, "  {label}:\t{value}");
        }
    }
    let _ = writeln!(
        s,
        "Min replicas:\t{}",
        object::i64_at(hpa, "spec.minReplicas").unwrap_or(1)
    );
    let _ = writeln!(
        s,
        "Max replicas:\t{}",
        object::i64_at(hpa, "spec.maxReplicas").unwrap_or(0)
    );
    let _ = writeln!(
        s,
        "{kind} pods:\t{} current / {} desired",
        object::i64_at(hpa, "status.currentReplicas").unwrap_or(0),
        object::i64_at(hpa, "status.desiredReplicas").unwrap_or(0)
    );
    let conds = object::array(hpa, "status.conditions");
    if !conds.is_empty() {
        let _ = writeln!(
            s,
            "Conditions:\n  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------"
        );
        for cnd in conds {
            let g = |k: &str| cnd.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let _ = writeln!(
                s,
                "  {}\t{}\t{}\t{}",
                g("type"),
                g("status"),
                g("reason"),
                g("message")
            );
        }
    }
    s.push_str(&events(c, hpa, c.now));
    s
}

pub(super) fn priority_class(c: &Cluster, pc: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, pc, false);
    let _ = writeln!(s, "Value:\t{}", object::i64_at(pc, "value").unwrap_or(0));
    let _ = writeln!(
        s,
        "GlobalDefault:\t{}",
        object::get(pc, "globalDefault")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    );
    let policy = object::str_at(pc, "preemptionPolicy");
    let _ = writeln!(
        s,
        "PreemptionPolicy:\t{}",
        if policy.is_empty() {
            "PreemptLowerPriority"
        } else {
            policy
        }
    );
    let _ = writeln!(s, "Description:\t{}", object::str_at(pc, "description"));
    map_lines(&mut s, "Annotations", &annotations(pc), "=");
    s.push_str(&events(c, pc, c.now));
    s
}

pub(super) fn ingress_class(c: &Cluster, ic: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, ic, false);
    map_lines(&mut s, "Labels", &object::labels(ic), "=");
    map_lines(&mut s, "Annotations", &annotations(ic), ": ");
    let _ = writeln!(s, "Controller:\t{}", object::str_at(ic, "spec.controller"));
    if let Some(p) = object::get(ic, "spec.parameters") {
        let g = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(s, "Parameters:");
        if !g("apiGroup").is_empty() {
            let _ = writeln!(s, "  APIGroup:\t{}", g("apiGroup"));
        }
        let _ = writeln!(s, "  Kind:\t{}", g("kind"));
        let _ = writeln!(s, "  Name:\t{}", g("name"));
    }
    s.push_str(&events(c, ic, c.now));
    s
}

pub(super) fn lease(c: &Cluster, l: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, l, true);
    map_lines(&mut s, "Labels", &object::labels(l), "=");
    map_lines(&mut s, "Annotations", &annotations(l), ": ");
    let _ = writeln!(s, "API Version:\t{}", object::str_at(l, "apiVersion"));
    let _ = writeln!(s, "Kind:\t{}", object::kind(l));
    let _ = writeln!(s, "Metadata:");
    let _ = writeln!(
        s,
        "  Creation Timestamp:\t{}",
        object::str_at(l, "metadata.creationTimestamp")
    );
    let _ = writeln!(
        s,
        "  Resource Version:\t{}",
        object::str_at(l, "metadata.resourceVersion")
    );
    let _ = writeln!(s, "  UID:\t{}", object::str_at(l, "metadata.uid"));
    let _ = writeln!(s, "Spec:");
    let spec_line = |s: &mut String, label: &str, key: &str| {
        if let Some(v) = object::get(l, &format!("spec.{key}")) {
            let txt = v
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| v.to_string());
            let _ = writeln!(s, "  {label}:\t{txt}");
        }
    };
    spec_line(&mut s, "Holder Identity", "holderIdentity");
    spec_line(&mut s, "Lease Duration Seconds", "leaseDurationSeconds");
    spec_line(&mut s, "Renew Time", "renewTime");
    s.push_str(&events(c, l, c.now));
    s
}
