//! Client-side generators: the objects `kubectl run`, `create deployment|namespace|configmap` and
//! `expose` build before sending them (what `--dry-run=client -o yaml` prints).

use serde_json::{json, Map, Value};

/// The container name kubectl derives from an image (`kodekloud/webapp-color:v1` -> `webapp-color`).
pub fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split('@').next().unwrap_or(last);
    let last = last.split(':').next().unwrap_or(last);
    last.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect()
}

/// `kubectl create deployment NAME --image=... [--replicas] [--port] [-- command]`.
pub fn deployment(
    name: &str,
    images: &[String],
    replicas: i64,
    port: Option<i64>,
    command: &[String],
) -> Value {
    let mut containers = Vec::new();
    for img in images {
        let mut c = Map::new();
        if !command.is_empty() {
            c.insert("command".into(), json!(command));
        }
        c.insert("image".into(), json!(img));
        c.insert("name".into(), json!(container_name(img)));
        if let Some(p) = port {
            c.insert("ports".into(), json!([{"containerPort": p}]));
        }
        c.insert("resources".into(), json!({}));
        containers.push(Value::Object(c));
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"creationTimestamp": null, "labels": {"app": name}, "name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": {"app": name}},
                "spec": {"containers": containers},
            },
        },
        "status": {},
    })
}

/// `kubectl create namespace NAME`.
pub fn namespace(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"creationTimestamp": null, "name": name}, "spec": {}, "status": {}})
}

/// Options of `kubectl run`.
#[derive(Debug, Default, Clone)]
pub struct RunOptions {
    pub name: String,
    pub image: String,
    pub labels: Option<Vec<(String, String)>>,
    pub port: Option<i64>,
    pub env: Vec<(String, String)>,
    pub command: bool,
    pub args: Vec<String>,
    pub restart: String,
    pub image_pull_policy: Option<String>,
    pub annotations: Vec<(String, String)>,
    pub service_account: Option<String>,
}

/// `kubectl run NAME --image=...`.
pub fn run_pod(o: &RunOptions) -> Value {
    let mut c = Map::new();
    if !o.args.is_empty() {
        c.insert(
            (if o.command { "command" } else { "args" }).into(),
            json!(o.args),
        );
    }
    if !o.env.is_empty() {
        let env: Vec<Value> = o
            .env
            .iter()
            .map(|(k, v)| json!({"name": k, "value": v}))
            .collect();
        c.insert("env".into(), Value::Array(env));
    }
    c.insert("image".into(), json!(o.image));
    if let Some(p) = &o.image_pull_policy {
        c.insert("imagePullPolicy".into(), json!(p));
    }
    c.insert("name".into(), json!(o.name));
    if let Some(p) = o.port {
        c.insert("ports".into(), json!([{"containerPort": p}]));
    }
    c.insert("resources".into(), json!({}));
    let labels: Map<String, Value> = match &o.labels {
        Some(l) => l.iter().map(|(k, v)| (k.clone(), json!(v))).collect(),
        None => [("run".to_string(), json!(o.name))].into_iter().collect(),
    };
    let mut md = json!({"creationTimestamp": null, "labels": labels, "name": o.name});
    if !o.annotations.is_empty() {
        md["annotations"] = Value::Object(
            o.annotations
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect(),
        );
    }
    let restart = if o.restart.is_empty() {
        "Always"
    } else {
        &o.restart
    };
    let mut spec = json!({"containers": [Value::Object(c)], "dnsPolicy": "ClusterFirst", "restartPolicy": restart});
    if let Some(sa) = &o.service_account {
        spec["serviceAccountName"] = json!(sa);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": md, "spec": spec, "status": {}})
}

/// `kubectl create configmap NAME` from key/value pairs.
pub fn configmap(name: &str, data: &[(String, String)]) -> Value {
    let mut m = Map::new();
    for (k, v) in data {
        m.insert(k.clone(), json!(v));
    }
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"creationTimestamp": null, "name": name}});
    if !m.is_empty() {
        cm["data"] = Value::Object(m);
    }
    cm
}
