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
    let tail: Option<usize> = ctx
        .flags
        .get("tail")
        .and_then(|t| t.parse::<i64>().ok())
        .filter(|t| *t >= 0)
        .map(|t| t as usize);
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
    let multi = pods.len() > 1 || ctx.flags.is_set("prefix");
    let all = ctx.flags.is_set("all-containers");
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
            let mut lines = container::logs(c, &pod, &ct, previous, c.now, &catalog);
            if let Some(t) = tail {
                let skip = lines.len().saturating_sub(t);
                lines.drain(..skip);
            }
            for l in lines {
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
        return ctx.usage_error("pod, type/name or --filename must be specified");
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
