//! Loading scenario files, with errors that name the file, line and column.

use super::model::Scenario;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A scenario file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}:{line}:{column}: {message}")]
pub struct ScenarioError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl ScenarioError {
    pub fn new(file: &str, text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(text, offset);
        ScenarioError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// A scenario with the text it was read from (parameters are substituted into the text).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub source: String,
    pub scenario: Scenario,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

/// Parses a scenario from text; `file` names it in errors.
pub fn parse(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
    match toml::from_str::<Scenario>(text) {
        Ok(s) => Ok(s),
        Err(e) => {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            let msg = e.message().trim().to_string();
            Err(ScenarioError::new(file, text, offset, explain(&msg)))
        }
    }
}

fn explain(msg: &str) -> String {
    if msg.starts_with("unknown variant") && msg.contains("cluster-architecture") {
        format!("unknown domain: {msg}")
    } else {
        msg.to_string()
    }
}

/// Reads and parses one file, then checks what serde cannot: parameters used but not defined,
/// assertions without points, an id that does not match the file name's rules.
pub fn load_file(path: &Path) -> Result<Loaded, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        file: file.clone(),
        line: 1,
        column: 1,
        message: format!("cannot read file: {e}"),
    })?;
    let scenario = parse(&file, &text)?;
    check(&file, &text, &scenario)?;
    Ok(Loaded {
        path: path.to_path_buf(),
        source: text,
        scenario,
    })
}

/// Checks a parsed scenario against its text.
pub fn check(file: &str, text: &str, s: &Scenario) -> Result<(), ScenarioError> {
    let at = |needle: &str| text.find(needle).unwrap_or(0);
    if s.id.is_empty()
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(ScenarioError::new(
            file,
            text,
            at("id"),
            format!("id {:?} must be lower-case letters, digits and '-'", s.id),
        ));
    }
    // Every {{name}} must be a defined parameter.
    let mut rest = text;
    let mut base = 0;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(j) = after.find("}}") else {
            return Err(ScenarioError::new(
                file,
                text,
                base + i,
                "unclosed '{{': a parameter is written {{name}}",
            ));
        };
        let name = after[..j].trim();
        if !s.params.contains_key(name) {
            let known: Vec<&str> = s.params.keys().map(String::as_str).collect();
            return Err(ScenarioError::new(
                file,
                text,
                base + i,
                format!(
                    "parameter {{{{{name}}}}} is used but not defined in [params] (defined: {})",
                    if known.is_empty() {
                        "none".to_string()
                    } else {
                        known.join(", ")
                    }
                ),
            ));
        }
        base += i + 2 + j + 2;
        rest = &text[base..];
    }
    for (name, p) in &s.params {
        if p.choose.is_empty() && p.range.is_none() {
            return Err(ScenarioError::new(
                file,
                text,
                at(&format!("{name} =")),
                format!("parameter {name} needs `choose = [...]` or `range = [min, max]`"),
            ));
        }
        if let Some([a, b]) = p.range {
            if a > b {
                return Err(ScenarioError::new(
                    file,
                    text,
                    at(&format!("{name} =")),
                    format!("parameter {name}: range [{a}, {b}] is empty"),
                ));
            }
        }
    }
    if s.assertions.is_empty() {
        return Err(ScenarioError::new(
            file,
            text,
            0,
            "a scenario needs at least one [[assert]]",
        ));
    }
    if s.assertions.iter().all(|a| a.points == 0) {
        return Err(ScenarioError::new(
            file,
            text,
            at("[[assert]]"),
            "the assertions' points add up to 0",
        ));
    }
    for a in &s.assertions {
        if let super::model::Check::Field {
            equals: None,
            contains: None,
            matches: None,
            compare: None,
            path,
            ..
        } = &a.check
        {
            return Err(ScenarioError::new(
                file,
                text,
                at(path),
                format!(
                    "field check on {path:?} needs one of equals, contains, matches or compare"
                ),
            ));
        }
        if let super::model::Check::Field {
            compare: Some(cmp), ..
        } = &a.check
        {
            if super::model::parse_compare(cmp).is_none() {
                return Err(ScenarioError::new(
                    file,
                    text,
                    at(cmp),
                    format!(
                        "compare {cmp:?} must start with one of ==, !=, <, <=, >, >= (for example \">= 3\")"
                    ),
                ));
            }
        }
        if let super::model::Check::Field { resource, path, .. } = &a.check {
            if let Some(rt) = crate::cluster::schema::lookup(resource) {
                if let Err(why) = path_can_exist(rt.kind, path) {
                    return Err(ScenarioError::new(
                        file,
                        text,
                        at(&format!("\"{path}\"")),
                        why,
                    ));
                }
            }
        }
        if let super::model::Check::Field {
            matches: Some(re), ..
        }
        | super::model::Check::File {
            matches: Some(re), ..
        } = &a.check
        {
            if let Err(e) = regex::Regex::new(re) {
                return Err(ScenarioError::new(
                    file,
                    text,
                    at(re),
                    format!("invalid regular expression: {e}"),
                ));
            }
        }
        if let super::model::Check::Reachable {
            from,
            from_selector,
            to,
            ..
        } = &a.check
        {
            if from.is_some() == from_selector.is_some() {
                return Err(ScenarioError::new(
                    file,
                    text,
                    at(to),
                    "reachable check needs exactly one of from (a pod name) or from_selector (a label selector)",
                ));
            }
        }
        if let super::model::Check::Field { resource, path, .. }
        | super::model::Check::Exists {
            resource,
            name: path,
            ..
        }
        | super::model::Check::Absent {
            resource,
            name: path,
            ..
        } = &a.check
        {
            // `plural.group` may name a custom type: it exists once the World's CRD does.
            if crate::cluster::schema::lookup(resource).is_none() && !resource.contains('.') {
                return Err(ScenarioError::new(
                    file,
                    text,
                    at(resource),
                    format!("unknown resource type {resource:?}"),
                ));
            }
            let _ = path;
        }
    }
    Ok(())
}

/// Kinds whose pods are described by a template at `spec.template.spec`.
const TEMPLATED: [&str; 5] = [
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
];

/// Fields of a pod spec that scenario writers most often put one level too high in a workload.
const POD_SPEC_FIELDS: [&str; 10] = [
    "containers",
    "initContainers",
    "volumes",
    "nodeSelector",
    "nodeName",
    "tolerations",
    "affinity",
    "serviceAccountName",
    "securityContext",
    "restartPolicy",
];

/// Whether a field path can exist on an object of `kind`: its top-level field must be one the kind
/// has, and a workload's pod fields live under its template. The error says where the field is.
pub fn path_can_exist(kind: &str, path: &str) -> Result<(), String> {
    let path = path.trim_start_matches('.');
    let mut parts = path.split(['.', '[']);
    let top = parts.next().unwrap_or("");
    let second = parts.next().unwrap_or("");
    let extra: &[&str] = match kind {
        "ConfigMap" => &["data", "binaryData", "immutable"],
        "Secret" => &["data", "stringData", "type", "immutable"],
        "ServiceAccount" => &[
            "secrets",
            "imagePullSecrets",
            "automountServiceAccountToken",
        ],
        "Role" | "ClusterRole" => &["rules", "aggregationRule"],
        "RoleBinding" | "ClusterRoleBinding" => &["subjects", "roleRef"],
        "StorageClass" => &[
            "provisioner",
            "parameters",
            "reclaimPolicy",
            "volumeBindingMode",
            "allowVolumeExpansion",
            "mountOptions",
            "allowedTopologies",
        ],
        "Endpoints" => &["subsets"],
        "PriorityClass" => &["value", "globalDefault", "description", "preemptionPolicy"],
        "IngressClass"
        | "Pod"
        | "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "Job"
        | "CronJob"
        | "Service"
        | "PersistentVolume"
        | "PersistentVolumeClaim"
        | "Node"
        | "Namespace"
        | "Ingress"
        | "NetworkPolicy"
        | "HorizontalPodAutoscaler"
        | "ResourceQuota"
        | "LimitRange" => &["spec", "status"],
        // Kinds not listed here are not checked.
        _ => return Ok(()),
    };
    let common = ["apiVersion", "kind", "metadata"];
    if !common.contains(&top) && !extra.contains(&top) {
        let mut known: Vec<&str> = common.to_vec();
        known.extend_from_slice(extra);
        return Err(format!(
            "path {path:?} cannot exist on a {kind}: it has no field {top:?} (its fields are {})",
            known.join(", ")
        ));
    }
    if top == "spec" && POD_SPEC_FIELDS.contains(&second) {
        let at = if TEMPLATED.contains(&kind) {
            Some("spec.template.spec")
        } else if kind == "CronJob" {
            Some("spec.jobTemplate.spec.template.spec")
        } else {
            None
        };
        if let Some(at) = at {
            return Err(format!(
                "path {path:?} cannot exist on a {kind}: its pods' {second} are at {at}.{second}"
            ));
        }
    }
    if kind == "Pod" && top == "spec" && matches!(second, "template" | "replicas" | "selector") {
        return Err(format!(
            "path {path:?} cannot exist on a Pod: a pod has no spec.{second} (that is a workload's field)"
        ));
    }
    Ok(())
}

/// Every `*.toml` below a directory, sorted by path.
pub fn find_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "toml") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Loads every scenario below a directory: the good ones sorted by id, and the errors.
pub fn load_dir(dir: &Path) -> (Vec<Loaded>, Vec<ScenarioError>) {
    let mut good = Vec::new();
    let mut bad = Vec::new();
    for p in find_files(dir) {
        match load_file(&p) {
            Ok(l) => good.push(l),
            Err(e) => bad.push(e),
        }
    }
    // Duplicate ids.
    let mut seen = std::collections::BTreeMap::new();
    let mut dups = Vec::new();
    for (i, l) in good.iter().enumerate() {
        if let Some(first) = seen.insert(l.scenario.id.clone(), i) {
            let first: &Loaded = &good[first];
            dups.push(ScenarioError {
                file: l.path.display().to_string(),
                line: 1,
                column: 1,
                message: format!(
                    "duplicate id {:?} (also in {})",
                    l.scenario.id,
                    first.path.display()
                ),
            });
        }
    }
    bad.extend(dups);
    good.sort_by(|a, b| a.scenario.id.cmp(&b.scenario.id));
    (good, bad)
}

/// Where scenarios live: `$KUBEDOJO_SCENARIOS`, else `./scenarios` when present, else the source tree's.
pub fn default_dir() -> PathBuf {
    if let Ok(d) = std::env::var("KUBEDOJO_SCENARIOS") {
        return PathBuf::from(d);
    }
    let local = PathBuf::from("scenarios");
    if local.is_dir() {
        return local;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_line_and_column() {
        let text = "id = \"x\"\ntitle = \"t\"\nexam = \"cka\"\ndomain = \"gardening\"\n";
        let e = parse("x.toml", text).expect_err("bad domain");
        assert_eq!((e.line, e.column), (4, 10), "{e}");
        assert!(e.message.contains("gardening"), "{e}");
    }

    #[test]
    fn paths_that_cannot_exist_are_named() {
        assert!(path_can_exist("Pod", "spec.containers[0].image").is_ok());
        assert!(path_can_exist("Deployment", "spec.template.spec.containers[0].image").is_ok());
        let e = path_can_exist("Deployment", "spec.containers[0].image").expect_err("too high");
        assert!(e.contains("spec.template.spec.containers"), "{e}");
        let e = path_can_exist("ConfigMap", "spec.data").expect_err("no spec");
        assert!(e.contains("has no field \"spec\""), "{e}");
        assert!(path_can_exist("ConfigMap", "data.key").is_ok());
        assert!(path_can_exist("Pod", "spec.replicas").is_err());
        let e = path_can_exist("CronJob", "spec.containers").expect_err("cronjob");
        assert!(e.contains("spec.jobTemplate.spec.template.spec"), "{e}");
    }

    #[test]
    fn line_col_counts_from_one() {
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
        assert_eq!(line_col("", 10), (1, 1));
    }
}
