//! kubectl's JSONPath dialect (client-go's `util/jsonpath`), as `kubectl get -o jsonpath=...` uses it:
//! text with `{...}` actions, fields (`.a.b`, `['a.b']`, `.a\.b`), `[i]`, `[-1]`, `[a:b:step]`, `[*]`,
//! unions `[0,2]`, `..` recursive descent, `*`, filters `[?(@.type=="Ready")]`, `{range ...}{end}`,
//! string literals `{"\n"}` and `{@}` / `{$}` for the current object.
//!
//! Results of one action are joined with spaces; maps and lists print as compact JSON, strings raw, and
//! numbers as Go prints them. Missing keys print nothing. Where Go iterates a map in random order
//! (`*`, `..`), this engine uses key order.

use serde_json::Value;

mod eval;
mod parse;

use eval::{format_val_v, print_results, print_results_json, Exec, Val};
use parse::{parse, Node};

use super::gofmt::{format_sharp_v, quote};

/// Renders a JSONPath template against a value, allowing missing keys as kubectl does by default.
///
/// Errors are kubectl's messages as printed after `error: `, without the final newline.
pub fn render(template: &str, v: &Value) -> Result<String, String> {
    render_with(template, v, true)
}

/// Like [`render`], with `allow_missing_keys` as `--allow-missing-template-keys` sets it.
pub fn render_with(template: &str, v: &Value, allow_missing_keys: bool) -> Result<String, String> {
    render_impl(template, v, allow_missing_keys, false)
}

/// `-o jsonpath-as-json=...`: each top-level node's results as an indented JSON array.
pub fn render_as_json(template: &str, v: &Value) -> Result<String, String> {
    render_impl(template, v, true, true)
}

fn render_impl(
    template: &str,
    v: &Value,
    allow_missing_keys: bool,
    as_json: bool,
) -> Result<String, String> {
    if template.is_empty() {
        return Err("template format specified but no template given".into());
    }
    let root = parse(template).map_err(|e| format!("error parsing jsonpath {template}, {e}"))?;
    let mut exec = Exec::new(allow_missing_keys);
    let executed = exec
        .find_results(&root, 0, Val::J(v), 0)
        .and_then(|groups| {
            let mut out = String::new();
            for group in &groups {
                if as_json {
                    print_results_json(&mut out, group)?;
                } else {
                    print_results(&mut out, group)?;
                }
            }
            Ok(out)
        });
    executed.map_err(|e| {
        format!(
            "error executing jsonpath {}: Error executing template: {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{}\n\tobject given to jsonpath engine was:\n\t\t{}\n\n",
            quote(template),
            e,
            template,
            format_sharp_v(v)
        )
    })
}

/// The object as kubectl's JSONPath printer sees a typed object (one kubectl built itself, as `create`,
/// `run` or `expose` do with `--dry-run=client`): it round-trips through JSON into `float64`s, so every
/// number is a float. `{.spec.replicas}` then prints `1e+06` for a million, and filters comparing a
/// number with an integer literal fail with `incompatible types for comparison`. Objects read from the
/// API server (`kubectl get`) keep integers; render those as they are.
pub fn typed_numbers(v: &Value) -> Value {
    match v {
        Value::Number(n) if !n.is_f64() => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| v.clone()),
        Value::Array(a) => Value::Array(a.iter().map(typed_numbers).collect()),
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), typed_numbers(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A parsed template, usable for several objects (custom columns evaluate one per column).
#[derive(Debug, Clone)]
pub struct Template {
    root: Vec<Node>,
}

impl Template {
    /// Parses a template; the error is the parser's own message (`unterminated array`, ...).
    pub fn parse(template: &str) -> Result<Self, String> {
        Ok(Template {
            root: parse(template)?,
        })
    }

    /// Evaluates the template with missing keys allowed and returns, for each top-level node, the values
    /// it found formatted with `fmt`'s `%v` (as custom columns print them).
    pub fn find_values_v(&self, v: &Value) -> Result<Vec<Vec<String>>, String> {
        let mut exec = Exec::new(true);
        let groups = exec.find_results(&self.root, 0, Val::J(v), 0)?;
        Ok(groups
            .iter()
            .map(|g| g.iter().map(format_val_v).collect())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::parse::{parse_nested, MAX_NESTING};
    use super::*;
    use serde_json::json;

    fn pods() -> Value {
        json!({
            "kind": "List",
            "items": [
                {"metadata": {"name": "web-1", "labels": {"app": "web", "app.kubernetes.io/name": "shop"}},
                 "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "busybox"}], "nodeName": "node-1"},
                 "status": {"phase": "Running", "restartCount": 2, "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}]}},
                {"metadata": {"name": "db-0", "labels": {"app": "db"}},
                 "spec": {"containers": [{"name": "postgres", "image": "postgres:16"}]},
                 "status": {"phase": "Pending", "restartCount": 0, "conditions": [{"type": "Ready", "status": "False"}]}}
            ]
        })
    }

    fn r(t: &str) -> Result<String, String> {
        render(t, &pods())
    }

    #[test]
    fn fields_and_wildcards() {
        assert_eq!(r("{.items[*].metadata.name}"), Ok("web-1 db-0".into()));
        assert_eq!(
            r("{.items[0].spec.containers[*].image}"),
            Ok("nginx:1.27 busybox".into())
        );
        assert_eq!(r("{.items[-1].metadata.name}"), Ok("db-0".into()));
        assert_eq!(r("{.items[0:1].metadata.name}"), Ok("web-1".into()));
        assert_eq!(
            r("{.items[0,1].status.phase}"),
            Ok("Running Pending".into())
        );
        assert_eq!(
            r("{.items[0].metadata.labels}"),
            Ok(r#"{"app":"web","app.kubernetes.io/name":"shop"}"#.into())
        );
        assert_eq!(
            r("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}"),
            Ok("shop".into())
        );
        assert_eq!(r("{.items[0].metadata.labels['app']}"), Ok("web".into()));
        assert_eq!(r("{.items[*].status.restartCount}"), Ok("2 0".into()));
        assert_eq!(
            r("{.kind}{.nope}{.items[0].nope.deeper}"),
            Ok("List".into())
        );
        assert_eq!(r("{..image}"), Ok("nginx:1.27 busybox postgres:16".into()));
    }

    #[test]
    fn filters_compare_like_text_template() {
        assert_eq!(
            r("{.items[?(@.status.phase==\"Running\")].metadata.name}"),
            Ok("web-1".into())
        );
        assert_eq!(
            r("{.items[?(@.status.restartCount>1)].metadata.name}"),
            Ok("web-1".into())
        );
        assert_eq!(
            r("{.items[?(@.status.restartCount<=0)].metadata.name}"),
            Ok("db-0".into())
        );
        assert_eq!(
            r("{.items[?(@.spec.nodeName)].metadata.name}"),
            Ok("web-1".into())
        );
        assert_eq!(
            r("{.items[0].status.conditions[?(@.type=='Ready')].status}"),
            Ok("True".into())
        );
        assert_eq!(
            r("{.items[?(@.status.phase==3)].metadata.name}").map_err(|e| e.lines().next().unwrap_or("").to_string()),
            Err("error executing jsonpath \"{.items[?(@.status.phase==3)].metadata.name}\": Error executing template: incompatible types for comparison. Printing more information for debugging the template:".into())
        );
    }

    #[test]
    fn range_and_literals() {
        assert_eq!(
            r("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}"),
            Ok("web-1\tRunning\ndb-0\tPending\n".into())
        );
        assert_eq!(
            r("{range .items[*]}{.metadata.name}:{range .spec.containers[*]} {.name}{end};{end}done"),
            Ok("web-1: nginx log;db-0: postgres;done".into())
        );
        assert_eq!(r("{range .nothing[*]}x{end}after"), Ok("after".into()));
        // Without `{end}` the body runs per item, then once more for the object itself.
        assert_eq!(
            r("{range .items[*]}[{.metadata.name}]"),
            Ok("[web-1][db-0][]".into())
        );
        assert_eq!(
            r("{.items[0].metadata.name} is {.items[0].status.phase}"),
            Ok("web-1 is Running".into())
        );
    }

    #[test]
    fn parse_errors_read_like_kubectl() {
        assert_eq!(
            r("{.items[*}"),
            Err("error parsing jsonpath {.items[*}, unterminated array".into())
        );
        assert_eq!(
            r("{.items"),
            Err("error parsing jsonpath {.items, unclosed action".into())
        );
        assert_eq!(
            r("{.a[?(@.b)}"),
            Err("error parsing jsonpath {.a[?(@.b)}, unclosed array expect ]".into())
        );
        assert_eq!(
            r("{#}"),
            Err("error parsing jsonpath {#}, unrecognized character in action: U+0023 '#'".into())
        );
        assert_eq!(
            r("{....a}"),
            Err("error parsing jsonpath {....a}, invalid multiple recursive descent".into())
        );
        assert_eq!(
            r("{.a[x]}"),
            Err("error parsing jsonpath {.a[x]}, invalid array index x".into())
        );
    }

    #[test]
    fn execution_errors_carry_kubectl_debug_text() {
        let v = json!({"a": [], "n": 1});
        let err = render("{.a[0]}", &v);
        assert_eq!(
            err,
            Err("error executing jsonpath \"{.a[0]}\": Error executing template: array index out of bounds: index 0, length 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.a[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"a\":[]interface {}{}, \"n\":1}\n\n".into())
        );
    }

    #[test]
    fn typed_objects_hold_floats() {
        let v = typed_numbers(
            &json!({"spec": {"replicas": 1000000, "ports": [{"containerPort": 80}]}}),
        );
        assert_eq!(
            render("{.spec.replicas} {.spec.ports}", &v),
            Ok("1e+06 [{\"containerPort\":80}]".into())
        );
        assert_eq!(
            render("{.spec.ports[?(@.containerPort==80.0)].containerPort}", &v),
            Ok("80".into())
        );
        assert!(render("{.spec.ports[?(@.containerPort==80)]}", &v)
            .is_err_and(|e| e.contains("incompatible types for comparison")));
    }

    #[test]
    fn as_json_prints_one_array_per_node() {
        assert_eq!(
            render_as_json("x{.items[*].metadata.name}{.nope}", &pods()),
            Ok("[\n    \"x\"\n]\n[\n    \"web-1\",\n    \"db-0\"\n]\n[]\n".into())
        );
        assert_eq!(
            render("", &pods()),
            Err("template format specified but no template given".into())
        );
    }

    #[test]
    fn missing_keys_can_be_errors() {
        assert_eq!(
            render_with("{.missing}", &json!({}), false).map_err(|e| e.lines().next().unwrap_or("").to_string()),
            Err("error executing jsonpath \"{.missing}\": Error executing template: missing is not found. Printing more information for debugging the template:".into())
        );
    }

    #[test]
    fn nesting_stays_shallow() {
        // Filters cannot hold filters (the first `)]` ends them), so odd templates fail fast; parsers
        // also refuse to nest beyond MAX_NESTING as a guard.
        let t = format!("{{.a{}}}", "[?(@.b".repeat(5000));
        assert_eq!(
            r(&t),
            Err(format!("error parsing jsonpath {t}, unterminated filter"))
        );
        assert!(
            parse_nested("{.a}", MAX_NESTING + 1).is_err_and(|e| e.contains("nested too deeply"))
        );
    }

    #[test]
    fn recursive_descent_is_bounded() {
        let mut v = json!(1);
        for _ in 0..100 {
            v = json!({ "a": v });
        }
        // Each `..` multiplies the work; the engine stops with an error instead of running away.
        let out = render("{..a..a..a..a..a..a}", &v);
        assert!(out.is_err_and(|e| e.contains("too many results")));
    }
}
