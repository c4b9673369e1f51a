//! The World of one attempt: the clusters (picked by kubeconfig context), each host's file system and
//! services, and the simulated clock. Setup builds a World, commands change it, the grader reads it.

use crate::cluster::{fnv, object, timestamp, Cluster};
use crate::vfs::Vfs;
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

mod kubeconfig;
mod kubeconfig_files;
mod kubeconfig_schema;
pub mod kubelet_start;
pub mod node_files;
pub mod packages;
pub mod system;

pub use kubeconfig::{AuthInfo, ClusterEntry, Context, KubeConfig, KUBECONFIG_PATH};
pub use kubeconfig_files::{Loaded, Sources};

/// The simulated clock: manual (tests, `kubedojo sh`, `check`) or following wall time (the TUI).
#[derive(Debug, Clone)]
pub enum Clock {
    Manual(DateTime<Utc>),
    Wall {
        origin: DateTime<Utc>,
        started: std::time::Instant,
        offset: Duration,
    },
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::Manual(t) => *t,
            Clock::Wall {
                origin,
                started,
                offset,
            } => *origin + Duration::milliseconds(started.elapsed().as_millis() as i64) + *offset,
        }
    }

    /// Moves simulated time forward (`sleep`, `kubectl wait`, one second per command line in `sh`).
    pub fn advance(&mut self, d: Duration) {
        match self {
            Clock::Manual(t) => *t += d,
            Clock::Wall { offset, .. } => *offset += d,
        }
    }
}

/// A machine of a cluster: its file system and systemd services.
#[derive(Debug, Clone)]
pub struct Host {
    pub name: String,
    /// The cluster whose node this host is.
    pub cluster: String,
    pub fs: Vfs,
    /// systemd units and whether they run (`kubelet`, `containerd`).
    pub services: BTreeMap<String, Service>,
    /// Installed Debian packages (kubeadm, kubelet, kubectl...) and the running kubelet's version.
    pub packages: packages::Packages,
    /// Why the kubelet exits as soon as systemd starts it (a broken unit, flag or config file),
    /// found when it was last started; systemd keeps restarting it while the unit is active.
    pub kubelet_error: Option<kubelet_start::StartError>,
    /// kubelet.service's unit file and drop-ins as systemd loaded them at boot or the last
    /// `systemctl daemon-reload` (see [`kubelet_start::unit_files`]): a (re)start runs this
    /// definition, not an edit made on disk since.
    pub loaded_units: Vec<(String, String)>,
}

impl Host {
    /// The folder the kubelet on this host reads static pod manifests from: the `staticPodPath` of
    /// `/var/lib/kubelet/config.yaml`, else `/etc/kubernetes/manifests`.
    pub fn static_pod_dir(&self) -> String {
        static_path(self.fs.read("/var/lib/kubelet/config.yaml").unwrap_or(""))
            .unwrap_or_else(|| "/etc/kubernetes/manifests".into())
    }

    /// Whether the kubelet service runs on this host (active, and not exiting at start).
    pub fn kubelet_running(&self) -> bool {
        self.services.get("kubelet").is_some_and(|s| s.active) && self.kubelet_error.is_none()
    }

    /// systemd (re)starts the kubelet from its loaded unit definition: it stays up unless
    /// something it needs is broken.
    pub fn start_kubelet(&mut self) {
        self.kubelet_error = kubelet_start::check(&self.loaded_units, &self.fs);
    }

    /// Whether kubelet.service's unit files changed on disk (by hand or by a package) since
    /// systemd loaded them: systemctl then warns to run `systemctl daemon-reload`.
    pub fn units_changed(&self) -> bool {
        self.packages.units_changed || self.loaded_units != kubelet_start::unit_files(&self.fs)
    }

    /// `systemctl daemon-reload`: systemd loads the unit files as they are on disk now.
    pub fn daemon_reload(&mut self) {
        self.loaded_units = kubelet_start::unit_files(&self.fs);
        self.packages.units_changed = false;
    }
}

/// A systemd unit's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub active: bool,
    pub enabled: bool,
}

/// A terminal attached to a container (`kubectl exec`, `kubectl run -i`): kubectl found and checked
/// the container; the shell runs `command` in its userland.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Attach {
    pub cluster: String,
    pub namespace: String,
    pub pod: String,
    pub container: String,
    pub command: Vec<String>,
    /// `-i`: the following input lines are the container's.
    pub stdin: bool,
    /// `-t`: a terminal (prompts are shown).
    pub tty: bool,
    /// `kubectl run --rm`: delete the pod when the command ends.
    pub remove: bool,
    /// Whether `kubectl run` made the pod (it prints how to attach again when the session ends).
    pub run: bool,
    /// `kubectl cp`: instead of `command`, the `tar` the real kubectl runs in the container.
    pub copy: Option<Copy>,
}

/// What `kubectl cp` asks the container's `tar` to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copy {
    /// `tar -xmf - -C DIR`: unpack the local file or folder named `base` at the container path
    /// `dest` (inside it when it is a folder). Each entry is a path relative to the copied file or
    /// folder (empty for a single file) and its content (`None` for a folder).
    In {
        dest: String,
        base: String,
        entries: Vec<(String, Option<String>)>,
    },
    /// `tar cf - SRC`: the container path `src` to the absolute host path `dest`.
    Out { src: String, dest: String },
}

/// Everything an attempt runs in.
#[derive(Debug, Clone)]
pub struct World {
    pub clusters: BTreeMap<String, Cluster>,
    pub hosts: BTreeMap<String, Host>,
    pub clock: Clock,
    pub images: Arc<crate::cluster::images::Lazy>,
    /// Per cluster, a fingerprint of what the static-pod sync last saw (manifests, kubelet states,
    /// the store's write counter), so an unchanged node is not re-read on every settle.
    static_seen: BTreeMap<String, u64>,
    /// Per cluster, the etcd data directory its store was last loaded from (the etcd manifest's
    /// `etcd-data` hostPath): pointing it at a restored snapshot rolls the cluster back.
    etcd_data: BTreeMap<String, String>,
    /// The etcd manifest last read per cluster (its fingerprint) and the data directory it names,
    /// so a settle does not parse an unchanged manifest again.
    etcd_manifest_seen: BTreeMap<String, (u64, Option<String>)>,
    /// What containers wrote that outlives one command: emptyDir volumes (by pod uid and volume),
    /// PersistentVolumes without a host path, and each container's own root file system.
    pub volumes: BTreeMap<String, Vfs>,
    /// Set by the shell while it can attach a terminal to a container; kubectl then leaves an
    /// [`Attach`] in `attach` instead of running the command itself.
    pub attach_enabled: bool,
    /// The container the last kubectl command asked to attach to.
    pub attach: Option<Attach>,
    /// How much of the last kubectl command's stderr it wrote before its first stdout (its
    /// warnings): the shell keeps that order when both streams go to one file or pipe.
    pub stderr_lead: usize,
    /// The boot settles of a World made with [`World::standard_deferred`] that have not run yet:
    /// the times the standard boot settles at, in order. Empty once booted.
    pending_boot: Vec<DateTime<Utc>>,
    /// The clusters of a World made with [`World::standard_deferred`] whose API objects
    /// (namespaces, nodes, system and RBAC objects) are not created yet: the cluster is in
    /// `clusters`, empty, until [`World::boot`] fills it, before the boot settles run.
    pending_fill: Vec<(ClusterSpec, u8)>,
}

/// Creates a new cluster's API objects: its namespaces, nodes, and the system, RBAC and kubeadm
/// objects a kubeadm cluster starts with.
fn fill_cluster(c: &mut Cluster, spec: &ClusterSpec, cluster_index: u8) {
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let _ = c.create(
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            false,
        );
    }
    let mut all_nodes = vec![spec.control_plane.clone()];
    all_nodes.extend(spec.workers.iter().cloned());
    for (i, n) in all_nodes.iter().enumerate() {
        let _ = c.create(node_object(n, i, i == 0, cluster_index), false);
    }
    for obj in system_objects()
        .into_iter()
        .chain(crate::cluster::rbac::bootstrap_objects())
        .chain(system::apiserver_endpoints(&node_ip(0, cluster_index)))
        .chain(system::kubeadm_objects(
            &spec.name,
            &spec.control_plane,
            KUBELET_CONFIG,
        ))
    {
        let _ = c.create(obj, false);
    }
}

/// The instant every default World starts at (tests and `check` are deterministic).
pub fn default_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 14, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

const MANIFESTS: &[(&str, &str)] = &[
    ("etcd.yaml", include_str!("../assets/manifests/etcd.yaml")),
    (
        "kube-apiserver.yaml",
        include_str!("../assets/manifests/kube-apiserver.yaml"),
    ),
    (
        "kube-controller-manager.yaml",
        include_str!("../assets/manifests/kube-controller-manager.yaml"),
    ),
    (
        "kube-scheduler.yaml",
        include_str!("../assets/manifests/kube-scheduler.yaml"),
    ),
];
/// The Kubernetes release a new cluster runs (its static pods' images, its nodes' packages).
pub const CLUSTER_RELEASE: &str = "1.32.1";
const KUBELET_CONFIG: &str = include_str!("../assets/kubelet-config.yaml");

/// How a cluster of the default shape is built.
#[derive(Debug, Clone)]
pub struct ClusterSpec {
    pub name: String,
    pub context: String,
    pub namespace: String,
    /// The control-plane node's name, then the workers'.
    pub control_plane: String,
    pub workers: Vec<String>,
}

impl Default for ClusterSpec {
    fn default() -> Self {
        ClusterSpec {
            name: "kubernetes".into(),
            context: "kubernetes-admin@kubernetes".into(),
            namespace: "default".into(),
            control_plane: "controlplane".into(),
            workers: vec!["node01".into(), "node02".into()],
        }
    }
}

impl World {
    /// An empty World at `now`.
    pub fn empty(clock: Clock) -> Self {
        World {
            clusters: BTreeMap::new(),
            hosts: BTreeMap::new(),
            clock,
            images: Arc::new(crate::cluster::images::Lazy::builtin()),
            static_seen: BTreeMap::new(),
            etcd_data: BTreeMap::new(),
            etcd_manifest_seen: BTreeMap::new(),
            volumes: BTreeMap::new(),
            attach_enabled: false,
            attach: None,
            stderr_lead: 0,
            pending_boot: Vec::new(),
            pending_fill: Vec::new(),
        }
    }

    /// The standard practice World: one kubeadm cluster with a control plane and two workers,
    /// running for ten days, on a manual clock.
    pub fn standard() -> Self {
        let mut w = World::standard_deferred();
        w.boot();
        w
    }

    /// The standard World with its boot settles not run yet: every object, host and kubeconfig
    /// entry is there, but the control plane's static pods and the controllers have not acted.
    /// [`World::boot`] runs them exactly as [`World::standard`] does, and the shell runs it before
    /// any command line that could read or change the state they produce; a process that only
    /// runs a client-side generator (`kubectl create deployment --dry-run=client -o yaml`) never
    /// pays for it.
    pub fn standard_deferred() -> Self {
        let mut w = World::empty(Clock::Manual(default_epoch()));
        w.add_cluster_unbooted(&ClusterSpec::default());
        w
    }

    /// Whether boot settles are still to run (see [`World::standard_deferred`]).
    pub fn boot_pending(&self) -> bool {
        !self.pending_boot.is_empty() || !self.pending_fill.is_empty()
    }

    /// Runs the boot settles left by [`World::standard_deferred`]; nothing once they ran.
    pub fn boot(&mut self) {
        for (spec, index) in std::mem::take(&mut self.pending_fill) {
            if let Some(c) = self.clusters.get_mut(&spec.name) {
                fill_cluster(c, &spec, index);
            }
        }
        for t in std::mem::take(&mut self.pending_boot) {
            self.settle_at(t);
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Adds a kubeadm-style cluster with its hosts and a kubeconfig context; the first context becomes current.
    pub fn add_cluster(&mut self, spec: &ClusterSpec) {
        self.add_cluster_unbooted(spec);
        self.boot();
    }

    /// [`World::add_cluster`] without running its boot settles: they wait in `pending_boot`.
    fn add_cluster_unbooted(&mut self, spec: &ClusterSpec) {
        self.boot();
        let now = self.now();
        let boot = now - Duration::days(10);
        let c = Cluster::empty(&spec.name, boot, self.images.clone());
        let cluster_index = self.clusters.len() as u8;
        let mut all_nodes = vec![spec.control_plane.clone()];
        all_nodes.extend(spec.workers.iter().cloned());
        self.clusters.insert(spec.name.clone(), c);
        // The API objects wait for the boot: a client-side generator never reads them.
        self.pending_fill.push((spec.clone(), cluster_index));
        for (i, n) in all_nodes.iter().enumerate() {
            let mut fs = Vfs::new();
            for d in [
                "/root",
                "/tmp",
                "/opt",
                "/etc/kubernetes/pki/etcd",
                "/var/lib/kubelet",
                "/var/lib/etcd",
                "/var/log/pods",
            ] {
                let _ = fs.mkdir_p(d);
            }
            let _ = fs.mkdir_p("/etc/kubernetes/manifests");
            let _ = fs.write("/var/lib/kubelet/config.yaml", KUBELET_CONFIG);
            let cp_ip = node_ip(0, cluster_index);
            if i == 0 {
                node_files::control_plane(&mut fs, n, &cp_ip, boot);
            }
            node_files::kubelet(&mut fs, &cp_ip, i == 0);
            if i == 0 {
                for (file, text) in MANIFESTS {
                    let text = text
                        .replace("172.30.1.2", &node_ip(0, cluster_index))
                        .replace("=controlplane=", &format!("={}=", spec.control_plane))
                        .replace(
                            "--name=controlplane",
                            &format!("--name={}", spec.control_plane),
                        );
                    let _ = fs.write(&format!("/etc/kubernetes/manifests/{file}"), &text);
                }
            }
            let mut services = BTreeMap::new();
            for s in ["kubelet", "containerd"] {
                services.insert(
                    s.to_string(),
                    Service {
                        active: true,
                        enabled: true,
                    },
                );
            }
            let loaded_units = kubelet_start::unit_files(&fs);
            self.hosts.insert(
                n.clone(),
                Host {
                    name: n.clone(),
                    cluster: spec.name.clone(),
                    loaded_units,
                    fs,
                    services,
                    packages: packages::Packages::kubeadm_node(CLUSTER_RELEASE),
                    kubelet_error: None,
                },
            );
        }
        self.add_admin_context(spec);
        // Let the cluster come up at boot time (the control plane's static pods start first, then the
        // controllers and the scheduler do their work), then bring it to now.
        for secs in [0, 5, 10, 20] {
            self.pending_boot.push(boot + Duration::seconds(secs));
        }
        self.pending_boot.push(now);
    }

    /// Runs every cluster's kubelets and controllers at the clock's time.
    ///
    /// A World whose boot is pending ([`World::standard_deferred`]) boots instead: its boot ends
    /// with a settle at the time it was made, and nothing has changed it since.
    pub fn settle(&mut self) {
        if self.boot_pending() {
            return self.boot();
        }
        let now = self.now();
        self.settle_at(now);
    }

    fn settle_at(&mut self, now: DateTime<Utc>) {
        let names: Vec<String> = self.clusters.keys().cloned().collect();
        for name in names {
            self.report_agents(&name, now);
            self.sync_etcd_data(&name);
            self.sync_static_pods(&name, now);
            if let Some(c) = self.clusters.get_mut(&name) {
                c.now = now;
                c.settle();
            }
        }
        self.drop_dead_pod_layers();
    }

    /// Forgets what containers of pods that no longer exist wrote (their root file systems and
    /// emptyDir volumes, kept by pod uid): a pod deleted, or replaced by one of the same name
    /// (a StatefulSet's), leaves nothing behind.
    fn drop_dead_pod_layers(&mut self) {
        let clusters = &self.clusters;
        self.volumes.retain(|key, _| {
            let uid = match key.split_once('/') {
                Some(("rootfs" | "emptyDir", rest)) => rest.split('/').next().unwrap_or(""),
                _ => return true,
            };
            clusters.values().any(|c| c.index.is_live(uid))
        });
    }

    /// When the control plane's etcd manifest names a new data directory holding a restored
    /// snapshot (`etcdutl snapshot restore --data-dir`), the cluster's objects become the snapshot's.
    fn sync_etcd_data(&mut self, cluster: &str) {
        let Some(host) = self.hosts.values().find(|h| {
            h.cluster == cluster
                && h.services.get("kubelet").is_some_and(|s| s.active)
                && h.fs.is_file("/etc/kubernetes/manifests/etcd.yaml")
        }) else {
            return;
        };
        let manifest = host
            .fs
            .read("/etc/kubernetes/manifests/etcd.yaml")
            .unwrap_or("");
        let print = fnv(manifest.as_bytes());
        let dir = match self.etcd_manifest_seen.get(cluster) {
            Some((p, dir)) if *p == print => dir.clone(),
            _ => {
                let dir = etcd_data_dir(manifest);
                self.etcd_manifest_seen
                    .insert(cluster.to_string(), (print, dir.clone()));
                dir
            }
        };
        let Some(dir) = dir else {
            return;
        };
        let seen = self
            .etcd_data
            .get(cluster)
            .cloned()
            .unwrap_or_else(|| "/var/lib/etcd".to_string());
        if seen == dir {
            return;
        }
        let db = host
            .fs
            .read(&format!("{dir}/member/snap/db"))
            .ok()
            .and_then(snapshot_objects);
        self.etcd_data.insert(cluster.to_string(), dir);
        if let (Some(objects), Some(c)) = (db, self.clusters.get_mut(cluster)) {
            c.load(objects);
            self.static_seen.remove(cluster);
        }
    }

    /// Tells a cluster which of its nodes' kubelets and container runtimes run.
    fn report_agents(&mut self, cluster: &str, now: DateTime<Utc>) {
        // A kubelet that exits at start is restarted by systemd every 10 seconds (Restart=always):
        // once the learner fixes what broke it, the next attempt comes up.
        for h in self.hosts.values_mut() {
            let active = h.services.get("kubelet").is_none_or(|s| s.active);
            if h.cluster == cluster && active && h.kubelet_error.is_some() {
                h.start_kubelet();
            }
        }
        let states: Vec<(String, bool, bool, String)> = self
            .hosts
            .values()
            .filter(|h| h.cluster == cluster)
            .map(|h| {
                let up = |unit: &str| h.services.get(unit).is_none_or(|s| s.active);
                (
                    h.name.clone(),
                    up("kubelet") && h.kubelet_error.is_none(),
                    up("containerd"),
                    h.packages.kubelet_running.clone(),
                )
            })
            .collect();
        let Some(c) = self.clusters.get_mut(cluster) else {
            return;
        };
        for (node, kubelet, runtime, version) in states {
            // A running kubelet reports its own version in the Node's status.
            let reported = format!("v{version}");
            if let Some(n) = c.peek("nodes", "", &node) {
                if kubelet && object::str_at(n, "status.nodeInfo.kubeletVersion") != reported {
                    let mut n = n.clone();
                    object::set(&mut n, "status.nodeInfo.kubeletVersion", json!(reported));
                    c.put_status("nodes", n);
                }
            }
            let changed = c
                .agents
                .get(&node)
                .is_none_or(|a| a.kubelet != kubelet || a.runtime != runtime);
            if changed {
                c.agents.insert(
                    node,
                    crate::cluster::Agent {
                        kubelet,
                        runtime,
                        since: now,
                    },
                );
            }
        }
    }

    /// Advances the clock by `secs`, letting the controllers act along the way (one-second steps for
    /// the first two minutes, then coarser), so a rollout or a crash loop progresses as it would in time.
    pub fn advance(&mut self, secs: i64) {
        self.boot();
        let mut left = secs.max(0);
        let mut walked = 0;
        while left > 0 {
            let step = if walked < 120 {
                1
            } else if walked < 1200 {
                10
            } else {
                60
            }
            .min(left);
            self.clock.advance(Duration::seconds(step));
            self.settle();
            left -= step;
            walked += step;
        }
        if secs <= 0 {
            self.settle();
        }
    }

    /// The kubelet's static pods: every manifest in a node's staticPodPath becomes a mirror pod `NAME-NODE`.
    /// A cheap fingerprint of everything the static-pod sync depends on.
    fn static_fingerprint(&self, cluster: &str) -> u64 {
        let mut h: u64 = self
            .clusters
            .get(cluster)
            .map(Cluster::write_counter)
            .unwrap_or(0);
        let mut mix = |x: u64| h = (h ^ x).wrapping_mul(0x100000001b3);
        for host in self.hosts.values().filter(|x| x.cluster == cluster) {
            mix(fnv(host.name.as_bytes()));
            mix(u64::from(
                host.services.get("kubelet").is_some_and(|s| s.active),
            ));
            let config = host.fs.read("/var/lib/kubelet/config.yaml").unwrap_or("");
            mix(fnv(config.as_bytes()));
            for dir in ["/etc/kubernetes/manifests"]
                .iter()
                .map(|d| d.to_string())
                .chain(static_path(config))
            {
                for f in host.fs.list(&dir).unwrap_or_default() {
                    mix(fnv(f.as_bytes()));
                    mix(fnv(host
                        .fs
                        .read(&format!("{dir}/{f}"))
                        .unwrap_or("")
                        .as_bytes()));
                }
            }
        }
        h
    }

    fn sync_static_pods(&mut self, cluster: &str, now: DateTime<Utc>) {
        let fingerprint = self.static_fingerprint(cluster);
        if self.static_seen.get(cluster) == Some(&fingerprint) {
            return;
        }
        self.sync_static_pods_now(cluster, now);
        let after = self.static_fingerprint(cluster);
        self.static_seen.insert(cluster.to_string(), after);
    }

    fn sync_static_pods_now(&mut self, cluster: &str, now: DateTime<Utc>) {
        let hosts: Vec<&Host> = self
            .hosts
            .values()
            .filter(|h| h.cluster == cluster)
            .collect();
        let mut desired: Vec<(String, Value)> = Vec::new(); // (node, pod)
        let mut managed_nodes = Vec::new();
        for h in hosts {
            let kubelet_up = h.services.get("kubelet").is_some_and(|s| s.active);
            if !kubelet_up {
                continue;
            }
            managed_nodes.push(h.name.clone());
            let config = h.fs.read("/var/lib/kubelet/config.yaml").unwrap_or("");
            let path = crate::kubectl::printers::yaml::read_one(config)
                .ok()
                .and_then(|v| {
                    v.get("staticPodPath")
                        .and_then(Value::as_str)
                        .map(String::from)
                })
                .unwrap_or_else(|| "/etc/kubernetes/manifests".into());
            let path = crate::vfs::normalize("/", &path);
            let Ok(files) = h.fs.list(&path) else {
                continue;
            };
            for f in files {
                if f.starts_with('.') {
                    continue;
                }
                let full = format!("{path}/{f}");
                let Ok(text) = h.fs.read(&full) else { continue };
                let Ok(mut pod) = crate::kubectl::printers::yaml::read_one(text) else {
                    continue;
                };
                if object::kind(&pod) != "Pod" || object::name(&pod).is_empty() {
                    continue;
                }
                let hash = format!(
                    "{:016x}",
                    fnv(serde_json::to_string(&pod).unwrap_or_default().as_bytes())
                );
                let name = format!("{}-{}", object::name(&pod), h.name);
                object::set(&mut pod, "metadata.name", json!(name));
                if object::namespace(&pod).is_empty() {
                    object::set(&mut pod, "metadata.namespace", json!("default"));
                }
                object::remove(&mut pod, "status");
                object::remove(&mut pod, "metadata.creationTimestamp");
                object::set(&mut pod, "spec.nodeName", json!(h.name));
                let ann = object::map_mut(&mut pod, "metadata.annotations");
                ann.insert("kubernetes.io/config.hash".into(), json!(hash));
                ann.insert("kubernetes.io/config.mirror".into(), json!(hash));
                ann.insert("kubernetes.io/config.seen".into(), json!(timestamp(now)));
                ann.insert("kubernetes.io/config.source".into(), json!("file"));
                desired.push((h.name.clone(), pod));
            }
        }
        let Some(c) = self.clusters.get_mut(cluster) else {
            return;
        };
        c.now = now;
        // Remove mirror pods whose manifest is gone (only on nodes whose kubelet runs).
        let existing: Vec<(String, String, String, String)> = c
            .list_all("pods")
            .iter()
            .filter_map(|p| {
                let ann = object::get(p, "metadata.annotations")?;
                let hash = ann
                    .get("kubernetes.io/config.mirror")?
                    .as_str()?
                    .to_string();
                Some((
                    object::namespace(p).to_string(),
                    object::name(p).to_string(),
                    object::str_at(p, "spec.nodeName").to_string(),
                    hash,
                ))
            })
            .collect();
        for (ns, name, node, hash) in &existing {
            if !managed_nodes.contains(node) {
                continue;
            }
            let keep = desired.iter().any(|(_, p)| {
                object::namespace(p) == ns
                    && object::name(p) == name
                    && object::get(p, "metadata.annotations")
                        .and_then(|a| a.get("kubernetes.io/config.hash"))
                        .and_then(Value::as_str)
                        == Some(hash)
            });
            if !keep {
                c.remove_raw("pods", ns, name);
            }
        }
        for (node, mut pod) in desired {
            if c.peek("pods", object::namespace(&pod), object::name(&pod))
                .is_some()
            {
                continue;
            }
            if let Some(n) = c.peek("nodes", "", &node) {
                let owner = json!([{"apiVersion": "v1", "controller": true, "kind": "Node", "name": node, "uid": object::str_at(n, "metadata.uid")}]);
                object::set(&mut pod, "metadata.ownerReferences", owner);
            }
            let _ = c.create(pod, false);
        }
    }
}

/// The first line of every etcd snapshot file `etcdctl snapshot save` writes in this World.
pub const ETCD_SNAPSHOT_HEADER: &str = "kubedojo etcd snapshot v1\n";

/// Whether a file's content is an etcd snapshot (what `etcdutl snapshot status` accepts).
pub fn is_etcd_snapshot(content: &str) -> bool {
    content.starts_with(ETCD_SNAPSHOT_HEADER)
}

/// The `etcd-data` hostPath of an etcd static pod manifest.
fn etcd_data_dir(manifest: &str) -> Option<String> {
    let v = crate::kubectl::printers::yaml::read_one(manifest).ok()?;
    v.pointer("/spec/volumes")?
        .as_array()?
        .iter()
        .find(|vol| vol.get("name").and_then(Value::as_str) == Some("etcd-data"))?
        .pointer("/hostPath/path")?
        .as_str()
        .map(|p| crate::vfs::normalize("/", p))
}

/// The objects an etcd snapshot file (as `etcdctl snapshot save` writes it here) holds.
pub fn snapshot_objects(text: &str) -> Option<Vec<Value>> {
    let line = text.lines().find_map(|l| l.strip_prefix("objects: "))?;
    serde_json::from_str(line).ok()
}

/// The staticPodPath a kubelet configuration names, if any.
fn static_path(config: &str) -> Option<String> {
    // The kubeadm default, checked on every settle for every node: no need to parse it.
    if config == KUBELET_CONFIG {
        return Some("/etc/kubernetes/manifests".into());
    }
    let v = crate::kubectl::printers::yaml::read_one(config).ok()?;
    v.get("staticPodPath")
        .and_then(Value::as_str)
        .map(|p| crate::vfs::normalize("/", p))
}

/// The InternalIP of the `i`th node of cluster `cluster_index` (control plane first).
pub fn node_ip(i: usize, cluster_index: u8) -> String {
    if i == 0 {
        format!("172.30.{}.2", 1 + cluster_index * 10)
    } else {
        format!("172.30.{}.{}", 2 + cluster_index * 10, 1 + i)
    }
}

fn node_object(name: &str, i: usize, control_plane: bool, cluster_index: u8) -> Value {
    let mut labels = json!({
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    });
    let mut taints = json!([]);
    if control_plane {
        labels["node-role.kubernetes.io/control-plane"] = json!("");
        labels["node.kubernetes.io/exclude-from-external-load-balancers"] = json!("");
        taints = json!([{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]);
    }
    let ip = node_ip(i, cluster_index);
    let cidr = format!("10.244.{i}.0/24");
    let cond = |t: &str, s: &str, reason: &str, msg: &str| json!({"type": t, "status": s, "reason": reason, "message": msg, "lastHeartbeatTime": null, "lastTransitionTime": null});
    let mut node = json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": labels,
            "annotations": {
                "kubeadm.alpha.kubernetes.io/cri-socket": "unix:///var/run/containerd/containerd.sock",
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {"podCIDR": cidr, "podCIDRs": [cidr]},
        "status": {
            "addresses": [{"address": ip, "type": "InternalIP"}, {"address": name, "type": "Hostname"}],
            "allocatable": {"cpu": "2", "ephemeral-storage": "19586931083", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "3912620Ki", "pods": "110"},
            "capacity": {"cpu": "2", "ephemeral-storage": "20134592Ki", "hugepages-1Gi": "0", "hugepages-2Mi": "0", "memory": "4015020Ki", "pods": "110"},
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": format!("{:08x}-0000-4000-8000-{:012x}", fnv(name.as_bytes()) as u32, fnv(name.as_bytes()) & 0xffff_ffff_ffff),
                "containerRuntimeVersion": "containerd://1.7.24",
                "kernelVersion": "5.15.0-131-generic",
                "kubeProxyVersion": "v1.32.1",
                "kubeletVersion": "v1.32.1",
                "machineID": format!("{:032x}", u128::from(fnv(name.as_bytes()))),
                "operatingSystem": "linux",
                "osImage": "Ubuntu 22.04.5 LTS",
                "systemUUID": format!("{:08x}-0000-4000-8000-{:012x}", fnv(ip.as_bytes()) as u32, fnv(ip.as_bytes()) & 0xffff_ffff_ffff),
            },
        },
    });
    if control_plane {
        object::set(&mut node, "spec.taints", taints);
    }
    node
}

fn system_objects() -> Vec<Value> {
    vec![
        // The API server creates these two at start-up in every cluster.
        json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-cluster-critical"},
            "value": 2000000000, "globalDefault": false, "preemptionPolicy": "PreemptLowerPriority",
            "description": "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."}),
        json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "system-node-critical"},
            "value": 2000001000, "globalDefault": false, "preemptionPolicy": "PreemptLowerPriority",
            "description": "Used for system critical pods that must not be moved from their current node."}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kubernetes", "namespace": "default",
            "labels": {"component": "apiserver", "provider": "kubernetes"}},
            "spec": {"clusterIP": "10.96.0.1", "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}]}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "kube-dns", "namespace": "kube-system",
            "labels": {"k8s-app": "kube-dns", "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS"},
            "annotations": {"prometheus.io/port": "9153", "prometheus.io/scrape": "true"}},
            "spec": {"clusterIP": "10.96.0.10", "selector": {"k8s-app": "kube-dns"}, "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
                "template": {"metadata": {"labels": {"k8s-app": "kube-dns"}}, "spec": {
                    "containers": [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3", "args": ["-conf", "/etc/coredns/Corefile"],
                        "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"}, {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"}, {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}],
                        "resources": {"limits": {"memory": "170Mi"}, "requests": {"cpu": "100m", "memory": "70Mi"}},
                        "volumeMounts": [{"mountPath": "/etc/coredns", "name": "config-volume", "readOnly": true}]}],
                    "volumes": [{"name": "config-volume", "configMap": {"name": "coredns", "items": [{"key": "Corefile", "path": "Corefile"}]}}],
                    "priorityClassName": "system-cluster-critical", "serviceAccountName": "coredns",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [{"key": "CriticalAddonsOnly", "operator": "Exists"}, {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]}}}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "coredns", "namespace": "kube-system"}}),
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "kube-proxy", "namespace": "kube-system"}}),
        json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"}},
            "spec": {"selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
                "template": {"metadata": {"labels": {"k8s-app": "kube-proxy"}}, "spec": {
                    "containers": [{"name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.32.1",
                        "command": ["kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                        "securityContext": {"privileged": true}}],
                    "hostNetwork": true, "priorityClassName": "system-node-critical", "serviceAccountName": "kube-proxy",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [{"operator": "Exists"}]}}}}),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_world_has_three_ready_nodes_and_running_system_pods() {
        let w = World::standard();
        let c = &w.clusters["kubernetes"];
        assert_eq!(c.count("nodes"), 3);
        let pods = c.list_ns("pods", "kube-system");
        let names: Vec<&str> = pods.iter().map(|p| object::name(p)).collect();
        assert!(names.contains(&"etcd-controlplane"), "{names:?}");
        assert!(
            names
                .iter()
                .filter(|n| n.starts_with("kube-proxy-"))
                .count()
                == 3,
            "{names:?}"
        );
        for p in pods {
            assert_eq!(
                object::str_at(p, "status.phase"),
                "Running",
                "{}",
                object::name(p)
            );
        }
    }
}
