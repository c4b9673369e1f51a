//! The scenario file format (`scenarios/**/*.toml`), as serde types. `docs/scenarios.md` documents it.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which exam a scenario prepares for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Exam {
    Cka,
    Ckad,
    Both,
}

/// The curriculum domains of both exams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Domain {
    /// CKA: Cluster Architecture, Installation & Configuration (25%).
    ClusterArchitecture,
    /// CKA: Workloads & Scheduling (15%).
    WorkloadsScheduling,
    /// CKA: Services & Networking (20%).
    ServicesNetworking,
    /// CKA: Storage (10%).
    Storage,
    /// CKA: Troubleshooting (30%).
    Troubleshooting,
    /// CKAD: Application Design and Build (20%).
    ApplicationDesignBuild,
    /// CKAD: Application Deployment (20%).
    ApplicationDeployment,
    /// CKAD: Application Observability and Maintenance (15%).
    ApplicationObservability,
    /// CKAD: Application Environment, Configuration and Security (25%).
    ApplicationEnvironment,
    /// CKAD: Services and Networking (20%).
    CkadServicesNetworking,
}

impl Domain {
    pub const ALL: [Domain; 10] = [
        Domain::ClusterArchitecture,
        Domain::WorkloadsScheduling,
        Domain::ServicesNetworking,
        Domain::Storage,
        Domain::Troubleshooting,
        Domain::ApplicationDesignBuild,
        Domain::ApplicationDeployment,
        Domain::ApplicationObservability,
        Domain::ApplicationEnvironment,
        Domain::CkadServicesNetworking,
    ];

    /// The curriculum's own name for the domain.
    pub fn title(self) -> &'static str {
        match self {
            Domain::ClusterArchitecture => "Cluster Architecture, Installation & Configuration",
            Domain::WorkloadsScheduling => "Workloads & Scheduling",
            Domain::ServicesNetworking => "Services & Networking",
            Domain::Storage => "Storage",
            Domain::Troubleshooting => "Troubleshooting",
            Domain::ApplicationDesignBuild => "Application Design and Build",
            Domain::ApplicationDeployment => "Application Deployment",
            Domain::ApplicationObservability => "Application Observability and Maintenance",
            Domain::ApplicationEnvironment => "Application Environment, Configuration and Security",
            Domain::CkadServicesNetworking => "Services and Networking",
        }
    }

    /// The id used in scenario files (`workloads-scheduling`).
    pub fn id(self) -> &'static str {
        match self {
            Domain::ClusterArchitecture => "cluster-architecture",
            Domain::WorkloadsScheduling => "workloads-scheduling",
            Domain::ServicesNetworking => "services-networking",
            Domain::Storage => "storage",
            Domain::Troubleshooting => "troubleshooting",
            Domain::ApplicationDesignBuild => "application-design-build",
            Domain::ApplicationDeployment => "application-deployment",
            Domain::ApplicationObservability => "application-observability",
            Domain::ApplicationEnvironment => "application-environment",
            Domain::CkadServicesNetworking => "ckad-services-networking",
        }
    }

    /// The exam the domain belongs to.
    pub fn exam(self) -> Exam {
        match self {
            Domain::ClusterArchitecture
            | Domain::WorkloadsScheduling
            | Domain::ServicesNetworking
            | Domain::Storage
            | Domain::Troubleshooting => Exam::Cka,
            _ => Exam::Ckad,
        }
    }

    /// The domain's weight in its exam, in percent.
    pub fn weight(self) -> u32 {
        match self {
            Domain::ClusterArchitecture => 25,
            Domain::WorkloadsScheduling => 15,
            Domain::ServicesNetworking => 20,
            Domain::Storage => 10,
            Domain::Troubleshooting => 30,
            Domain::ApplicationDesignBuild => 20,
            Domain::ApplicationDeployment => 20,
            Domain::ApplicationObservability => 15,
            Domain::ApplicationEnvironment => 25,
            Domain::CkadServicesNetworking => 20,
        }
    }
}

/// How hard a task is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Difficulty {
    Easy,
    #[default]
    Medium,
    Hard,
}

/// One scenario file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub exam: Exam,
    pub domain: Domain,
    #[serde(default)]
    pub difficulty: Difficulty,
    /// The task's weight in an exam.
    pub points: u32,
    /// Expected minutes to solve.
    pub minutes: u32,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The kubectl context the task runs in.
    #[serde(default)]
    pub context: ContextSpec,
    /// Random parameters, referred to as `{{name}}` in text, setup, solution and assertions.
    #[serde(default)]
    pub params: BTreeMap<String, Param>,
    #[serde(default)]
    pub setup: Setup,
    /// The task as the exam words it (Markdown).
    pub task: String,
    #[serde(default)]
    pub hints: Vec<String>,
    pub solution: Solution,
    #[serde(rename = "assert")]
    pub assertions: Vec<Assertion>,
}

/// The context (cluster and namespace) a task names.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ContextSpec {
    #[serde(default = "default_context_name")]
    pub name: String,
    #[serde(default = "default_cluster")]
    pub cluster: String,
    #[serde(default = "default_namespace")]
    pub namespace: String,
}

fn default_context_name() -> String {
    "kubernetes-admin@kubernetes".into()
}
fn default_cluster() -> String {
    "kubernetes".into()
}
fn default_namespace() -> String {
    "default".into()
}

impl Default for ContextSpec {
    fn default() -> Self {
        ContextSpec {
            name: default_context_name(),
            cluster: default_cluster(),
            namespace: default_namespace(),
        }
    }
}

/// A random parameter: one of a list, or an integer in an inclusive range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Param {
    #[serde(default)]
    pub choose: Vec<String>,
    #[serde(default)]
    pub range: Option<[i64; 2]>,
}

/// The starting state of a task.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Setup {
    /// Objects to create (multi-document YAML).
    #[serde(default)]
    pub yaml: String,
    /// Shell command lines run (as the learner would) after the objects exist.
    #[serde(default)]
    pub commands: Vec<String>,
    /// Files on hosts' file systems.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// Seconds of simulated time that pass after setup (so pods are Running, or crash-looping).
    #[serde(default = "default_settle")]
    pub settle_seconds: i64,
}

fn default_settle() -> i64 {
    30
}

/// A file placed on a host at setup.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub path: String,
    #[serde(default)]
    pub content: String,
    #[serde(default = "default_host")]
    pub host: String,
    /// Create a directory instead of a file.
    #[serde(default)]
    pub dir: bool,
}

fn default_host() -> String {
    "controlplane".into()
}

/// The reference solution.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    /// Command lines that solve the task.
    pub commands: Vec<String>,
    /// Why they work.
    pub explanation: String,
    /// The kubernetes.io documentation page a learner would open.
    #[serde(default)]
    pub docs: String,
}

/// One graded check, with its points and the feedback shown when it fails. (Unknown keys are
/// rejected by `Check`, which receives every key this struct does not take.)
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Assertion {
    #[serde(flatten)]
    pub check: Check,
    #[serde(default = "one")]
    pub points: u32,
    /// What the learner reads when the check fails (what was expected).
    pub feedback: String,
}

fn tcp() -> String {
    "TCP".to_string()
}

fn one() -> u32 {
    1
}

/// What an assertion checks.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "check", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The object exists.
    Exists {
        resource: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// The object does not exist.
    Absent {
        resource: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// A field of the object (dotted path with `[i]` indexes, e.g. `spec.containers[0].image`).
    Field {
        resource: String,
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        path: String,
        #[serde(default)]
        equals: Option<toml::Value>,
        #[serde(default)]
        contains: Option<String>,
        #[serde(default)]
        matches: Option<String>,
        /// A comparison written `"<op> <value>"` with op one of `==`, `!=`, `<`, `<=`, `>`, `>=`
        /// (`">= 3"`, `"!= node01"`). Numbers compare as numbers (quantities like `500m` or `1Gi`
        /// too); a missing field compares as an empty string.
        #[serde(default)]
        compare: Option<String>,
    },
    /// The pod is Running with all containers ready.
    PodRunning {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// The count of objects of a kind matching a label selector.
    Count {
        resource: String,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        selector: String,
        equals: toml::Value,
        /// Count only pods bound to this node (`spec.nodeName`); for "none of them on node01".
        #[serde(default)]
        node: Option<String>,
    },
    /// The deployment has this many ready replicas.
    DeploymentReady {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        replicas: toml::Value,
    },
    /// The service has this many endpoint addresses (ready pods behind it).
    ServiceEndpoints {
        name: String,
        #[serde(default)]
        namespace: Option<String>,
        count: toml::Value,
    },
    /// Whether a connection from a pod (by name or label selector, in `namespace`) to `to` (a pod
    /// name, a service name, a DNS name such as `db.prod.svc.cluster.local`, or an IP) on `port` is
    /// allowed (`expect = true`) or dropped by NetworkPolicies (`expect = false`).
    Reachable {
        #[serde(default)]
        from: Option<String>,
        #[serde(default)]
        from_selector: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        to: String,
        /// The namespace of `to` when it names a pod or service (default: the source's namespace).
        #[serde(default)]
        to_namespace: Option<String>,
        port: toml::Value,
        #[serde(default = "tcp")]
        protocol: String,
        expect: bool,
    },
    /// A file on a host exists and (optionally) has content that equals / contains / matches.
    File {
        path: String,
        #[serde(default = "default_host")]
        host: String,
        #[serde(default)]
        equals: Option<String>,
        #[serde(default)]
        contains: Option<String>,
        #[serde(default)]
        matches: Option<String>,
        /// The file's content must equal what this command prints at grading time (trimmed).
        #[serde(default)]
        equals_output_of: Option<String>,
    },
    /// Every pod bound to the node has been moved away, except DaemonSet pods and static (mirror)
    /// pods, which `kubectl drain` leaves in place; finished pods do not count.
    NodeDrained { node: String },
    /// A node's state: any of Ready, schedulable (not cordoned), and the kubelet version it reports.
    Node {
        name: String,
        #[serde(default)]
        ready: Option<bool>,
        #[serde(default)]
        schedulable: Option<bool>,
        #[serde(default)]
        kubelet_version: Option<String>,
    },
    /// A static pod `name` runs on `node`: a manifest in the node's staticPodPath made the kubelet
    /// create the mirror pod `name-node` (a pod created through the API does not count).
    StaticPod {
        name: String,
        node: String,
        #[serde(default)]
        namespace: Option<String>,
    },
    /// A systemd unit on a host (`kubelet`, `containerd`) is running and/or enabled at boot.
    Service {
        host: String,
        unit: String,
        #[serde(default)]
        active: Option<bool>,
        #[serde(default)]
        enabled: Option<bool>,
    },
    /// The file on the host is a valid etcd snapshot (what `etcdctl snapshot save` writes and
    /// `etcdutl snapshot status` accepts).
    EtcdSnapshot {
        path: String,
        #[serde(default = "default_host")]
        host: String,
    },
    /// The learner's kubeconfig has the context, with the given user, cluster and namespace when
    /// set; `authenticates_as` also asks that its user's credentials (client certificate and key,
    /// files on the control plane or embedded) make the API server see that user name.
    Kubeconfig {
        context: String,
        #[serde(default)]
        user: Option<String>,
        #[serde(default)]
        cluster: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default)]
        authenticates_as: Option<String>,
    },
    /// RBAC allows (or denies, `expect = false`) an identity a verb on a resource, as
    /// `kubectl auth can-i VERB RESOURCE[/NAME] --as USER -n NS` would answer.
    CanI {
        /// The user (`jane`, `system:serviceaccount:dev:bot`).
        #[serde(rename = "as")]
        as_user: String,
        #[serde(default)]
        groups: Vec<String>,
        verb: String,
        /// A resource type (`pods`, `deployments.apps`), or a non-resource URL starting with `/`.
        resource: String,
        #[serde(default)]
        subresource: Option<String>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        namespace: Option<String>,
        #[serde(default = "yes")]
        expect: bool,
    },
}

fn yes() -> bool {
    true
}

/// A number written as an integer or as a string (`"{{replicas}}"` after substitution).
pub fn as_int(v: &toml::Value) -> Option<i64> {
    match v {
        toml::Value::Integer(i) => Some(*i),
        toml::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The comparison operators of a field check's `compare`, longest first.
const COMPARE_OPS: [&str; 6] = [">=", "<=", "!=", "==", ">", "<"];

/// `">= 3"` -> (`>=`, `3`); None when it does not start with an operator.
pub fn parse_compare(s: &str) -> Option<(&'static str, &str)> {
    let s = s.trim();
    COMPARE_OPS
        .iter()
        .find(|op| s.starts_with(**op))
        .map(|op| (*op, s[op.len()..].trim()))
}
