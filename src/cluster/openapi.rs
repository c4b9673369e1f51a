//! The OpenAPI v3 schemas of CustomResourceDefinitions: the structural checks made on a CRD's schema,
//! and, for custom objects, unknown fields, defaulting and validation with the API server's words
//! (`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`).
//!
//! Supported keywords: type, properties, required, items, additionalProperties, enum, minimum,
//! maximum, exclusiveMinimum/Maximum, minLength, maxLength, minItems, maxItems, pattern, default,
//! nullable, x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string. Others are accepted
//! and not enforced (CEL rules, formats).

use serde_json::{Map, Value};

const TYPES: &[&str] = &["array", "boolean", "integer", "number", "object", "string"];

fn ty(schema: &Value) -> &str {
    schema.get("type").and_then(Value::as_str).unwrap_or("")
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool) == Some(true)
}

fn properties(schema: &Value) -> Option<&Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

/// The structural-schema checks on one schema node of a CRD (`path` names it in causes).
pub fn validate_schema(schema: &Value, path: &str, root: bool, causes: &mut Vec<String>) {
    let t = ty(schema);
    let int_or_string = flag(schema, "x-kubernetes-int-or-string");
    let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
    if root {
        if t.is_empty() {
            causes.push(format!(
                "{path}.type: Required value: must not be empty at the root"
            ));
        } else if t != "object" {
            causes.push(format!(
                "{path}.type: Invalid value: \"{t}\": must be object at the root"
            ));
        }
    }
    if !t.is_empty() && !TYPES.contains(&t) {
        causes.push(format!("{path}.type: Unsupported value: \"{t}\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\""));
    }
    if let Some(props) = properties(schema) {
        for (name, sub) in props {
            let p = format!("{path}.properties[{name}]");
            if ty(sub).is_empty()
                && !flag(sub, "x-kubernetes-int-or-string")
                && !flag(sub, "x-kubernetes-preserve-unknown-fields")
            {
                causes.push(format!(
                    "{p}.type: Required value: must not be empty for specified object fields"
                ));
            }
            validate_schema(sub, &p, false, causes);
        }
    }
    if t == "array" {
        match schema.get("items") {
            None => causes.push(format!("{path}.items: Required value: must be specified")),
            Some(items) => {
                let p = format!("{path}.items");
                if ty(items).is_empty()
                    && !flag(items, "x-kubernetes-int-or-string")
                    && !flag(items, "x-kubernetes-preserve-unknown-fields")
                {
                    causes.push(format!(
                        "{p}.type: Required value: must not be empty for specified array items"
                    ));
                }
                validate_schema(items, &p, false, causes);
            }
        }
    }
    if let Some(ap) = schema.get("additionalProperties").filter(|v| v.is_object()) {
        if properties(schema).is_some() {
            causes.push(format!("{path}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive"));
        }
        validate_schema(ap, &format!("{path}.additionalProperties"), false, causes);
    }
    let _ = (int_or_string, preserve);
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// Fields of a custom object its schema does not declare (the ones the API server would prune),
/// as paths with array indexes (`spec.ports[0].nmae`).
pub fn unknown_fields(schema: &Value, obj: &Value) -> Vec<String> {
    let mut out = Vec::new();
    walk_unknown(schema, obj, "", &mut out);
    out
}

fn walk_unknown(schema: &Value, v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields");
            let props = properties(schema);
            let additional = schema.get("additionalProperties");
            for (k, sub) in m {
                if path.is_empty() && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                let p = join(path, k);
                if let Some(s) = props.and_then(|p| p.get(k)) {
                    walk_unknown(s, sub, &p, out);
                } else if let Some(s) = additional.filter(|a| a.is_object()) {
                    walk_unknown(s, sub, &p, out);
                } else if !preserve && additional.and_then(Value::as_bool) != Some(true) {
                    out.push(p);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                for (i, x) in a.iter().enumerate() {
                    walk_unknown(items, x, &format!("{path}[{i}]"), out);
                }
            }
        }
        _ => {}
    }
}

/// Fills the schema's `default`s into the fields that are absent, in every object present.
pub fn apply_defaults(schema: &Value, v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(props) = properties(schema) {
                for (k, sub) in props {
                    if !m.contains_key(k) {
                        if let Some(d) = sub.get("default") {
                            m.insert(k.clone(), d.clone());
                        }
                    }
                    if let Some(child) = m.get_mut(k) {
                        apply_defaults(sub, child);
                    }
                }
            }
            if let Some(ap) = schema.get("additionalProperties").filter(|a| a.is_object()) {
                for child in m.values_mut() {
                    apply_defaults(ap, child);
                }
            }
        }
        Value::Array(a) => {
            if let Some(items) = schema.get("items") {
                for x in a.iter_mut() {
                    apply_defaults(items, x);
                }
            }
        }
        _ => {}
    }
}

/// The JSON type of a value, as the validator names it.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// How a value appears after `Invalid value:` (Go's `%#v` of the decoded value for scalars).
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// Validates a custom object against its schema; returns the causes (`path: message`).
pub fn validate_value(schema: &Value, obj: &Value) -> Vec<String> {
    let mut causes = Vec::new();
    check(schema, obj, "", &mut causes);
    causes
}

fn check(schema: &Value, v: &Value, path: &str, causes: &mut Vec<String>) {
    let shown_path = if path.is_empty() { "<root>" } else { path };
    if v.is_null() && flag(schema, "nullable") {
        return;
    }
    let t = ty(schema);
    let given = type_name(v);
    let int_or_string = flag(schema, "x-kubernetes-int-or-string");
    let type_ok = if int_or_string {
        matches!(given, "integer" | "string")
    } else {
        match t {
            "" => true,
            "number" => given == "integer" || given == "number",
            _ => t == given,
        }
    };
    if !type_ok {
        let want = if int_or_string { "integer,string" } else { t };
        causes.push(format!(
            "{shown_path}: Invalid value: \"{given}\": {shown_path} in body must be of type {want}: \"{given}\""
        ));
        return;
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(v) {
            let list: Vec<String> = options.iter().map(shown).collect();
            causes.push(format!(
                "{shown_path}: Unsupported value: {}: supported values: {}",
                shown(v),
                list.join(", ")
            ));
        }
    }
    if let Some(x) = v.as_f64() {
        if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
            let exclusive = flag(schema, "exclusiveMaximum");
            if x > max || (exclusive && x >= max) {
                let bound = shown(&schema["maximum"]);
                let words = if exclusive {
                    "less than"
                } else {
                    "less than or equal to"
                };
                causes.push(format!(
                    "{shown_path}: Invalid value: {}: {shown_path} in body should be {words} {bound}",
                    shown(v)
                ));
            }
        }
        if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
            let exclusive = flag(schema, "exclusiveMinimum");
            if x < min || (exclusive && x <= min) {
                let bound = shown(&schema["minimum"]);
                let words = if exclusive {
                    "greater than"
                } else {
                    "greater than or equal to"
                };
                causes.push(format!(
                    "{shown_path}: Invalid value: {}: {shown_path} in body should be {words} {bound}",
                    shown(v)
                ));
            }
        }
    }
    if let Some(s) = v.as_str() {
        let len = s.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
            if len > max {
                causes.push(format!(
                    "{shown_path}: Too long: may not be more than {max} bytes"
                ));
            }
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
            if len < min {
                causes.push(format!(
                    "{shown_path}: Invalid value: {}: {shown_path} in body should be at least {min} chars long",
                    shown(v)
                ));
            }
        }
        if let Some(p) = schema.get("pattern").and_then(Value::as_str) {
            if regex::Regex::new(p).is_ok_and(|re| !re.is_match(s)) {
                causes.push(format!(
                    "{shown_path}: Invalid value: {}: {shown_path} in body should match '{p}'",
                    shown(v)
                ));
            }
        }
    }
    match v {
        Value::Object(m) => {
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                if let Some(r) = r.as_str() {
                    if !m.contains_key(r) {
                        causes.push(format!("{}: Required value", join(path, r)));
                    }
                }
            }
            let props = properties(schema);
            let additional = schema.get("additionalProperties").filter(|a| a.is_object());
            for (k, sub) in m {
                if path.is_empty() && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                if let Some(s) = props.and_then(|p| p.get(k)).or(additional) {
                    check(s, sub, &join(path, k), causes);
                }
            }
        }
        Value::Array(a) => {
            let n = a.len() as u64;
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if n > max {
                    causes.push(format!(
                        "{shown_path}: Too many: {n}: must have at most {max} items"
                    ));
                }
            }
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if n < min {
                    causes.push(format!(
                        "{shown_path}: Invalid value: {n}: {shown_path} in body should have at least {min} items"
                    ));
                }
            }
            if let Some(items) = schema.get("items") {
                for (i, x) in a.iter().enumerate() {
                    check(items, x, &format!("{path}[{i}]"), causes);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crontab() -> Value {
        json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["cronSpec"],
                    "properties": {
                        "cronSpec": {"type": "string", "pattern": "^(\\d+|\\*)(/\\d+)?(\\s+(\\d+|\\*)(/\\d+)?){4}$"},
                        "image": {"type": "string"},
                        "replicas": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                        "size": {"type": "string", "enum": ["small", "large"]},
                        "ports": {"type": "array", "items": {"type": "object", "properties": {"port": {"type": "integer"}}}},
                        "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    }
                }
            }
        })
    }

    #[test]
    fn a_string_where_an_integer_belongs_is_invalid_in_the_servers_words() {
        let obj = json!({"spec": {"cronSpec": "* * * * */5", "replicas": "three"}});
        assert_eq!(
            validate_value(&crontab(), &obj),
            vec!["spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\""]
        );
    }

    #[test]
    fn required_enum_bounds_and_pattern() {
        let obj = json!({"spec": {"replicas": 15, "size": "xl"}});
        assert_eq!(
            validate_value(&crontab(), &obj),
            vec![
                "spec.cronSpec: Required value",
                "spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10",
                "spec.size: Unsupported value: \"xl\": supported values: \"small\", \"large\"",
            ]
        );
        let bad = json!({"spec": {"cronSpec": "often"}});
        assert_eq!(validate_value(&crontab(), &bad).len(), 1);
        assert!(validate_value(&crontab(), &bad)[0].contains("in body should match '^"));
    }

    #[test]
    fn unknown_fields_are_found_except_where_the_schema_keeps_them() {
        let obj = json!({"apiVersion": "x/v1", "kind": "CronTab", "metadata": {"name": "a"},
            "spec": {"cronSpec": "x", "replica": 2, "ports": [{"prot": 1}],
                     "extra": {"anything": true}, "labels": {"a": "b"}}, "foo": 1});
        assert_eq!(
            unknown_fields(&crontab(), &obj),
            vec!["foo", "spec.ports[0].prot", "spec.replica"]
        );
    }

    #[test]
    fn defaults_fill_absent_fields_of_present_objects() {
        let mut obj = json!({"spec": {"cronSpec": "x"}});
        apply_defaults(&crontab(), &mut obj);
        assert_eq!(obj["spec"]["replicas"], json!(1));
        let mut none = json!({});
        apply_defaults(&crontab(), &mut none);
        assert_eq!(none, json!({}));
    }

    #[test]
    fn structural_schema_checks() {
        let mut causes = Vec::new();
        validate_schema(
            &json!({"properties": {"spec": {"properties": {"n": {"type": "int"}}}}}),
            "s",
            true,
            &mut causes,
        );
        assert_eq!(
            causes,
            vec![
                "s.type: Required value: must not be empty at the root",
                "s.properties[spec].type: Required value: must not be empty for specified object fields",
                "s.properties[spec].properties[n].type: Unsupported value: \"int\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
            ]
        );
    }
}
