//! One configured cluster: the kube client, the default field manager, and the few
//! operations every resource type is built from — resolve a kind (discovery, cached), get,
//! server-side apply, delete-and-wait. Ordering mistakes (a namespace or CRD created later in
//! the same run) heal here: those failures are retried with backoff until the deadline.

use crate::errors::Failure;
use crate::object_ref::ObjectRef;
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, ListParams, Patch, PatchParams};
use kube::core::GroupVersionKind;
use kube::discovery::{pinned_kind, Scope};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The client type [`crate::KubernetesProvider::configure`] returns.
pub(crate) struct Cluster {
    pub client: kube::Client,
    /// The provider's `field_manager` (default `meshplan`).
    pub field_manager: String,
    kinds: Mutex<HashMap<(String, String), Resolved>>,
}

/// A kind the cluster serves.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub resource: ApiResource,
    pub namespaced: bool,
}

/// When to give up, and how long that was (for messages).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    at: Instant,
    pub total: Duration,
}

impl Deadline {
    pub fn after(total: Duration) -> Deadline {
        Deadline { at: Instant::now() + total, total }
    }
    pub fn passed(&self) -> bool {
        Instant::now() >= self.at
    }
    /// Sleeps `wanted`, or less when the deadline comes first.
    async fn sleep(&self, wanted: Duration) {
        let left = self.at.saturating_duration_since(Instant::now());
        tokio::time::sleep(wanted.min(left)).await;
    }
}

/// One observation of something being waited for.
pub(crate) enum Poll<T> {
    Ready(T),
    /// Not yet; the text says what was seen (for the timeout message).
    Pending(String),
}

/// Polls `check` every half second until it is ready or the deadline passes.
pub(crate) async fn poll_until<T, F, Fut>(
    deadline: Deadline,
    object: &ObjectRef,
    what: &str,
    mut check: F,
) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Poll<T>, Failure>>,
{
    loop {
        match check().await? {
            Poll::Ready(v) => return Ok(v),
            Poll::Pending(last) if deadline.passed() => {
                return Err(Failure::Timeout {
                    object: object.clone(),
                    what: what.to_string(),
                    after: deadline.total,
                    last,
                })
            }
            Poll::Pending(_) => deadline.sleep(Duration::from_millis(500)).await,
        }
    }
}

/// Runs `op` again while it fails for an ordering reason (namespace or kind missing), with
/// exponential backoff, until the deadline.
async fn retry_ordering<T, F, Fut>(deadline: Deadline, mut op: F) -> Result<T, Failure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let mut delay = Duration::from_millis(200);
    loop {
        match op().await {
            Err(f) if f.is_ordering() && !deadline.passed() => {
                deadline.sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

impl Cluster {
    pub fn new(client: kube::Client, field_manager: String) -> Cluster {
        Cluster { client, field_manager, kinds: Mutex::new(HashMap::new()) }
    }

    /// Discovery of one kind (cached once found; a miss is asked again next time, since the
    /// CRD may be created meanwhile).
    pub async fn resolve(&self, object: &ObjectRef) -> Result<Resolved, Failure> {
        let key = (object.api_version.clone(), object.kind.clone());
        if let Some(found) = self.kinds.lock().ok().and_then(|k| k.get(&key).cloned()) {
            return Ok(found);
        }
        let (group, version) = object.group_version();
        let gvk = GroupVersionKind::gvk(group, version, &object.kind);
        let (resource, caps) = pinned_kind(&self.client, &gvk).await.map_err(|e| match e {
            kube::Error::Api(s) if s.code == 404 => Failure::KindNotServed { op: "resolving", object: object.clone() },
            other => Failure::from_kube("resolving", object, other),
        })?;
        let resolved = Resolved { resource, namespaced: matches!(caps.scope, Scope::Namespaced) };
        if let Ok(mut kinds) = self.kinds.lock() {
            kinds.insert(key, resolved.clone());
        }
        Ok(resolved)
    }

    /// The object as the API addresses it: namespaced kinds default to `default`, cluster-scoped
    /// kinds ignore a namespace.
    pub fn scoped(resolved: &Resolved, object: &ObjectRef) -> ObjectRef {
        let mut out = object.clone();
        out.namespace = match (resolved.namespaced, &object.namespace) {
            (true, Some(ns)) => Some(ns.clone()),
            (true, None) => Some("default".to_string()),
            (false, _) => None,
        };
        out
    }

    fn api(&self, resolved: &Resolved, object: &ObjectRef) -> Api<DynamicObject> {
        match &object.namespace {
            Some(ns) if resolved.namespaced => Api::namespaced_with(self.client.clone(), ns, &resolved.resource),
            _ => Api::all_with(self.client.clone(), &resolved.resource),
        }
    }

    /// The live object, or `None` when it (or its kind) does not exist.
    pub async fn get(&self, object: &ObjectRef) -> Result<Option<Json>, Failure> {
        let resolved = match self.resolve(object).await {
            Ok(r) => r,
            Err(Failure::KindNotServed { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        let object = Self::scoped(&resolved, object);
        match self.api(&resolved, &object).get(&object.name).await {
            Ok(found) => Ok(Some(to_json(&found))),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(None),
            Err(e) => Err(Failure::from_kube("reading", &object, e)),
        }
    }

    /// Lists objects of a kind (in one namespace or all), optionally by label/field selector.
    pub async fn list(&self, kind: &ObjectRef, params: &ListParams) -> Result<Vec<Json>, Failure> {
        let resolved = self.resolve(kind).await?;
        let api = match &kind.namespace {
            Some(ns) if resolved.namespaced => Api::namespaced_with(self.client.clone(), ns, &resolved.resource),
            _ => Api::all_with(self.client.clone(), &resolved.resource),
        };
        let list = api.list(params).await.map_err(|e| Failure::from_kube("listing", kind, e))?;
        Ok(list.items.iter().map(to_json).collect())
    }

    /// Server-side apply of `body` as `manager`, waiting (until the deadline) for the kind and
    /// the namespace to exist. Returns the live object.
    pub async fn apply(
        &self,
        object: &ObjectRef,
        body: &Json,
        manager: &str,
        force: bool,
        deadline: Deadline,
    ) -> Result<Json, Failure> {
        retry_ordering(deadline, || async {
            let resolved = self.resolve(object).await?;
            let scoped = Self::scoped(&resolved, object);
            let mut params = PatchParams::apply(manager);
            params.force = force;
            let mut body = body.clone();
            if let (Some(ns), Some(meta)) =
                (&scoped.namespace, body.pointer_mut("/metadata").and_then(Json::as_object_mut))
            {
                meta.insert("namespace".into(), Json::String(ns.clone()));
            }
            match self.api(&resolved, &scoped).patch(&scoped.name, &params, &Patch::Apply(&body)).await {
                Ok(live) => Ok(to_json(&live)),
                Err(e) => Err(Failure::from_kube("applying", &scoped, e)),
            }
        })
        .await
    }

    /// Deletes the object and waits until it (and its finalizers) is gone.
    pub async fn delete(&self, object: &ObjectRef, deadline: Deadline) -> Result<(), Failure> {
        let resolved = match self.resolve(object).await {
            Ok(r) => r,
            Err(Failure::KindNotServed { .. }) => return Ok(()), // its CRD went first: so did it
            Err(e) => return Err(e),
        };
        let scoped = Self::scoped(&resolved, object);
        let api = self.api(&resolved, &scoped);
        match api.delete(&scoped.name, &DeleteParams::background()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
            Err(e) => return Err(Failure::from_kube("deleting", &scoped, e)),
        }
        poll_until(deadline, &scoped, "be deleted", || async {
            match api.get_opt(&scoped.name).await {
                Ok(None) => Ok(Poll::Ready(())),
                Ok(Some(live)) => Ok(Poll::Pending(match &live.metadata.finalizers {
                    Some(f) if !f.is_empty() => format!("still present, finalizers {f:?}"),
                    _ => "still present".to_string(),
                })),
                Err(kube::Error::Api(s)) if s.code == 404 => Ok(Poll::Ready(())),
                Err(e) => Err(Failure::from_kube("deleting", &scoped, e)),
            }
        })
        .await
    }
}

/// A live object as JSON, without `metadata.managedFields` (bookkeeping, not content).
pub(crate) fn to_json(object: &DynamicObject) -> Json {
    let mut json = serde_json::to_value(object).unwrap_or(Json::Null);
    if let Some(meta) = json.pointer_mut("/metadata").and_then(Json::as_object_mut) {
        meta.remove("managedFields");
    }
    json
}
