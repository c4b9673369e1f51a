//! How kubectl shows custom resources: the table columns a CRD's `additionalPrinterColumns` declare
//! (the API server builds that table for kubectl), else `NAME   AGE`.

use crate::cluster::{crd, object};
use crate::kubectl::printers::jsonpath;
use crate::kubectl::tables;
use chrono::{DateTime, Utc};
use serde_json::Value;

/// The columns of a CRD's version that a table shows (`wide` adds those with a priority above 0).
fn columns<'a>(def: &'a Value, version: &str, wide: bool) -> Vec<&'a Value> {
    crd::printer_columns(def, version)
        .iter()
        .filter(|c| wide || c.get("priority").and_then(Value::as_i64).unwrap_or(0) == 0)
        .collect()
}

/// The table headers for objects of a custom type.
pub fn headers(def: &Value, version: &str, wide: bool) -> Vec<String> {
    let cols = columns(def, version, wide);
    if crd::printer_columns(def, version).is_empty() {
        return vec!["NAME".into(), "AGE".into()];
    }
    let mut h = vec!["NAME".to_string()];
    h.extend(cols.iter().map(|c| {
        c.get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_uppercase()
    }));
    h
}

/// One table row for a custom object.
pub fn row(
    def: &Value,
    version: &str,
    obj: &Value,
    name: &str,
    now: DateTime<Utc>,
    wide: bool,
) -> Vec<String> {
    if crd::printer_columns(def, version).is_empty() {
        return vec![name.to_string(), tables::age(obj, now)];
    }
    let mut r = vec![name.to_string()];
    for c in columns(def, version, wide) {
        let path = c.get("jsonPath").and_then(Value::as_str).unwrap_or("");
        let text = jsonpath::render(&format!("{{{path}}}"), obj).unwrap_or_default();
        let cell = match c.get("type").and_then(Value::as_str) {
            Some("date") if !text.is_empty() => tables::since(&text, now),
            _ => text,
        };
        r.push(cell);
    }
    r
}

/// The definition of an object's type when it is a custom one.
pub fn definition_for<'c>(
    cluster: &'c crate::cluster::Cluster,
    obj: &Value,
) -> Option<(&'c Value, String)> {
    let rt = cluster.type_of(obj).ok()?;
    let def = cluster.definition_of(rt)?;
    let version = object::str_at(obj, "apiVersion")
        .rsplit('/')
        .next()
        .unwrap_or(rt.version)
        .to_string();
    Some((def, version))
}

/// The type a manifest names, through the current cluster's registry (built-in kinds and the
/// custom types of its CRDs).
pub fn type_of(
    ctx: &crate::kubectl::Ctx<'_>,
    obj: &Value,
) -> Result<&'static crate::cluster::schema::ResourceType, crate::cluster::api::ApiError> {
    match ctx.cluster_ref() {
        Some(c) => c.type_of(obj),
        None => crate::cluster::resource_of(obj),
    }
}

/// kubectl's label for a field in a generic description: camelCase split into capitalised words,
/// with a few acronyms kept upper case (`apiVersion` -> `API Version`, `uid` -> `UID`). Names with
/// characters other than letters and '-' are shown as they are.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    split_camel(field)
        .iter()
        .map(|part| {
            let upper = part.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                let mut cs = part.chars();
                match cs.next() {
                    Some(f) => f.to_uppercase().chain(cs).collect(),
                    None => String::new(),
                }
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a camelCase word into its runs: lower-case, upper-case (the last capital of a run that
/// goes on in lower case starts the next word: `HTTPServer` -> `HTTP`, `Server`), other.
fn split_camel(s: &str) -> Vec<String> {
    #[derive(PartialEq, Clone, Copy)]
    enum Class {
        Lower,
        Upper,
        Other,
    }
    let class = |c: char| {
        if c.is_lowercase() {
            Class::Lower
        } else if c.is_uppercase() {
            Class::Upper
        } else {
            Class::Other
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last: Option<Class> = None;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(r) if last == Some(k) => r.push(c),
            _ => runs.push(vec![c]),
        }
        last = Some(k);
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].iter().all(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower && runs[i].len() > 1 {
            if let Some(c) = runs[i].pop() {
                runs[i + 1].insert(0, c);
            }
        } else if upper_then_lower && runs[i].len() == 1 {
            let c = runs[i].remove(0);
            runs[i + 1].insert(0, c);
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

/// The content of an object, as kubectl's generic describer prints unstructured objects: fields
/// sorted, maps and lists as indented sections, scalars as `Label:\tvalue`.
fn content(out: &mut String, level: usize, m: &serde_json::Map<String, Value>, prefix: &str) {
    const SKIP: &[&str] = &[
        ".metadata.managedFields",
        ".metadata.name",
        ".metadata.namespace",
        ".metadata.labels",
        ".metadata.annotations",
    ];
    let indent = "  ".repeat(level);
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    for k in keys {
        let path = format!("{prefix}.{k}");
        if SKIP.contains(&path.as_str()) {
            continue;
        }
        let label = smart_label(k);
        match &m[k] {
            Value::Object(child) => {
                out.push_str(&format!("{indent}{label}:\n"));
                content(out, level + 1, child, &path);
            }
            Value::Array(items) => {
                out.push_str(&format!("{indent}{label}:\n"));
                for item in items {
                    match item {
                        Value::Object(child) => content(out, level + 1, child, &path),
                        other => out.push_str(&format!(
                            "{}{}\n",
                            "  ".repeat(level + 1),
                            crate::kubectl::printers::gofmt::format_v(other)
                        )),
                    }
                }
            }
            other => out.push_str(&format!(
                "{indent}{label}:\t{}\n",
                crate::kubectl::printers::gofmt::format_v(other)
            )),
        }
    }
}

/// `kubectl describe` of an object kubectl has no describer for (custom resources, CRDs): name,
/// namespace, labels, annotations, then every field, then events. Tab-separated; the caller aligns.
pub fn describe_unstructured(c: &crate::cluster::Cluster, o: &Value) -> String {
    let mut s = String::new();
    s.push_str(&format!("Name:\t{}\n", object::name(o)));
    s.push_str(&format!("Namespace:\t{}\n", object::namespace(o)));
    let labels = object::labels(o);
    let mut annotations = object::string_map(o, "metadata.annotations");
    annotations.remove("kubectl.kubernetes.io/last-applied-configuration");
    for (title, m, sep) in [
        ("Labels", &labels, "="),
        ("Annotations", &annotations, ": "),
    ] {
        if m.is_empty() {
            s.push_str(&format!("{title}:\t<none>\n"));
        }
        for (i, (k, v)) in m.iter().enumerate() {
            let head = if i == 0 {
                format!("{title}:")
            } else {
                String::new()
            };
            s.push_str(&format!("{head}\t{k}{sep}{v}\n"));
        }
    }
    if let Value::Object(m) = o {
        let mut m = m.clone();
        if let Some(Value::Object(md)) = m.get_mut("metadata") {
            if let Some(Value::Object(a)) = md.get_mut("annotations") {
                a.remove("kubectl.kubernetes.io/last-applied-configuration");
            }
        }
        content(&mut s, 0, &m, "");
    }
    s.push_str(&crate::kubectl::describe::events(c, o, c.now));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_smart_cased_like_kubectl() {
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("cronSpec"), "Cron Spec");
        assert_eq!(smart_label("uid"), "UID");
        assert_eq!(smart_label("lastTransitionTime"), "Last Transition Time");
        assert_eq!(smart_label("HTTPServer"), "HTTP Server");
        assert_eq!(smart_label("openAPIV3Schema"), "openAPIV3Schema");
        assert_eq!(
            smart_label("x-kubernetes-int-or-string"),
            "X - Kubernetes - Int - Or - String"
        );
    }
}
