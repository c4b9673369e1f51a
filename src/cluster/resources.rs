//! Compute resources: a pod's effective requests and limits, a node's allocatable, and what the pods
//! bound to a node already request — what the scheduler's NodeResourcesFit filter and
//! `kubectl describe node` both need. CPU is counted in millicores, memory in bytes.

use super::controllers::pv::bytes;
use super::{object, Cluster};
use serde_json::Value;

/// An amount of CPU (millicores), memory (bytes) and other resources by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amounts {
    pub values: std::collections::BTreeMap<String, f64>,
}

impl Amounts {
    /// The amount of one resource (0 when absent).
    pub fn get(&self, name: &str) -> f64 {
        self.values.get(name).copied().unwrap_or(0.0)
    }

    fn add(&mut self, name: &str, v: f64) {
        *self.values.entry(name.to_string()).or_default() += v;
    }

    fn max_with(&mut self, other: &Amounts) {
        for (k, v) in &other.values {
            let e = self.values.entry(k.clone()).or_default();
            if *v > *e {
                *e = *v;
            }
        }
    }
}

/// A quantity in the unit used for `resource`: millicores for `cpu`, the plain number otherwise.
pub fn parse(resource: &str, q: &str) -> Option<f64> {
    let v = bytes(q)?;
    Some(if resource == "cpu" { v * 1000.0 } else { v })
}

fn map_of(v: Option<&Value>) -> Amounts {
    let mut a = Amounts::default();
    if let Some(m) = v.and_then(Value::as_object) {
        for (k, q) in m {
            let text = match q {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let Some(x) = parse(k, &text) {
                a.add(k, x);
            }
        }
    }
    a
}

/// Requests of one container: its requests, or its limits where a request is unset (as the API
/// server defaults them).
fn container_requests(ct: &Value) -> Amounts {
    let res = ct.get("resources");
    let mut req = map_of(res.and_then(|r| r.get("requests")));
    let lim = map_of(res.and_then(|r| r.get("limits")));
    for (k, v) in lim.values {
        req.values.entry(k).or_insert(v);
    }
    req
}

fn container_limits(ct: &Value) -> Amounts {
    map_of(ct.get("resources").and_then(|r| r.get("limits")))
}

fn pod_sum(pod: &Value, per: fn(&Value) -> Amounts) -> Amounts {
    let mut sum = Amounts::default();
    for ct in object::array(pod, "spec.containers") {
        for (k, v) in per(ct).values {
            sum.add(&k, v);
        }
    }
    // Init containers run one at a time: the pod needs the largest of them, if more.
    for ct in object::array(pod, "spec.initContainers") {
        sum.max_with(&per(ct));
    }
    for (k, q) in object::string_map(pod, "spec.overhead") {
        if let Some(x) = parse(&k, &q) {
            sum.add(&k, x);
        }
    }
    sum
}

/// The pod's effective requests (containers summed, init containers as a maximum, overhead added).
pub fn pod_requests(pod: &Value) -> Amounts {
    pod_sum(pod, container_requests)
}

/// The pod's effective limits.
pub fn pod_limits(pod: &Value) -> Amounts {
    pod_sum(pod, container_limits)
}

/// A node's allocatable resources (`pods` counts pods).
pub fn allocatable(node: &Value) -> Amounts {
    map_of(object::get(node, "status.allocatable"))
}

/// Whether a pod still holds its node's resources (not Succeeded or Failed).
pub fn holds_resources(pod: &Value) -> bool {
    !matches!(object::str_at(pod, "status.phase"), "Succeeded" | "Failed")
}

/// The pods bound to a node that still hold resources.
pub fn pods_on<'a>(c: &'a Cluster, node: &str) -> Vec<&'a Value> {
    c.index
        .placed
        .iter()
        .filter(|(_, placed)| placed.node == node)
        .filter_map(|((ns, name), _)| c.peek("pods", ns, name))
        .collect()
}

/// The resources a pod asks for that a node cannot give, given what is already requested there:
/// the scheduler's `Insufficient cpu`, `Insufficient memory`, `Too many pods`.
pub fn insufficient(pod: &Value, node: &Value, used: &Amounts, pods_on_node: usize) -> Vec<String> {
    insufficient_amounts(&pod_requests(pod), &allocatable(node), used, pods_on_node)
}

/// `insufficient` over amounts already computed: a pod's requests `want` and a node's
/// allocatable `alloc` (the scheduler computes each once, not once per pod and node).
pub fn insufficient_amounts(
    want: &Amounts,
    alloc: &Amounts,
    used: &Amounts,
    pods_on_node: usize,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(max) = alloc.values.get("pods") {
        if (pods_on_node + 1) as f64 > *max {
            out.push("Too many pods".to_string());
        }
    }
    for (k, v) in &want.values {
        if *v <= 0.0 {
            continue;
        }
        let have = alloc.get(k);
        if used.get(k) + v > have + 1e-9 {
            out.push(format!("Insufficient {k}"));
        }
    }
    out
}

/// The sum of requests of `pods`.
pub fn sum_requests(pods: &[&Value]) -> Amounts {
    let mut a = Amounts::default();
    for p in pods {
        for (k, v) in pod_requests(p).values {
            a.add(&k, v);
        }
    }
    a
}

/// A summed quantity as the API prints it: `750m`/`2` for CPU, `192Mi`/`1G`/bytes for memory.
pub fn format(resource: &str, v: f64) -> String {
    if v <= 0.0 {
        return "0".into();
    }
    if resource == "cpu" {
        let m = v.round() as i64;
        return if m % 1000 == 0 {
            (m / 1000).to_string()
        } else {
            format!("{m}m")
        };
    }
    let b = v.round() as i64;
    for (unit, size) in [
        ("Ti", 1i64 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if b % size == 0 {
            return format!("{}{unit}", b / size);
        }
    }
    for (unit, size) in [
        ("T", 1_000_000_000_000i64),
        ("G", 1_000_000_000),
        ("M", 1_000_000),
        ("k", 1000),
    ] {
        if b % size == 0 {
            return format!("{}{unit}", b / size);
        }
    }
    b.to_string()
}

/// `part` as a whole percentage of `whole`, truncated as kubectl does.
pub fn percent(part: f64, whole: f64) -> i64 {
    if whole <= 0.0 {
        0
    } else {
        (part / whole * 100.0) as i64
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn requests_default_to_limits_and_init_containers_count_as_a_maximum() {
        let pod = json!({"spec": {
            "containers": [
                {"resources": {"requests": {"cpu": "250m", "memory": "64Mi"}}},
                {"resources": {"limits": {"cpu": "1", "memory": "128Mi"}}}
            ],
            "initContainers": [{"resources": {"requests": {"cpu": "2"}}}]
        }});
        let r = pod_requests(&pod);
        assert_eq!(r.get("cpu"), 2000.0);
        assert_eq!(r.get("memory"), 192.0 * 1024.0 * 1024.0);
        assert_eq!(format("memory", r.get("memory")), "192Mi");
        assert_eq!(format("cpu", 1250.0), "1250m");
        assert_eq!(format("cpu", 2000.0), "2");
        assert_eq!(percent(750.0, 2000.0), 37);
    }

    #[test]
    fn a_node_without_room_reports_each_missing_resource() {
        let node = json!({"status": {"allocatable": {"cpu": "2", "memory": "1Gi", "pods": "110"}}});
        let pod = json!({"spec": {"containers": [{"resources": {"requests": {"cpu": "1500m", "memory": "512Mi"}}}]}});
        let mut used = Amounts::default();
        assert!(insufficient(&pod, &node, &used, 0).is_empty());
        used.add("cpu", 1000.0);
        assert_eq!(
            insufficient(&pod, &node, &used, 1),
            vec!["Insufficient cpu"]
        );
        used.add("memory", 768.0 * 1024.0 * 1024.0);
        assert_eq!(
            insufficient(&pod, &node, &used, 1),
            vec!["Insufficient cpu", "Insufficient memory"]
        );
    }
}
