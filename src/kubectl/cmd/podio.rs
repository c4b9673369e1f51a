//! `kubectl logs` and `kubectl exec`: what runs inside containers.

use crate::cluster::container;
use crate::cluster::controllers::controller_uid;
use crate::cluster::selector::Selector;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::{errors, Ctx};
use serde_json::Value;

pub const LOGS_FLAGS: &[FlagSpec] = &[
    val("container", Some('c')),
    flag("follow", Some('f')),
    flag("previous", Some('p')),
    val("tail", None),
    val("selector", Some('l')),
    flag("all-containers", None),
    flag("prefix", None),
    flag("timestamps", None),
    val("since", None),
    val("since-time", None),
    val("max-log-requests", None),
    flag("ignore-errors", None),
    val("limit-bytes", None),
];

pub const EXEC_FLAGS: &[FlagSpec] = &[
    val("container", Some('c')),
    flag("stdin", Some('i')),
    flag("tty", Some('t')),
    flag("quiet", Some('q')),
    val("filename", Some('f')),
];

/// Whether the requester may use a subresource of the pod (`pods/log`, `pods/exec`); prints the
/// Forbidden error when not.
fn may(ctx: &mut Ctx<'_>, pod: &Value, verb: &str, sub: &str) -> bool {
    let Some(rt) = schema::lookup("pods") else {
        return true;
    };
    let decision = match ctx.cluster_ref() {
        Some(c) => {
            c.authorize_subresource(verb, rt, object::namespace(pod), object::name(pod), sub)
        }
        None => Ok(()),
    };
    match decision {
        Ok(()) => true,
        Err(e) => {
            ctx.error(&errors::api_error(&e));
            false
        }
    }
}

/// Finds the pod a `POD` or `TYPE/NAME` argument means (the first pod of a workload).
fn pod_for(ctx: &mut Ctx<'_>, arg: &str) -> Option<Value> {
    let ns = ctx.namespace.clone();
    let c = ctx.cluster_ref()?;
    let (rt, name) = match arg.split_once('/') {
        Some((t, n)) => match schema::lookup(t) {
            Some(rt) => (rt, n.to_string()),
            None => {
                ctx.error(&format!(
                    "error: the server doesn't have a resource type \"{t}\""
                ));
                return None;
            }
        },
        None => (schema::lookup("pod")?, arg.to_string()),
    };
    let obj = match c.get(rt, &ns, &name) {
        Ok(o) => o,
        Err(e) => {
            ctx.error(&errors::api_error(&e));
            return None;
        }
    };
    if rt.kind == "Pod" {
        return Some(obj);
    }
    // A workload: its pods, directly or through its ReplicaSets.
    let sel =
        Selector::from_label_selector(object::get(&obj, "spec.selector").unwrap_or(&Value::Null));
    let mut pods: Vec<Value> = c
        .list_ns("pods", &ns)
        .into_iter()
        .filter(|p| !sel.is_empty() && sel.matches(&object::labels(p)))
        .cloned()
        .collect();
    pods.sort_by_key(|p| object::name(p).to_string());
    let _ = controller_uid;
    match pods.first() {
        Some(p) => {
            if pods.len() > 1 {
                ctx.warn(&format!(
                    "Found {} pods, using pod/{}",
                    pods.len(),
                    object::name(p)
                ));
            }
            Some(p.clone())
        }
        None => {
            ctx.error("error: timed out waiting for the condition");
            None
        }
    }
}

fn pick_container(ctx: &mut Ctx<'_>, pod: &Value, wanted: Option<String>) -> Option<Value> {
    let cs: Vec<Value> = object::array(pod, "spec.containers")
        .iter()
        .chain(object::array(pod, "spec.initContainers"))
        .cloned()
        .collect();
    let names: Vec<String> = object::array(pod, "spec.containers")
        .iter()
        .filter_map(|c| c.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    match wanted {
        Some(w) => match cs
            .into_iter()
            .find(|c| c.get("name").and_then(Value::as_str) == Some(w.as_str()))
        {
            Some(c) => Some(c),
            None => {
                let pn = object::name(pod).to_string();
                ctx.error(&format!(
                    "Error from server (BadRequest): container {w} is not valid for pod {pn}"
                ));
                None
            }
        },
        None => {
            if names.len() > 1 {
                let default = object::get(pod, "metadata.annotations")
                    .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
                    .and_then(Value::as_str)
                    .map(String::from)
                    .unwrap_or_else(|| names[0].clone());
                ctx.warn(&format!(
                    "Defaulted container \"{default}\" out of: {}",
                    names.join(", ")
                ));
                return cs
                    .into_iter()
                    .find(|c| c.get("name").and_then(Value::as_str) == Some(default.as_str()));
            }
            cs.into_iter().next()
        }
    }
}

fn waiting_reason(pod: &Value, name: &str) -> Option<String> {
    let st = object::array(pod, "status.containerStatuses")
        .iter()
        .chain(object::array(pod, "status.initContainerStatuses"))
        .find(|s| s.get("name").and_then(Value::as_str) == Some(name))?
        .clone();
    let w = st.get("state")?.get("waiting")?;
    let reason = w.get("reason").and_then(Value::as_str).unwrap_or("");
    if reason == "CrashLoopBackOff" {
        return None;
    }
    Some(reason.to_string())
}

pub fn logs(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let ns = ctx.namespace.clone();
    let by_selector = ctx.flags.get("selector").is_some();
    if by_selector && !args.is_empty() {
        return ctx.usage_error("only a selector (-l) or a POD name is allowed");
    }
    if args.len() > 2 {
        return ctx.usage_error("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command");
    }
    // With a selector, kubectl shows the last 10 lines of each container unless --tail says otherwise.
    let tail: Option<usize> = match ctx.flags.get("tail").map(|t| t.parse::<i64>()) {
        Some(Ok(t)) if t >= 0 => Some(t as usize),
        Some(Ok(_)) => None,
        Some(Err(_)) => {
            let v = ctx.flags.get("tail").unwrap_or_default().to_string();
            return ctx.error(&format!("invalid argument {v:?} for \"--tail\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl logs --help' for usage."));
        }
        None if by_selector => Some(10),
        None => None,
    };
    let max_requests = match ctx
        .flags
        .get("max-log-requests")
        .map(|m| m.parse::<usize>())
    {
        Some(Ok(m)) => m,
        Some(Err(_)) => {
            let v = ctx
                .flags
                .get("max-log-requests")
                .unwrap_or_default()
                .to_string();
            return ctx.error(&format!("invalid argument {v:?} for \"--max-log-requests\" flag: strconv.ParseInt: parsing {v:?}: invalid syntax\nSee 'kubectl logs --help' for usage."));
        }
        None => 5,
    };
    let previous = ctx.flags.is_set("previous");
    let mut pods: Vec<Value> = Vec::new();
    let mut wanted = ctx.flags.get("container").map(String::from);
    if let Some(sel) = ctx.flags.get("selector").map(String::from) {
        let sel = match Selector::parse(&sel) {
            Ok(s) => s,
            Err(e) => return ctx.error(&e),
        };
        let Some(c) = ctx.cluster_ref() else { return };
        pods = c
            .list_ns("pods", &ns)
            .into_iter()
            .filter(|p| sel.matches(&object::labels(p)))
            .cloned()
            .collect();
        if pods.is_empty() {
            return ctx.warn(&format!("No resources found in {ns} namespace."));
        }
    } else {
        let Some(first) = args.first() else {
            return ctx.error("expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples");
        };
        if let Some(cn) = args.get(1) {
            if wanted.is_some() {
                return ctx.error("only one of -c or an inline [CONTAINER] arg is allowed");
            }
            wanted = Some(cn.clone());
        }
        let Some(p) = pod_for(ctx, first) else { return };
        if !may(ctx, &p, "get", "log") {
            return;
        }
        pods.push(p);
    }
    let multi = ctx.flags.is_set("prefix");
    let timestamps = ctx.flags.is_set("timestamps");
    let now = match ctx.cluster_ref() {
        Some(c) => c.now,
        None => return,
    };
    // --since=DURATION and --since-time=RFC3339 keep the newer lines only.
    let since = match (ctx.flags.get("since"), ctx.flags.get("since-time")) {
        (Some(_), Some(_)) => {
            return ctx.error("at most one of `sinceTime` or `sinceSeconds` may be specified")
        }
        (Some(d), None) => match go_duration(d) {
            Some(secs) if secs > 0 => Some(now - chrono::Duration::seconds(secs)),
            _ => {
                return ctx.error(&format!(
                    "invalid argument {d:?} for \"--since\" flag: time: invalid duration {d:?}\nSee 'kubectl logs --help' for usage."
                ))
            }
        },
        (None, Some(t)) => match chrono::DateTime::parse_from_rfc3339(t) {
            Ok(t) => Some(t.with_timezone(&chrono::Utc)),
            Err(_) => {
                return ctx.error(&format!(
                    "--since-time must be in RFC3339 format: parsing time {t:?} as \"2006-01-02T15:04:05Z07:00\": cannot parse {t:?} as \"2006\""
                ))
            }
        },
        (None, None) => None,
    };
    let all = ctx.flags.is_set("all-containers");
    if ctx.flags.is_set("follow") {
        let streams: usize = pods
            .iter()
            .map(|p| {
                if all {
                    object::array(p, "spec.initContainers").len()
                        + object::array(p, "spec.containers").len()
                } else {
                    1
                }
            })
            .sum();
        if streams > max_requests {
            return ctx.error(&format!("you are attempting to follow {streams} log streams, but maximum allowed concurrency is {max_requests}, use --max-log-requests to increase the limit"));
        }
    }
    let catalog = ctx.world.images.clone();
    for pod in pods {
        let containers: Vec<Value> = if all {
            object::array(&pod, "spec.initContainers")
                .iter()
                .chain(object::array(&pod, "spec.containers"))
                .cloned()
                .collect()
        } else {
            match pick_container(ctx, &pod, wanted.clone()) {
                Some(c) => vec![c],
                None => return,
            }
        };
        for ct in containers {
            let cname = ct
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let pname = object::name(&pod).to_string();
            if !previous {
                if let Some(reason) = waiting_reason(&pod, &cname) {
                    let why = match reason.as_str() {
                        "ImagePullBackOff" | "ErrImagePull" => {
                            "trying and failing to pull image".to_string()
                        }
                        r => r.to_string(),
                    };
                    ctx.error(&format!("Error from server (BadRequest): container \"{cname}\" in pod \"{pname}\" is waiting to start: {why}"));
                    continue;
                }
            } else {
                let has_prev = object::array(&pod, "status.containerStatuses")
                    .iter()
                    .any(|s| {
                        s.get("name").and_then(Value::as_str) == Some(cname.as_str())
                            && s.get("lastState")
                                .and_then(|l| l.get("terminated"))
                                .is_some()
                    });
                if !has_prev {
                    ctx.error(&format!("Error from server (BadRequest): previous terminated container \"{cname}\" in pod \"{pname}\" not found"));
                    continue;
                }
            }
            let Some(c) = ctx.cluster_ref() else { return };
            let mut lines = container::timed_logs(c, &pod, &ct, previous, c.now, &catalog);
            if let Some(s) = since {
                lines.retain(|(t, _)| *t >= s);
            }
            if let Some(t) = tail {
                let skip = lines.len().saturating_sub(t);
                lines.drain(..skip);
            }
            for (t, l) in lines {
                let l = if timestamps {
                    format!("{} {l}", t.format("%Y-%m-%dT%H:%M:%S%.9fZ"))
                } else {
                    l
                };
                if multi {
                    ctx.println(&format!("[pod/{pname}/{cname}] {l}"));
                } else {
                    ctx.println(&l);
                }
            }
        }
    }
    if ctx.flags.is_set("follow") && ctx.out.code == 0 {
        ctx.warn("(kubedojo: following ends here; the cluster model does not stream. Run the command again for newer lines.)");
    }
}

pub fn exec(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let Some(target) = args.first().cloned() else {
        return ctx.error("pod, type/name or --filename must be specified");
    };
    let command = match &ctx.flags.after_dashes {
        Some(c) if !c.is_empty() => c.clone(),
        _ => {
            if args.len() > 1 {
                return ctx.error("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
            }
            return ctx.error("you must specify at least one command for the container");
        }
    };
    let Some(pod) = pod_for(ctx, &target) else {
        return;
    };
    if !may(ctx, &pod, "create", "exec") {
        return;
    }
    let phase = object::str_at(&pod, "status.phase").to_string();
    if phase == "Succeeded" || phase == "Failed" {
        return ctx.error(&format!(
            "cannot exec into a container in a completed pod; current phase is {phase}"
        ));
    }
    let wanted = ctx.flags.get("container").map(String::from);
    let Some(ct) = pick_container(ctx, &pod, wanted) else {
        return;
    };
    let cname = ct
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let running = object::array(&pod, "status.containerStatuses")
        .iter()
        .any(|s| {
            s.get("name").and_then(Value::as_str) == Some(cname.as_str())
                && s.get("state").and_then(|st| st.get("running")).is_some()
        });
    if !running {
        return ctx.error(&format!(
            "unable to upgrade connection: container not found (\"{cname}\")"
        ));
    }
    if ctx.world.attach_enabled {
        // The shell runs the command in the container's userland (and keeps an interactive
        // shell open until `exit`).
        ctx.world.attach = Some(crate::world::Attach {
            cluster: ctx.cluster.clone(),
            namespace: object::namespace(&pod).to_string(),
            pod: object::name(&pod).to_string(),
            container: cname,
            command,
            stdin: ctx.flags.is_set("stdin"),
            tty: ctx.flags.is_set("tty"),
            remove: false,
            run: false,
            copy: None,
        });
        return;
    }
    let interactive = ctx.flags.is_set("stdin") && ctx.flags.is_set("tty");
    let base = command[0]
        .rsplit('/')
        .next()
        .unwrap_or(&command[0])
        .to_string();
    if interactive && command.len() == 1 && matches!(base.as_str(), "sh" | "bash" | "ash") {
        return ctx.error("kubedojo: an interactive shell needs the learner's terminal; run single commands instead, e.g. `kubectl exec POD -- sh -c 'cat /etc/hostname; env'`");
    }
    let Some(c) = ctx.cluster_ref() else { return };
    let r = container::exec(c, &pod, &ct, &command);
    ctx.print(&r.stdout);
    if !r.stderr.is_empty() {
        ctx.warn(&r.stderr);
    }
    if r.code != 0 {
        ctx.warn(&format!("command terminated with exit code {}", r.code));
        ctx.out.code = r.code;
    }
}

/// Seconds in a Go duration (`1h`, `30m`, `10s`, `1h30m`, `500ms` rounds down).
fn go_duration(s: &str) -> Option<i64> {
    let mut total: f64 = 0.0;
    let mut rest = s;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let mult = match &rest[..u_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += n * mult;
        rest = &rest[u_end..];
    }
    Some(total as i64)
}
