//! CustomResourceDefinitions (`apiextensions.k8s.io/v1`): their validation, defaulting and status,
//! and the resource types an established definition adds to the cluster that holds it.
//!
//! The type registry of a cluster is the static table of built-in kinds plus one type per
//! established CRD in that cluster's store. Custom types are derived from the store on demand, so a
//! cluster's registry can never disagree with its CRDs (etcd restore, cloning, deletion all just
//! work). The rest of the cluster and kubectl hold `&'static ResourceType`, so a custom type is
//! leaked once and interned: defining the same CRD again, in any cluster, reuses the same type;
//! only a new shape of names (a new short name, a new version) costs a few more bytes.

use super::api::ApiError;
use super::schema::{self, ResourceType};
use super::{object, Cluster};
use serde_json::{json, Value};
use std::sync::{Mutex, OnceLock};

/// The plural of the CRD kind itself.
pub const CRDS: &str = "customresourcedefinitions";
const CRD_KIND: &str = "CustomResourceDefinition";

fn interned() -> &'static Mutex<Vec<&'static ResourceType>> {
    static TYPES: OnceLock<Mutex<Vec<&'static ResourceType>>> = OnceLock::new();
    TYPES.get_or_init(|| Mutex::new(Vec::new()))
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// The interned type for these names; leaked the first time this exact shape is seen.
fn intern(
    kind: &str,
    plural: &str,
    singular: &str,
    short: &[String],
    group: &str,
    version: &str,
    namespaced: bool,
) -> &'static ResourceType {
    let mut list = interned().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(rt) = list.iter().find(|r| {
        r.kind == kind
            && r.plural == plural
            && r.singular == singular
            && r.short.len() == short.len()
            && r.short.iter().zip(short).all(|(a, b)| *a == b.as_str())
            && r.group == group
            && r.version == version
            && r.namespaced == namespaced
    }) {
        return rt;
    }
    let shorts: Vec<&'static str> = short.iter().map(|s| leak(s)).collect();
    let rt: &'static ResourceType = Box::leak(Box::new(ResourceType {
        kind: leak(kind),
        plural: leak(plural),
        singular: leak(singular),
        short: Box::leak(shorts.into_boxed_slice()),
        group: leak(group),
        version: leak(version),
        namespaced,
    }));
    list.push(rt);
    rt
}

/// Whether a type is one of the built-in kinds (not defined by a CRD).
pub fn is_builtin(rt: &ResourceType) -> bool {
    schema::RESOURCES.iter().any(|r| std::ptr::eq(r, rt))
}

/// Whether a CRD's `Established` condition is True.
pub fn established(crd: &Value) -> bool {
    object::array(crd, "status.conditions").iter().any(|c| {
        c.get("type").and_then(Value::as_str) == Some("Established")
            && c.get("status").and_then(Value::as_str) == Some("True")
    })
}

/// The names of a CRD's served versions, in its order.
pub fn served_versions(crd: &Value) -> Vec<&str> {
    object::array(crd, "spec.versions")
        .iter()
        .filter(|v| v.get("served").and_then(Value::as_bool) == Some(true))
        .filter_map(|v| v.get("name").and_then(Value::as_str))
        .collect()
}

/// The version kubectl prefers for a CRD: the storage version when served, else the first served.
fn preferred_version(crd: &Value) -> Option<&str> {
    let versions = object::array(crd, "spec.versions");
    versions
        .iter()
        .find(|v| {
            v.get("storage").and_then(Value::as_bool) == Some(true)
                && v.get("served").and_then(Value::as_bool) == Some(true)
        })
        .and_then(|v| v.get("name").and_then(Value::as_str))
        .or_else(|| served_versions(crd).into_iter().next())
}

/// The resource type an established CRD serves, in `version` (its preferred version when `None`).
pub fn type_of_definition(crd: &Value, version: Option<&str>) -> Option<&'static ResourceType> {
    if !established(crd) {
        return None;
    }
    let version = match version {
        Some(v) => served_versions(crd).into_iter().find(|s| *s == v)?,
        None => preferred_version(crd)?,
    };
    let names = object::get(crd, "status.acceptedNames")
        .filter(|n| n.get("plural").is_some())
        .or_else(|| object::get(crd, "spec.names"))?;
    let s = |k: &str| names.get(k).and_then(Value::as_str).unwrap_or("");
    let short: Vec<String> = names
        .get("shortNames")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default();
    Some(intern(
        s("kind"),
        s("plural"),
        s("singular"),
        &short,
        object::str_at(crd, "spec.group"),
        version,
        object::str_at(crd, "spec.scope") != "Cluster",
    ))
}

/// The custom types the given CRDs define.
pub fn types_in<'a>(crds: impl Iterator<Item = &'a Value>) -> Vec<&'static ResourceType> {
    crds.filter_map(|c| type_of_definition(c, None)).collect()
}

fn name_matches(rt: &ResourceType, base: &str) -> bool {
    rt.plural == base
        || rt.singular == base
        || rt.short.contains(&base)
        || rt.kind.eq_ignore_ascii_case(base)
}

impl Cluster {
    /// The types the CRDs of this cluster add, in `kubectl api-resources` order (by group, then name).
    pub fn custom_types(&self) -> Vec<&'static ResourceType> {
        let mut v = types_in(self.list_all(CRDS).into_iter());
        v.sort_by(|a, b| (a.group, a.plural).cmp(&(b.group, b.plural)));
        v
    }

    /// Every type this cluster serves: the built-in kinds, then its custom ones.
    pub fn resource_types(&self) -> Vec<&'static ResourceType> {
        let mut v: Vec<&'static ResourceType> = schema::RESOURCES.iter().collect();
        v.extend(self.custom_types());
        v
    }

    /// Finds a type by any name kubectl accepts (plural, singular, short name, kind, `plural.group`,
    /// `plural.version.group`), built-in kinds first, then the cluster's custom ones.
    pub fn lookup_type(&self, name: &str) -> Option<&'static ResourceType> {
        if let Some(rt) = schema::lookup(name) {
            return Some(rt);
        }
        let lower = name.to_ascii_lowercase();
        let (base, group) = match lower.split_once('.') {
            Some((b, g)) => (b, Some(g)),
            None => (lower.as_str(), None),
        };
        for crd in self.list_all(CRDS) {
            let Some(rt) = type_of_definition(crd, None) else {
                continue;
            };
            if !name_matches(rt, base) {
                continue;
            }
            match group {
                None => return Some(rt),
                Some(g) if rt.group == g || rt.group.starts_with(&format!("{g}.")) => {
                    return Some(rt)
                }
                Some(g) => {
                    // `crontabs.v1.stable.example.com` names a version too.
                    if let Some((v, rest)) = g.split_once('.') {
                        if rest == rt.group {
                            if let Some(t) = type_of_definition(crd, Some(v)) {
                                return Some(t);
                            }
                        }
                    }
                }
            }
        }
        None
    }

    /// The type a manifest names through `apiVersion` and `kind`: a built-in kind, or a kind a CRD of
    /// this cluster serves in that version.
    pub fn type_of(&self, obj: &Value) -> Result<&'static ResourceType, ApiError> {
        let builtin = super::resource_of(obj);
        if builtin.is_ok() {
            return builtin;
        }
        let kind = object::kind(obj);
        let av = object::str_at(obj, "apiVersion");
        let (group, version) = av.rsplit_once('/').unwrap_or(("", av));
        self.list_all(CRDS)
            .into_iter()
            .filter(|c| {
                object::str_at(c, "spec.group") == group
                    && object::str_at(c, "spec.names.kind") == kind
            })
            .find_map(|c| type_of_definition(c, Some(version)))
            .ok_or_else(|| builtin.err().unwrap_or_else(|| ApiError::bad_request("")))
    }

    /// The CRD that defines a custom type.
    pub fn definition_of(&self, rt: &ResourceType) -> Option<&Value> {
        if is_builtin(rt) {
            return None;
        }
        self.peek(CRDS, "", &format!("{}.{}", rt.plural, rt.group))
    }

    /// What deleting a CRD does beyond removing it: every object of its type goes too.
    pub(crate) fn definition_deleted(&mut self, crd: &Value) {
        let plural = object::str_at(crd, "spec.names.plural").to_string();
        let group = object::str_at(crd, "spec.group").to_string();
        // Another CRD may share the plural in another group: keep its objects.
        let keep: Vec<(String, String)> = self
            .list_all(&plural)
            .into_iter()
            .filter(|o| {
                let av = object::str_at(o, "apiVersion");
                av.rsplit_once('/').map(|(g, _)| g) != Some(group.as_str())
            })
            .map(|o| {
                (
                    object::namespace(o).to_string(),
                    object::name(o).to_string(),
                )
            })
            .collect();
        let gone: Vec<(String, String)> = self
            .list_all(&plural)
            .into_iter()
            .map(|o| {
                (
                    object::namespace(o).to_string(),
                    object::name(o).to_string(),
                )
            })
            .filter(|k| !keep.contains(k))
            .collect();
        for (ns, name) in gone {
            self.remove_raw(&plural, &ns, &name);
        }
    }
}

/// Go's rendering of a value in an `Invalid value:` cause.
fn go_value(v: &str) -> String {
    format!("\"{v}\"")
}

/// Fills what the API server defaults on a CRD: `names.singular` (the kind in lower case),
/// `names.listKind` (`<Kind>List`), `conversion.strategy: None`, and per version nothing else.
pub fn default_definition(crd: &mut Value) {
    let kind = object::str_at(crd, "spec.names.kind").to_string();
    if object::str_at(crd, "spec.names.singular").is_empty() && !kind.is_empty() {
        object::set(crd, "spec.names.singular", json!(kind.to_ascii_lowercase()));
    }
    if object::str_at(crd, "spec.names.listKind").is_empty() && !kind.is_empty() {
        object::set(crd, "spec.names.listKind", json!(format!("{kind}List")));
    }
    if object::get(crd, "spec.conversion").is_none() {
        object::set(crd, "spec.conversion", json!({"strategy": "None"}));
    }
}

/// The API server's validation of a CRD (after defaulting). Returns the causes, in its order.
pub fn validate_definition(crd: &Value) -> Vec<String> {
    let mut causes = Vec::new();
    let name = object::name(crd);
    let group = object::str_at(crd, "spec.group");
    let plural = object::str_at(crd, "spec.names.plural");
    if !name.is_empty() && name != format!("{plural}.{group}") {
        causes.push(format!(
            "metadata.name: Invalid value: {}: must be spec.names.plural+\".\"+spec.group",
            go_value(name)
        ));
    }
    if group.is_empty() {
        causes.push("spec.group: Required value".into());
    } else if !super::validate::is_dns_subdomain(group) {
        causes.push(format!("spec.group: Invalid value: {}: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')", go_value(group)));
    } else if !group.contains('.') {
        causes.push(format!(
            "spec.group: Invalid value: {}: should be a domain with at least one dot",
            go_value(group)
        ));
    }
    match object::str_at(crd, "spec.scope") {
        "" => causes.push("spec.scope: Required value".into()),
        "Cluster" | "Namespaced" => {}
        other => causes.push(format!(
            "spec.scope: Unsupported value: {}: supported values: \"Cluster\", \"Namespaced\"",
            go_value(other)
        )),
    }
    let versions = object::array(crd, "spec.versions");
    if versions.is_empty() {
        causes.push("spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion(nil): must have exactly one version marked as storage version".into());
    }
    let mut storage = 0;
    let mut seen: Vec<&str> = Vec::new();
    let mut unique = true;
    for (i, v) in versions.iter().enumerate() {
        let vname = v.get("name").and_then(Value::as_str).unwrap_or("");
        if v.get("storage").and_then(Value::as_bool) == Some(true) {
            storage += 1;
        }
        if seen.contains(&vname) {
            unique = false;
        }
        seen.push(vname);
        if !super::validate::is_dns_label(vname)
            || !vname.starts_with(|c: char| c.is_ascii_lowercase())
        {
            causes.push(format!("spec.versions[{i}].name: Invalid value: {}: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')", go_value(vname)));
        }
        let path = format!("spec.versions[{i}].schema.openAPIV3Schema");
        match v.get("schema").and_then(|s| s.get("openAPIV3Schema")) {
            None => causes.push(format!("{path}: Required value: schemas are required")),
            Some(s) => super::openapi::validate_schema(s, &path, true, &mut causes),
        }
        for (j, col) in v
            .get("additionalPrinterColumns")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            let cp = format!("spec.versions[{i}].additionalPrinterColumns[{j}]");
            let s = |k: &str| col.get(k).and_then(Value::as_str).unwrap_or("");
            if s("name").is_empty() {
                causes.push(format!("{cp}.name: Required value"));
            }
            match s("type") {
                "" => causes.push(format!("{cp}.type: Required value")),
                "integer" | "number" | "string" | "boolean" | "date" => {}
                t => causes.push(format!("{cp}.type: Unsupported value: {}: supported values: \"boolean\", \"date\", \"integer\", \"number\", \"string\"", go_value(t))),
            }
            if s("jsonPath").is_empty() {
                causes.push(format!("{cp}.jsonPath: Required value"));
            }
        }
    }
    if !versions.is_empty() && !unique {
        causes.push(format!(
            "spec.versions: Invalid value: {}: must contain unique version names",
            versions_value(versions)
        ));
    }
    if !versions.is_empty() && storage != 1 {
        causes.push(format!(
            "spec.versions: Invalid value: {}: must have exactly one version marked as storage version",
            versions_value(versions)
        ));
    }
    for key in ["plural", "singular", "kind", "listKind"] {
        if object::str_at(crd, &format!("spec.names.{key}")).is_empty() {
            causes.push(format!("spec.names.{key}: Required value"));
        }
    }
    let label_msg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    for key in ["plural", "singular"] {
        let v = object::str_at(crd, &format!("spec.names.{key}"));
        if !v.is_empty() && !super::validate::is_dns_label(v) {
            causes.push(format!(
                "spec.names.{key}: Invalid value: {}: {label_msg}",
                go_value(v)
            ));
        }
    }
    for (i, s) in object::array(crd, "spec.names.shortNames")
        .iter()
        .enumerate()
    {
        let v = s.as_str().unwrap_or("");
        if !super::validate::is_dns_label(v) {
            causes.push(format!(
                "spec.names.shortNames[{i}]: Invalid value: {}: {label_msg}",
                go_value(v)
            ));
        }
    }
    let kind = object::str_at(crd, "spec.names.kind");
    let list_kind = object::str_at(crd, "spec.names.listKind");
    if !kind.is_empty() && kind == list_kind {
        causes.push(format!(
            "spec.names.listKind: Invalid value: {}: kind and listKind may not be the same",
            go_value(list_kind)
        ));
    }
    match object::str_at(crd, "spec.conversion.strategy") {
        "None" | "Webhook" => {}
        "" => causes.push("spec.conversion.strategy: Required value".into()),
        other => causes.push(format!(
            "spec.conversion.strategy: Unsupported value: {}: supported values: \"None\", \"Webhook\"",
            go_value(other)
        )),
    }
    causes
}

/// Go's `%#v`-like rendering of `spec.versions` in a cause, shortened to the fields that matter.
fn versions_value(versions: &[Value]) -> String {
    let items: Vec<String> = versions
        .iter()
        .map(|v| {
            format!(
                "apiextensions.CustomResourceDefinitionVersion{{Name:\"{}\", Served:{}, Storage:{}, ...}}",
                v.get("name").and_then(Value::as_str).unwrap_or(""),
                v.get("served").and_then(Value::as_bool).unwrap_or(false),
                v.get("storage").and_then(Value::as_bool).unwrap_or(false)
            )
        })
        .collect();
    format!(
        "[]apiextensions.CustomResourceDefinitionVersion{{{}}}",
        items.join(", ")
    )
}

/// Validation of a CRD update on top of `validate_definition`: the group and plural name the stored
/// objects and never change; once established, neither do the scope and kind.
pub fn validate_definition_update(old: &Value, new: &Value) -> Vec<String> {
    let mut causes = Vec::new();
    let mut immutable = |path: &str, check: bool| {
        let a = object::str_at(old, path);
        let b = object::str_at(new, path);
        if check && a != b {
            causes.push(format!(
                "{path}: Invalid value: {}: field is immutable",
                go_value(b)
            ));
        }
    };
    let est = established(old);
    immutable("spec.scope", est);
    immutable("spec.names.kind", est);
    immutable("spec.group", true);
    immutable("spec.names.plural", true);
    causes
}

/// Sets the status the apiextensions controllers would: names accepted, established, the storage
/// version recorded. Conditions keep their transition times when they do not change.
pub fn set_status(crd: &mut Value, now: &str, old: Option<&Value>) {
    let names = object::get(crd, "spec.names").cloned().unwrap_or(json!({}));
    let storage: Vec<String> = object::array(crd, "spec.versions")
        .iter()
        .filter(|v| v.get("storage").and_then(Value::as_bool) == Some(true))
        .filter_map(|v| v.get("name").and_then(Value::as_str).map(String::from))
        .collect();
    let mut stored: Vec<String> = old
        .map(|o| {
            object::array(o, "status.storedVersions")
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    for s in storage {
        if !stored.contains(&s) {
            stored.push(s);
        }
    }
    let since = |ty: &str| {
        old.and_then(|o| {
            object::array(o, "status.conditions")
                .iter()
                .find(|c| c.get("type").and_then(Value::as_str) == Some(ty))
                .and_then(|c| c.get("lastTransitionTime").and_then(Value::as_str))
                .map(String::from)
        })
        .unwrap_or_else(|| now.to_string())
    };
    object::set(
        crd,
        "status",
        json!({
            "acceptedNames": names,
            "conditions": [
                {"lastTransitionTime": since("NamesAccepted"), "message": "no conflicts found", "reason": "NoConflicts", "status": "True", "type": "NamesAccepted"},
                {"lastTransitionTime": since("Established"), "message": "the initial names have been accepted", "reason": "InitialNamesAccepted", "status": "True", "type": "Established"},
            ],
            "storedVersions": stored,
        }),
    );
}

/// The schema of a version of a CRD (`spec.versions[].schema.openAPIV3Schema`).
pub fn version_schema<'a>(crd: &'a Value, version: &str) -> Option<&'a Value> {
    object::array(crd, "spec.versions")
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))
        .and_then(|v| v.get("schema"))
        .and_then(|s| s.get("openAPIV3Schema"))
}

/// The printer columns of a version of a CRD.
pub fn printer_columns<'a>(crd: &'a Value, version: &str) -> &'a [Value] {
    object::array(crd, "spec.versions")
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))
        .and_then(|v| v.get("additionalPrinterColumns"))
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Decodes a custom object as the API server does for a CRD's type: unknown fields are an error
/// (strict field validation, what kubectl asks for), the schema's defaults are filled in, and the
/// values are checked against the schema. `BadRequest` for unknown fields, `Invalid` for the rest.
pub fn admit_custom(c: &Cluster, rt: &ResourceType, obj: &mut Value) -> Result<(), ApiError> {
    let Some(crd) = c.definition_of(rt) else {
        return Ok(());
    };
    let Some(schema) = version_schema(crd, rt.version) else {
        return Ok(());
    };
    let schema = schema.clone();
    let unknown = super::openapi::unknown_fields(&schema, obj);
    if !unknown.is_empty() {
        let list: Vec<String> = unknown
            .iter()
            .map(|f| format!("unknown field \"{f}\""))
            .collect();
        return Err(ApiError::bad_request(format!(
            "{kind} in version \"{v}\" cannot be handled as a {kind}: strict decoding error: {}",
            list.join(", "),
            kind = rt.kind,
            v = rt.version
        )));
    }
    super::openapi::apply_defaults(&schema, obj);
    let causes = super::openapi::validate_value(&schema, obj);
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(
            rt.kind,
            rt.group,
            object::name(obj),
            causes,
        ))
    }
}

/// Prepares a CRD for storage: defaults, validation (create, or update against `old`), status.
pub fn admit_definition(crd: &mut Value, now: &str, old: Option<&Value>) -> Result<(), ApiError> {
    default_definition(crd);
    let mut causes = validate_definition(crd);
    if let Some(o) = old {
        causes.extend(validate_definition_update(o, crd));
    }
    if !causes.is_empty() {
        return Err(ApiError::invalid(
            CRD_KIND,
            "apiextensions.k8s.io",
            object::name(crd),
            causes,
        ));
    }
    set_status(crd, now, old);
    Ok(())
}
