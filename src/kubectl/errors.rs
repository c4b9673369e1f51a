//! How kubectl prints API errors (`Error from server (NotFound): pods "x" not found`).

use crate::cluster::api::ApiError;

/// The line kubectl prints for an API error.
pub fn api_error(e: &ApiError) -> String {
    if let Some(inv) = &e.invalid {
        let mut s = format!("The {} \"{}\" is invalid: ", inv.kind, inv.name);
        if inv.causes.len() == 1 {
            s.push_str(&inv.causes[0]);
        } else {
            s.push('\n');
            let lines: Vec<String> = inv.causes.iter().map(|c| format!("* {c}")).collect();
            s.push_str(&lines.join("\n"));
        }
        return s;
    }
    if e.reason.is_empty() {
        format!("Error from server: {}", e.message)
    } else {
        format!("Error from server ({}): {}", e.reason, e.message)
    }
}

/// The line for an API error met while handling a file (`error when creating "pod.yaml": ...`).
pub fn api_error_with_source(e: &ApiError, verb: &str, source: &str) -> String {
    if e.invalid.is_some() || source.is_empty() {
        return api_error(e);
    }
    format!(
        "Error from server ({}): error when {verb} \"{source}\": {}",
        e.reason, e.message
    )
}

/// `the server doesn't have a resource type "x"`
pub fn unknown_type(name: &str) -> String {
    format!("error: the server doesn't have a resource type \"{name}\"")
}
