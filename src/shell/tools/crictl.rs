//! `crictl`: the container runtime's view of this node, read from the pods the cluster has scheduled
//! here (`ps`, `pods`, `images`). It works when the API server does not, as on a real node.

use crate::shell::exec::{Env, Io};
use crate::Output;
use serde_json::Value;

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        match cur.get(p) {
            Some(x) => cur = x,
            None => return "",
        }
    }
    cur.as_str().unwrap_or("")
}

fn short(id: &str) -> String {
    id.rsplit("://")
        .next()
        .unwrap_or(id)
        .rsplit(':')
        .next()
        .unwrap_or(id)
        .chars()
        .take(13)
        .collect()
}

fn ago(env: &Env, stamp: &str) -> String {
    let Some(t) = crate::cluster::parse_timestamp(stamp) else {
        return "Unknown".into();
    };
    let secs = (env.world.now() - t).num_seconds().max(0);
    match secs {
        0..=59 => format!("{secs} seconds ago"),
        60..=3599 => format!("{} minutes ago", secs / 60),
        3600..=86399 => format!("{} hours ago", secs / 3600),
        _ => format!("{} days ago", secs / 86400),
    }
}

fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count() + 3)
                .max()
                .unwrap_or(0)
                .max(20)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                line.push_str(cell);
            } else {
                let w = widths.get(c).copied().unwrap_or(20);
                line.push_str(&format!("{cell:<w$}"));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `crictl ps [-a] | pods | images`
pub fn crictl(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let host = env.sh.host.clone();
    let Some(h) = env.world.hosts.get(&host) else {
        return Output::err("crictl: no container runtime on this host\n", 1);
    };
    if !h.services.get("containerd").is_some_and(|s| s.active) {
        return Output::err(
            "FATA[0000] validate service connection: validate CRI v1 runtime API for endpoint \"unix:///run/containerd/containerd.sock\": rpc error: code = Unavailable desc = connection error: desc = \"transport: Error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory\"\n",
            1,
        );
    }
    let cluster = h.cluster.clone();
    let pods: Vec<Value> = env
        .world
        .clusters
        .get(&cluster)
        .map(|c| {
            c.list_all("pods")
                .into_iter()
                .filter(|p| s(p, &["spec", "nodeName"]) == host)
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let all = args.iter().any(|a| a == "-a" || a == "--all");
    let verb = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map_or("", String::as_str);
    match verb {
        "ps" => {
            let mut rows = vec![["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"].map(String::from).to_vec()];
            for p in &pods {
                let statuses = p.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default();
                for c in statuses {
                    let id = s(&c, &["containerID"]);
                    if id.is_empty() {
                        continue;
                    }
                    let running = c.pointer("/state/running").is_some();
                    if !running && !all {
                        continue;
                    }
                    let started = if running { s(&c, &["state", "running", "startedAt"]) } else { s(&c, &["state", "terminated", "startedAt"]) };
                    let restarts = c.get("restartCount").and_then(Value::as_i64).unwrap_or(0);
                    rows.push(vec![
                        short(id),
                        short(s(&c, &["imageID"])),
                        ago(env, started),
                        if running { "Running" } else { "Exited" }.into(),
                        s(&c, &["name"]).into(),
                        restarts.to_string(),
                        short(s(p, &["metadata", "uid"]).replace('-', "").as_str()),
                        s(p, &["metadata", "name"]).into(),
                        s(p, &["metadata", "namespace"]).into(),
                    ]);
                }
            }
            Output::ok(table(&rows))
        }
        "pods" => {
            let mut rows = vec![["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"].map(String::from).to_vec()];
            for p in &pods {
                let ready = s(p, &["status", "phase"]) == "Running";
                rows.push(vec![
                    short(s(p, &["metadata", "uid"]).replace('-', "").as_str()),
                    ago(env, s(p, &["metadata", "creationTimestamp"])),
                    if ready { "Ready" } else { "NotReady" }.into(),
                    s(p, &["metadata", "name"]).into(),
                    s(p, &["metadata", "namespace"]).into(),
                    "0".into(),
                    "(default)".into(),
                ]);
            }
            Output::ok(table(&rows))
        }
        "images" => {
            let mut images: Vec<String> = pods
                .iter()
                .flat_map(|p| p.pointer("/status/containerStatuses").and_then(Value::as_array).cloned().unwrap_or_default())
                .filter(|c| !s(c, &["imageID"]).is_empty())
                .map(|c| s(&c, &["image"]).to_string())
                .collect();
            images.sort();
            images.dedup();
            let mut rows = vec![["IMAGE", "TAG", "IMAGE ID", "SIZE"].map(String::from).to_vec()];
            for i in images {
                let (repo, tag) = i.rsplit_once(':').filter(|(_, t)| !t.contains('/')).unwrap_or((&i, "latest"));
                let id: String = format!("{:016x}", crate::cluster::fnv(i.as_bytes())).chars().take(13).collect();
                rows.push(vec![repo.into(), tag.into(), id, "25.3MB".into()]);
            }
            Output::ok(table(&rows))
        }
        "logs" | "inspect" | "inspectp" | "stop" | "rm" | "rmp" | "stopp" => Output::default(),
        "" => Output::ok("NAME:\n   crictl - client for CRI\n\nUSAGE:\n   crictl [global options] command [command options] [arguments...]\n\nCOMMANDS:\n   images   List images\n   logs     Fetch the logs of a container\n   pods     List pods\n   ps       List containers\n"),
        other => Output::err(format!("FATA[0000] no help topic for '{other}'\n"), 1),
    }
}

#[cfg(test)]
mod tests {
    use crate::shell::Shell;
    use crate::world::World;

    #[test]
    fn crictl_lists_the_static_pods_of_the_control_plane() {
        let mut w = World::standard();
        let mut sh = Shell::new("controlplane");
        let o = sh.run_line(
            &mut w,
            "crictl ps | awk 'NR>1 {print $(NF-1)}' | grep -c kube-apiserver",
        );
        assert_eq!(o.stdout, "1\n");
        let o = sh.run_line(&mut w, "crictl pods | head -1");
        assert!(o.stdout.starts_with("POD ID"));
        sh.run_line(&mut w, "systemctl stop containerd");
        assert_eq!(sh.run_line(&mut w, "crictl ps").code, 1);
    }
}
