//! Validation as the API server does it: names, required fields, immutable fields.

use super::api::ApiError;
use super::object;
use super::schema::ResourceType;
use super::selector::Selector;
use serde_json::{json, Value};

const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

/// Whether `s` is a DNS-1123 label (`my-name`).
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Whether `s` is a DNS-1123 subdomain (`example.com`).
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253 && !s.is_empty() && s.split('.').all(is_dns_label)
}

fn is_dns1035(s: &str) -> bool {
    is_dns_label(s) && s.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Validates an object for create or update.
pub fn validate(rt: &ResourceType, obj: &Value) -> Result<(), ApiError> {
    let name = object::name(obj);
    let mut causes = Vec::new();
    if name.is_empty() {
        causes.push("metadata.name: Required value: name or generateName is required".to_string());
    } else {
        let (ok, msg) = match rt.kind {
            "Namespace" => (is_dns_label(name), LABEL_MSG),
            "Service" => (is_dns1035(name), DNS1035_MSG),
            // RBAC names are path segments (`system:basic-user`).
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
                if name == "." || name == ".." {
                    (false, "may not be '.' or '..'")
                } else if name.contains('/') {
                    (false, "may not contain '/'")
                } else if name.contains('%') {
                    (false, "may not contain '%'")
                } else {
                    (true, "")
                }
            }
            _ => (is_dns_subdomain(name), SUBDOMAIN_MSG),
        };
        if !ok {
            causes.push(format!("metadata.name: Invalid value: \"{name}\": {msg}"));
        }
    }
    for (k, _) in object::labels(obj) {
        if !valid_label_key(&k) {
            causes.push(format!("metadata.labels: Invalid value: \"{k}\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
        }
    }
    for (k, v) in object::labels(obj) {
        if !valid_label_value(&v) {
            causes.push(format!("metadata.labels: Invalid value: \"{v}\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
            let _ = k;
        }
    }
    match rt.kind {
        "Pod" => pod_spec(obj, "spec", &mut causes),
        "Deployment" | "ReplicaSet" | "DaemonSet" | "StatefulSet" => {
            workload(obj, &mut causes);
        }
        "Service" => service(obj, &mut causes),
        _ => {}
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(rt.kind, rt.group, name, causes))
    }
}

fn valid_label_key(k: &str) -> bool {
    let name = k.rsplit_once('/').map(|(_, n)| n).unwrap_or(k);
    valid_label_value(name) && !name.is_empty()
}

fn valid_label_value(v: &str) -> bool {
    v.is_empty()
        || (v.len() <= 63
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

fn pod_spec(obj: &Value, at: &str, causes: &mut Vec<String>) {
    let containers = object::array(obj, &format!("{at}.containers"));
    if containers.is_empty() {
        causes.push(format!("{at}.containers: Required value"));
    }
    let mut seen = Vec::new();
    for (list, cs) in [
        (
            "initContainers",
            object::array(obj, &format!("{at}.initContainers")),
        ),
        ("containers", containers),
    ] {
        for (i, c) in cs.iter().enumerate() {
            let cname = c.get("name").and_then(Value::as_str).unwrap_or("");
            if cname.is_empty() {
                causes.push(format!("{at}.{list}[{i}].name: Required value"));
            } else if !is_dns_label(cname) {
                causes.push(format!(
                    "{at}.{list}[{i}].name: Invalid value: \"{cname}\": {LABEL_MSG}"
                ));
            } else if seen.contains(&cname) {
                causes.push(format!(
                    "{at}.{list}[{i}].name: Duplicate value: \"{cname}\""
                ));
            }
            seen.push(cname);
            if c.get("image")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
            {
                causes.push(format!("{at}.{list}[{i}].image: Required value"));
            }
        }
    }
    let rp = object::str_at(obj, &format!("{at}.restartPolicy"));
    if !rp.is_empty() && !["Always", "OnFailure", "Never"].contains(&rp) {
        causes.push(format!(
            "{at}.restartPolicy: Unsupported value: \"{rp}\": supported values: \"Always\", \"OnFailure\", \"Never\""
        ));
    }
}

fn go_map(m: &std::collections::BTreeMap<String, String>) -> String {
    let parts: Vec<String> = m.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", parts.join(", "))
}

fn workload(obj: &Value, causes: &mut Vec<String>) {
    let sel = object::get(obj, "spec.selector");
    let tl = object::string_map(obj, "spec.template.metadata.labels");
    match sel {
        None => causes.push("spec.selector: Required value".into()),
        Some(s) => {
            let selector = Selector::from_label_selector(s);
            if selector.is_empty() {
                causes.push("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment".into());
            } else if !selector.matches(&tl) {
                causes.push(format!(
                    "spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
                    go_map(&tl)
                ));
            }
        }
    }
    if let Some(r) = object::get(obj, "spec.replicas") {
        if r.as_i64().is_some_and(|r| r < 0) {
            causes.push(format!(
                "spec.replicas: Invalid value: {r}: must be greater than or equal to 0"
            ));
        }
    }
    pod_spec(obj, "spec.template.spec", causes);
}

fn service(obj: &Value, causes: &mut Vec<String>) {
    let t = object::str_at(obj, "spec.type");
    if t == "ExternalName" {
        return;
    }
    let ports = object::array(obj, "spec.ports");
    if ports.is_empty() {
        causes.push("spec.ports: Required value".into());
    }
    for (i, p) in ports.iter().enumerate() {
        match p.get("port").and_then(Value::as_i64) {
            None => causes.push(format!("spec.ports[{i}].port: Required value")),
            Some(n) if !(1..=65535).contains(&n) => causes.push(format!(
                "spec.ports[{i}].port: Invalid value: {n}: must be between 1 and 65535, inclusive"
            )),
            _ => {}
        }
        if let Some(np) = p.get("nodePort").and_then(Value::as_i64) {
            if !(30000..=32767).contains(&np) {
                causes.push(format!(
                    "spec.ports[{i}].nodePort: Invalid value: {np}: provided port is not in the valid range. The range of valid ports is 30000-32767"
                ));
            }
        }
        if ports.len() > 1
            && p.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .is_empty()
        {
            causes.push(format!("spec.ports[{i}].name: Required value"));
        }
    }
}

/// Checks what an update may not change.
pub fn validate_update(rt: &ResourceType, old: &Value, new: &Value) -> Result<(), ApiError> {
    let name = object::name(new);
    let mut causes = Vec::new();
    match rt.kind {
        "Pod" => {
            let strip = |v: &Value| {
                let mut s = object::get(v, "spec").cloned().unwrap_or(Value::Null);
                for list in ["containers", "initContainers"] {
                    if let Some(Value::Array(cs)) = s.get_mut(list) {
                        for c in cs.iter_mut() {
                            if let Some(m) = c.as_object_mut() {
                                m.remove("image");
                            }
                        }
                    }
                }
                if let Some(m) = s.as_object_mut() {
                    for k in [
                        "activeDeadlineSeconds",
                        "tolerations",
                        "terminationGracePeriodSeconds",
                        "nodeName",
                    ] {
                        m.remove(k);
                    }
                }
                s
            };
            if strip(old) != strip(new) {
                causes.push("spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".to_string());
            }
        }
        "Deployment" | "DaemonSet" | "StatefulSet"
            if object::get(old, "spec.selector") != object::get(new, "spec.selector") =>
        {
            causes.push(format!(
                    "spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable",
                    go_map(&object::string_map(new, "spec.selector.matchLabels"))
                ));
        }
        "ConfigMap" | "Secret" if object::get(old, "immutable") == Some(&json!(true)) => {
            const MSG: &str = "Forbidden: field is immutable when `immutable` is set";
            if object::get(new, "immutable") != Some(&json!(true)) {
                causes.push(format!("immutable: {MSG}"));
            }
            let data =
                |v: &Value, k: &str| object::get(v, k).filter(|d| !object::is_empty(d)).cloned();
            if data(old, "data") != data(new, "data") {
                causes.push(format!("data: {MSG}"));
            }
            if rt.kind == "ConfigMap" && data(old, "binaryData") != data(new, "binaryData") {
                causes.push(format!("binaryData: {MSG}"));
            }
        }
        "Job" => {
            if let Some(sel) = object::get(new, "spec.selector") {
                if object::get(old, "spec.selector") != Some(sel) {
                    causes.push(format!(
                        "spec.selector: Invalid value: v1.LabelSelector{{MatchLabels:{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}: field is immutable",
                        go_map(&object::string_map(new, "spec.selector.matchLabels"))
                    ));
                }
            }
            // The Job's generated labels are part of its template: a template without them, or
            // with any other change, is a change.
            let template = |v: &Value| {
                let mut t = object::get(v, "spec.template")
                    .cloned()
                    .unwrap_or(Value::Null);
                object::remove(&mut t, "metadata.creationTimestamp");
                t
            };
            let (ot, nt) = (template(old), template(new));
            let same_labels =
                object::get(&ot, "metadata.labels") == object::get(&nt, "metadata.labels");
            let same_containers = ["containers", "initContainers"].iter().all(|k| {
                let images = |t: &Value| -> Vec<(String, String)> {
                    object::array(t, &format!("spec.{k}"))
                        .iter()
                        .map(|c| {
                            let g = |f: &str| {
                                c.get(f).and_then(Value::as_str).unwrap_or("").to_string()
                            };
                            (g("name"), g("image"))
                        })
                        .collect()
                };
                images(&ot) == images(&nt)
            });
            let same_command = object::array(&ot, "spec.containers")
                .iter()
                .zip(object::array(&nt, "spec.containers"))
                .all(|(a, b)| {
                    a.get("command") == b.get("command") && a.get("args") == b.get("args")
                });
            if !(same_labels && same_containers && same_command) {
                causes.push(
                    "spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"
                        .to_string(),
                );
            }
        }
        "PersistentVolumeClaim" => {
            let spec = |v: &Value| {
                let mut s = object::get(v, "spec").cloned().unwrap_or(Value::Null);
                if let Some(m) = s.as_object_mut() {
                    m.remove("resources");
                    m.entry("volumeMode").or_insert(json!("Filesystem"));
                }
                s
            };
            let (os, ns) = (spec(old), spec(new));
            // Fields the binder and the default StorageClass fill in count as unchanged when the
            // update leaves them out.
            let filled = |mut n: Value| {
                for k in ["volumeName", "storageClassName"] {
                    if n.get(k).is_none() {
                        if let (Some(v), Some(m)) = (os.get(k), n.as_object_mut()) {
                            m.insert(k.to_string(), v.clone());
                        }
                    }
                }
                n
            };
            if os != filled(ns) {
                causes.push("spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims".to_string());
            }
        }
        "Service" => {
            let oip = object::str_at(old, "spec.clusterIP");
            let nip = object::str_at(new, "spec.clusterIP");
            if !nip.is_empty() && oip != nip {
                causes.push(
                    "spec.clusterIPs[0]: Invalid value: []string{\"".to_string()
                        + nip
                        + "\"}: may not change once set",
                );
            }
        }
        _ => {}
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(rt.kind, rt.group, name, causes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::schema::lookup;
    use serde_json::json;

    #[test]
    fn a_deployment_whose_selector_does_not_match_its_template_is_invalid() {
        let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"run": "app"}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        let err = validate(lookup("deploy").expect("deploy"), &d).expect_err("invalid");
        let inv = err.invalid.expect("causes");
        assert_eq!(
            inv.causes,
            vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"run\":\"app\"}: `selector` does not match template `labels`"]
        );
    }

    #[test]
    fn names_follow_dns_rules() {
        assert!(is_dns_subdomain("web-1.example"));
        assert!(!is_dns_subdomain("Web"));
        assert!(!is_dns_label("a.b"));
    }
}
