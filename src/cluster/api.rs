//! API errors, shaped like the API server's `Status` objects.

use thiserror::Error;

/// Why the API server refused a request: a `Status` with a reason and a message.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct ApiError {
    /// `NotFound`, `AlreadyExists`, `Invalid`, `Forbidden`, `Conflict`, `BadRequest`, `MethodNotAllowed`.
    pub reason: String,
    pub message: String,
    /// HTTP status code the real server would send.
    pub code: u16,
    /// For `Invalid`: the kind and name, and one `field: message` per cause.
    pub invalid: Option<Box<Invalid>>,
}

/// The details of an `Invalid` error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub kind: String,
    pub name: String,
    pub causes: Vec<String>,
}

impl ApiError {
    fn new(reason: &str, code: u16, message: String) -> Self {
        ApiError {
            reason: reason.into(),
            message,
            code,
            invalid: None,
        }
    }

    /// `pods "x" not found`
    pub fn not_found(resource: &str, name: &str) -> Self {
        Self::new("NotFound", 404, format!("{resource} \"{name}\" not found"))
    }

    /// `pods "x" already exists`
    pub fn already_exists(resource: &str, name: &str) -> Self {
        Self::new(
            "AlreadyExists",
            409,
            format!("{resource} \"{name}\" already exists"),
        )
    }

    /// `Operation cannot be fulfilled on pods "x": ...`
    pub fn conflict(resource: &str, name: &str, why: &str) -> Self {
        Self::new(
            "Conflict",
            409,
            format!("Operation cannot be fulfilled on {resource} \"{name}\": {why}"),
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new("BadRequest", 400, message.into())
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new("Forbidden", 403, message.into())
    }

    /// `Deployment.apps "x" is invalid: [cause, cause]` (the server's message; kubectl prints it its own way).
    pub fn invalid(kind: &str, group: &str, name: &str, causes: Vec<String>) -> Self {
        let qualified = if group.is_empty() {
            kind.to_string()
        } else {
            format!("{kind}.{group}")
        };
        let message = if causes.len() == 1 {
            format!("{qualified} \"{name}\" is invalid: {}", causes[0])
        } else {
            format!("{qualified} \"{name}\" is invalid: [{}]", causes.join(", "))
        };
        ApiError {
            reason: "Invalid".into(),
            message,
            code: 422,
            invalid: Some(Box::new(Invalid {
                kind: kind.into(),
                name: name.into(),
                causes,
            })),
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.reason == "NotFound"
    }
}
