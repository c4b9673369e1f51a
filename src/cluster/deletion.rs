//! Deletion as the API server and the garbage collector do it: finalizers keep an object (with a
//! `deletionTimestamp`) until they are removed; pods on a node terminate gracefully; cascading
//! deletion is background (dependents go after the owner), foreground (the owner waits, with the
//! `foregroundDeletion` finalizer, until its dependents are gone) or orphan (dependents stay, without
//! their ownerReferences).

use super::api::ApiError;
use super::schema::ResourceType;
use super::{object, timestamp, Cluster};
use chrono::Duration;
use serde_json::{json, Value};

/// `kubernetes.io/pvc-protection`: a claim in use by a pod is not removed.
pub const PVC_PROTECTION: &str = "kubernetes.io/pvc-protection";
/// `kubernetes.io/pv-protection`: a bound volume is not removed.
pub const PV_PROTECTION: &str = "kubernetes.io/pv-protection";
/// The finalizer of an owner deleted in the foreground.
pub const FOREGROUND: &str = "foregroundDeletion";

/// What happens to the dependents of a deleted object (`kubectl delete --cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Propagation {
    #[default]
    Background,
    Foreground,
    Orphan,
}

/// The options of one DELETE request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DeleteOptions {
    pub propagation: Propagation,
    /// `--grace-period`: seconds a pod gets to terminate; None means its own
    /// `terminationGracePeriodSeconds`.
    pub grace_seconds: Option<i64>,
}

/// The kinds that can be dependents (carry ownerReferences), by plural.
pub const DEPENDENT_KINDS: &[&str] = &[
    "replicasets",
    "pods",
    "endpoints",
    "endpointslices",
    "controllerrevisions",
    "jobs",
    "events",
];

fn finalizers(obj: &Value) -> Vec<String> {
    object::array(obj, "metadata.finalizers")
        .iter()
        .filter_map(|f| f.as_str().map(String::from))
        .collect()
}

fn owned_by(obj: &Value, uid: &str) -> bool {
    object::array(obj, "metadata.ownerReferences")
        .iter()
        .any(|r| r.get("uid").and_then(Value::as_str) == Some(uid))
}

impl Cluster {
    /// The (plural, namespace, name) of every object with an ownerReference to `uid`.
    pub fn dependents_of(&self, namespace: &str, uid: &str) -> Vec<(&'static str, String, String)> {
        // From the store's index of owners, in the order of DEPENDENT_KINDS, then store order.
        let mut out: Vec<(&'static str, String, String)> = self
            .index
            .dependents_of(uid)
            .filter(|(plural, ns, _)| {
                DEPENDENT_KINDS.contains(plural) && (namespace.is_empty() || ns == namespace)
            })
            .filter(|(plural, ns, name)| {
                self.peek(plural, ns, name)
                    .is_some_and(|o| owned_by(o, uid))
            })
            .cloned()
            .collect();
        out.sort_by_key(|(plural, _, _)| DEPENDENT_KINDS.iter().position(|p| p == plural));
        out
    }

    /// Deletes an object as a DELETE request with options does: the object is removed now, or marked
    /// with a `deletionTimestamp` when finalizers or a pod's grace period keep it for a while.
    /// Returns the object as the request left it.
    pub fn delete_with(
        &mut self,
        rt: &ResourceType,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Value, ApiError> {
        let ns = if rt.namespaced { namespace } else { "" }.to_string();
        // The API server authorizes before it looks the object up: a user who may not delete
        // gets Forbidden, never NotFound, and starts no graceful deletion or orphaning.
        self.authorize("delete", rt, &ns, name)?;
        let mut obj = self
            .peek(rt.plural, &ns, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(&rt.qualified_plural(), name))?;
        let uid = object::str_at(&obj, "metadata.uid").to_string();
        let now = timestamp(self.now);
        let is_pod = rt.plural == "pods";
        let already = object::get(&obj, "metadata.deletionTimestamp").is_some();
        if already {
            // A second delete can only shorten a pod's grace period.
            if is_pod && opts.grace_seconds == Some(0) && finalizers(&obj).is_empty() {
                return self.delete(rt, &ns, name);
            }
            return Ok(obj);
        }
        if opts.propagation == Propagation::Orphan {
            for (plural, dns, dname) in self.dependents_of(&ns, &uid) {
                if let Some(mut d) = self.peek(plural, &dns, &dname).cloned() {
                    if let Some(Value::Array(refs)) =
                        object::get_mut(&mut d, "metadata.ownerReferences")
                    {
                        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(uid.as_str()));
                        if refs.is_empty() {
                            object::remove(&mut d, "metadata.ownerReferences");
                        }
                    }
                    self.put_status(plural, d);
                }
            }
        }
        let mut fins = finalizers(&obj);
        if opts.propagation == Propagation::Foreground
            && !self.dependents_of(&ns, &uid).is_empty()
            && !fins.iter().any(|f| f == FOREGROUND)
        {
            fins.push(FOREGROUND.into());
        }
        let grace = if is_pod {
            let scheduled = !object::str_at(&obj, "spec.nodeName").is_empty();
            let phase = object::str_at(&obj, "status.phase");
            let finished = phase == "Succeeded" || phase == "Failed";
            let own = object::i64_at(&obj, "spec.terminationGracePeriodSeconds").unwrap_or(30);
            let g = opts.grace_seconds.unwrap_or(own).max(0);
            // A pod on a node whose kubelet is down is still deleted gracefully: it stays
            // Terminating until a kubelet confirms its containers stopped (or a force delete).
            if scheduled && !finished {
                g
            } else {
                0
            }
        } else {
            0
        };
        if fins.is_empty() && grace == 0 {
            return self.delete(rt, &ns, name);
        }
        let until = timestamp(self.now + Duration::seconds(grace));
        {
            let md = object::map_mut(&mut obj, "metadata");
            md.insert(
                "deletionTimestamp".into(),
                json!(if grace > 0 { until } else { now }),
            );
            md.insert("deletionGracePeriodSeconds".into(), json!(grace));
            if !fins.is_empty() {
                md.insert("finalizers".into(), json!(fins));
            }
        }
        self.put_status(rt.plural, obj.clone());
        Ok(obj)
    }
}

/// The part of the garbage collector and the protection controllers that finishes deletions: drops
/// finalizers whose condition holds, removes objects whose finalizers are all gone and pods whose
/// grace period is over, and deletes the dependents of owners deleted in the foreground.
pub fn reconcile(c: &mut Cluster) -> bool {
    let mut changed = false;
    let mut pending: Vec<(&'static ResourceType, Value)> = Vec::new();
    for rt in super::schema::RESOURCES {
        // Only the objects the store knows to be terminating, not every object of every type.
        for o in c.terminating(rt.plural) {
            pending.push((rt, o.clone()));
        }
    }
    for (rt, mut o) in pending {
        let ns = object::namespace(&o).to_string();
        let name = object::name(&o).to_string();
        let uid = object::str_at(&o, "metadata.uid").to_string();
        let mut fins = finalizers(&o);
        let before = fins.len();
        let mut dependents_left = false;
        if fins.iter().any(|f| f == FOREGROUND) {
            let deps = c.dependents_of(&ns, &uid);
            for (plural, dns, dname) in &deps {
                let Some(drt) = super::schema::RESOURCES
                    .iter()
                    .find(|r| r.plural == *plural)
                else {
                    continue;
                };
                let opts = DeleteOptions {
                    propagation: Propagation::Foreground,
                    grace_seconds: None,
                };
                if c.peek(plural, dns, dname)
                    .is_some_and(|d| object::get(d, "metadata.deletionTimestamp").is_none())
                {
                    let _ = c.delete_with(drt, dns, dname, opts);
                    changed = true;
                }
            }
            dependents_left = !c.dependents_of(&ns, &uid).is_empty();
            if !dependents_left {
                fins.retain(|f| f != FOREGROUND);
            }
        }
        if fins.iter().any(|f| f == PVC_PROTECTION) && !claim_in_use(c, &ns, &name) {
            fins.retain(|f| f != PVC_PROTECTION);
        }
        if fins.iter().any(|f| f == PV_PROTECTION) && object::str_at(&o, "status.phase") != "Bound"
        {
            fins.retain(|f| f != PV_PROTECTION);
        }
        // The kubelet removes a terminating pod once its containers stopped; without a running
        // kubelet nobody confirms it, and the pod stays Terminating.
        let grace_over = rt.plural != "pods"
            || (terminated(&o, c.now) && c.kubelet_up(object::str_at(&o, "spec.nodeName")));
        if fins.is_empty() && !dependents_left && grace_over {
            c.remove_raw(rt.plural, &ns, &name);
            changed = true;
        } else if fins.len() != before {
            object::set(&mut o, "metadata.finalizers", json!(fins));
            if fins.is_empty() {
                object::remove(&mut o, "metadata.finalizers");
            }
            c.put_status(rt.plural, o);
            changed = true;
        }
    }
    changed
}

/// Whether a terminating pod's containers have stopped: a process that handles SIGTERM (a server
/// started by its image) exits within a second; a shell or `sleep` running as PID 1 ignores it and
/// is killed when the grace period ends.
fn terminated(pod: &Value, now: chrono::DateTime<chrono::Utc>) -> bool {
    let Some(deadline) = super::parse_timestamp(object::str_at(pod, "metadata.deletionTimestamp"))
    else {
        return true;
    };
    let grace = object::i64_at(pod, "metadata.deletionGracePeriodSeconds").unwrap_or(0);
    let ignores_sigterm = object::array(pod, "spec.containers").iter().any(|c| {
        // The process the container runs as PID 1: its command, else its args (which replace the
        // image's CMD, as `kubectl run --image=busybox -- sleep 3600` does).
        let first = ["command", "args"]
            .iter()
            .find_map(|k| c.get(*k).and_then(|v| v.get(0)).and_then(Value::as_str))
            .unwrap_or("");
        let base = first.rsplit('/').next().unwrap_or(first);
        matches!(base, "sh" | "bash" | "ash" | "sleep" | "tail")
    });
    let exit_after = if ignores_sigterm { grace } else { grace.min(1) };
    now >= deadline - Duration::seconds(grace) + Duration::seconds(exit_after)
}

/// Whether a pod that has not finished mounts the claim.
fn claim_in_use(c: &Cluster, namespace: &str, claim: &str) -> bool {
    c.list_ns("pods", namespace).iter().any(|p| {
        let phase = object::str_at(p, "status.phase");
        phase != "Succeeded"
            && phase != "Failed"
            && object::array(p, "spec.volumes").iter().any(|v| {
                v.get("persistentVolumeClaim")
                    .and_then(|pvc| pvc.get("claimName"))
                    .and_then(Value::as_str)
                    == Some(claim)
            })
    })
}

/// The message of an eviction refused by a PodDisruptionBudget.
pub const EVICTION_REFUSED: &str =
    "Cannot evict pod as it would violate the pod's disruption budget.";

impl Cluster {
    /// The eviction subresource (`POST pods/NAME/eviction`): deletes the pod like a DELETE with
    /// `opts`, unless a PodDisruptionBudget covering it allows no disruption now (429
    /// TooManyRequests). A pod not running yet, finished or already terminating goes regardless.
    pub fn evict(
        &mut self,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
        dry_run: bool,
    ) -> Result<Value, ApiError> {
        let rt = super::schema::lookup("pods")
            .ok_or_else(|| ApiError::bad_request("the server has no pods resource"))?;
        self.authorize_subresource("create", rt, namespace, name, "eviction")?;
        let pod = self
            .peek("pods", namespace, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found("pods", name))?;
        let phase = object::str_at(&pod, "status.phase");
        let ignores_budget = object::get(&pod, "metadata.deletionTimestamp").is_some()
            || matches!(phase, "Succeeded" | "Failed" | "Pending");
        if !ignores_budget {
            let labels = object::labels(&pod);
            let pdbs: Vec<Value> = self
                .list_ns("poddisruptionbudgets", namespace)
                .into_iter()
                .filter(|b| {
                    object::get(b, "spec.selector").is_some_and(|s| {
                        super::selector::Selector::from_label_selector(s).matches(&labels)
                    })
                })
                .cloned()
                .collect();
            if pdbs.len() > 1 {
                return Err(ApiError {
                    reason: "InternalError".into(),
                    message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.".into(),
                    code: 500,
                    invalid: None,
                });
            }
            if let Some(pdb) = pdbs.into_iter().next() {
                let (_, healthy, desired, _) = super::controllers::disruption::compute(self, &pdb);
                let allowed = object::i64_at(&pdb, "status.disruptionsAllowed").unwrap_or(0);
                // An unhealthy pod may go when the budget is met anyway (IfHealthyBudget).
                let unhealthy_ok =
                    !super::controllers::pod_ready(&pod) && healthy >= desired && desired > 0;
                if !unhealthy_ok {
                    if allowed <= 0 {
                        return Err(ApiError {
                            reason: "TooManyRequests".into(),
                            message: EVICTION_REFUSED.into(),
                            code: 429,
                            invalid: None,
                        });
                    }
                    if !dry_run {
                        let mut b = pdb.clone();
                        object::set(&mut b, "status.disruptionsAllowed", json!(allowed - 1));
                        object::map_mut(&mut b, "status.disruptedPods")
                            .insert(name.to_string(), json!(timestamp(self.now)));
                        self.put_status("poddisruptionbudgets", b);
                    }
                }
            }
        }
        if dry_run {
            return Ok(pod);
        }
        self.delete_with(rt, namespace, name, opts)
    }
}
