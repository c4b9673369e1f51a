//! `kubectl describe`: the human-readable report per kind, aligned with Go's tabwriter rules.

use super::flags::{flag, rep, FlagSpec};
use super::tables::since;
use super::tabwriter::align;
use super::{errors, resources, Ctx};
use crate::cluster::resources as qty;
use crate::cluster::selector::Selector;
use crate::cluster::{object, parse_timestamp, Cluster};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::fmt::Write;

#[path = "describe_more.rs"]
mod more;

pub const FLAGS: &[FlagSpec] = &[
    rep("selector", Some('l')),
    flag("all-namespaces", Some('A')),
    flag("show-events", None),
    rep("filename", Some('f')),
];

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.error("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
    }
    let reqs = match resources::parse_in(ctx.cluster_ref(), &args) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let sel = match Selector::parse(&ctx.flags.all("selector").join(",")) {
        Ok(s) => s,
        Err(e) => return ctx.error(&e),
    };
    let ns = ctx.namespace.clone();
    let all_ns = ctx.flags.is_set("all-namespaces");
    let Some(c) = ctx.cluster_ref() else { return };
    let mut texts = Vec::new();
    let mut errs = Vec::new();
    for r in &reqs {
        let objs = match &r.name {
            Some(n) => match c.get(r.rt, &ns, n) {
                Ok(o) => vec![o],
                Err(e) => {
                    errs.push(errors::api_error(&e));
                    continue;
                }
            },
            None => {
                let scope = if all_ns { None } else { Some(ns.as_str()) };
                if let Err(e) = c.authorize_list(r.rt, scope) {
                    errs.push(errors::api_error(&e));
                    continue;
                }
                // describe TYPE NAME-PREFIX matches by prefix; without a name, every object.
                c.list(r.rt, if all_ns { None } else { Some(&ns) }, Some(&sel))
            }
        };
        for o in objs {
            texts.push(describe(c, &o));
        }
    }
    let joined = texts.join("\n\n");
    if !joined.is_empty() {
        ctx.print(&joined);
    }
    for e in errs {
        ctx.error(&e);
    }
    if texts.is_empty() && ctx.out.code == 0 {
        ctx.warn(&format!("No resources found in {ns} namespace."));
    }
}

/// The describe text of one object.
pub fn describe(c: &Cluster, o: &Value) -> String {
    let raw = match object::kind(o) {
        "Pod" => pod(c, o),
        "Deployment" => deployment(c, o),
        "Service" => service(c, o),
        "ConfigMap" => configmap(c, o),
        "Node" => node(c, o),
        "NetworkPolicy" => network_policy(o),
        "ResourceQuota" => resource_quota(o),
        "Ingress" => ingress(c, o),
        "ReplicaSet" => more::replicaset(c, o),
        "LimitRange" => more::limit_range(o),
        "PodDisruptionBudget" => more::pod_disruption_budget(c, o),
        "HorizontalPodAutoscaler" => more::horizontal_pod_autoscaler(c, o),
        "PriorityClass" => more::priority_class(c, o),
        "IngressClass" => more::ingress_class(c, o),
        "Lease" => more::lease(c, o),
        "CustomResourceDefinition" => crate::kubectl::custom::describe_unstructured(c, o),
        _ if c
            .type_of(o)
            .is_ok_and(|rt| !crate::cluster::crd::is_builtin(rt)) =>
        {
            crate::kubectl::custom::describe_unstructured(c, o)
        }
        _ => generic(c, o),
    };
    align(&raw, 2)
}

fn rfc1123z(ts: &str) -> String {
    parse_timestamp(ts)
        .map(|t| t.format("%a, %d %b %Y %H:%M:%S %z").to_string())
        .unwrap_or_else(|| "<unknown>".into())
}

fn map_lines(
    out: &mut String,
    key: &str,
    m: &std::collections::BTreeMap<String, String>,
    sep: &str,
) {
    if m.is_empty() {
        let _ = writeln!(out, "{key}:\t<none>");
        return;
    }
    let mut first = true;
    for (k, v) in m {
        if first {
            let _ = writeln!(out, "{key}:\t{k}{sep}{v}");
            first = false;
        } else {
            let _ = writeln!(out, "\t{k}{sep}{v}");
        }
    }
}

fn meta_header(out: &mut String, o: &Value, with_ns: bool) {
    let _ = writeln!(out, "Name:\t{}", object::name(o));
    if with_ns {
        let _ = writeln!(out, "Namespace:\t{}", object::namespace(o));
    }
}

fn annotations(o: &Value) -> std::collections::BTreeMap<String, String> {
    let mut a = object::string_map(o, "metadata.annotations");
    a.remove("kubectl.kubernetes.io/last-applied-configuration");
    a
}

/// The Events section for an object.
pub fn events(c: &Cluster, o: &Value, now: DateTime<Utc>) -> String {
    let uid = object::str_at(o, "metadata.uid");
    let ns = object::namespace(o);
    let ns = if ns.is_empty() { "default" } else { ns };
    let mut evs: Vec<&Value> = c
        .events_in(ns)
        .filter(|e| e.involved_uid() == uid && !uid.is_empty())
        .map(|e| e.value())
        .collect();
    evs.sort_by_key(|e| {
        (
            object::str_at(e, "firstTimestamp").to_string(),
            object::str_at(e, "metadata.resourceVersion")
                .parse::<u64>()
                .unwrap_or(0),
        )
    });
    if evs.is_empty() {
        return "Events:\t<none>\n".into();
    }
    let mut s = String::from(
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n",
    );
    for e in evs {
        let count = object::i64_at(e, "count").unwrap_or(1);
        let last = since(object::str_at(e, "lastTimestamp"), now);
        let age = if count > 1 {
            format!(
                "{last} (x{count} over {})",
                since(object::str_at(e, "firstTimestamp"), now)
            )
        } else {
            last
        };
        let _ = writeln!(
            s,
            "  {}\t{}\t{}\t{}\t{}",
            object::str_at(e, "type"),
            object::str_at(e, "reason"),
            age,
            object::str_at(e, "source.component"),
            object::str_at(e, "message")
        );
    }
    s
}

fn container_state(s: &Value, label: &str, out: &mut String) {
    if let Some(r) = s.get("running") {
        let _ = writeln!(out, "    {label}:\tRunning");
        let _ = writeln!(
            out,
            "      Started:\t{}",
            rfc1123z(r.get("startedAt").and_then(Value::as_str).unwrap_or(""))
        );
    } else if let Some(w) = s.get("waiting") {
        let _ = writeln!(out, "    {label}:\tWaiting");
        if let Some(r) = w.get("reason").and_then(Value::as_str) {
            let _ = writeln!(out, "      Reason:\t{r}");
        }
    } else if let Some(t) = s.get("terminated") {
        let _ = writeln!(out, "    {label}:\tTerminated");
        if let Some(r) = t.get("reason").and_then(Value::as_str) {
            let _ = writeln!(out, "      Reason:\t{r}");
        }
        if let Some(m) = t.get("message").and_then(Value::as_str) {
            let _ = writeln!(out, "      Message:\t{m}");
        }
        let _ = writeln!(
            out,
            "      Exit Code:\t{}",
            t.get("exitCode").and_then(Value::as_i64).unwrap_or(0)
        );
        let _ = writeln!(
            out,
            "      Started:\t{}",
            rfc1123z(t.get("startedAt").and_then(Value::as_str).unwrap_or(""))
        );
        let _ = writeln!(
            out,
            "      Finished:\t{}",
            rfc1123z(t.get("finishedAt").and_then(Value::as_str).unwrap_or(""))
        );
    } else if label == "State" {
        let _ = writeln!(out, "    {label}:\tWaiting");
    }
}

fn containers(out: &mut String, pod: &Value, list: &str, statuses: &str, title: &str) {
    let cs = object::array(pod, list);
    if cs.is_empty() {
        return;
    }
    let _ = writeln!(out, "{title}:");
    for c in cs {
        let name = c.get("name").and_then(Value::as_str).unwrap_or("");
        let st = object::array(pod, statuses)
            .iter()
            .find(|s| s.get("name").and_then(Value::as_str) == Some(name))
            .cloned()
            .unwrap_or(Value::Null);
        let _ = writeln!(out, "  {name}:");
        let _ = writeln!(
            out,
            "    Container ID:\t{}",
            st.get("containerID").and_then(Value::as_str).unwrap_or("")
        );
        let _ = writeln!(
            out,
            "    Image:\t{}",
            c.get("image").and_then(Value::as_str).unwrap_or("")
        );
        let _ = writeln!(
            out,
            "    Image ID:\t{}",
            st.get("imageID").and_then(Value::as_str).unwrap_or("")
        );
        let ports: Vec<String> = c
            .get("ports")
            .and_then(Value::as_array)
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        format!(
                            "{}/{}",
                            p.get("containerPort").and_then(Value::as_i64).unwrap_or(0),
                            p.get("protocol").and_then(Value::as_str).unwrap_or("TCP")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        if ports.len() > 1 {
            let _ = writeln!(out, "    Ports:\t{}", ports.join(", "));
            let _ = writeln!(
                out,
                "    Host Ports:\t{}",
                ports.iter().map(|_| "0/TCP").collect::<Vec<_>>().join(", ")
            );
        } else {
            let _ = writeln!(
                out,
                "    Port:\t{}",
                ports.first().cloned().unwrap_or_else(|| "<none>".into())
            );
            let _ = writeln!(
                out,
                "    Host Port:\t{}",
                if ports.is_empty() { "<none>" } else { "0/TCP" }
            );
        }
        for key in ["command", "args"] {
            if let Some(Value::Array(a)) = c.get(key) {
                let _ = writeln!(
                    out,
                    "    {}:",
                    if key == "command" { "Command" } else { "Args" }
                );
                for x in a {
                    let _ = writeln!(
                        out,
                        "      {}",
                        x.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| x.to_string())
                    );
                }
            }
        }
        container_state(st.get("state").unwrap_or(&Value::Null), "State", out);
        if let Some(l) = st
            .get("lastState")
            .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
        {
            container_state(l, "Last State", out);
        }
        let _ = writeln!(
            out,
            "    Ready:\t{}",
            if st.get("ready").and_then(Value::as_bool) == Some(true) {
                "True"
            } else {
                "False"
            }
        );
        let _ = writeln!(
            out,
            "    Restart Count:\t{}",
            st.get("restartCount").and_then(Value::as_i64).unwrap_or(0)
        );
        for (key, label) in [("limits", "Limits"), ("requests", "Requests")] {
            if let Some(Value::Object(m)) = c.get("resources").and_then(|r| r.get(key)) {
                let _ = writeln!(out, "    {label}:");
                for (k, v) in m {
                    let _ = writeln!(
                        out,
                        "      {k}:\t{}",
                        v.as_str()
                            .map(String::from)
                            .unwrap_or_else(|| v.to_string())
                    );
                }
            }
        }
        let env = c
            .get("env")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if env.is_empty() {
            let _ = writeln!(out, "    Environment:\t<none>");
        } else {
            let _ = writeln!(out, "    Environment:");
            for e in env {
                let n = e.get("name").and_then(Value::as_str).unwrap_or("");
                if let Some(v) = e.get("value").and_then(Value::as_str) {
                    let _ = writeln!(out, "      {n}:\t{v}");
                } else if let Some(r) = e.get("valueFrom").and_then(|v| v.get("configMapKeyRef")) {
                    let _ = writeln!(
                        out,
                        "      {n}:\t<set to the key '{}' of config map '{}'>\tOptional: false",
                        r.get("key").and_then(Value::as_str).unwrap_or(""),
                        r.get("name").and_then(Value::as_str).unwrap_or("")
                    );
                } else if let Some(r) = e.get("valueFrom").and_then(|v| v.get("secretKeyRef")) {
                    let _ = writeln!(
                        out,
                        "      {n}:\t<set to the key '{}' in secret '{}'>\tOptional: false",
                        r.get("key").and_then(Value::as_str).unwrap_or(""),
                        r.get("name").and_then(Value::as_str).unwrap_or("")
                    );
                } else {
                    let _ = writeln!(out, "      {n}:\t");
                }
            }
        }
        let mounts = c
            .get("volumeMounts")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if mounts.is_empty() {
            let _ = writeln!(out, "    Mounts:\t<none>");
        } else {
            let _ = writeln!(out, "    Mounts:");
            for m in mounts {
                let ro = if m.get("readOnly").and_then(Value::as_bool) == Some(true) {
                    "ro"
                } else {
                    "rw"
                };
                let _ = writeln!(
                    out,
                    "      {} from {} ({ro})",
                    m.get("mountPath").and_then(Value::as_str).unwrap_or(""),
                    m.get("name").and_then(Value::as_str).unwrap_or("")
                );
            }
        }
    }
}

fn pod(c: &Cluster, p: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, p, true);
    let _ = writeln!(
        s,
        "Priority:\t{}",
        object::i64_at(p, "spec.priority").unwrap_or(0)
    );
    let pcn = object::str_at(p, "spec.priorityClassName");
    if !pcn.is_empty() {
        let _ = writeln!(s, "Priority Class Name:\t{pcn}");
    }
    let sa = object::str_at(p, "spec.serviceAccountName");
    if !sa.is_empty() {
        let _ = writeln!(s, "Service Account:\t{sa}");
    }
    let node = object::str_at(p, "spec.nodeName");
    let node = if node.is_empty() {
        "<none>".to_string()
    } else {
        format!("{node}/{}", object::str_at(p, "status.hostIP"))
    };
    let _ = writeln!(s, "Node:\t{node}");
    let start = object::str_at(p, "status.startTime");
    if !start.is_empty() {
        let _ = writeln!(s, "Start Time:\t{}", rfc1123z(start));
    }
    map_lines(&mut s, "Labels", &object::labels(p), "=");
    map_lines(&mut s, "Annotations", &annotations(p), ": ");
    let _ = writeln!(s, "Status:\t{}", object::str_at(p, "status.phase"));
    let ip = object::str_at(p, "status.podIP");
    let _ = writeln!(s, "IP:\t{ip}");
    if ip.is_empty() {
        let _ = writeln!(s, "IPs:\t<none>");
    } else {
        let _ = writeln!(s, "IPs:\n  IP:\t{ip}");
    }
    if let Some(owner) = object::array(p, "metadata.ownerReferences")
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
    {
        let _ = writeln!(
            s,
            "Controlled By:\t{}/{}",
            owner.get("kind").and_then(Value::as_str).unwrap_or(""),
            owner.get("name").and_then(Value::as_str).unwrap_or("")
        );
    }
    containers(
        &mut s,
        p,
        "spec.initContainers",
        "status.initContainerStatuses",
        "Init Containers",
    );
    containers(
        &mut s,
        p,
        "spec.containers",
        "status.containerStatuses",
        "Containers",
    );
    let conds = object::array(p, "status.conditions");
    if !conds.is_empty() {
        let _ = writeln!(s, "Conditions:\n  Type\tStatus");
        for cnd in conds {
            let _ = writeln!(
                s,
                "  {} \t{} ",
                cnd.get("type").and_then(Value::as_str).unwrap_or(""),
                cnd.get("status").and_then(Value::as_str).unwrap_or("")
            );
        }
    }
    volumes(&mut s, p, "");
    let _ = writeln!(s, "QoS Class:\t{}", object::str_at(p, "status.qosClass"));
    scheduling_lines(&mut s, p, "");
    s.push_str(&events(c, p, c.now));
    s
}

/// The `Volumes:` block of a pod or a pod template (`prefix` indents a template's block).
fn volumes(s: &mut String, holder: &Value, prefix: &str) {
    let vols = object::array(holder, "spec.volumes");
    if vols.is_empty() {
        let _ = writeln!(s, "{prefix}Volumes:\t<none>");
        return;
    }
    let _ = writeln!(s, "{prefix}Volumes:");
    for v in vols {
        let name = v.get("name").and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(s, "{}{name}:", if prefix.is_empty() { "  " } else { "   " });
        volume(s, v);
    }
}

/// The `Node-Selectors:` and `Tolerations:` lines of a pod or a pod template.
fn scheduling_lines(s: &mut String, holder: &Value, prefix: &str) {
    let nsel = object::string_map(holder, "spec.nodeSelector");
    let nsel: Vec<String> = nsel.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(
        s,
        "{prefix}Node-Selectors:\t{}",
        if nsel.is_empty() {
            "<none>".to_string()
        } else {
            nsel.join("\n\t")
        }
    );
    let tols: Vec<String> = object::array(holder, "spec.tolerations")
        .iter()
        .map(|t| {
            let g = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let mut x = g("key");
            if !g("value").is_empty() {
                x.push('=');
                x.push_str(&g("value"));
            }
            if !g("effect").is_empty() {
                x.push(':');
                x.push_str(&g("effect"));
            }
            if g("operator") == "Exists" && g("value").is_empty() {
                x.push_str(" op=Exists");
            }
            if let Some(secs) = t.get("tolerationSeconds").and_then(Value::as_i64) {
                x.push_str(&format!(" for {secs}s"));
            }
            x
        })
        .collect();
    let _ = writeln!(
        s,
        "{prefix}Tolerations:\t{}",
        if tols.is_empty() {
            "<none>".to_string()
        } else {
            tols.join("\n\t")
        }
    );
}

/// The body of a `Pod Template:` section (deployments, replica sets, `rollout history --revision`).
pub fn pod_template(s: &mut String, template: &Value) {
    map_lines(
        s,
        "  Labels",
        &object::string_map(template, "metadata.labels"),
        "=",
    );
    let notes = object::string_map(template, "metadata.annotations");
    if !notes.is_empty() {
        map_lines(s, "  Annotations", &notes, ": ");
    }
    let tmpl =
        serde_json::json!({"spec": object::get(template, "spec").cloned().unwrap_or(Value::Null)});
    let mut cs = String::new();
    containers(&mut cs, &tmpl, "spec.containers", "x", "Containers");
    for line in cs.lines() {
        if line.contains("Container ID:")
            || line.contains("Image ID:")
            || line.contains("State:")
            || line.contains("Ready:")
            || line.contains("Restart Count:")
            || line.trim_start().starts_with("Started:")
        {
            continue;
        }
        // A template nests one level deeper than a pod, but kubectl indents its container
        // names by one more space only: `  Containers:`, `   nginx:`, `    Image:`.
        if !line.starts_with(' ') {
            let _ = writeln!(s, "  {line}");
        } else if line.starts_with("  ") && !line.starts_with("   ") {
            let _ = writeln!(s, " {line}");
        } else {
            let _ = writeln!(s, "{line}");
        }
    }
    volumes(s, &tmpl, "  ");
    scheduling_lines(s, &tmpl, "  ");
}

fn volume(s: &mut String, v: &Value) {
    if let Some(pr) = v.get("projected") {
        let _ = writeln!(
            s,
            "    Type:\tProjected (a volume that contains injected data from multiple sources)"
        );
        for src in pr
            .get("sources")
            .and_then(Value::as_array)
            .map(|a| a.as_slice())
            .unwrap_or(&[])
        {
            if let Some(t) = src.get("serviceAccountToken") {
                let _ = writeln!(
                    s,
                    "    TokenExpirationSeconds:\t{}",
                    t.get("expirationSeconds")
                        .and_then(Value::as_i64)
                        .unwrap_or(3607)
                );
            }
            if let Some(cm) = src.get("configMap") {
                let _ = writeln!(
                    s,
                    "    ConfigMapName:\t{}",
                    cm.get("name").and_then(Value::as_str).unwrap_or("")
                );
                let _ = writeln!(s, "    Optional:\tfalse");
            }
            if src.get("downwardAPI").is_some() {
                let _ = writeln!(s, "    DownwardAPI:\ttrue");
            }
        }
    } else if let Some(cm) = v.get("configMap") {
        let _ = writeln!(s, "    Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{}\n    Optional:\tfalse", cm.get("name").and_then(Value::as_str).unwrap_or(""));
    } else if let Some(sec) = v.get("secret") {
        let _ = writeln!(s, "    Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{}\n    Optional:\tfalse", sec.get("secretName").and_then(Value::as_str).unwrap_or(""));
    } else if let Some(e) = v.get("emptyDir") {
        let _ = writeln!(s, "    Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{}", e.get("medium").and_then(Value::as_str).unwrap_or(""), e.get("sizeLimit").and_then(Value::as_str).unwrap_or("<unset>"));
    } else if let Some(h) = v.get("hostPath") {
        let _ = writeln!(s, "    Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{}", h.get("path").and_then(Value::as_str).unwrap_or(""), h.get("type").and_then(Value::as_str).unwrap_or(""));
    } else if let Some(p) = v.get("persistentVolumeClaim") {
        let _ = writeln!(s, "    Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n    ClaimName:\t{}\n    ReadOnly:\t{}", p.get("claimName").and_then(Value::as_str).unwrap_or(""), p.get("readOnly").and_then(Value::as_bool).unwrap_or(false));
    }
}

fn deployment(c: &Cluster, d: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, d, true);
    let _ = writeln!(
        s,
        "CreationTimestamp:\t{}",
        rfc1123z(object::str_at(d, "metadata.creationTimestamp"))
    );
    map_lines(&mut s, "Labels", &object::labels(d), "=");
    map_lines(&mut s, "Annotations", &annotations(d), ": ");
    let sel =
        Selector::from_label_selector(object::get(d, "spec.selector").unwrap_or(&Value::Null));
    let _ = writeln!(s, "Selector:\t{sel}");
    let i = |p: &str| object::i64_at(d, p).unwrap_or(0);
    let _ = writeln!(
        s,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable",
        i("spec.replicas"),
        i("status.updatedReplicas"),
        i("status.replicas"),
        i("status.availableReplicas"),
        i("status.unavailableReplicas")
    );
    let _ = writeln!(
        s,
        "StrategyType:\t{}",
        object::str_at(d, "spec.strategy.type")
    );
    let _ = writeln!(s, "MinReadySeconds:\t{}", i("spec.minReadySeconds"));
    if object::str_at(d, "spec.strategy.type") == "RollingUpdate" {
        let v = |k: &str| {
            object::get(d, &format!("spec.strategy.rollingUpdate.{k}"))
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                })
                .unwrap_or_default()
        };
        let _ = writeln!(
            s,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge",
            v("maxUnavailable"),
            v("maxSurge")
        );
    }
    let _ = writeln!(s, "Pod Template:");
    pod_template(
        &mut s,
        object::get(d, "spec.template").unwrap_or(&Value::Null),
    );
    let conds = object::array(d, "status.conditions");
    if !conds.is_empty() {
        let _ = writeln!(
            s,
            "Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------"
        );
        for cnd in conds {
            let g = |k: &str| cnd.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            let _ = writeln!(s, "  {}\t{}\t{}", g("type"), g("status"), g("reason"));
        }
    }
    let uid = object::str_at(d, "metadata.uid");
    let mut old = Vec::new();
    let mut new = String::from("<none>");
    let hash = crate::cluster::controllers::deployment::template_hash(
        object::get(d, "spec.template").unwrap_or(&Value::Null),
    );
    for rs in c.list_ns("replicasets", object::namespace(d)) {
        if crate::cluster::controllers::controller_uid(rs) != Some(uid) {
            continue;
        }
        let txt = format!(
            "{} ({}/{} replicas created)",
            object::name(rs),
            object::i64_at(rs, "status.replicas").unwrap_or(0),
            object::i64_at(rs, "spec.replicas").unwrap_or(0)
        );
        if object::str_at(rs, "spec.template.metadata.labels.pod-template-hash") == hash {
            new = txt;
        } else if object::i64_at(rs, "spec.replicas").unwrap_or(0) > 0
            || object::i64_at(rs, "status.replicas").unwrap_or(0) > 0
        {
            old.push(txt);
        }
    }
    let _ = writeln!(
        s,
        "OldReplicaSets:\t{}",
        if old.is_empty() {
            "<none>".to_string()
        } else {
            old.join(", ")
        }
    );
    let _ = writeln!(s, "NewReplicaSet:\t{new}");
    s.push_str(&events(c, d, c.now));
    s
}

fn service(c: &Cluster, svc: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, svc, true);
    map_lines(&mut s, "Labels", &object::labels(svc), "=");
    map_lines(&mut s, "Annotations", &annotations(svc), ": ");
    let sel: Vec<String> = object::string_map(svc, "spec.selector")
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(
        s,
        "Selector:\t{}",
        if sel.is_empty() {
            "<none>".to_string()
        } else {
            sel.join(",")
        }
    );
    let _ = writeln!(s, "Type:\t{}", object::str_at(svc, "spec.type"));
    let _ = writeln!(
        s,
        "IP Family Policy:\t{}",
        object::str_at(svc, "spec.ipFamilyPolicy")
    );
    let fams: Vec<&str> = object::array(svc, "spec.ipFamilies")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let _ = writeln!(s, "IP Families:\t{}", fams.join(","));
    let _ = writeln!(s, "IP:\t{}", object::str_at(svc, "spec.clusterIP"));
    let _ = writeln!(
        s,
        "IPs:\t{}",
        object::array(svc, "spec.clusterIPs")
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(",")
    );
    let ep = c.peek("endpoints", object::namespace(svc), object::name(svc));
    for p in object::array(svc, "spec.ports") {
        let name = p.get("name").and_then(Value::as_str).unwrap_or("<unset>");
        let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
        let _ = writeln!(
            s,
            "Port:\t{name}  {}/{proto}",
            p.get("port").and_then(Value::as_i64).unwrap_or(0)
        );
        let tp = p
            .get("targetPort")
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .unwrap_or_else(|| v.to_string())
            })
            .unwrap_or_default();
        let _ = writeln!(s, "TargetPort:\t{tp}/{proto}");
        if let Some(np) = p.get("nodePort").and_then(Value::as_i64) {
            let _ = writeln!(s, "NodePort:\t{name}  {np}/{proto}");
        }
        let mut eps = Vec::new();
        if let Some(ep) = ep {
            for subset in object::array(ep, "subsets") {
                let port = subset
                    .get("ports")
                    .and_then(Value::as_array)
                    .and_then(|ps| {
                        ps.iter()
                            .find(|x| {
                                x.get("name").and_then(Value::as_str)
                                    == p.get("name").and_then(Value::as_str)
                            })
                            .or(ps.first())
                    })
                    .and_then(|x| x.get("port"))
                    .and_then(Value::as_i64);
                for a in subset
                    .get("addresses")
                    .and_then(Value::as_array)
                    .map(|a| a.as_slice())
                    .unwrap_or(&[])
                {
                    let ip = a.get("ip").and_then(Value::as_str).unwrap_or("");
                    eps.push(match port {
                        Some(pt) => format!("{ip}:{pt}"),
                        None => ip.to_string(),
                    });
                }
            }
        }
        let _ = writeln!(s, "Endpoints:\t{}", eps.join(","));
    }
    let _ = writeln!(
        s,
        "Session Affinity:\t{}",
        object::str_at(svc, "spec.sessionAffinity")
    );
    if !object::str_at(svc, "spec.externalTrafficPolicy").is_empty() {
        let _ = writeln!(
            s,
            "External Traffic Policy:\t{}",
            object::str_at(svc, "spec.externalTrafficPolicy")
        );
    }
    let _ = writeln!(
        s,
        "Internal Traffic Policy:\t{}",
        object::str_at(svc, "spec.internalTrafficPolicy")
    );
    s.push_str(&events(c, svc, c.now));
    s
}

/// `describe ingress`, in the order and layout of kubectl's Ingress describer.
fn ingress(c: &Cluster, ing: &Value) -> String {
    let mut s = String::new();
    let ns = object::namespace(ing);
    let _ = writeln!(s, "Name:\t{}", object::name(ing));
    map_lines(&mut s, "Labels", &object::labels(ing), "=");
    let _ = writeln!(s, "Namespace:\t{ns}");
    // The full address list, as `-o wide` would show it.
    let _ = writeln!(
        s,
        "Address:\t{}",
        super::tables::load_balancer_text(ing, true)
    );
    let class = object::str_at(ing, "spec.ingressClassName");
    let _ = writeln!(
        s,
        "Ingress Class:\t{}",
        if class.is_empty() { "<none>" } else { class }
    );
    let default_backend = object::get(ing, "spec.defaultBackend")
        .map(|b| ingress_backend(c, ns, b))
        .unwrap_or_else(|| "<default>".into());
    let _ = writeln!(s, "Default backend:\t{default_backend}");
    let tls = object::array(ing, "spec.tls");
    if !tls.is_empty() {
        s.push_str("TLS:\n");
        for t in tls {
            let hosts: Vec<&str> = object::array(t, "hosts")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let secret = object::str_at(t, "secretName");
            if secret.is_empty() {
                let _ = writeln!(s, "  SNI routes {}", hosts.join(","));
            } else {
                let _ = writeln!(s, "  {secret} terminates {}", hosts.join(","));
            }
        }
    }
    s.push_str("Rules:\n  Host\tPath\tBackends\n  ----\t----\t--------\n");
    let mut count = 0;
    for rule in object::array(ing, "spec.rules") {
        let Some(http) = rule.get("http") else {
            continue;
        };
        count += 1;
        let host = rule.get("host").and_then(Value::as_str).unwrap_or("");
        let _ = writeln!(s, "  {}\t", if host.is_empty() { "*" } else { host });
        for path in object::array(http, "paths") {
            let backend = path
                .get("backend")
                .map(|b| ingress_backend(c, ns, b))
                .unwrap_or_default();
            let _ = writeln!(s, "    \t{} \t{backend}", object::str_at(path, "path"));
        }
    }
    if count == 0 {
        let _ = writeln!(s, "  *\t*\t{default_backend}");
    }
    map_lines(&mut s, "Annotations", &annotations(ing), ": ");
    s.push_str(&events(c, ing, c.now));
    s
}

/// An Ingress backend as kubectl describes it: `svc:port (endpoints)`, or the error met on the way.
fn ingress_backend(c: &Cluster, ns: &str, backend: &Value) -> String {
    let Some(svc_ref) = backend.get("service") else {
        let res = backend.get("resource");
        let kind = res.map(|r| object::str_at(r, "kind")).unwrap_or("");
        let name = res.map(|r| object::str_at(r, "name")).unwrap_or("");
        let group = res.map(|r| object::str_at(r, "apiGroup")).unwrap_or("");
        return format!("APIGroup: {group}, Kind: {kind}, Name: {name}");
    };
    let name = object::str_at(svc_ref, "name");
    let number = object::get(svc_ref, "port.number").and_then(Value::as_i64);
    let port_name = object::str_at(svc_ref, "port.name");
    let shown = match number {
        Some(n) => format!("{name}:{n}"),
        None => format!("{name}:{port_name}"),
    };
    let Some(svc) = c.peek("services", ns, name) else {
        return format!("{shown} (<error: services \"{name}\" not found>)");
    };
    let Some(ep) = c.peek("endpoints", ns, name) else {
        return format!("{shown} (<error: endpoints \"{name}\" not found>)");
    };
    // The service port the backend names decides which endpoint ports count.
    let mut sp_name = "";
    for sp in object::array(svc, "spec.ports") {
        let spn = sp.get("name").and_then(Value::as_str).unwrap_or("");
        let matches_number =
            number.is_some_and(|n| n != 0) && sp.get("port").and_then(Value::as_i64) == number;
        if matches_number || (!port_name.is_empty() && port_name == spn) {
            sp_name = spn;
        }
    }
    let mut list = Vec::new();
    let mut count = 0;
    for subset in object::array(ep, "subsets") {
        for port in object::array(subset, "ports") {
            if port.get("name").and_then(Value::as_str).unwrap_or("") != sp_name {
                continue;
            }
            let p = port.get("port").and_then(Value::as_i64).unwrap_or(0);
            for a in object::array(subset, "addresses") {
                if list.len() < 3 {
                    list.push(format!(
                        "{}:{p}",
                        a.get("ip").and_then(Value::as_str).unwrap_or("")
                    ));
                }
                count += 1;
            }
        }
    }
    let eps = if list.is_empty() {
        "<none>".to_string()
    } else if count > 3 {
        format!("{} + {} more...", list.join(","), count - 3)
    } else {
        list.join(",")
    };
    format!("{shown} ({eps})")
}

fn configmap(c: &Cluster, cm: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, cm, true);
    map_lines(&mut s, "Labels", &object::labels(cm), "=");
    map_lines(&mut s, "Annotations", &annotations(cm), ": ");
    s.push_str("\nData\n====\n");
    for (k, v) in object::string_map(cm, "data") {
        let _ = write!(s, "{k}:\n----\n{v}\n\n");
    }
    s.push_str("\nBinaryData\n====\n");
    for (k, v) in object::string_map(cm, "binaryData") {
        let _ = writeln!(s, "{k}: {} bytes", v.len() * 3 / 4);
    }
    s.push('\n');
    s.push_str(&events(c, cm, c.now));
    s
}

fn node(c: &Cluster, n: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, n, false);
    let roles: Vec<String> = object::labels(n)
        .keys()
        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/").map(String::from))
        .collect();
    let _ = writeln!(
        s,
        "Roles:\t{}",
        if roles.is_empty() {
            "<none>".into()
        } else {
            roles.join(",")
        }
    );
    map_lines(&mut s, "Labels", &object::labels(n), "=");
    map_lines(&mut s, "Annotations", &annotations(n), ": ");
    let _ = writeln!(
        s,
        "CreationTimestamp:\t{}",
        rfc1123z(object::str_at(n, "metadata.creationTimestamp"))
    );
    let taints: Vec<String> = object::array(n, "spec.taints")
        .iter()
        .map(|t| {
            let g = |k: &str| t.get(k).and_then(Value::as_str).unwrap_or("").to_string();
            if g("value").is_empty() {
                format!("{}:{}", g("key"), g("effect"))
            } else {
                format!("{}={}:{}", g("key"), g("value"), g("effect"))
            }
        })
        .collect();
    let _ = writeln!(
        s,
        "Taints:\t{}",
        if taints.is_empty() {
            "<none>".to_string()
        } else {
            taints.join("\n\t")
        }
    );
    let _ = writeln!(
        s,
        "Unschedulable:\t{}",
        object::get(n, "spec.unschedulable")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    );
    let _ = writeln!(s, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n  ----\t------\t-----------------\t------------------\t------\t-------");
    let created = rfc1123z(object::str_at(n, "metadata.creationTimestamp"));
    let now = c.now.format("%a, %d %b %Y %H:%M:%S %z").to_string();
    for cnd in object::array(n, "status.conditions") {
        let g = |k: &str| cnd.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let _ = writeln!(
            s,
            "  {}\t{}\t{now}\t{created}\t{}\t{}",
            g("type"),
            g("status"),
            g("reason"),
            g("message")
        );
    }
    let _ = writeln!(s, "Addresses:");
    for a in object::array(n, "status.addresses") {
        let _ = writeln!(
            s,
            "  {}:\t{}",
            a.get("type").and_then(Value::as_str).unwrap_or(""),
            a.get("address").and_then(Value::as_str).unwrap_or("")
        );
    }
    for (title, key) in [
        ("Capacity", "status.capacity"),
        ("Allocatable", "status.allocatable"),
    ] {
        let _ = writeln!(s, "{title}:");
        for (k, v) in object::string_map(n, key) {
            let _ = writeln!(s, "  {k}:\t{v}");
        }
    }
    let _ = writeln!(s, "System Info:");
    for (label, k) in [
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ] {
        let _ = writeln!(
            s,
            "  {label}:\t{}",
            object::str_at(n, &format!("status.nodeInfo.{k}"))
        );
    }
    let _ = writeln!(s, "PodCIDR:\t{}", object::str_at(n, "spec.podCIDR"));
    let name = object::name(n);
    let pods = qty::pods_on(c, name);
    let alloc = qty::allocatable(n);
    let cell = |res: &str, v: f64| {
        format!(
            "{} ({}%)",
            qty::format(res, v),
            qty::percent(v, alloc.get(res))
        )
    };
    let _ = writeln!(s, "Non-terminated Pods:\t({} in total)", pods.len());
    let _ = writeln!(s, "  Namespace\tName\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n  ---------\t----\t------------\t----------\t---------------\t-------------\t---");
    for p in &pods {
        let (req, lim) = (qty::pod_requests(p), qty::pod_limits(p));
        let _ = writeln!(
            s,
            "  {}\t{}\t{}\t{}\t{}\t{}\t{}",
            object::namespace(p),
            object::name(p),
            cell("cpu", req.get("cpu")),
            cell("cpu", lim.get("cpu")),
            cell("memory", req.get("memory")),
            cell("memory", lim.get("memory")),
            super::tables::age(p, c.now)
        );
    }
    let (mut req, mut lim) = (qty::Amounts::default(), qty::Amounts::default());
    for p in &pods {
        for (k, v) in qty::pod_requests(p).values {
            *req.values.entry(k).or_default() += v;
        }
        for (k, v) in qty::pod_limits(p).values {
            *lim.values.entry(k).or_default() += v;
        }
    }
    s.push_str("Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n  Resource\tRequests\tLimits\n  --------\t--------\t------\n");
    let mut names = vec![
        "cpu".to_string(),
        "memory".to_string(),
        "ephemeral-storage".to_string(),
    ];
    names.extend(
        alloc
            .values
            .keys()
            .filter(|k| k.starts_with("hugepages-"))
            .cloned(),
    );
    for r in names {
        let _ = writeln!(
            s,
            "  {r}\t{}\t{}",
            cell(&r, req.get(&r)),
            cell(&r, lim.get(&r))
        );
    }
    s.push_str(&events(c, n, c.now));
    s
}

fn generic(c: &Cluster, o: &Value) -> String {
    let mut s = String::new();
    let namespaced = crate::cluster::resource_of(o)
        .map(|r| r.namespaced)
        .unwrap_or(true);
    meta_header(&mut s, o, namespaced);
    map_lines(&mut s, "Labels", &object::labels(o), "=");
    map_lines(&mut s, "Annotations", &annotations(o), ": ");
    if object::kind(o) == "Namespace" {
        let _ = writeln!(s, "Status:\t{}", object::str_at(o, "status.phase"));
        s.push_str("\nNo resource quota.\n\nNo LimitRange resource.\n");
        return s;
    }
    s.push_str(&events(c, o, c.now));
    s
}

/// A label selector as `metav1.FormatLabelSelector` prints it (`<none>` when empty).
fn format_selector(v: Option<&Value>) -> String {
    let s = v
        .map(Selector::from_label_selector)
        .unwrap_or_default()
        .to_string();
    if s.is_empty() {
        "<none>".into()
    } else {
        s
    }
}

/// The peers and ports of NetworkPolicy rules, as kubectl's describer lists them.
fn network_policy_rules(out: &mut String, rules: &[Value], egress: bool) {
    let ind = "    ";
    let (peer_key, peer_title) = if egress {
        ("to", "To")
    } else {
        ("from", "From")
    };
    if rules.is_empty() {
        let dir = if egress { "egress" } else { "ingress" };
        let _ = writeln!(
            out,
            "{ind}<none> (Selected pods are isolated for {dir} connectivity)"
        );
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let ports = rule
            .get("ports")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if ports.is_empty() {
            let _ = writeln!(out, "{ind}To Port: <any> (traffic allowed to all ports)");
        }
        for p in ports {
            let proto = p.get("protocol").and_then(Value::as_str).unwrap_or("TCP");
            let port = match p.get("port") {
                Some(Value::String(s)) => s.clone(),
                Some(Value::Number(n)) => n.to_string(),
                _ => "<nil>".into(),
            };
            match p.get("endPort").and_then(Value::as_i64) {
                Some(end) => {
                    let _ = writeln!(out, "{ind}To Port Range: {port}-{end}/{proto}");
                }
                None => {
                    let _ = writeln!(out, "{ind}To Port: {port}/{proto}");
                }
            }
        }
        let peers = rule
            .get(peer_key)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        if peers.is_empty() {
            let what = if egress { "destination" } else { "source" };
            let _ = writeln!(
                out,
                "{ind}{peer_title}: <any> (traffic not restricted by {what})"
            );
        }
        for peer in peers {
            let _ = writeln!(out, "{ind}{peer_title}:");
            let (ps, nss) = (peer.get("podSelector"), peer.get("namespaceSelector"));
            if nss.is_some() {
                let _ = writeln!(out, "  {ind}NamespaceSelector: {}", format_selector(nss));
            }
            if ps.is_some() {
                let _ = writeln!(out, "  {ind}PodSelector: {}", format_selector(ps));
            }
            if let (None, None, Some(b)) = (ps, nss, peer.get("ipBlock")) {
                let except: Vec<&str> = b
                    .get("except")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let _ = writeln!(out, "  {ind}IPBlock:");
                let _ = writeln!(
                    out,
                    "    {ind}CIDR: {}",
                    b.get("cidr").and_then(Value::as_str).unwrap_or("")
                );
                let _ = writeln!(out, "    {ind}Except: {}", except.join(", "));
            }
        }
        if i + 1 != rules.len() {
            let _ = writeln!(out, "{ind}----------");
        }
    }
}

fn network_policy(o: &Value) -> String {
    let mut s = String::new();
    meta_header(&mut s, o, true);
    let created = parse_timestamp(object::str_at(o, "metadata.creationTimestamp"))
        .map(|t| t.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string())
        .unwrap_or_default();
    let _ = writeln!(s, "Created on:\t{created}");
    map_lines(&mut s, "Labels", &object::labels(o), "=");
    map_lines(&mut s, "Annotations", &annotations(o), ": ");
    s.push_str("Spec:\n");
    let sel = format_selector(object::get(o, "spec.podSelector"));
    if sel == "<none>" {
        s.push_str("  PodSelector:     <none> (Allowing the specific traffic to all pods in this namespace)\n");
    } else {
        let _ = writeln!(s, "  PodSelector:     {sel}");
    }
    let types: Vec<&str> = object::array(o, "spec.policyTypes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if types.contains(&"Ingress") {
        s.push_str("  Allowing ingress traffic:\n");
        network_policy_rules(&mut s, object::array(o, "spec.ingress"), false);
    } else {
        s.push_str("  Not affecting ingress traffic\n");
    }
    if types.contains(&"Egress") {
        s.push_str("  Allowing egress traffic:\n");
        network_policy_rules(&mut s, object::array(o, "spec.egress"), true);
    } else {
        s.push_str("  Not affecting egress traffic\n");
    }
    let _ = writeln!(s, "  Policy Types: {}", types.join(", "));
    s
}

/// `describe quota`: one row per hard resource, used and hard from the status.
fn resource_quota(o: &Value) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Name:\t{}", object::name(o));
    let _ = writeln!(out, "Namespace:\t{}", object::namespace(o));
    let _ = writeln!(out, "Resource\tUsed\tHard");
    let _ = writeln!(out, "--------\t----\t----");
    let mut keys: Vec<String> = object::get(o, "status.hard")
        .or_else(|| object::get(o, "spec.hard"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    let at = |path: &str, k: &str| -> String {
        object::get(o, path)
            .and_then(|m| m.get(k))
            .and_then(Value::as_str)
            .unwrap_or("0")
            .to_string()
    };
    for k in keys {
        let _ = writeln!(
            out,
            "{k}\t{}\t{}",
            at("status.used", &k),
            at("status.hard", &k)
        );
    }
    out
}
