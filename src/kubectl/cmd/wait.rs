//! `kubectl wait --for=condition=X|delete|create|jsonpath='{...}'=V (TYPE/NAME | TYPE -l SEL | --all)`.
//! Instead of sleeping, it advances the World's simulated clock until the condition holds or the
//! timeout (shared by all the objects, as kubectl's is) passes.

use super::output::name_of;
use crate::cluster::selector::Selector;
use crate::cluster::{object, schema};
use crate::kubectl::flags::{flag, rep, val, FlagSpec};
use crate::kubectl::printers::jsonpath;
use crate::kubectl::{resources, Ctx};
use serde_json::Value;

pub const FLAGS: &[FlagSpec] = &[
    val("for", None),
    val("timeout", None),
    val("selector", Some('l')),
    flag("all", None),
    flag("all-namespaces", Some('A')),
    rep("filename", Some('f')),
    flag("recursive", Some('R')),
    val("field-selector", None),
    val("output", Some('o')),
    flag("local", None),
    val("allow-missing-template-keys", None),
    flag("show-managed-fields", None),
    val("template", None),
];

/// What `--for` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum For {
    Delete,
    Create,
    /// A status condition (`Ready`, `Available`, `Complete`) with the wanted status (default `True`).
    Condition {
        name: String,
        value: String,
    },
    /// A JSONPath expression and the value it must print (or, with none, that it prints anything).
    JsonPath {
        expr: String,
        value: Option<String>,
    },
}

/// Parses `--for`, with kubectl's messages.
pub fn parse_for(s: &str) -> Result<For, String> {
    let lower = s.to_ascii_lowercase();
    if lower == "delete" {
        return Ok(For::Delete);
    }
    if lower == "create" {
        return Ok(For::Create);
    }
    if let Some(rest) = s.strip_prefix("condition=") {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (rest.to_string(), "True".to_string()),
        };
        if name.is_empty() {
            return Err(format!("unrecognized condition: {s:?}"));
        }
        return Ok(For::Condition { name, value });
    }
    if let Some(rest) = s.strip_prefix("jsonpath=") {
        let (expr, value) = split_jsonpath(rest);
        let inner = expr.trim_start_matches('{').trim_end_matches('}');
        let balanced = expr.starts_with('{') == expr.ends_with('}');
        if inner.is_empty() || !balanced || inner.contains('{') {
            return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
        }
        if value.as_deref() == Some("") {
            return Err("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or --for=jsonpath='{.status.readyReplicas}'".into());
        }
        let expr = if inner.starts_with('.') {
            format!("{{{inner}}}")
        } else {
            format!("{{.{inner}}}")
        };
        return Ok(For::JsonPath { expr, value });
    }
    Err(format!("unrecognized condition: {s:?}"))
}

/// `{.status.phase}=Running` -> (`{.status.phase}`, `Running`); the `=` after the closing brace.
fn split_jsonpath(s: &str) -> (String, Option<String>) {
    if s.starts_with('{') {
        if let Some(close) = s.find('}') {
            let (expr, rest) = s.split_at(close + 1);
            return (expr.to_string(), rest.strip_prefix('=').map(String::from));
        }
        return (s.to_string(), None);
    }
    match s.split_once('=') {
        Some((e, v)) => (e.to_string(), Some(v.to_string())),
        None => (s.to_string(), None),
    }
}

/// A Go duration (`30s`, `1m30s`, `2h`, `500ms`, `0`) in whole seconds, rounded up.
pub fn parse_duration(s: &str) -> Option<i64> {
    if s == "0" {
        return Some(0);
    }
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let mut total_ms: i64 = 0;
    let mut num = String::new();
    let mut chars = body.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            chars.next();
            unit = "ms".into();
        }
        let n: f64 = num.parse().ok()?;
        num.clear();
        let ms = match unit.as_str() {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            _ => return None,
        };
        total_ms += (n * ms) as i64;
        any = true;
    }
    if !num.is_empty() || !any {
        return None;
    }
    let secs = (total_ms + 999) / 1000;
    Some(if neg { -secs } else { secs })
}

/// Whether an object meets the condition (`Delete` and `Create` are decided by presence).
fn met(obj: &Value, want: &For) -> bool {
    match want {
        For::Delete => false,
        For::Create => true,
        For::Condition { name, value } => object::array(obj, "status.conditions").iter().any(|c| {
            object::str_at(c, "type").eq_ignore_ascii_case(name)
                && object::str_at(c, "status").eq_ignore_ascii_case(value)
        }),
        For::JsonPath { expr, value } => match jsonpath::render(expr, obj) {
            Ok(got) => match value {
                Some(v) => got == *v,
                None => !got.is_empty(),
            },
            Err(_) => false,
        },
    }
}

/// One object being waited on.
struct Target {
    rt: &'static schema::ResourceType,
    namespace: String,
    name: String,
}

pub fn run(ctx: &mut Ctx<'_>) {
    let want = match parse_for(ctx.flags.get("for").unwrap_or("")) {
        Ok(f) => f,
        Err(e) => return ctx.error(&e),
    };
    let timeout = match ctx.flags.get("timeout") {
        None => 30,
        Some(t) => match parse_duration(t) {
            // A negative timeout means "a week" to kubectl.
            Some(n) if n < 0 => 7 * 24 * 3600,
            Some(n) => n,
            None => {
                return ctx.error(&format!(
                    "invalid argument {t:?} for \"--timeout\" flag: time: invalid duration {t:?}"
                ))
            }
        },
    };
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        return ctx.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
    }
    let reqs = match resources::parse_in(ctx.cluster_ref(), &args) {
        Ok(r) => r,
        Err(e) => return ctx.error(&e),
    };
    let selector = match ctx.flags.get("selector").map(Selector::parse) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(e)) => return ctx.error(&e),
    };
    let all_ns = ctx.flags.is_set("all-namespaces");
    let ns = ctx.namespace.clone();
    let mut targets = Vec::new();
    for r in reqs {
        let r_ns = if r.rt.namespaced {
            ns.clone()
        } else {
            String::new()
        };
        match r.name {
            Some(name) => targets.push(Target {
                rt: r.rt,
                namespace: r_ns,
                name,
            }),
            None => {
                if selector.is_none() && !ctx.flags.is_set("all") && !all_ns {
                    return ctx.error("resource(s) were provided, but no name was specified");
                }
                let Some(c) = ctx.cluster_ref() else { return };
                let scope = if all_ns { None } else { Some(r_ns.as_str()) };
                for o in c.list(r.rt, scope, selector.as_ref()) {
                    targets.push(Target {
                        rt: r.rt,
                        namespace: object::namespace(&o).to_string(),
                        name: object::name(&o).to_string(),
                    });
                }
            }
        }
    }
    if targets.is_empty() {
        if want == For::Delete {
            return;
        }
        return ctx.error("no matching resources found");
    }
    let name_only = ctx.flags.get("output") == Some("name");
    let mut elapsed = 0i64;
    for t in targets {
        let mut last_seen: Option<Value> = None;
        loop {
            let Some(c) = ctx.cluster_ref() else { return };
            let cur = c.get(t.rt, &t.namespace, &t.name).ok();
            let done = match (&want, &cur) {
                // Gone before the wait began: kubectl skips it without a word.
                (For::Delete, None) if last_seen.is_none() => break,
                (For::Delete, None) => true,
                (For::Delete, Some(_)) => false,
                (_, None) if want != For::Create && last_seen.is_none() => {
                    let e =
                        crate::cluster::api::ApiError::not_found(&t.rt.qualified_plural(), &t.name);
                    return ctx.error(&crate::kubectl::errors::api_error(&e));
                }
                (_, None) => false,
                (_, Some(o)) => met(o, &want),
            };
            if cur.is_some() {
                last_seen = cur.clone();
            }
            if done {
                let shown = cur
                    .or(last_seen)
                    .map(|o| name_of(&o))
                    .unwrap_or_else(|| format!("{}/{}", t.rt.qualified_singular(), t.name));
                if name_only {
                    ctx.println(&shown);
                } else {
                    ctx.println(&format!("{shown} condition met"));
                }
                break;
            }
            if elapsed >= timeout {
                // kubectl names the resource without its group here (`deployments/web`).
                return ctx.error(&format!(
                    "timed out waiting for the condition on {}/{}",
                    t.rt.plural, t.name
                ));
            }
            // Fine steps while things start, coarser once a long wait is clearly under way.
            let step = if elapsed < 120 { 1 } else { 10 }
                .min(timeout - elapsed)
                .max(1);
            ctx.world.advance(step);
            elapsed += step;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn for_forms() {
        assert_eq!(parse_for("delete"), Ok(For::Delete));
        assert_eq!(
            parse_for("condition=Ready"),
            Ok(For::Condition {
                name: "Ready".into(),
                value: "True".into()
            })
        );
        assert_eq!(
            parse_for("condition=Ready=false"),
            Ok(For::Condition {
                name: "Ready".into(),
                value: "false".into()
            })
        );
        assert_eq!(
            parse_for("jsonpath={.status.phase}=Running"),
            Ok(For::JsonPath {
                expr: "{.status.phase}".into(),
                value: Some("Running".into())
            })
        );
        assert_eq!(
            parse_for("jsonpath=.status.phase"),
            Ok(For::JsonPath {
                expr: "{.status.phase}".into(),
                value: None
            })
        );
        assert_eq!(parse_for(""), Err("unrecognized condition: \"\"".into()));
        assert_eq!(
            parse_for("condition"),
            Err("unrecognized condition: \"condition\"".into())
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30s"), Some(30));
        assert_eq!(parse_duration("2m30s"), Some(150));
        assert_eq!(parse_duration("1h"), Some(3600));
        assert_eq!(parse_duration("500ms"), Some(1));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("-1s"), Some(-1));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("abc"), None);
    }
}
