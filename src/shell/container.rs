//! The shell inside a container: `kubectl exec [-it] POD -- CMD` and `kubectl run -it --rm`.
//!
//! kubectl finds and checks the container and leaves a [`crate::world::Attach`]; the shell then runs
//! the command (or, for an interactive `sh`, every following line until `exit`) with the learner's
//! own bash grammar, over a file system assembled for the container, its environment, its user and
//! the tools its image ships (busybox or a Debian base). What the container writes is kept where a
//! real one would keep it: emptyDir volumes live as long as the pod (shared by its containers),
//! hostPath and hostPath-backed PersistentVolumes are the node's own files, other PersistentVolumes
//! outlive the pod, and the root file system belongs to the container.

use super::exec::{self, Env, Io};
use crate::cluster::container as userland;
use crate::cluster::images::Userland;
use crate::cluster::object;
use crate::vfs::Vfs;
use crate::world::{Attach, World};
use crate::Output;
use serde_json::Value;
use std::collections::BTreeMap;

/// Where a mounted volume's files are kept.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Source {
    /// In `World::volumes` under this key (emptyDir, PersistentVolumes without a host path).
    Store(String),
    /// On a node's file system (hostPath, hostPath PersistentVolumes).
    Host { node: String, path: String },
    /// Made from API objects (ConfigMap, Secret, projected): rebuilt each time, never written back.
    Generated,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Mount {
    path: String,
    source: Source,
    read_only: bool,
}

/// What the host shell was before it entered the container, to come back to with `exit`.
#[derive(Debug, Clone)]
struct HostState {
    host: String,
    cwd: String,
    user: String,
    vars: BTreeMap<String, String>,
    aliases: BTreeMap<String, String>,
}

/// A shell running in a container.
#[derive(Debug, Clone)]
pub struct Session {
    pub attach: Attach,
    pod_uid: String,
    node: String,
    pub userland: Userland,
    /// Programs the image adds to its userland.
    extra: Vec<String>,
    /// The shell program (`sh`, `bash`, `ash`); names its messages and picks the prompt.
    pub shell: String,
    pub uid: i64,
    pub gid: i64,
    pub groups: Vec<i64>,
    read_only_root: bool,
    mounts: Vec<Mount>,
    /// The container's file system for the running line (assembled before, written back after).
    pub fs: Vfs,
    saved: Option<HostState>,
}

/// Tools a busybox image has (besides the shell's builtins).
const BUSYBOX_TOOLS: &[&str] = &[
    "cat",
    "ls",
    "echo",
    "printf",
    "env",
    "printenv",
    "hostname",
    "id",
    "whoami",
    "wget",
    "nslookup",
    "nc",
    "grep",
    "egrep",
    "sed",
    "awk",
    "head",
    "tail",
    "wc",
    "sort",
    "uniq",
    "cut",
    "tr",
    "mkdir",
    "rm",
    "rmdir",
    "cp",
    "mv",
    "touch",
    "find",
    "date",
    "sleep",
    "seq",
    "xargs",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "uname",
    "tee",
    "base64",
    "sha256sum",
    "chmod",
    "chown",
    "diff",
    "ps",
    "df",
    "free",
    "uptime",
    "vi",
    "less",
    "more",
    "which",
    "clear",
    "nl",
    "rev",
    "paste",
    "ip",
    "netstat",
    "sh",
    "ash",
];

/// Tools of a Debian-based image such as nginx (coreutils, grep, sed, mawk, curl; no ps, wget, vi).
const DEBIAN_TOOLS: &[&str] = &[
    "cat",
    "ls",
    "echo",
    "printf",
    "env",
    "printenv",
    "hostname",
    "id",
    "whoami",
    "curl",
    "grep",
    "egrep",
    "sed",
    "awk",
    "mawk",
    "head",
    "tail",
    "wc",
    "sort",
    "uniq",
    "cut",
    "tr",
    "mkdir",
    "rm",
    "rmdir",
    "cp",
    "mv",
    "touch",
    "find",
    "date",
    "sleep",
    "seq",
    "xargs",
    "basename",
    "dirname",
    "realpath",
    "readlink",
    "uname",
    "tee",
    "base64",
    "sha256sum",
    "chmod",
    "chown",
    "diff",
    "df",
    "which",
    "clear",
    "nl",
    "rev",
    "paste",
    "more",
    "sh",
    "bash",
];

/// Whether the image has a program called `name`.
pub fn has_program(u: Userland, name: &str) -> bool {
    match u {
        Userland::Busybox => BUSYBOX_TOOLS.contains(&name),
        Userland::Debian => DEBIAN_TOOLS.contains(&name),
        Userland::None => false,
    }
}

/// The message of a container runtime that cannot start `prog` (exit code 126).
pub fn not_found_oci(prog: &str) -> String {
    format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{prog}\": executable file not found in $PATH: unknown\n")
}

impl Session {
    /// Whether the container has a program called `name`.
    pub fn has(&self, name: &str) -> bool {
        has_program(self.userland, name) || self.extra.iter().any(|t| t == name)
    }

    /// Builds the session for an attach request: the pod's spec, user, mounts. Err is kubectl's
    /// message when the pod vanished.
    pub fn new(world: &World, attach: &Attach) -> Result<Session, String> {
        let c = world
            .clusters
            .get(&attach.cluster)
            .ok_or_else(|| format!("error: cluster {} not found\n", attach.cluster))?;
        let pod = c
            .peek("pods", &attach.namespace, &attach.pod)
            .ok_or_else(|| {
                format!(
                    "Error from server (NotFound): pods \"{}\" not found\n",
                    attach.pod
                )
            })?;
        let ct = container_spec(pod, &attach.container).ok_or_else(|| {
            format!(
                "Error from server (BadRequest): container {} is not valid for pod {}\n",
                attach.container, attach.pod
            )
        })?;
        let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
        let found = world.images.resolve(image);
        let userland = found.map(|i| i.userland_of(image)).unwrap_or_default();
        let image_user = found.map(|i| i.user).unwrap_or(0);
        let extra = found.map(|i| i.tools.clone()).unwrap_or_default();
        let (uid, gid, groups) = identity(pod, ct, image_user);
        let read_only_root = ct
            .pointer("/securityContext/readOnlyRootFilesystem")
            .and_then(Value::as_bool)
            == Some(true);
        let node = object::str_at(pod, "spec.nodeName").to_string();
        let pod_uid = object::str_at(pod, "metadata.uid").to_string();
        let mounts = mounts(c, pod, ct, &pod_uid, &node);
        let shell = match userland {
            Userland::Debian => "bash",
            _ => "sh",
        }
        .to_string();
        Ok(Session {
            attach: attach.clone(),
            pod_uid,
            node,
            userland,
            extra,
            shell,
            uid,
            gid,
            groups,
            read_only_root,
            mounts,
            fs: Vfs::new(),
            saved: None,
        })
    }

    fn rootfs_key(&self) -> String {
        format!("rootfs/{}/{}", self.pod_uid, self.attach.container)
    }

    /// The prompt the container's shell shows: busybox `/ # `, bash `root@POD:/# `, dash `# `.
    pub fn prompt(&self, cwd: &str) -> String {
        if !self.attach.tty {
            return String::new();
        }
        let sign = if self.uid == 0 { '#' } else { '$' };
        match self.shell.as_str() {
            "bash" => {
                let user = if self.uid == 0 {
                    "root".to_string()
                } else {
                    "I have no name!".to_string()
                };
                let dir = if cwd == "/root" && self.uid == 0 {
                    "~"
                } else {
                    cwd
                };
                format!("{user}@{}:{dir}{sign} ", self.attach.pod)
            }
            _ if self.userland == Userland::Debian => format!("{sign} "),
            _ => format!("{cwd} {sign} "),
        }
    }

    /// Builds the container's file system from the World: the image's files, the container's own
    /// writes, then each volume at its mount path.
    pub fn load(&mut self, world: &World) {
        let mut fs = Vfs::new();
        for d in [
            "/bin", "/dev", "/etc", "/home", "/proc", "/root", "/sys", "/tmp", "/usr", "/var",
        ] {
            let _ = fs.mkdir_p(d);
        }
        if let Some(saved) = world.volumes.get(&self.rootfs_key()) {
            copy_tree(saved, "/", &mut fs, "/");
        }
        let generated = world
            .clusters
            .get(&self.attach.cluster)
            .and_then(|c| {
                let pod = c.peek("pods", &self.attach.namespace, &self.attach.pod)?;
                let ct = container_spec(pod, &self.attach.container)?;
                Some(userland::files(c, pod, ct))
            })
            .unwrap_or_default();
        for (path, text) in &generated {
            if let Some(dir) = path.strip_suffix('/') {
                let _ = fs.mkdir_p(dir);
                continue;
            }
            if fs.exists(path) && !self.mounts.iter().any(|m| under(path, &m.path)) {
                // The container changed an image file; its copy wins.
                continue;
            }
            let _ = fs.mkdir_p(parent_of(path));
            let _ = fs.write(path, text);
        }
        for m in &self.mounts {
            match &m.source {
                Source::Store(key) => {
                    let _ = fs.mkdir_p(&m.path);
                    if let Some(v) = world.volumes.get(key) {
                        copy_tree(v, "/", &mut fs, &m.path);
                    }
                }
                Source::Host { node, path } => {
                    let _ = fs.mkdir_p(&m.path);
                    if let Some(h) = world.hosts.get(node) {
                        if h.fs.is_dir(path) {
                            copy_tree(&h.fs, path, &mut fs, &m.path);
                        } else if let Ok(text) = h.fs.read(path) {
                            let _ = fs.write(&m.path, text);
                        }
                    }
                }
                Source::Generated => {}
            }
        }
        fs.set_mount("/", self.read_only_root);
        for m in &self.mounts {
            fs.set_mount(&m.path, m.read_only);
        }
        // The kernel's and the runtime's own file systems stay writable.
        fs.set_mount("/dev", false);
        fs.set_mount("/proc", false);
        self.fs = fs;
    }

    /// Writes back what the container changed: each writable volume to where it lives, the rest to
    /// the container's root file system.
    pub fn save(&self, world: &mut World) {
        for m in &self.mounts {
            if m.read_only {
                continue;
            }
            match &m.source {
                Source::Store(key) => {
                    let mut v = Vfs::new();
                    copy_tree(&self.fs, &m.path, &mut v, "/");
                    world.volumes.insert(key.clone(), v);
                }
                Source::Host { node, path } => {
                    let node = if node.is_empty() { &self.node } else { node };
                    if let Some(h) = world.hosts.get_mut(node) {
                        if self.fs.is_dir(&m.path) {
                            if h.fs.is_file(path) {
                                continue;
                            }
                            let _ = h.fs.remove(path, true);
                            let _ = h.fs.mkdir_p(path);
                            copy_tree(&self.fs, &m.path, &mut h.fs, path);
                        } else if let Ok(text) = self.fs.read(&m.path) {
                            let _ = h.fs.write(path, text);
                        }
                    }
                }
                Source::Generated => {}
            }
        }
        if self.read_only_root {
            return;
        }
        let mut root = Vfs::new();
        for p in self.fs.walk("/") {
            if self.mounts.iter().any(|m| under(&p, &m.path)) || p == "/proc" || under(&p, "/proc")
            {
                continue;
            }
            if self.fs.is_dir(&p) {
                let _ = root.mkdir_p(&p);
            } else if let Ok(t) = self.fs.read(&p) {
                let _ = root.mkdir_p(parent_of(&p));
                let _ = root.write(&p, t);
            }
        }
        world.volumes.insert(self.rootfs_key(), root);
    }

    /// The user name `whoami` prints; `None` when the uid has no passwd entry.
    pub fn user_name(&self) -> Option<&'static str> {
        match self.uid {
            0 => Some("root"),
            65534 => Some("nobody"),
            101 if self.userland == Userland::Debian => Some("nginx"),
            _ => None,
        }
    }

    /// busybox/coreutils `id`: `uid=1000 gid=3000 groups=2000,3000`.
    pub fn id_line(&self) -> String {
        let name = |id: i64| match id {
            0 => "(root)".to_string(),
            65534 => "(nobody)".to_string(),
            _ => String::new(),
        };
        let mut groups: Vec<i64> = vec![self.gid];
        groups.extend(self.groups.iter().copied());
        groups.sort_unstable();
        groups.dedup();
        if self.uid == 0 && self.gid == 0 && self.groups.is_empty() {
            groups = vec![0, 1, 2, 3, 4, 6, 10, 11, 20, 26, 27];
            let names = [
                "root", "bin", "daemon", "sys", "adm", "disk", "wheel", "floppy", "dialout",
                "tape", "video",
            ];
            if self.userland == Userland::Busybox {
                let list: Vec<String> = groups
                    .iter()
                    .zip(names)
                    .map(|(g, n)| format!("{g}({n})"))
                    .collect();
                return format!("uid=0(root) gid=0(root) groups={}\n", list.join(","));
            }
            return "uid=0(root) gid=0(root) groups=0(root)\n".to_string();
        }
        let list: Vec<String> = groups.iter().map(|g| format!("{g}{}", name(*g))).collect();
        format!(
            "uid={}{} gid={}{} groups={}\n",
            self.uid,
            name(self.uid),
            self.gid,
            name(self.gid),
            list.join(",")
        )
    }
}

/// The container (or init container) called `name` in a pod's spec.
fn container_spec<'a>(pod: &'a Value, name: &str) -> Option<&'a Value> {
    object::array(pod, "spec.containers")
        .iter()
        .chain(object::array(pod, "spec.initContainers"))
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
}

/// uid, gid and supplementary groups: the container's securityContext wins over the pod's; the
/// image's user when neither sets one. `fsGroup` and `supplementalGroups` join the groups.
fn identity(pod: &Value, ct: &Value, image_user: i64) -> (i64, i64, Vec<i64>) {
    let pick = |k: &str| {
        ct.pointer(&format!("/securityContext/{k}"))
            .and_then(Value::as_i64)
            .or_else(|| object::i64_at(pod, &format!("spec.securityContext.{k}")))
    };
    let uid = pick("runAsUser").unwrap_or(image_user);
    let gid = pick("runAsGroup").unwrap_or(if uid == image_user { image_user } else { 0 });
    let mut groups = Vec::new();
    if let Some(fs) = object::i64_at(pod, "spec.securityContext.fsGroup") {
        groups.push(fs);
    }
    for g in object::array(pod, "spec.securityContext.supplementalGroups") {
        if let Some(g) = g.as_i64() {
            groups.push(g);
        }
    }
    if !groups.is_empty() && !groups.contains(&gid) {
        groups.push(gid);
    }
    (uid, gid, groups)
}

/// The container's volume mounts and where each volume's files are kept.
fn mounts(
    c: &crate::cluster::Cluster,
    pod: &Value,
    ct: &Value,
    pod_uid: &str,
    node: &str,
) -> Vec<Mount> {
    let ns = object::namespace(pod);
    let volumes = object::array(pod, "spec.volumes");
    let mut out = Vec::new();
    for m in ct
        .get("volumeMounts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let path = crate::vfs::normalize(
            "/",
            m.get("mountPath").and_then(Value::as_str).unwrap_or(""),
        );
        let name = m.get("name").and_then(Value::as_str).unwrap_or("");
        let sub = m
            .get("subPath")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let mut read_only = m.get("readOnly").and_then(Value::as_bool) == Some(true);
        let Some(v) = volumes
            .iter()
            .find(|v| v.get("name").and_then(Value::as_str) == Some(name))
        else {
            continue;
        };
        let mut source = if v.get("emptyDir").is_some() {
            Source::Store(format!("emptyDir/{pod_uid}/{name}"))
        } else if let Some(hp) = v.pointer("/hostPath/path").and_then(Value::as_str) {
            Source::Host {
                node: node.to_string(),
                path: crate::vfs::normalize("/", hp),
            }
        } else if let Some(claim) = v
            .pointer("/persistentVolumeClaim/claimName")
            .and_then(Value::as_str)
        {
            let pv = c
                .peek("persistentvolumeclaims", ns, claim)
                .map(|p| object::str_at(p, "spec.volumeName").to_string())
                .filter(|n| !n.is_empty());
            match pv
                .as_deref()
                .and_then(|n| c.peek("persistentvolumes", "", n))
            {
                Some(pvo) => match pvo.pointer("/spec/hostPath/path").and_then(Value::as_str) {
                    Some(hp) => Source::Host {
                        node: node.to_string(),
                        path: crate::vfs::normalize("/", hp),
                    },
                    None => Source::Store(format!("pv/{}", object::name(pvo))),
                },
                None => Source::Store(format!("pvc/{ns}/{claim}")),
            }
        } else {
            read_only = true;
            Source::Generated
        };
        if let Some(s) = sub {
            source = match source {
                Source::Store(k) => Source::Store(format!("{k}/{s}")),
                Source::Host { node, path } => Source::Host {
                    node,
                    path: format!("{}/{s}", path.trim_end_matches('/')),
                },
                Source::Generated => Source::Generated,
            };
        }
        out.push(Mount {
            path,
            source,
            read_only,
        });
    }
    out
}

fn under(path: &str, dir: &str) -> bool {
    path == dir || path.starts_with(&format!("{}/", dir.trim_end_matches('/')))
}

fn parent_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => path.get(..i).unwrap_or("/"),
    }
}

/// Copies everything below `from` in `src` to below `to` in `dst`.
fn copy_tree(src: &Vfs, from: &str, dst: &mut Vfs, to: &str) {
    let base = if from == "/" { "" } else { from };
    for p in src.walk(from) {
        let rest = p.get(base.len()..).unwrap_or_default();
        let target = if to == "/" {
            rest.to_string()
        } else {
            format!("{to}{rest}")
        };
        if src.is_dir(&p) {
            let _ = dst.mkdir_p(&target);
        } else if let Ok(t) = src.read(&p) {
            let _ = dst.mkdir_p(parent_of(&target));
            let _ = dst.write(&target, t);
        }
    }
}

/// Whether argv starts a shell with nothing to run (`sh`, `/bin/bash`, `sh -i`): an interactive one.
pub fn is_bare_shell(argv: &[String]) -> bool {
    let Some(first) = argv.first() else {
        return false;
    };
    let base = first.rsplit('/').next().unwrap_or(first);
    matches!(base, "sh" | "bash" | "ash")
        && argv[1..]
            .iter()
            .all(|a| matches!(a.as_str(), "-i" | "-l" | "--login"))
}

/// Switches the shell into the container: its host name, user, environment and working directory.
fn enter_state(env: &mut Env, s: &Session) -> HostState {
    let saved = HostState {
        host: env.sh.host.clone(),
        cwd: env.sh.cwd.clone(),
        user: env.sh.user.clone(),
        vars: std::mem::take(&mut env.sh.vars),
        aliases: std::mem::take(&mut env.sh.aliases),
    };
    let mut vars = BTreeMap::new();
    let mut cwd = "/".to_string();
    if let Some(c) = env.world.clusters.get(&s.attach.cluster) {
        if let Some(pod) = c.peek("pods", &s.attach.namespace, &s.attach.pod) {
            if let Some(ct) = container_spec(pod, &s.attach.container) {
                vars = userland::environment(c, pod, ct);
                if let Some(wd) = ct.get("workingDir").and_then(Value::as_str) {
                    cwd = crate::vfs::normalize("/", wd);
                }
            }
        }
    }
    if s.uid != 0 {
        vars.insert("HOME".into(), "/".into());
    }
    if s.attach.tty {
        vars.insert("TERM".into(), "xterm".into());
    }
    vars.insert("SHELL".into(), format!("/bin/{}", s.shell));
    env.sh.vars = vars;
    env.sh.host = s.attach.pod.clone();
    env.sh.user = s.user_name().unwrap_or("").to_string();
    env.sh.cwd = cwd;
    saved
}

fn leave_state(env: &mut Env, h: HostState) {
    env.sh.host = h.host;
    env.sh.cwd = h.cwd;
    env.sh.user = h.user;
    env.sh.vars = h.vars;
    env.sh.aliases = h.aliases;
}

/// Runs what kubectl asked to attach to, from the host shell: a one-shot command (printed, with
/// `command terminated with exit code N` when it fails), a script from stdin (`exec -i ... sh <<EOF`),
/// or, for an interactive shell, enters the container until `exit`.
pub fn attach(env: &mut Env, a: Attach, io: &Io, mut out: Output) -> Output {
    if a.tty && a.stdin && !env.sh.interactive {
        out.stderr
            .push_str("Unable to use a TTY - input is not a terminal or the right kind of file\n");
    }
    let mut a = a;
    if !env.sh.interactive {
        a.tty = false;
    }
    let mut session = match Session::new(env.world, &a) {
        Ok(s) => s,
        Err(e) => {
            out.stderr.push_str(&e);
            out.code = 1;
            return out;
        }
    };
    if let Some(copy) = a.copy.clone() {
        let out_of = matches!(copy, crate::world::Copy::Out { .. });
        let o = merge(out, copy_in_container(env, session, copy));
        // Copying out, kubectl reads tar's stream and ends with tar's own messages.
        return if out_of { o } else { finish_run(env, &a, o) };
    }
    let command = if a.command.is_empty() {
        vec![session.shell.clone()]
    } else {
        a.command.clone()
    };
    let prog = command.first().cloned().unwrap_or_default();
    let base = prog.rsplit('/').next().unwrap_or(&prog).to_string();
    if !session.has(&base) {
        out.stderr.push_str(&not_found_oci(&prog));
        out.stderr
            .push_str("command terminated with exit code 126\n");
        out.code = 126;
        return finish_run(env, &a, out);
    }
    if is_bare_shell(&command) {
        session.shell = base.clone();
        if a.stdin && io.stdin.is_empty() {
            // An interactive shell: following lines are the container's.
            session.load(env.world);
            let saved = enter_state(env, &session);
            session.saved = Some(saved);
            env.sh.container = Some(Box::new(session));
            return out;
        }
        let script = if a.stdin {
            io.stdin.to_string()
        } else {
            String::new()
        };
        let o = run_in(env, session, &script, "");
        return finish_run(env, &a, merge(out, o));
    }
    let o = run_argv(env, session, &command, if a.stdin { io.stdin } else { "" });
    finish_run(env, &a, merge(out, o))
}

/// The container's side of `kubectl cp`: its `tar` unpacking the copied files (`tar -xmf - -C
/// DIR`) or packing a path for the host (`tar cf - SRC`), with tar's messages (GNU tar's, or
/// busybox's). An image without tar cannot be copied to or from.
fn copy_in_container(env: &mut Env, mut session: Session, copy: crate::world::Copy) -> Output {
    if session.userland == Userland::None && !session.has("tar") {
        let mut out = Output::err(not_found_oci("tar"), 126);
        out.stderr
            .push_str("command terminated with exit code 126\n");
        return out;
    }
    session.load(env.world);
    let busybox = session.userland == Userland::Busybox;
    match copy {
        crate::world::Copy::Out { src, dest } => {
            let files: BTreeMap<String, String> = session
                .fs
                .walk_files("/")
                .into_iter()
                .filter_map(|p| session.fs.read(&p).ok().map(|t| (p.clone(), t.to_string())))
                .collect();
            let host = env.sh.host.clone();
            match env.world.hosts.get_mut(&host) {
                Some(h) => crate::kubectl::cmd::cp::copy_out(&files, &src, &dest, &mut h.fs),
                None => Output::default(),
            }
        }
        crate::world::Copy::In {
            dest,
            base,
            entries,
        } => {
            // kubectl asks `test -d DEST` first: into a folder, the copy keeps its own name.
            let root = if session.fs.is_dir(&dest) {
                format!("{}/{base}", dest.trim_end_matches('/'))
            } else {
                dest.clone()
            };
            let dir = parent_of(&root).to_string();
            let name = root.rsplit('/').next().unwrap_or("").to_string();
            if !session.fs.is_dir(&dir) {
                return if busybox {
                    Output::err(
                        format!(
                            "tar: can't change directory to '{dir}': No such file or directory\n"
                        ),
                        1,
                    )
                } else {
                    Output::err(
                        format!("tar: {dir}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n"),
                        2,
                    )
                };
            }
            let mut out = Output::default();
            for (rel, body) in entries {
                let (path, member) = if rel.is_empty() {
                    (root.clone(), name.clone())
                } else {
                    (format!("{root}/{rel}"), format!("{name}/{rel}"))
                };
                let done = match &body {
                    None => session.fs.mkdir_p(&path),
                    Some(text) => session
                        .fs
                        .mkdir_p(parent_of(&path))
                        .and_then(|_| session.fs.write(&path, text)),
                };
                if let Err(e) = done {
                    if busybox {
                        out.stderr
                            .push_str(&format!("tar: can't open '{member}': {e}\n"));
                        out.code = 1;
                        break;
                    }
                    out.stderr
                        .push_str(&format!("tar: {member}: Cannot open: {e}\n"));
                    out.code = 2;
                }
            }
            if out.code == 2 {
                out.stderr
                    .push_str("tar: Exiting with failure status due to previous errors\n");
            }
            session.save(env.world);
            out
        }
    }
}

fn merge(mut out: Output, o: Output) -> Output {
    out.stdout.push_str(&o.stdout);
    out.stderr.push_str(&o.stderr);
    out.code = o.code;
    out
}

/// Ends a one-shot attach: kubectl's exit-code line and `--rm`.
fn finish_run(env: &mut Env, a: &Attach, mut out: Output) -> Output {
    if out.code != 0 && out.code != 126 && !a.remove {
        out.stderr
            .push_str(&format!("command terminated with exit code {}\n", out.code));
    }
    if a.remove {
        remove_pod(env.world, a, &mut out);
    }
    if a.run && out.code != 0 && out.code != 126 {
        // `kubectl run` waits for the pod's container to end and reports a failure with its code.
        out.stderr.push_str(&format!(
            "pod {}/{} terminated (Error)\n",
            a.namespace, a.pod
        ));
    }
    out
}

fn remove_pod(world: &mut World, a: &Attach, out: &mut Output) {
    if let (Some(c), Some(rt)) = (
        world.clusters.get_mut(&a.cluster),
        crate::cluster::schema::lookup("pod"),
    ) {
        if c.delete(rt, &a.namespace, &a.pod).is_ok() {
            out.stdout.push_str(&format!("pod \"{}\" deleted\n", a.pod));
        }
    }
    world.settle();
}

/// Runs a shell script in the container, one shot.
fn run_in(env: &mut Env, mut session: Session, script: &str, stdin: &str) -> Output {
    let shell = session.shell.clone();
    session.load(env.world);
    let saved = enter_state(env, &session);
    let outer = env.sh.container.replace(Box::new(session));
    let out = exec::run_nested(env, script, &Io { stdin, tty: false });
    let inner = std::mem::replace(&mut env.sh.container, outer);
    if let Some(s) = inner {
        s.save(env.world);
    }
    leave_state(env, saved);
    env.sh.exit_now = false;
    let mut out = out;
    out.stderr = translate(&out.stderr, &shell);
    out
}

/// Runs one program in the container (`kubectl exec POD -- ls /data`), no shell involved.
fn run_argv(env: &mut Env, mut session: Session, argv: &[String], stdin: &str) -> Output {
    let shell = session.shell.clone();
    session.load(env.world);
    let saved = enter_state(env, &session);
    let outer = env.sh.container.replace(Box::new(session));
    let mut argv = argv.to_vec();
    if let Some(first) = argv.first_mut() {
        if let Some(b) = first.rsplit('/').next() {
            *first = b.to_string();
        }
    }
    let out = exec::dispatch(env, &argv, &Io { stdin, tty: false });
    let inner = std::mem::replace(&mut env.sh.container, outer);
    if let Some(s) = inner {
        s.save(env.world);
    }
    leave_state(env, saved);
    env.sh.exit_now = false;
    let mut out = out;
    out.stderr = translate(&out.stderr, &shell);
    out
}

/// `exit` in a container's shell: back to the host, with kubectl's closing lines.
pub fn exit(env: &mut Env, code: i32) -> Output {
    let Some(session) = env.sh.container.take() else {
        return Output::default();
    };
    session.save(env.world);
    let session = *session;
    if let Some(h) = session.saved.clone() {
        leave_state(env, h);
    }
    env.sh.exit_now = true;
    let mut out = Output {
        code,
        ..Output::default()
    };
    if session.attach.tty {
        out.stdout.push_str("exit\n");
    }
    if code != 0 {
        out.stderr
            .push_str(&format!("command terminated with exit code {code}\n"));
    }
    if session.attach.remove {
        remove_pod(env.world, &session.attach, &mut out);
    } else if session.attach.tty && session.attach.run {
        out.stdout.push_str(&format!(
            "Session ended, resume using 'kubectl attach {} -c {} -i -t' command when the pod is running\n",
            session.attach.pod, session.attach.container
        ));
    }
    out
}

/// Rewrites bash's message prefixes as the container's shell prints them.
pub fn translate(stderr: &str, shell: &str) -> String {
    if shell == "bash" || stderr.is_empty() {
        return stderr.to_string();
    }
    stderr
        .lines()
        .map(|l| match l.strip_prefix("bash: ") {
            // busybox names the failed redirection: `sh: can't create /x: Read-only file system`.
            Some(rest)
                if rest.starts_with('/')
                    && (rest.ends_with("Read-only file system")
                        || rest.ends_with("Permission denied")
                        || rest.ends_with("No such file or directory")) =>
            {
                format!("{shell}: can't create {rest}\n")
            }
            Some(rest) => format!("{shell}: {rest}\n"),
            None => format!("{l}\n"),
        })
        .collect()
}

/// Commands that run differently in a container: who the process is, the network tools, and
/// programs the image lacks. `None` lets the ordinary builtins and tools run.
pub fn dispatch(env: &mut Env, name: &str, args: &[String], io: &Io) -> Option<Output> {
    let (userland, shell, uid, id_line, user, has) = {
        let s = env.sh.container.as_ref()?;
        let base = name.rsplit('/').next().unwrap_or(name);
        (
            s.userland,
            s.shell.clone(),
            s.uid,
            s.id_line(),
            s.user_name(),
            s.has(base),
        )
    };
    if super::builtins::BUILTINS.contains(&name) && !matches!(name, "exit" | "logout") {
        return None;
    }
    if matches!(name, "exit" | "logout") {
        let code = args
            .first()
            .and_then(|a| a.parse::<i64>().ok())
            .map(|n| (n & 0xff) as i32)
            .unwrap_or(env.sh.status);
        if env.sh.container.as_ref().is_some_and(|s| s.saved.is_none()) {
            // `sh -c '...; exit 3'`: the one-shot script ends.
            env.sh.exit_now = true;
            env.sh.status = code;
            return Some(Output {
                code,
                ..Output::default()
            });
        }
        return Some(exit(env, code));
    }
    if name.contains('/') {
        let base = name.rsplit('/').next().unwrap_or(name);
        if has {
            let mut argv = vec![base.to_string()];
            argv.extend(args.iter().cloned());
            return Some(exec::dispatch(env, &argv, io));
        }
    }
    if !has {
        let msg = match (shell.as_str(), userland) {
            ("bash", _) => format!("bash: {name}: command not found\n"),
            (_, Userland::Debian) => format!("sh: 1: {name}: not found\n"),
            _ => format!("sh: {name}: not found\n"),
        };
        return Some(Output::err(msg, 127));
    }
    let a = env.sh.container.as_ref()?.attach.clone();
    let pod = env
        .world
        .clusters
        .get(&a.cluster)
        .and_then(|c| c.peek("pods", &a.namespace, &a.pod))
        .cloned();
    match name {
        "whoami" => Some(match user {
            Some(u) => Output::ok(format!("{u}\n")),
            None if userland == Userland::Busybox => {
                Output::err(format!("whoami: unknown uid {uid}\n"), 1)
            }
            None => Output::err(format!("whoami: cannot find name for user ID {uid}\n"), 1),
        }),
        "id" => Some(Output::ok(id_line)),
        "sh" | "bash" | "ash" => {
            let script = args
                .iter()
                .position(|x| x == "-c")
                .and_then(|p| args.get(p + 1))
                .cloned();
            Some(match script {
                Some(s) => exec::run_nested(env, &s, io),
                None => exec::run_nested(
                    env,
                    io.stdin,
                    &Io {
                        stdin: "",
                        tty: false,
                    },
                ),
            })
        }
        "ps" => Some(Output::ok(format!(
            "PID   USER     TIME  COMMAND\n    1 {:<8} 0:00 {}\n",
            user.map(String::from).unwrap_or_else(|| uid.to_string()),
            pod.as_ref()
                .and_then(|p| container_spec(p, &a.container))
                .map(|ct| {
                    let mut v: Vec<String> = Vec::new();
                    for k in ["command", "args"] {
                        for x in ct
                            .get(k)
                            .and_then(Value::as_array)
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                        {
                            v.push(x.as_str().unwrap_or("").to_string());
                        }
                    }
                    if v.is_empty() {
                        "sh".to_string()
                    } else {
                        v.join(" ")
                    }
                })
                .unwrap_or_default()
        ))),
        "nslookup" | "wget" | "curl" | "nc" => {
            let pod = pod?;
            let mut argv = vec![name.to_string()];
            argv.extend(args.iter().cloned());
            let (r, download) = {
                let c = env.world.clusters.get(&a.cluster)?;
                let r = userland::network(c, &pod, &argv)?;
                let download = if name == "wget" && r.code == 0 {
                    download(c, &pod, &argv)
                } else {
                    None
                };
                (r, download)
            };
            let mut out = Output {
                stdout: r.stdout,
                stderr: r.stderr,
                code: r.code,
            };
            if let Some((file, body)) = download {
                let path = env.path(&file);
                if let Err(e) = env.fs().write(&path, &body) {
                    out.stderr = format!("wget: can't open '{file}': {e}\n");
                    out.code = 1;
                } else if file != "index.html" {
                    out.stderr = out.stderr.replace("'index.html'", &format!("'{file}'"));
                }
            }
            Some(out)
        }
        "cat" | "ls" if userland == Userland::Busybox => {
            let tool = super::tools::find(name)?;
            let mut out = tool(env, args, io);
            out.stderr = busybox_messages(name, &out.stderr);
            Some(out)
        }
        _ => None,
    }
}

/// busybox words some errors differently from GNU coreutils.
fn busybox_messages(tool: &str, stderr: &str) -> String {
    stderr
        .lines()
        .map(|l| {
            let fixed = match tool {
                "cat" => l
                    .strip_prefix("cat: ")
                    .and_then(|r| r.strip_suffix(": No such file or directory"))
                    .map(|f| format!("cat: can't open '{f}': No such file or directory")),
                "ls" => l
                    .strip_prefix("ls: cannot access '")
                    .and_then(|r| r.strip_suffix("': No such file or directory"))
                    .map(|f| format!("ls: {f}: No such file or directory")),
                _ => None,
            };
            format!("{}\n", fixed.unwrap_or_else(|| l.to_string()))
        })
        .collect()
}

/// `wget URL` and `wget -O FILE URL` save the body in a file, as busybox does.
fn download(c: &crate::cluster::Cluster, pod: &Value, argv: &[String]) -> Option<(String, String)> {
    let mut target: Option<String> = None;
    let mut it = argv.iter().skip(1);
    while let Some(x) = it.next() {
        if x == "-O" || x == "-qO" {
            target = it.next().cloned();
        } else if let Some(t) = x.strip_prefix("-qO").or_else(|| x.strip_prefix("-O")) {
            if !t.is_empty() {
                target = Some(t.to_string());
            }
        } else if x == "--spider" {
            return None;
        }
    }
    if target.as_deref() == Some("-") {
        return None;
    }
    let urls: Vec<String> = argv
        .iter()
        .skip(1)
        .filter(|x| !x.starts_with('-') && Some(*x) != target.as_ref())
        .cloned()
        .collect();
    let mut body_argv = vec!["wget".to_string(), "-qO-".to_string()];
    body_argv.extend(urls);
    let r = userland::network(c, pod, &body_argv)?;
    Some((target.unwrap_or_else(|| "index.html".to_string()), r.stdout))
}
