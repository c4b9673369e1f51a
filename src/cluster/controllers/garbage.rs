//! The garbage collector: objects whose owner is gone are deleted (background cascading deletion).

use crate::cluster::{object, Cluster};
use serde_json::Value;

use crate::cluster::deletion::DeleteOptions;

pub fn reconcile(c: &mut Cluster) -> bool {
    // Only the dependents the store's index lists (an owner of theirs went, or was never
    // stored), not every object: a dependent is collected once none of its owners is stored.
    let todo = std::mem::take(&mut c.index.gc_todo);
    let mut doomed: Vec<(&'static str, String, String)> = Vec::new();
    for (plural, ns, name) in todo {
        let Some(o) = c.peek(plural, &ns, &name) else {
            continue;
        };
        let refs = object::array(o, "metadata.ownerReferences");
        if refs.is_empty() {
            continue;
        }
        let all_gone = refs.iter().all(|r| {
            !c.index
                .is_live(r.get("uid").and_then(Value::as_str).unwrap_or(""))
        });
        if all_gone {
            doomed.push((plural, ns, name));
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
                match c.delete_with(rt, &ns, &name, DeleteOptions::default()) {
                    Ok(_) => changed = true,
                    // Left for the next pass, as a full scan would find it again.
                    Err(_) => {
                        c.index.gc_todo.insert((plural, ns, name));
                    }
                }
            }
        } else {
            changed |= c.remove_raw(plural, &ns, &name).is_some();
        }
    }
    changed
}
