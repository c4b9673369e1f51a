//! `kubectl top node|pod`: resource usage, as the metrics API would report it.
//!
//! The Metrics API is served only when a `metrics-server` Deployment in `kube-system` has an
//! available replica (as in a real cluster); otherwise kubectl says `error: Metrics API not available`.
//! Usage is simulated deterministically: a per-image baseline, varied by a hash of the pod and
//! container names, kept under the container's limits. A scenario can pin a pod's usage with the
//! annotations `kubedojo.io/cpu-usage` (`250m`) and `kubedojo.io/memory-usage` (`64Mi`).

use crate::cluster::controllers::pv::bytes;
use crate::cluster::selector::Selector;
use crate::cluster::{fnv, object, schema, Cluster};
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::Ctx;
use serde_json::Value;

pub const FLAGS: &[FlagSpec] = &[
    flag("all-namespaces", Some('A')),
    flag("containers", None),
    val("selector", Some('l')),
    val("field-selector", None),
    val("sort-by", None),
    flag("no-headers", None),
    flag("sum", None),
    flag("show-capacity", None),
    flag("use-protocol-buffers", None),
    flag("show-swap", None),
];

/// Annotation that pins a pod's simulated CPU usage (split evenly over its containers).
pub const CPU_ANNOTATION: &str = "kubedojo.io/cpu-usage";
/// Annotation that pins a pod's simulated memory usage.
pub const MEMORY_ANNOTATION: &str = "kubedojo.io/memory-usage";

const MI: f64 = 1024.0 * 1024.0;

/// A node's row: its name, and (millicores, CPU %, bytes, memory %) when its kubelet reports.
type NodeRow = (String, Option<(f64, f64, f64, f64)>);

/// Whether the cluster serves the Metrics API.
pub fn metrics_available(c: &Cluster) -> bool {
    let Some(rt) = schema::lookup("deployments") else {
        return false;
    };
    c.get(rt, "kube-system", "metrics-server")
        .ok()
        .is_some_and(|d| object::i64_at(&d, "status.availableReplicas").unwrap_or(0) > 0)
}

/// A baseline (millicores, MiB) for an image, by its repository name.
fn baseline(image: &str, runs_command: bool) -> (f64, f64) {
    let repo = crate::cluster::images::split_reference(image).0;
    let repo = repo.rsplit('/').next().unwrap_or(repo);
    match repo {
        "kube-apiserver" => (45.0, 260.0),
        "etcd" => (22.0, 48.0),
        "kube-controller-manager" => (16.0, 52.0),
        "kube-scheduler" => (4.0, 22.0),
        "kube-proxy" => (1.0, 16.0),
        "coredns" => (3.0, 14.0),
        "metrics-server" => (4.0, 20.0),
        "nginx" | "httpd" => (1.0, 4.0),
        "redis" => (3.0, 8.0),
        "mysql" | "postgres" | "mongo" => (8.0, 180.0),
        "busybox" | "alpine" | "ubuntu" | "debian" if runs_command => (0.0, 0.5),
        _ => (2.0, 12.0),
    }
}

/// Simulated usage of each running container of a pod: (container name, millicores, bytes).
pub fn pod_usage(pod: &Value) -> Vec<(String, f64, f64)> {
    if object::str_at(pod, "status.phase") != "Running" {
        return Vec::new();
    }
    let containers = object::array(pod, "spec.containers");
    let n = containers.len().max(1) as f64;
    let pinned_cpu = object::get(pod, "metadata.annotations")
        .and_then(|a| a.get(CPU_ANNOTATION))
        .and_then(Value::as_str)
        .and_then(bytes);
    let pinned_mem = object::get(pod, "metadata.annotations")
        .and_then(|a| a.get(MEMORY_ANNOTATION))
        .and_then(Value::as_str)
        .and_then(bytes);
    containers
        .iter()
        .map(|c| {
            let name = object::str_at(c, "name").to_string();
            let runs_command = !object::array(c, "command").is_empty();
            let (base_cpu, base_mem) = baseline(object::str_at(c, "image"), runs_command);
            let h = fnv(format!("{}/{}", object::name(pod), name).as_bytes());
            let jitter = (h % 100) as f64 / 100.0; // 0.00 ..= 0.99
            let mut cpu = (base_cpu * (0.6 + 0.8 * jitter)).round();
            let mut mem = base_mem * MI * (0.8 + 0.4 * jitter);
            if let Some(q) = pinned_cpu {
                cpu = (q * 1000.0 / n).round();
            }
            if let Some(q) = pinned_mem {
                mem = q / n;
            }
            let limit = |r: &str| object::str_at(c, &format!("resources.limits.{r}")).to_string();
            if let Some(l) = bytes(&limit("cpu")) {
                cpu = cpu.min(l * 1000.0);
            }
            if let Some(l) = bytes(&limit("memory")) {
                mem = mem.min(l);
            }
            (name, cpu, mem)
        })
        .collect()
}

fn cpu_str(m: f64) -> String {
    format!("{}m", m.round() as i64)
}

fn mem_str(b: f64) -> String {
    format!("{}Mi", (b / MI) as i64)
}

/// Lines padded as kubectl's top printer pads them: every cell (the last too) is followed by
/// three spaces of padding, each column at least 6 wide.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.first().map(Vec::len).unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map(|s| s.chars().count()).unwrap_or(0) + 3)
                .max()
                .unwrap_or(0)
                .max(6)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        for (i, cell) in r.iter().enumerate() {
            out.push_str(cell);
            let pad = widths[i].saturating_sub(cell.chars().count());
            out.push_str(&" ".repeat(pad));
        }
        out.push('\n');
    }
    out
}

fn sort_key(ctx: &mut Ctx<'_>) -> Option<Option<String>> {
    match ctx.flags.get("sort-by") {
        None | Some("") => Some(None),
        Some(s @ ("cpu" | "memory")) => Some(Some(s.to_string())),
        Some(_) => {
            ctx.error("--sort-by accepts only cpu or memory");
            None
        }
    }
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let Some(sub) = args.first().cloned() else {
        return ctx.group_help("kubectl top");
    };
    let rest = args[1..].to_vec();
    match sub.as_str() {
        "pod" | "pods" | "po" => {
            ctx.path = "kubectl top pod".into();
            if ctx.flags.is_set("help") {
                return ctx.print(&super::help::for_command("kubectl top pod"));
            }
            top_pod(ctx, &rest)
        }
        "node" | "nodes" | "no" => {
            ctx.path = "kubectl top node".into();
            if ctx.flags.is_set("help") {
                return ctx.print(&super::help::for_command("kubectl top node"));
            }
            top_node(ctx, &rest)
        }
        other => ctx.error(&format!(
            "unknown command \"{other}\"\nSee 'kubectl top -h' for help and examples"
        )),
    }
}

fn selector(ctx: &mut Ctx<'_>) -> Option<Option<Selector>> {
    match ctx.flags.get("selector").map(Selector::parse) {
        None => Some(None),
        Some(Ok(s)) => Some(Some(s)),
        Some(Err(e)) => {
            ctx.error(&e);
            None
        }
    }
}

fn top_pod(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(sort) = sort_key(ctx) else { return };
    let Some(sel) = selector(ctx) else { return };
    if rest.len() > 1 {
        return ctx.usage_error("pod [NAME | -l label]");
    }
    let all = ctx.flags.is_set("all-namespaces");
    let ns = ctx.namespace.clone();
    let containers = ctx.flags.is_set("containers");
    let no_headers = ctx.flags.is_set("no-headers");
    let Some(c) = ctx.cluster_ref() else { return };
    if !metrics_available(c) {
        return ctx.error("Metrics API not available");
    }
    let Some(rt) = schema::lookup("pods") else {
        return;
    };
    let pods: Vec<Value> = match rest.first() {
        Some(name) => match c.get(rt, &ns, name) {
            Ok(p) => vec![p],
            Err(e) => return ctx.error(&crate::kubectl::errors::api_error(&e)),
        },
        None => c.list(rt, if all { None } else { Some(&ns) }, sel.as_ref()),
    };
    // (namespace, pod, container, cpu, mem)
    let mut rows: Vec<(String, String, String, f64, f64)> = Vec::new();
    for p in &pods {
        let usage = pod_usage(p);
        if usage.is_empty() {
            continue;
        }
        let (pns, pname) = (
            object::namespace(p).to_string(),
            object::name(p).to_string(),
        );
        if containers {
            for (cn, cpu, mem) in usage {
                rows.push((pns.clone(), pname.clone(), cn, cpu, mem));
            }
        } else {
            let cpu = usage.iter().map(|u| u.1).sum();
            let mem = usage.iter().map(|u| u.2).sum();
            rows.push((pns, pname, String::new(), cpu, mem));
        }
    }
    if rows.is_empty() {
        if let Some(name) = rest.first() {
            return ctx.error(&format!("Metrics not available for pod {ns}/{name}"));
        }
        // kubectl says so on stderr and still exits 0.
        if all {
            return ctx.warn("No resources found");
        }
        return ctx.warn(&format!("No resources found in {ns} namespace."));
    }
    match sort.as_deref() {
        Some("cpu") => rows.sort_by(|a, b| b.3.total_cmp(&a.3)),
        Some("memory") => rows.sort_by(|a, b| b.4.total_cmp(&a.4)),
        _ => {}
    }
    let mut header = Vec::new();
    if all {
        header.push("NAMESPACE".to_string());
    }
    if containers {
        header.push("POD".to_string());
    }
    header.extend(["NAME", "CPU(cores)", "MEMORY(bytes)"].map(String::from));
    let mut table_rows = Vec::new();
    if !no_headers {
        table_rows.push(header);
    }
    for (pns, pod, cn, cpu, mem) in rows {
        let mut r = Vec::new();
        if all {
            r.push(pns);
        }
        r.push(pod);
        if containers {
            r.push(cn);
        }
        r.push(cpu_str(cpu));
        r.push(mem_str(mem));
        table_rows.push(r);
    }
    let t = table(&table_rows);
    ctx.print(&t);
}

fn top_node(ctx: &mut Ctx<'_>, rest: &[String]) {
    let Some(sort) = sort_key(ctx) else { return };
    let Some(sel) = selector(ctx) else { return };
    let no_headers = ctx.flags.is_set("no-headers");
    let Some(c) = ctx.cluster_ref() else { return };
    if !metrics_available(c) {
        return ctx.error("Metrics API not available");
    }
    let Some(rt) = schema::lookup("nodes") else {
        return;
    };
    let nodes: Vec<Value> = match rest.first() {
        Some(name) => match c.get(rt, "", name) {
            Ok(n) => vec![n],
            Err(e) => return ctx.error(&crate::kubectl::errors::api_error(&e)),
        },
        None => c.list(rt, None, sel.as_ref()),
    };
    let pods = c.list_all("pods");
    let mut rows: Vec<NodeRow> = Vec::new();
    for n in &nodes {
        let name = object::name(n).to_string();
        if !c.kubelet_up(&name) {
            rows.push((name, None));
            continue;
        }
        // The node's own system daemons, then its pods.
        let h = fnv(name.as_bytes());
        let mut cpu = 40.0 + (h % 30) as f64;
        let mut mem = (420.0 + (h % 200) as f64) * MI;
        for p in pods
            .iter()
            .filter(|p| object::str_at(p, "spec.nodeName") == name)
        {
            for (_, pc, pm) in pod_usage(p) {
                cpu += pc;
                mem += pm;
            }
        }
        let alloc_cpu = bytes(object::str_at(n, "status.allocatable.cpu")).unwrap_or(1.0) * 1000.0;
        let alloc_mem = bytes(object::str_at(n, "status.allocatable.memory")).unwrap_or(MI);
        rows.push((
            name,
            Some((cpu, cpu / alloc_cpu * 100.0, mem, mem / alloc_mem * 100.0)),
        ));
    }
    match sort.as_deref() {
        Some("cpu") => rows.sort_by(|a, b| {
            let k = |r: &NodeRow| r.1.map(|u| u.0).unwrap_or(-1.0);
            k(b).total_cmp(&k(a))
        }),
        Some("memory") => rows.sort_by(|a, b| {
            let k = |r: &NodeRow| r.1.map(|u| u.2).unwrap_or(-1.0);
            k(b).total_cmp(&k(a))
        }),
        _ => {}
    }
    let mut table_rows = Vec::new();
    if !no_headers {
        table_rows.push(
            ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
                .map(String::from)
                .to_vec(),
        );
    }
    for (name, u) in rows {
        table_rows.push(match u {
            Some((cpu, cpu_pct, mem, mem_pct)) => vec![
                name,
                cpu_str(cpu),
                format!("{}%", cpu_pct as i64),
                mem_str(mem),
                format!("{}%", mem_pct as i64),
            ],
            None => {
                let unknown = "<unknown>".to_string();
                vec![
                    name,
                    unknown.clone(),
                    unknown.clone(),
                    unknown.clone(),
                    unknown,
                ]
            }
        });
    }
    let t = table(&table_rows);
    ctx.print(&t);
}
