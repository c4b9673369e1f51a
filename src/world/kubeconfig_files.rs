//! Which kubeconfig files kubectl reads on a host and how they merge, as client-go's loading
//! rules have it: the `--kubeconfig` file, else the files `KUBECONFIG` lists (the first to set a
//! value wins), else `~/.kube/config`; and where `kubectl config` writes a change back to (the
//! file an entry came from; new entries and `current-context` to the first file). The files on
//! the host's file system are the only copy: a hand edit with vi or sed is what kubectl sees next.

use super::kubeconfig::{KubeConfig, KUBECONFIG_PATH};
use super::World;
use std::collections::BTreeMap;

/// Where one kubectl process looks for its kubeconfig.
#[derive(Debug, Clone, Copy)]
pub struct Sources<'a> {
    /// The host kubectl runs on, and its working directory (relative paths resolve there).
    pub host: &'a str,
    pub cwd: &'a str,
    /// `--kubeconfig FILE`.
    pub explicit: Option<&'a str>,
    /// The `KUBECONFIG` environment variable.
    pub env: Option<&'a str>,
}

/// The kubeconfig kubectl loaded: the merged view, and what it needs to write changes back.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub merged: KubeConfig,
    /// Each file that exists, as parsed, in precedence order (absolute paths).
    files: Vec<(String, KubeConfig)>,
    /// Where new entries and `current-context` go (absolute), and that path as given (kubectl's
    /// messages quote it so).
    default_file: String,
    default_shown: String,
    /// The file each context, user and cluster came from, by kind (`context`, `user`,
    /// `cluster`) and name.
    origin: BTreeMap<(&'static str, String), String>,
}

impl Loaded {
    /// The file `kubectl config` names in its messages (`deleted context x from FILE`).
    pub fn file_name(&self) -> &str {
        &self.default_shown
    }
}

/// A file that could not be read or parsed: kubectl's message, without a trailing newline.
pub type LoadError = String;

impl World {
    /// Loads the kubeconfig a kubectl process on `src.host` uses. A `--kubeconfig` file that does
    /// not exist is an error for the commands that talk to a server (`must_exist`); for `kubectl
    /// config` it is an empty kubeconfig that a change creates.
    pub fn load_kubeconfig(
        &self,
        src: &Sources<'_>,
        must_exist: bool,
    ) -> Result<Loaded, LoadError> {
        let fs = self.hosts.get(src.host).map(|h| &h.fs);
        let read = |shown: &str| -> Result<Option<(String, KubeConfig)>, LoadError> {
            let abs = crate::vfs::normalize(src.cwd, shown);
            let Some(fs) = fs else { return Ok(None) };
            if fs.is_dir(&abs) {
                return Err(format!(
                    "error: error loading config file \"{shown}\": read {shown}: is a directory"
                ));
            }
            let Ok(text) = fs.read(&abs) else {
                return Ok(None);
            };
            KubeConfig::parse(text)
                .map(|kc| Some((abs, kc)))
                .map_err(|e| format!("error: error loading config file \"{shown}\": {e}"))
        };
        let mut loaded = Loaded::default();
        let env: Vec<&str> = src
            .env
            .map(|v| v.split(':').filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        if let Some(shown) = src.explicit.filter(|p| !p.is_empty()) {
            match read(shown)? {
                Some(f) => loaded.files.push(f),
                None if must_exist => {
                    return Err(format!("error: stat {shown}: no such file or directory"))
                }
                None => {}
            }
            loaded.default_shown = shown.to_string();
        } else if !env.is_empty() {
            let mut seen = Vec::new();
            for shown in &env {
                let abs = crate::vfs::normalize(src.cwd, shown);
                if seen.contains(&abs) {
                    continue;
                }
                seen.push(abs);
                if let Some(f) = read(shown)? {
                    loaded.files.push(f);
                }
            }
            // One file: that one; else the first that exists, else the last listed.
            loaded.default_shown = if env.len() == 1 {
                env[0].to_string()
            } else {
                env.iter()
                    .find(|p| {
                        let abs = crate::vfs::normalize(src.cwd, p);
                        loaded.files.iter().any(|(f, _)| *f == abs)
                    })
                    .or(env.last())
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            };
        } else {
            if let Some(f) = read(KUBECONFIG_PATH)? {
                loaded.files.push(f);
            }
            loaded.default_shown = KUBECONFIG_PATH.to_string();
        }
        loaded.default_file = crate::vfs::normalize(src.cwd, &loaded.default_shown);
        let mut merged = KubeConfig::default();
        for (file, kc) in &loaded.files {
            if merged.current.is_empty() {
                merged.current = kc.current.clone();
            }
            merge_extra(&mut merged.extra, &kc.extra);
            for c in &kc.contexts {
                if merged.context(&c.name).is_none() {
                    merged.contexts.push(c.clone());
                    loaded
                        .origin
                        .insert(("context", c.name.clone()), file.clone());
                }
            }
            for u in &kc.users {
                if merged.user(&u.name).is_none() {
                    merged.users.push(u.clone());
                    loaded.origin.insert(("user", u.name.clone()), file.clone());
                }
            }
            for c in &kc.clusters {
                if merged.cluster(&c.name).is_none() {
                    merged.clusters.push(c.clone());
                    loaded
                        .origin
                        .insert(("cluster", c.name.clone()), file.clone());
                }
            }
        }
        loaded.merged = merged;
        Ok(loaded)
    }

    /// Writes the changes from `loaded.merged` to `new` back to the files they belong in, as
    /// `kubectl config` does: a changed or removed entry in the file it came from, a new entry and
    /// a new `current-context` in the default file (created, with its folder, when missing).
    pub fn save_kubeconfig(&mut self, host: &str, loaded: &Loaded, new: &KubeConfig) {
        let old = &loaded.merged;
        let mut touched: BTreeMap<String, KubeConfig> = BTreeMap::new();
        fn file<'t>(
            touched: &'t mut BTreeMap<String, KubeConfig>,
            loaded: &Loaded,
            path: &str,
        ) -> &'t mut KubeConfig {
            touched.entry(path.to_string()).or_insert_with(|| {
                loaded
                    .files
                    .iter()
                    .find(|(f, _)| f == path)
                    .map(|(_, kc)| kc.clone())
                    .unwrap_or_default()
            })
        }
        let origin = |kind: &'static str, name: &str| -> String {
            loaded
                .origin
                .get(&(kind, name.to_string()))
                .cloned()
                .unwrap_or_else(|| loaded.default_file.clone())
        };
        if old.current != new.current {
            file(&mut touched, loaded, &loaded.default_file).current = new.current.clone();
        }
        macro_rules! entries {
            ($field:ident, $kind:literal, $get:ident) => {
                for e in &new.$field {
                    if old.$get(&e.name) != Some(e) {
                        let f = file(&mut touched, loaded, &origin($kind, &e.name));
                        match f.$field.iter_mut().find(|x| x.name == e.name) {
                            Some(x) => *x = e.clone(),
                            None => f.$field.push(e.clone()),
                        }
                    }
                }
                for e in &old.$field {
                    if new.$get(&e.name).is_none() {
                        file(&mut touched, loaded, &origin($kind, &e.name))
                            .$field
                            .retain(|x| x.name != e.name);
                    }
                }
            };
        }
        entries!(contexts, "context", context);
        entries!(users, "user", user);
        entries!(clusters, "cluster", cluster);
        let Some(h) = self.hosts.get_mut(host) else {
            return;
        };
        for (path, kc) in touched {
            if let Some((dir, _)) = path.rsplit_once('/') {
                let _ = h.fs.mkdir_p(if dir.is_empty() { "/" } else { dir });
            }
            let _ = h.fs.write(&path, &kc.to_yaml(true));
        }
    }

    /// Gives a new cluster's admin a context in `~/.kube/config` on every control-plane host, as
    /// `cp /etc/kubernetes/admin.conf ~/.kube/config` after `kubeadm init` does (the entries are
    /// named after the cluster; the first context becomes current).
    pub(super) fn add_admin_context(&mut self, spec: &super::ClusterSpec) {
        let admin = self
            .hosts
            .get(&spec.control_plane)
            .and_then(|h| h.fs.read("/etc/kubernetes/admin.conf").ok())
            .and_then(|t| KubeConfig::parse(t).ok())
            .unwrap_or_default();
        let user = if spec.name == "kubernetes" {
            "kubernetes-admin".to_string()
        } else {
            format!("kubernetes-admin-{}", spec.name)
        };
        let mut cluster = admin.clusters.first().cloned().unwrap_or_default();
        cluster.name = spec.name.clone();
        let mut auth = admin.users.first().cloned().unwrap_or_default();
        auth.name = user.clone();
        let context = super::Context {
            name: spec.context.clone(),
            cluster: spec.name.clone(),
            user,
            namespace: if spec.namespace == "default" {
                String::new()
            } else {
                spec.namespace.clone()
            },
            ..Default::default()
        };
        for h in self.hosts.values_mut() {
            if !h.fs.exists("/etc/kubernetes/admin.conf") {
                continue;
            }
            let mut kc =
                h.fs.read(KUBECONFIG_PATH)
                    .ok()
                    .and_then(|t| KubeConfig::parse(t).ok())
                    .unwrap_or_default();
            kc.clusters.retain(|c| c.name != cluster.name);
            kc.clusters.push(cluster.clone());
            kc.users.retain(|u| u.name != auth.name);
            kc.users.push(auth.clone());
            kc.contexts.retain(|c| c.name != context.name);
            kc.contexts.push(context.clone());
            if kc.current.is_empty() {
                kc.current = context.name.clone();
            }
            let _ = h.fs.mkdir_p("/root/.kube");
            let _ = h.fs.write(KUBECONFIG_PATH, &kc.to_yaml(true));
        }
    }

    /// The kubeconfig kubectl reads by default (`~/.kube/config`) on the host the learner starts
    /// on (the control plane `controlplane`, else the first host that has one): what the grader
    /// and the terminal's completion look at. Empty when there is none or it does not parse.
    pub fn home_kubeconfig(&self) -> KubeConfig {
        self.home_host()
            .and_then(|h| {
                self.load_kubeconfig(
                    &Sources {
                        host: &h,
                        cwd: "/root",
                        explicit: None,
                        env: None,
                    },
                    false,
                )
                .ok()
            })
            .map(|l| l.merged)
            .unwrap_or_default()
    }

    /// The host whose `~/.kube/config` is the learner's (see [`World::home_kubeconfig`]).
    pub fn home_host(&self) -> Option<String> {
        if self.hosts.contains_key("controlplane") {
            return Some("controlplane".into());
        }
        self.hosts
            .iter()
            .find(|(_, h)| h.fs.exists(KUBECONFIG_PATH))
            .or_else(|| self.hosts.iter().next())
            .map(|(n, _)| n.clone())
    }

    /// The World cluster whose API server a kubeconfig `server:` URL reaches from `from` (a
    /// node's IP or name, or `localhost` on the control plane itself); else kubectl's message for
    /// the failed connection.
    pub fn cluster_for_server(&self, server: &str, from: &str) -> Result<String, String> {
        let refused = |addr: &str| {
            format!("The connection to the server {addr} was refused - did you specify the right host or port?")
        };
        if server.is_empty() {
            return Err(refused("localhost:8080"));
        }
        let (scheme, rest) = server.split_once("://").unwrap_or(("https", server));
        let authority = rest.split('/').next().unwrap_or("");
        let (name, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
                (h.to_string(), p.to_string())
            }
            _ => (
                authority.to_string(),
                if scheme == "http" { "80" } else { "443" }.to_string(),
            ),
        };
        // The address each cluster's API server listens on, and every node's IP by name.
        let mut nodes: BTreeMap<String, String> = BTreeMap::new();
        for c in self.clusters.values() {
            for n in c.list_all("nodes") {
                let ip = crate::cluster::object::array(n, "status.addresses")
                    .iter()
                    .find(|a| {
                        a.get("type").and_then(serde_json::Value::as_str) == Some("InternalIP")
                    })
                    .and_then(|a| a.get("address").and_then(serde_json::Value::as_str))
                    .unwrap_or("")
                    .to_string();
                nodes.insert(crate::cluster::object::name(n).to_string(), ip);
            }
        }
        let ip = if name == "localhost" || name == "127.0.0.1" {
            match nodes.get(from) {
                Some(ip) => ip.clone(),
                None => return Err(refused(&format!("{name}:{port}"))),
            }
        } else if let Some(ip) = nodes.get(&name) {
            ip.clone()
        } else {
            name.clone()
        };
        let addr = format!("{ip}:{port}");
        if let Some((n, _)) = self
            .clusters
            .iter()
            .find(|(_, c)| c.server_address() == addr)
        {
            return Ok(n.clone());
        }
        let shown = format!("{name}:{port}");
        if nodes.values().any(|n| *n == ip) {
            return Err(refused(&shown));
        }
        if ip.parse::<std::net::IpAddr>().is_ok() {
            Err(format!(
                "Unable to connect to the server: dial tcp {shown}: connect: no route to host"
            ))
        } else {
            Err(format!("Unable to connect to the server: dial tcp: lookup {name} on 127.0.0.53:53: no such host"))
        }
    }

    /// The cluster the learner's default kubeconfig's current context reaches, if any.
    pub fn current_cluster_name(&self) -> Option<String> {
        let kc = self.home_kubeconfig();
        let ctx = kc.current_context()?;
        let entry = kc.cluster(&ctx.cluster)?;
        self.cluster_for_server(&entry.server, &self.home_host()?)
            .ok()
    }
}

/// Merges one file's `preferences` and top-level `extensions` into the merged view: as with the
/// entries, what an earlier file set wins (extensions by name).
fn merge_extra(into: &mut super::kubeconfig::Extra, from: &super::kubeconfig::Extra) {
    use serde_json::Value;
    fn extensions(into: &mut Value, from: &Value) {
        let (Value::Array(a), Some(b)) = (into, from.as_array()) else {
            return;
        };
        let name = |x: &Value| {
            x.get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        for x in b {
            if !a.iter().any(|y| name(y) == name(x)) {
                a.push(x.clone());
            }
        }
        a.sort_by_key(name);
    }
    for (key, value) in from {
        match into.get_mut(key) {
            None => {
                into.insert(key.clone(), value.clone());
            }
            Some(have) if key == "extensions" => extensions(have, value),
            Some(Value::Object(have)) => {
                // preferences: colors, and its own extensions.
                for (k, v) in value.as_object().into_iter().flatten() {
                    match have.get_mut(k) {
                        None => {
                            have.insert(k.clone(), v.clone());
                        }
                        Some(h) if k == "extensions" => extensions(h, v),
                        Some(_) => {}
                    }
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src<'a>(explicit: Option<&'a str>, env: Option<&'a str>) -> Sources<'a> {
        Sources {
            host: "controlplane",
            cwd: "/root",
            explicit,
            env,
        }
    }

    fn world_with(files: &[(&str, &str)]) -> World {
        let mut w = World::standard_deferred();
        if let Some(h) = w.hosts.get_mut("controlplane") {
            for (p, t) in files {
                let _ = h.fs.write(p, t);
            }
        }
        w
    }

    const A: &str = "apiVersion: v1\nkind: Config\ncontexts:\n- name: a\n  context:\n    cluster: ca\n    user: ua\ncurrent-context: a\n";
    const B: &str = "apiVersion: v1\nkind: Config\ncontexts:\n- name: b\n  context:\n    cluster: cb\n    user: ub\n    namespace: dev\n- name: a\n  context:\n    cluster: other\n    user: x\ncurrent-context: b\n";

    #[test]
    fn kubeconfig_lists_merge_first_file_wins() {
        let w = world_with(&[("/tmp/a", A), ("/tmp/b", B)]);
        let l = w
            .load_kubeconfig(&src(None, Some("/tmp/a:/tmp/none:/tmp/b")), true)
            .expect("loads");
        assert_eq!(l.merged.current, "a");
        assert_eq!(
            l.merged.context("a").map(|c| c.cluster.as_str()),
            Some("ca")
        );
        assert_eq!(
            l.merged.context("b").map(|c| c.namespace.as_str()),
            Some("dev")
        );
        assert_eq!(l.file_name(), "/tmp/a");
    }

    #[test]
    fn a_change_goes_to_the_file_the_entry_came_from() {
        let mut w = world_with(&[("/tmp/a", A), ("/tmp/b", B)]);
        let s = src(None, Some("/tmp/a:/tmp/b"));
        let l = w.load_kubeconfig(&s, true).expect("loads");
        let mut new = l.merged.clone();
        new.current = "b".into();
        if let Some(c) = new.contexts.iter_mut().find(|c| c.name == "b") {
            c.namespace = "prod".into();
        }
        new.contexts.push(super::super::kubeconfig::Context {
            name: "n".into(),
            ..Default::default()
        });
        w.save_kubeconfig("controlplane", &l, &new);
        let a = w
            .load_kubeconfig(&src(Some("/tmp/a"), None), true)
            .expect("a");
        let b = w
            .load_kubeconfig(&src(Some("/tmp/b"), None), true)
            .expect("b");
        assert_eq!(a.merged.current, "b");
        assert!(a.merged.context("n").is_some());
        assert_eq!(
            b.merged.context("b").map(|c| c.namespace.as_str()),
            Some("prod")
        );
        assert!(b.merged.context("n").is_none());
    }

    #[test]
    fn missing_and_broken_files() {
        let w = world_with(&[("/tmp/bad", "clusters:\n- foo: [\n")]);
        assert_eq!(
            w.load_kubeconfig(&src(Some("/nosuch"), None), true)
                .map(|_| ()),
            Err("error: stat /nosuch: no such file or directory".to_string())
        );
        assert!(w
            .load_kubeconfig(&src(Some("/nosuch"), None), false)
            .is_ok());
        assert_eq!(
            w.load_kubeconfig(&src(None, Some("/nosuch")), true)
                .map(|l| l.merged),
            Ok(KubeConfig::default())
        );
        assert_eq!(
            w.load_kubeconfig(&src(Some("/tmp/bad"), None), true).map(|_| ()),
            Err("error: error loading config file \"/tmp/bad\": yaml: line 2: did not find expected node content".to_string())
        );
    }
}
