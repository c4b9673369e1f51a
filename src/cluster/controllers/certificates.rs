//! The certificate signing controller: an approved CertificateSigningRequest for one of the
//! built-in signers gets `status.certificate`, a PEM certificate (a well-formed stand-in, not a
//! real signature). Also the API server's checks and defaults for a new CSR.

use crate::cluster::api::ApiError;
use crate::cluster::object;
use crate::cluster::Cluster;
use base64::Engine;
use serde_json::{json, Value};

/// The signers kube-controller-manager signs for.
const BUILTIN_SIGNERS: [&str; 3] = [
    "kubernetes.io/kube-apiserver-client",
    "kubernetes.io/kube-apiserver-client-kubelet",
    "kubernetes.io/kubelet-serving",
];

fn has_condition(csr: &Value, t: &str) -> bool {
    object::array(csr, "status.conditions")
        .iter()
        .any(|c| object::str_at(c, "type") == t)
}

/// The API server's validation of a new CSR: a base64 PEM `CERTIFICATE REQUEST`, a signer, usages.
pub fn validate(csr: &Value) -> Result<(), ApiError> {
    let name = object::name(csr);
    let mut causes = Vec::new();
    let request = object::str_at(csr, "spec.request");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(request.trim())
        .ok()
        .and_then(|b| String::from_utf8(b).ok());
    match decoded {
        None if request.is_empty() => causes.push("spec.request: Required value".to_string()),
        None => causes.push(
            "spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST"
                .to_string(),
        ),
        Some(pem) => {
            let ok = pem.contains("-----BEGIN CERTIFICATE REQUEST-----")
                && pem.contains("-----END CERTIFICATE REQUEST-----");
            if !ok {
                causes.push("spec.request: Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST".to_string());
            }
        }
    }
    if object::str_at(csr, "spec.signerName").is_empty() {
        causes.push("spec.signerName: Required value".to_string());
    }
    if object::array(csr, "spec.usages").is_empty() {
        causes.push("spec.usages: Required value".to_string());
    }
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "CertificateSigningRequest",
            "certificates.k8s.io",
            name,
            causes,
        ))
    }
}

/// The requestor the API server records on a new CSR: whoever sent it.
pub fn set_requestor(c: &Cluster, csr: &mut Value) {
    let user = c
        .requester
        .clone()
        .unwrap_or_else(crate::cluster::rbac::UserInfo::admin);
    object::set(csr, "spec.username", json!(user.name));
    object::set(csr, "spec.groups", json!(user.groups));
}

/// A PEM certificate for a CSR: deterministic base64 bytes between the PEM markers.
fn fake_certificate(csr: &Value) -> String {
    let seed = format!(
        "{}{}",
        object::str_at(csr, "metadata.uid"),
        object::str_at(csr, "spec.request")
    );
    let mut bytes = Vec::with_capacity(720);
    let mut h = crate::cluster::fnv(seed.as_bytes());
    // A DER certificate starts with a SEQUENCE header.
    bytes.extend_from_slice(&[0x30, 0x82, 0x02, 0xcc]);
    while bytes.len() < 720 {
        h ^= h << 13;
        h ^= h >> 7;
        h ^= h << 17;
        bytes.extend_from_slice(&h.to_le_bytes());
    }
    let body = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let mut pem = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in body.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(chunk));
        pem.push('\n');
    }
    pem.push_str("-----END CERTIFICATE-----\n");
    base64::engine::general_purpose::STANDARD.encode(pem.as_bytes())
}

/// A certificate of the cluster CA for a request made with kubedojo's `openssl req`: the request's
/// subject and key, valid for `expirationSeconds` (a year by default). `None` for other requests.
fn issue(c: &Cluster, csr: &Value) -> Option<String> {
    let request = base64::engine::general_purpose::STANDARD
        .decode(object::str_at(csr, "spec.request").trim())
        .ok()?;
    let pem = crate::pki::parse(&String::from_utf8(request).ok()?)?;
    if pem.kind != crate::pki::Kind::Csr {
        return None;
    }
    let secs = object::i64_at(csr, "spec.expirationSeconds").unwrap_or(365 * 24 * 3600);
    let cert = crate::pki::cert(&crate::pki::CertSpec {
        subject: pem.subject(),
        issuer: "/CN=kubernetes",
        not_before: c.now,
        not_after: c.now + chrono::Duration::seconds(secs.max(600)),
        key_id: pem.get("key"),
        serial: crate::cluster::fnv(object::str_at(csr, "metadata.uid").as_bytes()),
        is_ca: false,
    });
    Some(base64::engine::general_purpose::STANDARD.encode(cert.as_bytes()))
}

/// Issues certificates for approved, not denied CSRs of the built-in signers.
pub fn reconcile(c: &mut Cluster) -> bool {
    let pending: Vec<Value> = c
        .list_all("certificatesigningrequests")
        .into_iter()
        .filter(|csr| {
            has_condition(csr, "Approved")
                && !has_condition(csr, "Denied")
                && !has_condition(csr, "Failed")
                && object::str_at(csr, "status.certificate").is_empty()
                && BUILTIN_SIGNERS.contains(&object::str_at(csr, "spec.signerName"))
        })
        .cloned()
        .collect();
    let changed = !pending.is_empty();
    for mut csr in pending {
        let cert = issue(c, &csr).unwrap_or_else(|| fake_certificate(&csr));
        object::set(&mut csr, "status.certificate", json!(cert));
        c.put_status("certificatesigningrequests", csr);
    }
    changed
}
