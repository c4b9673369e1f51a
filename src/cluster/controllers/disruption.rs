//! The disruption controller: keeps each PodDisruptionBudget's status (expected pods, healthy pods,
//! how many may be disrupted now), which the eviction API reads to allow or refuse an eviction.

use super::{pod_ready, set_condition};
use crate::cluster::selector::Selector;
use crate::cluster::{object, timestamp, Cluster};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// An int-or-string field (`2` or `"50%"`) resolved against `total`; percentages round up, as the
/// disruption controller does. None when unset or malformed.
fn int_or_percent(v: Option<&Value>, total: i64) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => match s.strip_suffix('%') {
            Some(p) => {
                let p: i64 = p.parse().ok()?;
                Some((p * total + 99) / 100)
            }
            None => s.parse().ok(),
        },
        _ => None,
    }
}

/// The pods a budget covers: its namespace's pods matching its selector (a missing selector
/// matches none; an empty one matches all).
pub fn covered_pods<'a>(c: &'a Cluster, pdb: &Value) -> Vec<&'a Value> {
    let Some(sel) = object::get(pdb, "spec.selector") else {
        return Vec::new();
    };
    let sel = Selector::from_label_selector(sel);
    c.list_ns("pods", object::namespace(pdb))
        .into_iter()
        .filter(|p| sel.matches(&object::labels(p)))
        .collect()
}

/// How many pods the budget's workloads want: the replicas of the controllers owning the covered
/// pods (a pod without a controller counts as one).
fn expected_count(c: &Cluster, pdb: &Value, pods: &[&Value]) -> i64 {
    let ns = object::namespace(pdb);
    let mut owners = BTreeSet::new();
    let mut count = 0;
    for p in pods {
        let owner = object::array(p, "metadata.ownerReferences")
            .iter()
            .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true));
        let Some(r) = owner else {
            count += 1;
            continue;
        };
        let kind = r.get("kind").and_then(Value::as_str).unwrap_or("");
        let name = r.get("name").and_then(Value::as_str).unwrap_or("");
        if !owners.insert((kind.to_string(), name.to_string())) {
            continue;
        }
        let plural = match kind {
            "ReplicaSet" => "replicasets",
            "StatefulSet" => "statefulsets",
            "ReplicationController" => "replicationcontrollers",
            _ => {
                count += 1;
                continue;
            }
        };
        count += c
            .peek(plural, ns, name)
            .and_then(|o| object::i64_at(o, "spec.replicas"))
            .unwrap_or(1);
    }
    count
}

/// The status a budget should show: (expectedPods, currentHealthy, desiredHealthy, disruptionsAllowed).
pub fn compute(c: &Cluster, pdb: &Value) -> (i64, i64, i64, i64) {
    let pods = covered_pods(c, pdb);
    let healthy = pods
        .iter()
        .filter(|p| object::get(p, "metadata.deletionTimestamp").is_none() && pod_ready(p))
        .count() as i64;
    let (expected, desired) = if let Some(min) = object::get(pdb, "spec.minAvailable") {
        if min.is_string() && min.as_str().is_some_and(|s| s.ends_with('%')) {
            let e = expected_count(c, pdb, &pods);
            (e, int_or_percent(Some(min), e).unwrap_or(0))
        } else {
            (pods.len() as i64, int_or_percent(Some(min), 0).unwrap_or(0))
        }
    } else if let Some(max) = object::get(pdb, "spec.maxUnavailable") {
        let e = expected_count(c, pdb, &pods);
        let m = int_or_percent(Some(max), e).unwrap_or(0);
        (e, (e - m).max(0))
    } else {
        (pods.len() as i64, 0)
    };
    let allowed = if expected == 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    (expected, healthy, desired, allowed)
}

pub fn reconcile(c: &mut Cluster) -> bool {
    let pdbs: Vec<Value> = c
        .list_all("poddisruptionbudgets")
        .into_iter()
        .cloned()
        .collect();
    let now = timestamp(c.now);
    let mut changed = false;
    for pdb in pdbs {
        let (expected, healthy, desired, allowed) = compute(c, &pdb);
        let mut n = pdb.clone();
        let generation = object::i64_at(&pdb, "metadata.generation").unwrap_or(1);
        {
            let st = object::map_mut(&mut n, "status");
            st.insert("currentHealthy".into(), json!(healthy));
            st.insert("desiredHealthy".into(), json!(desired));
            st.insert("disruptionsAllowed".into(), json!(allowed));
            st.insert("expectedPods".into(), json!(expected));
            st.insert("observedGeneration".into(), json!(generation));
        }
        // Pods an eviction has let go of stay listed until they are gone.
        if let Some(Value::Object(dp)) = object::get_mut(&mut n, "status.disruptedPods") {
            dp.retain(|name, _| c.peek("pods", object::namespace(&pdb), name).is_some());
            if dp.is_empty() {
                object::remove(&mut n, "status.disruptedPods");
            }
        }
        let (status, reason) = if allowed > 0 {
            ("True", "SufficientPods")
        } else {
            ("False", "InsufficientPods")
        };
        set_condition(
            &mut n,
            "DisruptionAllowed",
            status,
            Some(reason),
            Some(""),
            &now,
            false,
        );
        if let Some(Value::Array(conds)) = object::get_mut(&mut n, "status.conditions") {
            for cond in conds.iter_mut() {
                if cond.get("observedGeneration").is_none() {
                    cond["observedGeneration"] = json!(generation);
                }
            }
        }
        if n != pdb {
            c.put_status("poddisruptionbudgets", n);
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::int_or_percent;
    use serde_json::json;

    #[test]
    fn percentages_round_up_and_integers_pass_through() {
        assert_eq!(int_or_percent(Some(&json!("50%")), 3), Some(2));
        assert_eq!(int_or_percent(Some(&json!(2)), 3), Some(2));
        assert_eq!(int_or_percent(Some(&json!("1")), 3), Some(1));
        assert_eq!(int_or_percent(Some(&json!("x%")), 3), None);
        assert_eq!(int_or_percent(None, 3), None);
    }
}
