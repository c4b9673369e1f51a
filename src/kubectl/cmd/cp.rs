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

/// `kubectl cp`: the real kubectl runs `tar` in the container (`tar -xmf -` to copy in, `tar cf -`
/// to copy out); the shell runs the container's side (see [`crate::world::Copy`]).
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
            let Some(entries) = local_entries(ctx, &src.path) else {
                return ctx.error(&format!("{} doesn't exist in local filesystem", src.path));
            };
            let Some((pod, ct)) = running_container(ctx, ns, &name) else {
                return;
            };
            if dest.path.is_empty() {
                return ctx.error("remote path cannot be empty");
            }
            let base = crate::vfs::normalize(ctx.inv.cwd, &src.path)
                .rsplit('/')
                .next()
                .unwrap_or("")
                .to_string();
            let copy = crate::world::Copy::In {
                dest: crate::vfs::normalize("/", &dest.path),
                base,
                entries,
            };
            attach_copy(ctx, &pod, &ct, copy);
        }
        (Some((ns, name)), None) => {
            let Some((pod, ct)) = running_container(ctx, ns, &name) else {
                return;
            };
            if ctx.world.attach_enabled {
                let dest = crate::vfs::normalize(ctx.inv.cwd, &dest.path);
                let copy = crate::world::Copy::Out {
                    src: src.path.clone(),
                    dest,
                };
                return attach_copy(ctx, &pod, &ct, copy);
            }
            let Some(c) = ctx.cluster_ref() else { return };
            let files = container::files(c, &pod, &ct);
            let host = ctx.inv.host.to_string();
            let dest = crate::vfs::normalize(ctx.inv.cwd, &dest.path);
            let Some(fs) = ctx.world.hosts.get_mut(&host).map(|h| &mut h.fs) else {
                return;
            };
            let out = copy_out(&files, &src.path, &dest, fs);
            ctx.out.stderr.push_str(&out.stderr);
            ctx.out.code = out.code;
        }
    }
}

/// The pod and container a copy reaches (kubectl's errors when it cannot exec there).
fn running_container(ctx: &mut Ctx<'_>, ns: Option<String>, name: &str) -> Option<(Value, Value)> {
    let pod = find_pod(ctx, ns, name)?;
    if object::str_at(&pod, "status.phase") != "Running" {
        let phase = object::str_at(&pod, "status.phase").to_string();
        ctx.error(&format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        ));
        return None;
    }
    let ct = container_of(ctx, &pod)?;
    Some((pod, ct))
}

/// Hands the container's side of a copy to the shell, which runs it in the container's userland.
fn attach_copy(ctx: &mut Ctx<'_>, pod: &Value, ct: &Value, copy: crate::world::Copy) {
    if !ctx.world.attach_enabled {
        return ctx.error("kubedojo: kubectl cp needs the exam shell to reach the container");
    }
    ctx.world.attach = Some(crate::world::Attach {
        cluster: ctx.cluster.clone(),
        namespace: object::namespace(pod).to_string(),
        pod: object::name(pod).to_string(),
        container: object::str_at(ct, "name").to_string(),
        copy: Some(copy),
        ..Default::default()
    });
}

/// The local file or folder to copy in, as entries relative to it; `None` when it does not exist.
fn local_entries(ctx: &Ctx<'_>, path: &str) -> Option<Vec<(String, Option<String>)>> {
    let full = crate::vfs::normalize(ctx.inv.cwd, path);
    let fs = &ctx.world.hosts.get(ctx.inv.host)?.fs;
    if fs.is_file(&full) {
        return Some(vec![(
            String::new(),
            Some(fs.read(&full).ok()?.to_string()),
        )]);
    }
    if !fs.is_dir(&full) {
        return None;
    }
    let prefix = if full == "/" { 1 } else { full.len() + 1 };
    let mut entries = vec![(String::new(), None)];
    for p in fs.walk(&full) {
        let rel = p.get(prefix..).unwrap_or("").to_string();
        let body = fs.read(&p).ok().map(String::from);
        entries.push((rel, body));
    }
    Some(entries)
}

/// The host side of `tar cf - SRC | tar xf -`: the container's files under `src` (one file, or a
/// folder's files) written to `dest` on the host (inside it when it is a folder). The output holds
/// tar's messages.
pub fn copy_out(
    files: &std::collections::BTreeMap<String, String>,
    src: &str,
    dest_full: &str,
    fs: &mut crate::vfs::Vfs,
) -> crate::Output {
    let mut out = crate::Output::default();
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
        out.stderr
            .push_str("tar: Removing leading `/' from member names\n");
    }
    if picked.is_empty() {
        out.stderr.push_str(&format!(
            "tar: {src_norm}: Cannot stat: No such file or directory\ntar: Exiting with failure status due to previous errors\n"
        ));
        out.code = 1;
        return out;
    }
    let single = picked.len() == 1 && picked[0].0.is_empty();
    for (rel, body) in picked {
        let target = if single {
            if fs.is_dir(dest_full) {
                let base = src_norm.rsplit('/').next().unwrap_or("file");
                format!("{}/{base}", dest_full.trim_end_matches('/'))
            } else {
                dest_full.to_string()
            }
        } else {
            format!("{}/{rel}", dest_full.trim_end_matches('/'))
        };
        if let Some((dir, _)) = target.rsplit_once('/') {
            if !dir.is_empty() {
                let _ = fs.mkdir_p(dir);
            }
        }
        if let Err(e) = fs.write(&target, &body) {
            out.stderr.push_str(&format!("error: open {target}: {e}\n"));
            out.code = 1;
            break;
        }
    }
    out
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
