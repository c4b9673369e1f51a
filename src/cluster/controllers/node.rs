//! The node lifecycle controller: a cordoned node carries the `node.kubernetes.io/unschedulable`
//! taint, and pods that do not tolerate a node's NoExecute taints are evicted from it.

use super::scheduler::tolerates;
use crate::cluster::{object, parse_timestamp, timestamp, Cluster};
use serde_json::{json, Value};

const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

pub fn reconcile(c: &mut Cluster) -> bool {
    let mut changed = false;
    let nodes: Vec<Value> = c.list_all("nodes").into_iter().cloned().collect();
    let now = c.now;
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
        c.remove_raw("pods", &ns, &name);
        changed = true;
    }
    changed
}
