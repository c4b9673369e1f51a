//! Indexes the store keeps in step with every write, so that a controller finds the few objects
//! it needs without a pass over every stored object: which uids are alive, the dependents of
//! each owner, the dependents whose owners may be gone, the pods without a controller and the
//! pods not yet scheduled. A cluster of 10,000 pods scaled by one should not read 10,000 pods.

use super::object;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A dependent: its plural, namespace and name.
pub type Dep = (&'static str, String, String);

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Indexes {
    /// How many stored objects carry each uid (one, unless a restored snapshot holds copies).
    uids: HashMap<String, u32>,
    /// The stored objects that name each uid in their `ownerReferences`.
    dependents: HashMap<String, BTreeSet<Dep>>,
    /// Dependents (of the kinds the garbage collector deletes) that named an owner which is not
    /// stored, or whose owner went since: the garbage collector checks each and forgets it.
    pub gc_todo: BTreeSet<Dep>,
    /// Pods without a controller `ownerReference`, by (namespace, name): what a ReplicaSet may
    /// adopt.
    pub uncontrolled_pods: BTreeSet<(String, String)>,
    /// Pods without `spec.nodeName` that are not being deleted, by (namespace, name): what the
    /// scheduler has to place.
    pub unscheduled: BTreeSet<(String, String)>,
    /// The pods of each controller uid, by (namespace, name), as far as a ReplicaSet's scaling
    /// and status need them.
    controlled: HashMap<String, BTreeMap<(String, String), PodBrief>>,
    /// The pods bound to a node that still hold its resources, by (namespace, name): what the
    /// scheduler counts against each node's allocatable.
    pub placed: BTreeMap<(String, String), PlacedPod>,
}

/// A pod bound to a node and holding resources there.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedPod {
    pub node: String,
    /// Its effective requests (`resources::pod_requests`).
    pub requests: super::resources::Amounts,
    /// It carries required pod anti-affinity terms, which constrain later pods.
    pub anti: bool,
}

/// What a controller needs to know of one of its pods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodBrief {
    /// The node it is bound to ("" while unscheduled).
    pub node: String,
    /// Its Ready condition is True.
    pub ready: bool,
    /// Finished (Succeeded or Failed) or being deleted.
    pub inactive: bool,
    pub created: String,
}

impl PodBrief {
    fn of(p: &Value) -> PodBrief {
        PodBrief {
            node: object::str_at(p, "spec.nodeName").to_string(),
            ready: super::controllers::pod_ready(p),
            inactive: super::controllers::pod_inactive(p),
            created: object::str_at(p, "metadata.creationTimestamp").to_string(),
        }
    }
}

fn uid(o: &Value) -> &str {
    o.get("metadata")
        .and_then(|m| m.get("uid"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn owner_uids(o: &Value) -> impl Iterator<Item = &str> {
    object::array(o, "metadata.ownerReferences")
        .iter()
        .filter_map(|r| r.get("uid").and_then(Value::as_str))
        .filter(|u| !u.is_empty())
}

impl Indexes {
    /// Whether an object with this uid is stored.
    pub fn is_live(&self, uid: &str) -> bool {
        self.uids.contains_key(uid)
    }

    /// The stored dependents that name `owner` in their `ownerReferences`, in store order.
    pub fn dependents_of(&self, owner: &str) -> impl Iterator<Item = &Dep> {
        self.dependents.get(owner).into_iter().flatten()
    }

    /// The pods whose controller `ownerReference` names `owner`, by (namespace, name).
    pub fn controlled_pods(
        &self,
        owner: &str,
    ) -> impl Iterator<Item = (&(String, String), &PodBrief)> {
        self.controlled.get(owner).into_iter().flatten()
    }

    /// What `update` reads of an object's old version (its uid and ownerReferences), copied out
    /// so that the object can then be changed in place.
    pub fn old_view(obj: &Value) -> Value {
        let mut md = serde_json::Map::new();
        for field in ["uid", "ownerReferences"] {
            if let Some(v) = obj.get("metadata").and_then(|m| m.get(field)) {
                md.insert(field.to_string(), v.clone());
            }
        }
        serde_json::json!({ "metadata": md })
    }

    /// Takes note that the object under `key` of `plural` changed from `old` to `new` (`None`:
    /// absent before, or removed). Of `old` only its uid and ownerReferences are read (see
    /// `old_view`).
    pub fn update(
        &mut self,
        plural: &'static str,
        key: &(String, String),
        old: Option<&Value>,
        new: Option<&Value>,
    ) {
        if plural == "events" {
            return; // Nothing owns or is owned by an Event here; there are many of them.
        }
        let dep = || (plural, key.0.clone(), key.1.clone());
        let old_uid = old.map(uid).unwrap_or("");
        let new_uid = new.map(uid).unwrap_or("");
        if old_uid != new_uid {
            if !new_uid.is_empty() {
                *self.uids.entry(new_uid.to_string()).or_default() += 1;
            }
            if !old_uid.is_empty() {
                self.forget_uid(old_uid);
            }
        }
        if let Some(old) = old {
            for owner in owner_uids(old) {
                if let Some(set) = self.dependents.get_mut(owner) {
                    set.remove(&dep());
                    if set.is_empty() {
                        self.dependents.remove(owner);
                    }
                }
            }
        }
        let collected = super::deletion::DEPENDENT_KINDS.contains(&plural);
        match new {
            Some(new) => {
                for owner in owner_uids(new) {
                    self.dependents
                        .entry(owner.to_string())
                        .or_default()
                        .insert(dep());
                    if collected && !self.uids.contains_key(owner) {
                        self.gc_todo.insert(dep());
                    }
                }
            }
            None => {
                self.gc_todo.remove(&dep());
            }
        }
        if plural == "pods" {
            let pod_key = || (key.0.clone(), key.1.clone());
            if let Some(owner) = old.and_then(super::controllers::controller_uid) {
                if let Some(m) = self.controlled.get_mut(owner) {
                    m.remove(key);
                    if m.is_empty() {
                        self.controlled.remove(owner);
                    }
                }
            }
            if let Some(p) = new {
                if let Some(owner) = super::controllers::controller_uid(p) {
                    self.controlled
                        .entry(owner.to_string())
                        .or_default()
                        .insert(pod_key(), PodBrief::of(p));
                }
            }
            match new {
                Some(p) if super::controllers::controller_uid(p).is_none() => {
                    self.uncontrolled_pods.insert(pod_key());
                }
                _ => {
                    self.uncontrolled_pods.remove(key);
                }
            }
            let node = new
                .map(|p| object::str_at(p, "spec.nodeName"))
                .unwrap_or("");
            match new {
                Some(p) if !node.is_empty() && super::resources::holds_resources(p) => {
                    self.placed.insert(
                        pod_key(),
                        PlacedPod {
                            node: node.to_string(),
                            requests: super::resources::pod_requests(p),
                            anti: super::controllers::affinity::has_required_anti(p),
                        },
                    );
                }
                _ => {
                    self.placed.remove(key);
                }
            }
            match new {
                Some(p)
                    if node.is_empty()
                        && object::get(p, "metadata.deletionTimestamp").is_none() =>
                {
                    self.unscheduled.insert(pod_key());
                }
                _ => {
                    self.unscheduled.remove(key);
                }
            }
        }
    }

    /// One object fewer carries `uid`; when none does, its dependents go on the garbage
    /// collector's list.
    fn forget_uid(&mut self, uid: &str) {
        let Some(n) = self.uids.get_mut(uid) else {
            return;
        };
        *n -= 1;
        if *n > 0 {
            return;
        }
        self.uids.remove(uid);
        if let Some(deps) = self.dependents.get(uid) {
            self.gc_todo.extend(
                deps.iter()
                    .filter(|d| super::deletion::DEPENDENT_KINDS.contains(&d.0))
                    .cloned(),
            );
        }
    }

    /// How these indexes differ from `fresh` (built from the same store by [`Indexes::rebuild`]):
    /// `None` when they agree. The garbage collector's list may hold more (dependents it has not
    /// looked at yet), never less.
    pub fn differs_from(&self, fresh: &Indexes) -> Option<String> {
        if !fresh.gc_todo.is_subset(&self.gc_todo) {
            let missing: Vec<_> = fresh.gc_todo.difference(&self.gc_todo).collect();
            return Some(format!("gc_todo lacks {missing:?}"));
        }
        let same = |a: &Indexes| Indexes {
            gc_todo: BTreeSet::new(),
            ..a.clone()
        };
        let (a, b) = (same(self), same(fresh));
        if a == b {
            return None;
        }
        let parts = [
            ("uids", a.uids != b.uids),
            ("dependents", a.dependents != b.dependents),
            (
                "uncontrolled_pods",
                a.uncontrolled_pods != b.uncontrolled_pods,
            ),
            ("unscheduled", a.unscheduled != b.unscheduled),
            ("controlled", a.controlled != b.controlled),
            ("placed", a.placed != b.placed),
        ];
        let names: Vec<&str> = parts.iter().filter(|(_, d)| *d).map(|(n, _)| *n).collect();
        Some(format!("stale indexes: {}", names.join(", ")))
    }

    /// The indexes of a whole store, built afresh (after a restore, or a namespace's removal).
    pub fn rebuild<'a>(
        objects: impl Iterator<Item = (&'static str, &'a (String, String), &'a Value)>,
    ) -> Indexes {
        let all: Vec<_> = objects.collect();
        let mut ix = Indexes::default();
        // Every uid first, so that only dependents whose owners are really missing are listed.
        for (plural, _, o) in &all {
            let u = uid(o);
            if *plural != "events" && !u.is_empty() {
                *ix.uids.entry(u.to_string()).or_default() += 1;
            }
        }
        for (plural, key, o) in all {
            // The uid is counted already: index the rest as if it had been stored with it.
            ix.update(plural, key, Some(o), Some(o));
        }
        ix
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(name: &str) -> (String, String) {
        ("default".to_string(), name.to_string())
    }

    fn pod(name: &str, uid: &str, owner: Option<&str>, node: &str) -> Value {
        let mut p = json!({"kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": uid},
            "spec": {"nodeName": node}});
        if let Some(o) = owner {
            p["metadata"]["ownerReferences"] = json!([{"uid": o, "controller": true}]);
        }
        p
    }

    #[test]
    fn an_owner_gone_lists_its_dependents_for_the_garbage_collector() {
        let mut ix = Indexes::default();
        let rs = json!({"metadata": {"name": "rs", "namespace": "default", "uid": "u-rs"}});
        ix.update("replicasets", &key("rs"), None, Some(&rs));
        let p = pod("p", "u-p", Some("u-rs"), "node01");
        ix.update("pods", &key("p"), None, Some(&p));
        assert!(ix.gc_todo.is_empty());
        assert_eq!(ix.dependents_of("u-rs").count(), 1);
        assert!(!ix.uncontrolled_pods.contains(&key("p")));
        ix.update("replicasets", &key("rs"), Some(&rs), None);
        assert!(ix.gc_todo.contains(&("pods", "default".into(), "p".into())));
        ix.update("pods", &key("p"), Some(&p), None);
        assert!(ix.gc_todo.is_empty());
        assert_eq!(ix.dependents_of("u-rs").count(), 0);
        assert!(!ix.is_live("u-p"));
    }

    #[test]
    fn a_dependent_stored_without_its_owner_is_listed_at_once() {
        let mut ix = Indexes::default();
        let p = pod("p", "u-p", Some("u-missing"), "");
        ix.update("pods", &key("p"), None, Some(&p));
        assert!(ix.gc_todo.contains(&("pods", "default".into(), "p".into())));
        assert!(ix.unscheduled.contains(&key("p")));
        let placed = pod("p", "u-p", Some("u-missing"), "node01");
        ix.update("pods", &key("p"), Some(&p), Some(&placed));
        assert!(!ix.unscheduled.contains(&key("p")));
    }

    #[test]
    fn a_missed_write_is_reported_as_stale() {
        let p = pod("p", "u-p", None, "");
        let objs = [("pods", key("p"), p.clone())];
        let fresh = Indexes::rebuild(objs.iter().map(|(pl, k, o)| (*pl, k, o)));
        let mut ix = fresh.clone();
        assert_eq!(ix.differs_from(&fresh), None);
        let placed = pod("p", "u-p", None, "node01");
        ix.update("pods", &key("p"), Some(&p), Some(&placed));
        let why = ix.differs_from(&fresh).unwrap_or_default();
        assert!(
            why.contains("unscheduled") && why.contains("placed"),
            "{why}"
        );
    }

    #[test]
    fn a_rebuild_matches_the_updates_that_built_the_same_store() {
        let rs = json!({"metadata": {"name": "rs", "namespace": "default", "uid": "u-rs"}});
        let objs = [
            ("pods", key("a"), pod("a", "u-a", Some("u-rs"), "")),
            ("pods", key("b"), pod("b", "u-b", None, "node01")),
            ("pods", key("c"), pod("c", "u-c", Some("u-gone"), "node01")),
            ("replicasets", key("rs"), rs),
        ];
        let ix = Indexes::rebuild(objs.iter().map(|(p, k, o)| (*p, k, o)));
        assert!(ix.is_live("u-rs") && ix.is_live("u-a"));
        assert_eq!(
            ix.gc_todo.iter().collect::<Vec<_>>(),
            vec![&("pods", "default".to_string(), "c".to_string())]
        );
        assert_eq!(ix.uncontrolled_pods.len(), 1);
        assert_eq!(ix.unscheduled.len(), 1);
        assert_eq!(ix.dependents_of("u-rs").count(), 1);
    }
}
