//! The container runtime model: what a container does, decided from its image and command, and where
//! it stands at a given time (creating, running, crashed and backing off, pull failures).

use crate::cluster::images::{Behaviour, Catalog};
use serde_json::Value;

/// What the container's process does once started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Program {
    /// Runs until stopped.
    Forever,
    /// Runs `secs` seconds, then exits with `code`.
    Exits { secs: i64, code: i64 },
    /// The executable does not exist in the image.
    NotFound(String),
    /// Exits with `code` as soon as it starts (a configuration it cannot load), on every start
    /// before `until` (seconds since the pod's start); from then on runs until stopped.
    CrashesUntil { until: Option<i64>, code: i64 },
}

/// Binaries the simulated images have.
const KNOWN_BINARIES: &[&str] = &[
    "stress",
    "sh",
    "bash",
    "ash",
    "sleep",
    "echo",
    "cat",
    "tail",
    "head",
    "env",
    "printenv",
    "date",
    "ls",
    "true",
    "false",
    "wget",
    "curl",
    "nc",
    "ping",
    "nslookup",
    "top",
    "nginx",
    "redis-server",
    "httpd",
    "mysqld",
    "postgres",
    "mongod",
    "python",
    "python3",
    "perl",
    "node",
    "kubectl",
    "touch",
    "mkdir",
    "cp",
    "mv",
    "rm",
    "grep",
    "yes",
    "watch",
    "whoami",
    "id",
    "hostname",
    "dd",
    "stress",
    "timeout",
    "tee",
    "find",
    "du",
    "df",
    "free",
    "uptime",
    "docker-entrypoint.sh",
    "/docker-entrypoint.sh",
    "entrypoint.sh",
    "memcached",
    "etcd",
    "kube-apiserver",
    "kube-scheduler",
    "kube-controller-manager",
    "kube-proxy",
    "coredns",
    "pause",
    "printf",
    "expr",
    "seq",
];

fn duration_secs(s: &str) -> Option<i64> {
    if s == "infinity" || s == "inf" {
        return Some(i64::MAX / 4);
    }
    let (num, unit) = match s.chars().last()? {
        'd' => (&s[..s.len() - 1], 86400.0),
        'h' => (&s[..s.len() - 1], 3600.0),
        'm' => (&s[..s.len() - 1], 60.0),
        's' => (&s[..s.len() - 1], 1.0),
        _ => (s, 1.0),
    };
    let n: f64 = num.parse().ok()?;
    Some((n * unit).ceil() as i64)
}

/// Reads a shell script the way it would run: loops run forever, `sleep N` takes N seconds, `exit K` ends it.
fn script(text: &str) -> Program {
    let lower = text.to_ascii_lowercase();
    if lower.contains("while true")
        || lower.contains("while :")
        || lower.contains("tail -f")
        || lower.contains("sleep infinity")
        || lower.contains("for ((;;))")
    {
        return Program::Forever;
    }
    let mut secs = 0i64;
    let mut code = 0i64;
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    let mut i = 0;
    while i < words.len() {
        match words[i] {
            "sleep" => {
                if let Some(n) = words.get(i + 1).and_then(|w| duration_secs(w)) {
                    secs = secs.saturating_add(n);
                }
            }
            "exit" => {
                code = words.get(i + 1).and_then(|w| w.parse().ok()).unwrap_or(0);
                break;
            }
            "false" if i == words.len() - 1 => code = 1,
            _ => {}
        }
        i += 1;
    }
    if secs >= i64::MAX / 8 {
        Program::Forever
    } else {
        Program::Exits { secs, code }
    }
}

/// Decides what a container does from its image, `command` and `args`.
pub fn program(container: &Value, catalog: &Catalog) -> Program {
    let strs = |k: &str| -> Vec<String> {
        container
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| {
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string())
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let command = strs("command");
    let args = strs("args");
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    let behaviour = catalog
        .resolve(image)
        .map(|i| i.behaviour)
        .unwrap_or(Behaviour::Serve);
    let argv: Vec<String> = if command.is_empty() {
        if args.is_empty() {
            return match behaviour {
                Behaviour::Serve => Program::Forever,
                Behaviour::Exit => Program::Exits { secs: 0, code: 0 },
            };
        }
        // Arguments to the image's own entrypoint: servers keep running; shells take them as a command.
        match behaviour {
            Behaviour::Serve => return Program::Forever,
            Behaviour::Exit => args,
        }
    } else {
        command.into_iter().chain(args).collect()
    };
    let bin = argv[0].rsplit('/').next().unwrap_or("").to_string();
    if !KNOWN_BINARIES.contains(&bin.as_str()) && !KNOWN_BINARIES.contains(&argv[0].as_str()) {
        return Program::NotFound(argv[0].clone());
    }
    if let Some(p) = control_plane_program(&bin, &argv[1..]) {
        return p;
    }
    match bin.as_str() {
        "sh" | "bash" | "ash" => {
            let pos = argv
                .iter()
                .position(|a| a == "-c" || a == "-ec" || a == "-xc");
            match pos.and_then(|p| argv.get(p + 1)) {
                Some(s) => script(s),
                None => Program::Exits { secs: 0, code: 0 },
            }
        }
        "sleep" => match argv.get(1).and_then(|a| duration_secs(a)) {
            Some(n) if n >= i64::MAX / 8 => Program::Forever,
            Some(n) => Program::Exits { secs: n, code: 0 },
            None => Program::Exits { secs: 0, code: 1 },
        },
        "tail" if argv.iter().any(|a| a == "-f" || a == "-F") => Program::Forever,
        "true" | "echo" | "printenv" | "env" | "date" | "cat" | "ls" | "printf" | "hostname"
        | "whoami" | "id" => Program::Exits { secs: 0, code: 0 },
        "false" => Program::Exits { secs: 0, code: 1 },
        "watch"
        | "top"
        | "yes"
        | "stress"
        | "nginx"
        | "redis-server"
        | "httpd"
        | "mysqld"
        | "postgres"
        | "mongod"
        | "memcached"
        | "etcd"
        | "kube-apiserver"
        | "kube-scheduler"
        | "kube-controller-manager"
        | "kube-proxy"
        | "coredns"
        | "pause" => Program::Forever,
        "docker-entrypoint.sh" | "entrypoint.sh" => Program::Forever,
        _ => Program::Exits { secs: 0, code: 0 },
    }
}

/// Flags each control-plane binary accepts (the ones kubeadm writes and those tasks add).
fn known_flags(bin: &str) -> &'static [&'static str] {
    match bin {
        "kube-apiserver" => &[
            "advertise-address",
            "allow-privileged",
            "authorization-mode",
            "client-ca-file",
            "enable-admission-plugins",
            "disable-admission-plugins",
            "enable-bootstrap-token-auth",
            "etcd-cafile",
            "etcd-certfile",
            "etcd-keyfile",
            "etcd-servers",
            "kubelet-client-certificate",
            "kubelet-client-key",
            "kubelet-preferred-address-types",
            "proxy-client-cert-file",
            "proxy-client-key-file",
            "requestheader-allowed-names",
            "requestheader-client-ca-file",
            "requestheader-extra-headers-prefix",
            "requestheader-group-headers",
            "requestheader-username-headers",
            "secure-port",
            "service-account-issuer",
            "service-account-key-file",
            "service-account-signing-key-file",
            "service-cluster-ip-range",
            "tls-cert-file",
            "tls-private-key-file",
            "audit-log-path",
            "audit-policy-file",
            "audit-log-maxage",
            "audit-log-maxbackup",
            "audit-log-maxsize",
            "encryption-provider-config",
            "runtime-config",
            "feature-gates",
            "v",
            "service-node-port-range",
            "anonymous-auth",
            "token-auth-file",
            "oidc-issuer-url",
            "oidc-client-id",
            "profiling",
            "event-ttl",
            "bind-address",
            "enable-aggregator-routing",
        ],
        "kube-scheduler" => &[
            "authentication-kubeconfig",
            "authorization-kubeconfig",
            "bind-address",
            "kubeconfig",
            "leader-elect",
            "config",
            "v",
            "feature-gates",
            "profiling",
            "secure-port",
        ],
        "kube-controller-manager" => &[
            "allocate-node-cidrs",
            "authentication-kubeconfig",
            "authorization-kubeconfig",
            "bind-address",
            "client-ca-file",
            "cluster-cidr",
            "cluster-name",
            "cluster-signing-cert-file",
            "cluster-signing-key-file",
            "controllers",
            "kubeconfig",
            "leader-elect",
            "requestheader-client-ca-file",
            "root-ca-file",
            "service-account-private-key-file",
            "service-cluster-ip-range",
            "use-service-account-credentials",
            "v",
            "feature-gates",
            "node-monitor-grace-period",
            "pod-eviction-timeout",
            "terminated-pod-gc-threshold",
            "horizontal-pod-autoscaler-sync-period",
            "profiling",
            "secure-port",
            "node-cidr-mask-size",
        ],
        "etcd" => &[
            "advertise-client-urls",
            "cert-file",
            "client-cert-auth",
            "data-dir",
            "experimental-initial-corrupt-check",
            "experimental-watch-progress-notify-interval",
            "initial-advertise-peer-urls",
            "initial-cluster",
            "key-file",
            "listen-client-urls",
            "listen-metrics-urls",
            "listen-peer-urls",
            "name",
            "peer-cert-file",
            "peer-client-cert-auth",
            "peer-key-file",
            "peer-trusted-ca-file",
            "snapshot-count",
            "trusted-ca-file",
            "initial-cluster-token",
            "initial-cluster-state",
        ],
        _ => &[],
    }
}

/// A control-plane binary with an unknown flag exits at once; an API server pointed at the wrong etcd
/// port gives up after its timeout. Other binaries: `None`.
fn control_plane_program(bin: &str, args: &[String]) -> Option<Program> {
    let known = known_flags(bin);
    if known.is_empty() {
        return None;
    }
    for a in args {
        let Some(flag) = a.strip_prefix("--") else {
            continue;
        };
        let name = flag.split('=').next().unwrap_or(flag);
        if !known.contains(&name) {
            return Some(Program::Exits { secs: 0, code: 1 });
        }
        if bin == "kube-apiserver" && name == "etcd-servers" {
            let value = flag.split_once('=').map(|(_, v)| v).unwrap_or("");
            if !value
                .split(',')
                .any(|u| u.trim_end_matches('/').ends_with(":2379"))
            {
                return Some(Program::Exits { secs: 20, code: 1 });
            }
        }
    }
    Some(Program::Forever)
}

/// The state of one container at a moment, with what the status API reports.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    Waiting {
        reason: String,
        message: Option<String>,
    },
    Running {
        started: i64,
    },
    Terminated {
        reason: String,
        code: i64,
        started: i64,
        finished: i64,
        message: Option<String>,
    },
}

/// A container's status at `now` (seconds since the pod's start); `restart_always` follows the pod's restartPolicy.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub state: State,
    pub last: Option<State>,
    pub restarts: i64,
    /// Seconds since the pod started at which it last changed state (for ages and events).
    pub since: i64,
    /// Terminated for good (no more restarts).
    pub done: bool,
    pub started_once: bool,
}

/// Seconds a container takes from the start of the pod to running (image pull and create).
pub const CREATE_SECS: i64 = 3;
/// Seconds an image pull failure shows as ErrImagePull before ImagePullBackOff.
const ERR_PULL_SECS: i64 = 5;

/// Runs the container's timeline from `start` (seconds since pod start at which this container may begin)
/// until `now`. `policy` is the pod's restartPolicy.
pub fn snapshot(program: &Program, image_ok: bool, start: i64, now: i64, policy: &str) -> Snapshot {
    let waiting = |r: &str, m: Option<String>| State::Waiting {
        reason: r.into(),
        message: m,
    };
    if now < start + CREATE_SECS {
        let reason = if start == 0 {
            "ContainerCreating"
        } else {
            "PodInitializing"
        };
        return Snapshot {
            state: waiting(reason, None),
            last: None,
            restarts: 0,
            since: start,
            done: false,
            started_once: false,
        };
    }
    if !image_ok {
        let t = now - start - CREATE_SECS;
        let reason = if t < ERR_PULL_SECS || (t / 30) % 3 == 2 && t % 30 < ERR_PULL_SECS {
            "ErrImagePull"
        } else {
            "ImagePullBackOff"
        };
        return Snapshot {
            state: waiting(reason, None),
            last: None,
            restarts: 0,
            since: start + CREATE_SECS,
            done: false,
            started_once: false,
        };
    }
    let mut t = start + CREATE_SECS;
    let mut restarts = 0i64;
    let mut last: Option<State> = None;
    for _ in 0..10_000 {
        let (run_for, code, reason, message) = match program {
            Program::Forever => {
                return Snapshot { state: State::Running { started: t }, last, restarts, since: t, done: false, started_once: true };
            }
            Program::Exits { secs, code } => (*secs, *code, if *code == 0 { "Completed" } else { "Error" }, None),
            Program::CrashesUntil { until, code } => {
                if until.is_some_and(|u| t >= u) {
                    return Snapshot { state: State::Running { started: t }, last, restarts, since: t, done: false, started_once: true };
                }
                (0, *code, "Error", None)
            }
            Program::NotFound(bin) => (
                0,
                128,
                "StartError",
                Some(format!("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: exec: \"{bin}\": executable file not found in $PATH: unknown")),
            ),
        };
        let end = t.saturating_add(run_for);
        if now < end {
            return Snapshot {
                state: State::Running { started: t },
                last,
                restarts,
                since: t,
                done: false,
                started_once: true,
            };
        }
        let term = State::Terminated {
            reason: reason.into(),
            code,
            started: t,
            finished: end,
            message: message.clone(),
        };
        let restart = policy == "Always" || (policy == "OnFailure" && code != 0);
        if !restart {
            return Snapshot {
                state: term,
                last,
                restarts,
                since: end,
                done: true,
                started_once: true,
            };
        }
        let backoff = (10i64 << restarts.min(5)).min(300);
        // Right after it ends the container shows its terminated state for a moment.
        if now < end + 1 {
            return Snapshot {
                state: term,
                last,
                restarts,
                since: end,
                done: false,
                started_once: true,
            };
        }
        if now < end + backoff {
            let msg = None;
            return Snapshot {
                state: State::Waiting {
                    reason: if matches!(program, Program::NotFound(_))
                        && restarts == 0
                        && now < end + 2
                    {
                        "RunContainerError".into()
                    } else {
                        "CrashLoopBackOff".into()
                    },
                    message: msg,
                },
                last: Some(term),
                restarts,
                since: end,
                done: false,
                started_once: true,
            };
        }
        last = Some(term);
        restarts += 1;
        t = end + backoff;
    }
    Snapshot {
        state: State::Waiting {
            reason: "CrashLoopBackOff".into(),
            message: None,
        },
        last,
        restarts,
        since: t,
        done: false,
        started_once: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn prog(c: Value) -> Program {
        program(&c, &Catalog::builtin())
    }

    #[test]
    fn programs_come_from_image_and_command() {
        assert_eq!(prog(json!({"image": "nginx"})), Program::Forever);
        assert_eq!(
            prog(json!({"image": "busybox"})),
            Program::Exits { secs: 0, code: 0 }
        );
        assert_eq!(
            prog(json!({"image": "busybox", "command": ["sleep", "3600"]})),
            Program::Exits {
                secs: 3600,
                code: 0
            }
        );
        assert_eq!(
            prog(json!({"image": "busybox", "command": ["sh", "-c", "echo hi; exit 1"]})),
            Program::Exits { secs: 0, code: 1 }
        );
        assert_eq!(
            prog(
                json!({"image": "busybox", "command": ["sh", "-c", "while true; do date; sleep 5; done"]})
            ),
            Program::Forever
        );
        assert_eq!(
            prog(json!({"image": "busybox", "command": ["sleeep", "2"]})),
            Program::NotFound("sleeep".into())
        );
        assert_eq!(
            prog(json!({"image": "busybox", "args": ["sleep", "10"]})),
            Program::Exits { secs: 10, code: 0 }
        );
    }

    #[test]
    fn a_crashing_container_backs_off_with_growing_restarts() {
        let p = Program::Exits { secs: 0, code: 1 };
        assert!(
            matches!(snapshot(&p, true, 0, 1, "Always").state, State::Waiting { ref reason, .. } if reason == "ContainerCreating")
        );
        let s = snapshot(&p, true, 0, 5, "Always");
        assert!(
            matches!(s.state, State::Waiting { ref reason, .. } if reason == "CrashLoopBackOff")
        );
        assert_eq!(s.restarts, 0);
        let s = snapshot(&p, true, 0, 100, "Always");
        assert!(s.restarts >= 2);
        let s = snapshot(&p, true, 0, 100, "Never");
        assert!(s.done);
    }
}
