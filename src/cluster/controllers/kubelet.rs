//! The kubelet model: for every pod bound to a node, assign an IP and compute container states,
//! phase and conditions from the runtime model at the cluster's current time; emit the kubelet's events.

use super::runtime::{self, Program, Snapshot, State};
use super::set_condition;
use crate::cluster::images::full_name;
use crate::cluster::{fnv, object, parse_timestamp, timestamp, Cluster};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};

pub fn reconcile(c: &mut Cluster) -> bool {
    // Only pods that can still change: those written since the kubelet last found them stable.
    let keys: Vec<(String, String)> = c.kubelet_todo.iter().cloned().collect();
    let mut changed = false;
    let mut used_ips = UsedIps::default();
    for key in keys {
        // Shared, not copied: the pass copies only the pod it is about to rewrite.
        let Some(pod) = c.peek_shared("pods", &key.0, &key.1) else {
            c.kubelet_todo.remove(&key);
            c.kubelet_seen.remove(&key);
            continue;
        };
        let rv = object::str_at(&pod, "metadata.resourceVersion");
        if c.kubelet_seen
            .get(&key)
            .is_some_and(|(seen, at)| seen == rv && *at == c.now)
        {
            continue; // Looked at as it is, at this very time, and found unchanged.
        }
        let node = object::str_at(&pod, "spec.nodeName");
        if node.is_empty() {
            // Not bound yet: the binding writes the pod, which brings it back here.
            c.kubelet_todo.remove(&key);
            c.kubelet_seen.remove(&key);
            continue;
        }
        // A stopped kubelet reports nothing: its pods keep their last status.
        if c.agents.get(node).is_some_and(|a| !a.kubelet) {
            continue;
        }
        let (status, stable) = reconcile_pod(c, &pod, &mut used_ips);
        if status.is_none() && !stable && self_contained(&pod) {
            let seen = (rv.to_string(), c.now);
            c.kubelet_seen.insert(key.clone(), seen);
        } else {
            c.kubelet_seen.remove(&key);
        }
        // The store's copy is changed in place: the pass holds no share of it from here on.
        drop(pod);
        if let Some(status) = status {
            c.modify_in_place("pods", &key.0, &key.1, |p| {
                p["status"] = status;
                true
            });
            changed = true;
        }
        if stable {
            c.kubelet_todo.remove(&key);
        } else {
            c.kubelet_todo.insert(key);
        }
    }
    changed
}

/// Whether the kubelet's verdict on a pod depends on nothing but the pod, the clock and the image
/// catalogue: no probe, no ConfigMap or Secret its environment needs, no network client, no
/// CoreDNS (which reads its Corefile), and an IP already assigned (which reads the node).
fn self_contained(pod: &Value) -> bool {
    if object::str_at(pod, "status.podIP").is_empty() {
        return false;
    }
    let containers = object::array(pod, "spec.containers")
        .iter()
        .chain(object::array(pod, "spec.initContainers"));
    containers.into_iter().all(|ct| {
        let refs_config = ct.get("envFrom").is_some()
            || ct
                .get("env")
                .and_then(Value::as_array)
                .is_some_and(|env| env.iter().any(|e| e.get("valueFrom").is_some()));
        let probes = ["livenessProbe", "readinessProbe", "startupProbe"]
            .iter()
            .any(|p| ct.get(*p).is_some());
        !refs_config && !probes && !network_client(ct) && !crate::cluster::dns::is_coredns(ct)
    })
}

fn node_ip(c: &Cluster, node: &str) -> String {
    c.peek("nodes", "", node)
        .map(|n| {
            object::array(n, "status.addresses")
                .iter()
                .find(|a| a.get("type").and_then(Value::as_str) == Some("InternalIP"))
                .and_then(|a| a.get("address").and_then(Value::as_str))
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default()
}

/// The pod IPs in use, gathered once per kubelet pass (on first need) and kept up to date as the
/// pass hands out new ones, instead of scanning every pod for every new pod.
#[derive(Default)]
struct UsedIps(Option<std::collections::HashSet<String>>);

impl UsedIps {
    fn get(&mut self, c: &Cluster) -> &mut std::collections::HashSet<String> {
        self.0.get_or_insert_with(|| {
            c.list_all("pods")
                .iter()
                .map(|p| object::str_at(p, "status.podIP").to_string())
                .collect()
        })
    }
}

fn allocate_pod_ip(c: &Cluster, node: &str, used: &mut UsedIps) -> String {
    let cidr = c
        .peek("nodes", "", node)
        .map(|n| object::str_at(n, "spec.podCIDR").to_string())
        .unwrap_or_default();
    let base = cidr.split('/').next().unwrap_or("10.244.0.0");
    let octets: Vec<&str> = base.split('.').collect();
    if octets.len() != 4 {
        return String::new();
    }
    let prefix = format!("{}.{}.{}", octets[0], octets[1], octets[2]);
    let used = used.get(c);
    let ip = (2..255)
        .map(|i| format!("{prefix}.{i}"))
        .find(|ip| !used.contains(ip))
        .unwrap_or_else(|| format!("{prefix}.254"));
    used.insert(ip.clone());
    ip
}

fn secs_between(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    (b - a).num_seconds()
}

/// The pod as it would be with the status `np` holds (for the checks that look at the pod as a
/// whole, such as a probe reaching its IP).
fn with_status(pod: &Value, np: &Value) -> Value {
    let mut full = pod.clone();
    full["status"] = np["status"].clone();
    full
}

/// Works out one pod's status; returns (the new status if it changed, stable) where stable means
/// time alone cannot change it.
fn reconcile_pod(c: &mut Cluster, pod: &Value, used_ips: &mut UsedIps) -> (Option<Value>, bool) {
    let node = object::str_at(pod, "spec.nodeName").to_string();
    let host_network = object::get(pod, "spec.hostNetwork")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    // Only the status is worked on (a pod-shaped value holding a copy of it), so a pass over
    // pods whose status does not change copies no spec.
    let mut shell = serde_json::Map::new();
    let status = pod.get("status").cloned();
    shell.insert("status".into(), status.unwrap_or_else(|| json!({})));
    let mut np = Value::Object(shell);
    let now = c.now;
    let t0 = match parse_timestamp(object::str_at(pod, "status.startTime")) {
        Some(t) => t,
        None => {
            object::set(&mut np, "status.startTime", json!(timestamp(now)));
            now
        }
    };
    if object::str_at(&np, "status.podIP").is_empty() {
        let ip = if host_network {
            let ip = node_ip(c, &node);
            if let Some(used) = used_ips.0.as_mut() {
                used.insert(ip.clone());
            }
            ip
        } else {
            allocate_pod_ip(c, &node, used_ips)
        };
        let hip = node_ip(c, &node);
        let st = object::map_mut(&mut np, "status");
        st.insert("hostIP".into(), json!(hip));
        st.insert("hostIPs".into(), json!([{"ip": hip}]));
        st.insert("podIP".into(), json!(ip));
        st.insert("podIPs".into(), json!([{"ip": ip}]));
    }
    let elapsed = secs_between(t0, now).max(0);
    let policy = object::str_at(pod, "spec.restartPolicy").to_string();
    let policy = if policy.is_empty() {
        "Always".to_string()
    } else {
        policy
    };
    let init_policy = if policy == "Never" {
        "Never"
    } else {
        "OnFailure"
    };
    let catalog = c.images.clone();

    // Init containers run one after another.
    let mut start = 0i64;
    let mut init_done = true;
    let mut init_failed = false;
    let mut init_statuses = Vec::new();
    for ic in object::array(pod, "spec.initContainers") {
        let image = ic.get("image").and_then(Value::as_str).unwrap_or("");
        let prog = runtime::program(ic, &catalog);
        let image_ok = catalog.resolve(image).is_some();
        if !init_done {
            init_statuses.push(status_json(
                ic,
                &waiting("PodInitializing"),
                t0,
                false,
                image_ok,
            ));
            continue;
        }
        let snap = runtime::snapshot(&prog, image_ok, start, elapsed, init_policy);
        let statuses = "status.initContainerStatuses";
        emit_events(c, pod, ic, &snap, &prog, image_ok, statuses);
        let finished_ok = matches!(snap.state, State::Terminated { code: 0, .. });
        init_statuses.push(status_json(ic, &snap, t0, false, image_ok));
        if finished_ok {
            if let State::Terminated { finished, .. } = snap.state {
                start = finished;
            }
        } else {
            init_done = false;
            if snap.done {
                init_failed = true;
            }
        }
    }

    let mut statuses = Vec::new();
    let mut all_ready = true;
    let mut all_forever_ready = true;
    let mut any_running = false;
    let mut all_done = true;
    let mut any_failed = false;
    let mut all_started = true;
    let containers = object::array(pod, "spec.containers");
    // The whole pod with the status so far, for the checks that reach the pod itself (probes, a
    // network client's exec): made once, on first need, since the loop does not change `np`.
    let mut whole: Option<Value> = None;
    for ct in containers {
        let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
        let image_ok = catalog.resolve(image).is_some();
        if !init_done {
            let reason = "PodInitializing";
            statuses.push(status_json(ct, &waiting(reason), t0, false, image_ok));
            all_ready = false;
            all_done = false;
            all_started = false;
            continue;
        }
        let mut prog = runtime::program(ct, &catalog);
        // A one-shot network client (`wget -qO- svc`, `nc -z db 5432`) exits as its connection
        // ends: refused, blocked by a policy or unresolvable means a failed container.
        if image_ok && prog == (Program::Exits { secs: 0, code: 0 }) && network_client(ct) {
            let argv = crate::cluster::container::argv_of(ct);
            let code = crate::cluster::container::exec(
                c,
                whole.get_or_insert_with(|| with_status(pod, &np)),
                ct,
                &argv,
            )
            .code;
            prog = Program::Exits {
                secs: if code == 0 { 0 } else { 2 },
                code: i64::from(code),
            };
        }
        // CoreDNS loads its Corefile as it starts: a broken one stops it at once, on every restart
        // until the file is fixed. A running CoreDNS keeps the configuration it loaded.
        if image_ok && prog == Program::Forever && crate::cluster::dns::is_coredns(ct) {
            prog = coredns_program(c, pod, ct, elapsed);
        }
        // A process that allocates more than the memory limit is OOM-killed a moment after it starts.
        let oom = image_ok && oom_killed(ct);
        if oom {
            prog = Program::Exits { secs: 1, code: 137 };
        }
        // A failing liveness probe kills the container after failureThreshold failed periods.
        let mut liveness_failure = None;
        if let (Some(probe), false) = (ct.get("livenessProbe"), oom) {
            let after = super::probes::failure_after(probe);
            let runs_longer = match prog {
                Program::Forever => true,
                Program::Exits { secs, .. } => secs > after,
                Program::NotFound(_) | Program::CrashesUntil { .. } => false,
            };
            if image_ok && runs_longer {
                if let Err(why) = super::probes::run(
                    c,
                    whole.get_or_insert_with(|| with_status(pod, &np)),
                    ct,
                    probe,
                ) {
                    let serve = catalog
                        .resolve(image)
                        .is_some_and(|i| i.behaviour == crate::cluster::images::Behaviour::Serve)
                        && ct.get("command").is_none();
                    // A server shuts down cleanly on SIGTERM; a shell as PID 1 ignores it and is killed.
                    prog = Program::Exits {
                        secs: after,
                        code: if serve { 0 } else { 137 },
                    };
                    liveness_failure = Some(why);
                }
            }
        }
        let mut snap = runtime::snapshot(&prog, image_ok, start, elapsed, &policy);
        if oom {
            for st in [Some(&mut snap.state), snap.last.as_mut()]
                .into_iter()
                .flatten()
            {
                if let State::Terminated { reason, .. } = st {
                    *reason = "OOMKilled".into();
                }
            }
        }
        if let Some(why) = &liveness_failure {
            let old_restarts = object::array(pod, "status.containerStatuses")
                .iter()
                .find(|s| s.get("name") == ct.get("name"))
                .and_then(|s| s.get("restartCount"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let killed =
                matches!(snap.state, State::Terminated { .. }) || snap.restarts > old_restarts;
            let was_running = object::array(pod, "status.containerStatuses")
                .iter()
                .find(|s| s.get("name") == ct.get("name"))
                .is_some_and(|s| s.get("state").and_then(|st| st.get("running")).is_some());
            if killed && (was_running || snap.restarts > old_restarts) {
                let cname = ct.get("name").and_then(Value::as_str).unwrap_or("");
                let path = container_path(pod, cname);
                c.record_event_at(
                    pod,
                    &path,
                    "Warning",
                    "Unhealthy",
                    &format!("Liveness probe failed: {why}"),
                    "kubelet",
                );
                c.record_event_at(
                    pod,
                    &path,
                    "Normal",
                    "Killing",
                    &format!("Container {cname} failed liveness probe, will be restarted"),
                    "kubelet",
                );
            }
        }
        // A missing ConfigMap/Secret (or key) the container's env needs stops it being created.
        if image_ok
            && !matches!(&snap.state, State::Waiting { reason, .. } if reason == "ContainerCreating")
        {
            if let Some(msg) = config_error(c, pod, ct) {
                snap = Snapshot {
                    state: State::Waiting {
                        reason: "CreateContainerConfigError".into(),
                        message: Some(msg),
                    },
                    last: None,
                    restarts: 0,
                    since: 0,
                    done: false,
                    started_once: false,
                };
            }
        }
        let running_long_enough = matches!(snap.state, State::Running { started } if elapsed - started >= readiness_delay(ct));
        // The readiness probe decides readiness once the container runs.
        let probe_failure = match ct.get("readinessProbe") {
            Some(probe) if running_long_enough => super::probes::run(
                c,
                whole.get_or_insert_with(|| with_status(pod, &np)),
                ct,
                probe,
            )
            .err(),
            _ => None,
        };
        let ready = running_long_enough && probe_failure.is_none();
        if let Some(why) = &probe_failure {
            let msg = format!("Readiness probe failed: {why}");
            let uid = object::str_at(pod, "metadata.uid");
            let seen = c.events_in(object::namespace(pod)).any(|e| {
                e.involved_uid() == uid && e.reason() == "Unhealthy" && e.message() == msg
            });
            if !seen {
                let cname = ct.get("name").and_then(Value::as_str).unwrap_or("");
                let path = container_path(pod, cname);
                c.record_event_at(pod, &path, "Warning", "Unhealthy", &msg, "kubelet");
            }
        }
        all_ready &= ready;
        all_forever_ready &= ready && matches!(prog, Program::Forever);
        any_running |=
            matches!(snap.state, State::Running { .. }) || (snap.started_once && !snap.done);
        all_done &= snap.done;
        all_started &= snap.started_once;
        if let State::Terminated { code, .. } = snap.state {
            any_failed |= code != 0 && snap.done;
        }
        emit_events(
            c,
            pod,
            ct,
            &snap,
            &prog,
            image_ok,
            "status.containerStatuses",
        );
        statuses.push(status_json(ct, &snap, t0, ready, image_ok));
    }
    let phase = if init_failed {
        "Failed"
    } else if !init_done {
        "Pending"
    } else if all_done && !containers.is_empty() {
        if any_failed {
            "Failed"
        } else {
            "Succeeded"
        }
    } else if any_running && all_started {
        "Running"
    } else {
        "Pending"
    };
    let ts = timestamp(now);
    let t = |secs: i64| timestamp(t0 + Duration::seconds(secs));
    {
        let st = object::map_mut(&mut np, "status");
        st.insert("phase".into(), json!(phase));
        st.insert("containerStatuses".into(), Value::Array(statuses));
        if !init_statuses.is_empty() {
            st.insert("initContainerStatuses".into(), Value::Array(init_statuses));
        }
        st.insert("qosClass".into(), json!(super::scheduler::qos_class(pod)));
    }
    let _ = ts;
    let ready_str = if all_ready && init_done && phase == "Running" {
        "True"
    } else {
        "False"
    };
    let started_str = if elapsed >= 1 { "True" } else { "False" };
    set_condition(
        &mut np,
        "PodReadyToStartContainers",
        started_str,
        None,
        None,
        &t(1.min(elapsed)),
        false,
    );
    if init_done {
        set_condition(&mut np, "Initialized", "True", None, None, &t(start), false);
    } else {
        let names: Vec<&str> = object::array(pod, "spec.initContainers")
            .iter()
            .filter_map(|c| c.get("name").and_then(Value::as_str))
            .collect();
        set_condition(
            &mut np,
            "Initialized",
            "False",
            Some("ContainersNotInitialized"),
            Some(&format!(
                "containers with incomplete status: [{}]",
                names.join(" ")
            )),
            &t(0),
            false,
        );
    }
    let not_ready: Vec<String> = object::array(&np, "status.containerStatuses")
        .iter()
        .filter(|s| s.get("ready").and_then(Value::as_bool) != Some(true))
        .filter_map(|s| s.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    let transition = t(elapsed);
    if ready_str == "True" {
        set_condition(&mut np, "Ready", "True", None, None, &transition, false);
        set_condition(
            &mut np,
            "ContainersReady",
            "True",
            None,
            None,
            &transition,
            false,
        );
    } else {
        let (reason, msg) = if phase == "Succeeded" || phase == "Failed" {
            ("PodCompleted", None)
        } else {
            (
                "ContainersNotReady",
                Some(format!(
                    "containers with unready status: [{}]",
                    not_ready.join(" ")
                )),
            )
        };
        set_condition(
            &mut np,
            "Ready",
            "False",
            Some(reason),
            msg.as_deref(),
            &transition,
            false,
        );
        set_condition(
            &mut np,
            "ContainersReady",
            "False",
            Some(reason),
            msg.as_deref(),
            &transition,
            false,
        );
    }
    sort_conditions(&mut np);
    let stable = matches!(phase, "Succeeded" | "Failed")
        || (phase == "Running" && init_done && all_forever_ready);
    if pod.get("status") != Some(&np["status"]) {
        return (Some(np["status"].take()), stable);
    }
    (None, stable)
}

/// What a CoreDNS container does, from the Corefile mounted into it: the verdict is taken when the
/// pod's container first starts and kept (`Cluster::corefile_loads`), and a crash-looping one
/// recovers at the first restart after the file parses again.
fn coredns_program(c: &mut Cluster, pod: &Value, ct: &Value, elapsed: i64) -> Program {
    let uid = object::str_at(pod, "metadata.uid").to_string();
    let path = crate::cluster::dns::corefile_path(ct);
    let broken = match crate::cluster::container::files(c, pod, ct).get(&path) {
        Some(text) => crate::cluster::dns::corefile_error(text, &path).is_some(),
        None => true,
    };
    let name = ct.get("name").and_then(Value::as_str).unwrap_or("");
    let started = object::array(pod, "status.containerStatuses")
        .iter()
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
        .is_some_and(|s| {
            s.get("restartCount").and_then(Value::as_i64).unwrap_or(0) > 0
                || s.get("state")
                    .is_some_and(|st| st.get("running").is_some() || st.get("terminated").is_some())
        });
    match c.corefile_loads.get(&uid).copied() {
        None if broken && !started => {
            c.corefile_loads.insert(uid.clone(), None);
        }
        Some(None) if !broken => {
            c.corefile_loads.insert(uid.clone(), Some(elapsed));
        }
        _ => {}
    }
    match c.corefile_loads.get(&uid) {
        Some(until) => Program::CrashesUntil {
            until: *until,
            code: 1,
        },
        None => Program::Forever,
    }
}

fn sort_conditions(pod: &mut Value) {
    const ORDER: [&str; 5] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    if let Some(Value::Array(cs)) = object::get_mut(pod, "status.conditions") {
        cs.sort_by_key(|c| {
            ORDER
                .iter()
                .position(|o| c.get("type").and_then(Value::as_str) == Some(*o))
                .unwrap_or(9)
        });
    }
}

fn readiness_delay(ct: &Value) -> i64 {
    ct.get("readinessProbe")
        .and_then(|p| p.get("initialDelaySeconds"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

fn waiting(reason: &str) -> Snapshot {
    Snapshot {
        state: State::Waiting {
            reason: reason.into(),
            message: None,
        },
        last: None,
        restarts: 0,
        since: 0,
        done: false,
        started_once: false,
    }
}

fn container_id(seed: &str) -> String {
    let a = fnv(seed.as_bytes());
    let b = fnv(format!("{seed}#").as_bytes());
    let d = fnv(format!("{seed}##").as_bytes());
    let e = fnv(format!("{seed}###").as_bytes());
    format!("{a:016x}{b:016x}{d:016x}{e:016x}")
}

fn state_json(s: &State, t0: DateTime<Utc>, image: &str) -> Value {
    let t = |secs: i64| timestamp(t0 + Duration::seconds(secs));
    match s {
        State::Waiting { reason, message } => {
            let mut w = json!({"reason": reason});
            let msg = match (reason.as_str(), message) {
                (_, Some(m)) => Some(m.clone()),
                ("ImagePullBackOff", None) => Some(format!("Back-off pulling image \"{image}\"")),
                ("ErrImagePull", None) => Some(pull_error(image)),
                _ => None,
            };
            if let Some(m) = msg {
                w["message"] = json!(m);
            }
            json!({"waiting": w})
        }
        State::Running { started } => json!({"running": {"startedAt": t(*started)}}),
        State::Terminated {
            reason,
            code,
            started,
            finished,
            message,
        } => {
            let mut term = json!({
                "containerID": format!("containerd://{}", container_id(&format!("{image}{started}"))),
                "exitCode": code,
                "finishedAt": t(*finished),
                "reason": reason,
                "startedAt": t(*started),
            });
            if let Some(m) = message {
                term["message"] = json!(m);
            }
            json!({"terminated": term})
        }
    }
}

/// The runtime's message for an image that cannot be pulled.
pub fn pull_error(image: &str) -> String {
    let full = full_name(image);
    format!("rpc error: code = NotFound desc = failed to pull and unpack image \"{full}\": failed to resolve reference \"{full}\": {full}: not found")
}

fn status_json(
    ct: &Value,
    snap: &Snapshot,
    t0: DateTime<Utc>,
    ready: bool,
    image_ok: bool,
) -> Value {
    let name = ct.get("name").and_then(Value::as_str).unwrap_or("");
    let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
    let mut s = json!({
        "name": name,
        "image": if snap.started_once { full_name(image) } else { image.to_string() },
        "imageID": "",
        "lastState": snap.last.as_ref().map(|l| state_json(l, t0, image)).unwrap_or(json!({})),
        "ready": ready,
        "restartCount": snap.restarts,
        "started": matches!(snap.state, State::Running { .. }),
        "state": state_json(&snap.state, t0, image),
    });
    if snap.started_once && image_ok {
        let full = full_name(image);
        let (repo, _) = crate::cluster::images::split_reference(&full);
        s["imageID"] = json!(format!("{repo}@sha256:{}", container_id(repo)));
        s["containerID"] = json!(format!(
            "containerd://{}",
            container_id(&format!("{name}{}{}", image, snap.restarts))
        ));
    }
    s
}

/// The field path of a pod's container, as the kubelet's events name it.
fn container_path(pod: &Value, name: &str) -> String {
    let init = object::array(pod, "spec.initContainers")
        .iter()
        .any(|c| c.get("name").and_then(Value::as_str) == Some(name));
    let list = if init { "initContainers" } else { "containers" };
    format!("spec.{list}{{{name}}}")
}

/// The kubelet's events for a container whose state moved on since the pod's last status
/// (`statuses`: where that status lists this kind of container).
fn emit_events(
    c: &mut Cluster,
    pod: &Value,
    ct: &Value,
    snap: &Snapshot,
    prog: &Program,
    image_ok: bool,
    statuses: &str,
) {
    let name = ct.get("name").and_then(Value::as_str).unwrap_or("");
    let path = container_path(pod, name);
    let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
    let old = object::array(pod, statuses)
        .iter()
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
        .cloned();
    let old_reason = old
        .as_ref()
        .map(|o| {
            let st = o.get("state").cloned().unwrap_or(json!({}));
            if st.get("running").is_some() {
                "Running".to_string()
            } else if let Some(w) = st.get("waiting") {
                w.get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            } else if let Some(t) = st.get("terminated") {
                t.get("reason")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            } else {
                String::new()
            }
        })
        .unwrap_or_default();
    let old_restarts = old
        .as_ref()
        .and_then(|o| o.get("restartCount"))
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let new_reason = match &snap.state {
        State::Waiting { reason, .. } => reason.clone(),
        State::Running { .. } => "Running".into(),
        State::Terminated { reason, .. } => reason.clone(),
    };
    let old_message = old
        .as_ref()
        .and_then(|o| o.pointer("/state/waiting/message"))
        .and_then(Value::as_str);
    let new_message = match &snap.state {
        State::Waiting { message, .. } => message.as_deref(),
        _ => None,
    };
    // A config error that changes (a missing ConfigMap, then a missing key) is a new event.
    let config_changed = new_reason == "CreateContainerConfigError" && old_message != new_message;
    if new_reason == old_reason && snap.restarts == old_restarts && !config_changed {
        return;
    }
    let pod_ns = object::namespace(pod).to_string();
    let pod_name = object::name(pod).to_string();
    let uid = object::str_at(pod, "metadata.uid").to_string();
    match new_reason.as_str() {
        "ErrImagePull" => {
            c.record_event_at(
                pod,
                &path,
                "Normal",
                "Pulling",
                &format!("Pulling image \"{image}\""),
                "kubelet",
            );
            c.record_event_at(
                pod,
                &path,
                "Warning",
                "Failed",
                &format!("Failed to pull image \"{image}\": {}", pull_error(image)),
                "kubelet",
            );
            c.record_event_at(
                pod,
                &path,
                "Warning",
                "Failed",
                "Error: ErrImagePull",
                "kubelet",
            );
        }
        "ImagePullBackOff" => {
            c.record_event_at(
                pod,
                &path,
                "Normal",
                "BackOff",
                &format!("Back-off pulling image \"{image}\""),
                "kubelet",
            );
            c.record_event_at(
                pod,
                &path,
                "Warning",
                "Failed",
                "Error: ImagePullBackOff",
                "kubelet",
            );
        }
        "Running" | "Completed" | "Error" | "StartError" | "RunContainerError" if image_ok => {
            if old_restarts == 0
                && snap.restarts == 0
                && !old_reason.is_empty()
                && matches!(old_reason.as_str(), "ContainerCreating" | "PodInitializing")
            {
                c.record_event_at(
                    pod,
                    &path,
                    "Normal",
                    "Pulling",
                    &format!("Pulling image \"{image}\""),
                    "kubelet",
                );
                c.record_event_at(pod, &path, "Normal", "Pulled", &format!("Successfully pulled image \"{image}\" in 1.2s (1.2s including waiting). Image size: 4269183 bytes."), "kubelet");
            } else if snap.restarts > old_restarts {
                c.record_event_at(
                    pod,
                    &path,
                    "Normal",
                    "Pulled",
                    &format!("Container image \"{image}\" already present on machine"),
                    "kubelet",
                );
            }
            c.record_event_at(
                pod,
                &path,
                "Normal",
                "Created",
                &format!("Created container: {name}"),
                "kubelet",
            );
            if let Program::NotFound(_) = prog {
                // The runtime's message: of the state now, else of the last termination.
                let message = match (&snap.state, &snap.last) {
                    (
                        State::Terminated {
                            message: Some(m), ..
                        }
                        | State::Waiting {
                            message: Some(m), ..
                        },
                        _,
                    )
                    | (
                        _,
                        Some(State::Terminated {
                            message: Some(m), ..
                        }),
                    ) => Some(m),
                    _ => None,
                };
                if let Some(m) = message {
                    let msg = format!("Error: {m}");
                    c.record_event_at(pod, &path, "Warning", "Failed", &msg, "kubelet");
                }
            } else {
                c.record_event_at(
                    pod,
                    &path,
                    "Normal",
                    "Started",
                    &format!("Started container {name}"),
                    "kubelet",
                );
            }
        }
        "CreateContainerConfigError" => {
            if let State::Waiting {
                message: Some(m), ..
            } = &snap.state
            {
                c.record_event_at(
                    pod,
                    &path,
                    "Warning",
                    "Failed",
                    &format!("Error: {m}"),
                    "kubelet",
                );
            }
        }
        "CrashLoopBackOff" => {
            c.record_event_at(
                pod,
                &path,
                "Warning",
                "BackOff",
                &format!(
                    "Back-off restarting failed container {name} in pod {pod_name}_{pod_ns}({uid})"
                ),
                "kubelet",
            );
        }
        _ => {}
    }
}

/// Why the kubelet cannot build a container's environment: a ConfigMap or Secret (or one of its
/// keys) that `env` or `envFrom` names does not exist and is not optional.
fn config_error(c: &Cluster, pod: &Value, ct: &Value) -> Option<String> {
    let ns = object::namespace(pod);
    if let Some(msg) = non_root_error(c, pod, ct) {
        return Some(msg);
    }
    let optional = |r: &Value| r.get("optional").and_then(Value::as_bool) == Some(true);
    for ef in ct
        .get("envFrom")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        for (key, plural, kind) in [
            ("configMapRef", "configmaps", "configmap"),
            ("secretRef", "secrets", "secret"),
        ] {
            if let Some(r) = ef.get(key) {
                let name = r.get("name").and_then(Value::as_str).unwrap_or("");
                if !optional(r) && c.peek(plural, ns, name).is_none() {
                    return Some(format!("{kind} \"{name}\" not found"));
                }
            }
        }
    }
    for e in ct
        .get("env")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let Some(from) = e.get("valueFrom") else {
            continue;
        };
        for (key, plural, kind, title) in [
            ("configMapKeyRef", "configmaps", "configmap", "ConfigMap"),
            ("secretKeyRef", "secrets", "secret", "Secret"),
        ] {
            let Some(r) = from.get(key) else { continue };
            if optional(r) {
                continue;
            }
            let name = r.get("name").and_then(Value::as_str).unwrap_or("");
            let k = r.get("key").and_then(Value::as_str).unwrap_or("");
            match c.peek(plural, ns, name) {
                None => return Some(format!("{kind} \"{name}\" not found")),
                Some(o) => {
                    let has = object::get(o, "data").and_then(|d| d.get(k)).is_some()
                        || object::get(o, "binaryData")
                            .and_then(|d| d.get(k))
                            .is_some()
                        || object::get(o, "stringData")
                            .and_then(|d| d.get(k))
                            .is_some();
                    if !has {
                        return Some(format!("couldn't find key {k} in {title} {ns}/{name}"));
                    }
                }
            }
        }
    }
    None
}

/// `runAsNonRoot` (the container's setting wins over the pod's) with a container that would run as
/// uid 0: the kubelet refuses to create it.
fn non_root_error(c: &Cluster, pod: &Value, ct: &Value) -> Option<String> {
    let sc = |k: &str| {
        ct.get("securityContext")
            .and_then(|s| s.get(k))
            .or_else(|| object::get(pod, &format!("spec.securityContext.{k}")))
            .cloned()
    };
    if sc("runAsNonRoot").and_then(|v| v.as_bool()) != Some(true) {
        return None;
    }
    let who = format!(
        "(pod: \"{}_{}({})\", container: {})",
        object::name(pod),
        object::namespace(pod),
        object::str_at(pod, "metadata.uid"),
        ct.get("name").and_then(Value::as_str).unwrap_or("")
    );
    match sc("runAsUser").and_then(|v| v.as_i64()) {
        Some(0) => Some(format!(
            "container's runAsUser breaks non-root policy {who}"
        )),
        Some(_) => None,
        None => {
            let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
            let user = c.images.resolve(image).map(|i| i.user).unwrap_or(0);
            (user == 0)
                .then(|| format!("container has runAsNonRoot and image will run as root {who}"))
        }
    }
}

/// Whether the container's command allocates more memory than its limit (`stress --vm-bytes 250M`
/// under a 100Mi limit): the catalogue's stress images allocate what `--vm-bytes` says.
fn oom_killed(ct: &Value) -> bool {
    let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
    if !image.contains("stress") {
        return false;
    }
    let Some(limit) = ct
        .get("resources")
        .and_then(|r| r.get("limits"))
        .and_then(|l| l.get("memory"))
        .and_then(Value::as_str)
        .and_then(|q| crate::cluster::resources::parse("memory", q))
    else {
        return false;
    };
    let argv: Vec<&str> = ["command", "args"]
        .iter()
        .flat_map(|k| {
            ct.get(*k)
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .collect();
    let bytes = argv.iter().enumerate().find_map(|(i, a)| {
        let v = if *a == "--vm-bytes" {
            argv.get(i + 1).copied()
        } else {
            a.strip_prefix("--vm-bytes=")
        }?;
        // stress takes B/K/M/G suffixes as powers of 1024.
        let (num, mult) = match v.chars().last() {
            Some('K' | 'k') => (&v[..v.len() - 1], 1024.0),
            Some('M' | 'm') => (&v[..v.len() - 1], 1024.0 * 1024.0),
            Some('G' | 'g') => (&v[..v.len() - 1], 1024.0 * 1024.0 * 1024.0),
            Some('B' | 'b') => (&v[..v.len() - 1], 1.0),
            _ => (v, 1.0),
        };
        num.parse::<f64>().ok().map(|n| n * mult)
    });
    bytes.is_some_and(|b| b > limit)
}

/// Whether a container's command is a network client run once (not a loop around one).
fn network_client(ct: &Value) -> bool {
    let argv = crate::cluster::container::argv_of(ct);
    let text = argv.join(" ");
    let tools = ["wget", "curl", "nc", "nslookup"];
    let first = argv
        .first()
        .map(|a| a.rsplit('/').next().unwrap_or(a))
        .unwrap_or("");
    let looped = ["while ", "for ", "until "]
        .iter()
        .any(|k| text.contains(k));
    !looped
        && (tools.contains(&first)
            || crate::cluster::container::words(&text)
                .iter()
                .any(|w| tools.contains(&w.as_str())))
}
