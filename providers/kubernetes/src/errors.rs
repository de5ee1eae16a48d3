//! Turning Kubernetes API failures into provider errors that name the object and carry the
//! API's own explanation (Status message, reason, causes). Request bodies are never quoted:
//! they may hold secrets.

use crate::object_ref::ObjectRef;
use kube::core::Status;
use meshplan_provider::ProviderError;
use std::time::Duration;

/// Why an operation on one object failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    /// The API answered with a Status.
    #[error("{op} {object}: {}", describe_status(.status))]
    Api { op: &'static str, object: ObjectRef, status: Box<Status> },
    /// The request never got an answer (connection, TLS, decoding).
    #[error("{op} {object}: {detail}")]
    Transport { op: &'static str, object: ObjectRef, detail: String },
    /// The kind is not served by the cluster (yet).
    #[error("{op} {object}: the cluster does not serve kind {} in {}", .object.kind, .object.api_version)]
    KindNotServed { op: &'static str, object: ObjectRef },
    #[error("timed out after {} waiting for {object} to {what}; last seen: {last}", humanize(*.after))]
    Timeout { object: ObjectRef, what: String, after: Duration, last: String },
}

impl Failure {
    pub fn from_kube(op: &'static str, object: &ObjectRef, err: kube::Error) -> Failure {
        match err {
            kube::Error::Api(status) => Failure::Api { op, object: object.clone(), status },
            kube::Error::Discovery(_) => Failure::KindNotServed { op, object: object.clone() },
            other => Failure::Transport { op, object: object.clone(), detail: other.to_string() },
        }
    }

    /// A failure that heals when something else in the same run lands first: the namespace or
    /// the kind (CRD) the object needs does not exist yet.
    pub fn is_ordering(&self) -> bool {
        match self {
            Failure::KindNotServed { .. } => true,
            Failure::Api { status, .. } => {
                status.code == 404
                    || (status.code == 403 && status.message.contains("being terminated"))
                    || (status.code == 400 && status.message.contains("could not find the requested resource"))
            }
            _ => false,
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            Failure::Api { status, object, .. } if status.code == 409 && status.reason == "Conflict" && has_manager_conflict(status) => Some(format!(
                "another field manager owns these fields of {}; set `field_manager {{ force_conflicts = true }}` (or `force = true`) to take them over, or stop managing them here",
                object.name
            )),
            Failure::Api { status, .. } if status.code == 401 => Some(
                "check the provider's credentials; a `token` from `data.aws_eks_cluster_auth` is made once per run and EKS refuses it 15 minutes later: \
                 use `exec { api_version = \"client.authentication.k8s.io/v1beta1\", command = \"aws\", args = [\"eks\", \"get-token\", \"--cluster-name\", NAME] }` and the provider renews it"
                    .into(),
            ),
            Failure::Api { status, .. } if status.code == 403 => Some("the credentials lack permission for this object (RBAC)".into()),
            Failure::KindNotServed { object, .. } => Some(format!(
                "create the CustomResourceDefinition for {} first (it is waited for within the resource's timeouts)",
                object.kind
            )),
            _ => None,
        }
    }
}

impl From<Failure> for ProviderError {
    fn from(f: Failure) -> ProviderError {
        let hint = f.hint();
        let err = ProviderError::new(f.to_string());
        match hint {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

fn has_manager_conflict(status: &Status) -> bool {
    status.details.as_ref().is_some_and(|d| d.causes.iter().any(|c| c.reason == "FieldManagerConflict"))
        || status.message.contains("conflict with")
}

/// `message (reason, HTTP code); causes: field: message; ...`
fn describe_status(status: &Status) -> String {
    let mut out = if status.message.is_empty() { "request failed".to_string() } else { status.message.clone() };
    out.push_str(&format!(
        " ({}, HTTP {})",
        if status.reason.is_empty() { "no reason" } else { &status.reason },
        status.code
    ));
    let causes: Vec<String> = status
        .details
        .iter()
        .flat_map(|d| d.causes.iter())
        .map(|c| match (c.field.is_empty(), c.reason == "FieldManagerConflict") {
            (false, true) => format!("field {} is owned elsewhere: {}", c.field, c.message),
            (false, false) => format!("{}: {}", c.field, c.message),
            (true, _) => c.message.clone(),
        })
        .filter(|c| !out.contains(c.as_str()))
        .collect();
    if !causes.is_empty() {
        out.push_str("; causes: ");
        out.push_str(&causes.join("; "));
    }
    out
}

pub(crate) fn humanize(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{}ms", d.as_millis()),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::core::response::{StatusCause, StatusDetails};

    #[test]
    fn conflicts_name_the_owning_manager_and_hint_at_force() {
        let status = Status::failure("Apply failed with 1 conflict: conflict with \"alice\": .data.key", "Conflict")
            .with_code(409)
            .with_details(StatusDetails {
                causes: vec![StatusCause {
                    reason: "FieldManagerConflict".into(),
                    message: "conflict with \"alice\"".into(),
                    field: ".data.key".into(),
                }],
                name: "b".into(),
                group: String::new(),
                kind: "configmaps".into(),
                uid: String::new(),
                retry_after_seconds: 0,
            });
        let object = ObjectRef {
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: Some("a".into()),
            name: "b".into(),
        };
        let err = ProviderError::from(Failure::Api { op: "applying", object, status: Box::new(status) });
        assert!(err.message.contains("applying ConfigMap a/b (v1)"), "{}", err.message);
        assert!(err.message.contains("alice"), "{}", err.message);
        assert!(err.hint.unwrap().contains("force_conflicts"));
    }
}
