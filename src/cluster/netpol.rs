//! The NetworkPolicy evaluator: whether a connection from one endpoint (a pod, or an address outside
//! the cluster) to another on a port and protocol is allowed by the policies in force, with the
//! semantics of networking.k8s.io/v1 as a conforming network plugin enforces them.
//!
//! A connection needs both halves: egress from the source (if any policy with the Egress type
//! selects the source pod, one of their egress rules must allow it) and ingress to the destination
//! (likewise with Ingress). A pod that no policy selects for a direction is open in that direction.

use super::selector::Selector;
use super::{object, Cluster};
use serde_json::Value;
use std::net::Ipv4Addr;

/// One end of a connection.
#[derive(Debug, Clone, Copy)]
pub enum Endpoint<'a> {
    /// A pod of the cluster.
    Pod(&'a Value),
    /// An address outside the pod network (a node, a client on the internet).
    External(Ipv4Addr),
}

impl Endpoint<'_> {
    fn ip(&self) -> Option<Ipv4Addr> {
        match self {
            Endpoint::Pod(p) => object::str_at(p, "status.podIP").parse().ok(),
            Endpoint::External(ip) => Some(*ip),
        }
    }

    fn describe(&self) -> String {
        match self {
            Endpoint::Pod(p) => format!("{}/{}", object::namespace(p), object::name(p)),
            Endpoint::External(ip) => ip.to_string(),
        }
    }
}

/// Which half of a connection a policy decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }
}

/// The decision on one connection, with the policies that made it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub allowed: bool,
    /// `ns/name` of the policies that allowed the connection (empty when no policy applied).
    pub allowed_by: Vec<String>,
    /// When denied: the direction that was denied and the policies that isolate that end.
    pub denied: Option<(DirectionText, Vec<String>)>,
}

/// The denied direction as text (`Ingress` or `Egress`) and the pod it isolates.
pub type DirectionText = String;

impl Verdict {
    /// A one-line explanation for feedback: `allowed by policy ns/a`, `denied: ingress of ns/db is
    /// isolated by policy ns/deny-all and no rule allows it`, or `no policy applies`.
    pub fn explain(&self) -> String {
        if let Some((dir, pols)) = &self.denied {
            let s = if pols.len() == 1 { "y" } else { "ies" };
            return format!(
                "{dir} is isolated by polic{s} {} and no rule allows it",
                pols.join(", ")
            );
        }
        if self.allowed_by.is_empty() {
            "no NetworkPolicy selects either pod".to_string()
        } else {
            let s = if self.allowed_by.len() == 1 {
                "y"
            } else {
                "ies"
            };
            format!("allowed by polic{s} {}", self.allowed_by.join(", "))
        }
    }
}

/// The policy types a policy has: as written, or as the API server defaults them (Ingress always,
/// Egress when the policy has egress rules).
pub fn policy_types(policy: &Value) -> Vec<String> {
    let declared: Vec<String> = object::array(policy, "spec.policyTypes")
        .iter()
        .filter_map(Value::as_str)
        .map(String::from)
        .collect();
    if !declared.is_empty() {
        return declared;
    }
    let mut t = vec!["Ingress".to_string()];
    if !object::array(policy, "spec.egress").is_empty() {
        t.push("Egress".to_string());
    }
    t
}

/// Whether a policy's `spec.podSelector` selects a pod (the policy must be in the pod's namespace).
pub fn selects(policy: &Value, pod: &Value) -> bool {
    object::namespace(policy) == object::namespace(pod)
        && selector_at(policy, "spec.podSelector").matches(&object::labels(pod))
}

fn selector_at(v: &Value, path: &str) -> Selector {
    object::get(v, path)
        .map(Selector::from_label_selector)
        .unwrap_or_default()
}

/// Whether an IPv4 address lies in a CIDR (`10.0.0.0/8`, or a bare address).
pub fn in_cidr(ip: Ipv4Addr, cidr: &str) -> bool {
    let (base, bits) = match cidr.split_once('/') {
        Some((b, n)) => (b, n.parse::<u32>().ok()),
        None => (cidr, Some(32)),
    };
    let (Ok(base), Some(bits)) = (base.parse::<Ipv4Addr>(), bits) else {
        return false;
    };
    if bits > 32 {
        return false;
    }
    let mask = if bits == 0 {
        0
    } else {
        u32::MAX << (32 - bits)
    };
    u32::from(ip) & mask == u32::from(base) & mask
}

/// Whether one peer of a rule (`podSelector`, `namespaceSelector`, both, or `ipBlock`) matches the
/// other end of the connection, for a policy living in `policy_ns`.
fn peer_matches(c: &Cluster, peer: &Value, policy_ns: &str, other: &Endpoint<'_>) -> bool {
    if let Some(block) = peer.get("ipBlock") {
        let Some(ip) = other.ip() else { return false };
        let cidr = block.get("cidr").and_then(Value::as_str).unwrap_or("");
        let excepted = block
            .get("except")
            .and_then(Value::as_array)
            .is_some_and(|ex| ex.iter().filter_map(Value::as_str).any(|e| in_cidr(ip, e)));
        return in_cidr(ip, cidr) && !excepted;
    }
    let Endpoint::Pod(pod) = other else {
        return false; // Selectors only ever match pods.
    };
    let pod_sel = peer.get("podSelector");
    let ns_sel = peer.get("namespaceSelector");
    if pod_sel.is_none() && ns_sel.is_none() {
        return false;
    }
    let pod_ns = object::namespace(pod);
    let ns_ok = match ns_sel {
        // Only a podSelector: pods of the policy's own namespace.
        None => pod_ns == policy_ns,
        Some(sel) => {
            let labels = c
                .peek("namespaces", "", pod_ns)
                .map(object::labels)
                .unwrap_or_default();
            Selector::from_label_selector(sel).matches(&labels)
        }
    };
    let pod_ok = pod_sel
        .map(|s| Selector::from_label_selector(s).matches(&object::labels(pod)))
        .unwrap_or(true);
    ns_ok && pod_ok
}

/// Resolves a rule's port (a number or a container port's name) against the destination pod.
fn rule_port_matches(rule_port: &Value, dest: &Endpoint<'_>, port: u16, protocol: &str) -> bool {
    let proto = rule_port
        .get("protocol")
        .and_then(Value::as_str)
        .unwrap_or("TCP");
    if !proto.eq_ignore_ascii_case(protocol) {
        return false;
    }
    match rule_port.get("port") {
        None | Some(Value::Null) => true,
        Some(Value::Number(n)) => {
            let start = n.as_i64().unwrap_or(-1);
            let end = rule_port
                .get("endPort")
                .and_then(Value::as_i64)
                .unwrap_or(start);
            (start..=end.max(start)).contains(&i64::from(port))
        }
        Some(Value::String(s)) => {
            if let Ok(n) = s.parse::<u16>() {
                return n == port;
            }
            // A named port: the destination pod must declare a container port of that name.
            let Endpoint::Pod(p) = dest else { return false };
            object::array(p, "spec.containers").iter().any(|ct| {
                ct.get("ports").and_then(Value::as_array).is_some_and(|ps| {
                    ps.iter().any(|cp| {
                        cp.get("name").and_then(Value::as_str) == Some(s.as_str())
                            && cp.get("containerPort").and_then(Value::as_i64)
                                == Some(i64::from(port))
                            && cp
                                .get("protocol")
                                .and_then(Value::as_str)
                                .unwrap_or("TCP")
                                .eq_ignore_ascii_case(protocol)
                    })
                })
            })
        }
        Some(_) => false,
    }
}

/// Whether one rule (an `ingress` or `egress` entry) allows the connection. `peer_key` is `from` or
/// `to`; `other` is the far end as this policy sees it; `dest` is the connection's destination.
#[allow(clippy::too_many_arguments)]
fn rule_allows(
    c: &Cluster,
    rule: &Value,
    peer_key: &str,
    policy_ns: &str,
    other: &Endpoint<'_>,
    dest: &Endpoint<'_>,
    port: u16,
    protocol: &str,
) -> bool {
    let peers = rule
        .get(peer_key)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let ports = rule
        .get("ports")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let peer_ok = peers.is_empty() || peers.iter().any(|p| peer_matches(c, p, policy_ns, other));
    let port_ok = ports.is_empty()
        || ports
            .iter()
            .any(|p| rule_port_matches(p, dest, port, protocol));
    peer_ok && port_ok
}

/// One direction: `Ok(policies that allowed)` (empty when the pod is not isolated), or
/// `Err(policies isolating the pod)`.
fn direction(
    c: &Cluster,
    dir: Direction,
    pod: &Value,
    other: &Endpoint<'_>,
    dest: &Endpoint<'_>,
    port: u16,
    protocol: &str,
) -> Result<Vec<String>, Vec<String>> {
    let (rules_key, peer_key) = match dir {
        Direction::Ingress => ("spec.ingress", "from"),
        Direction::Egress => ("spec.egress", "to"),
    };
    let mut isolating = Vec::new();
    let mut allowing = Vec::new();
    for pol in c.list_ns("networkpolicies", object::namespace(pod)) {
        if !selects(pol, pod) || !policy_types(pol).iter().any(|t| t == dir.as_str()) {
            continue;
        }
        let id = format!("{}/{}", object::namespace(pol), object::name(pol));
        let ns = object::namespace(pol);
        if object::array(pol, rules_key)
            .iter()
            .any(|r| rule_allows(c, r, peer_key, ns, other, dest, port, protocol))
        {
            allowing.push(id);
        } else {
            isolating.push(id);
        }
    }
    if allowing.is_empty() && !isolating.is_empty() {
        Err(isolating)
    } else {
        Ok(allowing)
    }
}

/// Decides whether `from` may open a connection to `to` on `port`/`protocol` (`TCP`, `UDP`, `SCTP`).
pub fn evaluate(
    c: &Cluster,
    from: &Endpoint<'_>,
    to: &Endpoint<'_>,
    port: u16,
    protocol: &str,
) -> Verdict {
    let mut v = Verdict {
        allowed: true,
        ..Verdict::default()
    };
    if let Endpoint::Pod(src) = from {
        match direction(c, Direction::Egress, src, to, to, port, protocol) {
            Ok(by) => v.allowed_by.extend(by),
            Err(iso) => {
                v.allowed = false;
                v.denied = Some((format!("egress of {}", from.describe()), iso));
                return v;
            }
        }
    }
    if let Endpoint::Pod(dst) = to {
        match direction(c, Direction::Ingress, dst, from, to, port, protocol) {
            Ok(by) => v.allowed_by.extend(by),
            Err(iso) => {
                v.allowed = false;
                v.denied = Some((format!("ingress of {}", to.describe()), iso));
            }
        }
    }
    v
}

/// Whether a pod can reach cluster DNS (a kube-dns pod on UDP 53): the first lookup step of any
/// connection by name. With no DNS pod at all, the lookup is judged against the kube-dns labels.
pub fn dns_allowed(c: &Cluster, pod: &Value) -> Verdict {
    let dns_pods: Vec<&Value> = c
        .list_ns("pods", "kube-system")
        .into_iter()
        .filter(|p| object::labels(p).get("k8s-app").map(String::as_str) == Some("kube-dns"))
        .collect();
    let fallback = serde_json::json!({"metadata": {"name": "coredns", "namespace": "kube-system",
        "labels": {"k8s-app": "kube-dns"}}, "status": {"podIP": "10.244.0.2"}});
    let targets: Vec<&Value> = if dns_pods.is_empty() {
        vec![&fallback]
    } else {
        dns_pods
    };
    let mut last = Verdict::default();
    for t in targets {
        let v = evaluate(c, &Endpoint::Pod(pod), &Endpoint::Pod(t), 53, "UDP");
        if v.allowed {
            return v;
        }
        last = v;
    }
    last
}

/// What `kubectl get netpol` shows in POD-SELECTOR: the selector in `-l` form, `<none>` when empty.
pub fn pod_selector_text(policy: &Value) -> String {
    let s = selector_at(policy, "spec.podSelector").to_string();
    if s.is_empty() {
        "<none>".to_string()
    } else {
        s
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster() -> Cluster {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let mut c = Cluster::empty(
            "t",
            now,
            std::sync::Arc::new(super::super::images::Lazy::builtin()),
        );
        for (ns, team) in [("prod", "a"), ("dev", "b"), ("kube-system", "")] {
            c.create(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"team": team}}}),
                false,
            )
            .unwrap();
        }
        c
    }

    fn pod(ns: &str, name: &str, labels: Value, ip: &str) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}]}]},
            "status": {"podIP": ip}})
    }

    fn policy(c: &mut Cluster, ns: &str, name: &str, spec: Value) {
        c.create(
            json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": {"name": name, "namespace": ns}, "spec": spec}),
            false,
        )
        .unwrap();
    }

    fn allowed(c: &Cluster, from: &Value, to: &Value, port: u16) -> bool {
        evaluate(c, &Endpoint::Pod(from), &Endpoint::Pod(to), port, "TCP").allowed
    }

    #[test]
    fn without_policies_everything_is_open() {
        let c = cluster();
        let a = pod("prod", "a", json!({"app": "web"}), "10.244.1.2");
        let b = pod("dev", "b", json!({"app": "db"}), "10.244.2.2");
        assert!(allowed(&c, &a, &b, 5432));
        let v = evaluate(&c, &Endpoint::Pod(&a), &Endpoint::Pod(&b), 80, "TCP");
        assert_eq!(v.explain(), "no NetworkPolicy selects either pod");
    }

    #[test]
    fn default_deny_ingress_isolates_only_selected_pods() {
        let mut c = cluster();
        policy(
            &mut c,
            "prod",
            "deny",
            json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
        );
        let web = pod("prod", "web", json!({"app": "web"}), "10.244.1.2");
        let db = pod("prod", "db", json!({"app": "db"}), "10.244.1.3");
        let other = pod("dev", "x", json!({"app": "db"}), "10.244.2.3");
        assert!(!allowed(&c, &web, &db, 80));
        assert!(allowed(&c, &web, &other, 80), "dev is not isolated");
        let v = evaluate(&c, &Endpoint::Pod(&web), &Endpoint::Pod(&db), 80, "TCP");
        assert_eq!(
            v.explain(),
            "ingress of prod/db is isolated by policy prod/deny and no rule allows it"
        );
    }

    #[test]
    fn policy_types_default_from_the_rules() {
        let ing = json!({"spec": {"podSelector": {}}});
        assert_eq!(policy_types(&ing), vec!["Ingress"]);
        let eg = json!({"spec": {"podSelector": {}, "egress": [{}]}});
        assert_eq!(policy_types(&eg), vec!["Ingress", "Egress"]);
        let eg_only = json!({"spec": {"policyTypes": ["Egress"]}});
        assert_eq!(policy_types(&eg_only), vec!["Egress"]);
    }

    #[test]
    fn allow_all_ingress_with_an_empty_rule() {
        let mut c = cluster();
        policy(
            &mut c,
            "prod",
            "deny",
            json!({"podSelector": {}, "policyTypes": ["Ingress"]}),
        );
        policy(
            &mut c,
            "prod",
            "all",
            json!({"podSelector": {}, "ingress": [{}]}),
        );
        let web = pod("prod", "web", json!({"app": "web"}), "10.244.1.2");
        let db = pod("prod", "db", json!({"app": "db"}), "10.244.1.3");
        let v = evaluate(&c, &Endpoint::Pod(&web), &Endpoint::Pod(&db), 9999, "TCP");
        assert!(v.allowed);
        assert_eq!(v.explain(), "allowed by policy prod/all");
    }

    #[test]
    fn pod_and_namespace_selector_in_one_peer_is_an_and_in_two_peers_an_or() {
        let mut c = cluster();
        let db = pod("prod", "db", json!({"app": "db"}), "10.244.1.3");
        let dev_web = pod("dev", "web", json!({"app": "web"}), "10.244.2.2");
        let dev_other = pod("dev", "other", json!({"app": "other"}), "10.244.2.4");
        let prod_web = pod("prod", "web", json!({"app": "web"}), "10.244.1.2");
        policy(
            &mut c,
            "prod",
            "and",
            json!({"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"from": [
                {"namespaceSelector": {"matchLabels": {"team": "b"}}, "podSelector": {"matchLabels": {"app": "web"}}}
            ]}]}),
        );
        assert!(allowed(&c, &dev_web, &db, 5432));
        assert!(!allowed(&c, &dev_other, &db, 5432));
        assert!(!allowed(&c, &prod_web, &db, 5432), "prod is not team=b");
        c.delete(
            super::super::schema::lookup("netpol").unwrap(),
            "prod",
            "and",
        )
        .unwrap();
        policy(
            &mut c,
            "prod",
            "or",
            json!({"podSelector": {"matchLabels": {"app": "db"}}, "ingress": [{"from": [
                {"namespaceSelector": {"matchLabels": {"team": "b"}}}, {"podSelector": {"matchLabels": {"app": "web"}}}
            ]}]}),
        );
        assert!(allowed(&c, &dev_other, &db, 5432), "any pod of team=b");
        assert!(
            allowed(&c, &prod_web, &db, 5432),
            "web of the policy's namespace"
        );
    }

    #[test]
    fn a_pod_selector_alone_means_the_policys_namespace() {
        let mut c = cluster();
        policy(
            &mut c,
            "prod",
            "p",
            json!({"podSelector": {}, "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]}),
        );
        let db = pod("prod", "db", json!({"app": "db"}), "10.244.1.3");
        let dev_web = pod("dev", "web", json!({"app": "web"}), "10.244.2.2");
        assert!(!allowed(&c, &dev_web, &db, 80));
    }

    #[test]
    fn ports_numbers_names_ranges_and_protocols() {
        let mut c = cluster();
        policy(
            &mut c,
            "prod",
            "p",
            json!({"podSelector": {}, "ingress": [{"ports": [
                {"port": 5432}, {"port": "http"}, {"port": 8000, "endPort": 8010}, {"protocol": "UDP", "port": 53}
            ]}]}),
        );
        let a = pod("dev", "a", json!({}), "10.244.2.2");
        let b = pod("prod", "b", json!({}), "10.244.1.3");
        assert!(allowed(&c, &a, &b, 5432));
        assert!(allowed(&c, &a, &b, 80), "named port http is 80 on b");
        assert!(allowed(&c, &a, &b, 8005));
        assert!(!allowed(&c, &a, &b, 8011));
        assert!(!allowed(&c, &a, &b, 53), "53 is allowed for UDP only");
        assert!(evaluate(&c, &Endpoint::Pod(&a), &Endpoint::Pod(&b), 53, "UDP").allowed);
    }

    #[test]
    fn ip_blocks_with_except() {
        let mut c = cluster();
        policy(
            &mut c,
            "prod",
            "p",
            json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "172.17.0.0/16", "except": ["172.17.1.0/24"]}}]}]}),
        );
        let b = pod("prod", "b", json!({}), "10.244.1.3");
        let ext = |s: &str| Endpoint::External(s.parse().unwrap());
        assert!(evaluate(&c, &ext("172.17.5.5"), &Endpoint::Pod(&b), 80, "TCP").allowed);
        assert!(!evaluate(&c, &ext("172.17.1.5"), &Endpoint::Pod(&b), 80, "TCP").allowed);
        assert!(!evaluate(&c, &ext("8.8.8.8"), &Endpoint::Pod(&b), 80, "TCP").allowed);
        assert!(in_cidr("10.0.0.1".parse().unwrap(), "0.0.0.0/0"));
    }

    #[test]
    fn egress_default_deny_blocks_dns_until_allowed() {
        let mut c = cluster();
        let a = pod("prod", "a", json!({"app": "web"}), "10.244.1.2");
        let b = pod("prod", "b", json!({"app": "db"}), "10.244.1.3");
        policy(
            &mut c,
            "prod",
            "deny-egress",
            json!({"podSelector": {}, "policyTypes": ["Egress"]}),
        );
        assert!(!dns_allowed(&c, &a).allowed);
        assert!(!allowed(&c, &a, &b, 80));
        policy(
            &mut c,
            "prod",
            "dns",
            json!({"podSelector": {}, "policyTypes": ["Egress"], "egress": [{"ports": [{"port": 53, "protocol": "UDP"}, {"port": 53, "protocol": "TCP"}]}]}),
        );
        assert!(dns_allowed(&c, &a).allowed);
        assert!(!allowed(&c, &a, &b, 80));
        let v = evaluate(&c, &Endpoint::Pod(&a), &Endpoint::Pod(&b), 80, "TCP");
        assert_eq!(
            v.explain(),
            "egress of prod/a is isolated by policies prod/deny-egress, prod/dns and no rule allows it"
        );
    }

    #[test]
    fn pod_selector_column_text() {
        assert_eq!(
            pod_selector_text(&json!({"spec": {"podSelector": {}}})),
            "<none>"
        );
        assert_eq!(
            pod_selector_text(&json!({"spec": {"podSelector": {"matchLabels": {"app": "db"}}}})),
            "app=db"
        );
    }
}
