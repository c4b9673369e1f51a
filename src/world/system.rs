//! The configuration objects `kubeadm init` leaves in every cluster: the ConfigMaps in kube-system
//! and kube-public that learners read to find the cluster's settings (the DNS domain in CoreDNS's
//! Corefile, the pod and service subnets in `kubeadm-config`, kube-proxy's mode), and the leader
//! election Leases of the control plane's components.

use crate::cluster::controllers::namespace::ROOT_CA;
use crate::cluster::dns::DEFAULT_COREFILE;
use serde_json::{json, Value};

/// kubeadm's ClusterConfiguration (v1beta4, the default of kubeadm v1.32).
fn cluster_configuration(cluster: &str, control_plane: &str) -> String {
    format!(
        "apiServer: {{}}
apiVersion: kubeadm.k8s.io/v1beta4
caCertificateValidityPeriod: 87600h0m0s
certificateValidityPeriod: 8760h0m0s
certificatesDir: /etc/kubernetes/pki
clusterName: {cluster}
controlPlaneEndpoint: {control_plane}:6443
controllerManager: {{}}
dns: {{}}
encryptionAlgorithm: RSA-2048
etcd:
  local:
    dataDir: /var/lib/etcd
imageRepository: registry.k8s.io
kind: ClusterConfiguration
kubernetesVersion: v1.32.1
networking:
  dnsDomain: cluster.local
  podSubnet: 10.244.0.0/16
  serviceSubnet: 10.96.0.0/12
proxy: {{}}
scheduler: {{}}
"
    )
}

/// kube-proxy's KubeProxyConfiguration: mode "" means iptables on Linux.
const KUBE_PROXY_CONFIG: &str = "apiVersion: kubeproxy.config.k8s.io/v1alpha1
bindAddress: 0.0.0.0
bindAddressHardFail: false
clientConnection:
  acceptContentTypes: \"\"
  burst: 0
  contentType: \"\"
  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf
  qps: 0
clusterCIDR: 10.244.0.0/16
configSyncPeriod: 0s
conntrack:
  maxPerCore: null
  min: null
  tcpCloseWaitTimeout: null
  tcpEstablishedTimeout: null
detectLocalMode: \"\"
enableProfiling: false
healthzBindAddress: \"\"
hostnameOverride: \"\"
iptables:
  localhostNodePorts: null
  masqueradeAll: false
  masqueradeBit: null
  minSyncPeriod: 0s
  syncPeriod: 0s
ipvs:
  excludeCIDRs: null
  minSyncPeriod: 0s
  scheduler: \"\"
  strictARP: false
  syncPeriod: 0s
  tcpFinTimeout: 0s
  tcpTimeout: 0s
  udpTimeout: 0s
kind: KubeProxyConfiguration
metricsBindAddress: \"\"
mode: \"\"
nodePortAddresses: null
oomScoreAdj: null
portRange: \"\"
showHiddenMetricsForVersion: \"\"
winkernel:
  enableDSR: false
  forwardHealthCheckVip: false
  networkName: \"\"
  rootHnsEndpointName: \"\"
  sourceVip: \"\"
";

fn kube_proxy_kubeconfig(control_plane: &str) -> String {
    format!(
        "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
    server: https://{control_plane}:6443
  name: default
contexts:
- context:
    cluster: default
    namespace: default
    user: default
  name: default
current-context: default
users:
- name: default
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
"
    )
}

/// The kubeconfig stub `kube-public/cluster-info` publishes for joining nodes.
fn cluster_info_kubeconfig(control_plane: &str) -> String {
    use base64::Engine;
    let ca = base64::engine::general_purpose::STANDARD.encode(ROOT_CA);
    format!(
        "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: {ca}
    server: https://{control_plane}:6443
  name: \"\"
contexts: null
current-context: \"\"
kind: Config
preferences: {{}}
users: null
"
    )
}

/// The API server publishes its own address behind the `kubernetes` Service: an Endpoints object
/// (not mirrored) and an EndpointSlice, both named `kubernetes`.
pub fn apiserver_endpoints(ip: &str) -> Vec<Value> {
    vec![
        json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "kubernetes", "namespace": "default",
            "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"}},
            "subsets": [{"addresses": [{"ip": ip}], "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}]}),
        json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "kubernetes", "namespace": "default",
            "labels": {"kubernetes.io/service-name": "kubernetes"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [ip], "conditions": {"ready": true}}],
            "ports": [{"name": "https", "port": 6443, "protocol": "TCP"}]}),
    ]
}

/// A leader's identity as the components write it: the node's name and a per-process UUID.
fn holder(cluster: &str, node: &str, component: &str) -> String {
    let h = crate::cluster::fnv(format!("{cluster}/{component}").as_bytes());
    let l = crate::cluster::fnv(format!("{component}/{cluster}").as_bytes());
    format!(
        "{node}_{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        h >> 32,
        (h >> 16) & 0xffff,
        h & 0xfff,
        l & 0xfff,
        l >> 16 & 0xffff_ffff_ffff
    )
}

/// The objects kubeadm creates at `init`, for a cluster named `cluster` whose control plane is the
/// node `control_plane`; `kubelet_config` is the KubeletConfiguration the nodes run with.
pub fn kubeadm_objects(cluster: &str, control_plane: &str, kubelet_config: &str) -> Vec<Value> {
    let cm = |ns: &str, name: &str, data: Value| json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name, "namespace": ns}, "data": data});
    let lease = |name: &str, holder: String| {
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": name, "namespace": "kube-system"},
            "spec": {"holderIdentity": holder, "leaseDurationSeconds": 15, "leaseTransitions": 0}})
    };
    vec![
        cm(
            "kube-system",
            "coredns",
            json!({ "Corefile": DEFAULT_COREFILE }),
        ),
        cm(
            "kube-system",
            "kubeadm-config",
            json!({ "ClusterConfiguration": cluster_configuration(cluster, control_plane) }),
        ),
        cm(
            "kube-system",
            "kubelet-config",
            json!({ "kubelet": kubelet_config }),
        ),
        cm(
            "kube-system",
            "kube-proxy",
            json!({ "config.conf": KUBE_PROXY_CONFIG, "kubeconfig.conf": kube_proxy_kubeconfig(control_plane) }),
        ),
        cm(
            "kube-system",
            "extension-apiserver-authentication",
            json!({
                "client-ca-file": ROOT_CA,
                "requestheader-allowed-names": "[\"front-proxy-client\"]",
                "requestheader-client-ca-file": ROOT_CA,
                "requestheader-extra-headers-prefix": "[\"X-Remote-Extra-\"]",
                "requestheader-group-headers": "[\"X-Remote-Group\"]",
                "requestheader-username-headers": "[\"X-Remote-User\"]",
            }),
        ),
        cm(
            "kube-public",
            "cluster-info",
            json!({ "kubeconfig": cluster_info_kubeconfig(control_plane) }),
        ),
        lease(
            "kube-scheduler",
            holder(cluster, control_plane, "scheduler"),
        ),
        lease(
            "kube-controller-manager",
            holder(cluster, control_plane, "controller-manager"),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubeadm_config_names_the_subnets_the_manifests_use() {
        let objs = kubeadm_objects("kubernetes", "controlplane", "kind: KubeletConfiguration\n");
        let kc = objs
            .iter()
            .find(|o| o["metadata"]["name"] == "kubeadm-config")
            .and_then(|o| o["data"]["ClusterConfiguration"].as_str())
            .unwrap_or_default();
        assert!(kc.contains("podSubnet: 10.244.0.0/16"), "{kc}");
        assert!(kc.contains("serviceSubnet: 10.96.0.0/12"), "{kc}");
        assert!(
            kc.contains("controlPlaneEndpoint: controlplane:6443"),
            "{kc}"
        );
        let parsed: Result<serde_yaml::Value, _> = serde_yaml::from_str(kc);
        assert!(parsed.is_ok(), "{parsed:?}");
    }
}
