//! The other `kubectl create` generators: secret, serviceaccount, role, clusterrole, rolebinding,
//! clusterrolebinding, job, cronjob, service, quota, ingress, priorityclass, poddisruptionbudget, token.
//! Their `--dry-run=client -o yaml` output matches the real kubectl's.

use super::create::submit;
use super::generate::container_name;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use base64::Engine;
use serde_json::{json, Map, Value};

/// Flags of every create subcommand (create parses them all; each subcommand reads its own).
pub const FLAGS: &[FlagSpec] = &[
    val("type", None),
    val("cert", None),
    val("key", None),
    val("docker-server", None),
    val("docker-username", None),
    val("docker-password", None),
    val("docker-email", None),
    rep("verb", None),
    rep("resource", None),
    rep("resource-name", None),
    val("role", None),
    val("clusterrole", None),
    rep("user", None),
    rep("group", None),
    rep("serviceaccount", None),
    val("from", None),
    val("schedule", None),
    val("restart", None),
    rep("tcp", None),
    val("node-port", None),
    val("external-name", None),
    val("clusterip", None),
    val("hard", None),
    val("scopes", None),
    rep("rule", None),
    val("class", None),
    val("default-backend", None),
    rep("annotation", None),
    val("value", None),
    val("description", None),
    flag("global-default", None),
    val("preemption-policy", None),
    val("selector", None),
    val("min-available", None),
    val("max-unavailable", None),
    val("duration", None),
    rep("audience", None),
    val("bound-object-kind", None),
    val("bound-object-name", None),
    rep("aggregation-rule", None),
    rep("non-resource-url", None),
];

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

fn one_name(ctx: &mut Ctx<'_>, rest: &[String]) -> Option<String> {
    if rest.len() != 1 {
        ctx.usage_error(&format!("exactly one NAME is required, got {}", rest.len()));
        return None;
    }
    Some(rest[0].clone())
}

fn literal_sources(ctx: &mut Ctx<'_>) -> Option<Vec<(String, String)>> {
    let mut data = Vec::new();
    for lit in ctx.flags.all("from-literal") {
        match lit.split_once('=') {
            Some((k, v)) if !k.is_empty() => data.push((k.to_string(), v.to_string())),
            _ => {
                ctx.error(&format!("invalid literal source {lit}, expected key=value"));
                return None;
            }
        }
    }
    for f in ctx.flags.all("from-file") {
        match ctx.file_sources(&f) {
            Ok(found) => data.extend(found),
            Err(e) => {
                ctx.error(&e);
                return None;
            }
        }
    }
    for f in ctx.flags.all("from-env-file") {
        match ctx
            .read_file(&f)
            .map_err(|_| format!("error reading {f}: no such file or directory"))
        {
            Ok(t) => {
                for line in t
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                {
                    let (k, v) = line.split_once('=').unwrap_or((line, ""));
                    data.push((k.to_string(), v.to_string()));
                }
            }
            Err(e) => {
                ctx.error(&e);
                return None;
            }
        }
    }
    data.sort();
    Some(data)
}

/// Dispatches the subcommands this module owns; false when `sub` is not one of them.
pub fn run(ctx: &mut Ctx<'_>, sub: &str, rest: &[String]) -> bool {
    match sub {
        "secret" => secret(ctx, rest),
        "serviceaccount" | "sa" => {
            if let Some(n) = one_name(ctx, rest) {
                submit(
                    ctx,
                    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"creationTimestamp": null, "name": n}}),
                    "created",
                );
            }
        }
        "role" | "clusterrole" => role(ctx, rest, sub == "clusterrole"),
        "rolebinding" | "clusterrolebinding" => binding(ctx, rest, sub == "clusterrolebinding"),
        "job" => job(ctx, rest),
        "cronjob" | "cj" => cronjob(ctx, rest),
        "service" | "svc" => service(ctx, rest),
        "quota" | "resourcequota" => quota(ctx, rest),
        "ingress" | "ing" => ingress(ctx, rest),
        "priorityclass" | "pc" => priorityclass(ctx, rest),
        "poddisruptionbudget" | "pdb" => pdb(ctx, rest),
        "token" => token(ctx, rest),
        _ => return false,
    }
    true
}

fn secret(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(kind) = rest.first().cloned() else {
        return ctx.group_help("kubectl create secret");
    };
    if !["generic", "tls", "docker-registry"].contains(&kind.as_str()) {
        return ctx.error(&format!(
            "unknown command \"{kind}\"\nSee 'kubectl create secret -h' for help and examples"
        ));
    }
    ctx.path = format!("kubectl create secret {kind}");
    let Some(name) = one_name(ctx, &rest[1..]) else {
        return;
    };
    let mut s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"creationTimestamp": null, "name": name}});
    match kind.as_str() {
        "generic" => {
            let Some(data) = literal_sources(ctx) else {
                return;
            };
            if !data.is_empty() {
                let m: Map<String, Value> = data
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(b64(v))))
                    .collect();
                s["data"] = Value::Object(m);
            }
            if let Some(t) = ctx.flags.get("type") {
                s["type"] = json!(t);
            }
        }
        "tls" => {
            let (Some(cert), Some(key)) = (
                ctx.flags.get("cert").map(String::from),
                ctx.flags.get("key").map(String::from),
            ) else {
                return ctx.error("key and cert must be specified");
            };
            let cert_text = match ctx.read_file(&cert) {
                Ok(t) => t,
                Err(_) => {
                    return ctx.error(&format!(
                        "Cannot read file {cert}, open {cert}: no such file or directory"
                    ))
                }
            };
            let key_text = match ctx.read_file(&key) {
                Ok(t) => t,
                Err(_) => {
                    return ctx.error(&format!(
                        "Cannot read file {key}, open {key}: no such file or directory"
                    ))
                }
            };
            if !cert_text.contains("-----BEGIN CERTIFICATE-----") {
                return ctx.error("tls: failed to find any PEM data in certificate input");
            }
            if !key_text.contains("PRIVATE KEY-----") {
                return ctx.error("tls: failed to find any PEM data in key input");
            }
            s["data"] = json!({"tls.crt": b64(&cert_text), "tls.key": b64(&key_text)});
            s["type"] = json!("kubernetes.io/tls");
        }
        "docker-registry" => {
            let server = ctx
                .flags
                .get("docker-server")
                .unwrap_or("https://index.docker.io/v1/")
                .to_string();
            let (Some(user), Some(pass)) = (
                ctx.flags.get("docker-username").map(String::from),
                ctx.flags.get("docker-password").map(String::from),
            ) else {
                return ctx.error("either --from-file or the combination of --docker-username, --docker-password and --docker-server is required");
            };
            let mut entry = Map::new();
            entry.insert("username".into(), json!(user));
            entry.insert("password".into(), json!(pass));
            if let Some(e) = ctx.flags.get("docker-email") {
                entry.insert("email".into(), json!(e));
            }
            entry.insert("auth".into(), json!(b64(&format!("{user}:{pass}"))));
            // kubectl writes the fields in struct order, not sorted.
            let mut cfg = format!(
                "{{\"auths\":{{{}:{{",
                serde_json::to_string(&server).unwrap_or_default()
            );
            let mut parts = vec![
                format!(
                    "\"username\":{}",
                    serde_json::to_string(&user).unwrap_or_default()
                ),
                format!(
                    "\"password\":{}",
                    serde_json::to_string(&pass).unwrap_or_default()
                ),
            ];
            if let Some(e) = ctx.flags.get("docker-email") {
                parts.push(format!(
                    "\"email\":{}",
                    serde_json::to_string(e).unwrap_or_default()
                ));
            }
            parts.push(format!("\"auth\":\"{}\"", b64(&format!("{user}:{pass}"))));
            cfg.push_str(&parts.join(","));
            cfg.push_str("}}}");
            s["data"] = json!({".dockerconfigjson": b64(&cfg)});
            s["type"] = json!("kubernetes.io/dockerconfigjson");
        }
        other => {
            return ctx.error(&format!(
                "unknown command \"{other}\"\nSee 'kubectl create secret -h' for help and examples"
            ))
        }
    }
    submit(ctx, s, "created");
}

fn split_list(values: Vec<String>) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
}

fn role(ctx: &mut Ctx<'_>, rest: &[String], cluster: bool) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let verbs = split_list(ctx.flags.all("verb"));
    let resources = split_list(ctx.flags.all("resource"));
    let names = split_list(ctx.flags.all("resource-name"));
    let urls = split_list(ctx.flags.all("non-resource-url"));
    let aggregation = split_list(ctx.flags.all("aggregation-rule"));
    if cluster && !aggregation.is_empty() {
        // An aggregated ClusterRole gets its rules from the roles its selector matches.
        if !verbs.is_empty() || !resources.is_empty() || !urls.is_empty() {
            return ctx.error("aggregation rule must not be specified together with verbs, resources, resource names or non-resource URLs");
        }
        let mut labels = Map::new();
        for kv in &aggregation {
            let Some((k, v)) = kv.split_once('=') else {
                return ctx.error(&format!("invalid aggregation rule: {kv}"));
            };
            labels.insert(k.to_string(), json!(v));
        }
        submit(
            ctx,
            json!({"aggregationRule": {"clusterRoleSelectors": [{"matchLabels": labels}]}, "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"creationTimestamp": null, "name": name}, "rules": null}),
            "created",
        );
        return;
    }
    if verbs.is_empty() {
        return ctx.error("at least one verb must be specified");
    }
    if resources.is_empty() && urls.is_empty() {
        return ctx.error("at least one resource must be specified");
    }
    const VALID: &[&str] = &[
        "*",
        "get",
        "delete",
        "list",
        "create",
        "update",
        "patch",
        "watch",
        "proxy",
        "deletecollection",
        "use",
        "bind",
        "escalate",
        "impersonate",
    ];
    if !resources.is_empty() {
        for v in &verbs {
            if !VALID.contains(&v.as_str()) {
                ctx.warn(&format!("Warning: '{v}' is not a standard resource verb"));
            }
        }
    }
    // One rule per API group, in the order groups first appear.
    let mut rules: Vec<(String, Vec<String>)> = Vec::new();
    for r in &resources {
        let (base, sub) = match r.split_once('/') {
            Some((b, s)) => (b.to_string(), Some(s.to_string())),
            None => (r.clone(), None),
        };
        let (plural, group) = if base == "*" {
            ("*".to_string(), "*".to_string())
        } else {
            match schema::lookup(&base) {
                Some(rt) => (rt.plural.to_string(), rt.group.to_string()),
                None => {
                    return ctx.error(&format!(
                        "the server doesn't have a resource type \"{base}\""
                    ))
                }
            }
        };
        let full = match sub {
            Some(s) => format!("{plural}/{s}"),
            None => plural,
        };
        match rules.iter_mut().find(|(g, _)| *g == group) {
            Some((_, rs)) => rs.push(full),
            None => rules.push((group, vec![full])),
        }
    }
    let mut out: Vec<Value> = rules
        .into_iter()
        .map(|(g, rs)| {
            let mut rule = json!({"apiGroups": [g], "resources": rs, "verbs": verbs});
            if !names.is_empty() {
                rule["resourceNames"] = json!(names);
            }
            rule
        })
        .collect();
    if !urls.is_empty() {
        out.push(json!({"nonResourceURLs": urls, "verbs": verbs}));
    }
    let kind = if cluster { "ClusterRole" } else { "Role" };
    submit(
        ctx,
        json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"creationTimestamp": null, "name": name}, "rules": out}),
        "created",
    );
}

fn binding(ctx: &mut Ctx<'_>, rest: &[String], cluster: bool) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let role_ref = match (ctx.flags.get("clusterrole"), ctx.flags.get("role")) {
        (Some(cr), None) => {
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": cr})
        }
        (None, Some(r)) if !cluster => {
            json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": r})
        }
        (Some(_), Some(_)) => {
            return ctx.error("exactly one of clusterrole or role must be specified")
        }
        _ => {
            return ctx.error(if cluster {
                "required flag(s) \"clusterrole\" not set"
            } else {
                "exactly one of clusterrole or role must be specified"
            })
        }
    };
    let mut subjects = Vec::new();
    for u in ctx.flags.all("user") {
        subjects.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": u}));
    }
    for g in ctx.flags.all("group") {
        subjects.push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g}));
    }
    for sa in ctx.flags.all("serviceaccount") {
        let Some((ns, n)) = sa.split_once(':') else {
            return ctx.error("serviceaccount must be <namespace>:<name>");
        };
        subjects.push(json!({"kind": "ServiceAccount", "name": n, "namespace": ns}));
    }
    let kind = if cluster {
        "ClusterRoleBinding"
    } else {
        "RoleBinding"
    };
    let mut b = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": {"creationTimestamp": null, "name": name}, "roleRef": role_ref});
    if !subjects.is_empty() {
        b["subjects"] = Value::Array(subjects);
    }
    submit(ctx, b, "created");
}

fn pod_template(name: &str, image: &str, command: &[String], restart: &str) -> Value {
    let mut c = Map::new();
    if !command.is_empty() {
        c.insert("command".into(), json!(command));
    }
    c.insert("image".into(), json!(image));
    c.insert("name".into(), json!(name));
    c.insert("resources".into(), json!({}));
    json!({"metadata": {"creationTimestamp": null}, "spec": {"containers": [Value::Object(c)], "restartPolicy": restart}})
}

fn job(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    if let Some(from) = ctx.flags.get("from").map(String::from) {
        let Some((kind, cj)) = from.split_once('/') else {
            return ctx.error(&format!(
                "from must be of the form <resource>/<name>, got {from}"
            ));
        };
        if schema::lookup(kind).map(|r| r.kind) != Some("CronJob") {
            return ctx.error("from must be an existing cronjob");
        }
        let ns = ctx.namespace.clone();
        let Some(rt) = schema::lookup("cronjob") else {
            return;
        };
        let cron = match ctx.cluster_ref().map(|c| c.get(rt, &ns, cj)) {
            Some(Ok(o)) => o,
            Some(Err(e)) => return ctx.error(&errors::api_error(&e)),
            None => return,
        };
        let spec = object::get(&cron, "spec.jobTemplate.spec")
            .cloned()
            .unwrap_or(json!({}));
        let owner = json!([{"apiVersion": "batch/v1", "controller": true, "kind": "CronJob", "name": cj, "uid": object::str_at(&cron, "metadata.uid")}]);
        let j = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"annotations": {"cronjob.kubernetes.io/instantiate": "manual"}, "creationTimestamp": null, "name": name, "ownerReferences": owner}, "spec": spec, "status": {}});
        submit(ctx, j, "created");
        return;
    }
    let Some(image) = ctx.flags.get("image").map(String::from) else {
        return ctx.error("required flag(s) \"image\" not set");
    };
    let command = ctx.flags.after_dashes.clone().unwrap_or_default();
    let j = json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"creationTimestamp": null, "name": name}, "spec": {"template": pod_template(&name, &image, &command, "Never")}, "status": {}});
    submit(ctx, j, "created");
}

fn cronjob(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let Some(image) = ctx.flags.get("image").map(String::from) else {
        return ctx.error("required flag(s) \"image\", \"schedule\" not set");
    };
    let Some(schedule) = ctx.flags.get("schedule").map(String::from) else {
        return ctx.error("required flag(s) \"schedule\" not set");
    };
    let restart = ctx.flags.get("restart").unwrap_or("OnFailure").to_string();
    let command = ctx.flags.after_dashes.clone().unwrap_or_default();
    let cj = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"creationTimestamp": null, "name": name},
        "spec": {"jobTemplate": {"metadata": {"creationTimestamp": null, "name": name}, "spec": {"template": pod_template(&name, &image, &command, &restart)}}, "schedule": schedule},
        "status": {}});
    submit(ctx, cj, "created");
}

fn service(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(kind) = rest.first().cloned() else {
        return ctx.group_help("kubectl create service");
    };
    let type_ = match kind.as_str() {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        "externalname" => "ExternalName",
        other => {
            return ctx.error(&format!(
                "unknown command \"{other}\"\nSee 'kubectl create service -h' for help and examples"
            ))
        }
    };
    ctx.path = format!("kubectl create service {kind}");
    let Some(name) = one_name(ctx, &rest[1..]) else {
        return;
    };
    let mut spec = Map::new();
    if type_ == "ExternalName" {
        let Some(ext) = ctx.flags.get("external-name") else {
            return ctx.error("required flag(s) \"external-name\" not set");
        };
        spec.insert("externalName".into(), json!(ext));
    } else {
        let tcp = split_list(ctx.flags.all("tcp"));
        if tcp.is_empty() && ctx.flags.get("clusterip") != Some("None") {
            return ctx.error("at least one tcp port specifier must be provided");
        }
        let node_port = ctx
            .flags
            .get("node-port")
            .and_then(|p| p.parse::<i64>().ok());
        let mut ports = Vec::new();
        for t in tcp {
            let (p, tp) = t.split_once(':').unwrap_or((&t, &t));
            let port_name = t.replace(':', "-");
            let Ok(port) = p.parse::<i64>() else {
                return ctx.error(&format!("invalid port: {p}"));
            };
            let target = tp
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| json!(tp));
            let mut m = Map::new();
            m.insert("name".into(), json!(port_name));
            if let Some(np) = node_port.filter(|_| type_ == "NodePort") {
                m.insert("nodePort".into(), json!(np));
            }
            m.insert("port".into(), json!(port));
            m.insert("protocol".into(), json!("TCP"));
            m.insert("targetPort".into(), target);
            ports.push(Value::Object(m));
        }
        if let Some(ip) = ctx.flags.get("clusterip") {
            spec.insert("clusterIP".into(), json!(ip));
        }
        if !ports.is_empty() {
            spec.insert("ports".into(), Value::Array(ports));
        }
    }
    spec.insert("selector".into(), json!({"app": name}));
    spec.insert("type".into(), json!(type_));
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"creationTimestamp": null, "labels": {"app": name}, "name": name}, "spec": spec, "status": {"loadBalancer": {}}});
    submit(ctx, svc, "created");
}

fn quota(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let mut spec = Map::new();
    if let Some(h) = ctx.flags.get("hard") {
        let hard: Map<String, Value> = h
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), json!(v.trim())))
            .collect();
        spec.insert("hard".into(), Value::Object(hard));
    }
    if let Some(s) = ctx.flags.get("scopes") {
        spec.insert("scopes".into(), json!(s.split(',').collect::<Vec<_>>()));
    }
    submit(
        ctx,
        json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"creationTimestamp": null, "name": name}, "spec": spec, "status": {}}),
        "created",
    );
}

fn ingress(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    if ctx.flags.all("rule").is_empty() && ctx.flags.get("default-backend").is_none() {
        return ctx.error("not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)");
    }
    let mut rules: Vec<(String, Vec<Value>)> = Vec::new();
    let mut tls: Vec<(String, Vec<String>)> = Vec::new();
    for rule in ctx.flags.all("rule") {
        // host/path=service:port[,tls[=secret]]
        let (main, tls_part) = match rule.split_once(",tls") {
            Some((m, t)) => (m.to_string(), Some(t.trim_start_matches('=').to_string())),
            None => (rule.clone(), None),
        };
        let Some((hp, backend)) = main.split_once('=') else {
            return ctx.error(&format!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"));
        };
        let (host, path) = match hp.find('/') {
            Some(i) => (hp[..i].to_string(), hp[i..].to_string()),
            None => return ctx.error(&format!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]")),
        };
        let (path, path_type) = match path.strip_suffix('*') {
            Some(p) => (p.to_string(), "Prefix"),
            None => (path.clone(), "Exact"),
        };
        let Some((svc, port)) = backend.split_once(':') else {
            return ctx.error(&format!("rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"));
        };
        let port_v = match port.parse::<i64>() {
            Ok(n) => json!({"number": n}),
            Err(_) => json!({"name": port}),
        };
        let p = json!({"backend": {"service": {"name": svc, "port": port_v}}, "path": path, "pathType": path_type});
        match rules.iter_mut().find(|(h, _)| *h == host) {
            Some((_, ps)) => ps.push(p),
            None => rules.push((host.clone(), vec![p])),
        }
        if let Some(secret) = tls_part {
            match tls.iter_mut().find(|(s, _)| *s == secret) {
                Some((_, hs)) => {
                    if !host.is_empty() {
                        hs.push(host.clone())
                    }
                }
                None => tls.push((
                    secret,
                    if host.is_empty() {
                        vec![]
                    } else {
                        vec![host.clone()]
                    },
                )),
            }
        }
    }
    let mut spec = Map::new();
    if let Some(c) = ctx.flags.get("class") {
        spec.insert("ingressClassName".into(), json!(c));
    }
    if let Some(db) = ctx.flags.get("default-backend") {
        let (svc, port) = db.split_once(':').unwrap_or((db, "80"));
        let port_v = port
            .parse::<i64>()
            .map(|n| json!({"number": n}))
            .unwrap_or_else(|_| json!({"name": port}));
        spec.insert(
            "defaultBackend".into(),
            json!({"service": {"name": svc, "port": port_v}}),
        );
    }
    if !rules.is_empty() {
        let rs: Vec<Value> = rules
            .into_iter()
            .map(|(h, ps)| {
                let mut r = json!({"http": {"paths": ps}});
                if !h.is_empty() {
                    r["host"] = json!(h);
                }
                r
            })
            .collect();
        spec.insert("rules".into(), Value::Array(rs));
    }
    if !tls.is_empty() {
        let ts: Vec<Value> = tls
            .into_iter()
            .map(|(s, hs)| {
                let mut t = json!({"hosts": hs});
                if !s.is_empty() {
                    t["secretName"] = json!(s);
                }
                t
            })
            .collect();
        spec.insert("tls".into(), Value::Array(ts));
    }
    let mut md = json!({"creationTimestamp": null, "name": name});
    let ann: Map<String, Value> = ctx
        .flags
        .all("annotation")
        .iter()
        .filter_map(|a| a.split_once('='))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    if !ann.is_empty() {
        md["annotations"] = Value::Object(ann);
    }
    submit(
        ctx,
        json!({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": md, "spec": spec, "status": {"loadBalancer": {}}}),
        "created",
    );
}

fn priorityclass(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let value = ctx
        .flags
        .get("value")
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0);
    let mut pc = json!({"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"creationTimestamp": null, "name": name},
        "preemptionPolicy": ctx.flags.get("preemption-policy").unwrap_or("PreemptLowerPriority"), "value": value});
    if let Some(d) = ctx.flags.get("description") {
        pc["description"] = json!(d);
    }
    if ctx.flags.is_set("global-default") {
        pc["globalDefault"] = json!(true);
    }
    submit(ctx, pc, "created");
}

fn pdb(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(name) = one_name(ctx, rest) else {
        return;
    };
    let Some(sel) = ctx.flags.get("selector").map(String::from) else {
        return ctx.error("a selector must be specified");
    };
    let ml: Map<String, Value> = sel
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let mut spec = json!({"selector": {"matchLabels": ml}});
    let iop = |v: &str| {
        v.parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| json!(v))
    };
    match (
        ctx.flags.get("min-available"),
        ctx.flags.get("max-unavailable"),
    ) {
        (Some(m), None) => spec["minAvailable"] = iop(m),
        (None, Some(m)) => spec["maxUnavailable"] = iop(m),
        (Some(_), Some(_)) => {
            return ctx.error("min-available and max-unavailable cannot be both specified")
        }
        _ => return ctx.error("one of min-available or max-unavailable must be specified"),
    }
    submit(
        ctx,
        json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"creationTimestamp": null, "name": name}, "spec": spec,
        "status": {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}}),
        "created",
    );
}

fn token(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(sa) = one_name(ctx, rest) else {
        return;
    };
    let ns = ctx.namespace.clone();
    let exists = ctx
        .cluster_ref()
        .is_some_and(|c| c.peek("serviceaccounts", &ns, &sa).is_some());
    if !exists {
        return ctx.error(&format!(
            "Error from server (NotFound): serviceaccounts \"{sa}\" not found"
        ));
    }
    let b64url = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s.as_bytes());
    let header = b64url("{\"alg\":\"RS256\",\"kid\":\"kubedojo\"}");
    let now = ctx.cluster_ref().map(|c| c.now.timestamp()).unwrap_or(0);
    let payload = b64url(&format!("{{\"aud\":[\"https://kubernetes.default.svc.cluster.local\"],\"exp\":{},\"iat\":{now},\"iss\":\"https://kubernetes.default.svc.cluster.local\",\"sub\":\"system:serviceaccount:{ns}:{sa}\"}}", now + 3600));
    let sig = b64url(&format!("{ns}/{sa}/{now}"));
    ctx.println(&format!("{header}.{payload}.{sig}"));
    let _ = container_name;
}
