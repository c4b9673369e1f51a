//! Label selectors: the `-l` string form (`app=web,tier!=db,env in (a,b),!legacy`) and the
//! `matchLabels`/`matchExpressions` object form.

use serde_json::Value;
use std::collections::BTreeMap;

/// One requirement of a selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Eq(String, String),
    NotEq(String, String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A label selector: all requirements must hold. An empty selector matches everything.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Selector {
    pub reqs: Vec<Requirement>,
}

impl Selector {
    /// Parses kubectl's string form. The error text is what kubectl prints after `error: `.
    pub fn parse(s: &str) -> Result<Selector, String> {
        let mut reqs = Vec::new();
        for part in split_top(s) {
            let p = part.trim();
            if p.is_empty() {
                continue;
            }
            reqs.push(parse_req(p)?);
        }
        Ok(Selector { reqs })
    }

    /// Builds a selector from a `matchLabels`/`matchExpressions` object, or a plain map (a service selector).
    pub fn from_label_selector(v: &Value) -> Selector {
        let mut reqs = Vec::new();
        let Some(m) = v.as_object() else {
            return Selector { reqs };
        };
        let is_structured = m.contains_key("matchLabels") || m.contains_key("matchExpressions");
        if !is_structured {
            for (k, val) in m {
                reqs.push(Requirement::Eq(
                    k.clone(),
                    val.as_str().unwrap_or_default().to_string(),
                ));
            }
            return Selector { reqs };
        }
        if let Some(Value::Object(ml)) = m.get("matchLabels") {
            for (k, val) in ml {
                reqs.push(Requirement::Eq(
                    k.clone(),
                    val.as_str().unwrap_or_default().to_string(),
                ));
            }
        }
        if let Some(Value::Array(exprs)) = m.get("matchExpressions") {
            for e in exprs {
                let key = e
                    .get("key")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string();
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default();
                match e
                    .get("operator")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                {
                    "In" => reqs.push(Requirement::In(key, values)),
                    "NotIn" => reqs.push(Requirement::NotIn(key, values)),
                    "Exists" => reqs.push(Requirement::Exists(key)),
                    "DoesNotExist" => reqs.push(Requirement::DoesNotExist(key)),
                    _ => {}
                }
            }
        }
        Selector { reqs }
    }

    pub fn is_empty(&self) -> bool {
        self.reqs.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_with(|k| labels.get(k).map(String::as_str))
    }

    /// Whether an object's `metadata.labels` match, read in place (no copy of the labels: lists
    /// of thousands of objects go through here).
    pub fn matches_object(&self, obj: &serde_json::Value) -> bool {
        if self.reqs.is_empty() {
            return true;
        }
        let labels = obj
            .get("metadata")
            .and_then(|m| m.get("labels"))
            .and_then(serde_json::Value::as_object);
        self.matches_with(|k| {
            labels
                .and_then(|l| l.get(k))
                .map(|v| v.as_str().unwrap_or_default())
        })
    }

    /// Whether the requirements hold for a label lookup.
    fn matches_with<'a>(&self, label: impl Fn(&str) -> Option<&'a str>) -> bool {
        self.reqs.iter().all(|r| match r {
            Requirement::Eq(k, v) => label(k) == Some(v.as_str()),
            Requirement::NotEq(k, v) => label(k) != Some(v.as_str()),
            Requirement::In(k, vs) => label(k).is_some_and(|l| vs.iter().any(|v| v == l)),
            Requirement::NotIn(k, vs) => label(k).is_none_or(|l| !vs.iter().any(|v| v == l)),
            Requirement::Exists(k) => label(k).is_some(),
            Requirement::DoesNotExist(k) => label(k).is_none(),
        })
    }
}

impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .reqs
            .iter()
            .map(|r| match r {
                Requirement::Eq(k, v) => format!("{k}={v}"),
                Requirement::NotEq(k, v) => format!("{k}!={v}"),
                Requirement::In(k, vs) => format!("{k} in ({})", vs.join(",")),
                Requirement::NotIn(k, vs) => format!("{k} notin ({})", vs.join(",")),
                Requirement::Exists(k) => k.clone(),
                Requirement::DoesNotExist(k) => format!("!{k}"),
            })
            .collect();
        write!(f, "{}", parts.join(","))
    }
}

/// Splits on commas that are not inside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            ',' if depth == 0 => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn valid_key(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 316
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && k.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
}

fn parse_req(p: &str) -> Result<Requirement, String> {
    let bad = || {
        format!("unable to parse requirement: found '{p}', expected: in, notin, =, ==, !=, gt, lt")
    };
    if let Some(k) = p.strip_prefix('!') {
        let k = k.trim();
        return if valid_key(k) {
            Ok(Requirement::DoesNotExist(k.into()))
        } else {
            Err(bad())
        };
    }
    if let Some((k, v)) = p.split_once("!=") {
        return Ok(Requirement::NotEq(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = p.split_once("==") {
        return Ok(Requirement::Eq(k.trim().into(), v.trim().into()));
    }
    if let Some((k, v)) = p.split_once('=') {
        return Ok(Requirement::Eq(k.trim().into(), v.trim().into()));
    }
    let words: Vec<&str> = p.splitn(2, char::is_whitespace).collect();
    if words.len() == 2 {
        let key = words[0].trim();
        let rest = words[1].trim();
        let (op, list) = if let Some(r) = rest.strip_prefix("notin") {
            ("notin", r)
        } else if let Some(r) = rest.strip_prefix("in") {
            ("in", r)
        } else {
            return Err(bad());
        };
        let list = list.trim();
        let inner = list
            .strip_prefix('(')
            .and_then(|l| l.strip_suffix(')'))
            .ok_or_else(bad)?;
        let vals: Vec<String> = inner
            .split(',')
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .collect();
        return Ok(if op == "in" {
            Requirement::In(key.into(), vals)
        } else {
            Requirement::NotIn(key.into(), vals)
        });
    }
    if valid_key(p) {
        Ok(Requirement::Exists(p.into()))
    } else {
        Err(bad())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn equality_and_set_based_selectors() {
        let l = labels(&[("app", "web"), ("tier", "fe")]);
        let cases = [
            ("app=web", true),
            ("app==web", true),
            ("app!=web", false),
            ("app=web,tier=fe", true),
            ("tier in (fe,be)", true),
            ("tier notin (fe)", false),
            ("app", true),
            ("!app", false),
            ("!legacy", true),
            ("", true),
        ];
        for (s, want) in cases {
            assert_eq!(Selector::parse(s).map(|x| x.matches(&l)), Ok(want), "{s}");
        }
    }

    #[test]
    fn match_expressions() {
        let v = serde_json::json!({"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}]});
        let s = Selector::from_label_selector(&v);
        assert!(s.matches(&labels(&[("app", "web"), ("tier", "fe")])));
        assert!(!s.matches(&labels(&[("app", "web")])));
    }
}
