//! The Deployment controller: one ReplicaSet per pod template (named by `pod-template-hash`), rolling
//! updates within maxSurge/maxUnavailable or Recreate, revisions and status.

use super::{controller_ref, controller_uid, set_condition};
use crate::cluster::{fnv, object, safe_encode, timestamp, Cluster};
use serde_json::{json, Value};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// The `pod-template-hash` of a pod template.
pub fn template_hash(template: &Value) -> String {
    let mut t = template.clone();
    object::remove(&mut t, "metadata.labels.pod-template-hash");
    object::remove(&mut t, "metadata.creationTimestamp");
    let text = serde_json::to_string(&t).unwrap_or_default();
    safe_encode(fnv(text.as_bytes()), 10)
}

/// Resolves an int-or-percent against `total` (`25%` of 4 = 1), rounding up or down.
pub fn int_or_percent(v: Option<&Value>, total: i64, round_up: bool, default: &str) -> i64 {
    let s = match v {
        Some(Value::Number(n)) => return n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.clone(),
        _ => default.to_string(),
    };
    if let Some(p) = s.strip_suffix('%') {
        let p: i64 = p.parse().unwrap_or(0);
        let x = total * p;
        if round_up {
            (x + 99) / 100
        } else {
            x / 100
        }
    } else {
        s.parse().unwrap_or(0)
    }
}

/// The revision number a ReplicaSet carries.
pub fn revision(o: &Value) -> i64 {
    annotation(o, REVISION).parse().unwrap_or(0)
}

/// An annotation value ("" when absent); annotation keys contain dots, so they are read directly.
pub fn annotation(o: &Value, key: &str) -> String {
    object::get(o, "metadata.annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

fn set_annotation(o: &mut Value, key: &str, value: &str) {
    object::map_mut(o, "metadata.annotations").insert(key.to_string(), json!(value));
}

pub fn reconcile(c: &mut Cluster) -> bool {
    let deployments: Vec<Value> = c
        .list_all("deployments")
        .into_iter()
        .filter(|o| object::get(o, "metadata.deletionTimestamp").is_none())
        .cloned()
        .collect();
    let mut changed = false;
    for d in deployments {
        changed |= reconcile_one(c, d);
    }
    changed
}

fn owned_replicasets(c: &Cluster, d: &Value) -> Vec<Value> {
    let uid = object::str_at(d, "metadata.uid");
    c.list_ns("replicasets", object::namespace(d))
        .into_iter()
        .filter(|rs| controller_uid(rs) == Some(uid))
        .cloned()
        .collect()
}

fn reconcile_one(c: &mut Cluster, d: Value) -> bool {
    let ns = object::namespace(&d).to_string();
    let name = object::name(&d).to_string();
    let desired = object::i64_at(&d, "spec.replicas").unwrap_or(1);
    let paused = object::get(&d, "spec.paused")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let template = object::get(&d, "spec.template")
        .cloned()
        .unwrap_or(json!({}));
    let hash = template_hash(&template);
    let mut changed = false;
    let mut rss = owned_replicasets(c, &d);
    let max_rev = rss.iter().map(revision).max().unwrap_or(0);
    let new_idx = rss.iter().position(|rs| {
        object::str_at(rs, "spec.template.metadata.labels.pod-template-hash") == hash
    });

    if paused {
        return update_status(c, &d, &rss, new_idx);
    }

    let new_idx = match new_idx {
        Some(i) => {
            // A rollback or a re-applied template: the matching ReplicaSet becomes the newest revision.
            let rs = &mut rss[i];
            let rev = revision(rs);
            if rev < max_rev || annotation(rs, REVISION).is_empty() {
                set_annotation(
                    rs,
                    REVISION,
                    &(max_rev.max(rev) + if rev < max_rev { 1 } else { 0 })
                        .max(1)
                        .to_string(),
                );
                let cause = annotation(&d, CHANGE_CAUSE);
                if !cause.is_empty() {
                    set_annotation(rs, CHANGE_CAUSE, &cause);
                }
                let copy = rs.clone();
                c.put_status("replicasets", copy);
                changed = true;
            } else {
                // The deployment's change-cause follows onto its current ReplicaSet.
                let cause = annotation(&d, CHANGE_CAUSE);
                if !cause.is_empty() && annotation(rs, CHANGE_CAUSE) != cause {
                    set_annotation(rs, CHANGE_CAUSE, &cause);
                    let copy = rs.clone();
                    c.put_status("replicasets", copy);
                    changed = true;
                }
            }
            i
        }
        None => {
            let first = rss
                .iter()
                .all(|rs| object::i64_at(rs, "spec.replicas").unwrap_or(0) == 0);
            let recreate = object::str_at(&d, "spec.strategy.type") == "Recreate";
            let start = if first && !recreate { desired } else { 0 };
            let mut tmpl = template.clone();
            object::map_mut(&mut tmpl, "metadata.labels")
                .insert("pod-template-hash".into(), json!(hash));
            let mut selector = object::get(&d, "spec.selector")
                .cloned()
                .unwrap_or(json!({}));
            object::map_mut(&mut selector, "matchLabels")
                .insert("pod-template-hash".into(), json!(hash));
            let mut labels = object::get(&tmpl, "metadata.labels")
                .cloned()
                .unwrap_or(json!({}));
            if labels.is_null() {
                labels = json!({});
            }
            let mut rs = json!({
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {
                    "name": format!("{name}-{hash}"),
                    "namespace": ns,
                    "labels": labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": desired.to_string(),
                        "deployment.kubernetes.io/max-replicas": (desired + max_surge(&d, desired)).to_string(),
                        REVISION: (max_rev + 1).to_string(),
                    },
                    "ownerReferences": [controller_ref(&d)],
                },
                "spec": {"replicas": start, "selector": selector, "template": tmpl},
            });
            let cause = annotation(&d, CHANGE_CAUSE);
            if !cause.is_empty() {
                set_annotation(&mut rs, CHANGE_CAUSE, &cause);
            }
            if let Some(m) = object::get(&d, "spec.minReadySeconds") {
                object::set(&mut rs, "spec.minReadySeconds", m.clone());
            }
            match c.create(rs, false) {
                Ok(created) => {
                    // Created empty, the set's first scale-up reports it (as the real controller
                    // reports only a non-zero start).
                    if start > 0 {
                        c.record_event(
                            &d,
                            "Normal",
                            "ScalingReplicaSet",
                            &format!("Scaled up replica set {name}-{hash} from 0 to {start}"),
                            "deployment-controller",
                        );
                    }
                    rss.push(created);
                    changed = true;
                    rss.len() - 1
                }
                Err(_) => return changed,
            }
        }
    };

    changed |= rollout(c, &d, &mut rss, new_idx, desired);
    changed |= cleanup_history(c, &d, &rss, new_idx);
    let rss = owned_replicasets(c, &d);
    let new_idx = rss.iter().position(|rs| {
        object::str_at(rs, "spec.template.metadata.labels.pod-template-hash") == hash
    });
    changed |= update_status(c, &d, &rss, new_idx);
    changed
}

fn max_surge(d: &Value, desired: i64) -> i64 {
    int_or_percent(
        object::get(d, "spec.strategy.rollingUpdate.maxSurge"),
        desired,
        true,
        "25%",
    )
}

fn scale(c: &mut Cluster, d: &Value, rs: &mut Value, to: i64) {
    let from = object::i64_at(rs, "spec.replicas").unwrap_or(0);
    if from == to {
        return;
    }
    object::set(rs, "spec.replicas", json!(to));
    let desired = object::i64_at(d, "spec.replicas").unwrap_or(1);
    set_annotation(
        rs,
        "deployment.kubernetes.io/desired-replicas",
        &desired.to_string(),
    );
    let g = object::i64_at(rs, "metadata.generation").unwrap_or(1) + 1;
    object::set(rs, "metadata.generation", json!(g));
    c.put_status("replicasets", rs.clone());
    let verb = if to > from { "up" } else { "down" };
    let rsname = object::name(rs).to_string();
    c.record_event(
        d,
        "Normal",
        "ScalingReplicaSet",
        &format!("Scaled {verb} replica set {rsname} from {from} to {to}"),
        "deployment-controller",
    );
}

#[allow(clippy::needless_range_loop)] // indexes pair each ReplicaSet with new_idx
fn rollout(c: &mut Cluster, d: &Value, rss: &mut [Value], new_idx: usize, desired: i64) -> bool {
    let before: Vec<i64> = rss
        .iter()
        .map(|r| object::i64_at(r, "spec.replicas").unwrap_or(0))
        .collect();
    let available = |r: &Value| object::i64_at(r, "status.availableReplicas").unwrap_or(0);
    if object::str_at(d, "spec.strategy.type") == "Recreate" {
        let old_running: i64 = rss
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != new_idx)
            .map(|(_, r)| {
                object::i64_at(r, "status.replicas").unwrap_or(0)
                    + object::i64_at(r, "spec.replicas").unwrap_or(0)
            })
            .sum();
        for i in 0..rss.len() {
            if i != new_idx {
                let mut r = rss[i].clone();
                scale(c, d, &mut r, 0);
                rss[i] = r;
            }
        }
        if old_running == 0 {
            let mut r = rss[new_idx].clone();
            scale(c, d, &mut r, desired);
            rss[new_idx] = r;
        }
    } else {
        let surge = max_surge(d, desired);
        let mut unavailable = int_or_percent(
            object::get(d, "spec.strategy.rollingUpdate.maxUnavailable"),
            desired,
            false,
            "25%",
        );
        if surge == 0 && unavailable == 0 {
            unavailable = 1;
        }
        // Scale up the new ReplicaSet within maxSurge.
        let total: i64 = rss
            .iter()
            .map(|r| object::i64_at(r, "spec.replicas").unwrap_or(0))
            .sum();
        let new_now = object::i64_at(&rss[new_idx], "spec.replicas").unwrap_or(0);
        let target_new = if new_now > desired {
            desired
        } else {
            let room = desired + surge - total;
            (new_now + room.max(0)).min(desired)
        };
        if target_new != new_now {
            let mut r = rss[new_idx].clone();
            scale(c, d, &mut r, target_new);
            rss[new_idx] = r;
        }
        // Scale down old ReplicaSets while at least desired-maxUnavailable pods stay available.
        let min_available = desired - unavailable;
        let all_available: i64 = rss.iter().map(available).sum();
        let mut budget = (all_available - min_available).max(0);
        for i in 0..rss.len() {
            if i == new_idx {
                continue;
            }
            let cur = object::i64_at(&rss[i], "spec.replicas").unwrap_or(0);
            if cur == 0 {
                continue;
            }
            // Old pods that are not available can go at once; available ones within the budget.
            let unavail_old = (cur - available(&rss[i])).max(0);
            let mut down = unavail_old.min(cur);
            let rest = cur - down;
            let extra = rest.min(budget);
            budget -= extra;
            down += extra;
            // Never go below what is needed while the new ReplicaSet is not yet at full size.
            let new_target = cur - down;
            if new_target != cur {
                let mut r = rss[i].clone();
                scale(c, d, &mut r, new_target);
                rss[i] = r;
            }
        }
    }
    let after: Vec<i64> = rss
        .iter()
        .map(|r| object::i64_at(r, "spec.replicas").unwrap_or(0))
        .collect();
    before != after
}

fn cleanup_history(c: &mut Cluster, d: &Value, rss: &[Value], new_idx: usize) -> bool {
    let limit = object::i64_at(d, "spec.revisionHistoryLimit")
        .unwrap_or(10)
        .max(0) as usize;
    let mut old: Vec<&Value> = rss
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            *i != new_idx
                && object::i64_at(r, "spec.replicas").unwrap_or(0) == 0
                && object::i64_at(r, "status.replicas").unwrap_or(0) == 0
        })
        .map(|(_, r)| r)
        .collect();
    if old.len() <= limit {
        return false;
    }
    old.sort_by_key(|r| revision(r));
    let n = old.len() - limit;
    let doomed: Vec<(String, String)> = old
        .iter()
        .take(n)
        .map(|r| {
            (
                object::namespace(r).to_string(),
                object::name(r).to_string(),
            )
        })
        .collect();
    for (ns, name) in doomed {
        c.remove_raw("replicasets", &ns, &name);
    }
    true
}

fn update_status(c: &mut Cluster, d: &Value, rss: &[Value], new_idx: Option<usize>) -> bool {
    let sum = |f: &str| -> i64 {
        rss.iter()
            .map(|r| object::i64_at(r, &format!("status.{f}")).unwrap_or(0))
            .sum()
    };
    let desired = object::i64_at(d, "spec.replicas").unwrap_or(1);
    let replicas = sum("replicas");
    let ready = sum("readyReplicas");
    let available = sum("availableReplicas");
    let updated = new_idx
        .map(|i| object::i64_at(&rss[i], "status.replicas").unwrap_or(0))
        .unwrap_or(0);
    let new_name = new_idx
        .map(|i| object::name(&rss[i]).to_string())
        .unwrap_or_default();
    let now = timestamp(c.now);
    let mut nd = d.clone();
    let generation = object::i64_at(d, "metadata.generation").unwrap_or(1);
    {
        let st = object::map_mut(&mut nd, "status");
        st.insert("observedGeneration".into(), json!(generation));
        st.insert("replicas".into(), json!(replicas));
        st.insert("updatedReplicas".into(), json!(updated));
        for (k, v) in [("readyReplicas", ready), ("availableReplicas", available)] {
            if v > 0 {
                st.insert(k.into(), json!(v));
            } else {
                st.remove(k);
            }
        }
        let unavailable = (desired.max(replicas) - available).max(0);
        let unavailable = unavailable.min(replicas.max(desired));
        if unavailable > 0 {
            st.insert("unavailableReplicas".into(), json!(unavailable));
        } else {
            st.remove("unavailableReplicas");
        }
    }
    let max_unavailable = int_or_percent(
        object::get(d, "spec.strategy.rollingUpdate.maxUnavailable"),
        desired,
        false,
        "25%",
    );
    let min_ok = if object::str_at(d, "spec.strategy.type") == "Recreate" {
        desired
    } else {
        desired - max_unavailable
    };
    if available >= min_ok {
        set_condition(
            &mut nd,
            "Available",
            "True",
            Some("MinimumReplicasAvailable"),
            Some("Deployment has minimum availability."),
            &now,
            true,
        );
    } else {
        set_condition(
            &mut nd,
            "Available",
            "False",
            Some("MinimumReplicasUnavailable"),
            Some("Deployment does not have minimum availability."),
            &now,
            true,
        );
    }
    let complete = updated == desired && available >= desired && replicas == desired;
    let progressing_reason = if complete {
        "NewReplicaSetAvailable"
    } else {
        "ReplicaSetUpdated"
    };
    let msg = if complete {
        format!("ReplicaSet \"{new_name}\" has successfully progressed.")
    } else {
        format!("ReplicaSet \"{new_name}\" is progressing.")
    };
    // Keep the ordering real clusters show: Available first, then Progressing.
    set_condition(
        &mut nd,
        "Progressing",
        "True",
        Some(progressing_reason),
        Some(&msg),
        &now,
        true,
    );
    // The deployment carries its newest revision, as the real controller writes it.
    let mut revised = false;
    if let Some(i) = new_idx {
        let rev = annotation(&rss[i], REVISION);
        if !rev.is_empty() && annotation(&nd, REVISION) != rev {
            set_annotation(&mut nd, REVISION, &rev);
            revised = true;
        }
    }
    if revised {
        c.put_status("deployments", nd);
        return true;
    }
    if object::get(&nd, "status") != object::get(d, "status") {
        // lastUpdateTime changes alone would make the loop never settle: compare without times.
        let strip = |v: &Value| {
            let mut s = object::get(v, "status").cloned().unwrap_or(Value::Null);
            if let Some(Value::Array(cs)) = s.get_mut("conditions") {
                for cnd in cs.iter_mut() {
                    if let Some(m) = cnd.as_object_mut() {
                        m.remove("lastUpdateTime");
                        m.remove("lastTransitionTime");
                    }
                }
            }
            s
        };
        if strip(&nd) != strip(d) {
            c.put_status("deployments", nd);
            return true;
        }
    }
    false
}
