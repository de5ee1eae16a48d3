//! The `timeouts { create, update, delete }` block (the SDK's, with Go-style durations).

use meshplan_provider::duration::{timeout_of, timeouts_block};
use meshplan_provider::{Block, ProviderError, Value};
use std::time::Duration;

/// Used when a timeout is not set: long enough for a CRD or a rollout on a real cluster.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

pub(crate) fn block() -> Block {
    timeouts_block()
}

/// The timeout for `operation` from a state or config holding a `timeouts` block.
pub(crate) fn timeout(state: &Value, operation: &str) -> Result<Duration, ProviderError> {
    timeout_of(state, operation, DEFAULT_TIMEOUT)
        .map_err(|e| ProviderError::new(format!("invalid duration: {e}")).at_attribute("timeouts"))
}
