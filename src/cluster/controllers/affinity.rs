//! Inter-pod affinity and anti-affinity (the scheduler's InterPodAffinity plugin) and preferred node
//! affinity scoring: topology domains by `topologyKey`, required terms as filters, preferred terms
//! as scores.

use crate::cluster::selector::Selector;
use crate::cluster::{object, Cluster};
use serde_json::Value;
use std::collections::BTreeMap;

/// A pod already bound to a node, with that node's labels (its topology).
pub struct Placed {
    pub pod: Value,
    pub node_labels: BTreeMap<String, String>,
}

/// Every pod bound to a node that still exists, with the node's labels.
pub fn placed(c: &Cluster, nodes: &[Value]) -> Vec<Placed> {
    placed_where(c, nodes, false)
}

/// The placed pods that carry required pod anti-affinity terms: the only placed pods `filter`
/// looks at for a pod that has no inter-pod affinity terms of its own (see `has_pod_terms`).
/// Cloning every placed pod is what makes scheduling thousands of plain pods quadratic.
pub fn placed_with_anti(c: &Cluster, nodes: &[Value]) -> Vec<Placed> {
    placed_where(c, nodes, true)
}

/// Whether a pod carries required pod anti-affinity terms (which constrain later pods).
pub fn has_required_anti(pod: &Value) -> bool {
    !terms(pod, REQUIRED_ANTI).is_empty()
}

/// Whether a pod has inter-pod affinity or anti-affinity terms of its own, required or preferred:
/// without them `filter` only checks the existing pods' anti-affinity and `inter_pod_score` is 0.
pub fn has_pod_terms(pod: &Value) -> bool {
    let aff = object::get(pod, "spec.affinity");
    ["podAffinity", "podAntiAffinity"].iter().any(|k| {
        aff.and_then(|a| a.get(*k))
            .and_then(Value::as_object)
            .is_some_and(|m| {
                m.values()
                    .any(|v| v.as_array().is_some_and(|a| !a.is_empty()))
            })
    })
}

const REQUIRED_ANTI: &str =
    "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution";

fn placed_where(c: &Cluster, nodes: &[Value], anti_only: bool) -> Vec<Placed> {
    let labels: BTreeMap<&str, BTreeMap<String, String>> = nodes
        .iter()
        .map(|n| (object::name(n), object::labels(n)))
        .collect();
    // The store indexes the bound pods that hold resources, and which carry anti-affinity.
    c.index
        .placed
        .iter()
        .filter(|(_, placed)| placed.anti || !anti_only)
        .filter_map(|((ns, name), placed)| {
            let l = labels.get(placed.node.as_str())?;
            c.peek("pods", ns, name).map(|p| Placed {
                pod: p.clone(),
                node_labels: l.clone(),
            })
        })
        .collect()
}

/// Whether an affinity term (from the pod `owner`) matches `candidate`: its label selector, and its
/// namespaces (`namespaces`, `namespaceSelector`, or the owner's own namespace).
fn term_matches(c: &Cluster, term: &Value, owner: &Value, candidate: &Value) -> bool {
    let sel = term.get("labelSelector").map(Selector::from_label_selector);
    let Some(sel) = sel else {
        return false; // A term without a labelSelector matches no pod.
    };
    let names: Vec<&str> = term
        .get("namespaces")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let cns = object::namespace(candidate);
    let ns_ok = match term.get("namespaceSelector") {
        Some(nsel) => {
            let labels = c
                .peek("namespaces", "", cns)
                .map(object::labels)
                .unwrap_or_default();
            names.contains(&cns) || Selector::from_label_selector(nsel).matches(&labels)
        }
        None if names.is_empty() => cns == object::namespace(owner),
        None => names.contains(&cns),
    };
    ns_ok && sel.matches(&object::labels(candidate))
}

fn same_domain(key: &str, a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> bool {
    matches!((a.get(key), b.get(key)), (Some(x), Some(y)) if x == y)
}

fn terms<'a>(pod: &'a Value, path: &str) -> &'a [Value] {
    object::array(pod, path)
}

/// Why the InterPodAffinity filter rejects a node, in the scheduler's words, or `None` if it fits.
/// The second value says whether preemption could help (anti-affinity can be resolved by
/// evicting pods; a missing affinity partner cannot).
pub fn filter(
    c: &Cluster,
    pod: &Value,
    node_labels: &BTreeMap<String, String>,
    others: &[Placed],
) -> Option<(&'static str, bool)> {
    let required_aff = terms(
        pod,
        "spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution",
    );
    for term in required_aff {
        let key = term
            .get("topologyKey")
            .and_then(Value::as_str)
            .unwrap_or("");
        let here = others.iter().any(|o| {
            term_matches(c, term, pod, &o.pod) && same_domain(key, node_labels, &o.node_labels)
        });
        if here {
            continue;
        }
        // The first pod of a group that matches its own term may go anywhere the key exists.
        let anywhere = others.iter().any(|o| term_matches(c, term, pod, &o.pod));
        if anywhere || !term_matches(c, term, pod, pod) || !node_labels.contains_key(key) {
            return Some(("node(s) didn't match pod affinity rules", false));
        }
    }
    let required_anti = terms(
        pod,
        "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
    );
    for term in required_anti {
        let key = term
            .get("topologyKey")
            .and_then(Value::as_str)
            .unwrap_or("");
        if others.iter().any(|o| {
            term_matches(c, term, pod, &o.pod) && same_domain(key, node_labels, &o.node_labels)
        }) {
            return Some(("node(s) didn't match pod anti-affinity rules", true));
        }
    }
    for o in others {
        for term in terms(
            &o.pod,
            "spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution",
        ) {
            let key = term
                .get("topologyKey")
                .and_then(Value::as_str)
                .unwrap_or("");
            if term_matches(c, term, &o.pod, pod) && same_domain(key, node_labels, &o.node_labels) {
                return Some((
                    "node(s) didn't satisfy existing pods anti-affinity rules",
                    true,
                ));
            }
        }
    }
    None
}

/// The raw InterPodAffinity score of a node: preferred affinity weights for every matching pod in
/// the node's domain, minus preferred anti-affinity weights.
pub fn inter_pod_score(
    c: &Cluster,
    pod: &Value,
    node_labels: &BTreeMap<String, String>,
    others: &[Placed],
) -> i64 {
    let mut score = 0;
    for (path, sign) in [
        (
            "spec.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            1,
        ),
        (
            "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution",
            -1,
        ),
    ] {
        for wt in terms(pod, path) {
            let weight = wt.get("weight").and_then(Value::as_i64).unwrap_or(0);
            let Some(term) = wt.get("podAffinityTerm") else {
                continue;
            };
            let key = term
                .get("topologyKey")
                .and_then(Value::as_str)
                .unwrap_or("");
            let n = others
                .iter()
                .filter(|o| {
                    term_matches(c, term, pod, &o.pod)
                        && same_domain(key, node_labels, &o.node_labels)
                })
                .count() as i64;
            score += sign * weight * n;
        }
    }
    score
}

/// The NodeAffinity score: the summed weights of the preferred node affinity terms the node matches.
pub fn node_affinity_score(pod: &Value, node_labels: &BTreeMap<String, String>) -> i64 {
    terms(
        pod,
        "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution",
    )
    .iter()
    .filter(|t| {
        t.get("preference")
            .is_some_and(|p| super::scheduler::node_selector_term_matches(p, node_labels))
    })
    .map(|t| t.get("weight").and_then(Value::as_i64).unwrap_or(0))
    .sum()
}
