//! The DaemonSet controller: one pod on every node the pod template can run on.

use super::controller_ref;
use super::scheduler::{node_fits, Fit};
use crate::cluster::{object, Cluster};
use serde_json::{json, Value};

pub fn reconcile(c: &mut Cluster) -> bool {
    let sets: Vec<Value> = c
        .list_all("daemonsets")
        .into_iter()
        .filter(|o| object::get(o, "metadata.deletionTimestamp").is_none())
        .cloned()
        .collect();
    let nodes: Vec<Value> = c.list_all("nodes").into_iter().cloned().collect();
    let mut changed = false;
    for ds in sets {
        let ns = object::namespace(&ds).to_string();
        let uid = object::str_at(&ds, "metadata.uid").to_string();
        // The store indexes each controller's pods with the node each runs on.
        let covered: std::collections::HashSet<String> = c
            .index
            .controlled_pods(&uid)
            .filter(|((pns, _), _)| *pns == ns)
            .map(|(_, brief)| brief.node.clone())
            .collect();
        let mut template_pod =
            json!({"spec": object::get(&ds, "spec.template.spec").cloned().unwrap_or(json!({}))});
        // DaemonSet pods tolerate unschedulable nodes and node problems, as the controller adds these.
        let tol = object::map_mut(&mut template_pod, "spec")
            .entry("tolerations")
            .or_insert_with(|| json!([]));
        if let Value::Array(t) = tol {
            t.push(json!({"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}));
        }
        let mut desired = 0;
        for node in &nodes {
            let node_name = object::name(node).to_string();
            if node_fits(&template_pod, node, true) != Fit::Yes {
                continue;
            }
            desired += 1;
            if covered.contains(&node_name) {
                continue;
            }
            let name = format!("{}-{}", object::name(&ds), c.random_suffix(5));
            let mut pod = super::pod_from_template(
                &ds,
                &name,
                &[
                    (
                        "controller-revision-hash",
                        &super::deployment::template_hash(
                            object::get(&ds, "spec.template").unwrap_or(&Value::Null),
                        ),
                    ),
                    ("pod-template-generation", "1"),
                ],
            );
            object::set(&mut pod, "spec.nodeName", json!(node_name));
            object::set(
                &mut pod,
                "metadata.ownerReferences",
                json!([controller_ref(&ds)]),
            );
            let tol = object::map_mut(&mut pod, "spec")
                .entry("tolerations")
                .or_insert_with(|| json!([]));
            if let Value::Array(t) = tol {
                for (key, effect) in [
                    ("node.kubernetes.io/not-ready", "NoExecute"),
                    ("node.kubernetes.io/unreachable", "NoExecute"),
                    ("node.kubernetes.io/disk-pressure", "NoSchedule"),
                    ("node.kubernetes.io/memory-pressure", "NoSchedule"),
                    ("node.kubernetes.io/pid-pressure", "NoSchedule"),
                    ("node.kubernetes.io/unschedulable", "NoSchedule"),
                ] {
                    t.push(json!({"effect": effect, "key": key, "operator": "Exists"}));
                }
            }
            if c.create(pod, false).is_ok() {
                c.record_event(
                    &ds,
                    "Normal",
                    "SuccessfulCreate",
                    &format!("Created pod: {name}"),
                    "daemonset-controller",
                );
                changed = true;
            }
        }
        let (current, ready) = c
            .index
            .controlled_pods(&uid)
            .filter(|((pns, _), _)| *pns == ns)
            .fold((0i64, 0i64), |(n, r), (_, brief)| {
                (n + 1, r + i64::from(brief.ready))
            });
        let mut nds = ds.clone();
        {
            let st = object::map_mut(&mut nds, "status");
            st.insert("currentNumberScheduled".into(), json!(current));
            st.insert("desiredNumberScheduled".into(), json!(desired));
            st.insert("numberMisscheduled".into(), json!(0));
            st.insert("numberReady".into(), json!(ready));
            st.insert("numberAvailable".into(), json!(ready));
            st.insert("updatedNumberScheduled".into(), json!(current));
            st.insert(
                "observedGeneration".into(),
                json!(object::i64_at(&ds, "metadata.generation").unwrap_or(1)),
            );
            if ready < desired {
                st.insert("numberUnavailable".into(), json!(desired - ready));
            } else {
                st.remove("numberUnavailable");
            }
        }
        if object::get(&nds, "status") != object::get(&ds, "status") {
            c.put_status("daemonsets", nds);
            changed = true;
        }
    }
    changed
}
