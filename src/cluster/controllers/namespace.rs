//! Per-namespace defaults: the `default` ServiceAccount and the `kube-root-ca.crt` ConfigMap.

use crate::cluster::{object, Cluster};
use serde_json::json;

/// The cluster CA certificate every namespace's `kube-root-ca.crt` carries.
pub const ROOT_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubedojoCAwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNTAxMDEwMDAwMDBaFw0zNTAxMDEwMDAwMDBaMBUx\nEzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n-----END CERTIFICATE-----\n";

pub fn reconcile(c: &mut Cluster) -> bool {
    let namespaces: Vec<String> = c
        .list_all("namespaces")
        .iter()
        .map(|n| object::name(n).to_string())
        .collect();
    let mut changed = false;
    for ns in namespaces {
        if c.peek("serviceaccounts", &ns, "default").is_none() {
            let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": ns}});
            changed |= c.create(sa, false).is_ok();
        }
        if c.peek("configmaps", &ns, "kube-root-ca.crt").is_none() {
            let cm = json!({"apiVersion": "v1", "kind": "ConfigMap",
                "metadata": {"name": "kube-root-ca.crt", "namespace": ns, "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}},
                "data": {"ca.crt": ROOT_CA}});
            changed |= c.create(cm, false).is_ok();
        }
    }
    changed
}
