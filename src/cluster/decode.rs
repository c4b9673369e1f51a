//! Strict decoding, as the API server does it for `fieldValidation=Strict` (what kubectl v1.32 asks
//! for by default): a manifest whose fields do not fit the kind's Go types is refused with the
//! server's own words, `strict decoding error: unknown field "spec.replicass"` for unknown fields and
//! `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32` for
//! values of the wrong type.
//!
//! The field schema is a compact text asset (`assets/api-fields.txt`), parsed once.

use super::api::ApiError;
use super::schema::ResourceType;
use base64::Engine;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

const FIELDS: &str = include_str!("../../assets/api-fields.txt");

/// The type of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ty {
    Str,
    I32,
    I64,
    Bool,
    F64,
    Time,
    IntOrString,
    Quantity,
    Bytes,
    Any,
    Array(Box<Ty>),
    Map(Box<Ty>),
    Struct(String),
}

/// One Go struct: its qualified Go name (`v1.PodSpec`) and its fields by JSON name.
#[derive(Debug)]
struct Struct {
    go_name: String,
    fields: HashMap<String, Ty>,
}

type Schema = HashMap<String, Struct>;

fn parse_ty(s: &str) -> Ty {
    if let Some(rest) = s.strip_prefix("[]") {
        return Ty::Array(Box::new(parse_ty(rest)));
    }
    if let Some(rest) = s.strip_prefix("{}") {
        return Ty::Map(Box::new(parse_ty(rest)));
    }
    match s {
        "s" => Ty::Str,
        "i32" => Ty::I32,
        "i64" => Ty::I64,
        "b" => Ty::Bool,
        "f" => Ty::F64,
        "t" => Ty::Time,
        "ios" => Ty::IntOrString,
        "q" => Ty::Quantity,
        "bytes" => Ty::Bytes,
        "any" => Ty::Any,
        "ms" => Ty::Map(Box::new(Ty::Str)),
        "mq" => Ty::Map(Box::new(Ty::Quantity)),
        other => Ty::Struct(other.to_string()),
    }
}

fn parse_schema(text: &str) -> Schema {
    let mut schema = Schema::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.trim_start().starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            let mut words = line.split_whitespace();
            let name = words.next().unwrap_or_default().to_string();
            let go_name = words.next().unwrap_or(&name).to_string();
            schema.insert(
                name.clone(),
                Struct {
                    go_name,
                    fields: HashMap::new(),
                },
            );
            current = Some(name);
            continue;
        }
        let Some(st) = current.as_ref().and_then(|c| schema.get_mut(c)) else {
            continue;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        for pair in words.chunks(2) {
            if let [field, ty] = pair {
                st.fields
                    .insert(field.trim_end_matches(':').to_string(), parse_ty(ty));
            }
        }
    }
    schema
}

fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| parse_schema(FIELDS))
}

/// Whether the strict decoder knows the fields of a kind.
pub fn knows(kind: &str) -> bool {
    schema().contains_key(kind)
}

/// Checks a manifest of a built-in kind against its Go types. Kinds without a schema pass.
pub fn strict(rt: &ResourceType, obj: &Value) -> Result<(), ApiError> {
    let Some(root) = schema().get(rt.kind) else {
        return Ok(());
    };
    let mut d = Decoder {
        schema: schema(),
        unknown: Vec::new(),
        type_error: None,
    };
    d.object(root, rt.kind, obj, "", "");
    let prefix = format!(
        "{kind} in version \"{v}\" cannot be handled as a {kind}: ",
        kind = rt.kind,
        v = rt.version
    );
    if let Some(e) = d.type_error {
        return Err(ApiError::bad_request(format!("{prefix}{e}")));
    }
    if !d.unknown.is_empty() {
        let list: Vec<String> = d
            .unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        return Err(ApiError::bad_request(format!(
            "{prefix}strict decoding error: {}",
            list.join(", ")
        )));
    }
    Ok(())
}

/// kubectl's own decoding of a manifest's `metadata`, before anything is sent: a value of the wrong
/// type there (`labels: {enabled: yes}` reads as a boolean) fails on the client with Go's JSON error.
pub fn client_metadata(obj: &Value) -> Result<(), String> {
    let (Some(meta), Some(st)) = (
        obj.get("metadata").filter(|m| m.is_object()),
        schema().get("ObjectMeta"),
    ) else {
        return Ok(());
    };
    let mut d = Decoder {
        schema: schema(),
        unknown: Vec::new(),
        type_error: None,
    };
    d.object(st, "ObjectMeta", meta, "metadata", "metadata");
    match d.type_error {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

struct Decoder<'s> {
    schema: &'s Schema,
    /// Paths of unknown fields, with array indexes (`spec.containers[0].imagee`).
    unknown: Vec<String>,
    /// The first value of the wrong type, as Go's JSON decoder words it.
    type_error: Option<String>,
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// How Go's JSON decoder names the type of a JSON value.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
        Value::Null => "null",
    }
}

impl Decoder<'_> {
    fn go_type(&self, ty: &Ty) -> String {
        match ty {
            Ty::Str | Ty::Time => "string".into(),
            Ty::I32 => "int32".into(),
            Ty::I64 => "int64".into(),
            Ty::Bool => "bool".into(),
            Ty::F64 => "float64".into(),
            Ty::IntOrString => "intstr.IntOrString".into(),
            Ty::Quantity => "resource.Quantity".into(),
            Ty::Bytes => "[]uint8".into(),
            Ty::Any => "interface {}".into(),
            Ty::Array(t) => format!("[]{}", self.go_type(t)),
            Ty::Map(t) => format!("map[string]{}", self.go_type(t)),
            Ty::Struct(n) => self
                .schema
                .get(n)
                .map(|s| s.go_name.clone())
                .unwrap_or_else(|| n.clone()),
        }
    }

    fn mismatch(&mut self, v: &Value, owner: &str, go_path: &str, ty: &Ty) {
        if self.type_error.is_some() {
            return;
        }
        let what = match (v, ty) {
            (Value::Number(n), Ty::I32 | Ty::I64) => format!("number {n}"),
            _ => json_kind(v).to_string(),
        };
        let owner = self
            .schema
            .get(owner)
            .and_then(|s| s.go_name.rsplit('.').next())
            .unwrap_or(owner)
            .to_string();
        self.type_error = Some(format!(
            "json: cannot unmarshal {what} into Go struct field {owner}.{go_path} of type {}",
            self.go_type(ty)
        ));
    }

    /// Decodes an object as struct `st`; `path` carries array indexes, `go_path` does not.
    fn object(&mut self, st: &Struct, name: &str, v: &Value, path: &str, go_path: &str) {
        let Value::Object(m) = v else { return };
        for (k, fv) in m {
            let fpath = join(path, k);
            let fgo = join(go_path, k);
            match st.fields.get(k) {
                None => self.unknown.push(fpath),
                Some(ty) => self.value(ty, fv, &fpath, &fgo, name),
            }
        }
    }

    fn value(&mut self, ty: &Ty, v: &Value, path: &str, go_path: &str, owner: &str) {
        if v.is_null() {
            return;
        }
        match ty {
            Ty::Any => {}
            Ty::Str | Ty::Time => {
                if !v.is_string() {
                    self.mismatch(v, owner, go_path, ty);
                }
            }
            Ty::Bool => {
                if !v.is_boolean() {
                    self.mismatch(v, owner, go_path, ty);
                }
            }
            Ty::F64 => {
                if !v.is_number() {
                    self.mismatch(v, owner, go_path, ty);
                }
            }
            Ty::I32 | Ty::I64 => {
                let ok = match v.as_i64() {
                    Some(n) => *ty == Ty::I64 || i32::try_from(n).is_ok(),
                    None => false,
                };
                if !ok {
                    self.mismatch(v, owner, go_path, ty);
                }
            }
            Ty::IntOrString => match v {
                Value::String(_) => {}
                Value::Number(n) if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) => {}
                _ => {
                    if self.type_error.is_none() {
                        let what = match v {
                            Value::Number(n) => format!("number {n}"),
                            _ => json_kind(v).to_string(),
                        };
                        self.type_error = Some(format!(
                            "json: cannot unmarshal {what} into Go value of type int32"
                        ));
                    }
                }
            },
            Ty::Quantity => match v {
                Value::String(s) => {
                    if !is_quantity(s) && self.type_error.is_none() {
                        self.type_error = Some("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".into());
                    }
                }
                Value::Number(_) => {}
                _ => self.mismatch(v, owner, go_path, ty),
            },
            Ty::Bytes => match v {
                Value::String(s) => {
                    if let Some(at) = base64_error(s) {
                        if self.type_error.is_none() {
                            self.type_error =
                                Some(format!("illegal base64 data at input byte {at}"));
                        }
                    }
                }
                _ => self.mismatch(v, owner, go_path, ty),
            },
            Ty::Array(inner) => match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        self.value(inner, item, &format!("{path}[{i}]"), go_path, owner);
                    }
                }
                _ => self.mismatch(v, owner, go_path, ty),
            },
            Ty::Map(inner) => match v {
                Value::Object(m) => {
                    for (k, item) in m {
                        self.value(inner, item, &format!("{path}.{k}"), go_path, owner);
                    }
                }
                _ => self.mismatch(v, owner, go_path, ty),
            },
            Ty::Struct(name) => {
                let Some(st) = self.schema.get(name) else {
                    return;
                };
                if v.is_object() {
                    self.object(st, name, v, path, go_path);
                } else {
                    self.mismatch(v, owner, go_path, ty);
                }
            }
        }
    }
}

/// Whether `s` is a resource quantity (`500m`, `1Gi`, `2`, `1e3`).
pub fn is_quantity(s: &str) -> bool {
    let s = s.trim();
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let num_len = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (num, suffix) = body.split_at(num_len);
    if num.is_empty() || num == "." || num.matches('.').count() > 1 {
        return false;
    }
    matches!(
        suffix,
        "" | "n"
            | "u"
            | "m"
            | "k"
            | "M"
            | "G"
            | "T"
            | "P"
            | "E"
            | "Ki"
            | "Mi"
            | "Gi"
            | "Ti"
            | "Pi"
            | "Ei"
    ) || (suffix.starts_with(['e', 'E'])
        && suffix[1..]
            .strip_prefix(['+', '-'])
            .unwrap_or(&suffix[1..])
            .chars()
            .all(|c| c.is_ascii_digit())
        && suffix.len() > 1)
}

/// Where Go's standard base64 decoder would stop on `s`, or None when it decodes.
fn base64_error(s: &str) -> Option<usize> {
    let cleaned: String = s.chars().filter(|c| *c != '\n' && *c != '\r').collect();
    if base64::engine::general_purpose::STANDARD
        .decode(cleaned.as_bytes())
        .is_ok()
    {
        return None;
    }
    let alphabet = |c: char| c.is_ascii_alphanumeric() || c == '+' || c == '/';
    let bytes: Vec<char> = cleaned.chars().collect();
    // The first character outside the alphabet (padding only at the end).
    let data_len = bytes
        .iter()
        .position(|c| !alphabet(*c))
        .unwrap_or(bytes.len());
    if data_len < bytes.len() {
        let pad: usize = bytes[data_len..].iter().take_while(|c| **c == '=').count();
        if pad == 0 || data_len + pad < bytes.len() || data_len % 4 < 2 {
            return Some(if pad == 0 { data_len } else { data_len + pad });
        }
        return Some(data_len);
    }
    // Only alphabet characters, but not a whole number of quantums.
    Some(data_len - data_len % 4)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::cluster::schema::lookup;
    use serde_json::json;

    fn check(kind: &str, obj: Value) -> Result<(), String> {
        strict(lookup(kind).expect("kind"), &obj).map_err(|e| e.message)
    }

    fn deployment() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
              "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
              "template": {"metadata": {"labels": {"app": "web"}, "creationTimestamp": null},
                "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}},
                  "ports": [{"containerPort": 80}]}]}}},
            "status": {}})
    }

    #[test]
    fn a_valid_deployment_decodes() {
        assert_eq!(check("deploy", deployment()), Ok(()));
    }

    #[test]
    fn a_misspelt_container_field_is_an_unknown_field() {
        let mut d = deployment();
        d["spec"]["template"]["spec"]["containers"][0]["imagee"] = json!("nginx");
        assert_eq!(
            check("deploy", d),
            Err("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.template.spec.containers[0].imagee\"".into())
        );
    }

    #[test]
    fn several_unknown_fields_are_listed_together() {
        let mut d = deployment();
        d["spec"]["replica"] = json!(3);
        d["metadata"]["spec"] = json!({});
        assert_eq!(
            check("deploy", d),
            Err("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"metadata.spec\", unknown field \"spec.replica\"".into())
        );
    }

    #[test]
    fn a_string_where_a_number_belongs_is_a_type_error() {
        let mut d = deployment();
        d["spec"]["replicas"] = json!("three");
        assert_eq!(
            check("deploy", d),
            Err("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32".into())
        );
        let mut d = deployment();
        d["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"] = json!("80");
        assert_eq!(
            check("deploy", d),
            Err("Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32".into())
        );
    }

    #[test]
    fn a_number_in_a_label_or_env_value_is_a_type_error() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"tier": 3}},
            "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
        assert_eq!(
            check("pod", pod),
            Err("Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string".into())
        );
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx", "env": [{"name": "PORT", "value": 8080}]}]}});
        assert_eq!(
            check("pod", pod),
            Err("Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field EnvVar.spec.containers.env.value of type string".into())
        );
    }

    #[test]
    fn secrets_need_base64_and_quantities_their_format() {
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"password": "not base64!"}});
        assert_eq!(
            check("secret", s),
            Err("Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 3".into())
        );
        let s = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"password": "cGFzcw=="}});
        assert_eq!(check("secret", s), Ok(()));
        let mut d = deployment();
        d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["memory"] =
            json!("128MB");
        assert!(check("deploy", d)
            .unwrap_err()
            .ends_with("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"));
    }

    #[test]
    fn quantities() {
        for q in ["1", "500m", "1.5Gi", "128Mi", "1e3", "0.5", "+1k"] {
            assert!(is_quantity(q), "{q}");
        }
        for q in ["", "Mi", "1MB", "abc", "1.2.3"] {
            assert!(!is_quantity(q), "{q}");
        }
    }

    #[test]
    fn every_object_the_cluster_itself_stores_decodes() {
        let mut s = crate::session::Session::sandbox(crate::session::ClockMode::Manual);
        for line in [
            "kubectl create deployment web --image=nginx --replicas=2",
            "kubectl expose deployment web --port=80",
            "kubectl create configmap cfg --from-literal=a=b",
            "kubectl create secret generic pw --from-literal=p=x",
            "kubectl create job once --image=busybox -- true",
            "kubectl create cronjob tick --image=busybox --schedule='*/5 * * * *' -- date",
            "kubectl create role r --verb=get --resource=pods",
            "kubectl create rolebinding rb --role=r --user=u",
            "kubectl create ingress ing --rule=a.com/x=web:80",
            "kubectl create quota q --hard=pods=10",
            "kubectl create sa bot",
            "kubectl create pdb pdb --selector=app=web --min-available=1",
        ] {
            let out = s.run(line);
            assert_eq!(out.code, 0, "{line}: {}", out.stderr);
        }
        s.world.advance(30);
        let mut checked = 0;
        for c in s.world.clusters.values() {
            for rt in crate::cluster::schema::RESOURCES {
                for o in c.list_all(rt.plural) {
                    assert_eq!(strict(rt, o).map_err(|e| e.message), Ok(()), "{o}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 30, "{checked}");
    }
}
