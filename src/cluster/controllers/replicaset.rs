//! The ReplicaSet controller: keeps `spec.replicas` pods that match its selector, adopting orphans.

use super::{controller_ref, controller_uid, pod_from_template, pod_inactive, pod_ready};
use crate::cluster::selector::Selector;
use crate::cluster::{object, Cluster};
use serde_json::{json, Value};

/// One pod of a ReplicaSet, as far as scaling and status need it.
struct Owned {
    name: String,
    scheduled: bool,
    ready: bool,
    created: String,
}

impl Owned {
    fn of(p: &Value) -> Owned {
        Owned {
            name: object::name(p).to_string(),
            scheduled: !object::str_at(p, "spec.nodeName").is_empty(),
            ready: pod_ready(p),
            created: object::str_at(p, "metadata.creationTimestamp").to_string(),
        }
    }
}

pub fn reconcile(c: &mut Cluster) -> bool {
    let sets: Vec<Value> = c
        .list_all("replicasets")
        .into_iter()
        .filter(|o| object::get(o, "metadata.deletionTimestamp").is_none())
        .cloned()
        .collect();
    let mut changed = false;
    for rs in sets {
        changed |= reconcile_one(c, &rs);
    }
    changed
}

fn reconcile_one(c: &mut Cluster, rs: &Value) -> bool {
    let ns = object::namespace(rs).to_string();
    let uid = object::str_at(rs, "metadata.uid").to_string();
    let selector =
        Selector::from_label_selector(object::get(rs, "spec.selector").unwrap_or(&Value::Null));
    let mut changed = false;
    // Adopt orphans that match (the store indexes the pods without a controller).
    let orphans: Vec<Value> = c
        .index
        .uncontrolled_pods
        .range((ns.clone(), String::new())..)
        .take_while(|(pns, _)| *pns == ns)
        .filter_map(|(pns, name)| c.peek("pods", pns, name))
        .filter(|p| {
            controller_uid(p).is_none()
                && !selector.is_empty()
                && selector.matches(&object::labels(p))
                && !pod_inactive(p)
        })
        .filter(|p| {
            object::get(p, "metadata.annotations")
                .and_then(|a| a.get("kubernetes.io/config.mirror"))
                .is_none()
        })
        .cloned()
        .collect();
    for mut p in orphans {
        object::set(
            &mut p,
            "metadata.ownerReferences",
            json!([controller_ref(rs)]),
        );
        c.put_status("pods", p);
        changed = true;
    }
    // What the controller needs of its pods (not copies of them: a large ReplicaSet has thousands).
    // The store indexes each controller's pods with what this needs of them.
    let mut pods: Vec<Owned> = c
        .index
        .controlled_pods(&uid)
        .filter(|((pns, _), brief)| *pns == ns && !brief.inactive)
        .map(|((_, name), brief)| Owned {
            name: name.clone(),
            scheduled: !brief.node.is_empty(),
            ready: brief.ready,
            created: brief.created.clone(),
        })
        .collect();
    let want = object::i64_at(rs, "spec.replicas").unwrap_or(1).max(0) as usize;
    let rsname = object::name(rs).to_string();
    if pods.len() < want {
        for _ in pods.len()..want {
            let name = format!("{rsname}-{}", c.random_suffix(5));
            let pod = pod_from_template(rs, &name, &[]);
            match c.create(pod, false) {
                Ok(p) => {
                    c.record_event(
                        rs,
                        "Normal",
                        "SuccessfulCreate",
                        &format!("Created pod: {name}"),
                        "replicaset-controller",
                    );
                    pods.push(Owned::of(&p));
                    changed = true;
                }
                Err(e) => {
                    c.record_event(
                        rs,
                        "Warning",
                        "FailedCreate",
                        &format!("Error creating: {}", e.message),
                        "replicaset-controller",
                    );
                    break;
                }
            }
        }
    } else if pods.len() > want {
        // Delete the least useful pods first: unscheduled, then not ready, then the youngest.
        pods.sort_by(|a, b| {
            (a.scheduled, a.ready, std::cmp::Reverse(&a.created)).cmp(&(
                b.scheduled,
                b.ready,
                std::cmp::Reverse(&b.created),
            ))
        });
        let extra = pods.len() - want;
        for p in pods.drain(..extra) {
            let name = p.name;
            c.remove_raw("pods", &ns, &name);
            c.record_event(
                rs,
                "Normal",
                "SuccessfulDelete",
                &format!("Deleted pod: {name}"),
                "replicaset-controller",
            );
            changed = true;
        }
    }
    // Status.
    let replicas = pods.len() as i64;
    let ready = pods.iter().filter(|p| p.ready).count() as i64;
    let mut nrs = rs.clone();
    {
        let st = object::map_mut(&mut nrs, "status");
        st.insert("replicas".into(), json!(replicas));
        st.insert("fullyLabeledReplicas".into(), json!(replicas));
        for (k, v) in [("readyReplicas", ready), ("availableReplicas", ready)] {
            if v > 0 {
                st.insert(k.into(), json!(v));
            } else {
                st.remove(k);
            }
        }
        if replicas == 0 {
            st.remove("fullyLabeledReplicas");
        }
        st.insert(
            "observedGeneration".into(),
            json!(object::i64_at(rs, "metadata.generation").unwrap_or(1)),
        );
    }
    if object::get(&nrs, "status") != object::get(rs, "status") {
        if let Some(fresh) = c.peek("replicasets", &ns, &rsname) {
            let mut fresh = fresh.clone();
            if let Some(st) = object::get(&nrs, "status") {
                object::set(&mut fresh, "status", st.clone());
            }
            c.put_status("replicasets", fresh);
            changed = true;
        }
    }
    changed
}
