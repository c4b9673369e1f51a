//! Controllers: each reconciles one kind of object towards its spec, level-triggered and idempotent.
//! `reconcile_all` runs them once and says whether anything changed.

pub mod affinity;
pub mod certificates;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod garbage;
pub mod hpa;
pub mod job;
pub mod kubelet;
pub mod lease;
pub mod namespace;
pub mod node;
pub mod probes;
pub mod pv;
pub mod replicaset;
pub mod runtime;
pub mod scheduler;
pub mod statefulset;

use super::object;
use super::Cluster;
use serde_json::{json, Value};

/// Runs every controller once; true when any of them changed the store.
pub fn reconcile_all(c: &mut Cluster) -> bool {
    let mut changed = false;
    // The controllers run inside kube-controller-manager, the scheduler in kube-scheduler: when
    // their static pod is down, their work stops, as it does on a real cluster.
    let manager = c.component_up("kube-controller-manager");
    if manager {
        changed |= namespace::reconcile(c);
        changed |= garbage::reconcile(c);
        changed |= crate::cluster::deletion::reconcile(c);
        changed |= node::reconcile(c);
        changed |= deployment::reconcile(c);
        changed |= replicaset::reconcile(c);
        changed |= daemonset::reconcile(c);
        changed |= cronjob::reconcile(c);
        changed |= job::reconcile(c);
        changed |= statefulset::reconcile(c);
        changed |= pv::reconcile(c);
        changed |= super::rbac::reconcile_aggregation(c);
        changed |= super::admission::reconcile_quotas(c);
        changed |= certificates::reconcile(c);
        changed |= hpa::reconcile(c);
    }
    if c.component_up("kube-scheduler") {
        changed |= scheduler::reconcile(c);
    }
    changed |= kubelet::reconcile(c);
    changed |= lease::reconcile(c);
    if manager {
        changed |= endpoints::reconcile(c);
        changed |= disruption::reconcile(c);
    }
    changed
}

/// Runs only the controllers whose work depends on time passing (the kubelet's container timelines,
/// the node lifecycle's taint timers); true when they changed the store.
pub fn reconcile_timed(c: &mut Cluster) -> bool {
    let mut changed = kubelet::reconcile(c);
    changed |= lease::reconcile(c);
    changed |= crate::cluster::deletion::reconcile(c);
    if c.component_up("kube-controller-manager") {
        changed |= node::reconcile(c);
        changed |= cronjob::reconcile(c);
        changed |= hpa::reconcile(c);
    }
    changed
}

/// An ownerReference naming `owner` as the controller.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": object::str_at(owner, "apiVersion"),
        "blockOwnerDeletion": true,
        "controller": true,
        "kind": object::kind(owner),
        "name": object::name(owner),
        "uid": object::str_at(owner, "metadata.uid"),
    })
}

/// The uid of the controller owning `obj`, if any.
pub fn controller_uid(obj: &Value) -> Option<&str> {
    object::array(obj, "metadata.ownerReferences")
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        .and_then(|r| r.get("uid").and_then(Value::as_str))
}

/// Whether a pod counts as ready (its Ready condition is True).
pub fn pod_ready(pod: &Value) -> bool {
    object::array(pod, "status.conditions").iter().any(|c| {
        c.get("type").and_then(Value::as_str) == Some("Ready")
            && c.get("status").and_then(Value::as_str) == Some("True")
    })
}

/// Whether a pod is finished (Succeeded or Failed) or being deleted.
pub fn pod_inactive(pod: &Value) -> bool {
    let phase = object::str_at(pod, "status.phase");
    phase == "Succeeded"
        || phase == "Failed"
        || object::get(pod, "metadata.deletionTimestamp").is_some()
}

/// Builds a pod from a workload's template, owned by `owner`.
pub fn pod_from_template(owner: &Value, name: &str, extra_labels: &[(&str, &str)]) -> Value {
    let mut pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {}, "spec": {}});
    let tmpl_md = object::get(owner, "spec.template.metadata")
        .cloned()
        .unwrap_or(json!({}));
    if let Value::Object(m) = tmpl_md {
        for (k, v) in m {
            if k != "creationTimestamp" && k != "name" {
                object::set(&mut pod, &format!("metadata.{k}"), v);
            }
        }
    }
    for (k, v) in extra_labels {
        object::map_mut(&mut pod, "metadata.labels").insert((*k).to_string(), json!(v));
    }
    object::set(&mut pod, "metadata.name", json!(name));
    object::set(
        &mut pod,
        "metadata.namespace",
        json!(object::namespace(owner)),
    );
    object::set(
        &mut pod,
        "metadata.ownerReferences",
        json!([controller_ref(owner)]),
    );
    if let Some(spec) = object::get(owner, "spec.template.spec") {
        object::set(&mut pod, "spec", spec.clone());
    }
    pod
}

/// Sets a condition in `status.conditions`, keeping lastTransitionTime when the status did not change.
pub fn set_condition(
    obj: &mut Value,
    type_: &str,
    status: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: &str,
    with_update_time: bool,
) {
    let conds = object::map_mut(obj, "status")
        .entry("conditions")
        .or_insert_with(|| json!([]));
    let Value::Array(list) = conds else { return };
    let existing = list
        .iter_mut()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_));
    let mut cond = json!({"type": type_, "status": status, "lastTransitionTime": now});
    if with_update_time {
        cond["lastUpdateTime"] = json!(now);
    }
    if let Some(r) = reason {
        cond["reason"] = json!(r);
    }
    if let Some(m) = message {
        cond["message"] = json!(m);
    }
    match existing {
        Some(old) => {
            let same_status = old.get("status").and_then(Value::as_str) == Some(status);
            let same_all = same_status
                && old.get("reason").and_then(Value::as_str) == reason
                && old.get("message").and_then(Value::as_str) == message;
            if same_status {
                if let Some(t) = old.get("lastTransitionTime") {
                    cond["lastTransitionTime"] = t.clone();
                }
            }
            if same_all && with_update_time {
                if let Some(t) = old.get("lastUpdateTime") {
                    cond["lastUpdateTime"] = t.clone();
                }
            }
            *old = cond;
        }
        None => list.push(cond),
    }
}
