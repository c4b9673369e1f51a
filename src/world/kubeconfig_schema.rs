//! The Go types of a kubeconfig file (client-go's `clientcmd/api/v1`), field by field in their
//! declaration order: what decoding checks (encoding/json's `cannot unmarshal` errors), what a
//! decode-then-encode round trip keeps (unknown keys dropped, `omitempty` zero values left out,
//! the others written as their zero value, extensions sorted by name, the exec plugin's
//! defaults), and the order `config view -o json` prints the fields in.

use serde_json::{Map, Value};

/// The Go type of a kubeconfig field.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    Str,
    Bool,
    /// `[]byte`: base64 in the file.
    Bytes,
    /// `[]string`.
    Strings,
    /// `map[string]string`.
    StrMap,
    /// `map[string][]string`.
    StrsMap,
    /// A struct value: its Go name and fields.
    Struct(&'static str, &'static [Field]),
    /// A pointer to a struct (`nil` when absent).
    Ptr(&'static str, &'static [Field]),
    /// A list of structs.
    List(&'static str, &'static [Field]),
    /// `[]NamedExtension`, which client-go keeps as a map by name.
    Extensions,
    /// `runtime.RawExtension`: any JSON, kept as it is.
    Raw,
}

/// One struct field: its JSON key, type, and whether it is `omitempty`.
pub(super) type Field = (&'static str, Ty, bool);

const NAMED_EXTENSION: &[Field] = &[("name", Ty::Str, false), ("extension", Ty::Raw, false)];

pub(super) const CLUSTER: &[Field] = &[
    ("server", Ty::Str, false),
    ("tls-server-name", Ty::Str, true),
    ("insecure-skip-tls-verify", Ty::Bool, true),
    ("certificate-authority", Ty::Str, true),
    ("certificate-authority-data", Ty::Bytes, true),
    ("proxy-url", Ty::Str, true),
    ("disable-compression", Ty::Bool, true),
    ("extensions", Ty::Extensions, true),
];
pub(super) const CONTEXT: &[Field] = &[
    ("cluster", Ty::Str, false),
    ("user", Ty::Str, false),
    ("namespace", Ty::Str, true),
    ("extensions", Ty::Extensions, true),
];
const AUTH_PROVIDER: &[Field] = &[("name", Ty::Str, false), ("config", Ty::StrMap, false)];
const EXEC_ENV_VAR: &[Field] = &[("name", Ty::Str, false), ("value", Ty::Str, false)];
const EXEC: &[Field] = &[
    ("command", Ty::Str, false),
    ("args", Ty::Strings, false),
    ("env", Ty::List("ExecEnvVar", EXEC_ENV_VAR), false),
    ("apiVersion", Ty::Str, true),
    ("installHint", Ty::Str, true),
    ("provideClusterInfo", Ty::Bool, false),
    ("interactiveMode", Ty::Str, true),
];
pub(super) const AUTH_INFO: &[Field] = &[
    ("client-certificate", Ty::Str, true),
    ("client-certificate-data", Ty::Bytes, true),
    ("client-key", Ty::Str, true),
    ("client-key-data", Ty::Bytes, true),
    ("token", Ty::Str, true),
    ("tokenFile", Ty::Str, true),
    ("as", Ty::Str, true),
    ("as-uid", Ty::Str, true),
    ("as-groups", Ty::Strings, true),
    ("as-user-extra", Ty::StrsMap, true),
    ("username", Ty::Str, true),
    ("password", Ty::Str, true),
    (
        "auth-provider",
        Ty::Ptr("AuthProviderConfig", AUTH_PROVIDER),
        true,
    ),
    ("exec", Ty::Ptr("ExecConfig", EXEC), true),
    ("extensions", Ty::Extensions, true),
];
const NAMED_CLUSTER: &[Field] = &[
    ("name", Ty::Str, false),
    ("cluster", Ty::Struct("Cluster", CLUSTER), false),
];
const NAMED_CONTEXT: &[Field] = &[
    ("name", Ty::Str, false),
    ("context", Ty::Struct("Context", CONTEXT), false),
];
const NAMED_AUTH_INFO: &[Field] = &[
    ("name", Ty::Str, false),
    ("user", Ty::Struct("AuthInfo", AUTH_INFO), false),
];
pub(super) const PREFERENCES: &[Field] = &[
    ("colors", Ty::Bool, true),
    ("extensions", Ty::Extensions, true),
];
pub(super) const CONFIG: &[Field] = &[
    ("kind", Ty::Str, true),
    ("apiVersion", Ty::Str, true),
    ("preferences", Ty::Struct("Preferences", PREFERENCES), false),
    ("clusters", Ty::List("NamedCluster", NAMED_CLUSTER), false),
    ("users", Ty::List("NamedAuthInfo", NAMED_AUTH_INFO), false),
    ("contexts", Ty::List("NamedContext", NAMED_CONTEXT), false),
    ("current-context", Ty::Str, false),
    ("extensions", Ty::Extensions, true),
];

impl Ty {
    fn go_name(self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Bool => "bool".into(),
            Ty::Bytes => "[]uint8".into(),
            Ty::Strings => "[]string".into(),
            Ty::StrMap => "map[string]string".into(),
            Ty::StrsMap => "map[string][]string".into(),
            Ty::Struct(n, _) | Ty::Ptr(n, _) => format!("v1.{n}"),
            Ty::List(n, _) => format!("[]v1.{n}"),
            Ty::Extensions => "[]v1.NamedExtension".into(),
            Ty::Raw => "runtime.RawExtension".into(),
        }
    }
}

/// What a JSON value is called in encoding/json's errors.
pub(super) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks the fields of an object of struct `name` against their Go types: encoding/json's
/// `cannot unmarshal X into Go struct field S.path of type T` for the first that does not fit.
pub(super) fn check(v: &Value, fields: &[Field], name: &str, path: &str) -> Result<(), String> {
    let Some(map) = v.as_object() else {
        return Ok(());
    };
    for (key, value) in map {
        let Some((_, ty, _)) = fields.iter().find(|(k, _, _)| k == key) else {
            continue;
        };
        let here = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        let wrong_as = |v: &Value, ty: &str| {
            format!(
                "json: cannot unmarshal {} into Go struct field {name}.{here} of type {ty}",
                json_type(v)
            )
        };
        let wrong = || wrong_as(value, &ty.go_name());
        if value.is_null() {
            continue;
        }
        let list = |inner: &str, inner_fields: &[Field]| -> Result<(), String> {
            let Some(items) = value.as_array() else {
                return Err(wrong());
            };
            for item in items {
                if !item.is_object() && !item.is_null() {
                    return Err(wrong_as(item, &format!("v1.{inner}")));
                }
                check(item, inner_fields, inner, &here)?;
            }
            Ok(())
        };
        match *ty {
            Ty::Str | Ty::Bytes if !value.is_string() => return Err(wrong()),
            Ty::Bool if !value.is_boolean() => return Err(wrong()),
            Ty::Strings => {
                let Some(items) = value.as_array() else {
                    return Err(wrong());
                };
                if let Some(bad) = items.iter().find(|i| !i.is_string() && !i.is_null()) {
                    return Err(wrong_as(bad, "string"));
                }
            }
            Ty::StrMap | Ty::StrsMap => {
                let Some(m) = value.as_object() else {
                    return Err(wrong());
                };
                for x in m.values().filter(|x| !x.is_null()) {
                    match (*ty, x) {
                        (Ty::StrMap, Value::String(_)) => {}
                        (Ty::StrMap, _) => return Err(wrong_as(x, "string")),
                        (_, Value::Array(items)) => {
                            if let Some(bad) = items.iter().find(|i| !i.is_string() && !i.is_null())
                            {
                                return Err(wrong_as(bad, "string"));
                            }
                        }
                        _ => return Err(wrong_as(x, "[]string")),
                    }
                }
            }
            Ty::Struct(inner, inner_fields) | Ty::Ptr(inner, inner_fields) => {
                if !value.is_object() {
                    return Err(wrong());
                }
                check(value, inner_fields, inner, &here)?;
            }
            Ty::List(inner, inner_fields) => list(inner, inner_fields)?,
            Ty::Extensions => list("NamedExtension", NAMED_EXTENSION)?,
            _ => {}
        }
    }
    Ok(())
}

/// What client-go writes back for a field of type `ty` it read as `v` (`Value::Null` when the
/// key is absent), after its decode into `api.Config` and encode back: `None` when the field is
/// left out (`omitempty` and empty). `v` must have passed [`check`].
pub(super) fn round_trip(v: &Value, ty: Ty, omitempty: bool) -> Result<Option<Value>, String> {
    let empty_list = |v: &Value| match v {
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => true,
    };
    // A nil slice or map is `null`; an empty one `[]` or `{}`; both left out when omitempty.
    if matches!(ty, Ty::Strings | Ty::StrMap | Ty::StrsMap | Ty::List(..)) {
        if omitempty && empty_list(v) {
            return Ok(None);
        }
        if v.is_null() {
            return Ok(Some(Value::Null));
        }
    }
    let string = |x: &Value| Value::String(x.as_str().unwrap_or("").to_string());
    Ok(Some(match ty {
        Ty::Str | Ty::Bytes => {
            let s = v.as_str().unwrap_or("");
            if omitempty && s.is_empty() {
                return Ok(None);
            }
            Value::String(s.to_string())
        }
        Ty::Bool => {
            let b = v.as_bool().unwrap_or(false);
            if omitempty && !b {
                return Ok(None);
            }
            Value::Bool(b)
        }
        Ty::Strings => Value::Array(v.as_array().into_iter().flatten().map(string).collect()),
        Ty::StrMap => Value::Object(
            v.as_object()
                .into_iter()
                .flatten()
                .map(|(k, x)| (k.clone(), string(x)))
                .collect(),
        ),
        Ty::StrsMap => Value::Object(
            v.as_object()
                .into_iter()
                .flatten()
                .map(|(k, x)| {
                    let items = match x.as_array() {
                        Some(a) => Value::Array(a.iter().map(string).collect()),
                        None => Value::Null,
                    };
                    (k.clone(), items)
                })
                .collect(),
        ),
        Ty::Ptr(name, fields) => {
            if v.is_null() {
                if omitempty {
                    return Ok(None);
                }
                return Ok(Some(Value::Null));
            }
            Value::Object(struct_round_trip(v, name, fields)?)
        }
        Ty::Struct(name, fields) => Value::Object(struct_round_trip(v, name, fields)?),
        Ty::List(name, fields) => Value::Array(
            v.as_array()
                .into_iter()
                .flatten()
                .map(|x| struct_round_trip(x, name, fields).map(Value::Object))
                .collect::<Result<_, _>>()?,
        ),
        Ty::Extensions => {
            let items = v.as_array().map(Vec::as_slice).unwrap_or_default();
            if items.is_empty() && omitempty {
                return Ok(None);
            }
            // client-go keeps extensions in a map by name: sorted, and a name twice is an error.
            let mut by_name: std::collections::BTreeMap<&str, Value> = Default::default();
            for x in items {
                let name = x.get("name").and_then(Value::as_str).unwrap_or("");
                if by_name.contains_key(name) {
                    return Err(duplicate_extension(name, items));
                }
                let ext = x.get("extension").cloned().unwrap_or(Value::Null);
                let mut m = Map::new();
                m.insert("extension".into(), ext);
                m.insert("name".into(), Value::String(name.to_string()));
                by_name.insert(name, Value::Object(m));
            }
            Value::Array(by_name.into_values().collect())
        }
        Ty::Raw => v.clone(),
    }))
}

/// A struct's round trip: its known fields only, with the defaults client-go sets on decoding.
fn struct_round_trip(
    v: &Value,
    name: &str,
    fields: &[Field],
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    for (key, ty, omitempty) in fields {
        let x = v.get(*key).unwrap_or(&Value::Null);
        if let Some(x) = round_trip(x, *ty, *omitempty)? {
            out.insert(key.to_string(), x);
        }
    }
    // SetDefaults_ExecConfig: the beta and alpha plugin APIs default to interactive if available.
    if name == "ExecConfig" && !out.contains_key("interactiveMode") {
        let api = out.get("apiVersion").and_then(Value::as_str).unwrap_or("");
        if matches!(
            api,
            "client.authentication.k8s.io/v1beta1" | "client.authentication.k8s.io/v1alpha1"
        ) {
            out.insert(
                "interactiveMode".into(),
                Value::String("IfAvailable".into()),
            );
        }
    }
    Ok(out)
}

/// client-go's conversion error for two extensions of one name: the list, each extension as the
/// bytes of its JSON (`%v` of a `[]byte`).
fn duplicate_extension(name: &str, items: &[Value]) -> String {
    let shown: Vec<String> = items
        .iter()
        .map(|x| {
            let n = x.get("name").and_then(Value::as_str).unwrap_or("");
            let raw = match x.get("extension") {
                None | Some(Value::Null) => String::new(),
                Some(e) => crate::kubectl::printers::gofmt::json_compact(e)
                    .bytes()
                    .map(|b| b.to_string())
                    .collect::<Vec<_>>()
                    .join(" "),
            };
            format!("{{{n} {{[{raw}] <nil>}}}}")
        })
        .collect();
    format!(
        "error converting *[]NamedExtension into *map[string]runtime.Object: duplicate name \"{name}\" in list: [{}]",
        shown.join(" ")
    )
}

/// `json.MarshalIndent(v, "", "    ")` of `v` decoded into the Go struct `fields` describe: the
/// struct's fields in declaration order (maps and raw extensions sorted by key), at nesting
/// `level`.
pub(super) fn json_ordered_into(out: &mut String, v: &Value, ty: Ty, level: usize) {
    use crate::kubectl::printers::gofmt::{json_indent_into, json_string_into, push_indent};
    match (ty, v) {
        (Ty::Struct(_, fields) | Ty::Ptr(_, fields), Value::Object(m)) if !m.is_empty() => {
            let mut first = true;
            out.push('{');
            for (key, t, _) in fields {
                let Some(x) = m.get(*key) else { continue };
                out.push_str(if first { "\n" } else { ",\n" });
                first = false;
                push_indent(out, level + 1);
                json_string_into(out, key);
                out.push_str(": ");
                json_ordered_into(out, x, *t, level + 1);
            }
            out.push('\n');
            push_indent(out, level);
            out.push('}');
        }
        (Ty::List(name, fields), Value::Array(a)) if !a.is_empty() => {
            ordered_list_into(out, a, Ty::Struct(name, fields), level)
        }
        (Ty::Extensions, Value::Array(a)) if !a.is_empty() => {
            ordered_list_into(out, a, Ty::Struct("NamedExtension", NAMED_EXTENSION), level)
        }
        _ => json_indent_into(out, v, level),
    }
}

fn ordered_list_into(out: &mut String, a: &[Value], item: Ty, level: usize) {
    use crate::kubectl::printers::gofmt::push_indent;
    out.push('[');
    for (i, x) in a.iter().enumerate() {
        out.push_str(if i > 0 { ",\n" } else { "\n" });
        push_indent(out, level + 1);
        json_ordered_into(out, x, item, level + 1);
    }
    out.push('\n');
    push_indent(out, level);
    out.push(']');
}
