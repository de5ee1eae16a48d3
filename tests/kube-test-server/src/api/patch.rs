//! PATCH: JSON, merge and strategic merge patches, and server-side apply.

use std::sync::Arc;

use serde_json::{json, Value};

use super::objects::meta_str;
use super::write::{
    check_type, commit, ensure_namespace, finish, prepare_create, prepare_update, put_or_delete, WriteOptions,
};
use super::Target;
use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult, Subject};
use crate::http::request::{decode_object, ApiRequest};
use crate::http::response::Reply;
use crate::patch::{self, PatchType};
use crate::ssa::{self, Scope};
use crate::store::Write;

pub fn patch(cluster: &Arc<Cluster>, target: &Target, name: &str, scope: Scope, req: &ApiRequest) -> ApiResult<Reply> {
    let patch_type = PatchType::from_content_type(req.content_type())?;
    if patch_type == PatchType::Apply {
        return apply(cluster, target, name, scope, req);
    }
    let kind = &target.kind;
    let subject = Subject::new(&kind.group, &kind.plural, name);
    let opts = WriteOptions::from_request(req);
    let (stored, change) = commit(cluster, &target.key(name), opts.dry_run, |current| {
        let old = current.ok_or_else(|| ApiError::not_found(subject.clone()))?;
        let mut new = old.clone();
        patch::apply(patch_type, &mut new, &req.body, kind.custom)?;
        if !new.is_object() {
            return Err(ApiError::unprocessable("the patch turned the object into something that is not an object"));
        }
        // A patch may carry a resourceVersion precondition (kubectl apply does).
        if meta_str(&new, "resourceVersion").is_some_and(|v| Some(v) != meta_str(old, "resourceVersion")) {
            return Err(ApiError::conflict(subject.clone()));
        }
        let new = prepare_update(cluster, kind, old, new, scope, &opts, true)?;
        Ok(put_or_delete(old, new))
    })?;
    let stored = stored.ok_or_else(|| ApiError::not_found(subject.clone()))?;
    finish(cluster, kind, change, &stored);
    Ok(Reply::ok(stored))
}

fn apply(cluster: &Arc<Cluster>, target: &Target, name: &str, scope: Scope, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    let subject = Subject::new(&kind.group, &kind.plural, name);
    let config = decode_object("application/apply-patch+yaml", &req.body)?;
    if req.param("fieldManager").is_none() {
        return Err(ApiError::bad_request("PATCH requests with the apply content type must have a fieldManager"));
    }
    if config.get("apiVersion").and_then(Value::as_str).is_none_or(str::is_empty)
        || config.get("kind").and_then(Value::as_str).is_none_or(str::is_empty)
    {
        return Err(ApiError::bad_request("apply requires apiVersion and kind in the body"));
    }
    check_type(kind, &config)?;
    if let Some(body_name) = meta_str(&config, "name").filter(|n| *n != name) {
        return Err(ApiError::bad_request(format!(
            "the name of the object ({body_name}) does not match the name on the URL ({name})"
        )));
    }
    let wanted_version = meta_str(&config, "resourceVersion").filter(|v| !v.is_empty()).map(str::to_string);
    let force = req.flag("force");
    let opts = WriteOptions::from_request(req);
    let api_version = kind.api_version();
    let writer = opts.writer(kind, scope, &api_version);
    let exists = cluster.store.get(&target.key(name)).is_some();
    if !exists && kind.namespaced {
        ensure_namespace(cluster, kind, &target.namespace)?;
    }
    let (stored, change) = commit(cluster, &target.key(name), opts.dry_run, |current| {
        if wanted_version.as_deref().is_some_and(|v| Some(v) != current.and_then(|c| meta_str(c, "resourceVersion"))) {
            return Err(ApiError::conflict(subject.clone()));
        }
        let conflict = |causes| ApiError::apply_conflict(subject.clone(), causes);
        match current {
            Some(old) => {
                let merged = ssa::apply(old, &config, &writer, force).map_err(conflict)?;
                let new = prepare_update(cluster, kind, old, merged, scope, &opts, false)?;
                Ok(put_or_delete(old, new))
            }
            None if scope == Scope::Status => Err(ApiError::not_found(subject.clone())),
            None => {
                let skeleton = json!({"apiVersion": api_version, "kind": kind.kind, "metadata": {"name": name}});
                let merged = ssa::apply(&skeleton, &config, &writer, force).map_err(conflict)?;
                let created = prepare_create(cluster, kind, &target.namespace, merged, &opts, false)?;
                Ok(Write::Put(created))
            }
        }
    })?;
    let stored = stored.ok_or_else(|| ApiError::not_found(subject.clone()))?;
    finish(cluster, kind, change, &stored);
    let created = change == Some(super::admission::Change::Created);
    Ok(if created { Reply::created(stored) } else { Reply::ok(stored) })
}
