//! Helpers over API objects, which kubedojo keeps as JSON values (the same shape the API server serves).

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Reads a dotted path (`spec.template.metadata.labels`) from an object; array indexes are numbers.
pub fn get<'a>(obj: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = obj;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = match cur {
            Value::Object(m) => m.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// A string at `path`, or "" when absent or not a string.
pub fn str_at<'a>(obj: &'a Value, path: &str) -> &'a str {
    get(obj, path).and_then(Value::as_str).unwrap_or("")
}

/// An integer at `path`.
pub fn i64_at(obj: &Value, path: &str) -> Option<i64> {
    get(obj, path).and_then(Value::as_i64)
}

/// The mutable map at `path`, created (with intermediate maps) when absent or not a map.
pub fn map_mut<'a>(obj: &'a mut Value, path: &str) -> &'a mut Map<String, Value> {
    let mut cur = obj;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        if !cur.is_object() {
            *cur = Value::Object(Map::new());
        }
        let m = match cur {
            Value::Object(m) => m,
            _ => unreachable_map(),
        };
        cur = m
            .entry(part.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !cur.is_object() {
        *cur = Value::Object(Map::new());
    }
    match cur {
        Value::Object(m) => m,
        _ => unreachable_map(),
    }
}

#[allow(clippy::panic)]
fn unreachable_map() -> ! {
    // Only reached if a value we just made into an object is not one.
    panic!("value was just set to an object")
}

/// Sets `path` to `v`, creating intermediate maps.
pub fn set(obj: &mut Value, path: &str, v: Value) {
    let (parent, last) = match path.rsplit_once('.') {
        Some((p, l)) => (p, l),
        None => ("", path),
    };
    map_mut(obj, parent).insert(last.to_string(), v);
}

/// Removes the key at `path`.
pub fn remove(obj: &mut Value, path: &str) -> Option<Value> {
    let (parent, last) = match path.rsplit_once('.') {
        Some((p, l)) => (p, l),
        None => ("", path),
    };
    let mut cur = obj;
    for part in parent.split('.').filter(|p| !p.is_empty()) {
        cur = cur.as_object_mut()?.get_mut(part)?;
    }
    cur.as_object_mut()?.remove(last)
}

pub fn name(obj: &Value) -> &str {
    str_at(obj, "metadata.name")
}

pub fn namespace(obj: &Value) -> &str {
    str_at(obj, "metadata.namespace")
}

pub fn kind(obj: &Value) -> &str {
    str_at(obj, "kind")
}

/// A string map (labels, annotations, selectors, data) at `path`.
pub fn string_map(obj: &Value, path: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(m)) = get(obj, path) {
        for (k, v) in m {
            let s = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            out.insert(k.clone(), s);
        }
    }
    out
}

pub fn labels(obj: &Value) -> BTreeMap<String, String> {
    string_map(obj, "metadata.labels")
}

/// Turns a string map into a JSON object.
pub fn to_json_map(m: &BTreeMap<String, String>) -> Value {
    Value::Object(
        m.iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// The elements of the array at `path` (empty when absent).
pub fn array<'a>(obj: &'a Value, path: &str) -> &'a [Value] {
    get(obj, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Whether `v` is null, an empty map, empty list or empty string.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// A mutable reference to the value at `path`, if present.
pub fn get_mut<'a>(obj: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut cur = obj;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = match cur {
            Value::Object(m) => m.get_mut(part)?,
            Value::Array(a) => a.get_mut(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn get_and_set_paths() {
        let mut o =
            json!({"metadata": {"name": "web"}, "spec": {"containers": [{"image": "nginx"}]}});
        assert_eq!(name(&o), "web");
        assert_eq!(str_at(&o, "spec.containers.0.image"), "nginx");
        set(&mut o, "metadata.labels.app", json!("web"));
        assert_eq!(labels(&o).get("app").map(String::as_str), Some("web"));
        assert_eq!(remove(&mut o, "metadata.labels.app"), Some(json!("web")));
    }
}
