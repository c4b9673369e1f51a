//! One kubeconfig file as kubectl reads and writes it: the YAML of `clusters`, `users`, `contexts`
//! and `current-context`, checked the way client-go decodes it (its own error texts), and written
//! back the way `kubectl config` writes it (keys sorted, entries sorted by name).

use super::kubeconfig_schema::{
    check, json_ordered_into, json_type, round_trip, Field, Ty, AUTH_INFO, CLUSTER, CONFIG, CONTEXT,
};
use base64::Engine;
use serde_json::{Map, Value};

/// The kubeconfig file kubectl reads by default (`$HOME/.kube/config` of root).
pub const KUBECONFIG_PATH: &str = "/root/.kube/config";

/// The fields of a kubeconfig entry that kubedojo does not act on (`exec`, `auth-provider`,
/// `proxy-url`, `extensions` ...), as client-go writes them back: kept so that a `kubectl config`
/// change rewrites them unchanged.
pub type Extra = Map<String, Value>;

/// One kubeconfig context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    pub name: String,
    pub cluster: String,
    pub user: String,
    pub namespace: String,
    pub extra: Extra,
}

/// A kubeconfig user (`users:`): client certificate and key, as file paths or embedded data, or
/// a bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AuthInfo {
    pub name: String,
    pub client_certificate: String,
    pub client_key: String,
    /// PEM text embedded with `--embed-certs` (base64-encoded as `client-certificate-data`).
    pub client_certificate_data: String,
    pub client_key_data: String,
    pub token: String,
    pub username: String,
    pub password: String,
    pub extra: Extra,
}

/// A kubeconfig cluster (`clusters:`): the API server's URL and the CA to trust.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ClusterEntry {
    pub name: String,
    pub server: String,
    pub certificate_authority: String,
    /// PEM text (base64-encoded as `certificate-authority-data`).
    pub certificate_authority_data: String,
    pub insecure_skip_tls_verify: bool,
    pub extra: Extra,
}

/// A kubeconfig: one file's, or the merge of the files `KUBECONFIG` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeConfig {
    pub contexts: Vec<Context>,
    pub current: String,
    pub users: Vec<AuthInfo>,
    pub clusters: Vec<ClusterEntry>,
    /// `preferences` and the top-level `extensions`, as client-go writes them back.
    pub extra: Extra,
}

/// The keys of each entry kubedojo keeps in typed fields (the rest go to `extra`).
const CLUSTER_TYPED: &[&str] = &[
    "server",
    "certificate-authority",
    "certificate-authority-data",
    "insecure-skip-tls-verify",
];
const USER_TYPED: &[&str] = &[
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "token",
    "username",
    "password",
];
const CONTEXT_TYPED: &[&str] = &["cluster", "user", "namespace"];

/// An entry's fields past the typed ones, as client-go writes them back.
fn extra_of(
    v: &Value,
    name: &'static str,
    fields: &'static [Field],
    typed: &[&str],
) -> Result<Extra, String> {
    let mut m = match round_trip(v, Ty::Struct(name, fields), false)? {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    m.retain(|k, _| !typed.contains(&k.as_str()));
    Ok(m)
}

impl KubeConfig {
    /// The context `current-context` names, if it exists.
    pub fn current_context(&self) -> Option<&Context> {
        self.contexts.iter().find(|c| c.name == self.current)
    }

    pub fn context(&self, name: &str) -> Option<&Context> {
        self.contexts.iter().find(|c| c.name == name)
    }

    pub fn user(&self, name: &str) -> Option<&AuthInfo> {
        self.users.iter().find(|u| u.name == name)
    }

    pub fn cluster(&self, name: &str) -> Option<&ClusterEntry> {
        self.clusters.iter().find(|c| c.name == name)
    }

    /// Parses a kubeconfig file. The error is client-go's text, as kubectl prints it after
    /// `error loading config file "PATH": `.
    pub fn parse(text: &str) -> Result<KubeConfig, String> {
        let v: Value = match crate::kubectl::printers::yaml::read_one(text) {
            Ok(v) => v,
            // An empty file (or one of comments only) is an empty kubeconfig.
            Err(_)
                if text
                    .lines()
                    .all(|l| l.trim().is_empty() || l.trim().starts_with('#')) =>
            {
                Value::Null
            }
            Err(e) => return Err(format!("yaml: {e}")),
        };
        if v.is_null() {
            return Ok(KubeConfig::default());
        }
        if !v.is_object() {
            return Err(format!("couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}", json_type(&v)));
        }
        check(&v, CONFIG, "Config", "")?;
        let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let (api, kind) = (s(&v, "apiVersion"), s(&v, "kind"));
        if (!api.is_empty() || !kind.is_empty()) && (api != "v1" || kind != "Config") {
            return Err(format!("no kind \"{kind}\" is registered for version \"{api}\" in scheme \"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\""));
        }
        let items = |k: &str| -> Vec<Value> {
            v.get(k)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let data = |v: &Value, k: &str| -> Result<String, String> {
            let Some(t) = v.get(k).and_then(Value::as_str) else {
                return Ok(String::new());
            };
            base64_decode(t)
        };
        let null = Value::Null;
        let mut kc = KubeConfig {
            current: s(&v, "current-context"),
            ..KubeConfig::default()
        };
        for (key, ty, omitempty) in CONFIG {
            if matches!(*key, "preferences" | "extensions") {
                if let Some(x) = round_trip(v.get(*key).unwrap_or(&null), *ty, *omitempty)? {
                    kc.extra.insert(key.to_string(), x);
                }
            }
        }
        duplicate_names(&items("clusters"), "clusters")?;
        duplicate_names(&items("users"), "users")?;
        duplicate_names(&items("contexts"), "contexts")?;
        for e in items("clusters") {
            let c = e.get("cluster").unwrap_or(&null);
            let entry = ClusterEntry {
                name: s(&e, "name"),
                server: s(c, "server"),
                certificate_authority: s(c, "certificate-authority"),
                certificate_authority_data: data(c, "certificate-authority-data")?,
                insecure_skip_tls_verify: c
                    .get("insecure-skip-tls-verify")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                extra: extra_of(c, "Cluster", CLUSTER, CLUSTER_TYPED)?,
            };
            if kc.cluster(&entry.name).is_none() {
                kc.clusters.push(entry);
            }
        }
        for e in items("users") {
            let u = e.get("user").unwrap_or(&null);
            let entry = AuthInfo {
                name: s(&e, "name"),
                client_certificate: s(u, "client-certificate"),
                client_key: s(u, "client-key"),
                client_certificate_data: data(u, "client-certificate-data")?,
                client_key_data: data(u, "client-key-data")?,
                token: s(u, "token"),
                username: s(u, "username"),
                password: s(u, "password"),
                extra: extra_of(u, "AuthInfo", AUTH_INFO, USER_TYPED)?,
            };
            if kc.user(&entry.name).is_none() {
                kc.users.push(entry);
            }
        }
        for e in items("contexts") {
            let c = e.get("context").unwrap_or(&null);
            let entry = Context {
                name: s(&e, "name"),
                cluster: s(c, "cluster"),
                user: s(c, "user"),
                namespace: s(c, "namespace"),
                extra: extra_of(c, "Context", CONTEXT, CONTEXT_TYPED)?,
            };
            if kc.context(&entry.name).is_none() {
                kc.contexts.push(entry);
            }
        }
        Ok(kc)
    }

    /// The kubeconfig as client-go's `v1.Config` encodes it to JSON: every field it keeps, the
    /// entries sorted by name. Without `raw`, embedded certificates and keys show as
    /// `DATA+OMITTED` and tokens and passwords as `REDACTED` (as `kubectl config view` does; the
    /// exec plugin's and auth provider's settings are shown as they are).
    pub fn to_value(&self, raw: bool) -> Value {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let data = |s: &str| {
            Value::String(if raw {
                b64(s)
            } else {
                "DATA+OMITTED".to_string()
            })
        };
        let secret = |s: &str| {
            Value::String(if raw {
                s.to_string()
            } else {
                "REDACTED".to_string()
            })
        };
        let string = |s: &str| Value::String(s.to_string());
        fn put(m: &mut Extra, k: &str, v: &str, shown: Value) {
            if !v.is_empty() {
                m.insert(k.to_string(), shown);
            }
        }
        fn named(name: &str, key: &str, body: Extra) -> Value {
            let mut m = Map::new();
            m.insert("name".into(), Value::String(name.to_string()));
            m.insert(key.into(), Value::Object(body));
            Value::Object(m)
        }
        fn list<T>(items: &[T], name: impl Fn(&T) -> &str, f: impl Fn(&T) -> Value) -> Value {
            if items.is_empty() {
                return Value::Null;
            }
            let mut sorted: Vec<&T> = items.iter().collect();
            sorted.sort_by(|a, b| name(a).cmp(name(b)));
            Value::Array(sorted.into_iter().map(f).collect())
        }
        let clusters = list(
            &self.clusters,
            |c| &c.name,
            |c| {
                let mut m = c.extra.clone();
                m.insert("server".into(), string(&c.server));
                put(
                    &mut m,
                    "certificate-authority",
                    &c.certificate_authority,
                    string(&c.certificate_authority),
                );
                put(
                    &mut m,
                    "certificate-authority-data",
                    &c.certificate_authority_data,
                    data(&c.certificate_authority_data),
                );
                if c.insecure_skip_tls_verify {
                    m.insert("insecure-skip-tls-verify".into(), Value::Bool(true));
                }
                named(&c.name, "cluster", m)
            },
        );
        let users = list(
            &self.users,
            |u| &u.name,
            |u| {
                let mut m = u.extra.clone();
                put(
                    &mut m,
                    "client-certificate",
                    &u.client_certificate,
                    string(&u.client_certificate),
                );
                put(
                    &mut m,
                    "client-certificate-data",
                    &u.client_certificate_data,
                    data(&u.client_certificate_data),
                );
                put(&mut m, "client-key", &u.client_key, string(&u.client_key));
                put(
                    &mut m,
                    "client-key-data",
                    &u.client_key_data,
                    data(&u.client_key_data),
                );
                put(&mut m, "token", &u.token, secret(&u.token));
                put(&mut m, "username", &u.username, string(&u.username));
                put(&mut m, "password", &u.password, secret(&u.password));
                named(&u.name, "user", m)
            },
        );
        let contexts = list(
            &self.contexts,
            |c| &c.name,
            |c| {
                let mut m = c.extra.clone();
                m.insert("cluster".into(), string(&c.cluster));
                m.insert("user".into(), string(&c.user));
                put(&mut m, "namespace", &c.namespace, string(&c.namespace));
                named(&c.name, "context", m)
            },
        );
        let mut out = Map::new();
        out.insert("kind".into(), string("Config"));
        out.insert("apiVersion".into(), string("v1"));
        out.insert(
            "preferences".into(),
            self.extra
                .get("preferences")
                .cloned()
                .unwrap_or_else(|| Value::Object(Map::new())),
        );
        out.insert("clusters".into(), clusters);
        out.insert("users".into(), users);
        out.insert("contexts".into(), contexts);
        out.insert("current-context".into(), string(&self.current));
        if let Some(e) = self.extra.get("extensions") {
            out.insert("extensions".into(), e.clone());
        }
        Value::Object(out)
    }

    /// The kubeconfig as YAML, as `kubectl config view` prints it and `kubectl config` writes a
    /// file (go-yaml's sorted keys; see [`KubeConfig::to_value`] for `raw`).
    pub fn to_yaml(&self, raw: bool) -> String {
        crate::kubectl::printers::yaml::to_yaml(&self.to_value(raw))
    }

    /// `kubectl config view -o json`: the fields in `v1.Config`'s declaration order, and a
    /// newline.
    pub fn to_json(&self, raw: bool) -> String {
        let mut out = String::new();
        json_ordered_into(
            &mut out,
            &self.to_value(raw),
            Ty::Struct("Config", CONFIG),
            0,
        );
        out.push('\n');
        out
    }

    /// Only the current context and the cluster and user it names (`config view --minify`).
    pub fn minified(&self) -> KubeConfig {
        let Some(ctx) = self.current_context() else {
            return self.clone();
        };
        KubeConfig {
            contexts: vec![ctx.clone()],
            current: self.current.clone(),
            users: self
                .users
                .iter()
                .filter(|u| u.name == ctx.user)
                .cloned()
                .collect(),
            clusters: self
                .clusters
                .iter()
                .filter(|c| c.name == ctx.cluster)
                .cloned()
                .collect(),
            extra: self.extra.clone(),
        }
    }
}

/// Go's base64 decoding of a `[]byte` field, with its error text.
/// client-go refuses a file that names two clusters, users or contexts alike, and prints the whole
/// list with Go's `%v` (empty strings leave double spaces, bytes print as numbers, pointers as
/// addresses).
fn duplicate_names(entries: &[Value], list: &str) -> Result<(), String> {
    let name = |e: &Value| {
        e.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut seen = std::collections::HashSet::new();
    let Some(dup) = entries.iter().map(name).find(|n| !seen.insert(n.clone())) else {
        return Ok(());
    };
    let (go_list, go_map, body) = match list {
        "clusters" => ("NamedCluster", "Cluster", "cluster"),
        "users" => ("NamedAuthInfo", "AuthInfo", "user"),
        _ => ("NamedContext", "Context", "context"),
    };
    let null = Value::Null;
    let items: Vec<String> = entries
        .iter()
        .map(|e| {
            let v = e.get(body).unwrap_or(&null);
            let st = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let flag = |k: &str| {
                v.get(k)
                    .and_then(Value::as_bool)
                    .unwrap_or(false)
                    .to_string()
            };
            let bytes = |k: &str| {
                let raw = v
                    .get(k)
                    .and_then(Value::as_str)
                    .map(|t| {
                        let clean: String = t.chars().filter(|c| !c.is_whitespace()).collect();
                        base64::engine::general_purpose::STANDARD
                            .decode(clean.as_bytes())
                            .unwrap_or_default()
                    })
                    .unwrap_or_default();
                go_bytes(&raw)
            };
            let pointer = |k: &str| {
                if v.get(k).is_some_and(|x| !x.is_null()) {
                    "0xc000120000".to_string()
                } else {
                    "<nil>".to_string()
                }
            };
            let extensions = {
                let list = v.get("extensions").and_then(Value::as_array);
                let parts: Vec<String> = list
                    .into_iter()
                    .flatten()
                    .map(|x| {
                        let raw = x
                            .get("extension")
                            .filter(|e| !e.is_null())
                            .map(|e| serde_json::to_string(e).unwrap_or_default())
                            .unwrap_or_default();
                        format!(
                            "{{{} {{{} <nil>}}}}",
                            x.get("name").and_then(Value::as_str).unwrap_or(""),
                            go_bytes(raw.as_bytes())
                        )
                    })
                    .collect();
                format!("[{}]", parts.join(" "))
            };
            let fields: Vec<String> = match list {
                "clusters" => vec![
                    st("server"),
                    st("tls-server-name"),
                    flag("insecure-skip-tls-verify"),
                    st("certificate-authority"),
                    bytes("certificate-authority-data"),
                    st("proxy-url"),
                    flag("disable-compression"),
                    extensions,
                ],
                "users" => {
                    let groups: Vec<String> = v
                        .get("as-groups")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|g| g.as_str().unwrap_or("").to_string())
                        .collect();
                    let extra: Vec<String> = v
                        .get("as-user-extra")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                        .map(|(k, vs)| {
                            let vs: Vec<&str> = vs
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(|x| x.as_str().unwrap_or(""))
                                .collect();
                            format!("{k}:[{}]", vs.join(" "))
                        })
                        .collect();
                    vec![
                        st("client-certificate"),
                        bytes("client-certificate-data"),
                        st("client-key"),
                        bytes("client-key-data"),
                        st("token"),
                        st("tokenFile"),
                        st("as"),
                        st("as-uid"),
                        format!("[{}]", groups.join(" ")),
                        format!("map[{}]", extra.join(" ")),
                        st("username"),
                        st("password"),
                        pointer("auth-provider"),
                        pointer("exec"),
                        extensions,
                    ]
                }
                _ => vec![st("cluster"), st("user"), st("namespace"), extensions],
            };
            format!("{{{} {{{}}}}}", name(e), fields.join(" "))
        })
        .collect();
    Err(format!(
        "error converting *[]{go_list} into *map[string]*api.{go_map}: duplicate name \"{dup}\" in list: [{}]",
        items.join(" ")
    ))
}

/// A byte slice as Go's `%v` prints it: `[65 66 67]`.
fn go_bytes(b: &[u8]) -> String {
    let parts: Vec<String> = b.iter().map(u8::to_string).collect();
    format!("[{}]", parts.join(" "))
}

fn base64_decode(t: &str) -> Result<String, String> {
    // encoding/json ignores line breaks inside base64 data.
    let clean: String = t.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    base64::engine::general_purpose::STANDARD
        .decode(clean.as_bytes())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .map_err(|e| {
            let at = match e {
                base64::DecodeError::InvalidByte(i, _) => i,
                base64::DecodeError::InvalidLength(n) => n,
                base64::DecodeError::InvalidLastSymbol(i, _) => i,
                base64::DecodeError::InvalidPadding => clean.len(),
            };
            format!("illegal base64 data at input byte {at}")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        KubeConfig::parse(text).expect_err(text)
    }

    #[test]
    fn scalars_read_as_yaml_1_1_as_client_go_reads_them() {
        let text = "clusters:\n- name: c\n  cluster:\n    server: https://c:6443\n    insecure-skip-tls-verify: yes\n";
        let kc = KubeConfig::parse(text).expect("parses");
        assert_eq!(
            kc.cluster("c").map(|c| c.insecure_skip_tls_verify),
            Some(true)
        );
        assert_eq!(
            err("clusters:\n- name: c\n  cluster:\n    server: x\n   bad: 1\n"),
            "yaml: line 4: did not find expected key"
        );
    }

    #[test]
    fn a_file_parses_and_prints_back_sorted() {
        let text = "apiVersion: v1\nkind: Config\nclusters:\n- name: b\n  cluster:\n    server: https://1.2.3.4:6443\n    certificate-authority-data: aGk=\n- name: a\n  cluster:\n    server: https://a:6443\ncontexts:\n- name: x\n  context:\n    cluster: b\n    user: u\n    namespace: dev\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: abc\n- name: e\n  user: {}\n";
        let kc = KubeConfig::parse(text).expect("parses");
        assert_eq!(
            kc.current_context().map(|c| c.namespace.as_str()),
            Some("dev")
        );
        assert_eq!(
            kc.cluster("b")
                .map(|c| c.certificate_authority_data.as_str()),
            Some("hi")
        );
        assert_eq!(
            kc.to_yaml(false),
            "apiVersion: v1\nclusters:\n- cluster:\n    server: https://a:6443\n  name: a\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://1.2.3.4:6443\n  name: b\ncontexts:\n- context:\n    cluster: b\n    namespace: dev\n    user: u\n  name: x\ncurrent-context: x\nkind: Config\npreferences: {}\nusers:\n- name: e\n  user: {}\n- name: u\n  user:\n    token: REDACTED\n"
        );
        assert!(kc
            .to_yaml(true)
            .contains("certificate-authority-data: aGk=\n"));
        let raw = kc.to_yaml(true);
        assert_eq!(KubeConfig::parse(&raw).map(|k| k.to_yaml(true)), Ok(raw));
    }

    #[test]
    fn an_empty_file_is_an_empty_config() {
        assert_eq!(KubeConfig::parse(""), Ok(KubeConfig::default()));
        assert_eq!(
            KubeConfig::default().to_yaml(false),
            "apiVersion: v1\nclusters: null\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {}\nusers: null\n"
        );
    }

    #[test]
    fn decoding_errors_are_client_gos() {
        assert_eq!(err("clusters: 5\n"), "json: cannot unmarshal number into Go struct field Config.clusters of type []v1.NamedCluster");
        assert_eq!(err("clusters:\n- name: a\n  cluster:\n    server: [1]\n"), "json: cannot unmarshal array into Go struct field Cluster.clusters.cluster.server of type string");
        assert_eq!(err("contexts:\n- name: a\n  context: 5\n"), "json: cannot unmarshal number into Go struct field NamedContext.contexts.context of type v1.Context");
        assert_eq!(err("current-context: true\n"), "json: cannot unmarshal bool into Go struct field Config.current-context of type string");
        assert_eq!(
            err("users:\n- name: a\n  user:\n    client-certificate-data: notbase64!!\n"),
            "illegal base64 data at input byte 9"
        );
        assert!(err("hello world\n").starts_with("couldn't get version/kind; json parse error: json: cannot unmarshal string into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\""));
        assert_eq!(err("apiVersion: v2\nkind: Foo\n"), "no kind \"Foo\" is registered for version \"v2\" in scheme \"k8s.io/client-go/tools/clientcmd/api/latest/latest.go:50\"");
    }

    #[test]
    fn yaml_errors_are_go_yamls() {
        assert_eq!(
            err("apiVersion: v1\nkind: Config\nclusters:\n- foo: [\n"),
            "yaml: line 4: did not find expected node content"
        );
        assert_eq!(
            err("a:\n  b: 1\n c: 2\n"),
            "yaml: line 2: did not find expected key"
        );
        assert_eq!(
            err("a: \"unterminated\n"),
            "yaml: line 2: found unexpected end of stream"
        );
        assert_eq!(
            err("a: b: c\n"),
            "yaml: mapping values are not allowed in this context"
        );
    }

    #[test]
    fn strings_that_would_read_back_otherwise_are_quoted() {
        let kc = KubeConfig {
            contexts: vec![Context {
                name: "kubernetes-admin@kubernetes".into(),
                cluster: "true".into(),
                namespace: "007".into(),
                ..Default::default()
            }],
            ..Default::default()
        };
        assert!(kc.to_yaml(true).contains(
            "- context:\n    cluster: \"true\"\n    namespace: \"007\"\n    user: \"\"\n  name: kubernetes-admin@kubernetes\n"
        ));
    }

    #[test]
    fn fields_kubedojo_does_not_act_on_are_written_back_as_client_go_does() {
        let text = "clusters:\n- name: c\n  cluster:\n    server: https://x\n    proxy-url: http://proxy:3128\n    tls-server-name: kube.local\n    disable-compression: false\n    servr: typo\n    extensions:\n    - name: z\n    - name: a\n      extension: {k: v}\nusers:\n- name: e\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws\n      env:\n      - null\n    as-groups: []\n    tokenFile: /t\n- name: p\n  user:\n    auth-provider:\n      name: oidc\n      config:\n        id-token: abc\n    token: secret\n";
        let kc = KubeConfig::parse(text).expect("parses");
        assert_eq!(
            kc.to_yaml(false),
            "apiVersion: v1\nclusters:\n- cluster:\n    extensions:\n    - extension:\n        k: v\n      name: a\n    - extension: null\n      name: z\n    proxy-url: http://proxy:3128\n    server: https://x\n    tls-server-name: kube.local\n  name: c\ncontexts: null\ncurrent-context: \"\"\nkind: Config\npreferences: {}\nusers:\n- name: e\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      args: null\n      command: aws\n      env:\n      - name: \"\"\n        value: \"\"\n      interactiveMode: IfAvailable\n      provideClusterInfo: false\n    tokenFile: /t\n- name: p\n  user:\n    auth-provider:\n      config:\n        id-token: abc\n      name: oidc\n    token: REDACTED\n"
        );
        let raw = kc.to_yaml(true);
        assert_eq!(KubeConfig::parse(&raw).map(|k| k.to_yaml(true)), Ok(raw));
        assert!(kc.to_json(true).starts_with("{\n    \"kind\": \"Config\",\n    \"apiVersion\": \"v1\",\n    \"preferences\": {},\n    \"clusters\": [\n        {\n            \"name\": \"c\",\n            \"cluster\": {\n                \"server\": \"https://x\",\n                \"tls-server-name\": \"kube.local\",\n"));
    }

    #[test]
    fn typed_errors_reach_into_exec_and_extensions() {
        assert_eq!(
            err("users:\n- name: u\n  user:\n    exec:\n      env: [1]\n"),
            "json: cannot unmarshal number into Go struct field ExecConfig.users.user.exec.env of type v1.ExecEnvVar"
        );
        assert_eq!(
            err("users:\n- name: u\n  user:\n    auth-provider:\n      name: p\n      config:\n        k: 5\n"),
            "json: cannot unmarshal number into Go struct field AuthProviderConfig.users.user.auth-provider.config of type string"
        );
        assert_eq!(
            err("users:\n- name: u\n  user:\n    as-user-extra:\n      k: 1\n"),
            "json: cannot unmarshal number into Go struct field AuthInfo.users.user.as-user-extra of type []string"
        );
        assert_eq!(
            err("extensions:\n- name: b\n  extension: {z: 1, a: 2}\n- name: a\n  extension: 3\n- name: b\n"),
            "error converting *[]NamedExtension into *map[string]runtime.Object: duplicate name \"b\" in list: [{b {[123 34 97 34 58 50 44 34 122 34 58 49 125] <nil>}} {a {[51] <nil>}} {b {[] <nil>}}]"
        );
    }
}
