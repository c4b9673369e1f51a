//! Container probes as the kubelet runs them: `httpGet`, `tcpSocket` and `exec` checks decided from
//! the image catalogue (what the image listens on and serves) and the simulated container userland.

use crate::cluster::{connect, container, object, Cluster};
use serde_json::Value;

/// The paths a web server image answers 200 on; any other path is a 404.
fn served_paths(image: &str) -> Option<&'static [&'static str]> {
    let base = image.rsplit('/').next().unwrap_or(image);
    if base.starts_with("nginx") {
        Some(&["/", "/index.html", "/50x.html"])
    } else if base.starts_with("httpd") {
        Some(&["/", "/index.html"])
    } else {
        None
    }
}

/// Resolves a probe's port (a number or a container port name) against the container.
fn probe_port(ct: &Value, port: Option<&Value>) -> Option<i64> {
    match port? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok().or_else(|| {
            ct.get("ports")
                .and_then(Value::as_array)?
                .iter()
                .find(|p| p.get("name").and_then(Value::as_str) == Some(s.as_str()))
                .and_then(|p| p.get("containerPort"))
                .and_then(Value::as_i64)
        }),
        _ => None,
    }
}

/// Runs one probe; `Err` carries the kubelet's failure text (what follows `Readiness probe failed: `).
pub fn run(c: &Cluster, pod: &Value, ct: &Value, probe: &Value) -> Result<(), String> {
    let ip = object::str_at(pod, "status.podIP");
    let image = ct.get("image").and_then(Value::as_str).unwrap_or("");
    if let Some(h) = probe.get("httpGet") {
        let Some(port) = probe_port(ct, h.get("port")) else {
            return Err(format!(
                "strconv.Atoi: parsing {}: invalid syntax",
                h.get("port").map(Value::to_string).unwrap_or_default()
            ));
        };
        let path = h.get("path").and_then(Value::as_str).unwrap_or("/");
        let scheme = h
            .get("scheme")
            .and_then(Value::as_str)
            .unwrap_or("HTTP")
            .to_ascii_lowercase();
        let host = h.get("host").and_then(Value::as_str).unwrap_or(ip);
        if !connect::listens(c, pod, port) {
            return Err(format!(
                "Get \"{scheme}://{host}:{port}{path}\": dial tcp {host}:{port}: connect: connection refused"
            ));
        }
        if let Some(paths) = served_paths(image) {
            if !paths.contains(&path) {
                return Err("HTTP probe failed with statuscode: 404".into());
            }
        }
        return Ok(());
    }
    if let Some(t) = probe.get("tcpSocket") {
        let Some(port) = probe_port(ct, t.get("port")) else {
            return Err("dial tcp: invalid port".into());
        };
        let host = t.get("host").and_then(Value::as_str).unwrap_or(ip);
        if !connect::listens(c, pod, port) {
            return Err(format!(
                "dial tcp {host}:{port}: connect: connection refused"
            ));
        }
        return Ok(());
    }
    if let Some(e) = probe.get("exec") {
        let argv: Vec<String> = e
            .get("command")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default();
        let r = container::exec(c, pod, ct, &argv);
        if r.code == 0 {
            return Ok(());
        }
        let out = format!("{}{}", r.stdout, r.stderr);
        return Err(out.trim_end().to_string());
    }
    if probe.get("grpc").is_some() {
        return Err("rpc error: code = Unavailable desc = connection error".into());
    }
    Ok(())
}

/// When a probe first counts as failed, in seconds after the container started:
/// `initialDelaySeconds + periodSeconds * failureThreshold`.
pub fn failure_after(probe: &Value) -> i64 {
    let g = |k: &str, d: i64| probe.get(k).and_then(Value::as_i64).unwrap_or(d);
    g("initialDelaySeconds", 0) + g("periodSeconds", 10) * g("failureThreshold", 3)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster() -> Cluster {
        let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        Cluster::empty(
            "t",
            now,
            std::sync::Arc::new(crate::cluster::images::Lazy::builtin()),
        )
    }

    #[test]
    fn nginx_serves_slash_on_80_and_nothing_else() {
        let c = cluster();
        let ct = json!({"name": "web", "image": "nginx", "ports": [{"name": "http", "containerPort": 80}]});
        let pod = json!({"spec": {"containers": [ct.clone()]}, "status": {"podIP": "10.244.1.5"}});
        let ok = json!({"httpGet": {"path": "/", "port": "http"}});
        assert_eq!(run(&c, &pod, &ct, &ok), Ok(()));
        let wrong_path = json!({"httpGet": {"path": "/healthz", "port": 80}});
        assert_eq!(
            run(&c, &pod, &ct, &wrong_path),
            Err("HTTP probe failed with statuscode: 404".into())
        );
        let wrong_port = json!({"httpGet": {"path": "/", "port": 8080}});
        assert_eq!(
            run(&c, &pod, &ct, &wrong_port),
            Err("Get \"http://10.244.1.5:8080/\": dial tcp 10.244.1.5:8080: connect: connection refused".into())
        );
        let tcp = json!({"tcpSocket": {"port": 81}});
        assert_eq!(
            run(&c, &pod, &ct, &tcp),
            Err("dial tcp 10.244.1.5:81: connect: connection refused".into())
        );
        assert_eq!(
            failure_after(&json!({"initialDelaySeconds": 5, "periodSeconds": 5})),
            20
        );
    }
}
