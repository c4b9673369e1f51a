//! Admission on create: the LimitRanger (default requests and limits injected into containers, min/max
//! and ratio checks) and ResourceQuota (usage counted against `spec.hard`, the "must specify" rule
//! for compute quotas), with the API server's messages; and the quota controller keeping
//! `status.hard`/`status.used` current.

use super::api::ApiError;
use super::object;
use super::quantity::{self, Format, Nanos};
use super::schema::ResourceType;
use super::Cluster;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

const COMPUTE: [&str; 2] = ["cpu", "memory"];

/// Mutating admission for a new object (runs before defaulting computes derived fields).
pub fn mutate(c: &Cluster, rt: &ResourceType, obj: &mut Value) {
    match rt.kind {
        "Pod" => limit_range_defaults(c, obj),
        "LimitRange" => default_limit_range(obj),
        "CertificateSigningRequest" => super::controllers::certificates::set_requestor(c, obj),
        "HorizontalPodAutoscaler" => default_hpa(obj),
        _ => {}
    }
}

/// Validating admission for a new object: LimitRange constraints, then quota.
pub fn validate(c: &Cluster, rt: &ResourceType, obj: &Value) -> Result<(), ApiError> {
    if rt.kind == "Pod" {
        limit_range_check(c, obj)?;
    }
    if rt.kind == "CertificateSigningRequest" {
        super::controllers::certificates::validate(obj)?;
    }
    quota_check(c, rt, obj)
}

/// autoscaling/v2 defaults: one replica at least, and a CPU target of 80% when no metric is given.
fn default_hpa(obj: &mut Value) {
    let spec = object::map_mut(obj, "spec");
    spec.entry("minReplicas").or_insert(json!(1));
    let empty = spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(|m| m.is_empty());
    if empty && object::str_at(obj, "apiVersion") == "autoscaling/v2" {
        object::set(
            obj,
            "spec.metrics",
            json!([{"type": "Resource", "resource": {"name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 80}}}]),
        );
    }
}

fn forbidden(rt: &ResourceType, obj: &Value, msg: &str) -> ApiError {
    let name = object::name(obj);
    ApiError::forbidden(format!(
        "{} \"{name}\" is forbidden: {msg}",
        rt.qualified_plural()
    ))
}

/// A LimitRange item as the API server defaults it: `default` from `max`, `defaultRequest` from
/// `default`, then from `min` (Container items only).
fn default_item(item: &mut Value) {
    if object::str_at(item, "type") != "Container" {
        return;
    }
    let get = |item: &Value, k: &str| -> Map<String, Value> {
        item.get(k)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    };
    let max = get(item, "max");
    let min = get(item, "min");
    let mut default = get(item, "default");
    for (k, v) in &max {
        default.entry(k.clone()).or_insert(v.clone());
    }
    let mut default_request = get(item, "defaultRequest");
    for (k, v) in default.iter().chain(min.iter()) {
        default_request.entry(k.clone()).or_insert(v.clone());
    }
    if let Some(m) = item.as_object_mut() {
        if !default.is_empty() {
            m.insert("default".into(), Value::Object(default));
        }
        if !default_request.is_empty() {
            m.insert("defaultRequest".into(), Value::Object(default_request));
        }
    }
}

fn default_limit_range(obj: &mut Value) {
    if let Some(Value::Array(items)) = object::get_mut(obj, "spec.limits") {
        for item in items.iter_mut() {
            default_item(item);
        }
    }
}

fn limit_items(c: &Cluster, ns: &str) -> Vec<Value> {
    c.list_ns("limitranges", ns)
        .into_iter()
        .flat_map(|lr| object::array(lr, "spec.limits").to_vec())
        .map(|mut item| {
            default_item(&mut item);
            item
        })
        .collect()
}

fn pod_ns(obj: &Value) -> &str {
    let ns = object::namespace(obj);
    if ns.is_empty() {
        "default"
    } else {
        ns
    }
}

/// Injects LimitRange defaults into the pod's containers and records what it set in the
/// `kubernetes.io/limit-ranger` annotation.
fn limit_range_defaults(c: &Cluster, pod: &mut Value) {
    // API defaulting, before admission: a container's requests default to its limits.
    for path in ["spec.initContainers", "spec.containers"] {
        if let Some(Value::Array(containers)) = object::get_mut(pod, path) {
            for ctr in containers.iter_mut() {
                let limits = object::get(ctr, "resources.limits")
                    .cloned()
                    .unwrap_or(json!({}));
                if limits.as_object().is_some_and(|m| !m.is_empty()) {
                    fill(ctr, "resources.requests", &limits);
                }
            }
        }
    }
    let items = limit_items(c, pod_ns(pod));
    let mut notes: Vec<String> = Vec::new();
    for item in items
        .iter()
        .filter(|i| object::str_at(i, "type") == "Container")
    {
        let defaults = item.get("default").cloned().unwrap_or(json!({}));
        let default_requests = item.get("defaultRequest").cloned().unwrap_or(json!({}));
        for (path, prefix) in [
            ("spec.initContainers", "init container"),
            ("spec.containers", "container"),
        ] {
            let Some(Value::Array(containers)) = object::get_mut(pod, path) else {
                continue;
            };
            for ctr in containers.iter_mut() {
                let name = object::str_at(ctr, "name").to_string();
                let mut set_limits = fill(ctr, "resources.limits", &defaults);
                let mut set_requests = fill(ctr, "resources.requests", &default_requests);
                set_requests.sort();
                set_limits.sort();
                if !set_requests.is_empty() {
                    notes.push(format!(
                        "{} request for {prefix} {name}",
                        set_requests.join(", ")
                    ));
                }
                if !set_limits.is_empty() {
                    notes.push(format!(
                        "{} limit for {prefix} {name}",
                        set_limits.join(", ")
                    ));
                }
            }
        }
    }
    if !notes.is_empty() {
        let md = object::map_mut(pod, "metadata");
        let ann = md.entry("annotations").or_insert_with(|| json!({}));
        if let Some(a) = ann.as_object_mut() {
            a.insert(
                "kubernetes.io/limit-ranger".into(),
                json!(format!("LimitRanger plugin set: {}", notes.join("; "))),
            );
        }
    }
}

/// Sets the keys of `defaults` missing from the map at `path`; the keys it set.
fn fill(ctr: &mut Value, path: &str, defaults: &Value) -> Vec<String> {
    let Some(d) = defaults.as_object() else {
        return Vec::new();
    };
    if d.is_empty() {
        return Vec::new();
    }
    let mut set = Vec::new();
    let m = object::map_mut(ctr, path);
    for (k, v) in d {
        if !m.contains_key(k) {
            m.insert(k.clone(), v.clone());
            set.push(k.clone());
        }
    }
    set
}

fn res_map(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    let s = match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    (k.clone(), s)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn q(s: &str) -> Nanos {
    quantity::parse(s).unwrap_or(0)
}

fn check_min_max(
    kind: &str,
    item: &Value,
    requests: &BTreeMap<String, String>,
    limits: &BTreeMap<String, String>,
    errs: &mut Vec<String>,
) {
    for (res, enforced) in res_map(item.get("min")) {
        let shown = quantity::canonical(&enforced);
        match requests.get(&res) {
            None => errs.push(format!(
                "minimum {res} usage per {kind} is {shown}.  No request is specified"
            )),
            Some(r) if q(r) < q(&enforced) => errs.push(format!(
                "minimum {res} usage per {kind} is {shown}, but request is {}",
                quantity::canonical(r)
            )),
            Some(_) => {
                if let Some(l) = limits.get(&res).filter(|l| q(l) < q(&enforced)) {
                    errs.push(format!(
                        "minimum {res} usage per {kind} is {shown}, but limit is {}",
                        quantity::canonical(l)
                    ));
                }
            }
        }
    }
    for (res, enforced) in res_map(item.get("max")) {
        let shown = quantity::canonical(&enforced);
        match limits.get(&res) {
            None => errs.push(format!(
                "maximum {res} usage per {kind} is {shown}.  No limit is specified"
            )),
            Some(l) if q(l) > q(&enforced) => errs.push(format!(
                "maximum {res} usage per {kind} is {shown}, but limit is {}",
                quantity::canonical(l)
            )),
            Some(_) => {
                if let Some(r) = requests.get(&res).filter(|r| q(r) > q(&enforced)) {
                    errs.push(format!(
                        "maximum {res} usage per {kind} is {shown}, but request is {}",
                        quantity::canonical(r)
                    ));
                }
            }
        }
    }
    for (res, enforced) in res_map(item.get("maxLimitRequestRatio")) {
        let (Some(l), shown) = (limits.get(&res), quantity::canonical(&enforced)) else {
            continue;
        };
        let req = requests.get(&res).map(|r| q(r)).unwrap_or(0);
        if req <= 0 {
            errs.push(format!("{res} max limit to request ratio per {kind} is {shown}, but no request is specified or request is 0"));
            continue;
        }
        let ratio = q(l) as f64 / req as f64;
        if ratio > q(&enforced) as f64 / 1e9 {
            errs.push(format!(
                "{res} max limit to request ratio per {kind} is {shown}, but provided ratio is {ratio:.6}"
            ));
        }
    }
}

fn limit_range_check(c: &Cluster, pod: &Value) -> Result<(), ApiError> {
    let items = limit_items(c, pod_ns(pod));
    if items.is_empty() {
        return Ok(());
    }
    let containers: Vec<&Value> = object::array(pod, "spec.containers").iter().collect();
    let mut errs = Vec::new();
    for item in &items {
        match object::str_at(item, "type") {
            "Container" => {
                for ctr in object::array(pod, "spec.initContainers")
                    .iter()
                    .chain(containers.iter().copied())
                {
                    let requests = res_map(object::get(ctr, "resources.requests"));
                    let limits = res_map(object::get(ctr, "resources.limits"));
                    check_min_max("Container", item, &requests, &limits, &mut errs);
                }
            }
            "Pod" => {
                let mut requests: BTreeMap<String, Nanos> = BTreeMap::new();
                let mut limits: BTreeMap<String, Nanos> = BTreeMap::new();
                let mut formats: BTreeMap<String, Format> = BTreeMap::new();
                for ctr in &containers {
                    for (path, sums) in [
                        ("resources.requests", &mut requests),
                        ("resources.limits", &mut limits),
                    ] {
                        for (k, v) in res_map(object::get(ctr, path)) {
                            if let Some((n, f)) = quantity::parse_with_format(&v) {
                                *sums.entry(k.clone()).or_insert(0) += n;
                                formats.entry(k).or_insert(f);
                            }
                        }
                    }
                }
                let show = |m: &BTreeMap<String, Nanos>| -> BTreeMap<String, String> {
                    m.iter()
                        .map(|(k, v)| {
                            let f = formats.get(k).copied().unwrap_or(Format::Decimal);
                            (k.clone(), quantity::format(*v, f))
                        })
                        .collect()
                };
                check_min_max("Pod", item, &show(&requests), &show(&limits), &mut errs);
            }
            _ => {}
        }
    }
    match errs.len() {
        0 => Ok(()),
        1 => Err(ApiError::forbidden(format!(
            "pods \"{}\" is forbidden: {}",
            object::name(pod),
            errs[0]
        ))),
        _ => Err(ApiError::forbidden(format!(
            "pods \"{}\" is forbidden: [{}]",
            object::name(pod),
            errs.join(", ")
        ))),
    }
}

/// The quota usage of one object: resource name -> amount, with the format to print it in.
pub type Usage = BTreeMap<String, (Nanos, Format)>;

fn add(u: &mut Usage, key: &str, n: Nanos, f: Format) {
    let e = u.entry(key.to_string()).or_insert((0, f));
    e.0 += n;
}

fn pod_terminal(p: &Value) -> bool {
    matches!(object::str_at(p, "status.phase"), "Succeeded" | "Failed")
}

/// What one object counts for against a quota.
pub fn usage_of(rt: &ResourceType, obj: &Value) -> Usage {
    let mut u = Usage::new();
    let count_key = if rt.group.is_empty() {
        format!("count/{}", rt.plural)
    } else {
        format!("count/{}.{}", rt.plural, rt.group)
    };
    let one = 1_000_000_000;
    match rt.kind {
        "Pod" => {
            if pod_terminal(obj) {
                return u;
            }
            add(&mut u, "pods", one, Format::Decimal);
            for ctr in object::array(obj, "spec.containers") {
                for (res, v) in res_map(object::get(ctr, "resources.requests")) {
                    if let Some((n, f)) = quantity::parse_with_format(&v) {
                        if COMPUTE.contains(&res.as_str()) {
                            add(&mut u, &res, n, f);
                        }
                        add(&mut u, &format!("requests.{res}"), n, f);
                    }
                }
                for (res, v) in res_map(object::get(ctr, "resources.limits")) {
                    if let Some((n, f)) = quantity::parse_with_format(&v) {
                        add(&mut u, &format!("limits.{res}"), n, f);
                    }
                }
            }
        }
        "Service" => {
            add(&mut u, "services", one, Format::Decimal);
            let t = object::str_at(obj, "spec.type");
            if t == "NodePort" || t == "LoadBalancer" {
                let n = object::array(obj, "spec.ports").len() as i128;
                add(&mut u, "services.nodeports", n * one, Format::Decimal);
            }
            if t == "LoadBalancer" {
                add(&mut u, "services.loadbalancers", one, Format::Decimal);
            }
        }
        "PersistentVolumeClaim" => {
            add(&mut u, "persistentvolumeclaims", one, Format::Decimal);
            let s = object::str_at(obj, "spec.resources.requests.storage");
            if let Some((n, f)) = quantity::parse_with_format(s) {
                add(&mut u, "requests.storage", n, f);
            }
        }
        "ConfigMap" => add(&mut u, "configmaps", one, Format::Decimal),
        "Secret" => add(&mut u, "secrets", one, Format::Decimal),
        "ReplicationController" => add(&mut u, "replicationcontrollers", one, Format::Decimal),
        "ResourceQuota" => add(&mut u, "resourcequotas", one, Format::Decimal),
        _ => {}
    }
    add(&mut u, &count_key, one, Format::Decimal);
    u
}

/// Whether a pod falls in one quota scope (`BestEffort`, `NotBestEffort`, `Terminating`,
/// `NotTerminating`, `PriorityClass` with an operator and values).
fn pod_in_scope(pod: &Value, scope: &str, operator: &str, values: &[Value]) -> bool {
    let best_effort = ["spec.containers", "spec.initContainers"]
        .iter()
        .all(|list| {
            object::array(pod, list).iter().all(|ctr| {
                ["resources.requests", "resources.limits"]
                    .iter()
                    .all(|p| object::get(ctr, p).is_none_or(object::is_empty))
            })
        });
    let terminating = object::get(pod, "spec.activeDeadlineSeconds").is_some();
    match scope {
        "BestEffort" => best_effort,
        "NotBestEffort" => !best_effort,
        "Terminating" => terminating,
        "NotTerminating" => !terminating,
        "PriorityClass" => {
            let class = object::str_at(pod, "spec.priorityClassName");
            let listed = values.iter().any(|v| v.as_str() == Some(class));
            match operator {
                "In" => listed,
                "NotIn" => !listed,
                "DoesNotExist" => class.is_empty(),
                _ => !class.is_empty(),
            }
        }
        _ => false,
    }
}

/// Whether an object counts against a quota: an unscoped quota counts everything; a scoped one
/// (`spec.scopes`, `spec.scopeSelector`) only pods in every scope.
fn quota_covers(quota: &Value, rt: &ResourceType, obj: &Value) -> bool {
    let scopes = object::array(quota, "spec.scopes");
    let exprs = object::array(quota, "spec.scopeSelector.matchExpressions");
    if scopes.is_empty() && exprs.is_empty() {
        return true;
    }
    if rt.kind != "Pod" {
        return false;
    }
    scopes
        .iter()
        .all(|sc| pod_in_scope(obj, sc.as_str().unwrap_or(""), "Exists", &[]))
        && exprs.iter().all(|e| {
            let g = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
            pod_in_scope(
                obj,
                g("scopeName"),
                g("operator"),
                object::array(e, "values"),
            )
        })
}

/// The namespace's current usage of the resources a quota limits.
fn used_in(c: &Cluster, quota: &Value, hard: &BTreeMap<String, String>) -> Usage {
    let ns = object::namespace(quota);
    let mut used = Usage::new();
    for rt in super::schema::RESOURCES.iter().filter(|r| r.namespaced) {
        let relevant = hard.keys().any(|k| usage_key_for(rt, k));
        if !relevant {
            continue;
        }
        for o in c.list_ns(rt.plural, ns) {
            if !quota_covers(quota, rt, o) {
                continue;
            }
            for (k, (n, f)) in usage_of(rt, o) {
                if hard.contains_key(&k) {
                    add(&mut used, &k, n, f);
                }
            }
        }
    }
    used
}

/// Whether objects of a type can count for a quota key (a cheap filter before counting them).
fn usage_key_for(rt: &ResourceType, key: &str) -> bool {
    if let Some(counted) = key.strip_prefix("count/") {
        let (plural, group) = counted.split_once('.').unwrap_or((counted, ""));
        return rt.plural == plural && rt.group == group;
    }
    match rt.kind {
        "Pod" => {
            key == "pods"
                || COMPUTE.contains(&key)
                || key.starts_with("requests.") && key != "requests.storage"
                || key.starts_with("limits.")
        }
        "Service" => key.starts_with("services"),
        "PersistentVolumeClaim" => key == "persistentvolumeclaims" || key == "requests.storage",
        "ConfigMap" => key == "configmaps",
        "Secret" => key == "secrets",
        "ReplicationController" => key == "replicationcontrollers",
        "ResourceQuota" => key == "resourcequotas",
        _ => false,
    }
}

fn pretty(m: &BTreeMap<String, String>) -> String {
    m.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The "must specify" rule: with a cpu/memory quota, every container must set what it limits.
fn pod_constraints(pod: &Value, hard: &BTreeMap<String, String>) -> Result<(), String> {
    let required: Vec<&str> = [
        "cpu",
        "limits.cpu",
        "limits.memory",
        "memory",
        "requests.cpu",
        "requests.memory",
    ]
    .into_iter()
    .filter(|r| hard.contains_key(*r))
    .collect();
    if required.is_empty() {
        return Ok(());
    }
    let mut missing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for ctr in object::array(pod, "spec.containers")
        .iter()
        .chain(object::array(pod, "spec.initContainers"))
    {
        let requests = res_map(object::get(ctr, "resources.requests"));
        let limits = res_map(object::get(ctr, "resources.limits"));
        for r in &required {
            let has = match *r {
                "cpu" | "memory" => requests.contains_key(*r),
                other => match other.split_once('.') {
                    Some(("requests", res)) => requests.contains_key(res),
                    Some(("limits", res)) => limits.contains_key(res),
                    _ => true,
                },
            };
            if !has {
                let names = missing.entry(r).or_default();
                names.push(object::str_at(ctr, "name").to_string());
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = missing
        .into_iter()
        .map(|(r, mut names)| {
            names.sort();
            names.dedup();
            format!("{r} for: {}", names.join(","))
        })
        .collect();
    Err(format!("must specify {}", parts.join("; ")))
}

fn quota_check(c: &Cluster, rt: &ResourceType, obj: &Value) -> Result<(), ApiError> {
    if !rt.namespaced {
        return Ok(());
    }
    let ns = pod_ns(obj);
    let quotas = c.list_ns("resourcequotas", ns);
    if quotas.is_empty() {
        return Ok(());
    }
    let requested = usage_of(rt, obj);
    for quota in quotas {
        let hard = res_map(object::get(quota, "spec.hard"));
        let qname = object::name(quota);
        if !quota_covers(quota, rt, obj) {
            continue;
        }
        if rt.kind == "Pod" {
            if let Err(e) = pod_constraints(obj, &hard) {
                return Err(forbidden(rt, obj, &format!("failed quota: {qname}: {e}")));
            }
        }
        let used = used_in(c, quota, &hard);
        let mut req_s = BTreeMap::new();
        let mut used_s = BTreeMap::new();
        let mut hard_s = BTreeMap::new();
        for (k, (n, f)) in &requested {
            let Some(limit) = hard.get(k) else { continue };
            let (u, uf) = used.get(k).copied().unwrap_or((0, *f));
            if u + n > q(limit) {
                req_s.insert(k.clone(), quantity::format(*n, *f));
                used_s.insert(k.clone(), quantity::format(u, uf));
                hard_s.insert(k.clone(), quantity::canonical(limit));
            }
        }
        if !req_s.is_empty() {
            return Err(forbidden(
                rt,
                obj,
                &format!(
                    "exceeded quota: {qname}, requested: {}, used: {}, limited: {}",
                    pretty(&req_s),
                    pretty(&used_s),
                    pretty(&hard_s)
                ),
            ));
        }
    }
    Ok(())
}

/// The quota controller: `status.hard` mirrors `spec.hard`, `status.used` counts the namespace's
/// objects. True when it changed a quota.
pub fn reconcile_quotas(c: &mut Cluster) -> bool {
    let quotas: Vec<Value> = c.list_all("resourcequotas").into_iter().cloned().collect();
    let mut changed = false;
    for mut quota in quotas {
        let hard = res_map(object::get(&quota, "spec.hard"));
        let used = used_in(c, &quota, &hard);
        let mut hard_json = Map::new();
        let mut used_json = Map::new();
        for (k, v) in &hard {
            hard_json.insert(k.clone(), json!(quantity::canonical(v)));
            let shown = match used.get(k) {
                Some((n, f)) => quantity::format(*n, *f),
                None => "0".to_string(),
            };
            used_json.insert(k.clone(), json!(shown));
        }
        let status = json!({"hard": hard_json, "used": used_json});
        if object::get(&quota, "status") != Some(&status) {
            object::set(&mut quota, "status", status);
            c.put_status("resourcequotas", quota);
            changed = true;
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compute_quotas_name_every_missing_resource_and_container() {
        let pod = json!({"spec": {"containers": [
            {"name": "nginx", "resources": {"requests": {"cpu": "100m"}}},
            {"name": "side"}]}});
        let hard: BTreeMap<String, String> = [
            ("limits.cpu".to_string(), "2".to_string()),
            ("requests.cpu".to_string(), "1".to_string()),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            pod_constraints(&pod, &hard),
            Err("must specify limits.cpu for: nginx,side; requests.cpu for: side".to_string())
        );
    }
}
