//! The kubeconfig as YAML (`kubectl config view`, `~/.kube/config`) and how its cluster entries
//! reach the World's clusters.

use super::{Context, World};

/// The kubeconfig file kubectl reads by default, on every control-plane host.
pub const KUBECONFIG_PATH: &str = "/root/.kube/config";

impl World {
    /// The World cluster a kubeconfig cluster name means: a cluster of that name, else the one whose
    /// API server address the `set-cluster` entry's `--server` names.
    pub fn resolve_cluster(&self, name: &str) -> Option<String> {
        if self.clusters.contains_key(name) {
            return Some(name.to_string());
        }
        let entry = self.kubeconfig.clusters.iter().find(|c| c.name == name)?;
        let server = entry
            .server
            .trim_start_matches("https://")
            .trim_end_matches('/');
        self.clusters
            .iter()
            .find(|(_, c)| c.server_address() == server)
            .map(|(n, _)| n.clone())
    }

    /// The kubeconfig as `kubectl config view` prints it: `minify` keeps the current context's
    /// entries only; without `raw`, certificate data shows as `DATA+OMITTED`.
    pub fn kubeconfig_yaml(&self, minify: bool, raw: bool) -> String {
        use base64::Engine;
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let kc = &self.kubeconfig;
        let ctxs: Vec<&Context> = kc
            .contexts
            .iter()
            .filter(|c| !minify || c.name == kc.current)
            .collect();
        let mut cluster_names: Vec<String> = if minify {
            ctxs.iter().map(|c| c.cluster.clone()).collect()
        } else {
            let mut v: Vec<String> = ctxs.iter().map(|c| c.cluster.clone()).collect();
            v.extend(kc.clusters.iter().map(|c| c.name.clone()));
            v
        };
        cluster_names.retain(|n| !n.is_empty());
        cluster_names.sort();
        cluster_names.dedup();
        let mut s = String::from("apiVersion: v1\nclusters:\n");
        if cluster_names.is_empty() {
            s = String::from("apiVersion: v1\nclusters: null\n");
        }
        for name in &cluster_names {
            s.push_str("- cluster:\n");
            match kc.clusters.iter().find(|c| &c.name == name) {
                Some(e) => {
                    if !e.certificate_authority.is_empty() {
                        s.push_str(&format!(
                            "    certificate-authority: {}\n",
                            e.certificate_authority
                        ));
                    }
                    if !e.certificate_authority_data.is_empty() {
                        let d = if raw {
                            b64(&e.certificate_authority_data)
                        } else {
                            "DATA+OMITTED".into()
                        };
                        s.push_str(&format!("    certificate-authority-data: {d}\n"));
                    }
                    if !e.server.is_empty() {
                        s.push_str(&format!("    server: {}\n", e.server));
                    }
                }
                None => {
                    let d = if raw {
                        b64(crate::cluster::controllers::namespace::ROOT_CA)
                    } else {
                        "DATA+OMITTED".into()
                    };
                    let server = self
                        .clusters
                        .get(name)
                        .map(|c| c.server_address())
                        .unwrap_or_else(|| "127.0.0.1:6443".into());
                    s.push_str(&format!(
                        "    certificate-authority-data: {d}\n    server: https://{server}\n"
                    ));
                }
            }
            s.push_str(&format!("  name: {name}\n"));
        }
        if ctxs.is_empty() {
            s.push_str("contexts: null\n");
        } else {
            s.push_str("contexts:\n");
        }
        for c in &ctxs {
            s.push_str("- context:\n");
            if !c.cluster.is_empty() {
                s.push_str(&format!("    cluster: {}\n", c.cluster));
            }
            if !c.namespace.is_empty() && c.namespace != "default" {
                s.push_str(&format!("    namespace: {}\n", c.namespace));
            }
            if !c.user.is_empty() {
                s.push_str(&format!("    user: {}\n", c.user));
            }
            s.push_str(&format!("  name: {}\n", c.name));
        }
        s.push_str(&format!(
            "current-context: {}\nkind: Config\npreferences: {{}}\n",
            if kc.current.is_empty() {
                "\"\""
            } else {
                &kc.current
            }
        ));
        let mut users: Vec<String> = ctxs.iter().map(|c| c.user.clone()).collect();
        if !minify {
            users.extend(kc.users.iter().map(|u| u.name.clone()));
        }
        users.retain(|n| !n.is_empty());
        users.sort();
        users.dedup();
        if users.is_empty() {
            s.push_str("users: null\n");
            return s;
        }
        s.push_str("users:\n");
        for name in users {
            s.push_str(&format!("- name: {name}\n  user:\n"));
            let data = |text: &str| {
                if raw {
                    b64(text)
                } else {
                    "DATA+OMITTED".to_string()
                }
            };
            match kc.users.iter().find(|u| u.name == name) {
                Some(u) => {
                    let before = s.len();
                    if !u.client_certificate.is_empty() {
                        s.push_str(&format!(
                            "    client-certificate: {}\n",
                            u.client_certificate
                        ));
                    }
                    if !u.client_certificate_data.is_empty() {
                        s.push_str(&format!(
                            "    client-certificate-data: {}\n",
                            data(&u.client_certificate_data)
                        ));
                    }
                    if !u.client_key.is_empty() {
                        s.push_str(&format!("    client-key: {}\n", u.client_key));
                    }
                    if !u.client_key_data.is_empty() {
                        s.push_str(&format!(
                            "    client-key-data: {}\n",
                            if raw {
                                b64(&u.client_key_data)
                            } else {
                                "DATA+OMITTED".to_string()
                            }
                        ));
                    }
                    if !u.token.is_empty() {
                        s.push_str(&format!(
                            "    token: {}\n",
                            if raw { u.token.as_str() } else { "REDACTED" }
                        ));
                    }
                    if s.len() == before {
                        s.truncate(s.len() - "  user:\n".len());
                        s.push_str("  user: {}\n");
                    }
                }
                None => {
                    let cert = "admin";
                    s.push_str(&format!(
                        "    client-certificate-data: {}\n    client-key-data: {}\n",
                        data(cert),
                        if raw {
                            b64("admin-key")
                        } else {
                            "DATA+OMITTED".into()
                        }
                    ));
                }
            }
        }
        s
    }

    /// Writes the kubeconfig to `~/.kube/config` on each control-plane host, so `cat` shows what
    /// kubectl would print with `config view --raw`.
    pub fn sync_kubeconfig_file(&mut self) {
        let text = self.kubeconfig_yaml(false, true);
        for h in self.hosts.values_mut() {
            if h.fs.exists("/etc/kubernetes/admin.conf") {
                let _ = h.fs.mkdir_p("/root/.kube");
                let _ = h.fs.write(KUBECONFIG_PATH, &text);
            }
        }
    }
}
