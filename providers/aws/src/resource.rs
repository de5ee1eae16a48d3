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
/// path does not see it yet. A still-missing object is an error that carries the
/// state written so far, so the engine records it rather than orphaning it.
pub async fn read_after_write<R: ResourceType + ?Sized>(
    resource: &R,
    ctx: &Ctx,
    written: Value,
) -> Result<Value, ProviderError> {
    let written = finalize(written);
    for attempt in 0..8u32 {
        if let Some(state) = resource.read(ctx, &written).await? {
            return Ok(finalize(state));
        }
        tokio::time::sleep(Duration::from_millis(250 * u64::from(attempt + 1))).await;
    }
    let err: ProviderError = AwsError::VanishedAfterWrite {
        address: ctx.address.clone(),
        what: resource.type_name().to_string(),
    }
    .into();
    Err(err.with_partial_state(written))
}

/// Attaches the state written so far to an error of a later step of a create.
pub fn with_partial(err: impl Into<ProviderError>, state: &Value) -> ProviderError {
    err.into().with_partial_state(finalize(state.clone()))
}
