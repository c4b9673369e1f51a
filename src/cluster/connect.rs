//! Opening a connection from a pod, as the network does it: resolve the name through cluster DNS
//! (itself a connection to kube-dns that egress policies can block), pick the pod behind a service's
//! ClusterIP through its endpoints, then ask the NetworkPolicy evaluator and whether anything listens.
//! `kubectl exec ... wget/curl/nc` and the grader's `reachable` assertion share this path.

use super::netpol::{self, Endpoint, Verdict};
use super::{object, Cluster};
use serde_json::Value;

/// How an attempt to connect ends.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The name does not exist in cluster DNS (NXDOMAIN).
    NoSuchHost,
    /// DNS lookups time out: egress to kube-dns on port 53 is blocked.
    DnsBlocked(Verdict),
    /// DNS lookups time out: no CoreDNS pod is ready behind the kube-dns Service.
    DnsDown,
    /// The connection is refused: no service port, no endpoint, or nothing listening.
    Refused { ip: String },
    /// Packets are dropped by a NetworkPolicy: the client times out.
    Blocked { ip: String, verdict: Verdict },
    /// Connected to `pod` on `port` (the container port after the service's DNAT).
    Open {
        ip: String,
        pod: Box<Value>,
        port: i64,
        verdict: Verdict,
    },
}

impl Outcome {
    /// The address the name resolved to, when it resolved.
    pub fn ip(&self) -> Option<&str> {
        match self {
            Outcome::Refused { ip } | Outcome::Blocked { ip, .. } | Outcome::Open { ip, .. } => {
                Some(ip)
            }
            _ => None,
        }
    }
}

/// Whether a name needs a DNS lookup (an IPv4 address does not).
fn is_name(host: &str) -> bool {
    host.trim_end_matches('.')
        .parse::<std::net::Ipv4Addr>()
        .is_err()
}

/// Connects from `pod` to `host:port` over `protocol`.
pub fn connect(c: &Cluster, pod: &Value, host: &str, port: i64, protocol: &str) -> Outcome {
    let loopback = host == "localhost" || host.starts_with("127.");
    if loopback {
        // The pod's own network namespace: no DNS, no policy, only what its containers listen on.
        let ip = if host == "localhost" {
            "127.0.0.1"
        } else {
            host
        }
        .to_string();
        if !listens(c, pod, port) || object::str_at(pod, "status.phase") != "Running" {
            return Outcome::Refused { ip };
        }
        return Outcome::Open {
            ip,
            pod: Box::new(pod.clone()),
            port,
            verdict: Verdict {
                allowed: true,
                allowed_by: Vec::new(),
                denied: None,
            },
        };
    }
    if is_name(host) {
        let dns = netpol::dns_allowed(c, pod);
        if !dns.allowed {
            return Outcome::DnsBlocked(dns);
        }
        if !super::dns::server_answers(c) {
            return Outcome::DnsDown;
        }
    }
    let Some((ip, svc)) = super::container::resolve(c, object::namespace(pod), host) else {
        return Outcome::NoSuchHost;
    };
    let refused = || Outcome::Refused { ip: ip.clone() };
    let target: Option<(Value, i64)> = match &svc {
        Some(s) => {
            let Some(sp) = object::array(s, "spec.ports")
                .iter()
                .find(|p| p.get("port").and_then(Value::as_i64) == Some(port))
                .cloned()
            else {
                return refused();
            };
            let first = c
                .peek("endpoints", object::namespace(s), object::name(s))
                .and_then(|e| {
                    object::array(e, "subsets")
                        .iter()
                        .flat_map(|ss| {
                            ss.get("addresses")
                                .and_then(Value::as_array)
                                .cloned()
                                .unwrap_or_default()
                        })
                        .next()
                });
            let Some(a) = first else { return refused() };
            let pname = a
                .get("targetRef")
                .and_then(|t| t.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            c.peek("pods", object::namespace(s), pname).and_then(|p| {
                super::controllers::endpoints::resolve_target_port(&sp, p).map(|tp| (p.clone(), tp))
            })
        }
        None => c
            .list_all("pods")
            .into_iter()
            .find(|p| object::str_at(p, "status.podIP") == ip)
            .map(|p| (p.clone(), port)),
    };
    let Some((tpod, tport)) = target else {
        return refused();
    };
    let verdict = netpol::evaluate(
        c,
        &Endpoint::Pod(pod),
        &Endpoint::Pod(&tpod),
        u16::try_from(tport).unwrap_or(0),
        protocol,
    );
    if !verdict.allowed {
        return Outcome::Blocked { ip, verdict };
    }
    if !listens(c, &tpod, tport) || object::str_at(&tpod, "status.phase") != "Running" {
        return refused();
    }
    Outcome::Open {
        ip,
        pod: Box::new(tpod),
        port: tport,
        verdict,
    }
}

/// Whether a container of the pod listens on the port: the image's known ports, or a declared
/// containerPort of an image the catalogue knows no ports of.
pub fn listens(c: &Cluster, pod: &Value, port: i64) -> bool {
    object::array(pod, "spec.containers").iter().any(|ct| {
        let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
        let declared = ct.get("ports").and_then(Value::as_array).is_some_and(|ps| {
            ps.iter()
                .any(|p| p.get("containerPort").and_then(Value::as_i64) == Some(port))
        });
        let known = c
            .images
            .resolve(image)
            .is_some_and(|i| i.ports.iter().any(|p| i64::from(*p) == port));
        known || (declared && c.images.resolve(image).is_some_and(|i| i.ports.is_empty()))
    })
}
