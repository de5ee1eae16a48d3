//! Steps most resource types share: import by reading, reading back after a write.

use crate::error::AwsError;
use crate::values::finalize;
use meshplan_provider::{Ctx, ProviderError, ResourceType, Value};
use std::time::Duration;

/// Import = read from a state holding only what the import ID names.
pub async fn import_via_read<R: ResourceType + ?Sized>(
    resource: &R,
    ctx: &Ctx,
    id: &str,
    seed: Value,
) -> Result<Value, ProviderError> {
    match resource.read(ctx, &seed).await? {
        Some(state) => Ok(state),
        None => Err(AwsError::Import {
            address: ctx.address.clone(),
            message: format!("{} {id:?} does not exist", resource.type_name()),
        }
        .into()),
    }
}

/// Reads an object just written, tolerating the short window in which AWS's read
/// path does not see it yet. A still-missing object, or a read that fails (an outage
/// after the write), is an error that carries the state written so far, so the engine
/// records the object rather than orphaning it.
pub async fn read_after_write<R: ResourceType + ?Sized>(
    resource: &R,
    ctx: &Ctx,
    written: Value,
) -> Result<Value, ProviderError> {
    let written = finalize(written);
    for attempt in 0..8u32 {
        let read = resource.read(ctx, &written).await.map_err(|e| e.with_partial_state(written.clone()))?;
        if let Some(state) = read {
            return Ok(finalize(state));
        }
        tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt + 1))).await;
    }
    let err: ProviderError =
        AwsError::VanishedAfterWrite { address: ctx.address.clone(), what: resource.type_name().to_string() }.into();
    Err(err.with_partial_state(written))
}

/// Attaches the state written so far to an error of a later step of a create.
pub fn with_partial(err: impl Into<ProviderError>, state: &Value) -> ProviderError {
    err.into().with_partial_state(finalize(state.clone()))
}

/// `find` for an object whose ID was located: the state `create` would have returned.
pub async fn adopt<R: ResourceType + ?Sized>(
    resource: &R,
    ctx: &Ctx,
    located: Value,
) -> Result<Option<Value>, ProviderError> {
    read_after_write(resource, ctx, located).await.map(Some)
}

/// `find` for objects identified by their content (routes, associations, attachments,
/// per-bucket settings): the object is ours when it exists and `matches` what the create
/// was to write; otherwise the create is simply made again (it is idempotent or the
/// content is free).
pub async fn find_by_content<R: ResourceType + ?Sized>(
    resource: &R,
    ctx: &Ctx,
    planned: &Value,
    matches: impl Fn(&Value) -> bool,
) -> Result<Option<Value>, ProviderError> {
    let seed = finalize(planned.clone());
    Ok(resource.read(ctx, &seed).await?.map(finalize).filter(|s| matches(s)))
}

/// A create call answered without the object's ID (never expected from AWS).
pub fn missing_id(ctx: &Ctx, operation: &str) -> ProviderError {
    AwsError::VanishedAfterWrite { address: ctx.address.clone(), what: format!("the ID in the answer of {operation}") }
        .into()
}
