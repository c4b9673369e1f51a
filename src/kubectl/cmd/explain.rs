//! `kubectl explain TYPE[.field.path] [--recursive]` and `kubectl api-versions`, rendered from the field
//! schema in `assets/explain/schema.txt` in kubectl's (OpenAPI v3) plain-text format.

use crate::cluster::schema;
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::Ctx;
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub const FLAGS: &[FlagSpec] = &[
    flag("recursive", None),
    val("api-version", None),
    val("output", Some('o')),
];

const SCHEMA: &str = include_str!("../../../assets/explain/schema.txt");

/// One field of a type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub name: String,
    /// As the schema writes it: `string`, `[]Container`, `map[string]string`, `PodSpec`.
    pub ty: String,
    pub required: bool,
    pub enums: Vec<String>,
    pub description: String,
}

/// One type: a kind (with its group/version) or a nested object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypeDef {
    pub group_version: Option<String>,
    pub description: String,
    pub fields: Vec<Field>,
}

/// Parses the schema text. Errors name the line.
pub fn parse_schema(text: &str) -> Result<BTreeMap<String, TypeDef>, String> {
    let mut types: BTreeMap<String, TypeDef> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        let (head, desc) = match raw.split_once(" : ") {
            Some((h, d)) => (h, d.trim().to_string()),
            None => (raw, String::new()),
        };
        if let Some(rest) = head.strip_prefix("type ") {
            let mut parts = rest.split_whitespace();
            let name = parts
                .next()
                .ok_or(format!("line {n}: type without a name"))?;
            let gv = parts.next().map(String::from);
            types.insert(
                name.to_string(),
                TypeDef {
                    group_version: gv,
                    description: desc,
                    fields: Vec::new(),
                },
            );
            current = Some(name.to_string());
            continue;
        }
        let Some(cur) = current.as_ref().and_then(|c| types.get_mut(c)) else {
            return Err(format!("line {n}: field outside a type"));
        };
        if head.trim() == "+meta" {
            for (name, ty, d) in [
                ("apiVersion", "string", "The versioned schema this object is written in; servers convert known versions to the latest one."),
                ("kind", "string", "The REST resource this object represents, in CamelCase. Cannot be updated."),
                ("metadata", "ObjectMeta", "Standard object metadata: name, namespace, labels, annotations."),
            ] {
                cur.fields.push(Field {
                    name: name.into(),
                    ty: ty.into(),
                    required: false,
                    enums: Vec::new(),
                    description: d.into(),
                });
            }
            continue;
        }
        let mut parts = head.split_whitespace();
        let (Some(name), Some(ty)) = (parts.next(), parts.next()) else {
            return Err(format!("line {n}: a field needs a name and a type"));
        };
        let mut f = Field {
            name: name.into(),
            ty: ty.into(),
            required: false,
            enums: Vec::new(),
            description: desc,
        };
        for p in parts {
            if p == "!" {
                f.required = true;
            } else if let Some(e) = p.strip_prefix("enum=") {
                f.enums = e.split(',').map(String::from).collect();
            } else {
                return Err(format!("line {n}: unknown marker {p:?}"));
            }
        }
        cur.fields.push(f);
    }
    Ok(types)
}

fn types() -> &'static BTreeMap<String, TypeDef> {
    static T: OnceLock<BTreeMap<String, TypeDef>> = OnceLock::new();
    T.get_or_init(|| parse_schema(SCHEMA).unwrap_or_default())
}

/// The type a field's type names once lists and maps are peeled (`[]Container` -> `Container`).
fn element(ty: &str) -> &str {
    let t = ty.trim_start_matches("[]");
    t.strip_prefix("map[string]").unwrap_or(t)
}

/// How kubectl shows a type: `Time` is a string in the OpenAPI schema.
fn shown(ty: &str) -> String {
    if let Some((before, _)) = ty.split_once("Object#") {
        return format!("{before}Object");
    }
    ty.replace("Time", "string")
}

/// Words wrapped to `width` columns, each line indented.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for w in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + w.len() > width {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(w);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn field_line(out: &mut String, f: &Field, indent: &str) {
    let req = if f.required { " -required-" } else { "" };
    out.push_str(&format!("{indent}{}\t<{}>{req}\n", f.name, shown(&f.ty)));
    if !f.enums.is_empty() {
        out.push_str(&format!("{indent}enum: {}\n", f.enums.join(", ")));
    }
}

fn recursive(
    types: &BTreeMap<String, TypeDef>,
    out: &mut String,
    ty: &str,
    depth: usize,
    seen: &mut Vec<String>,
) {
    let Some(t) = types.get(ty) else { return };
    if seen.iter().any(|s| s == ty) || depth > 12 {
        return;
    }
    seen.push(ty.to_string());
    let indent = "  ".repeat(depth + 1);
    for f in &t.fields {
        field_line(out, f, &indent);
        recursive(types, out, element(&f.ty), depth + 1, seen);
    }
    seen.pop();
}

/// Renders `kubectl explain` for a dotted path (`pods.spec.containers`).
pub fn explain(path: &str, recursive_mode: bool) -> Result<String, String> {
    let mut parts = path.split('.').filter(|p| !p.is_empty());
    let Some(res) = parts.next() else {
        return Err("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.".into());
    };
    let Some(rt) = schema::lookup(res) else {
        return Err(format!("the server doesn't have a resource type \"{res}\""));
    };
    render(types(), rt, parts, recursive_mode)
}

/// Like [`explain`], with the current cluster's custom types too: their fields come from the
/// openAPIV3Schema of the CRD that defines them.
pub fn explain_in(
    cluster: Option<&crate::cluster::Cluster>,
    path: &str,
    recursive_mode: bool,
) -> Result<String, String> {
    let res = path.split('.').find(|p| !p.is_empty()).unwrap_or("");
    let custom = cluster.and_then(|c| {
        if schema::lookup(res).is_some() {
            return None;
        }
        let rt = c.lookup_type(res)?;
        let def = c.definition_of(rt)?;
        Some((
            rt,
            crate::cluster::crd::version_schema(def, rt.version)?.clone(),
        ))
    });
    let Some((rt, root)) = custom else {
        return explain(path, recursive_mode);
    };
    let mut all = types().clone();
    custom_types(&mut all, rt, &root);
    let parts = path.split('.').filter(|p| !p.is_empty()).skip(1);
    render(&all, rt, parts, recursive_mode)
}

/// The type of a schema node as `kubectl explain` shows it; nested objects get a type of their own
/// (named `Object#<path>`) added to `types`.
fn custom_field_type(
    types: &mut BTreeMap<String, TypeDef>,
    node: &serde_json::Value,
    path: &str,
) -> String {
    let flag = |k: &str| node.get(k).and_then(serde_json::Value::as_bool) == Some(true);
    if flag("x-kubernetes-int-or-string") {
        return "IntOrString".into();
    }
    match node
        .get("type")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
    {
        "array" => {
            let items = node.get("items").cloned().unwrap_or_default();
            format!(
                "[]{}",
                custom_field_type(types, &items, &format!("{path}[]"))
            )
        }
        "object" | "" => {
            if let Some(ap) = node.get("additionalProperties").filter(|a| a.is_object()) {
                return format!(
                    "map[string]{}",
                    custom_field_type(types, ap, &format!("{path}{{}}"))
                );
            }
            let name = format!("Object#{path}");
            let def = custom_type_def(types, node, path, None);
            types.insert(name.clone(), def);
            name
        }
        other => other.to_string(),
    }
}

fn custom_type_def(
    types: &mut BTreeMap<String, TypeDef>,
    node: &serde_json::Value,
    path: &str,
    group_version: Option<String>,
) -> TypeDef {
    let description = node
        .get("description")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("<empty>")
        .to_string();
    let required: Vec<&str> = node
        .get("required")
        .and_then(serde_json::Value::as_array)
        .map(|a| a.iter().filter_map(serde_json::Value::as_str).collect())
        .unwrap_or_default();
    let mut fields = Vec::new();
    if group_version.is_some() {
        if let Some(meta) = types.get("Pod").map(|p| p.fields.clone()) {
            fields.extend(
                meta.into_iter()
                    .filter(|f| matches!(f.name.as_str(), "apiVersion" | "kind" | "metadata")),
            );
        }
    }
    if let Some(props) = node
        .get("properties")
        .and_then(serde_json::Value::as_object)
    {
        for (name, sub) in props {
            if group_version.is_some()
                && matches!(name.as_str(), "apiVersion" | "kind" | "metadata")
            {
                continue;
            }
            let ty = custom_field_type(types, sub, &format!("{path}.{name}"));
            fields.push(Field {
                name: name.clone(),
                ty,
                required: required.contains(&name.as_str()),
                enums: sub
                    .get("enum")
                    .and_then(serde_json::Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|v| {
                                v.as_str()
                                    .map(|s| format!("{s:?}"))
                                    .unwrap_or_else(|| v.to_string())
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                description: sub
                    .get("description")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or("<no description>")
                    .to_string(),
            });
        }
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    TypeDef {
        group_version,
        description,
        fields,
    }
}

/// Adds the types of a custom kind (its root under the kind's name) to `types`.
fn custom_types(
    types: &mut BTreeMap<String, TypeDef>,
    rt: &schema::ResourceType,
    root: &serde_json::Value,
) {
    let def = custom_type_def(types, root, rt.kind, Some(rt.api_version()));
    types.insert(rt.kind.to_string(), def);
}

fn render<'p>(
    types: &BTreeMap<String, TypeDef>,
    rt: &schema::ResourceType,
    parts: impl Iterator<Item = &'p str>,
    recursive_mode: bool,
) -> Result<String, String> {
    let Some(root) = types.get(rt.kind) else {
        return Err(format!(
            "kubedojo has no field schema for {} yet; see https://kubernetes.io/docs/reference/kubernetes-api/",
            rt.kind
        ));
    };
    let mut out = String::new();
    if !rt.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", rt.group));
    }
    out.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        rt.kind, rt.version
    ));
    let mut ty_name = rt.kind.to_string();
    let mut desc = root.description.clone();
    let mut field: Option<Field> = None;
    for p in parts {
        let t = types.get(element(&ty_name));
        let Some(f) = t.and_then(|t| t.fields.iter().find(|f| f.name == p)) else {
            return Err(format!("field \"{p}\" does not exist"));
        };
        ty_name = f.ty.clone();
        desc = f.description.clone();
        field = Some(f.clone());
    }
    if let Some(f) = &field {
        out.push_str(&format!("FIELD: {} <{}>\n", f.name, shown(&f.ty)));
        if !f.enums.is_empty() {
            out.push_str("ENUM:\n");
            for e in &f.enums {
                out.push_str(&format!("    {e}\n"));
            }
        }
        out.push('\n');
    }
    out.push_str("DESCRIPTION:\n");
    let inner = types.get(element(&ty_name));
    let desc = match (&field, inner) {
        // A field of an object type: kubectl shows the field's text, then the type's.
        (Some(_), Some(t)) if !t.description.is_empty() => format!("{desc}\n{}", t.description),
        _ => desc,
    };
    for para in desc.split('\n') {
        out.push_str(&wrap(para, 76, "    "));
    }
    out.push_str("    \n");
    if let Some(t) = inner.filter(|t| !t.fields.is_empty()) {
        out.push_str("FIELDS:\n");
        if recursive_mode {
            for f in &t.fields {
                field_line(&mut out, f, "  ");
                recursive(
                    types,
                    &mut out,
                    element(&f.ty),
                    1,
                    &mut vec![element(&ty_name).to_string()],
                );
            }
        } else {
            for f in &t.fields {
                field_line(&mut out, f, "  ");
                out.push_str(&wrap(&f.description, 76, "    "));
                out.push('\n');
            }
        }
    }
    Ok(out)
}

pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    if args.len() > 1 {
        return ctx.error("We accept only this format: explain RESOURCE\n");
    }
    let path = args.first().cloned().unwrap_or_default();
    match explain_in(ctx.cluster_ref(), &path, ctx.flags.is_set("recursive")) {
        Ok(s) => ctx.print(&s),
        Err(e) => ctx.error(&e),
    }
}

/// `kubectl api-versions`: every group/version the cluster serves, sorted.
pub fn api_versions(ctx: &mut Ctx<'_>) {
    let mut gvs: Vec<String> = schema::RESOURCES.iter().map(|r| r.api_version()).collect();
    if let Some(c) = ctx.cluster_ref() {
        for crd in c.list_all(crate::cluster::crd::CRDS) {
            if crate::cluster::crd::established(crd) {
                let group = crate::cluster::object::str_at(crd, "spec.group");
                for v in crate::cluster::crd::served_versions(crd) {
                    gvs.push(format!("{group}/{v}"));
                }
            }
        }
    }
    // Served alongside the ones kubedojo models, as a v1.32 control plane does.
    for extra in [
        "admissionregistration.k8s.io/v1",
        "apiregistration.k8s.io/v1",
        "authentication.k8s.io/v1",
        "authorization.k8s.io/v1",
        "autoscaling/v1",
        "flowcontrol.apiserver.k8s.io/v1",
        "node.k8s.io/v1",
    ] {
        gvs.push(extra.to_string());
    }
    gvs.sort();
    gvs.dedup();
    for g in gvs {
        ctx.println(&g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_asset_parses_and_every_kind_is_known() {
        let t = parse_schema(SCHEMA).expect("schema parses");
        for (name, def) in &t {
            if def.group_version.is_some() {
                assert!(
                    schema::by_kind_any_version(name).is_some(),
                    "{name} is not a kind the cluster serves"
                );
            }
        }
        assert!(t.contains_key("PodSpec"));
    }

    #[test]
    fn bad_lines_name_their_line() {
        assert_eq!(
            parse_schema("  name string"),
            Err("line 1: field outside a type".into())
        );
        assert_eq!(
            parse_schema("type A\n  x string ?"),
            Err("line 2: unknown marker \"?\"".into())
        );
    }

    #[test]
    fn unknown_field_message() {
        assert_eq!(
            explain("pod.spec.foo", false),
            Err("field \"foo\" does not exist".into())
        );
        assert_eq!(
            explain("nope", false),
            Err("the server doesn't have a resource type \"nope\"".into())
        );
    }
}
