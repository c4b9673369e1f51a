//! `kubectl cp [[NS/]POD:]SRC [[NS/]POD:]DEST [-c CONTAINER]` between a pod's simulated container
//! file system and the host's, and `kubectl port-forward`.

use crate::cluster::{container, object, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use serde_json::Value;

pub const CP_FLAGS: &[FlagSpec] = &[
    val("container", Some('c')),
    flag("no-preserve", None),
    val("retries", None),
];

pub const PORT_FORWARD_FLAGS: &[FlagSpec] =
    &[rep("address", None), val("pod-running-timeout", None)];

/// A `[[namespace/]pod:]path` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Spec {
    pod: Option<(Option<String>, String)>,
    path: String,
}

fn parse_spec(s: &str) -> Spec {
    // A colon before any slash marks a remote spec (`web:/etc`, `ns/web:/etc`); `/tmp/a:b` is local.
    if let Some((left, path)) = s.split_once(':') {
        let looks_remote = !left.is_empty()
            && left.matches('/').count() <= 1
            && !left.starts_with('/')
            && !left.starts_with('.');
        if looks_remote {
            let pod = match left.split_once('/') {
                Some((ns, p)) => (Some(ns.to_string()), p.to_string()),
                None => (None, left.to_string()),
            };
            return Spec {
                pod: Some(pod),
                path: path.to_string(),
            };
        }
    }
    Spec {
        pod: None,
        path: s.to_string(),
    }
}

fn find_pod(ctx: &mut Ctx<'_>, ns: Option<String>, name: &str) -> Option<Value> {
    let ns = ns.unwrap_or_else(|| ctx.namespace.clone());
    let rt = schema::lookup("pods")?;
    match ctx.cluster_ref()?.get(rt, &ns, name) {
        Ok(p) => Some(p),
        Err(e) => {
            ctx.error(&errors::api_error(&e));
            None
        }
    }
}

fn container_of(ctx: &mut Ctx<'_>, pod: &Value) -> Option<Value> {
    let cs = object::array(pod, "spec.containers");
    match ctx.flags.get("container") {
        Some(want) => match cs.iter().find(|c| object::str_at(c, "name") == want) {
            Some(c) => Some(c.clone()),
            None => {
                ctx.error(&format!(
                    "container {want} not found in pod {}",
                    object::name(pod)
                ));
                None
            }
        },
        None => {
            if cs.len() > 1 {
                ctx.warn(&format!(
                    "Defaulted container \"{}\" out of: {}",
                    object::str_at(&cs[0], "name"),
                    cs.iter()
                        .map(|c| object::str_at(c, "name"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            cs.first().cloned()
        }
    }
}

pub fn cp(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.len() != 2 {
        return ctx.error("source and destination are required");
    }
    let (src, dest) = (parse_spec(&args[0]), parse_spec(&args[1]));
    match (src.pod, dest.pod) {
        (Some(_), Some(_)) => ctx.error("one of src or dest must be a local file specification"),
        (None, None) => ctx.error("one of src or dest must be a remote file specification"),
        (None, Some((ns, name))) => {
            // Reaching the pod first gives the same errors kubectl gives before it streams anything.
            let Some(pod) = find_pod(ctx, ns, &name) else {
                return;
            };
            if container_of(ctx, &pod).is_none() {
                return;
            }
            ctx.error("kubedojo: copying into a container is not simulated (its file system is read-only here); mount a ConfigMap or use a volume instead");
        }
        (Some((ns, name)), None) => {
            let Some(pod) = find_pod(ctx, ns, &name) else {
                return;
            };
            if object::str_at(&pod, "status.phase") != "Running" {
                let phase = object::str_at(&pod, "status.phase").to_string();
                return ctx.error(&format!(
                    "cannot exec into a container in a completed pod; current phase is {phase}"
                ));
            }
            let Some(ct) = container_of(ctx, &pod) else {
                return;
            };
            let Some(c) = ctx.cluster_ref() else { return };
            let files = container::files(c, &pod, &ct);
            copy_out(ctx, &files, &src.path, &dest.path);
        }
    }
}

fn copy_out(
    ctx: &mut Ctx<'_>,
    files: &std::collections::BTreeMap<String, String>,
    src: &str,
    dest: &str,
) {
    let src_norm = crate::vfs::normalize("/", src);
    let prefix = format!("{}/", src_norm.trim_end_matches('/'));
    let picked: Vec<(String, String)> = match files.get(&src_norm) {
        Some(body) => vec![(String::new(), body.clone())],
        None => files
            .iter()
            .filter(|(p, _)| p.starts_with(&prefix))
            .map(|(p, b)| (p[prefix.len()..].to_string(), b.clone()))
            .collect(),
    };
    if src.starts_with('/') {
        ctx.warn("tar: Removing leading `/' from member names");
    }
    if picked.is_empty() {
        return ctx.error(&format!(
            "tar: {src_norm}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors"
        ));
    }
    let dest_full = crate::vfs::normalize(ctx.inv.cwd, dest);
    let host_name = ctx.inv.host.to_string();
    let Some(host) = ctx.world.hosts.get_mut(&host_name) else {
        return;
    };
    let single = picked.len() == 1 && picked[0].0.is_empty();
    let mut failure = None;
    for (rel, body) in picked {
        let target = if single {
            if host.fs.is_dir(&dest_full) {
                let base = src_norm.rsplit('/').next().unwrap_or("file");
                format!("{}/{base}", dest_full.trim_end_matches('/'))
            } else {
                dest_full.clone()
            }
        } else {
            format!("{}/{rel}", dest_full.trim_end_matches('/'))
        };
        if let Some((dir, _)) = target.rsplit_once('/') {
            if !dir.is_empty() {
                let _ = host.fs.mkdir_p(dir);
            }
        }
        if let Err(e) = host.fs.write(&target, &body) {
            failure = Some(format!("open {target}: {e}"));
            break;
        }
    }
    if let Some(f) = failure {
        ctx.error(&f);
    }
}

/// `kubectl port-forward (pod/NAME | svc/NAME | deploy/NAME) [LOCAL:]REMOTE ...`.
pub fn port_forward(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.len() < 2 {
        return ctx.usage_error("TYPE/NAME and list of ports are required for port-forward");
    }
    let target = &args[0];
    let (kind, name) = target.split_once('/').unwrap_or(("pod", target));
    let Some(rt) = schema::lookup(kind) else {
        return ctx.error(&errors::unknown_type(kind));
    };
    let ns = ctx.namespace.clone();
    let Some(c) = ctx.cluster_ref() else { return };
    let obj = match c.get(rt, &ns, name) {
        Ok(o) => o,
        Err(e) => return ctx.error(&errors::api_error(&e)),
    };
    if rt.kind == "Pod" && object::str_at(&obj, "status.phase") != "Running" {
        let phase = object::str_at(&obj, "status.phase").to_string();
        return ctx.error(&format!(
            "unable to forward port because pod is not running. Current status={phase}"
        ));
    }
    let mut lines = String::new();
    for p in &args[1..] {
        let (local, remote) = match p.split_once(':') {
            Some(("", r)) => ("0".to_string(), r.to_string()),
            Some((l, r)) => (l.to_string(), r.to_string()),
            None => (p.clone(), p.clone()),
        };
        if local.parse::<u16>().is_err() || remote.is_empty() {
            return ctx.error(&format!("Invalid port format '{p}'"));
        }
        // A service port forwards to its target port on a backing pod, as kubectl resolves it.
        let remote = if rt.kind == "Service" {
            object::array(&obj, "spec.ports")
                .iter()
                .find(|sp| {
                    object::i64_at(sp, "port").map(|n| n.to_string()) == Some(remote.clone())
                        || object::str_at(sp, "name") == remote
                })
                .and_then(|sp| object::get(sp, "targetPort"))
                .map(|t| match t {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .unwrap_or(remote)
        } else {
            remote
        };
        let local = if local == "0" {
            "38291".to_string()
        } else {
            local
        };
        let addrs = ctx.flags.all("address");
        let addrs: Vec<String> = if addrs.is_empty() {
            vec!["127.0.0.1".into(), "[::1]".into()]
        } else {
            addrs
                .iter()
                .flat_map(|a| a.split(',').map(String::from).collect::<Vec<_>>())
                .map(|a| {
                    if a == "localhost" {
                        "127.0.0.1".to_string()
                    } else {
                        a
                    }
                })
                .collect()
        };
        for a in addrs {
            lines.push_str(&format!("Forwarding from {a}:{local} -> {remote}\n"));
        }
    }
    ctx.print(&lines);
    ctx.warn("kubedojo: port-forward ends here in the simulator (it cannot keep a tunnel open); reach the pod with `kubectl exec` or a Service instead.");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec("web:/etc/hosts"),
            Spec {
                pod: Some((None, "web".into())),
                path: "/etc/hosts".into()
            }
        );
        assert_eq!(
            parse_spec("prod/web:/etc"),
            Spec {
                pod: Some((Some("prod".into()), "web".into())),
                path: "/etc".into()
            }
        );
        assert_eq!(parse_spec("/tmp/x").pod, None);
        assert_eq!(parse_spec("./a:b").pod, None);
    }
}
