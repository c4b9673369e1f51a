//! Cluster DNS as CoreDNS serves it: queries go to the `kube-dns` Service in kube-system, which
//! answers only while a CoreDNS pod behind it is ready, and the `kubernetes` plugin of the Corefile
//! (the `coredns` ConfigMap) decides which zone holds the cluster's records. Scaling CoreDNS to
//! zero, breaking its pods or its Service, or renaming the zone in the Corefile break name lookups
//! in every pod, as they do on a real cluster.

use super::{object, Cluster};
use serde_json::Value;

/// The cluster's DNS domain, as the kubelet hands it to pods (`clusterDomain`).
pub const CLUSTER_DOMAIN: &str = "cluster.local";

/// CoreDNS's configuration as kubeadm writes it: the `kubernetes` plugin serves `cluster.local`.
pub const DEFAULT_COREFILE: &str = ".:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30 {
       disable success cluster.local
       disable denial cluster.local
    }
    loop
    reload
    loadbalance
}
";

/// Whether a DNS server answers at the kube-dns Service: it exists and has a ready endpoint.
pub fn server_answers(c: &Cluster) -> bool {
    c.peek("services", "kube-system", "kube-dns").is_some()
        && c.peek("endpoints", "kube-system", "kube-dns")
            .is_some_and(|e| {
                object::array(e, "subsets")
                    .iter()
                    .any(|ss| !object::array(ss, "addresses").is_empty())
            })
}

/// Whether CoreDNS serves the cluster domain's records: the `kubernetes` plugin of its Corefile
/// names the zone. Without the ConfigMap the running CoreDNS keeps the configuration it loaded.
pub fn serves_cluster_zone(c: &Cluster) -> bool {
    let Some(corefile) = c
        .peek("configmaps", "kube-system", "coredns")
        .and_then(|cm| cm.get("data"))
        .and_then(|d| d.get("Corefile"))
        .and_then(Value::as_str)
    else {
        return true;
    };
    kubernetes_zones(corefile).iter().any(|z| {
        let z = z.trim_end_matches('.');
        z == CLUSTER_DOMAIN || z == "."
    })
}

/// The zones the `kubernetes` plugin is authoritative for (`kubernetes cluster.local in-addr.arpa
/// ip6.arpa {`). A server block's zones (`.:53`) do not count: the plugin line names its own, and
/// without any it takes the server block's.
fn kubernetes_zones(corefile: &str) -> Vec<String> {
    let mut block_zones: Vec<String> = Vec::new();
    let mut depth = 0usize;
    for line in corefile.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if depth == 0 && line.ends_with('{') {
            block_zones = words
                .iter()
                .take_while(|w| **w != "{")
                .map(|w| w.split(':').next().unwrap_or("").to_string())
                .collect();
        } else if depth == 1 && words.first() == Some(&"kubernetes") {
            let zones: Vec<String> = words[1..]
                .iter()
                .take_while(|w| **w != "{")
                .map(|w| w.to_string())
                .collect();
            return if zones.is_empty() { block_zones } else { zones };
        }
        depth += line.matches('{').count();
        depth = depth.saturating_sub(line.matches('}').count());
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kubernetes_plugin_names_its_zones() {
        let corefile = DEFAULT_COREFILE;
        assert_eq!(
            kubernetes_zones(corefile),
            ["cluster.local", "in-addr.arpa", "ip6.arpa"]
        );
        let typo = corefile.replace("kubernetes cluster.local", "kubernetes cluster.lcoal");
        assert_eq!(kubernetes_zones(&typo)[0], "cluster.lcoal");
        let gone = corefile.replace(
            "kubernetes cluster.local in-addr.arpa ip6.arpa {",
            "kubernetes {",
        );
        assert_eq!(kubernetes_zones(&gone), ["."]);
        assert!(kubernetes_zones(".:53 {\n    forward . /etc/resolv.conf\n}\n").is_empty());
    }
}
