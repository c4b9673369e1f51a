//! One kubeconfig file as kubectl reads and writes it: the YAML of `clusters`, `users`, `contexts`
//! and `current-context`, checked the way client-go decodes it (its own error texts), and written
//! back the way `kubectl config` writes it (keys sorted, entries sorted by name).

use base64::Engine;
use serde_json::Value;

/// The kubeconfig file kubectl reads by default (`$HOME/.kube/config` of root).
pub const KUBECONFIG_PATH: &str = "/root/.kube/config";

/// One kubeconfig context.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Context {
    pub name: String,
    pub cluster: String,
    pub user: String,
    pub namespace: String,
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
}

/// A kubeconfig: one file's, or the merge of the files `KUBECONFIG` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubeConfig {
    pub contexts: Vec<Context>,
    pub current: String,
    pub users: Vec<AuthInfo>,
    pub clusters: Vec<ClusterEntry>,
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
        let v: Value = match serde_yaml::from_str::<Value>(text) {
            Ok(v) => v,
            // An empty file (or one of comments only) is an empty kubeconfig.
            Err(_)
                if text
                    .lines()
                    .all(|l| l.trim().is_empty() || l.trim().starts_with('#')) =>
            {
                Value::Null
            }
            Err(e) => return Err(yaml_error(&e)),
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
        // client-go keeps the first entry of a name.
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
            };
            if kc.context(&entry.name).is_none() {
                kc.contexts.push(entry);
            }
        }
        Ok(kc)
    }

    /// The kubeconfig as YAML, as `kubectl config view` prints it and `kubectl config` writes a
    /// file: keys sorted, entries sorted by name. Without `raw`, embedded certificates and keys
    /// show as `DATA+OMITTED` and tokens and passwords as `REDACTED`.
    pub fn to_yaml(&self, raw: bool) -> String {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let data = |s: &str| {
            if raw {
                b64(s)
            } else {
                "DATA+OMITTED".to_string()
            }
        };
        let secret = |s: &str| {
            if raw {
                scalar(s)
            } else {
                "REDACTED".to_string()
            }
        };
        let mut out = String::from("apiVersion: v1\n");
        let mut clusters: Vec<&ClusterEntry> = self.clusters.iter().collect();
        clusters.sort_by(|a, b| a.name.cmp(&b.name));
        if clusters.is_empty() {
            out.push_str("clusters: null\n");
        } else {
            out.push_str("clusters:\n");
        }
        for c in clusters {
            let mut fields = Vec::new();
            if !c.certificate_authority.is_empty() {
                fields.push(format!(
                    "certificate-authority: {}",
                    scalar(&c.certificate_authority)
                ));
            }
            if !c.certificate_authority_data.is_empty() {
                fields.push(format!(
                    "certificate-authority-data: {}",
                    data(&c.certificate_authority_data)
                ));
            }
            if c.insecure_skip_tls_verify {
                fields.push("insecure-skip-tls-verify: true".into());
            }
            fields.push(format!("server: {}", scalar(&c.server)));
            push_entry(&mut out, "cluster", &c.name, &fields, false);
        }
        let mut contexts: Vec<&Context> = self.contexts.iter().collect();
        contexts.sort_by(|a, b| a.name.cmp(&b.name));
        if contexts.is_empty() {
            out.push_str("contexts: null\n");
        } else {
            out.push_str("contexts:\n");
        }
        for c in contexts {
            let mut fields = vec![format!("cluster: {}", scalar(&c.cluster))];
            if !c.namespace.is_empty() {
                fields.push(format!("namespace: {}", scalar(&c.namespace)));
            }
            fields.push(format!("user: {}", scalar(&c.user)));
            push_entry(&mut out, "context", &c.name, &fields, false);
        }
        out.push_str(&format!(
            "current-context: {}\nkind: Config\npreferences: {{}}\n",
            scalar(&self.current)
        ));
        let mut users: Vec<&AuthInfo> = self.users.iter().collect();
        users.sort_by(|a, b| a.name.cmp(&b.name));
        if users.is_empty() {
            out.push_str("users: null\n");
        } else {
            out.push_str("users:\n");
        }
        for u in users {
            let mut fields = Vec::new();
            let mut field = |k: &str, v: &str, shown: String| {
                if !v.is_empty() {
                    fields.push(format!("{k}: {shown}"));
                }
            };
            field(
                "client-certificate",
                &u.client_certificate,
                scalar(&u.client_certificate),
            );
            field(
                "client-certificate-data",
                &u.client_certificate_data,
                data(&u.client_certificate_data),
            );
            field("client-key", &u.client_key, scalar(&u.client_key));
            field(
                "client-key-data",
                &u.client_key_data,
                data(&u.client_key_data),
            );
            field("password", &u.password, secret(&u.password));
            field("token", &u.token, secret(&u.token));
            field("username", &u.username, scalar(&u.username));
            push_entry(&mut out, "user", &u.name, &fields, true);
        }
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
        }
    }
}

/// One `- name:` entry of a list: `name` after the body for clusters and contexts, before it for
/// users (the order of the keys, sorted, in each of client-go's structs).
fn push_entry(out: &mut String, key: &str, name: &str, fields: &[String], name_first: bool) {
    if name_first {
        out.push_str(&format!("- name: {}\n", scalar(name)));
        if fields.is_empty() {
            out.push_str(&format!("  {key}: {{}}\n"));
        } else {
            out.push_str(&format!("  {key}:\n"));
        }
    } else if fields.is_empty() {
        out.push_str(&format!("- {key}: {{}}\n"));
    } else {
        out.push_str(&format!("- {key}:\n"));
    }
    for f in fields {
        out.push_str(&format!("    {f}\n"));
    }
    if !name_first {
        out.push_str(&format!("  name: {}\n", scalar(name)));
    }
}

/// A string as a YAML scalar: plain when it reads back as the same string, else double-quoted.
fn scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| c.is_whitespace() || "-?:,[]{}#&*!|>'\"%@`".contains(c))
        && !s.ends_with(char::is_whitespace)
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains('\n')
        // YAML 1.1 (go-yaml) reads these as numbers or booleans.
        && !s.chars().all(|c| c.is_ascii_digit() || "+-._".contains(c))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "y" | "n" | "yes" | "no" | "on" | "off" | "true" | "false" | "null" | "~"
        )
        && serde_yaml::from_str::<Value>(s).ok().as_ref().and_then(Value::as_str) == Some(s);
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).unwrap_or_default()
    }
}

/// Go's base64 decoding of a `[]byte` field, with its error text.
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

/// What a JSON value is called in encoding/json's errors.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The Go type of a kubeconfig field, as far as decoding checks it.
#[derive(Clone, Copy)]
enum Ty {
    Str,
    Bool,
    Bytes,
    Strings,
    /// A struct: its Go name and fields.
    Struct(&'static str, &'static [(&'static str, Ty)]),
    /// A list of structs.
    List(&'static str, &'static [(&'static str, Ty)]),
    /// Anything (extensions, exec plugins: not checked).
    Any,
}

const CLUSTER: &[(&str, Ty)] = &[
    ("server", Ty::Str),
    ("tls-server-name", Ty::Str),
    ("insecure-skip-tls-verify", Ty::Bool),
    ("certificate-authority", Ty::Str),
    ("certificate-authority-data", Ty::Bytes),
    ("proxy-url", Ty::Str),
    ("disable-compression", Ty::Bool),
    ("extensions", Ty::Any),
];
const CONTEXT: &[(&str, Ty)] = &[
    ("cluster", Ty::Str),
    ("user", Ty::Str),
    ("namespace", Ty::Str),
    ("extensions", Ty::Any),
];
const AUTH_INFO: &[(&str, Ty)] = &[
    ("client-certificate", Ty::Str),
    ("client-certificate-data", Ty::Bytes),
    ("client-key", Ty::Str),
    ("client-key-data", Ty::Bytes),
    ("token", Ty::Str),
    ("tokenFile", Ty::Str),
    ("as", Ty::Str),
    ("as-uid", Ty::Str),
    ("as-groups", Ty::Strings),
    ("username", Ty::Str),
    ("password", Ty::Str),
    ("auth-provider", Ty::Any),
    ("exec", Ty::Any),
    ("extensions", Ty::Any),
    ("as-user-extra", Ty::Any),
];
const NAMED_CLUSTER: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("cluster", Ty::Struct("Cluster", CLUSTER)),
];
const NAMED_CONTEXT: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("context", Ty::Struct("Context", CONTEXT)),
];
const NAMED_AUTH_INFO: &[(&str, Ty)] = &[
    ("name", Ty::Str),
    ("user", Ty::Struct("AuthInfo", AUTH_INFO)),
];
const PREFERENCES: &[(&str, Ty)] = &[("colors", Ty::Bool), ("extensions", Ty::Any)];
const CONFIG: &[(&str, Ty)] = &[
    ("apiVersion", Ty::Str),
    ("kind", Ty::Str),
    ("preferences", Ty::Struct("Preferences", PREFERENCES)),
    ("clusters", Ty::List("NamedCluster", NAMED_CLUSTER)),
    ("users", Ty::List("NamedAuthInfo", NAMED_AUTH_INFO)),
    ("contexts", Ty::List("NamedContext", NAMED_CONTEXT)),
    ("current-context", Ty::Str),
    ("extensions", Ty::Any),
];

impl Ty {
    fn go_name(self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Bool => "bool".into(),
            Ty::Bytes => "[]uint8".into(),
            Ty::Strings => "[]string".into(),
            Ty::Struct(n, _) => format!("v1.{n}"),
            Ty::List(n, _) => format!("[]v1.{n}"),
            Ty::Any => "interface {}".into(),
        }
    }
}

/// Checks the fields of an object of struct `name` against their Go types: encoding/json's
/// `cannot unmarshal X into Go struct field S.path of type T` for the first that does not fit.
fn check(v: &Value, fields: &[(&str, Ty)], name: &str, path: &str) -> Result<(), String> {
    let Some(map) = v.as_object() else {
        return Ok(());
    };
    for (key, value) in map {
        let Some((_, ty)) = fields.iter().find(|(k, _)| k == key) else {
            continue;
        };
        let here = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        let wrong = || {
            format!(
                "json: cannot unmarshal {} into Go struct field {name}.{here} of type {}",
                json_type(value),
                ty.go_name()
            )
        };
        if value.is_null() {
            continue;
        }
        match *ty {
            Ty::Str | Ty::Bytes if !value.is_string() => return Err(wrong()),
            Ty::Bool if !value.is_boolean() => return Err(wrong()),
            Ty::Strings => {
                let Some(items) = value.as_array() else {
                    return Err(wrong());
                };
                if let Some(bad) = items.iter().find(|i| !i.is_string() && !i.is_null()) {
                    return Err(format!(
                        "json: cannot unmarshal {} into Go struct field {name}.{here} of type string",
                        json_type(bad)
                    ));
                }
            }
            Ty::Struct(inner, inner_fields) => {
                if !value.is_object() {
                    return Err(wrong());
                }
                check(value, inner_fields, inner, &here)?;
            }
            Ty::List(inner, inner_fields) => {
                let Some(items) = value.as_array() else {
                    return Err(wrong());
                };
                for item in items {
                    if !item.is_object() && !item.is_null() {
                        return Err(format!(
                            "json: cannot unmarshal {} into Go struct field {name}.{here} of type v1.{inner}",
                            json_type(item)
                        ));
                    }
                    check(item, inner_fields, inner, &here)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Problems libyaml's scanner reports (go-yaml counts their line one further than the parser's).
const SCANNER_PROBLEMS: &[&str] = &[
    "found character that cannot start any token",
    "found unexpected end of stream",
    "mapping values are not allowed in this context",
    "could not find expected ':'",
    "found a tab character that violates indentation",
    "found unknown escape character",
    "did not find URI escaped octet",
    "found undefined tag handle",
    "block sequence entries are not allowed in this context",
    "found unexpected document indicator",
    "did not find expected comment or line break",
    "found a tab character where an indentation space is expected",
    "did not find expected alphabetic or numeric character",
    "did not find expected whitespace or line break",
];

/// A YAML syntax error as go-yaml words it: `yaml: line N: PROBLEM` (no line when the problem is
/// on the first line).
fn yaml_error(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    let problem = text.split(" at line ").next().unwrap_or(&text).trim();
    let problem = problem.split(", while ").next().unwrap_or(problem);
    // go-yaml counts lines from 0 here (the scanner's from 1).
    let mut line = e.location().map_or(0, |l| l.line().saturating_sub(1));
    if line != 0 && SCANNER_PROBLEMS.contains(&problem) {
        line += 1;
    }
    if line == 0 {
        // The context mark ("while parsing a block mapping at line N"), as go-yaml falls back to.
        line = text
            .split(", while ")
            .nth(1)
            .and_then(|c| c.split(" at line ").nth(1))
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse::<usize>().ok())
            .map_or(0, |n| n.saturating_sub(1));
    }
    if line == 0 {
        format!("yaml: {problem}")
    } else {
        format!("yaml: line {line}: {problem}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        KubeConfig::parse(text).expect_err(text)
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
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("true"), "\"true\"");
        assert_eq!(scalar("007"), "\"007\"");
        assert_eq!(
            scalar("kubernetes-admin@kubernetes"),
            "kubernetes-admin@kubernetes"
        );
        assert_eq!(scalar("https://1.2.3.4:6443"), "https://1.2.3.4:6443");
    }
}
