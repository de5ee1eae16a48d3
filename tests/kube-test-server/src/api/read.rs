//! GET of one object and of lists (selectors, limit/continue, Table output).

use base64::Engine;
use serde_json::{json, Value};

use super::{table, Target};
use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult, Subject};
use crate::http::request::ApiRequest;
use crate::http::response::Reply;
use crate::store::selector::{FieldSelector, LabelSelector};

pub fn get(cluster: &Cluster, target: &Target, name: &str, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    let object = cluster
        .store
        .get(&target.key(name))
        .ok_or_else(|| ApiError::not_found(Subject::new(&kind.group, &kind.plural, name)))?;
    let object = target.present(object);
    if req.wants_table() {
        let revision = object.pointer("/metadata/resourceVersion").and_then(Value::as_str).unwrap_or("").to_string();
        return Ok(Reply::ok(table::render(kind, &[object], &revision, req.param("includeObject"))));
    }
    Ok(Reply::ok(object))
}

pub fn list(cluster: &Cluster, target: &Target, req: &ApiRequest) -> ApiResult<Reply> {
    let kind = &target.kind;
    let labels = LabelSelector::parse(req.param("labelSelector").unwrap_or(""))?;
    let fields = FieldSelector::parse(req.param("fieldSelector").unwrap_or(""))?;
    let limit = match req.param("limit") {
        Some(text) => {
            Some(text.parse::<usize>().map_err(|_| ApiError::bad_request(format!("invalid limit {text:?}")))?)
                .filter(|l| *l > 0)
        }
        None => None,
    };
    let after = req.param("continue").map(decode_continue).transpose()?;
    let (group, plural) = kind.storage_id();
    let namespace = (!target.namespace.is_empty()).then_some(target.namespace.as_str());
    let (items, revision) = cluster.store.list(&group, &plural, namespace);
    let mut selected = items
        .into_iter()
        .filter(|(key, _)| after.as_ref().is_none_or(|(ns, name)| (&key.namespace, &key.name) > (ns, name)))
        .filter(|(_, object)| labels.matches(object) && fields.matches(object));
    let mut page: Vec<(String, String, Value)> = Vec::new();
    for (key, object) in selected.by_ref() {
        page.push((key.namespace, key.name, target.present(object)));
        if limit.is_some_and(|l| page.len() == l) {
            break;
        }
    }
    let remaining = selected.count();
    let mut metadata = json!({"resourceVersion": revision.to_string()});
    if remaining > 0 {
        if let Some((ns, name, _)) = page.last() {
            metadata["continue"] = json!(encode_continue(ns, name));
            metadata["remainingItemCount"] = json!(remaining);
        }
    }
    let objects: Vec<Value> = page.into_iter().map(|(_, _, o)| o).collect();
    if req.wants_table() {
        let mut rendered = table::render(kind, &objects, &revision.to_string(), req.param("includeObject"));
        rendered["metadata"] = metadata;
        return Ok(Reply::ok(rendered));
    }
    Ok(Reply::ok(json!({
        "kind": format!("{}List", kind.kind),
        "apiVersion": kind.api_version(),
        "metadata": metadata,
        "items": objects,
    })))
}

fn encode_continue(namespace: &str, name: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json!([namespace, name]).to_string())
}

fn decode_continue(token: &str) -> ApiResult<(String, String)> {
    let bad = || ApiError::bad_request("invalid continue token");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token).map_err(|_| bad())?;
    let (namespace, name): (String, String) = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    Ok((namespace, name))
}
