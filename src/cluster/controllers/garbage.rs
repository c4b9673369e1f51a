//! The garbage collector: objects whose owner is gone are deleted (background cascading deletion).

use crate::cluster::{object, Cluster};
use serde_json::Value;
use std::collections::HashSet;

use crate::cluster::deletion::{DeleteOptions, DEPENDENT_KINDS as OWNED_KINDS};

pub fn reconcile(c: &mut Cluster) -> bool {
    // Borrowed, not copied: the set holds every pod's uid on a large cluster.
    let mut uids: HashSet<&str> = HashSet::new();
    for plural in [
        "deployments",
        "replicasets",
        "daemonsets",
        "statefulsets",
        "jobs",
        "cronjobs",
        "nodes",
        "services",
        "pods",
    ] {
        for o in c.list_all(plural) {
            uids.insert(object::str_at(o, "metadata.uid"));
        }
    }
    let mut doomed: Vec<(&'static str, String, String)> = Vec::new();
    for plural in OWNED_KINDS {
        for o in c.list_all(plural) {
            let refs = object::array(o, "metadata.ownerReferences");
            if refs.is_empty() {
                continue;
            }
            let all_gone = refs
                .iter()
                .all(|r| !uids.contains(r.get("uid").and_then(Value::as_str).unwrap_or("")));
            if all_gone {
                doomed.push((
                    plural,
                    object::namespace(o).to_string(),
                    object::name(o).to_string(),
                ));
            }
        }
    }
    let mut changed = false;
    for (plural, ns, name) in doomed {
        // Pods terminate gracefully; the rest go at once.
        if plural == "pods" {
            let Some(rt) = crate::cluster::schema::lookup("pods") else {
                continue;
            };
            if c.peek(plural, &ns, &name)
                .is_some_and(|p| object::get(p, "metadata.deletionTimestamp").is_none())
            {
                changed |= c
                    .delete_with(rt, &ns, &name, DeleteOptions::default())
                    .is_ok();
            }
        } else {
            changed |= c.remove_raw(plural, &ns, &name).is_some();
        }
    }
    changed
}
