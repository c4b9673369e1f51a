//! The scheduler: binds pending pods to nodes that fit (nodeName, nodeSelector, taints and tolerations,
//! cordoned nodes), spreading pods across nodes; explains itself in a FailedScheduling event.

use super::{affinity, set_condition};
use crate::cluster::{object, resources, timestamp, Cluster};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Why a node does or does not fit a pod; the texts are the scheduler's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fit {
    Yes,
    Unschedulable,
    Selector,
    Taint(String),
}

impl Fit {
    fn reason(&self) -> String {
        match self {
            Fit::Yes => String::new(),
            Fit::Unschedulable => "node(s) were unschedulable".into(),
            Fit::Selector => "node(s) didn't match Pod's node affinity/selector".into(),
            Fit::Taint(t) => format!("node(s) had untolerated taint {t}"),
        }
    }
}

/// Whether `toleration` tolerates `taint`.
pub fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let effect = s(toleration, "effect");
    if !effect.is_empty() && effect != s(taint, "effect") {
        return false;
    }
    let key = s(toleration, "key");
    let op = s(toleration, "operator");
    if key.is_empty() {
        return op == "Exists";
    }
    if key != s(taint, "key") {
        return false;
    }
    match op.as_str() {
        "Exists" => true,
        _ => s(toleration, "value") == s(taint, "value"),
    }
}

/// Whether a pod may be placed on a node, judged on the scheduler's filters in the default plugin
/// order (NodeUnschedulable, TaintToleration, NodeAffinity): a node reports only its first failure.
pub fn node_fits(pod: &Value, node: &Value, ignore_unschedulable: bool) -> Fit {
    let tolerations = object::array(pod, "spec.tolerations");
    if !ignore_unschedulable
        && object::get(node, "spec.unschedulable").and_then(Value::as_bool) == Some(true)
    {
        let tolerated = tolerations.iter().any(|t| {
            tolerates(
                t,
                &json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}),
            )
        });
        if !tolerated {
            return Fit::Unschedulable;
        }
    }
    for taint in object::array(node, "spec.taints") {
        let effect = taint.get("effect").and_then(Value::as_str).unwrap_or("");
        if effect == "PreferNoSchedule" {
            continue;
        }
        if !tolerations.iter().any(|t| tolerates(t, taint)) {
            let key = taint.get("key").and_then(Value::as_str).unwrap_or("");
            let value = taint.get("value").and_then(Value::as_str).unwrap_or("");
            return Fit::Taint(format!("{{{key}: {value}}}"));
        }
    }
    let node_labels = object::labels(node);
    for (k, v) in object::string_map(pod, "spec.nodeSelector") {
        if node_labels.get(&k) != Some(&v) {
            return Fit::Selector;
        }
    }
    if !required_affinity_matches(pod, &node_labels) {
        return Fit::Selector;
    }
    Fit::Yes
}

/// requiredDuringSchedulingIgnoredDuringExecution node affinity: any term matches, all expressions in a term.
fn required_affinity_matches(pod: &Value, labels: &BTreeMap<String, String>) -> bool {
    let terms = object::array(
        pod,
        "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms",
    );
    if terms.is_empty() {
        return true;
    }
    terms
        .iter()
        .any(|term| node_selector_term_matches(term, labels))
}

/// Whether a node selector term (all its `matchExpressions`) matches a node's labels.
pub fn node_selector_term_matches(term: &Value, labels: &BTreeMap<String, String>) -> bool {
    term.get("matchExpressions")
        .and_then(Value::as_array)
        .map(|v| v.as_slice())
        .unwrap_or(&[])
        .iter()
        .all(|e| {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let have = labels.get(key);
            match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => have.is_some_and(|h| values.contains(&h.as_str())),
                "NotIn" => have.is_none_or(|h| !values.contains(&h.as_str())),
                "Exists" => have.is_some(),
                "DoesNotExist" => have.is_none(),
                "Gt" => have
                    .and_then(|h| h.parse::<i64>().ok())
                    .zip(values.first().and_then(|v| v.parse::<i64>().ok()))
                    .is_some_and(|(h, v)| h > v),
                "Lt" => have
                    .and_then(|h| h.parse::<i64>().ok())
                    .zip(values.first().and_then(|v| v.parse::<i64>().ok()))
                    .is_some_and(|(h, v)| h < v),
                _ => false,
            }
        })
}

/// What the pods bound to one node already take.
#[derive(Default, Clone)]
struct NodeUse {
    requested: resources::Amounts,
    pods: usize,
}

/// Lowest-priority pods on `node` whose eviction would let `pod` fit there, if any (the scheduler's
/// DefaultPreemption, simplified: only lower-priority pods, fewest first, resources only).
fn preemption_victims(c: &Cluster, pod: &Value, node: &Value) -> Option<Vec<Value>> {
    let prio = object::i64_at(pod, "spec.priority").unwrap_or(0);
    if object::str_at(pod, "spec.preemptionPolicy") == "Never" {
        return None;
    }
    let on = resources::pods_on(c, object::name(node));
    let mut lower: Vec<&Value> = on
        .iter()
        .copied()
        .filter(|p| object::i64_at(p, "spec.priority").unwrap_or(0) < prio)
        .collect();
    if lower.is_empty() {
        return None;
    }
    lower.sort_by_key(|p| object::i64_at(p, "spec.priority").unwrap_or(0));
    let mut remaining: Vec<&Value> = on.clone();
    let mut victims = Vec::new();
    for v in lower {
        remaining
            .retain(|p| object::str_at(p, "metadata.uid") != object::str_at(v, "metadata.uid"));
        victims.push(v.clone());
        let used = resources::sum_requests(&remaining);
        if resources::insufficient(pod, node, &used, remaining.len()).is_empty() {
            return Some(victims);
        }
    }
    None
}

/// What the filters and scores that look only at the pod's spec and the node say (NodeUnschedulable,
/// TaintToleration, NodeAffinity): the same for every pod of a template, so computed once per
/// distinct (tolerations, nodeSelector, affinity) rather than once per pod and node.
struct StaticFit {
    fit: Fit,
    node_score: i64,
    penalty: i64,
}

/// The parts of a pod's spec that `StaticFit` depends on.
fn static_key(pod: &Value) -> [Option<Value>; 3] {
    ["spec.tolerations", "spec.nodeSelector", "spec.affinity"].map(|k| object::get(pod, k).cloned())
}

/// The static fits of a pod on every node, from `cache` when a pod with the same key was seen.
fn static_fits<'a>(
    cache: &'a mut Vec<([Option<Value>; 3], Vec<StaticFit>)>,
    pod: &Value,
    nodes: &[Value],
    labels: &[BTreeMap<String, String>],
) -> &'a [StaticFit] {
    let key = static_key(pod);
    let i = match cache.iter().position(|(k, _)| *k == key) {
        Some(i) => i,
        None => {
            let fits = nodes
                .iter()
                .zip(labels)
                .map(|(node, l)| StaticFit {
                    fit: node_fits(pod, node, false),
                    node_score: affinity::node_affinity_score(pod, l),
                    penalty: prefer_no_schedule_penalty(pod, node),
                })
                .collect();
            cache.push((key, fits));
            cache.len() - 1
        }
    };
    &cache[i].1
}

/// What the pods bound to each node (by index into `nodes`) request, in one pass over the pods.
fn node_usage(c: &Cluster, nodes: &[Value]) -> Vec<NodeUse> {
    let index: std::collections::HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (object::name(n), i))
        .collect();
    let mut usage = vec![NodeUse::default(); nodes.len()];
    // The store indexes each bound pod's requests (in store order, so the sums are the same).
    for placed in c.index.placed.values() {
        let Some(&i) = index.get(placed.node.as_str()) else {
            continue;
        };
        for (k, v) in &placed.requests.values {
            *usage[i].requested.values.entry(k.clone()).or_default() += v;
        }
        usage[i].pods += 1;
    }
    usage
}

pub fn reconcile(c: &mut Cluster) -> bool {
    // The store indexes the pods without a node that are not being deleted.
    // Shared with the store, not copied: a binding is written in place once the share is dropped.
    let pending: Vec<std::sync::Arc<Value>> = c
        .index
        .unscheduled
        .iter()
        .filter_map(|(ns, name)| c.peek_shared("pods", ns, name))
        .filter(|p| {
            object::str_at(p, "spec.nodeName").is_empty()
                && object::get(p, "metadata.deletionTimestamp").is_none()
        })
        .collect();
    if pending.is_empty() {
        return false;
    }
    let nodes: Vec<Value> = c.list_all("nodes").into_iter().cloned().collect();
    let node_labels: Vec<BTreeMap<String, String>> = nodes.iter().map(object::labels).collect();
    let allocs: Vec<resources::Amounts> = nodes.iter().map(resources::allocatable).collect();
    let mut usage = node_usage(c, &nodes);
    // The placed pods inter-pod affinity looks at: every one only when a pending pod has terms of
    // its own; a pod without terms needs only the placed pods with required anti-affinity.
    let need_all = pending.iter().any(|p| affinity::has_pod_terms(p));
    let mut placed_all = need_all.then(|| affinity::placed(c, &nodes));
    let mut placed_anti = affinity::placed_with_anti(c, &nodes);
    let mut statics = Vec::new();
    let now = timestamp(c.now);
    let mut changed = false;
    // Higher priority pods are scheduled first, as the scheduling queue orders them.
    let mut pending = pending;
    pending.sort_by_key(|p| -object::i64_at(p, "spec.priority").unwrap_or(0));
    for pod in pending {
        let scheduler = object::str_at(&pod, "spec.schedulerName");
        if !scheduler.is_empty() && scheduler != "default-scheduler" {
            continue; // No such scheduler runs: the pod stays Pending, with no event, as in a real cluster.
        }
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        // Nodes whose failure preemption cannot fix, and nodes where it might.
        let mut unresolvable = 0usize;
        let mut resolvable: Vec<&Value> = Vec::new();
        let mut feasible: Vec<(usize, i64, i64)> = Vec::new();
        let claims = super::pv::unbound_claims(c, &pod);
        if let Some(why) = &claims {
            reasons.insert(why.clone(), 0);
        }
        let fits = static_fits(&mut statics, &pod, &nodes, &node_labels);
        let want = resources::pod_requests(&pod);
        let pod_terms = affinity::has_pod_terms(&pod);
        let others: &[affinity::Placed] = match (&placed_all, pod_terms) {
            (Some(all), true) => all,
            _ => &placed_anti,
        };
        let check_affinity = pod_terms || !others.is_empty();
        for (i, node) in nodes.iter().enumerate().filter(|_| claims.is_none()) {
            match &fits[i].fit {
                Fit::Yes => {}
                other => {
                    *reasons.entry(other.reason()).or_default() += 1;
                    unresolvable += 1;
                    continue;
                }
            }
            let u = &usage[i];
            let short = resources::insufficient_amounts(&want, &allocs[i], &u.requested, u.pods);
            if !short.is_empty() {
                for r in short {
                    *reasons.entry(r).or_default() += 1;
                }
                resolvable.push(node);
                continue;
            }
            let labels = &node_labels[i];
            let mut inter_pod = 0;
            if check_affinity {
                if let Some((why, fixable)) = affinity::filter(c, &pod, labels, others) {
                    *reasons.entry(why.to_string()).or_default() += 1;
                    if fixable {
                        resolvable.push(node);
                    } else {
                        unresolvable += 1;
                    }
                    continue;
                }
                inter_pod = affinity::inter_pod_score(c, &pod, labels, others);
            }
            let score = fits[i].node_score * 1000 + inter_pod * 10 - fits[i].penalty;
            feasible.push((i, score, u.pods as i64));
        }
        // The best score wins; among equals, the node with the fewest pods (spreading).
        let best = feasible
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.2.cmp(&a.2)))
            .map(|(i, _, _)| *i);
        let pod_ns = object::namespace(&pod).to_string();
        let pod_name = object::name(&pod).to_string();
        match best {
            Some(i) => {
                let node = object::name(&nodes[i]).to_string();
                let u = &mut usage[i];
                for (k, v) in want.values {
                    *u.requested.values.entry(k).or_default() += v;
                }
                u.pods += 1;
                let qos = qos_class(&pod);
                let anti = affinity::has_required_anti(&pod);
                drop(pod);
                c.modify_in_place("pods", &pod_ns, &pod_name, |pod| {
                    object::set(pod, "spec.nodeName", json!(node));
                    object::remove(pod, "status.conditions");
                    object::remove(pod, "status.nominatedNodeName");
                    set_condition(pod, "PodScheduled", "True", None, None, &now, false);
                    object::set(pod, "status.phase", json!("Pending"));
                    object::set(pod, "status.qosClass", json!(qos));
                    true
                });
                let Some(pod) = c.peek_shared("pods", &pod_ns, &pod_name) else {
                    continue;
                };
                for list in placed_all
                    .iter_mut()
                    .chain(anti.then_some(&mut placed_anti))
                {
                    list.push(affinity::Placed {
                        pod: (*pod).clone(),
                        node_labels: node_labels[i].clone(),
                    });
                }
                c.record_event(
                    &pod,
                    "Normal",
                    "Scheduled",
                    &format!("Successfully assigned {pod_ns}/{pod_name} to {node}"),
                    "default-scheduler",
                );
                changed = true;
            }
            None => {
                let total = nodes.len();
                let mut parts: Vec<String> = reasons
                    .iter()
                    .map(|(r, n)| {
                        if *n == 0 {
                            r.clone()
                        } else {
                            format!("{n} {r}")
                        }
                    })
                    .collect();
                parts.sort();
                // Preemption: evict lower-priority pods from the first node where that makes room.
                let victims = resolvable.iter().find_map(|n| {
                    preemption_victims(c, &pod, n).map(|v| (object::name(n).to_string(), v))
                });
                let mut preempt_parts = Vec::new();
                if unresolvable > 0 {
                    preempt_parts.push(format!(
                        "{unresolvable} Preemption is not helpful for scheduling"
                    ));
                }
                if !resolvable.is_empty() {
                    preempt_parts.push(format!(
                        "{} No preemption victims found for incoming pod",
                        resolvable.len()
                    ));
                }
                preempt_parts.sort();
                let msg = if total == 0 {
                    "no nodes available to schedule pods".to_string()
                } else if let Some(r) = claims.as_ref().filter(|_| parts.len() == 1) {
                    format!(
                        "0/{total} nodes are available: {r}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
                    )
                } else {
                    format!(
                        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
                        parts.join(", "),
                        preempt_parts.join(", ")
                    )
                };
                let qos = qos_class(&pod);
                let uid = object::str_at(&pod, "metadata.uid").to_string();
                drop(pod);
                let wrote = c.modify_in_place("pods", &pod_ns, &pod_name, |pod| {
                    let before = pod.get("status").cloned();
                    object::set(pod, "status.phase", json!("Pending"));
                    object::set(pod, "status.qosClass", json!(qos));
                    set_condition(
                        pod,
                        "PodScheduled",
                        "False",
                        Some("Unschedulable"),
                        Some(&msg),
                        &now,
                        false,
                    );
                    if let Some((node, _)) = &victims {
                        object::set(pod, "status.nominatedNodeName", json!(node));
                    }
                    pod.get("status") != before.as_ref()
                });
                let Some(pod) = c.peek_shared("pods", &pod_ns, &pod_name) else {
                    continue;
                };
                if wrote {
                    c.record_event(
                        &pod,
                        "Warning",
                        "FailedScheduling",
                        &msg,
                        "default-scheduler",
                    );
                    changed = true;
                }
                if let Some((node, victims)) = victims {
                    for v in victims {
                        c.record_event(
                            &v,
                            "Normal",
                            "Preempted",
                            &format!("Preempted by pod {uid} on node {node}"),
                            "default-scheduler",
                        );
                        if let Some(rt) = crate::cluster::schema::lookup("pods") {
                            let _ = c.delete(rt, object::namespace(&v), object::name(&v));
                        }
                    }
                    if let Some(i) = nodes.iter().position(|n| object::name(n) == node) {
                        let on = resources::pods_on(c, &node);
                        usage[i].requested = resources::sum_requests(&on);
                        usage[i].pods = on.len();
                    }
                    if placed_all.is_some() {
                        placed_all = Some(affinity::placed(c, &nodes));
                    }
                    placed_anti = affinity::placed_with_anti(c, &nodes);
                    changed = true;
                }
            }
        }
    }
    changed
}

/// TaintToleration scoring: a node whose PreferNoSchedule taints the pod does not tolerate is
/// avoided when another node fits.
fn prefer_no_schedule_penalty(pod: &Value, node: &Value) -> i64 {
    let tolerations = object::array(pod, "spec.tolerations");
    object::array(node, "spec.taints")
        .iter()
        .filter(|t| t.get("effect").and_then(Value::as_str) == Some("PreferNoSchedule"))
        .filter(|t| !tolerations.iter().any(|tol| tolerates(tol, t)))
        .count() as i64
}

/// The pod's QoS class from its containers' requests and limits.
pub fn qos_class(pod: &Value) -> &'static str {
    let cs = object::array(pod, "spec.containers");
    let mut any = false;
    let mut all_guaranteed = !cs.is_empty();
    for c in cs {
        let req = c.get("resources").and_then(|r| r.get("requests"));
        let lim = c.get("resources").and_then(|r| r.get("limits"));
        let has = |v: Option<&Value>| v.and_then(Value::as_object).is_some_and(|m| !m.is_empty());
        if has(req) || has(lim) {
            any = true;
        }
        let guaranteed = ["cpu", "memory"].iter().all(|k| {
            let l = lim.and_then(|l| l.get(*k));
            let r = req.and_then(|r| r.get(*k)).or(l);
            l.is_some() && r == l
        });
        if !guaranteed {
            all_guaranteed = false;
        }
    }
    if !any {
        "BestEffort"
    } else if all_guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pod_without_toleration_does_not_fit_a_tainted_node() {
        let node = json!({"metadata": {"name": "controlplane"}, "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}});
        let pod = json!({"spec": {}});
        assert_eq!(
            node_fits(&pod, &node, false),
            Fit::Taint("{node-role.kubernetes.io/control-plane: }".into())
        );
        let tolerant = json!({"spec": {"tolerations": [{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule"}]}});
        assert_eq!(node_fits(&tolerant, &node, false), Fit::Yes);
    }
}
