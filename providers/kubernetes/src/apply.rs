//! The one apply path every managed type goes through: server-side apply (waiting for the
//! kind and namespace to exist), then the waits, then the live object.

use crate::cluster::{Cluster, Deadline};
use crate::errors::Failure;
use crate::object_ref::ObjectRef;
use crate::wait::WaitFor;
use serde_json::Value as Json;

pub(crate) struct ApplyRequest<'a> {
    pub object: &'a ObjectRef,
    /// The manifest to apply (no nulls).
    pub body: &'a Json,
    pub manager: &'a str,
    pub force: bool,
    pub wait: &'a WaitFor,
    pub deadline: Deadline,
}

/// Why an apply failed, and the live object when it was written before the failure (so the
/// caller can report partial state instead of losing track of it).
pub(crate) struct ApplyFailure {
    pub failure: Failure,
    pub written: Option<Json>,
}

pub(crate) async fn apply_and_wait(cluster: &Cluster, req: ApplyRequest<'_>) -> Result<Json, ApplyFailure> {
    let live = cluster
        .apply(req.object, req.body, req.manager, req.force, req.deadline)
        .await
        .map_err(|failure| ApplyFailure { failure, written: None })?;
    // The object as the API addresses it (namespace defaulted), for waits and messages.
    let object = ObjectRef::of_manifest(&live).unwrap_or_else(|_| req.object.clone());
    let established = is_crd(&object).then(|| WaitFor::condition("Established", "True"));
    for wait in established.iter().chain(std::iter::once(req.wait)) {
        if wait.is_empty() {
            continue;
        }
        if let Err(failure) = wait.wait(cluster, &object, live.clone(), req.deadline).await {
            return Err(ApplyFailure { failure, written: Some(live) });
        }
    }
    // Re-read after waiting so `object` shows the settled state.
    match req.wait.is_empty() && established.is_none() {
        true => Ok(live),
        false => match cluster.get(&object).await {
            Ok(Some(settled)) => Ok(settled),
            Ok(None) => Ok(live),
            Err(failure) => Err(ApplyFailure { failure, written: Some(live) }),
        },
    }
}

fn is_crd(object: &ObjectRef) -> bool {
    object.kind == "CustomResourceDefinition" && object.api_version.starts_with("apiextensions.k8s.io/")
}
