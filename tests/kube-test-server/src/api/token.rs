//! `POST .../serviceaccounts/{name}/token`: TokenRequest, minting a token for the account.

use std::sync::Arc;

use serde_json::{json, Value};

use super::objects::meta_str;
use super::Target;
use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult, Subject};
use crate::http::request::ApiRequest;
use crate::http::response::Reply;

pub fn request_token(cluster: &Arc<Cluster>, target: &Target, account: &str, req: &ApiRequest) -> ApiResult<Reply> {
    let sa = cluster
        .store
        .get(&target.key(account))
        .ok_or_else(|| ApiError::not_found(Subject::new("", "serviceaccounts", account)))?;
    let request: Value = if req.body.is_empty() { json!({}) } else { req.object()? };
    let uid = meta_str(&sa, "uid").unwrap_or("");
    let token = cluster.auth.mint_service_account_token(&target.namespace, account, uid);
    let seconds = request.pointer("/spec/expirationSeconds").and_then(Value::as_i64).unwrap_or(3600);
    let expires = jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_secs(seconds))
        .map(|t| jiff::Timestamp::from_second(t.as_second()).unwrap_or(t).to_string())
        .unwrap_or_default();
    Ok(Reply::created(json!({
        "kind": "TokenRequest",
        "apiVersion": "authentication.k8s.io/v1",
        "metadata": {"name": account, "namespace": target.namespace, "creationTimestamp": null},
        "spec": {
            "audiences": request.pointer("/spec/audiences").cloned().unwrap_or_else(|| json!(["https://kubernetes.default.svc.cluster.local"])),
            "expirationSeconds": seconds,
            "boundObjectRef": request.pointer("/spec/boundObjectRef").cloned().unwrap_or(Value::Null),
        },
        "status": {"token": token, "expirationTimestamp": expires},
    })))
}
