//! `componentstatuses` (v1 ComponentStatus, deprecated since v1.19 but still served): the API
//! server probes the scheduler's and the controller manager's `/healthz` on the control plane and
//! asks etcd for its health at each request. Nothing of it is stored in etcd; here the answers
//! follow whether each component's static pod runs ([`Cluster::component_up`]).

use super::api::ApiError;
use super::Cluster;
use serde_json::{json, Value};

/// The resource's plural name.
pub const COMPONENT_STATUSES: &str = "componentstatuses";

/// What the API server checks: the ComponentStatus name, the static pod's `component` label, and
/// the URL its HTTP probe gets (`None` for etcd, checked through the storage client).
const COMPONENTS: &[(&str, &str, Option<&str>)] = &[
    (
        "controller-manager",
        "kube-controller-manager",
        Some("https://127.0.0.1:10257/healthz"),
    ),
    ("etcd-0", "etcd", None),
    (
        "scheduler",
        "kube-scheduler",
        Some("https://127.0.0.1:10259/healthz"),
    ),
];

/// One ComponentStatus as the API server returns it: a single `Healthy` condition. A failed HTTP
/// probe is a Failure whose message is the Go error (the `error` field stays empty); a failed
/// etcd check leaves the message empty and puts the error in `error`.
fn status(name: &str, up: bool, url: Option<&str>) -> Value {
    let condition = match (up, url) {
        (true, _) => json!({"type": "Healthy", "status": "True", "message": "ok"}),
        (false, Some(url)) => {
            let addr = url
                .trim_start_matches("https://")
                .split('/')
                .next()
                .unwrap_or_default();
            json!({"type": "Healthy", "status": "False",
                "message": format!("Get \"{url}\": dial tcp {addr}: connect: connection refused")})
        }
        (false, None) => json!({"type": "Healthy", "status": "False",
            "error": "etcd cluster is unavailable or misconfigured"}),
    };
    json!({"apiVersion": "v1", "kind": "ComponentStatus",
        "metadata": {"name": name, "creationTimestamp": null},
        "conditions": [condition]})
}

/// The error the API server answers a get of a name it does not check (no Status reason).
pub fn not_found(name: &str) -> ApiError {
    ApiError {
        reason: String::new(),
        message: format!("Component not found: {name}"),
        code: 500,
        invalid: None,
    }
}

/// ComponentStatus only serves `get` and `list`.
pub fn method_not_allowed() -> ApiError {
    ApiError {
        reason: "MethodNotAllowed".into(),
        message: "the server does not allow this method on the requested resource".into(),
        code: 405,
        invalid: None,
    }
}

impl Cluster {
    /// Re-runs the API server's component checks and keeps their answers where `get` and `list`
    /// read them. Not a write: no resourceVersion moves and no controller wakes up.
    pub(crate) fn refresh_component_statuses(&mut self) {
        let statuses: Vec<(String, Value)> = COMPONENTS
            .iter()
            .map(|(name, component, url)| {
                (
                    name.to_string(),
                    status(name, self.component_up(component), *url),
                )
            })
            .collect();
        let bucket = self.objects.entry(COMPONENT_STATUSES).or_default();
        for (name, s) in statuses {
            bucket.insert((String::new(), name), std::sync::Arc::new(s));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_scheduler_is_unhealthy_with_the_probes_error_as_its_message() {
        let s = status("scheduler", false, Some("https://127.0.0.1:10259/healthz"));
        assert_eq!(
            s["conditions"][0]["message"],
            "Get \"https://127.0.0.1:10259/healthz\": dial tcp 127.0.0.1:10259: connect: connection refused"
        );
        assert_eq!(s["conditions"][0]["status"], "False");
        assert!(s["conditions"][0].get("error").is_none());
        let ok = status("etcd-0", true, None);
        assert_eq!(ok["conditions"][0]["message"], "ok");
        assert_eq!(ok["metadata"]["creationTimestamp"], Value::Null);
    }
}
