//! The lock object `<state object>.tflock`: created with `If-None-Match: *`, so of two
//! processes that try at once exactly one succeeds; it holds the holder's info in Terraform's
//! lock-info JSON (plus our `Pid`), so either tool shows who holds it.

use crate::{sdk_error, Shared};
use aws_sdk_s3::primitives::ByteStream;
use meshplan_state::{LockInfo, StateError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TfLockInfo {
    #[serde(rename = "ID")]
    id: String,
    operation: String,
    #[serde(default)]
    info: String,
    who: String,
    #[serde(default)]
    version: String,
    created: String,
    #[serde(default)]
    path: String,
    #[serde(default)]
    pid: u32,
}

fn to_json(info: &LockInfo, path: String) -> Vec<u8> {
    let mut op = info.operation.clone();
    if let Some(first) = op.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let tf = TfLockInfo {
        id: info.id.clone(),
        operation: format!("OperationType{op}"),
        info: String::new(),
        who: info.who.clone(),
        version: concat!("meshplan ", env!("CARGO_PKG_VERSION")).into(),
        created: info.since.clone(),
        path,
        pid: info.pid,
    };
    serde_json::to_vec(&tf).unwrap_or_default()
}

fn from_json(bytes: &[u8]) -> Option<LockInfo> {
    let tf: TfLockInfo = serde_json::from_slice(bytes).ok()?;
    let op = tf.operation.strip_prefix("OperationType").unwrap_or(&tf.operation).to_ascii_lowercase();
    Some(LockInfo { id: tf.id, who: tf.who, pid: tf.pid, operation: op, since: tf.created })
}

pub(crate) fn lock_key(state_key: &str) -> String {
    format!("{state_key}.tflock")
}

/// Creates the lock object if absent. `Ok(None)`: taken; `Ok(Some(holder))`: someone has it.
async fn try_create(shared: &Shared, key: &str, info: &LockInfo) -> Result<Option<LockInfo>, StateError> {
    let cfg = &shared.config;
    let body = to_json(info, format!("{}/{}", cfg.bucket, key.trim_end_matches(".tflock")));
    let put = shared
        .client
        .put_object()
        .bucket(&cfg.bucket)
        .key(key)
        .if_none_match("*")
        .content_type("application/json")
        .body(ByteStream::from(body));
    match put.send().await {
        Ok(_) => Ok(None),
        Err(e) if is_precondition_failed(&e) => Ok(Some(holder(shared, key).await?.unwrap_or_else(unreadable_holder))),
        Err(e) => Err(sdk_error(cfg, "create the lock", key, e)),
    }
}

/// The lock's holder, if the lock object exists.
pub(crate) async fn holder(shared: &Shared, key: &str) -> Result<Option<LockInfo>, StateError> {
    let cfg = &shared.config;
    match shared.client.get_object().bucket(&cfg.bucket).key(key).send().await {
        Ok(out) => {
            let bytes = out
                .body
                .collect()
                .await
                .map_err(|e| StateError::Io(format!("cannot read s3://{}/{key}: {e}", cfg.bucket)))?
                .into_bytes();
            Ok(Some(from_json(&bytes).unwrap_or_else(unreadable_holder)))
        }
        Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => Ok(None),
        Err(e) => Err(sdk_error(cfg, "read the lock", key, e)),
    }
}

fn unreadable_holder() -> LockInfo {
    LockInfo {
        id: "(unreadable lock object)".into(),
        who: "unknown".into(),
        pid: 0,
        operation: "unknown".into(),
        since: "unknown".into(),
    }
}

/// Takes the lock, polling until `timeout`; then the error names the holder. A lock left by
/// a process of this host that is gone is taken over at once (as the local backend does) and
/// returned, for the caller to say so.
pub(crate) async fn acquire(
    shared: Arc<Shared>,
    key: String,
    info: LockInfo,
    timeout: Duration,
) -> Result<Option<LockInfo>, StateError> {
    let deadline = Instant::now() + timeout;
    let mut taken_over = None;
    loop {
        let Some(held_by) = try_create(&shared, &key, &info).await? else { return Ok(taken_over) };
        if held_by.holder_is_dead() && taken_over.is_none() {
            release(shared.clone(), key.clone(), held_by.id.clone()).await?;
            taken_over = Some(held_by);
            continue;
        }
        if Instant::now() >= deadline {
            return Err(StateError::Locked(held_by));
        }
        tokio::time::sleep(Duration::from_millis(500).min(deadline.saturating_duration_since(Instant::now()))).await;
    }
}

/// Deletes the lock object when its holder's id is `id` (our own on release; `force-unlock`'s argument).
pub(crate) async fn release(shared: Arc<Shared>, key: String, id: String) -> Result<(), StateError> {
    match holder(&shared, &key).await? {
        Some(h) if h.id == id => {
            let cfg = &shared.config;
            shared
                .client
                .delete_object()
                .bucket(&cfg.bucket)
                .key(&key)
                .send()
                .await
                .map_err(|e| sdk_error(cfg, "delete the lock", &key, e))?;
            Ok(())
        }
        _ => Err(StateError::NoSuchLock(id)),
    }
}

pub(crate) fn is_precondition_failed<E: aws_sdk_s3::error::ProvideErrorMetadata, R>(
    e: &aws_sdk_s3::error::SdkError<E, R>,
) -> bool {
    use aws_sdk_s3::error::ProvideErrorMetadata;
    // 412 PreconditionFailed; 409 ConditionalRequestConflict when two conditional writes race.
    matches!(e.code(), Some("PreconditionFailed" | "ConditionalRequestConflict"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_info_round_trips_through_terraform_shape() {
        let info = LockInfo {
            id: "abc".into(),
            who: "me@host".into(),
            pid: 42,
            operation: "apply".into(),
            since: "2026-12-07T00:00:00Z".into(),
        };
        let json = to_json(&info, "b/k".into());
        let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(v["ID"], "abc");
        assert_eq!(v["Operation"], "OperationTypeApply");
        assert_eq!(v["Who"], "me@host");
        assert_eq!(v["Path"], "b/k");
        assert_eq!(from_json(&json).unwrap(), info);
    }
}
