//! Whether a node's kubelet starts: what systemd runs (the drop-in's `ExecStart` with its
//! `Environment` and `EnvironmentFile` variables), the flags the kubelet accepts, and the files it
//! reads before it can register (its config file, the client CA it names, its kubeconfig). A
//! broken piece makes the kubelet exit at once and systemd restart it every 10 seconds, the classic
//! "node NotReady" troubleshooting task; the error is what `journalctl -u kubelet` shows.

use crate::vfs::Vfs;
use std::collections::BTreeMap;

/// Where kubeadm's packages put the kubelet binary.
pub const KUBELET_BINARY: &str = "/usr/bin/kubelet";

/// Why the kubelet does not stay up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    /// systemd cannot execute the binary (`status=203/EXEC`).
    Exec { binary: String },
    /// The kubelet started and exited with status 1, logging this error.
    Exit { err: String },
}

impl StartError {
    /// The `status=` systemd reports for the exit.
    pub fn status(&self) -> &'static str {
        match self {
            StartError::Exec { .. } => "203/EXEC",
            StartError::Exit { .. } => "1/FAILURE",
        }
    }
}

/// The folders systemd finds kubelet.service in, highest precedence first (`/lib` is `/usr/lib` on
/// Ubuntu; both spellings are looked at).
const UNIT_DIRS: &[&str] = &[
    "/etc/systemd/system",
    "/run/systemd/system",
    "/usr/local/lib/systemd/system",
    "/usr/lib/systemd/system",
    "/lib/systemd/system",
];

/// The unit file and drop-ins of kubelet.service on disk, as systemd would load them now: the
/// unit fragment of the highest-precedence folder holding one, then every `*.conf` of the
/// `kubelet.service.d` folders sorted by file name (a name in `/etc` masks the same name lower
/// down). Each is `(path, text)`. This is what `systemctl daemon-reload` loads; the unit's
/// `EnvironmentFile=`s are not part of it (systemd reads them at every start).
pub fn unit_files(fs: &Vfs) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = Vec::new();
    if let Some((path, text)) = UNIT_DIRS.iter().find_map(|d| {
        let path = format!("{d}/kubelet.service");
        fs.read(&path).ok().map(|t| (path, t.to_string()))
    }) {
        files.push((path, text));
    }
    let mut drop_ins: BTreeMap<String, (String, String)> = BTreeMap::new();
    for dir in UNIT_DIRS.iter().rev() {
        let dir = format!("{dir}/kubelet.service.d");
        for n in fs.list(&dir).unwrap_or_default() {
            let path = format!("{dir}/{n}");
            if let (true, Ok(t)) = (n.ends_with(".conf"), fs.read(&path)) {
                drop_ins.insert(n, (path, t.to_string()));
            }
        }
    }
    files.extend(drop_ins.into_values());
    files
}

/// Flags the kubelet v1.32 accepts that kubeadm setups and exam tasks use (the rest are refused
/// as the real one refuses an unknown flag).
const FLAGS: &[&str] = &[
    "address",
    "anonymous-auth",
    "authentication-token-webhook",
    "authorization-mode",
    "bootstrap-kubeconfig",
    "cert-dir",
    "cgroup-driver",
    "client-ca-file",
    "cloud-provider",
    "cluster-dns",
    "cluster-domain",
    "config",
    "container-runtime-endpoint",
    "enforce-node-allocatable",
    "eviction-hard",
    "fail-swap-on",
    "feature-gates",
    "hostname-override",
    "image-service-endpoint",
    "kube-reserved",
    "kubeconfig",
    "max-pods",
    "node-ip",
    "node-labels",
    "pod-infra-container-image",
    "pod-manifest-path",
    "port",
    "register-node",
    "register-with-taints",
    "resolv-conf",
    "root-dir",
    "rotate-certificates",
    "runtime-request-timeout",
    "system-reserved",
    "tls-cert-file",
    "tls-private-key-file",
    "v",
];

/// The command line systemd would run for kubelet.service on this host, from the unit files it
/// has loaded (`units`, see [`unit_files`]): the last `ExecStart=` of the unit and its drop-ins,
/// with `$VARS` from `Environment=` and from the `EnvironmentFile=`s as they are on disk now.
pub fn command_line(units: &[(String, String)], fs: &Vfs) -> Vec<String> {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut exec = String::from(KUBELET_BINARY);
    for (_, text) in units {
        for line in text.lines().map(str::trim) {
            if let Some(v) = line.strip_prefix("Environment=") {
                let v = v.trim_matches('"');
                if let Some((k, val)) = v.split_once('=') {
                    env.insert(k.to_string(), val.trim_matches('"').to_string());
                }
            } else if let Some(path) = line.strip_prefix("EnvironmentFile=") {
                let path = path.trim_start_matches('-');
                for l in fs.read(path).unwrap_or("").lines() {
                    if let Some((k, val)) = l.trim().split_once('=') {
                        if !k.starts_with('#') {
                            env.insert(k.trim().to_string(), val.trim_matches('"').to_string());
                        }
                    }
                }
            } else if let Some(cmd) = line.strip_prefix("ExecStart=") {
                if !cmd.trim().is_empty() {
                    exec = cmd.trim().to_string();
                }
            }
        }
    }
    exec.split_whitespace()
        .flat_map(|w| match w.strip_prefix('$') {
            Some(var) => {
                let var = var.trim_start_matches('{').trim_end_matches('}');
                env.get(var)
                    .map(|v| v.split_whitespace().map(String::from).collect())
                    .unwrap_or_default()
            }
            None => vec![w.to_string()],
        })
        .collect()
}

/// What keeps the kubelet of a host from running, if anything, as it would be found when systemd
/// starts it now from the unit files it has loaded (`units`).
pub fn check(units: &[(String, String)], fs: &Vfs) -> Option<StartError> {
    let argv = command_line(units, fs);
    let binary = argv.first().cloned().unwrap_or_default();
    if binary != KUBELET_BINARY && fs.read(&binary).is_err() {
        return Some(StartError::Exec { binary });
    }
    let mut flags: BTreeMap<String, String> = BTreeMap::new();
    let mut it = argv.iter().skip(1);
    while let Some(a) = it.next() {
        let Some(f) = a.strip_prefix("--").or_else(|| a.strip_prefix('-')) else {
            continue;
        };
        let (name, value) = match f.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (f.to_string(), None),
        };
        if !FLAGS.contains(&name.as_str()) {
            return Some(StartError::Exit {
                err: format!("failed to parse kubelet flag: unknown flag: --{name}"),
            });
        }
        let value = match value {
            Some(v) => v,
            None => it.next().cloned().unwrap_or_default(),
        };
        flags.insert(name, value);
    }
    if let Some(path) = flags.get("config") {
        let text = match fs.read(path) {
            Ok(t) => t.to_string(),
            Err(_) => {
                return Some(StartError::Exit {
                    err: format!("failed to load kubelet config file, path: {path}, error: failed to load Kubelet config file {path}, error failed to read kubelet config file \\\"{path}\\\", error: open {path}: no such file or directory"),
                })
            }
        };
        let doc: serde_yaml::Value = match serde_yaml::from_str(&text) {
            Ok(d) => d,
            Err(e) => {
                let why = e.to_string();
                let why = why.split(" at line").next().unwrap_or(&why).to_string();
                return Some(StartError::Exit {
                    err: format!("failed to load kubelet config file, path: {path}, error: failed to load Kubelet config file {path}, error failed to decode: yaml: {why}"),
                });
            }
        };
        if doc.get("kind").and_then(serde_yaml::Value::as_str) != Some("KubeletConfiguration") {
            return Some(StartError::Exit {
                err: format!("failed to load kubelet config file, path: {path}, error: failed to load Kubelet config file {path}, error failed to decode: Object 'Kind' is missing or wrong in kubelet config"),
            });
        }
        let ca = doc
            .get("authentication")
            .and_then(|a| a.get("x509"))
            .and_then(|x| x.get("clientCAFile"))
            .and_then(serde_yaml::Value::as_str);
        if let Some(ca) = ca.filter(|ca| fs.read(ca).is_err()) {
            return Some(StartError::Exit {
                err: format!("failed to construct kubelet dependencies: unable to load client CA file {ca}: open {ca}: no such file or directory"),
            });
        }
    }
    if let Some(kc) = flags.get("kubeconfig") {
        if fs.read(kc).is_err() {
            let boot = flags
                .get("bootstrap-kubeconfig")
                .cloned()
                .unwrap_or_default();
            if boot.is_empty() || fs.read(&boot).is_err() {
                return Some(StartError::Exit {
                    err: format!("failed to run Kubelet: unable to load bootstrap kubeconfig: stat {boot}: no such file or directory"),
                });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Vfs {
        let w = crate::world::World::standard();
        w.hosts["node01"].fs.clone()
    }

    #[test]
    fn a_kubeadm_node_starts_its_kubelet() {
        let fs = node();
        assert_eq!(check(&unit_files(&fs), &fs), None);
        let argv = command_line(&unit_files(&fs), &fs);
        assert_eq!(argv[0], "/usr/bin/kubelet", "{argv:?}");
        assert!(
            argv.contains(&"--config=/var/lib/kubelet/config.yaml".to_string()),
            "{argv:?}"
        );
        assert!(argv
            .iter()
            .any(|a| a.starts_with("--container-runtime-endpoint=")));
    }

    #[test]
    fn a_wrong_binary_path_is_an_exec_failure() {
        let mut fs = node();
        let text = fs
            .read(crate::world::node_files::DROP_IN)
            .unwrap_or("")
            .replace(
                "ExecStart=/usr/bin/kubelet",
                "ExecStart=/usr/local/bin/kubelet",
            );
        let _ = fs.write(crate::world::node_files::DROP_IN, &text);
        assert_eq!(
            check(&unit_files(&fs), &fs),
            Some(StartError::Exec {
                binary: "/usr/local/bin/kubelet".into()
            })
        );
    }

    #[test]
    fn a_missing_client_ca_and_an_unknown_flag_stop_the_kubelet() {
        let mut fs = node();
        let text = fs
            .read("/var/lib/kubelet/config.yaml")
            .unwrap_or("")
            .replace("pki/ca.crt", "pki/CA.crt");
        let _ = fs.write("/var/lib/kubelet/config.yaml", &text);
        let found = check(&unit_files(&fs), &fs);
        assert!(
            matches!(&found, Some(StartError::Exit { err }) if err.contains("unable to load client CA file /etc/kubernetes/pki/CA.crt")),
            "{found:?}"
        );
        let mut fs = node();
        let _ = fs.write(
            "/etc/default/kubelet",
            "KUBELET_EXTRA_ARGS=--node-ipp=10.0.0.1\n",
        );
        assert_eq!(
            check(&unit_files(&fs), &fs),
            Some(StartError::Exit {
                err: "failed to parse kubelet flag: unknown flag: --node-ipp".into()
            })
        );
    }

    #[test]
    fn systemd_applies_drop_ins_by_name_and_etc_masks_usr_lib() {
        let mut fs = node();
        let _ = fs.write(
            "/etc/systemd/system/kubelet.service.d/20-extra.conf",
            "[Service]\nEnvironment=\"KUBELET_EXTRA_ARGS=--node-ip=10.0.0.9\"\n",
        );
        let paths: Vec<String> = unit_files(&fs).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            paths,
            [
                "/usr/lib/systemd/system/kubelet.service",
                "/usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf",
                "/etc/systemd/system/kubelet.service.d/20-extra.conf",
            ]
        );
        let _ = fs.write(
            "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf",
            "[Service]\nExecStart=\nExecStart=/usr/bin/kubelet --v=2\n",
        );
        let units = unit_files(&fs);
        assert_eq!(
            units[1].0,
            "/etc/systemd/system/kubelet.service.d/10-kubeadm.conf"
        );
        assert_eq!(command_line(&units, &fs), ["/usr/bin/kubelet", "--v=2"]);
    }

    #[test]
    fn environment_files_are_read_at_start_from_the_disk() {
        let mut fs = node();
        let units = unit_files(&fs);
        let _ = fs.write(
            "/etc/default/kubelet",
            "KUBELET_EXTRA_ARGS=--node-ip=10.0.0.9\n",
        );
        assert!(command_line(&units, &fs).contains(&"--node-ip=10.0.0.9".to_string()));
    }
}
