//! The node lifecycle controller: a cordoned node carries the `node.kubernetes.io/unschedulable`
//! taint, and pods that do not tolerate a node's NoExecute taints are evicted from it.

use super::scheduler::tolerates;
use crate::cluster::deletion::DeleteOptions;
use crate::cluster::{object, parse_timestamp, timestamp, Cluster, NODE_GRACE_SECS};
use serde_json::{json, Value};

const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";
const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
const NOT_READY: &str = "node.kubernetes.io/not-ready";

/// The Ready condition a node should show and the taint key that goes with it (if any).
fn health(
    c: &Cluster,
    node: &str,
) -> (
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
) {
    match c.agents.get(node) {
        Some(a) if !a.kubelet && (c.now - a.since).num_seconds() >= NODE_GRACE_SECS => {
            ("Unknown", "NodeStatusUnknown", "Kubelet stopped posting node status.", Some(UNREACHABLE))
        }
        Some(a) if a.kubelet && !a.runtime => (
            "False",
            "KubeletNotReady",
            "container runtime is down, PLEG is not healthy: pleg was last seen active 3m0s ago; threshold is 3m0s",
            Some(NOT_READY),
        ),
        _ => ("True", "KubeletReady", "kubelet is posting ready status", None),
    }
}

/// Brings a node's conditions and health taints in line with its agents; true when it changed.
fn sync_health(c: &mut Cluster, node: &Value) -> bool {
    let name = object::name(node).to_string();
    let (status, reason, message, taint) = health(c, &name);
    let now = timestamp(c.now);
    let mut n = node.clone();
    if let Some(Value::Array(conds)) = object::get_mut(&mut n, "status.conditions") {
        for cond in conds.iter_mut() {
            let is_ready = cond.get("type").and_then(Value::as_str) == Some("Ready");
            let (want_status, want_reason, want_msg) = if is_ready {
                (status, reason, message)
            } else if status == "Unknown" {
                (
                    "Unknown",
                    "NodeStatusUnknown",
                    "Kubelet stopped posting node status.",
                )
            } else {
                let t = cond.get("type").and_then(Value::as_str).unwrap_or("");
                match t {
                    "MemoryPressure" => (
                        "False",
                        "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available",
                    ),
                    "DiskPressure" => (
                        "False",
                        "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure",
                    ),
                    _ => (
                        "False",
                        "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available",
                    ),
                }
            };
            if cond.get("status").and_then(Value::as_str) != Some(want_status) {
                cond["status"] = json!(want_status);
                cond["reason"] = json!(want_reason);
                cond["message"] = json!(want_msg);
                cond["lastTransitionTime"] = json!(now);
            }
        }
    }
    let mut taints: Vec<Value> = object::array(&n, "spec.taints")
        .iter()
        .filter(|t| {
            let k = t.get("key").and_then(Value::as_str).unwrap_or("");
            (k != UNREACHABLE && k != NOT_READY) || Some(k) == taint
        })
        .cloned()
        .collect();
    if let Some(key) = taint {
        for effect in ["NoSchedule", "NoExecute"] {
            if !taints.iter().any(|t| {
                t.get("key").and_then(Value::as_str) == Some(key)
                    && t.get("effect").and_then(Value::as_str) == Some(effect)
            }) {
                taints.push(json!({"effect": effect, "key": key, "timeAdded": now}));
            }
        }
    }
    if taints.is_empty() {
        object::remove(&mut n, "spec.taints");
    } else {
        object::set(&mut n, "spec.taints", Value::Array(taints));
    }
    if &n != node {
        if status != "True" {
            c.record_event(
                node,
                "Normal",
                "NodeNotReady",
                &format!("Node {name} status is now: NodeNotReady"),
                "node-controller",
            );
        }
        c.put_status("nodes", n);
        return true;
    }
    false
}

/// Pods on a node whose kubelet stopped posting status lose their Ready condition (as the node
/// lifecycle controller's MarkPodsNotReady does), so services and workloads stop counting them.
fn mark_pods_not_ready(c: &mut Cluster) -> bool {
    let unknown: Vec<String> = c
        .list_all("nodes")
        .iter()
        .filter(|n| {
            object::array(n, "status.conditions").iter().any(|cnd| {
                cnd.get("type").and_then(Value::as_str) == Some("Ready")
                    && cnd.get("status").and_then(Value::as_str) == Some("Unknown")
            })
        })
        .map(|n| object::name(n).to_string())
        .collect();
    if unknown.is_empty() {
        return false;
    }
    let now = timestamp(c.now);
    let pods: Vec<Value> = c
        .list_all("pods")
        .into_iter()
        .filter(|p| {
            unknown
                .iter()
                .any(|n| n == object::str_at(p, "spec.nodeName"))
        })
        .filter(|p| !super::pod_inactive(p))
        .cloned()
        .collect();
    let mut changed = false;
    for mut pod in pods {
        let mut touched = false;
        if let Some(Value::Array(conds)) = object::get_mut(&mut pod, "status.conditions") {
            for cnd in conds.iter_mut() {
                if cnd.get("type").and_then(Value::as_str) == Some("Ready")
                    && cnd.get("status").and_then(Value::as_str) != Some("False")
                {
                    cnd["status"] = json!("False");
                    cnd["lastTransitionTime"] = json!(now);
                    touched = true;
                }
            }
        }
        if touched {
            c.put_status("pods", pod);
            changed = true;
        }
    }
    changed
}

pub fn reconcile(c: &mut Cluster) -> bool {
    let mut changed = false;
    let nodes: Vec<Value> = c.list_all("nodes").into_iter().cloned().collect();
    let now = c.now;
    for node in &nodes {
        if sync_health(c, node) {
            changed = true;
        }
    }
    changed |= mark_pods_not_ready(c);
    let nodes: Vec<Value> = c.list_all("nodes").into_iter().cloned().collect();
    for node in &nodes {
        let cordoned = object::get(node, "spec.unschedulable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let taints = object::array(node, "spec.taints");
        let has = taints
            .iter()
            .any(|t| t.get("key").and_then(Value::as_str) == Some(UNSCHEDULABLE));
        if cordoned != has {
            let mut n = node.clone();
            let mut list: Vec<Value> = taints
                .iter()
                .filter(|t| t.get("key").and_then(Value::as_str) != Some(UNSCHEDULABLE))
                .cloned()
                .collect();
            if cordoned {
                list.push(json!({"effect": "NoSchedule", "key": UNSCHEDULABLE, "timeAdded": timestamp(now)}));
            }
            if list.is_empty() {
                object::remove(&mut n, "spec.taints");
            } else {
                object::set(&mut n, "spec.taints", Value::Array(list));
            }
            c.put_status("nodes", n);
            changed = true;
        }
    }
    // NoExecute: evict pods that do not tolerate the taint (or whose tolerationSeconds ran out).
    let mut evict: Vec<(String, String, Value)> = Vec::new();
    for node in &nodes {
        let no_exec: Vec<&Value> = object::array(node, "spec.taints")
            .iter()
            .filter(|t| t.get("effect").and_then(Value::as_str) == Some("NoExecute"))
            .collect();
        if no_exec.is_empty() {
            continue;
        }
        let name = object::name(node);
        for p in c.list_all("pods") {
            if object::str_at(p, "spec.nodeName") != name
                || object::get(p, "metadata.deletionTimestamp").is_some()
                || object::get(p, "metadata.annotations")
                    .and_then(|a| a.get("kubernetes.io/config.mirror"))
                    .is_some()
            {
                continue;
            }
            let tols = object::array(p, "spec.tolerations");
            let must_go =
                no_exec
                    .iter()
                    .any(|taint| match tols.iter().find(|t| tolerates(t, taint)) {
                        None => true,
                        Some(t) => match (
                            t.get("tolerationSeconds").and_then(Value::as_i64),
                            taint
                                .get("timeAdded")
                                .and_then(Value::as_str)
                                .and_then(parse_timestamp),
                        ) {
                            (Some(secs), Some(added)) => (now - added).num_seconds() >= secs,
                            _ => false,
                        },
                    });
            if must_go {
                evict.push((
                    object::namespace(p).to_string(),
                    object::name(p).to_string(),
                    p.clone(),
                ));
            }
        }
    }
    for (ns, name, pod) in evict {
        c.record_event(
            &pod,
            "Normal",
            "TaintManagerEviction",
            &format!("Marking for deletion Pod {ns}/{name}"),
            "taint-eviction-controller",
        );
        // The taint manager deletes the pod like a DELETE request with default options: it gets
        // its grace period, and stays Terminating on a node whose kubelet does not confirm.
        if let Some(rt) = crate::cluster::schema::lookup("pods") {
            let _ = c.delete_with(rt, &ns, &name, DeleteOptions::default());
        }
        changed = true;
    }
    changed
}
