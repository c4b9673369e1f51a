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

/// What a node condition of type `t` should say when the Ready condition is (status, reason, message).
fn wanted(
    t: &str,
    status: &'static str,
    reason: &'static str,
    message: &'static str,
) -> (&'static str, &'static str, &'static str) {
    if t == "Ready" {
        (status, reason, message)
    } else if status == "Unknown" {
        (
            "Unknown",
            "NodeStatusUnknown",
            "Kubelet stopped posting node status.",
        )
    } else {
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
    }
}

/// Whether a node's conditions and health taints already say what [`sync_health`] would write
/// (checked without copying the node: the common case on every settle).
fn in_line(node: &Value, status: &'static str, message: &'static str, taint: Option<&str>) -> bool {
    let conds_ok = object::array(node, "status.conditions").iter().all(|cond| {
        let t = cond.get("type").and_then(Value::as_str).unwrap_or("");
        let (want, _, _) = wanted(t, status, "", message);
        cond.get("status").and_then(Value::as_str) == Some(want)
    });
    let taints = object::array(node, "spec.taints");
    let key_of = |t: &Value| {
        t.get("key")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let stale = taints.iter().any(|t| {
        let k = key_of(t);
        (k == UNREACHABLE || k == NOT_READY) && Some(k.as_str()) != taint
    });
    let missing = taint.is_some_and(|key| {
        ["NoSchedule", "NoExecute"].iter().any(|effect| {
            !taints.iter().any(|t| {
                t.get("key").and_then(Value::as_str) == Some(key)
                    && t.get("effect").and_then(Value::as_str) == Some(*effect)
            })
        })
    });
    // An empty taint list is removed by a write, so it counts as a change.
    let empty_list =
        object::get(node, "spec.taints").is_some_and(|t| t.as_array().is_some_and(Vec::is_empty));
    conds_ok && !stale && !missing && !empty_list
}

/// Brings a node's conditions and health taints in line with its agents; true when it changed.
fn sync_health(c: &mut Cluster, node: &Value) -> bool {
    let name = object::name(node).to_string();
    let (status, reason, message, taint) = health(c, &name);
    let now = timestamp(c.now);
    if in_line(node, status, message, taint) {
        return false;
    }
    let mut n = node.clone();
    if let Some(Value::Array(conds)) = object::get_mut(&mut n, "status.conditions") {
        for cond in conds.iter_mut() {
            let t = cond.get("type").and_then(Value::as_str).unwrap_or("");
            let (want_status, want_reason, want_msg) = wanted(t, status, reason, message);
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
    let nodes = c.list_shared("nodes");
    let now = c.now;
    for node in &nodes {
        if sync_health(c, node) {
            changed = true;
        }
    }
    changed |= mark_pods_not_ready(c);
    let nodes = c.list_shared("nodes");
    for node in &nodes {
        let cordoned = object::get(node, "spec.unschedulable")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let taints = object::array(node, "spec.taints");
        let has = taints
            .iter()
            .any(|t| t.get("key").and_then(Value::as_str) == Some(UNSCHEDULABLE));
        if cordoned != has {
            let mut n = (**node).clone();
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
