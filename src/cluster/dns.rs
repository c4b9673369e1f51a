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
/// names the zone. Without the ConfigMap, or with a Corefile that does not parse, the running
/// CoreDNS keeps the configuration it loaded.
pub fn serves_cluster_zone(c: &Cluster) -> bool {
    let Some(corefile) = c
        .peek("configmaps", "kube-system", "coredns")
        .and_then(|cm| cm.get("data"))
        .and_then(|d| d.get("Corefile"))
        .and_then(Value::as_str)
    else {
        return true;
    };
    // A Corefile that does not parse fails CoreDNS's reload: running servers keep the
    // configuration they loaded (new ones crash, see the kubelet).
    if corefile_error(corefile, "Corefile").is_some() {
        return true;
    }
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

/// The plugins CoreDNS v1.11 is built with: a directive naming anything else fails the parse.
const PLUGINS: &[&str] = &[
    "acl",
    "any",
    "auto",
    "autopath",
    "azure",
    "bind",
    "bufsize",
    "cache",
    "cancel",
    "chaos",
    "clouddns",
    "debug",
    "dns64",
    "dnssec",
    "dnstap",
    "erratic",
    "errors",
    "etcd",
    "file",
    "forward",
    "geoip",
    "grpc",
    "header",
    "health",
    "hosts",
    "k8s_external",
    "kubernetes",
    "loadbalance",
    "local",
    "log",
    "loop",
    "metadata",
    "minimal",
    "nsid",
    "pprof",
    "prometheus",
    "ready",
    "reload",
    "rewrite",
    "root",
    "route53",
    "secondary",
    "sign",
    "template",
    "timeouts",
    "tls",
    "trace",
    "transfer",
    "tsig",
    "view",
    "whoami",
];

/// Why CoreDNS refuses to start with this Corefile (read from `path`), in its own words
/// (`/etc/coredns/Corefile:5 - Error during parsing: Unknown directive 'kubernets'`), or `None`
/// when it parses: braces balanced, and every directive of a server block a known plugin.
pub fn corefile_error(corefile: &str, path: &str) -> Option<String> {
    let err = |line: usize, msg: &str| Some(format!("{path}:{line} - Error during parsing: {msg}"));
    let mut depth = 0usize;
    let mut last_line = 1;
    for (i, raw) in corefile.lines().enumerate() {
        let n = i + 1;
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        last_line = n;
        let first = line.split_whitespace().next().unwrap_or("");
        if depth == 0 {
            if first == "}" {
                return err(n, "Unexpected '}' because no matching opening brace");
            }
        } else if depth == 1 && first != "}" && !PLUGINS.contains(&first) {
            return err(n, &format!("Unknown directive '{first}'"));
        }
        for ch in line.chars() {
            match ch {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    return err(n, "Unexpected '}' because no matching opening brace")
                }
                '}' => depth -= 1,
                _ => {}
            }
        }
    }
    if depth > 0 {
        return err(last_line, "Unexpected EOF");
    }
    None
}

/// The Corefile a CoreDNS container reads: its `-conf` argument (the image's default otherwise).
pub fn corefile_path(container: &Value) -> String {
    let args: Vec<&str> = object::array(container, "args")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    args.iter()
        .position(|a| *a == "-conf" || *a == "--conf")
        .and_then(|i| args.get(i + 1))
        .map(|p| p.to_string())
        .or_else(|| {
            args.iter()
                .find_map(|a| {
                    a.strip_prefix("-conf=")
                        .or_else(|| a.strip_prefix("--conf="))
                })
                .map(String::from)
        })
        .unwrap_or_else(|| "Corefile".into())
}

/// Whether a container runs CoreDNS (by its image).
pub fn is_coredns(container: &Value) -> bool {
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    let (repo, _) = super::images::split_reference(image);
    repo.rsplit('/').next() == Some("coredns")
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

    #[test]
    fn a_broken_corefile_is_reported_as_coredns_does() {
        let path = "/etc/coredns/Corefile";
        assert_eq!(corefile_error(DEFAULT_COREFILE, path), None);
        let typo = DEFAULT_COREFILE.replace(
            "    kubernetes cluster.local",
            "    kubernets cluster.local",
        );
        assert_eq!(
            corefile_error(&typo, path).as_deref(),
            Some("/etc/coredns/Corefile:7 - Error during parsing: Unknown directive 'kubernets'")
        );
        let proxy = DEFAULT_COREFILE.replace(
            "    forward . /etc/resolv.conf {",
            "    proxy . /etc/resolv.conf {",
        );
        assert!(
            corefile_error(&proxy, path).is_some_and(|e| e.ends_with("Unknown directive 'proxy'"))
        );
        // Sub-directives inside a plugin's block are the plugin's business.
        assert_eq!(
            corefile_error(".:53 {\n  cache 30 {\n    whatever 1\n  }\n}\n", path),
            None
        );
        assert_eq!(
            corefile_error(".:53 {\n  errors\n", path).as_deref(),
            Some("/etc/coredns/Corefile:2 - Error during parsing: Unexpected EOF")
        );
        assert_eq!(
            corefile_error(".:53 {\n  errors\n}\n}\n", path).as_deref(),
            Some("/etc/coredns/Corefile:4 - Error during parsing: Unexpected '}' because no matching opening brace")
        );
        let c = serde_json::json!({"image": "registry.k8s.io/coredns/coredns:v1.11.3", "args": ["-conf", path]});
        assert!(is_coredns(&c));
        assert_eq!(corefile_path(&c), path);
    }
}
