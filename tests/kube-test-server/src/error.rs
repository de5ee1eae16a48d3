//! API errors and their wire form, the Kubernetes `Status` object.
//!
//! Every failure a client can cause ends here, so clients (kubectl, kube-rs) see the same
//! `reason`/`code` pairs a real API server sends and can branch on them
//! (`IsNotFound`, `IsConflict`, `IsAlreadyExists`, ...).

use serde_json::{json, Value};

/// One field-level cause of an `Invalid` (422) or a server-side-apply conflict (409).
#[derive(Debug, Clone)]
pub struct Cause {
    pub kind: &'static str,
    pub field: String,
    pub message: String,
}

/// Names the object an error is about, for `Status.details`.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub group: String,
    pub resource: String,
    pub name: String,
}

impl Subject {
    pub fn new(group: &str, resource: &str, name: &str) -> Self {
        Subject { group: group.to_string(), resource: resource.to_string(), name: name.to_string() }
    }

    /// `configmaps "x"` or `deployments.apps "x"`, the way apiserver messages name objects.
    fn qualified(&self) -> String {
        if self.group.is_empty() {
            format!("{} {:?}", self.resource, self.name)
        } else {
            format!("{}.{} {:?}", self.resource, self.group, self.name)
        }
    }
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{reason} ({code}): {message}")]
pub struct ApiError {
    pub code: u16,
    pub reason: &'static str,
    pub message: String,
    /// Boxed to keep `Result<_, ApiError>` small.
    pub subject: Option<Box<Subject>>,
    pub causes: Vec<Cause>,
}

impl ApiError {
    pub fn new(code: u16, reason: &'static str, message: impl Into<String>) -> Self {
        ApiError { code, reason, message: message.into(), subject: None, causes: Vec::new() }
    }

    fn about(mut self, subject: Subject) -> Self {
        self.subject = Some(Box::new(subject));
        self
    }

    pub fn not_found(subject: Subject) -> Self {
        let message = format!("{} not found", subject.qualified());
        Self::new(404, "NotFound", message).about(subject)
    }

    pub fn already_exists(subject: Subject) -> Self {
        let message = format!("{} already exists", subject.qualified());
        Self::new(409, "AlreadyExists", message).about(subject)
    }

    /// Optimistic-concurrency failure (stale resourceVersion).
    pub fn conflict(subject: Subject) -> Self {
        let message = format!(
            "Operation cannot be fulfilled on {}: the object has been modified; please apply your changes to the latest version and try again",
            subject.qualified()
        );
        Self::new(409, "Conflict", message).about(subject)
    }

    /// Server-side apply conflicts between field managers.
    pub fn apply_conflict(subject: Subject, causes: Vec<Cause>) -> Self {
        let listing: Vec<String> = causes.iter().map(|c| format!("- {}: {}", c.message, c.field)).collect();
        let message = format!(
            "Apply failed with {} conflict{}: {}",
            causes.len(),
            if causes.len() == 1 { "" } else { "s" },
            listing.join("\n")
        );
        let mut err = Self::new(409, "Conflict", message).about(subject);
        err.causes = causes;
        err
    }

    pub fn invalid(kind: &str, subject: Subject, causes: Vec<Cause>) -> Self {
        let listing: Vec<String> = causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
        let message = format!("{} {:?} is invalid: {}", kind, subject.name, listing.join(", "));
        let mut err = Self::new(422, "Invalid", message).about(Subject { resource: kind.to_string(), ..subject });
        err.causes = causes;
        err
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }

    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }

    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    pub fn too_large(limit: usize) -> Self {
        Self::new(413, "RequestEntityTooLarge", format!("request body exceeds the limit of {limit} bytes"))
    }

    pub fn unsupported_media_type(content_type: &str) -> Self {
        Self::new(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got {content_type:?})"))
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(422, "Invalid", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The `Status` object sent to the client.
    pub fn to_status(&self) -> Value {
        let mut status = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if self.subject.is_some() || !self.causes.is_empty() {
            let mut details = json!({});
            if let Some(subject) = &self.subject {
                details["name"] = json!(subject.name);
                if !subject.group.is_empty() {
                    details["group"] = json!(subject.group);
                }
                details["kind"] = json!(subject.resource);
            }
            if !self.causes.is_empty() {
                details["causes"] = self
                    .causes
                    .iter()
                    .map(|c| json!({"reason": c.kind, "message": c.message, "field": c.field}))
                    .collect();
            }
            status["details"] = details;
        }
        status
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
