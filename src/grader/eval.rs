//! Evaluating assertions: pure, `&World` in, findings out.

use super::Finding;
use crate::cluster::controllers::{pod_inactive, pod_ready};
use crate::cluster::selector::Selector;
use crate::cluster::{object, schema, Cluster};
use crate::scenario::model::{as_int, parse_compare, Assertion, Check};
use crate::world::{is_etcd_snapshot, World};
use serde_json::Value;

/// Where the assertions look: the task's cluster and default namespace, and a way to run a kubectl
/// query at grading time (for "write the output of ... to a file" tasks).
pub struct Target<'a> {
    pub cluster: &'a str,
    pub namespace: &'a str,
    pub query: &'a dyn Fn(&str) -> String,
}

/// Evaluates every assertion.
pub fn evaluate(world: &World, target: &Target<'_>, assertions: &[Assertion]) -> Vec<Finding> {
    assertions
        .iter()
        .map(|a| evaluate_one(world, target, a))
        .collect()
}

fn finding(description: String, a: &Assertion, result: Result<(), String>) -> Finding {
    match result {
        Ok(()) => Finding {
            description,
            points: a.points,
            passed: true,
            feedback: String::new(),
        },
        Err(found) => Finding {
            description,
            points: a.points,
            passed: false,
            feedback: format!("{} ({found})", a.feedback.trim_end_matches('.')),
        },
    }
}

/// `spec.containers[0].image` -> `spec.containers.0.image`; `metadata.labels['app.kubernetes.io/name']` keeps the key whole.
fn lookup_path<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = obj;
    let mut rest = path.trim_start_matches('.');
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("['") {
            let end = r.find("']")?;
            cur = cur.get(&r[..end])?;
            rest = r[end + 2..].trim_start_matches('.');
            continue;
        }
        if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let idx: usize = r[..end].parse().ok()?;
            cur = cur.get(idx)?;
            rest = r[end + 1..].trim_start_matches('.');
            continue;
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let key = &rest[..end];
        cur = match cur {
            Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
            _ => cur.get(key)?,
        };
        rest = rest[end..].trim_start_matches('.');
    }
    Some(cur)
}

/// A value as text for comparison and messages (strings without quotes).
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn toml_to_json(v: &toml::Value) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Loose equality: `6379` equals `"6379"`, as a grader that never fails a correct answer must accept.
fn loosely_equal(found: &Value, want: &Value) -> bool {
    found == want || text(found) == text(want)
}

fn get_obj<'a>(
    c: &'a Cluster,
    resource: &str,
    ns: &str,
    name: &str,
) -> Result<(&'a Value, &'static schema::ResourceType), String> {
    let rt = c
        .lookup_type(resource)
        .ok_or_else(|| format!("unknown resource type {resource}"))?;
    let ns = if rt.namespaced { ns } else { "" };
    c.peek(rt.plural, ns, name).map(|o| (o, rt)).ok_or_else(|| {
        if rt.namespaced {
            format!("{} {name} not found in namespace {ns}", rt.singular)
        } else {
            format!("{} {name} not found", rt.singular)
        }
    })
}

fn pod_summary(p: &Value) -> String {
    let phase = object::str_at(p, "status.phase");
    let waiting: Vec<String> = object::array(p, "status.containerStatuses")
        .iter()
        .chain(object::array(p, "status.initContainerStatuses"))
        .filter_map(|s| {
            s.get("state")
                .and_then(|st| st.get("waiting"))
                .and_then(|w| w.get("reason"))
                .and_then(Value::as_str)
                .map(String::from)
        })
        .collect();
    if waiting.is_empty() {
        phase.to_string()
    } else {
        format!("{phase}, {}", waiting.join(", "))
    }
}

fn evaluate_one(world: &World, t: &Target<'_>, a: &Assertion) -> Finding {
    let Some(c) = world.clusters.get(t.cluster) else {
        return finding(
            format!("cluster {}", t.cluster),
            a,
            Err(format!("cluster {} does not exist", t.cluster)),
        );
    };
    let ns_of = |n: &Option<String>| n.clone().unwrap_or_else(|| t.namespace.to_string());
    match &a.check {
        Check::Exists {
            resource,
            name,
            namespace,
        } => {
            let ns = ns_of(namespace);
            finding(
                format!("{resource} {ns}/{name} exists"),
                a,
                get_obj(c, resource, &ns, name).map(|_| ()),
            )
        }
        Check::Absent {
            resource,
            name,
            namespace,
        } => {
            let ns = ns_of(namespace);
            let r = match get_obj(c, resource, &ns, name) {
                Ok(_) => Err(format!("{resource} {name} still exists")),
                Err(_) => Ok(()),
            };
            finding(format!("{resource} {ns}/{name} is gone"), a, r)
        }
        Check::Field {
            resource,
            name,
            namespace,
            path,
            equals,
            contains,
            matches,
            compare,
        } => {
            let ns = ns_of(namespace);
            let desc = format!("{resource} {ns}/{name}: {path}");
            let r = get_obj(c, resource, &ns, name).and_then(|(o, _)| {
                let found = lookup_path(o, path);
                let shown = found.map(text).unwrap_or_else(|| "<none>".into());
                if let Some(want) = equals {
                    let want = toml_to_json(want);
                    if !found.is_some_and(|f| loosely_equal(f, &want)) {
                        return Err(format!("expected {}, found {shown}", text(&want)));
                    }
                }
                if let Some(sub) = contains {
                    let ok = match found {
                        Some(Value::Array(items)) => items
                            .iter()
                            .any(|i| text(i) == *sub || text(i).contains(sub.as_str())),
                        Some(v) => text(v).contains(sub.as_str()),
                        None => false,
                    };
                    if !ok {
                        return Err(format!("expected it to contain {sub:?}, found {shown}"));
                    }
                }
                if let Some(re) = matches {
                    let ok = regex::Regex::new(re)
                        .map(|r| found.is_some_and(|f| r.is_match(&text(f))))
                        .unwrap_or(false);
                    if !ok {
                        return Err(format!("expected it to match /{re}/, found {shown}"));
                    }
                }
                if let Some(cmp) = compare {
                    let (op, want) = parse_compare(cmp)
                        .ok_or_else(|| format!("cannot read the comparison {cmp:?}"))?;
                    let have = found.map(text).unwrap_or_default();
                    if !compare_values(&have, op, want) {
                        return Err(format!("expected a value {op} {want}, found {shown}"));
                    }
                }
                Ok(())
            });
            finding(desc, a, r)
        }
        Check::PodRunning { name, namespace } => {
            let ns = ns_of(namespace);
            let r = get_obj(c, "pod", &ns, name).and_then(|(p, _)| {
                if object::str_at(p, "status.phase") == "Running" && pod_ready(p) {
                    Ok(())
                } else {
                    Err(format!("pod is {}", pod_summary(p)))
                }
            });
            finding(format!("pod {ns}/{name} is Running and Ready"), a, r)
        }
        Check::Count {
            resource,
            namespace,
            selector,
            equals,
            node,
        } => {
            let ns = ns_of(namespace);
            let equals = &as_int(equals).unwrap_or(-1);
            let r = (|| {
                let rt = c
                    .lookup_type(resource)
                    .ok_or_else(|| format!("unknown resource type {resource}"))?;
                let sel = Selector::parse(selector)?;
                let n = c
                    .list(
                        rt,
                        if rt.namespaced {
                            Some(ns.as_str())
                        } else {
                            None
                        },
                        Some(&sel),
                    )
                    .into_iter()
                    .filter(|o| {
                        node.as_ref()
                            .is_none_or(|n| object::str_at(o, "spec.nodeName") == n.as_str())
                    })
                    .count() as i64;
                if n == *equals {
                    Ok(())
                } else {
                    Err(format!("expected {equals}, found {n}"))
                }
            })();
            let sel = if selector.is_empty() {
                String::new()
            } else {
                format!(" with {selector}")
            };
            let on = node
                .as_ref()
                .map(|n| format!(" on node {n}"))
                .unwrap_or_default();
            finding(format!("{equals} {resource}{sel} in {ns}{on}"), a, r)
        }
        Check::DeploymentReady {
            name,
            namespace,
            replicas,
        } => {
            let ns = ns_of(namespace);
            let replicas = &as_int(replicas).unwrap_or(-1);
            let r = get_obj(c, "deployment", &ns, name).and_then(|(d, _)| {
                let ready = object::i64_at(d, "status.readyReplicas").unwrap_or(0);
                if ready == *replicas && object::i64_at(d, "spec.replicas") == Some(*replicas) {
                    return Ok(());
                }
                // Say why pods are not ready.
                let sel = Selector::from_label_selector(
                    object::get(d, "spec.selector").unwrap_or(&Value::Null),
                );
                let mut reasons: std::collections::BTreeMap<String, usize> = Default::default();
                for p in c.list_ns("pods", &ns) {
                    if sel.matches(&object::labels(p)) && !pod_ready(p) {
                        *reasons.entry(pod_summary(p)).or_default() += 1;
                    }
                }
                let why: Vec<String> = reasons
                    .iter()
                    .map(|(r, n)| format!("{n} pods {r}"))
                    .collect();
                let why = if why.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", why.join("; "))
                };
                Err(format!(
                    "expected {replicas} ready replicas, found {ready}{why}"
                ))
            });
            finding(
                format!("deployment {ns}/{name} has {replicas} ready replicas"),
                a,
                r,
            )
        }
        Check::ServiceEndpoints {
            name,
            namespace,
            count,
        } => {
            let ns = ns_of(namespace);
            let count = &as_int(count).unwrap_or(-1);
            let r = get_obj(c, "service", &ns, name).and_then(|_| {
                let n = c
                    .peek("endpoints", &ns, name)
                    .map(|e| {
                        object::array(e, "subsets")
                            .iter()
                            .map(|s| {
                                s.get("addresses")
                                    .and_then(Value::as_array)
                                    .map(Vec::len)
                                    .unwrap_or(0)
                            })
                            .sum::<usize>()
                    })
                    .unwrap_or(0) as i64;
                if n == *count {
                    Ok(())
                } else {
                    Err(format!("expected {count} endpoints, found {n}"))
                }
            });
            finding(format!("service {ns}/{name} has {count} endpoints"), a, r)
        }
        Check::Reachable {
            from,
            from_selector,
            namespace,
            to,
            to_namespace,
            port,
            protocol,
            expect,
        } => {
            let ns = ns_of(namespace);
            let port = as_int(port).unwrap_or(-1);
            let label = from
                .clone()
                .or_else(|| from_selector.clone())
                .unwrap_or_default();
            let word = if *expect { "allowed" } else { "blocked" };
            let r = reachable(
                c,
                &ns,
                from.as_deref(),
                from_selector.as_deref(),
                to,
                to_namespace.as_deref(),
                port,
                protocol,
                *expect,
            );
            finding(format!("{label} -> {to}:{port} is {word}"), a, r)
        }
        Check::CanI {
            as_user,
            groups,
            verb,
            resource,
            subresource,
            name,
            namespace,
            expect,
        } => {
            let ns = ns_of(namespace);
            let (attrs, what) = can_i_attributes(verb, resource, subresource, name, &ns);
            let user = crate::cluster::rbac::UserInfo::impersonated(as_user, groups);
            let allowed = matches!(
                crate::cluster::rbac::authorize(c, &user, &attrs),
                crate::cluster::rbac::Decision::Allow
            );
            let want = if *expect { "allowed" } else { "denied" };
            let r = if allowed == *expect {
                Ok(())
            } else {
                let is = if allowed { "allowed" } else { "denied" };
                Err(format!(
                    "expected {as_user} to be {want} to {verb} {what}, it is {is}"
                ))
            };
            finding(format!("{as_user} is {want} to {verb} {what}"), a, r)
        }
        Check::File {
            path,
            host,
            equals,
            contains,
            matches,
            equals_output_of,
        } => {
            let r = (|| {
                let h = world
                    .hosts
                    .get(host)
                    .ok_or_else(|| format!("no host {host}"))?;
                let content = h.fs.read(path).map_err(|e| format!("{path}: {e}"))?;
                let shown = if content.len() > 80 {
                    format!("{:?}...", &content.chars().take(80).collect::<String>())
                } else {
                    format!("{content:?}")
                };
                if let Some(want) = equals {
                    if content.trim() != want.trim() {
                        return Err(format!("expected {want:?}, found {shown}"));
                    }
                }
                if let Some(sub) = contains {
                    if !content.contains(sub.as_str()) {
                        return Err(format!("expected it to contain {sub:?}, found {shown}"));
                    }
                }
                if let Some(re) = matches {
                    let ok = regex::Regex::new(re)
                        .map(|r| r.is_match(content))
                        .unwrap_or(false);
                    if !ok {
                        return Err(format!("expected it to match /{re}/, found {shown}"));
                    }
                }
                if let Some(cmd) = equals_output_of {
                    let want = (t.query)(cmd);
                    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                    if norm(content) != norm(&want) {
                        return Err(format!(
                            "expected the output of `{cmd}` ({:?}), found {shown}",
                            want.trim()
                        ));
                    }
                }
                Ok(())
            })();
            finding(format!("file {host}:{path}"), a, r)
        }
        Check::NodeDrained { node } => {
            let r = get_obj(c, "node", "", node).and_then(|_| {
                let left: Vec<String> = c
                    .list_all("pods")
                    .iter()
                    .filter(|p| object::str_at(p, "spec.nodeName") == node.as_str())
                    .filter(|p| !pod_inactive(p) && !drain_leaves(p))
                    .map(|p| format!("{}/{}", object::namespace(p), object::name(p)))
                    .collect();
                if left.is_empty() {
                    Ok(())
                } else {
                    Err(format!(
                        "expected no pods besides DaemonSet and static pods, found {} still on {node}: {}",
                        left.len(),
                        left.join(", ")
                    ))
                }
            });
            finding(format!("node {node} is drained"), a, r)
        }
        Check::Node {
            name,
            ready,
            schedulable,
            kubelet_version,
        } => {
            let mut wants = Vec::new();
            let r = get_obj(c, "node", "", name).and_then(|(n, _)| {
                let mut wrong = Vec::new();
                if let Some(want) = ready {
                    let cond = object::array(n, "status.conditions")
                        .iter()
                        .find(|c| c.get("type").and_then(Value::as_str) == Some("Ready"));
                    let is =
                        cond.and_then(|c| c.get("status")).and_then(Value::as_str) == Some("True");
                    wants.push(if *want { "Ready" } else { "NotReady" }.to_string());
                    if is != *want {
                        let why = cond
                            .and_then(|c| c.get("message"))
                            .and_then(Value::as_str)
                            .filter(|m| !m.is_empty())
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default();
                        wrong.push(format!(
                            "expected {}, found {}{why}",
                            if *want { "Ready" } else { "NotReady" },
                            if is { "Ready" } else { "NotReady" }
                        ));
                    }
                }
                if let Some(want) = schedulable {
                    let cordoned = object::get(n, "spec.unschedulable")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let word = |s: bool| if s { "schedulable" } else { "cordoned" };
                    wants.push(word(*want).to_string());
                    if cordoned == *want {
                        wrong.push(format!(
                            "expected {}, found {}",
                            word(*want),
                            word(!cordoned)
                        ));
                    }
                }
                if let Some(want) = kubelet_version {
                    let have = object::str_at(n, "status.nodeInfo.kubeletVersion");
                    wants.push(format!("kubelet {want}"));
                    if have != want.as_str() {
                        wrong.push(format!("expected kubelet {want}, found {have}"));
                    }
                }
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(wrong.join("; "))
                }
            });
            let what = if wants.is_empty() {
                "exists".to_string()
            } else {
                format!("is {}", wants.join(", "))
            };
            finding(format!("node {name} {what}"), a, r)
        }
        Check::StaticPod {
            name,
            node,
            namespace,
        } => {
            let ns = namespace.clone().unwrap_or_else(|| "default".to_string());
            let mirror = format!("{name}-{node}");
            let r = (|| {
                let host = world
                    .hosts
                    .get(node)
                    .ok_or_else(|| format!("no node {node}"))?;
                let dir = host.static_pod_dir();
                match c.peek("pods", &ns, &mirror) {
                    Some(p) if is_mirror(p) => Ok(()),
                    Some(_) => Err(format!(
                        "pod {mirror} exists but was created through the API, not from a manifest in {dir} on {node}"
                    )),
                    None if !host.kubelet_running() => Err(format!(
                        "no mirror pod {ns}/{mirror}, and the kubelet on {node} is not running"
                    )),
                    None => {
                        let files = host.fs.list(&dir).unwrap_or_default().join(", ");
                        Err(format!(
                            "no mirror pod {ns}/{mirror}: no manifest in {dir} on {node} defines a pod {name} in {ns} (files: {})",
                            if files.is_empty() { "none" } else { files.as_str() }
                        ))
                    }
                }
            })();
            finding(format!("static pod {name} runs on {node}"), a, r)
        }
        Check::Service {
            host,
            unit,
            active,
            enabled,
        } => {
            let r = (|| {
                let h = world
                    .hosts
                    .get(host)
                    .ok_or_else(|| format!("no host {host}"))?;
                let name = unit.trim_end_matches(".service");
                let svc = h
                    .services
                    .get(name)
                    .ok_or_else(|| format!("no unit {name}.service on {host}"))?;
                let mut wrong = Vec::new();
                if let Some(want) = active {
                    if svc.active != *want {
                        let word = |b: bool| if b { "active" } else { "inactive" };
                        wrong.push(format!(
                            "expected {}, found {}",
                            word(*want),
                            word(svc.active)
                        ));
                    }
                }
                if let Some(want) = enabled {
                    if svc.enabled != *want {
                        let word = |b: bool| if b { "enabled" } else { "disabled" };
                        wrong.push(format!(
                            "expected {} at boot, found {}",
                            word(*want),
                            word(svc.enabled)
                        ));
                    }
                }
                if wrong.is_empty() {
                    Ok(())
                } else {
                    Err(wrong.join("; "))
                }
            })();
            let mut what = Vec::new();
            if let Some(a) = active {
                what.push(if *a { "running" } else { "stopped" });
            }
            if let Some(e) = enabled {
                what.push(if *e { "enabled" } else { "disabled" });
            }
            finding(format!("{unit} on {host} is {}", what.join(" and ")), a, r)
        }
        Check::Kubeconfig {
            context,
            user,
            cluster,
            namespace,
            authenticates_as,
        } => {
            let r = (|| {
                let kc = world.home_kubeconfig();
                let ctx = kc
                    .contexts
                    .iter()
                    .find(|c| &c.name == context)
                    .ok_or_else(|| format!("no context {context} in the kubeconfig"))?;
                for (what, want, have) in [
                    ("user", user, &ctx.user),
                    ("cluster", cluster, &ctx.cluster),
                    ("namespace", namespace, &ctx.namespace),
                ] {
                    if let Some(w) = want {
                        if w != have {
                            return Err(format!(
                                "context {context} has {what} {:?}, expected {w}",
                                have
                            ));
                        }
                    }
                }
                if let Some(want) = authenticates_as {
                    let who = crate::kubectl::user_identity(world, &ctx.user, "controlplane")?;
                    if &who != want {
                        return Err(format!(
                            "the credentials of user {} authenticate as {who}, expected {want}",
                            ctx.user
                        ));
                    }
                }
                Ok(())
            })();
            let mut label = format!("kubeconfig context {context}");
            if let Some(u) = user {
                label.push_str(&format!(" with user {u}"));
            }
            finding(label, a, r)
        }
        Check::EtcdSnapshot { path, host } => {
            let r = (|| {
                let h = world
                    .hosts
                    .get(host)
                    .ok_or_else(|| format!("no host {host}"))?;
                let content = h.fs.read(path).map_err(|e| format!("{path}: {e}"))?;
                if is_etcd_snapshot(content) {
                    Ok(())
                } else {
                    let first = content.lines().next().unwrap_or("");
                    Err(format!(
                        "expected an etcd snapshot (written by `etcdctl snapshot save`), found a file starting {:?}",
                        first.chars().take(40).collect::<String>()
                    ))
                }
            })();
            finding(format!("file {host}:{path} is an etcd snapshot"), a, r)
        }
    }
}

/// Whether a pod is a static pod's mirror (made by the kubelet from a manifest file).
fn is_mirror(p: &Value) -> bool {
    object::get(p, "metadata.annotations")
        .and_then(|a| a.get("kubernetes.io/config.mirror"))
        .is_some()
}

/// Pods `kubectl drain` leaves on a node: DaemonSet pods (with `--ignore-daemonsets`) and mirror pods.
fn drain_leaves(p: &Value) -> bool {
    is_mirror(p)
        || object::array(p, "metadata.ownerReferences")
            .iter()
            .any(|r| r.get("kind").and_then(Value::as_str) == Some("DaemonSet"))
}

/// Compares as numbers (quantities such as `500m` and `1Gi` included) when both sides are numbers,
/// else as text.
fn compare_values(have: &str, op: &str, want: &str) -> bool {
    use std::cmp::Ordering;
    let num = |s: &str| {
        if s.trim().is_empty() {
            None
        } else {
            crate::cluster::controllers::pv::bytes(s)
        }
    };
    let ord = match (num(have), num(want)) {
        (Some(h), Some(w)) => h.partial_cmp(&w),
        _ => Some(have.cmp(want)),
    };
    let Some(ord) = ord else { return false };
    match op {
        "==" => ord == Ordering::Equal,
        "!=" => ord != Ordering::Equal,
        "<" => ord == Ordering::Less,
        "<=" => ord != Ordering::Greater,
        ">" => ord == Ordering::Greater,
        ">=" => ord != Ordering::Less,
        _ => false,
    }
}

/// The `reachable` check: every source pod must reach (or be blocked from) the target as expected.
#[allow(clippy::too_many_arguments)]
fn reachable(
    c: &Cluster,
    ns: &str,
    from: Option<&str>,
    from_selector: Option<&str>,
    to: &str,
    to_namespace: Option<&str>,
    port: i64,
    protocol: &str,
    expect: bool,
) -> Result<(), String> {
    use crate::cluster::connect::{connect, Outcome};
    let sources: Vec<&Value> = match (from, from_selector) {
        (Some(name), _) => vec![c
            .peek("pods", ns, name)
            .ok_or_else(|| format!("pod {name} not found in namespace {ns}"))?],
        (None, Some(sel)) => {
            let sel = Selector::parse(sel)?;
            let pods: Vec<&Value> = c
                .list_ns("pods", ns)
                .into_iter()
                .filter(|p| sel.matches(&object::labels(p)))
                .collect();
            if pods.is_empty() {
                return Err(format!("no pod matches {sel} in namespace {ns}"));
            }
            pods
        }
        (None, None) => return Err("no source pod given".into()),
    };
    let to_ns = to_namespace.unwrap_or(ns);
    // A pod name means its IP; a service name in another namespace needs that namespace.
    let host = if let Some(p) = c.peek("pods", to_ns, to) {
        let ip = object::str_at(p, "status.podIP");
        if ip.is_empty() {
            return Err(format!("pod {to} has no IP yet ({})", pod_summary(p)));
        }
        ip.to_string()
    } else if !to.contains('.') && c.peek("services", to_ns, to).is_some() {
        format!("{to}.{to_ns}")
    } else {
        to.to_string()
    };
    for src in sources {
        let name = object::name(src);
        let shown = format!("{name} -> {to}:{port}");
        let outcome = connect(c, src, &host, port, protocol);
        let (is_open, why) = match &outcome {
            Outcome::Open { verdict, .. } => (true, verdict.explain()),
            Outcome::Blocked { verdict, .. } => (false, verdict.explain()),
            Outcome::DnsBlocked(v) => (false, format!("DNS lookups time out: {}", v.explain())),
            Outcome::DnsDown => (
                false,
                "DNS lookups time out: no CoreDNS pod is ready behind the kube-dns Service".into(),
            ),
            Outcome::Refused { .. } => (false, "connection refused: nothing answers there".into()),
            Outcome::NoSuchHost => (false, format!("{to} does not resolve")),
        };
        let policy_denied = matches!(outcome, Outcome::Blocked { .. } | Outcome::DnsBlocked(_));
        if expect && !is_open {
            let state = if policy_denied {
                "blocked"
            } else {
                "not reachable"
            };
            return Err(format!(
                "expected {shown} to be allowed, it is {state}: {why}"
            ));
        }
        if !expect && !policy_denied {
            let state = if is_open {
                "allowed"
            } else {
                "not blocked by a policy"
            };
            return Err(format!(
                "expected {shown} to be blocked, it is {state}: {why}"
            ));
        }
    }
    Ok(())
}

/// The request a `can_i` assertion asks about, and how to name it in feedback.
fn can_i_attributes(
    verb: &str,
    resource: &str,
    subresource: &Option<String>,
    name: &Option<String>,
    ns: &str,
) -> (crate::cluster::rbac::Attributes, String) {
    use crate::cluster::rbac::Attributes;
    if resource.starts_with('/') {
        let attrs = Attributes {
            verb: verb.to_string(),
            path: resource.to_string(),
            ..Default::default()
        };
        return (attrs, resource.to_string());
    }
    let mut attrs = Attributes {
        verb: verb.to_string(),
        namespace: ns.to_string(),
        subresource: subresource.clone().unwrap_or_default(),
        name: name.clone().unwrap_or_default(),
        ..Default::default()
    };
    let mut namespaced = true;
    match schema::lookup(resource) {
        Some(rt) => {
            attrs.resource = rt.plural.to_string();
            attrs.group = rt.group.to_string();
            namespaced = rt.namespaced;
        }
        None => attrs.resource = resource.to_string(),
    }
    let mut what = attrs.resource.clone();
    if !attrs.subresource.is_empty() {
        what = format!("{what}/{}", attrs.subresource);
    }
    if !attrs.name.is_empty() {
        what = format!("{what} {}", attrs.name);
    }
    if !namespaced {
        attrs.namespace = String::new();
    } else if ns.is_empty() {
        what.push_str(" in all namespaces");
    } else {
        what = format!("{what} in namespace {ns}");
    }
    (attrs, what)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_with_indexes_and_quoted_keys() {
        let o = json!({"spec": {"containers": [{"image": "nginx"}]}, "metadata": {"labels": {"app.kubernetes.io/name": "web"}}});
        assert_eq!(
            lookup_path(&o, "spec.containers[0].image"),
            Some(&json!("nginx"))
        );
        assert_eq!(
            lookup_path(&o, ".spec.containers.0.image"),
            Some(&json!("nginx"))
        );
        assert_eq!(
            lookup_path(&o, "metadata.labels['app.kubernetes.io/name']"),
            Some(&json!("web"))
        );
        assert_eq!(lookup_path(&o, "spec.nope"), None);
    }

    #[test]
    fn comparisons_read_numbers_quantities_and_text() {
        assert_eq!(parse_compare(">= 3"), Some((">=", "3")));
        assert_eq!(parse_compare("!=node01"), Some(("!=", "node01")));
        assert_eq!(parse_compare("3"), None);
        assert!(compare_values("4", ">=", "3"));
        assert!(!compare_values("2", ">=", "3"));
        assert!(compare_values("10", ">", "9"), "numbers, not text");
        assert!(compare_values("500m", "<", "1"));
        assert!(compare_values("1Gi", "==", "1024Mi"));
        assert!(compare_values("node02", "!=", "node01"));
        assert!(
            compare_values("", "!=", "node01"),
            "a missing field is empty"
        );
        assert!(!compare_values("node01", "!=", "node01"));
    }

    #[test]
    fn numbers_and_strings_compare_loosely() {
        assert!(loosely_equal(&json!(6379), &json!("6379")));
        assert!(!loosely_equal(&json!(6379), &json!(6380)));
    }
}
