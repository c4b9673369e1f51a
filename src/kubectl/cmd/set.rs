//! `kubectl set image|env|resources|serviceaccount|selector|subject`.
//!
//! Each subcommand finds its objects (by name, `-l`, `--all`, or `-f FILE` with `--local`), changes
//! them, and then either lists (`set env --list`), prints (`--local`, `--dry-run=client`, `-o`), or
//! updates them on the server and prints `deployment.apps/web env updated`.

use super::output::{is_machine, render};
use super::{dry_run, DryRun};
use crate::cluster::selector::Selector;
use crate::cluster::{object, resource_of, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::resources;
use crate::kubectl::{errors, Ctx};
use crate::scenario::setup::parse_documents;
use serde_json::{json, Map, Value};

pub const FLAGS: &[FlagSpec] = &[
    flag("record", None),
    flag("all", None),
    val("selector", Some('l')),
    val("dry-run", None),
    val("output", Some('o')),
    rep("env", Some('e')),
    val("containers", Some('c')),
    val("limits", None),
    val("requests", None),
    rep("from", None),
    flag("local", None),
    flag("overwrite", None),
    flag("list", None),
    flag("resolve", None),
    val("prefix", None),
    rep("keys", None),
    rep("filename", Some('f')),
    rep("user", None),
    rep("group", None),
    rep("serviceaccount", None),
    val("resource-version", None),
    flag("recursive", Some('R')),
];

const RESOURCE_HINT: &str = "You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'";

/// The path of the pod spec inside an object of this kind.
pub fn pod_spec_path(kind: &str) -> &'static str {
    match kind {
        "Pod" => "spec",
        "CronJob" => "spec.jobTemplate.spec.template.spec",
        _ => "spec.template.spec",
    }
}

/// What one subcommand does to an object.
enum Change {
    Image(Vec<(String, String)>),
    Env {
        set: Vec<Value>,
        remove: Vec<String>,
    },
    Resources,
    ServiceAccount(String),
    Selector(Map<String, Value>),
    Subject(Vec<Value>),
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let Some(sub) = args.first().cloned() else {
        return ctx.group_help("kubectl set");
    };
    let sub = match sub.as_str() {
        "sa" => "serviceaccount".to_string(),
        s => s.to_string(),
    };
    let rest = args[1..].to_vec();
    if !matches!(
        sub.as_str(),
        "image" | "env" | "resources" | "serviceaccount" | "selector" | "subject"
    ) {
        return ctx.usage_error(&format!("unknown command {sub:?}"));
    }
    ctx.path = format!("kubectl set {sub}");
    if sub == "env" && ctx.flags.has("record") {
        return ctx.error("unknown flag: --record\nSee 'kubectl set env --help' for usage.");
    }
    let dr = match dry_run(ctx) {
        Ok(d) => d,
        Err(e) => return ctx.error(&e),
    };
    let local = ctx.flags.is_set("local");
    if local && dr == DryRun::Server {
        return ctx
            .error("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
    }
    let files = ctx.flags.all("filename");
    // Split the arguments into resources and the subcommand's own words.
    let (res, words): (Vec<String>, Vec<String>) = match sub.as_str() {
        "image" | "env" => rest
            .iter()
            .cloned()
            .partition(|a| !a.contains('=') && !a.ends_with('-')),
        "serviceaccount" | "selector" => {
            let need = if files.is_empty() { 2 } else { 1 };
            if rest.len() < need {
                let msg = if sub == "selector" {
                    "one selector is required"
                } else {
                    "serviceaccount is required"
                };
                if rest.is_empty() || sub == "serviceaccount" {
                    return ctx.error(msg);
                }
                return ctx.error(RESOURCE_HINT);
            }
            let (r, w) = rest.split_at(rest.len() - 1);
            (r.to_vec(), w.to_vec())
        }
        _ => (rest.clone(), vec![]),
    };
    if res.is_empty() && files.is_empty() {
        return match sub.as_str() {
            "env" => ctx.error(
                "one or more resources must be specified as <resource> <name> or <resource>/<name>",
            ),
            _ => ctx.error(RESOURCE_HINT),
        };
    }
    if ctx.flags.is_set("list") && ctx.flags.get("output").is_some() {
        return ctx.error("--list and --output may not be specified together");
    }
    let change = match change_for(ctx, &sub, &words) {
        Some(c) => c,
        None => return,
    };
    let Some(targets) = targets(ctx, &res, &files, local) else {
        return;
    };
    let output = ctx.flags.get("output").unwrap_or("").to_string();
    let verb = match sub.as_str() {
        "image" => "image updated",
        "env" => "env updated",
        "resources" => "resource requirements updated",
        "serviceaccount" => "serviceaccount updated",
        "selector" => "selector updated",
        _ => "subjects updated",
    };
    let line = format!("kubectl set {} {}", sub, rest.join(" "));
    let mut printed: Vec<Value> = Vec::new();
    for mut obj in targets {
        let before = obj.clone();
        if !apply_change(ctx, &change, &mut obj) {
            return;
        }
        if ctx.flags.is_set("list") {
            continue;
        }
        if ctx.flags.is_set("record") {
            object::map_mut(&mut obj, "metadata.annotations").insert(
                "kubernetes.io/change-cause".into(),
                json!(format!("{line} --record=true")),
            );
        }
        let name = super::output::name_of(&obj);
        if local || dr == DryRun::Client {
            if is_machine(&output) {
                printed.push(obj);
            } else {
                ctx.println(&format!("{name} {verb}{}", DryRun::Client.suffix()));
            }
            continue;
        }
        if obj == before {
            // kubectl sends no patch when nothing changed, and says nothing.
            if is_machine(&output) {
                printed.push(obj);
            }
            continue;
        }
        object::remove(&mut obj, "metadata.resourceVersion");
        let Some(c) = ctx.cluster() else { return };
        match c.update(obj, dr == DryRun::Server) {
            Ok(o) => {
                if is_machine(&output) {
                    printed.push(o);
                } else {
                    ctx.println(&format!("{name} {verb}{}", dr.suffix()));
                }
            }
            Err(e) => {
                let msg = errors::api_error(&e);
                if sub == "env" {
                    ctx.error(&format!(
                        "failed to patch env update to pod template: {}",
                        msg.trim_start_matches("Error from server ")
                    ));
                } else {
                    ctx.error(&msg);
                }
            }
        }
    }
    for o in printed {
        match render(&output, &[o], true, false) {
            Ok(s) => ctx.print(&s),
            Err(e) => return ctx.error(&e),
        }
    }
}

/// Reads the subcommand's flags and words into the change to make.
fn change_for(ctx: &mut Ctx<'_>, sub: &str, words: &[String]) -> Option<Change> {
    match sub {
        "image" => {
            if words.is_empty() {
                ctx.error("at least one image update is required");
                return None;
            }
            let pairs = words
                .iter()
                .filter_map(|w| w.split_once('='))
                .map(|(c, i)| (c.to_string(), i.to_string()))
                .collect();
            Some(Change::Image(pairs))
        }
        "env" => env_change(ctx, words),
        "resources" => {
            if ctx.flags.get("limits").is_none() && ctx.flags.get("requests").is_none() {
                ctx.error("you must specify an update to requests or limits (in the form of --requests/--limits)");
                return None;
            }
            for f in ["limits", "requests"] {
                if let Some(v) = ctx.flags.get(f).map(String::from) {
                    for kv in v.split(',') {
                        let ok = kv
                            .split_once('=')
                            .is_some_and(|(k, q)| !k.is_empty() && valid_quantity(q));
                        if !ok {
                            ctx.error("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
                            return None;
                        }
                    }
                }
            }
            Some(Change::Resources)
        }
        "serviceaccount" => Some(Change::ServiceAccount(
            words.first().cloned().unwrap_or_default(),
        )),
        "selector" => {
            let expr = words.first().cloned().unwrap_or_default();
            let mut m = Map::new();
            for part in expr.split(',').filter(|p| !p.is_empty()) {
                let Some((k, v)) = part.split_once('=') else {
                    ctx.error(&format!("invalid selector: {part}"));
                    return None;
                };
                m.insert(k.to_string(), json!(v));
            }
            Some(Change::Selector(m))
        }
        _ => {
            let users = ctx.flags.all("user");
            let groups = ctx.flags.all("group");
            let sas = ctx.flags.all("serviceaccount");
            if users.is_empty() && groups.is_empty() && sas.is_empty() {
                ctx.error("you must specify at least one value of user, group or serviceaccount");
                return None;
            }
            let mut subjects = Vec::new();
            for u in users {
                subjects.push(
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": u}),
                );
            }
            for g in groups {
                subjects.push(
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": g}),
                );
            }
            for sa in sas {
                match sa.split_once(':') {
                    Some((ns, n)) if !ns.is_empty() && !n.is_empty() => {
                        subjects.push(json!({"kind": "ServiceAccount", "name": n, "namespace": ns}))
                    }
                    _ => {
                        ctx.error(&format!(
                            "serviceaccount must be <namespace>:<name>, got {sa:?}"
                        ));
                        return None;
                    }
                }
            }
            Some(Change::Subject(subjects))
        }
    }
}

/// Whether a resource quantity parses (`100m`, `1Gi`, `0.5`).
fn valid_quantity(q: &str) -> bool {
    let num_end = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(num_end);
    !num.is_empty()
        && num.parse::<f64>().is_ok()
        && [
            "", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei",
        ]
        .contains(&suffix)
}

/// An env var name from a configmap/secret key, as kubectl makes it: invalid characters become `_`,
/// then upper case.
fn key_to_env_name(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

fn env_change(ctx: &mut Ctx<'_>, words: &[String]) -> Option<Change> {
    let keys = ctx.flags.all("keys");
    let from = ctx.flags.all("from");
    if !keys.is_empty() && from.is_empty() {
        ctx.error("when specifying --keys, a configmap or secret must be provided with --from");
        return None;
    }
    let mut set = Vec::new();
    let mut remove = Vec::new();
    let mut all: Vec<String> = ctx.flags.all("env");
    all.extend(words.iter().cloned());
    for w in &all {
        if let Some((k, v)) = w.split_once('=') {
            if k.is_empty() {
                ctx.error(&format!("invalid environment variable: {w}"));
                return None;
            }
            set.push(json!({"name": k, "value": v}));
        } else if let Some(k) = w.strip_suffix('-') {
            remove.push(k.to_string());
        } else {
            ctx.error(&format!("environment variables must be of the form key=value and can only contain letters, numbers, and underscores: {w}"));
            return None;
        }
    }
    for f in from {
        let Some((kind, name)) = f.split_once('/') else {
            ctx.error("unsupported resource specified in --from");
            return None;
        };
        let rt = schema::lookup(kind);
        let is_secret = rt.is_some_and(|r| r.kind == "Secret");
        let is_cm = rt.is_some_and(|r| r.kind == "ConfigMap");
        let Some(rt) = rt.filter(|_| is_secret || is_cm) else {
            ctx.error("unsupported resource specified in --from");
            return None;
        };
        let ns = ctx.namespace.clone();
        let c = ctx.cluster_ref()?;
        let obj = match c.get(rt, &ns, name) {
            Ok(o) => o,
            Err(e) => {
                ctx.error(&errors::api_error(&e));
                return None;
            }
        };
        // kubectl walks a Go map here (no fixed order); kubedojo takes the keys sorted.
        let mut data_keys: Vec<String> = obj
            .get("data")
            .and_then(Value::as_object)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        data_keys.sort();
        for k in data_keys {
            if !keys.is_empty() && !keys.contains(&k) {
                continue;
            }
            let reference = if is_secret {
                json!({"secretKeyRef": {"key": k, "name": name}})
            } else {
                json!({"configMapKeyRef": {"key": k, "name": name}})
            };
            set.push(json!({"name": key_to_env_name(&k), "valueFrom": reference}));
        }
    }
    if let Some(p) = ctx.flags.get("prefix").map(String::from) {
        for e in set.iter_mut() {
            let n = e["name"].as_str().unwrap_or_default().to_string();
            e["name"] = json!(format!("{p}{n}"));
        }
    }
    if set.is_empty() && remove.is_empty() && !ctx.flags.is_set("list") {
        ctx.error("at least one environment variable must be provided");
        return None;
    }
    Some(Change::Env { set, remove })
}

/// The objects to change: by name or type (with `-l`/`--all`), or from files.
fn targets(ctx: &mut Ctx<'_>, res: &[String], files: &[String], local: bool) -> Option<Vec<Value>> {
    let ns = ctx.namespace.clone();
    let mut out = Vec::new();
    for f in files {
        let text = match ctx.read_file(f) {
            Ok(t) => t,
            Err(e) => {
                ctx.error(&e);
                return None;
            }
        };
        let docs = match parse_documents(&text) {
            Ok(d) => d,
            Err(e) => {
                ctx.error(&format!("error parsing {f}: {e}"));
                return None;
            }
        };
        for d in docs {
            if local {
                out.push(d);
                continue;
            }
            let Ok(rt) = resource_of(&d) else { continue };
            let dns = if object::namespace(&d).is_empty() {
                ns.clone()
            } else {
                object::namespace(&d).to_string()
            };
            let c = ctx.cluster_ref()?;
            match c.get(rt, &dns, object::name(&d)) {
                Ok(o) => out.push(o),
                Err(e) => {
                    ctx.error(&errors::api_error(&e));
                    return None;
                }
            }
        }
    }
    if local {
        if !res.is_empty() && files.is_empty() {
            ctx.error("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'");
            return None;
        }
        return Some(out);
    }
    if res.is_empty() {
        return Some(out);
    }
    let reqs = match resources::parse(res) {
        Ok(r) => r,
        Err(e) => {
            ctx.error(&e);
            return None;
        }
    };
    let selector = ctx.flags.get("selector").map(String::from);
    let all = ctx.flags.is_set("all");
    for r in reqs {
        let c = ctx.cluster_ref()?;
        match r.name {
            Some(n) => match c.get(r.rt, &ns, &n) {
                Ok(o) => out.push(o),
                Err(e) => {
                    ctx.error(&errors::api_error(&e));
                    return None;
                }
            },
            None => {
                if selector.is_none() && !all {
                    ctx.error("resource(s) were provided, but no name was specified");
                    return None;
                }
                let sel = match Selector::parse(selector.as_deref().unwrap_or("")) {
                    Ok(s) => s,
                    Err(e) => {
                        ctx.error(&e);
                        return None;
                    }
                };
                out.extend(c.list(r.rt, Some(&ns), Some(&sel)));
            }
        }
    }
    Some(out)
}

/// The containers a `-c` pattern picks (`*` and shell-style wildcards), as paths into the object.
fn matching_containers(obj: &Value, spec: &str, pattern: &str, init: bool) -> Vec<String> {
    let lists: &[&str] = if init {
        &["initContainers", "containers"]
    } else {
        &["containers"]
    };
    let mut out = Vec::new();
    for list in lists {
        for (i, c) in object::array(obj, &format!("{spec}.{list}"))
            .iter()
            .enumerate()
        {
            let name = c.get("name").and_then(Value::as_str).unwrap_or_default();
            if wildcard(pattern, name) {
                out.push(format!("/{}/{list}/{i}", spec.replace('.', "/")));
            }
        }
    }
    out
}

fn wildcard(pattern: &str, s: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == s,
        Some((pre, post)) => {
            let Some(rest) = s.strip_prefix(pre) else {
                return false;
            };
            (0..=rest.len())
                .filter(|i| rest.is_char_boundary(*i))
                .any(|i| wildcard(post, &rest[i..]))
        }
    }
}

/// Applies a change to one object; false (with the error printed) when it cannot.
fn apply_change(ctx: &mut Ctx<'_>, change: &Change, obj: &mut Value) -> bool {
    let kind = object::kind(obj).to_string();
    let name = object::name(obj).to_string();
    let spec = pod_spec_path(&kind);
    match change {
        Change::Image(pairs) => {
            for (cname, image) in pairs {
                let paths = matching_containers(obj, spec, cname, true);
                if paths.is_empty() {
                    ctx.error(&format!("unable to find container named \"{cname}\""));
                    return false;
                }
                for p in paths {
                    if let Some(c) = obj.pointer_mut(&p) {
                        c["image"] = json!(image);
                    }
                }
            }
        }
        Change::Env { set, remove } => {
            let pattern = ctx.flags.get("containers").unwrap_or("*").to_string();
            let overwrite = ctx.flags.get("overwrite") != Some("false");
            let paths = matching_containers(obj, spec, &pattern, false);
            if paths.is_empty() {
                ctx.warn(&format!(
                    "warning: {kind}/{name} does not have any containers matching {pattern:?}"
                ));
                return true;
            }
            for p in paths {
                let Some(c) = obj.pointer_mut(&p) else {
                    continue;
                };
                let cname = c
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let mut env: Vec<Value> = c
                    .get("env")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if !overwrite {
                    for e in set {
                        let Some(cur) = env.iter().find(|x| x.get("name") == e.get("name")) else {
                            continue;
                        };
                        if cur.get("value") != e.get("value") {
                            ctx.error(&format!(
                                "'{}' already has a value ({}), and --overwrite is false",
                                cur["name"].as_str().unwrap_or_default(),
                                cur.get("value").and_then(Value::as_str).unwrap_or_default()
                            ));
                            return false;
                        }
                    }
                }
                for e in set {
                    match env.iter_mut().find(|x| x.get("name") == e.get("name")) {
                        Some(x) => *x = e.clone(),
                        None => env.push(e.clone()),
                    }
                }
                env.retain(|x| {
                    !remove
                        .iter()
                        .any(|r| x.get("name").and_then(Value::as_str) == Some(r))
                });
                if let Some(m) = c.as_object_mut() {
                    if env.is_empty() {
                        m.remove("env");
                    } else {
                        m.insert("env".into(), Value::Array(env.clone()));
                    }
                }
                if ctx.flags.is_set("list") {
                    let mut text = format!("# {kind} {name}, container {cname}\n");
                    for e in &env {
                        let n = e["name"].as_str().unwrap_or_default();
                        match e.get("valueFrom") {
                            None => text.push_str(&format!(
                                "{n}={}\n",
                                e.get("value").and_then(Value::as_str).unwrap_or_default()
                            )),
                            Some(vf) => text.push_str(&format!("# {n} from {}\n", ref_string(vf))),
                        }
                    }
                    ctx.print(&text);
                }
            }
        }
        Change::Resources => {
            let pattern = ctx.flags.get("containers").unwrap_or("*").to_string();
            let paths = matching_containers(obj, spec, &pattern, false);
            if paths.is_empty() {
                ctx.warn(&format!(
                    "warning: {kind}/{name} does not have any containers matching {pattern:?}"
                ));
                return true;
            }
            let limits = ctx.flags.get("limits").map(String::from);
            let requests = ctx.flags.get("requests").map(String::from);
            for p in paths {
                let Some(c) = obj.pointer_mut(&p).and_then(Value::as_object_mut) else {
                    continue;
                };
                let res = c.entry("resources").or_insert_with(|| json!({}));
                for (key, val) in [("limits", &limits), ("requests", &requests)] {
                    let Some(val) = val else { continue };
                    for kv in val.split(',') {
                        if let Some((k, v)) = kv.split_once('=') {
                            res[key][k] = json!(v);
                        }
                    }
                }
            }
        }
        Change::ServiceAccount(sa) => {
            object::set(obj, &format!("{spec}.serviceAccountName"), json!(sa));
            object::remove(obj, &format!("{spec}.serviceAccount"));
        }
        Change::Selector(m) => {
            if kind != "Service" {
                ctx.error("setting a selector is only supported for Services");
                return false;
            }
            object::set(obj, "spec.selector", Value::Object(m.clone()));
        }
        Change::Subject(subjects) => {
            if kind != "RoleBinding" && kind != "ClusterRoleBinding" {
                ctx.error(&format!(
                    "setting subjects is only supported for RoleBinding/ClusterRoleBinding, not {kind}"
                ));
                return false;
            }
            let mut have: Vec<Value> = object::array(obj, "subjects").to_vec();
            for s in subjects {
                let dup = have.iter().any(|h| {
                    h.get("kind") == s.get("kind")
                        && h.get("name") == s.get("name")
                        && h.get("namespace") == s.get("namespace")
                });
                if !dup {
                    have.push(s.clone());
                }
            }
            object::set(obj, "subjects", Value::Array(have));
        }
    }
    true
}

/// How `set env --list` names a reference: `configmap cfg, key color`.
fn ref_string(vf: &Value) -> String {
    if let Some(r) = vf.get("configMapKeyRef") {
        return format!(
            "configmap {}, key {}",
            r["name"].as_str().unwrap_or_default(),
            r["key"].as_str().unwrap_or_default()
        );
    }
    if let Some(r) = vf.get("secretKeyRef") {
        return format!(
            "secret {}, key {}",
            r["name"].as_str().unwrap_or_default(),
            r["key"].as_str().unwrap_or_default()
        );
    }
    if let Some(r) = vf.get("fieldRef") {
        return format!("field path {}", r["fieldPath"].as_str().unwrap_or_default());
    }
    if let Some(r) = vf.get("resourceFieldRef") {
        return format!("resource {}", r["resource"].as_str().unwrap_or_default());
    }
    "invalid reference".into()
}
