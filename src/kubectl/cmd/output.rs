//! Printing objects in the format `-o` asks for (shared by get, create, run, expose, apply ...).

use crate::cluster::{object, schema};
use crate::kubectl::printers::{custom_columns, jsonpath, yaml};
use serde_json::{json, Value};
use std::borrow::Borrow;

/// JSON as kubectl prints it: 4-space indentation, Go's escapes and number forms.
pub fn to_json(v: &Value) -> String {
    crate::kubectl::printers::gofmt::json_pretty(v)
}

/// `pod/nginx`, `deployment.apps/web`.
pub fn name_of(obj: &Value) -> String {
    let kind = object::kind(obj);
    let singular = schema::by_kind_any_version(kind)
        .map(|r| r.qualified_singular())
        .unwrap_or_else(|| {
            // A custom kind: its group comes from the apiVersion (`crontab.stable.example.com`).
            match object::str_at(obj, "apiVersion").rsplit_once('/') {
                Some((group, _)) => format!("{}.{group}", kind.to_ascii_lowercase()),
                None => kind.to_ascii_lowercase(),
            }
        });
    format!("{singular}/{}", object::name(obj))
}

/// Wraps several objects in a `List`.
pub fn list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

/// Whether `-o` asks for a machine format (not a table).
pub fn is_machine(output: &str) -> bool {
    !output.is_empty() && output != "wide"
}

/// Renders one object a kubectl generator built on the client (`create SUBCOMMAND`, `run`, `expose`
/// with `--dry-run=client`): kubectl prints its typed Go struct, so `-o json` keeps the struct's field
/// order; every other format is the same as for an object read from the server.
pub fn render_generated(output: &str, obj: &Value) -> Result<String, String> {
    if output == "json" {
        return Ok(crate::kubectl::printers::struct_order::json_pretty_typed(
            obj,
        ));
    }
    render(output, std::slice::from_ref(obj), true, false)
}

/// Renders objects in a machine format. `single` prints one object bare instead of a List.
pub fn render<T: Borrow<Value>>(
    output: &str,
    items: &[T],
    single: bool,
    no_headers: bool,
) -> Result<String, String> {
    let one = || {
        if single && items.len() == 1 {
            items[0].borrow().clone()
        } else {
            list(items.iter().map(|o| o.borrow().clone()).collect())
        }
    };
    if output == "yaml" {
        return Ok(yaml::to_yaml(&one()));
    }
    if output == "json" {
        return Ok(to_json(&one()));
    }
    if output == "name" {
        return Ok(items
            .iter()
            .map(|o| format!("{}\n", name_of(o.borrow())))
            .collect());
    }
    if let Some(t) = output.strip_prefix("jsonpath-as-json=") {
        return jsonpath::render_as_json(t, &one());
    }
    if let Some(t) = output.strip_prefix("jsonpath=") {
        return jsonpath::render(t, &one());
    }
    if let Some(t) = output.strip_prefix("custom-columns=") {
        return custom_columns::render(t, items, no_headers);
    }
    if output == "jsonpath" {
        return Err("template format specified but no template given".into());
    }
    Err(format!(
        "unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
    ))
}
