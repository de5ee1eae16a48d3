//! The Kubernetes API proper: authentication, then discovery/OpenAPI documents or a generic
//! resource handler chosen by verb. No handler knows about a particular kind; per-kind
//! behaviour is in `admission` (and the simulated controllers).

pub mod admission;
mod objects;
mod patch;
mod read;
mod table;
mod token;
mod validation;
mod watch;
pub mod write;

use std::sync::Arc;

use hyper::Method;
use serde_json::{json, Value};

use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult};
use crate::http::request::ApiRequest;
use crate::http::response::Reply;
use crate::http::router::{route, ResourcePath, Route};
use crate::kinds::KindInfo;
use crate::ssa::Scope;
use crate::store::ObjectKey;

/// A request's resolved kind and namespace ("" for cluster-scoped kinds and for
/// all-namespace lists/watches).
#[derive(Clone)]
pub struct Target {
    pub kind: Arc<KindInfo>,
    pub namespace: String,
}

impl Target {
    pub fn key(&self, name: &str) -> ObjectKey {
        ObjectKey::new(&self.kind.group, &self.kind.plural, &self.namespace, name)
    }

    /// An object as this version of its kind shows it (CRDs may serve several versions).
    pub fn present(&self, mut object: Value) -> Value {
        object["apiVersion"] = json!(self.kind.api_version());
        object
    }
}

pub async fn dispatch(cluster: &Arc<Cluster>, req: ApiRequest) -> ApiResult<Reply> {
    let route = route(&req.path);
    if route == Route::Health {
        return Ok(Reply::Json(200, json!("ok")));
    }
    cluster.auth.authenticate(req.header("authorization")).await?;
    let get_only = |reply: ApiResult<Value>| -> ApiResult<Reply> {
        if req.method != Method::GET {
            return Err(ApiError::method_not_allowed(format!("{} is not supported here", req.method)));
        }
        reply.map(Reply::ok)
    };
    match route {
        Route::Health => Ok(Reply::Json(200, json!("ok"))),
        Route::Version => get_only(Ok(crate::discovery::version())),
        Route::CoreVersions => get_only(Ok(crate::discovery::core_versions(cluster))),
        Route::Groups => get_only(Ok(crate::discovery::groups(cluster))),
        Route::Group(group) => get_only(crate::discovery::group(cluster, &group)),
        Route::ResourceList { group, version } => get_only(crate::discovery::resource_list(cluster, &group, &version)),
        Route::OpenApiV3Index => get_only(Ok(crate::openapi::index(cluster))),
        Route::OpenApiV3 { group, version } => get_only(crate::openapi::group_version(cluster, &group, &version)),
        Route::DebugObjects => get_only(Ok(debug_objects(cluster, req.flag("full")))),
        Route::Resource(path) => resource(cluster, path, &req),
        Route::NotFound => Err(ApiError::new(404, "NotFound", "the server could not find the requested resource")),
    }
}

fn resource(cluster: &Arc<Cluster>, path: ResourcePath, req: &ApiRequest) -> ApiResult<Reply> {
    let not_found = || ApiError::new(404, "NotFound", "the server could not find the requested resource");
    let kind = cluster.kinds.by_resource(&path.group, &path.version, &path.resource).ok_or_else(not_found)?;
    if path.namespace.is_some() && !kind.namespaced {
        return Err(not_found());
    }
    let target = Target { kind: kind.clone(), namespace: path.namespace.clone().unwrap_or_default() };
    let main = write::main_scope(&kind);
    let method = req.method.clone();
    match (path.name.as_deref(), path.subresource.as_deref()) {
        (None, _) => match method {
            Method::GET if req.flag("watch") => watch::watch(cluster, target, req),
            Method::GET => read::list(cluster, &target, req),
            Method::POST if kind.namespaced && target.namespace.is_empty() => Err(not_found()),
            Method::POST => write::create(cluster, &target, req),
            Method::DELETE => write::delete_collection(cluster, &target, req),
            _ => Err(ApiError::method_not_allowed(format!("{method} is not supported on a collection"))),
        },
        (Some(_), _) if kind.namespaced && target.namespace.is_empty() => Err(not_found()),
        (Some(name), None) => match method {
            Method::GET => read::get(cluster, &target, name, req),
            Method::PUT => write::update(cluster, &target, name, main, req),
            Method::PATCH => patch::patch(cluster, &target, name, main, req),
            Method::DELETE => write::delete(cluster, &target, name, req),
            _ => Err(ApiError::method_not_allowed(format!("{method} is not supported on an object"))),
        },
        (Some(name), Some("status")) if kind.status_subresource => match method {
            Method::GET => read::get(cluster, &target, name, req),
            Method::PUT => write::update(cluster, &target, name, Scope::Status, req),
            Method::PATCH => patch::patch(cluster, &target, name, Scope::Status, req),
            _ => Err(ApiError::method_not_allowed(format!("{method} is not supported on status"))),
        },
        (Some(name), Some("token")) if kind.is("", "ServiceAccount") && method == Method::POST => {
            token::request_token(cluster, &target, name, req)
        }
        _ => Err(not_found()),
    }
}

/// `GET /debug/objects`: every stored object's identity (or whole, with `?full=true`),
/// so tests can assert what exists, e.g. "empty after destroy".
fn debug_objects(cluster: &Cluster, full: bool) -> Value {
    let items: Vec<Value> = cluster
        .store
        .all()
        .into_iter()
        .map(|(key, object)| {
            if full {
                return object;
            }
            json!({
                "apiVersion": object.get("apiVersion"),
                "kind": object.get("kind"),
                "namespace": key.namespace,
                "name": key.name,
                "resourceVersion": object.pointer("/metadata/resourceVersion"),
            })
        })
        .collect();
    json!({"count": items.len(), "resourceVersion": cluster.store.revision().to_string(), "items": items})
}
