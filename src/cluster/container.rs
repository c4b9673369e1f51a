//! Inside a container: what `kubectl logs` shows and what `kubectl exec` can run. A small userland
//! (env, cat, ls, echo, hostname, id, nslookup, wget/curl, sh -c) over the pod's spec and the
//! cluster's services, so troubleshooting tasks can be solved the way they are on a real cluster.

use super::connect;
use super::images::Catalog;
use super::{object, parse_timestamp, Cluster};
use base64::Engine;
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::BTreeMap;

/// The statements of a shell script, split on `;`, `&&`, `||` and newlines (quotes respected).
fn statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => {
                quote = None;
                cur.push(c);
            }
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c == ';' || c == '\n' => out.push(std::mem::take(&mut cur)),
            None if (c == '&' || c == '|') && chars.get(i + 1) == Some(&c) => {
                out.push(std::mem::take(&mut cur));
                i += 1;
            }
            None => cur.push(c),
        }
        i += 1;
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits a simple command into words, removing quotes.
pub fn words(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut any = false;
    for c in cmd.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => cur.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                any = true;
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() || any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            None => cur.push(c),
        }
    }
    if !cur.is_empty() || any {
        out.push(cur);
    }
    out
}

/// The command line a container runs: its command, then its args.
pub fn argv_of(c: &Value) -> Vec<String> {
    let strs = |k: &str| -> Vec<String> {
        c.get(k)
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
    let mut v = strs("command");
    v.extend(strs("args"));
    v
}

/// The environment a container sees: its env and envFrom, then the variables Kubernetes adds.
pub fn environment(c: &Cluster, pod: &Value, container: &Value) -> BTreeMap<String, String> {
    let ns = object::namespace(pod);
    let mut env = BTreeMap::new();
    env.insert(
        "PATH".to_string(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
    );
    env.insert("HOSTNAME".to_string(), object::name(pod).to_string());
    env.insert("HOME".to_string(), "/root".to_string());
    env.insert(
        "KUBERNETES_SERVICE_HOST".to_string(),
        "10.96.0.1".to_string(),
    );
    env.insert("KUBERNETES_SERVICE_PORT".to_string(), "443".to_string());
    env.insert(
        "KUBERNETES_SERVICE_PORT_HTTPS".to_string(),
        "443".to_string(),
    );
    env.insert(
        "KUBERNETES_PORT".to_string(),
        "tcp://10.96.0.1:443".to_string(),
    );
    if object::get(pod, "spec.enableServiceLinks").and_then(Value::as_bool) != Some(false) {
        for svc in c.list_ns("services", ns) {
            let name = object::name(svc).to_ascii_uppercase().replace('-', "_");
            let ip = object::str_at(svc, "spec.clusterIP");
            if ip.is_empty() || ip == "None" || object::name(svc) == "kubernetes" {
                continue;
            }
            if let Some(p) = object::array(svc, "spec.ports")
                .first()
                .and_then(|p| p.get("port"))
                .and_then(Value::as_i64)
            {
                env.insert(format!("{name}_SERVICE_HOST"), ip.to_string());
                env.insert(format!("{name}_SERVICE_PORT"), p.to_string());
            }
        }
    }
    let decode = |s: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    for ef in container
        .get("envFrom")
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        let prefix = ef.get("prefix").and_then(Value::as_str).unwrap_or("");
        if let Some(name) = ef
            .get("configMapRef")
            .and_then(|r| r.get("name"))
            .and_then(Value::as_str)
        {
            if let Some(cm) = c.peek("configmaps", ns, name) {
                for (k, v) in object::string_map(cm, "data") {
                    env.insert(format!("{prefix}{k}"), v);
                }
            }
        }
        if let Some(name) = ef
            .get("secretRef")
            .and_then(|r| r.get("name"))
            .and_then(Value::as_str)
        {
            if let Some(s) = c.peek("secrets", ns, name) {
                for (k, v) in object::string_map(s, "data") {
                    env.insert(format!("{prefix}{k}"), decode(&v));
                }
            }
        }
    }
    for e in container
        .get("env")
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        let Some(name) = e.get("name").and_then(Value::as_str) else {
            continue;
        };
        let value = if let Some(v) = e.get("value").and_then(Value::as_str) {
            v.to_string()
        } else if let Some(r) = e.get("valueFrom").and_then(|v| v.get("configMapKeyRef")) {
            let cm = r.get("name").and_then(Value::as_str).unwrap_or("");
            let key = r.get("key").and_then(Value::as_str).unwrap_or("");
            c.peek("configmaps", ns, cm)
                .map(|o| {
                    object::string_map(o, "data")
                        .get(key)
                        .cloned()
                        .unwrap_or_default()
                })
                .unwrap_or_default()
        } else if let Some(r) = e.get("valueFrom").and_then(|v| v.get("secretKeyRef")) {
            let s = r.get("name").and_then(Value::as_str).unwrap_or("");
            let key = r.get("key").and_then(Value::as_str).unwrap_or("");
            c.peek("secrets", ns, s)
                .map(|o| {
                    decode(
                        object::string_map(o, "data")
                            .get(key)
                            .map(String::as_str)
                            .unwrap_or(""),
                    )
                })
                .unwrap_or_default()
        } else if let Some(f) = e
            .get("valueFrom")
            .and_then(|v| v.get("fieldRef"))
            .and_then(|f| f.get("fieldPath"))
            .and_then(Value::as_str)
        {
            match f {
                "metadata.name" => object::name(pod).to_string(),
                "metadata.namespace" => ns.to_string(),
                "spec.nodeName" => object::str_at(pod, "spec.nodeName").to_string(),
                "status.podIP" => object::str_at(pod, "status.podIP").to_string(),
                "status.hostIP" => object::str_at(pod, "status.hostIP").to_string(),
                "spec.serviceAccountName" => {
                    object::str_at(pod, "spec.serviceAccountName").to_string()
                }
                _ => String::new(),
            }
        } else {
            String::new()
        };
        env.insert(name.to_string(), value);
    }
    env
}

/// The files a container sees through its volume mounts, plus a few of the image's own.
pub fn files(c: &Cluster, pod: &Value, container: &Value) -> BTreeMap<String, String> {
    let ns = object::namespace(pod);
    let mut files = BTreeMap::new();
    files.insert(
        "/etc/hostname".to_string(),
        format!("{}\n", object::name(pod)),
    );
    files.insert("/etc/resolv.conf".to_string(), format!("search {ns}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"));
    files.insert(
        "/etc/hosts".to_string(),
        format!(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n{}\t{}\n",
            object::str_at(pod, "status.podIP"),
            object::name(pod)
        ),
    );
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    if image.starts_with("nginx") {
        files.insert("/usr/share/nginx/html/index.html".into(), NGINX_PAGE.into());
        files.insert("/etc/nginx/conf.d/default.conf".into(), "server {\n    listen       80;\n    server_name  localhost;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n".into());
    }
    let decode = |s: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .ok()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    let volumes = object::array(pod, "spec.volumes");
    for m in container
        .get("volumeMounts")
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or(&[])
    {
        let path = m
            .get("mountPath")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim_end_matches('/')
            .to_string();
        let name = m.get("name").and_then(Value::as_str).unwrap_or("");
        let sub = m.get("subPath").and_then(Value::as_str);
        let Some(v) = volumes
            .iter()
            .find(|v| v.get("name").and_then(Value::as_str) == Some(name))
        else {
            continue;
        };
        let mut entries: Vec<(String, String)> = Vec::new();
        let items = |src: &Value, data: BTreeMap<String, String>| -> Vec<(String, String)> {
            match src.get("items").and_then(Value::as_array) {
                Some(items) => items
                    .iter()
                    .filter_map(|i| {
                        let k = i.get("key").and_then(Value::as_str)?;
                        let p = i.get("path").and_then(Value::as_str).unwrap_or(k);
                        data.get(k).map(|v| (p.to_string(), v.clone()))
                    })
                    .collect(),
                None => data.into_iter().collect(),
            }
        };
        if let Some(src) = v.get("configMap") {
            let cm = src.get("name").and_then(Value::as_str).unwrap_or("");
            let data = c
                .peek("configmaps", ns, cm)
                .map(|o| object::string_map(o, "data"))
                .unwrap_or_default();
            entries = items(src, data);
        } else if let Some(src) = v.get("secret") {
            let s = src.get("secretName").and_then(Value::as_str).unwrap_or("");
            let data: BTreeMap<String, String> = c
                .peek("secrets", ns, s)
                .map(|o| {
                    object::string_map(o, "data")
                        .into_iter()
                        .map(|(k, v)| (k, decode(&v)))
                        .collect()
                })
                .unwrap_or_default();
            entries = items(src, data);
        } else if v.get("projected").is_some() && path.ends_with("serviceaccount") {
            entries.push((
                "ca.crt".into(),
                super::controllers::namespace::ROOT_CA.into(),
            ));
            entries.push(("namespace".into(), ns.into()));
            entries.push((
                "token".into(),
                format!(
                    "eyJhbGciOiJSUzI1NiJ9.system:serviceaccount:{ns}:{}",
                    object::str_at(pod, "spec.serviceAccountName")
                ),
            ));
        } else {
            // emptyDir, hostPath, PVC: a directory that exists.
            files.insert(format!("{path}/"), String::new());
        }
        for (k, val) in entries {
            match sub {
                Some(s) if s == k => {
                    files.insert(path.clone(), val);
                }
                Some(_) => {}
                None => {
                    files.insert(format!("{path}/{k}"), val);
                }
            }
        }
    }
    files
}

const NGINX_PAGE: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n";

/// What a container has written to its log by `now`.
pub fn logs(
    c: &Cluster,
    pod: &Value,
    container: &Value,
    previous: bool,
    now: DateTime<Utc>,
    catalog: &Catalog,
) -> Vec<String> {
    timed_logs(c, pod, container, previous, now, catalog)
        .into_iter()
        .map(|(_, l)| l)
        .collect()
}

/// The log lines with the time each was written (`kubectl logs --timestamps`, `--since`).
pub fn timed_logs(
    c: &Cluster,
    pod: &Value,
    container: &Value,
    previous: bool,
    now: DateTime<Utc>,
    catalog: &Catalog,
) -> Vec<(DateTime<Utc>, String)> {
    let name = container.get("name").and_then(Value::as_str).unwrap_or("");
    let status = object::array(pod, "status.containerStatuses")
        .iter()
        .chain(object::array(pod, "status.initContainerStatuses"))
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
        .cloned()
        .unwrap_or(Value::Null);
    let state_key = if previous { "lastState" } else { "state" };
    let mut state = status.get(state_key).cloned().unwrap_or(Value::Null);
    // Backing off between restarts, the newest log is the one of the run that just ended.
    if !previous && state.get("waiting").is_some() {
        if let Some(last) = status
            .get("lastState")
            .filter(|l| l.get("terminated").is_some())
        {
            state = last.clone();
        }
    }
    let (started, ended) = if let Some(r) = state.get("running") {
        (
            r.get("startedAt")
                .and_then(Value::as_str)
                .and_then(parse_timestamp),
            now,
        )
    } else if let Some(t) = state.get("terminated") {
        (
            t.get("startedAt")
                .and_then(Value::as_str)
                .and_then(parse_timestamp),
            t.get("finishedAt")
                .and_then(Value::as_str)
                .and_then(parse_timestamp)
                .unwrap_or(now),
        )
    } else {
        (None, now)
    };
    let Some(started) = started else {
        return Vec::new();
    };
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    let env = environment(c, pod, container);
    let argv = argv_of(container);
    if crate::cluster::dns::is_coredns(container) {
        return coredns_logs(c, pod, container, &state, started);
    }
    // A server image's own entrypoint, with or without arguments, prints its start-up banner.
    let entrypoint = object::array(container, "command").is_empty()
        && catalog
            .resolve(image)
            .is_some_and(|i| i.behaviour == crate::cluster::images::Behaviour::Serve);
    if argv.is_empty() || entrypoint {
        return banner(image, started)
            .into_iter()
            .map(|l| (started, l))
            .collect();
    }
    let script = match argv.first().map(|a| a.rsplit('/').next().unwrap_or(a)) {
        Some("sh" | "bash" | "ash") => argv
            .iter()
            .position(|a| a == "-c")
            .and_then(|p| argv.get(p + 1))
            .cloned()
            .unwrap_or_default(),
        _ => argv
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("'{a}'")
                } else {
                    a.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    let files = files(c, pod, container);
    // What the known statements cannot print (wget, nslookup, cat ...) the container userland runs
    // as `exec` would, against the cluster as it is now.
    let other = |stmt: &str| -> Option<String> {
        let w: Vec<String> = words(stmt).iter().map(|x| expand(x, &env)).collect();
        w.first()?;
        let r = simple(c, pod, &env, &files, &w);
        let mut text = r.stdout;
        text.push_str(&r.stderr);
        let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
        (!text.is_empty()).then_some(text)
    };
    run_script_logs(&script, &env, started, ended, &other)
}

/// CoreDNS's log: the Corefile's parse error when the container stopped on it, else what it prints
/// as it starts serving.
fn coredns_logs(
    c: &Cluster,
    pod: &Value,
    container: &Value,
    state: &Value,
    started: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, String)> {
    let path = crate::cluster::dns::corefile_path(container);
    if state.get("terminated").is_some() {
        let error = match files(c, pod, container).get(&path) {
            Some(text) => crate::cluster::dns::corefile_error(text, &path),
            None => Some(format!("open {path}: no such file or directory")),
        };
        return error.into_iter().map(|e| (started, e)).collect();
    }
    let image = container.get("image").and_then(Value::as_str).unwrap_or("");
    let version = crate::cluster::images::split_reference(image)
        .1
        .unwrap_or("v1.11.3")
        .trim_start_matches('v')
        .to_string();
    let digest = files(c, pod, container)
        .get(&path)
        .map(|t| {
            use sha2::Digest;
            sha2::Sha512::digest(t.as_bytes())
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        })
        .unwrap_or_default();
    [
        ".:53".to_string(),
        format!("[INFO] plugin/reload: Running configuration SHA512 = {digest}"),
        format!("CoreDNS-{version}"),
    ]
    .into_iter()
    .map(|l| (started, l))
    .collect()
}

fn banner(image: &str, started: DateTime<Utc>) -> Vec<String> {
    let ts = started.format("%Y/%m/%d %H:%M:%S");
    if image.starts_with("nginx") {
        vec![
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration".into(),
            "/docker-entrypoint.sh: Configuration complete; ready for start up".into(),
            format!("{ts} [notice] 1#1: using the \"epoll\" event method"),
            format!("{ts} [notice] 1#1: start worker processes"),
        ]
    } else if image.starts_with("redis") {
        vec![
            "1:M * Server initialized".into(),
            "1:M * Ready to accept connections tcp".into(),
        ]
    } else {
        Vec::new()
    }
}

fn expand(word: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let chars: Vec<char> = word.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '$' {
            let braced = chars.get(i + 1) == Some(&'{');
            let start = if braced { i + 2 } else { i + 1 };
            let mut j = start;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            if j > start {
                let name: String = chars[start..j].iter().collect();
                out.push_str(env.get(&name).map(String::as_str).unwrap_or(""));
                i = if braced && chars.get(j) == Some(&'}') {
                    j + 1
                } else {
                    j
                };
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

fn statement_output(
    stmt: &str,
    env: &BTreeMap<String, String>,
    at: DateTime<Utc>,
) -> Option<String> {
    let w = words(stmt);
    match w.first().map(String::as_str) {
        Some("echo") => Some(
            w[1..]
                .iter()
                .filter(|a| *a != "-n" && *a != "-e")
                .map(|a| expand(a, env))
                .collect::<Vec<_>>()
                .join(" "),
        ),
        Some("date") => Some(at.format("%a %b %e %H:%M:%S UTC %Y").to_string()),
        Some("printenv" | "env") if w.len() == 1 => Some(
            env.iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Some("printenv") => w.get(1).and_then(|k| env.get(k)).cloned(),
        Some("hostname") => env.get("HOSTNAME").cloned(),
        _ => None,
    }
}

fn run_script_logs(
    script: &str,
    env: &BTreeMap<String, String>,
    started: DateTime<Utc>,
    ended: DateTime<Utc>,
    other: &dyn Fn(&str) -> Option<String>,
) -> Vec<(DateTime<Utc>, String)> {
    let mut out = Vec::new();
    let stmts = statements(script);
    let mut t = started;
    let mut i = 0;
    while i < stmts.len() {
        let s = &stmts[i];
        if s.starts_with("while true") || s.starts_with("while :") || s.starts_with("for ") {
            // Body: from after `do` to `done`.
            let mut body: Vec<String> = Vec::new();
            let first = s
                .split_once(" do ")
                .map(|(_, b)| b.to_string())
                .or_else(|| s.strip_suffix(" do").map(|_| String::new()));
            if let Some(f) = first.filter(|f| !f.is_empty()) {
                body.push(f);
            }
            i += 1;
            while i < stmts.len() && !stmts[i].starts_with("done") {
                let st = stmts[i]
                    .strip_prefix("do ")
                    .unwrap_or(&stmts[i])
                    .to_string();
                if st != "do" {
                    body.push(st);
                }
                i += 1;
            }
            let period: i64 = body
                .iter()
                .filter_map(|b| {
                    b.strip_prefix("sleep ")
                        .and_then(|n| n.trim().parse::<i64>().ok())
                })
                .sum::<i64>()
                .max(1);
            for _ in 0..2000 {
                if t > ended {
                    break;
                }
                for b in &body {
                    if let Some(line) = statement_output(b, env, t) {
                        out.extend(line.lines().map(|l| (t, l.to_string())));
                    }
                }
                t += chrono::Duration::seconds(period);
            }
            let keep = out.len().saturating_sub(1000);
            out.drain(..keep);
            return out;
        }
        if let Some(n) = s
            .strip_prefix("sleep ")
            .and_then(|n| n.trim().parse::<i64>().ok())
        {
            t += chrono::Duration::seconds(n);
            if t > ended {
                break;
            }
        } else if let Some(line) = statement_output(s, env, t).or_else(|| other(s)) {
            out.extend(line.lines().map(|l| (t, l.to_string())));
        }
        i += 1;
    }
    out
}

/// The result of running a command in a container.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExecResult {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Runs `argv` in a container of a running pod.
pub fn exec(c: &Cluster, pod: &Value, container: &Value, argv: &[String]) -> ExecResult {
    let env = environment(c, pod, container);
    let files = files(c, pod, container);
    let mut r = ExecResult::default();
    let Some(bin) = argv.first() else { return r };
    let base = bin.rsplit('/').next().unwrap_or(bin);
    if matches!(base, "sh" | "bash" | "ash") {
        if let Some(script) = argv
            .iter()
            .position(|a| a == "-c")
            .and_then(|p| argv.get(p + 1))
        {
            for stmt in statements(script) {
                let w: Vec<String> = words(&stmt).iter().map(|x| expand(x, &env)).collect();
                let one = simple(c, pod, &env, &files, &w);
                r.stdout.push_str(&one.stdout);
                r.stderr.push_str(&one.stderr);
                r.code = one.code;
                if one.code != 0 && stmt.contains("&&") {
                    break;
                }
            }
            return r;
        }
        return ExecResult {
            stdout: String::new(),
            stderr: String::new(),
            code: 0,
        };
    }
    simple(c, pod, &env, &files, argv)
}

fn simple(
    c: &Cluster,
    pod: &Value,
    env: &BTreeMap<String, String>,
    files: &BTreeMap<String, String>,
    w: &[String],
) -> ExecResult {
    let ok = |s: String| ExecResult {
        stdout: s,
        stderr: String::new(),
        code: 0,
    };
    let err = |s: String, code: i32| ExecResult {
        stdout: String::new(),
        stderr: s,
        code,
    };
    let Some(cmd) = w.first() else {
        return ExecResult::default();
    };
    let base = cmd.rsplit('/').next().unwrap_or(cmd);
    let uid = object::array(pod, "spec.containers")
        .first()
        .and_then(|ct| ct.get("securityContext"))
        .and_then(|s| s.get("runAsUser"))
        .and_then(Value::as_i64)
        .or_else(|| object::i64_at(pod, "spec.securityContext.runAsUser"))
        .unwrap_or(0);
    let gid = object::i64_at(pod, "spec.securityContext.runAsGroup").unwrap_or(if uid == 0 {
        0
    } else {
        uid
    });
    match base {
        "env" | "printenv" => {
            if let Some(k) = w.get(1) {
                return match env.get(k) {
                    Some(v) => ok(format!("{v}\n")),
                    None => ExecResult { stdout: String::new(), stderr: String::new(), code: 1 },
                };
            }
            ok(env.iter().map(|(k, v)| format!("{k}={v}\n")).collect())
        }
        "echo" => ok(format!("{}\n", w[1..].join(" "))),
        "hostname" => ok(format!("{}\n", object::name(pod))),
        "whoami" => {
            if uid == 0 {
                ok("root\n".into())
            } else {
                err(format!("whoami: unknown uid {uid}\n"), 1)
            }
        }
        "id" => {
            let user = if uid == 0 { "(root)".to_string() } else { String::new() };
            let group = if gid == 0 { "(root)".to_string() } else { String::new() };
            ok(format!("uid={uid}{user} gid={gid}{group} groups={gid}{group}\n"))
        }
        "cat" => {
            let mut out = String::new();
            for f in &w[1..] {
                match files.get(f.trim_end_matches('/')) {
                    Some(v) => out.push_str(v),
                    None if files.keys().any(|k| k.starts_with(&format!("{}/", f.trim_end_matches('/')))) => return err("cat: read error: Is a directory\n".to_string(), 1),
                    None => return err(format!("cat: can't open '{f}': No such file or directory\n"), 1),
                }
            }
            ok(out)
        }
        "ls" => {
            let dir = w.iter().skip(1).find(|a| !a.starts_with('-')).cloned().unwrap_or_else(|| "/".into());
            let dir = dir.trim_end_matches('/').to_string();
            if files.contains_key(&dir) {
                return ok(format!("{dir}\n"));
            }
            let prefix = format!("{dir}/");
            let mut names: Vec<String> = files.keys().filter_map(|k| k.strip_prefix(&prefix)).map(|r| r.split('/').next().unwrap_or("").to_string()).filter(|n| !n.is_empty()).collect();
            names.dedup();
            if names.is_empty() && !files.contains_key(&prefix) {
                return err(format!("ls: {dir}: No such file or directory\n"), 1);
            }
            ok(names.iter().map(|n| format!("{n}\n")).collect())
        }
        "date" => ok(format!("{}\n", c.now.format("%a %b %e %H:%M:%S UTC %Y"))),
        "true" | "sleep" => ok(String::new()),
        "false" => err(String::new(), 1),
        "exit" => err(String::new(), w.get(1).and_then(|x| x.parse().ok()).unwrap_or(0)),
        "nslookup" => nslookup(c, pod, w.get(1).map(String::as_str).unwrap_or("")),
        "wget" | "curl" => http(c, pod, w),
        "nc" => nc(c, pod, w),
        other => err(format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{other}\": executable file not found in $PATH: unknown\n"), 126),
    }
}

/// The network tools of a container (`nslookup`, `wget`, `curl`, `nc`) run from `pod`; `None` for
/// other programs.
pub fn network(c: &Cluster, pod: &Value, argv: &[String]) -> Option<ExecResult> {
    let base = argv.first()?.rsplit('/').next()?;
    Some(match base {
        "nslookup" => nslookup(c, pod, argv.get(1).map(String::as_str).unwrap_or("")),
        "wget" | "curl" => http(c, pod, argv),
        "nc" => nc(c, pod, argv),
        _ => return None,
    })
}

/// Resolves a name the way cluster DNS does from a pod's namespace: `svc`, `svc.ns`, `svc.ns.svc.cluster.local`.
pub fn resolve(c: &Cluster, from_ns: &str, host: &str) -> Option<(String, Option<Value>)> {
    lookup(c, from_ns, host).map(|a| (a.ip, a.service))
}

/// What a DNS lookup from a pod answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// The fully qualified name that matched (`web.default.svc.cluster.local`).
    pub fqdn: String,
    /// The first address.
    pub ip: String,
    /// Every address (a headless service has one per ready endpoint).
    pub ips: Vec<String>,
    /// The service behind a ClusterIP, whose ports map to its endpoints.
    pub service: Option<Value>,
}

/// Resolves `host` as a pod's resolver does: `/etc/hosts` for `localhost`, IP literals as they
/// are, then cluster DNS through the search list `NS.svc.cluster.local svc.cluster.local
/// cluster.local` (names with fewer than five dots try the list first). Cluster DNS serves
/// services (`svc.ns.svc.cluster.local`, headless ones answer with their endpoints' pod IPs),
/// pods of a headless service by hostname (`web-0.nginx.ns.svc.cluster.local`, as StatefulSets
/// give them) and pod A records (`10-244-1-3.ns.pod.cluster.local`).
pub fn lookup(c: &Cluster, from_ns: &str, host: &str) -> Option<Answer> {
    let host = host.trim_end_matches('.');
    let literal = |ip: &str| Answer {
        fqdn: ip.to_string(),
        ip: ip.to_string(),
        ips: vec![ip.to_string()],
        service: None,
    };
    if host == "localhost" {
        return Some(literal("127.0.0.1"));
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some(literal(host));
    }
    if host.is_empty() {
        return None;
    }
    let search = [
        format!("{host}.{from_ns}.svc.cluster.local"),
        format!("{host}.svc.cluster.local"),
        format!("{host}.cluster.local"),
    ];
    let absolute = host.to_string();
    let order: Vec<&String> = if host.matches('.').count() >= 5 {
        std::iter::once(&absolute).chain(search.iter()).collect()
    } else {
        search.iter().chain(std::iter::once(&absolute)).collect()
    };
    order.into_iter().find_map(|fqdn| cluster_record(c, fqdn))
}

/// The record cluster DNS holds for a fully qualified name, if any.
fn cluster_record(c: &Cluster, fqdn: &str) -> Option<Answer> {
    let rest = fqdn.strip_suffix(".cluster.local")?;
    if !super::dns::serves_cluster_zone(c) {
        // CoreDNS forwards the name upstream, which has never heard of it.
        return None;
    }
    let parts: Vec<&str> = rest.split('.').collect();
    match parts.as_slice() {
        [svc, ns, "svc"] => {
            let s = c.peek("services", ns, svc)?;
            let cluster_ip = object::str_at(s, "spec.clusterIP");
            if cluster_ip == "None" || cluster_ip.is_empty() {
                let ips = endpoint_ips(c, ns, svc);
                let ip = ips.first()?.clone();
                return Some(Answer {
                    fqdn: fqdn.to_string(),
                    ip,
                    ips,
                    service: None,
                });
            }
            Some(Answer {
                fqdn: fqdn.to_string(),
                ip: cluster_ip.to_string(),
                ips: vec![cluster_ip.to_string()],
                service: Some(s.clone()),
            })
        }
        [hostname, svc, ns, "svc"] => {
            c.peek("services", ns, svc)?;
            let pod = c.list_ns("pods", ns).into_iter().find(|p| {
                object::str_at(p, "spec.hostname") == *hostname
                    && object::str_at(p, "spec.subdomain") == *svc
            })?;
            let ip = object::str_at(pod, "status.podIP");
            (!ip.is_empty()).then(|| Answer {
                fqdn: fqdn.to_string(),
                ip: ip.to_string(),
                ips: vec![ip.to_string()],
                service: None,
            })
        }
        [dashed, ns, "pod"] => {
            c.peek("namespaces", "", ns)?;
            let ip = dashed.replace('-', ".");
            ip.parse::<std::net::Ipv4Addr>().ok()?;
            Some(Answer {
                fqdn: fqdn.to_string(),
                ips: vec![ip.clone()],
                ip,
                service: None,
            })
        }
        _ => None,
    }
}

/// The ready addresses of a service's Endpoints.
fn endpoint_ips(c: &Cluster, ns: &str, svc: &str) -> Vec<String> {
    c.peek("endpoints", ns, svc)
        .map(|e| {
            object::array(e, "subsets")
                .iter()
                .flat_map(|ss| object::array(ss, "addresses"))
                .filter_map(|a| a.get("ip").and_then(Value::as_str))
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn nslookup(c: &Cluster, pod: &Value, host: &str) -> ExecResult {
    let ns = object::namespace(pod);
    let head = "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n";
    if !super::netpol::dns_allowed(c, pod).allowed || !super::dns::server_answers(c) {
        // Egress to kube-dns is dropped, or no CoreDNS pod answers: the query never gets an answer.
        return ExecResult {
            stdout: ";; connection timed out; no servers could be reached\n\n".into(),
            stderr: String::new(),
            code: 1,
        };
    }
    if old_busybox(pod) {
        // busybox 1.28's nslookup (the one the Kubernetes docs use) prints its own layout.
        let head = "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n";
        return match lookup(c, ns, host) {
            Some(a) => {
                let mut out = format!("{head}Name:      {host}\n");
                for (i, ip) in a.ips.iter().enumerate() {
                    let reverse = if a.fqdn == *ip {
                        String::new()
                    } else {
                        format!(" {}", a.fqdn)
                    };
                    out.push_str(&format!("Address {}: {ip}{reverse}\n", i + 1));
                }
                ExecResult {
                    stdout: out,
                    stderr: String::new(),
                    code: 0,
                }
            }
            None => ExecResult {
                stdout: head.to_string(),
                stderr: format!("nslookup: can't resolve '{host}'\n"),
                code: 1,
            },
        };
    }
    match lookup(c, ns, host) {
        Some(a) => {
            let mut out = head.to_string();
            for ip in &a.ips {
                out.push_str(&format!("Name:\t{}\nAddress: {ip}\n", a.fqdn));
            }
            out.push('\n');
            ExecResult {
                stdout: out,
                stderr: String::new(),
                code: 0,
            }
        }
        None => ExecResult {
            stdout: head.to_string(),
            stderr: format!("** server can't find {host}.{ns}.svc.cluster.local: NXDOMAIN\n\n"),
            code: 1,
        },
    }
}

/// Whether the pod runs busybox 1.28 or older, whose nslookup answers in the old layout.
fn old_busybox(pod: &Value) -> bool {
    object::array(pod, "spec.containers").iter().any(|ct| {
        let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
        let image = image.rsplit('/').next().unwrap_or(image);
        image
            .strip_prefix("busybox:1.")
            .and_then(|v| v.split('.').next())
            .and_then(|minor| minor.parse::<u32>().ok())
            .is_some_and(|minor| minor <= 28)
    })
}

/// A timeout given to wget (`-T N`, `--timeout=N`) or curl (`-m N`, `--max-time N`,
/// `--connect-timeout N`), in seconds.
fn timeout_flag(w: &[String], curl: bool) -> Option<f64> {
    let names: &[&str] = if curl {
        &["-m", "--max-time", "--connect-timeout"]
    } else {
        &["-T", "--timeout"]
    };
    let mut it = w.iter().skip(1);
    while let Some(a) = it.next() {
        if names.contains(&a.as_str()) {
            return it.next().and_then(|v| v.parse().ok());
        }
        for n in names {
            if let Some(v) = a.strip_prefix(&format!("{n}=")) {
                return v.parse().ok();
            }
            if n.len() == 2 {
                if let Some(v) = a.strip_prefix(n).filter(|v| !v.is_empty()) {
                    if let Ok(x) = v.parse() {
                        return Some(x);
                    }
                }
            }
        }
    }
    None
}

fn http(c: &Cluster, pod: &Value, w: &[String]) -> ExecResult {
    let curl = w.first().is_some_and(|x| x.ends_with("curl"));
    // Flags that take a value, so their value is not mistaken for the URL.
    let valued: &[&str] = if curl {
        &[
            "-m",
            "--max-time",
            "--connect-timeout",
            "-o",
            "-H",
            "-X",
            "-d",
            "-w",
        ]
    } else {
        &["-T", "--timeout", "-O", "-o", "--header", "-U"]
    };
    let mut url: Option<&String> = None;
    let mut skip = false;
    for a in w.iter().skip(1) {
        if skip {
            skip = false;
            continue;
        }
        if valued.contains(&a.as_str()) {
            skip = true;
            continue;
        }
        if !a.starts_with('-') {
            url = Some(a);
            break;
        }
    }
    let Some(url) = url else {
        return ExecResult {
            stdout: String::new(),
            stderr: if curl {
                "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\n".into()
            } else {
                "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n".into()
            },
            code: if curl { 2 } else { 1 },
        };
    };
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let hostport = rest.split('/').next().unwrap_or(rest);
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<i64>().unwrap_or(80)),
        None => (hostport.to_string(), 80),
    };
    let fail = |msg: String, code: i32| ExecResult {
        stdout: String::new(),
        stderr: msg,
        code,
    };
    let timeout = timeout_flag(w, curl);
    let refused = |ip: &str| {
        if curl {
            fail(format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"), 7)
        } else {
            fail(
                format!("wget: can't connect to remote host ({ip}): Connection refused\n"),
                1,
            )
        }
    };
    let timed_out = |ip: &str| {
        match (curl, timeout) {
        (true, Some(t)) => fail(
            format!("curl: (28) Connection timed out after {} milliseconds\n", (t * 1000.0) as i64 + 1),
            28,
        ),
        (true, None) => fail(
            format!("curl: (28) Failed to connect to {host} port {port} after 130001 ms: Connection timed out\n"),
            28,
        ),
        (false, Some(_)) => fail("wget: download timed out\n".into(), 1),
        (false, None) => fail(
            format!("wget: can't connect to remote host ({ip}): Connection timed out\n"),
            1,
        ),
    }
    };
    let bad_host = || {
        if curl {
            fail(format!("curl: (6) Could not resolve host: {host}\n"), 6)
        } else {
            fail(format!("wget: bad address '{host}'\n"), 1)
        }
    };
    let (tpod, ip) = match connect::connect(c, pod, &host, port, "TCP") {
        connect::Outcome::NoSuchHost
        | connect::Outcome::DnsBlocked(_)
        | connect::Outcome::DnsDown => return bad_host(),
        connect::Outcome::Refused { ip } => return refused(&ip),
        connect::Outcome::Blocked { ip, .. } => return timed_out(&ip),
        connect::Outcome::Open { ip, pod, .. } => (pod, ip),
    };
    let image = object::array(&tpod, "spec.containers")
        .first()
        .and_then(|ct| ct.get("image"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let body = if image.starts_with("nginx") {
        NGINX_PAGE.to_string()
    } else if image.contains("httpd") {
        "<html><body><h1>It works!</h1></body></html>\n".to_string()
    } else {
        format!("Hello from {}\n", object::name(&tpod))
    };
    let spider = w.iter().any(|a| a == "--spider");
    let quiet = w
        .iter()
        .any(|a| a == "-qO-" || a == "-q" || a == "-O-" || a == "-s" || a.starts_with("-qO"));
    if curl {
        ExecResult {
            stdout: body,
            stderr: String::new(),
            code: 0,
        }
    } else if spider {
        ExecResult {
            stdout: String::new(),
            stderr: if quiet {
                String::new()
            } else {
                format!("Connecting to {hostport} ({ip}:{port})\nremote file exists\n")
            },
            code: 0,
        }
    } else if quiet {
        ExecResult {
            stdout: body,
            stderr: String::new(),
            code: 0,
        }
    } else {
        ExecResult { stdout: String::new(), stderr: format!("Connecting to {hostport} ({ip}:{port})\nsaving to 'index.html'\nindex.html           100% |********************************|   {}  0:00:00 ETA\n'index.html' saved\n", body.len()), code: 0 }
    }
}

/// busybox `nc`: `nc -zv host port` (and `-w N`, `-u`) reports whether the port is open.
fn nc(c: &Cluster, pod: &Value, w: &[String]) -> ExecResult {
    let mut verbose = false;
    let mut udp = false;
    let mut timeout = false;
    let mut pos: Vec<&String> = Vec::new();
    let mut it = w.iter().skip(1);
    while let Some(a) = it.next() {
        if a == "-w" {
            timeout = true;
            it.next();
        } else if let Some(flags) = a.strip_prefix('-') {
            verbose |= flags.contains('v');
            udp |= flags.contains('u');
            if flags.contains('w') {
                timeout = true;
            }
        } else {
            pos.push(a);
        }
    }
    let (Some(host), Some(port)) = (pos.first(), pos.get(1).and_then(|p| p.parse::<i64>().ok()))
    else {
        return ExecResult {
            stdout: String::new(),
            stderr: "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n".into(),
            code: 1,
        };
    };
    let proto = if udp { "UDP" } else { "TCP" };
    let err = |s: String| ExecResult {
        stdout: String::new(),
        stderr: s,
        code: 1,
    };
    match connect::connect(c, pod, host, port, proto) {
        connect::Outcome::NoSuchHost
        | connect::Outcome::DnsBlocked(_)
        | connect::Outcome::DnsDown => err(format!("nc: bad address '{host}'\n")),
        connect::Outcome::Refused { ip } => {
            err(format!("nc: {host} ({ip}:{port}): Connection refused\n"))
        }
        connect::Outcome::Blocked { ip, .. } => {
            if timeout {
                err("nc: timed out\n".into())
            } else {
                err(format!("nc: {host} ({ip}:{port}): Connection timed out\n"))
            }
        }
        connect::Outcome::Open { ip, .. } => ExecResult {
            stdout: String::new(),
            stderr: if verbose {
                format!("{host} ({ip}:{port}) open\n")
            } else {
                String::new()
            },
            code: 0,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_split_into_statements_and_words() {
        assert_eq!(
            statements("echo a; sleep 5 && echo 'b; c'"),
            vec!["echo a", "sleep 5", "echo 'b; c'"]
        );
        assert_eq!(
            words("echo 'hello world' \"x\""),
            vec!["echo", "hello world", "x"]
        );
    }

    #[test]
    fn loop_logs_repeat_with_the_period() {
        let env = BTreeMap::new();
        let start = chrono::DateTime::from_timestamp(0, 0).unwrap_or_default();
        let end = start + chrono::Duration::seconds(20);
        let lines = run_script_logs(
            "echo start; while true; do echo tick; sleep 5; done",
            &env,
            start,
            end,
            &|_| None,
        );
        assert_eq!(lines.first().map(|(_, l)| l.as_str()), Some("start"));
        assert_eq!(lines.iter().filter(|(_, l)| l == "tick").count(), 5);
        // Each tick is stamped with the time the loop wrote it.
        let ticks: Vec<i64> = lines
            .iter()
            .filter(|(_, l)| l == "tick")
            .map(|(t, _)| (*t - start).num_seconds())
            .collect();
        assert_eq!(ticks, vec![0, 5, 10, 15, 20]);
    }
}
