//! The files kubeadm and the kubelet packages leave on a node: the cluster's certificates and
//! kubeconfig files on the control plane (in [`crate::pki`]'s PEM form, so `openssl x509` and
//! `kubeadm certs check-expiration` read their dates back), the kubelet's flags, its systemd drop-in,
//! and the apt source of the Kubernetes packages.

use super::packages::K8S_REPO;
use crate::pki::{self, CertSpec};
use crate::vfs::Vfs;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};

/// A certificate kubeadm manages: its name in `kubeadm certs`, where it lives (a `.crt` under
/// /etc/kubernetes/pki, or a kubeconfig file under /etc/kubernetes), its subject (`{node}` is the
/// node's name), its CA, and what `kubeadm certs renew` says of it.
pub struct ManagedCert {
    pub name: &'static str,
    pub path: &'static str,
    pub subject: &'static str,
    pub ca: &'static str,
    pub purpose: &'static str,
}

/// The certificates `kubeadm certs check-expiration` lists, in its order.
pub const MANAGED_CERTS: &[ManagedCert] = &[
    ManagedCert { name: "admin.conf", path: "/etc/kubernetes/admin.conf", subject: "/O=kubeadm:cluster-admins/CN=kubernetes-admin", ca: "ca", purpose: "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself" },
    ManagedCert { name: "apiserver", path: "/etc/kubernetes/pki/apiserver.crt", subject: "/CN=kube-apiserver", ca: "ca", purpose: "certificate for serving the Kubernetes API" },
    ManagedCert { name: "apiserver-etcd-client", path: "/etc/kubernetes/pki/apiserver-etcd-client.crt", subject: "/CN=kube-apiserver-etcd-client", ca: "etcd-ca", purpose: "certificate the apiserver uses to access etcd" },
    ManagedCert { name: "apiserver-kubelet-client", path: "/etc/kubernetes/pki/apiserver-kubelet-client.crt", subject: "/O=kubeadm:cluster-admins/CN=kube-apiserver-kubelet-client", ca: "ca", purpose: "certificate for the API server to connect to kubelet" },
    ManagedCert { name: "controller-manager.conf", path: "/etc/kubernetes/controller-manager.conf", subject: "/CN=system:kube-controller-manager", ca: "ca", purpose: "certificate embedded in the kubeconfig file for the controller manager to use" },
    ManagedCert { name: "etcd-healthcheck-client", path: "/etc/kubernetes/pki/etcd/healthcheck-client.crt", subject: "/CN=kube-etcd-healthcheck-client", ca: "etcd-ca", purpose: "certificate for liveness probes to healthcheck etcd" },
    ManagedCert { name: "etcd-peer", path: "/etc/kubernetes/pki/etcd/peer.crt", subject: "/CN={node}", ca: "etcd-ca", purpose: "certificate for etcd nodes to communicate with each other" },
    ManagedCert { name: "etcd-server", path: "/etc/kubernetes/pki/etcd/server.crt", subject: "/CN={node}", ca: "etcd-ca", purpose: "certificate for serving etcd" },
    ManagedCert { name: "front-proxy-client", path: "/etc/kubernetes/pki/front-proxy-client.crt", subject: "/CN=front-proxy-client", ca: "front-proxy-ca", purpose: "certificate for the front proxy client" },
    ManagedCert { name: "scheduler.conf", path: "/etc/kubernetes/scheduler.conf", subject: "/CN=system:kube-scheduler", ca: "ca", purpose: "certificate embedded in the kubeconfig file for the scheduler manager to use" },
    ManagedCert { name: "super-admin.conf", path: "/etc/kubernetes/super-admin.conf", subject: "/O=system:masters/CN=kubernetes-super-admin", ca: "ca", purpose: "certificate embedded in the kubeconfig file for the super-admin" },
];

/// The cluster's certificate authorities: name, certificate path, subject.
pub const CAS: &[(&str, &str, &str)] = &[
    ("ca", "/etc/kubernetes/pki/ca.crt", "/CN=kubernetes"),
    ("etcd-ca", "/etc/kubernetes/pki/etcd/ca.crt", "/CN=etcd-ca"),
    (
        "front-proxy-ca",
        "/etc/kubernetes/pki/front-proxy-ca.crt",
        "/CN=front-proxy-ca",
    ),
];

/// A stable key id for a file (the "key" a certificate and its private key share).
fn key_id(path: &str) -> String {
    format!("{:016x}", crate::cluster::fnv(path.as_bytes()))
}

fn ca_subject(ca: &str) -> &'static str {
    CAS.iter()
        .find(|(n, _, _)| *n == ca)
        .map_or("/CN=kubernetes", |(_, _, s)| s)
}

/// Writes (or rewrites, on renewal) one managed certificate valid from `from` for a year.
pub fn write_managed(fs: &mut Vfs, c: &ManagedCert, node: &str, server: &str, from: DateTime<Utc>) {
    let subject = c.subject.replace("{node}", node);
    let crt_key = c.path.replace(".crt", ".key").replace(".conf", ".key");
    let pem = pki::cert(&CertSpec {
        subject: &subject,
        issuer: ca_subject(c.ca),
        not_before: from,
        not_after: from + Duration::days(365),
        key_id: &key_id(&crt_key),
        serial: crate::cluster::fnv(format!("{}{}", c.path, from.timestamp()).as_bytes()),
        is_ca: false,
    });
    if c.path.ends_with(".conf") {
        let user = pki::parse(&pem)
            .map(|p| p.common_name())
            .unwrap_or_default();
        let _ = fs.write(c.path, &kubeconfig(fs, server, &user, &pem, &crt_key));
    } else {
        let _ = fs.write(c.path, &pem);
        let _ = fs.write(&crt_key, &pki::key(2048, &key_id(&crt_key)));
    }
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn kubeconfig(fs: &Vfs, server: &str, user: &str, cert: &str, key_path: &str) -> String {
    let ca = fs.read("/etc/kubernetes/pki/ca.crt").unwrap_or_default();
    format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: {server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: {user}\n  name: {user}@kubernetes\ncurrent-context: {user}@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
        b64(ca),
        b64(cert),
        b64(&pki::key(2048, &key_id(key_path)))
    )
}

/// The certificate a managed entry holds now (from its .crt, or embedded in its kubeconfig).
pub fn read_managed(fs: &Vfs, c: &ManagedCert) -> Option<pki::Pem> {
    let text = fs.read(c.path).ok()?;
    if c.path.ends_with(".conf") {
        let line = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("client-certificate-data:"))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(line.trim().as_bytes())
            .ok()?;
        return pki::parse(&String::from_utf8(bytes).ok()?);
    }
    pki::parse(text)
}

/// The control plane's PKI and kubeconfig files, issued at `boot` (CAs for ten years).
pub fn control_plane(fs: &mut Vfs, node: &str, ip: &str, boot: DateTime<Utc>) {
    for (_, path, subject) in CAS {
        let key_path = path.replace(".crt", ".key");
        let pem = pki::cert(&CertSpec {
            subject,
            issuer: subject,
            not_before: boot,
            not_after: boot + Duration::days(3650),
            key_id: &key_id(&key_path),
            serial: crate::cluster::fnv(path.as_bytes()),
            is_ca: true,
        });
        let _ = fs.write(path, &pem);
        let _ = fs.write(&key_path, &pki::key(2048, &key_id(&key_path)));
    }
    let _ = fs.write(
        "/etc/kubernetes/pki/sa.key",
        &pki::key(2048, &key_id("sa.key")),
    );
    let _ = fs.write("/etc/kubernetes/pki/sa.pub", "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAsa+kubedojo+simulated\n-----END PUBLIC KEY-----\n");
    let server = format!("https://{ip}:6443");
    for c in MANAGED_CERTS {
        write_managed(fs, c, node, &server, boot);
    }
}

/// The kubelet's files on every node: its kubeconfig, kubeadm's flags, the systemd drop-in, the apt source.
pub fn kubelet(fs: &mut Vfs, control_plane_ip: &str, control_plane: bool) {
    for dir in [
        "/etc/kubernetes/pki",
        "/var/lib/kubelet/pki",
        "/etc/default",
        "/usr/lib/systemd/system/kubelet.service.d",
        "/etc/systemd/system/kubelet.service.d",
        "/etc/apt/sources.list.d",
    ] {
        let _ = fs.mkdir_p(dir);
    }
    let server = format!("https://{control_plane_ip}:6443");
    if !control_plane {
        let ca = pki::cert(&CertSpec {
            subject: "/CN=kubernetes",
            issuer: "/CN=kubernetes",
            not_before: super::default_epoch() - Duration::days(10),
            not_after: super::default_epoch() + Duration::days(3640),
            key_id: &key_id("/etc/kubernetes/pki/ca.key"),
            serial: crate::cluster::fnv(b"/etc/kubernetes/pki/ca.crt"),
            is_ca: true,
        });
        let _ = fs.write("/etc/kubernetes/pki/ca.crt", &ca);
    }
    let _ = fs.write("/etc/kubernetes/kubelet.conf", &format!(
        "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: {}\n    server: {server}\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: system:node\n  name: system:node@kubernetes\ncurrent-context: system:node@kubernetes\nkind: Config\npreferences: {{}}\nusers:\n- name: system:node\n  user:\n    client-certificate: /var/lib/kubelet/pki/kubelet-client-current.pem\n    client-key: /var/lib/kubelet/pki/kubelet-client-current.pem\n",
        b64(fs.read("/etc/kubernetes/pki/ca.crt").unwrap_or_default())
    ));
    let _ = fs.write(
        "/var/lib/kubelet/kubeadm-flags.env",
        "KUBELET_KUBEADM_ARGS=\"--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10\"\n",
    );
    let _ = fs.write("/etc/default/kubelet", "KUBELET_EXTRA_ARGS=\n");
    let _ = fs.write(DROP_IN, DROP_IN_TEXT);
    let _ = fs.write(
        "/usr/lib/systemd/system/kubelet.service",
        "[Unit]\nDescription=kubelet: The Kubernetes Node Agent\nDocumentation=https://kubernetes.io/docs/\nWants=network-online.target\nAfter=network-online.target\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\nStartLimitInterval=0\nRestartSec=10\n\n[Install]\nWantedBy=multi-user.target\n",
    );
    let _ = fs.write(
        "/etc/apt/sources.list.d/kubernetes.list",
        &format!("deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.gpg] {K8S_REPO}/ /\n"),
    );
    let _ = fs.mkdir_p("/var/lib/kubelet/pki");
}

/// Where the kubelet package puts kubeadm's systemd drop-in.
pub const DROP_IN: &str = "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf";

const DROP_IN_TEXT: &str = "# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment=\"KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf\"
Environment=\"KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml\"
# This is a file that \"kubeadm init\" and \"kubeadm join\" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
";
