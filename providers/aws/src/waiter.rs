//! The one waiter helper: poll until an object reaches a state, fails, or time runs out.

use crate::api::Api;
use crate::error::AwsError;
use std::future::Future;
use std::time::{Duration, Instant};

/// One observation of the object being waited on.
pub enum Poll<T> {
    /// The awaited state was reached.
    Ready(T),
    /// Still transitioning; the string is the current status (for the timeout message).
    Pending(String),
    /// A terminal state other than the awaited one (e.g. CREATE_FAILED).
    Failed { status: String, reason: Option<String> },
}

impl Api<'_> {
    /// Polls `observe` every `poll_interval` until it is ready, failed, or `timeout` passes.
    pub async fn wait_for<T, F, Fut>(&self, what: &str, timeout: Duration, mut observe: F) -> Result<T, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Poll<T>, AwsError>>,
    {
        let started = Instant::now();
        loop {
            let last_status = match observe().await? {
                Poll::Ready(v) => return Ok(v),
                Poll::Failed { status, reason } => {
                    return Err(AwsError::WaitFailed {
                        address: self.address.into(),
                        what: what.into(),
                        status,
                        reason,
                    })
                }
                Poll::Pending(status) => status,
            };
            self.ctx.progress(&format!("waiting for {what}: {last_status}"));
            if started.elapsed() >= timeout {
                return Err(AwsError::WaitTimeout {
                    address: self.address.into(),
                    what: what.into(),
                    after: timeout,
                    last_status,
                });
            }
            tokio::time::sleep(self.poll_interval.min(timeout.saturating_sub(started.elapsed()))).await;
        }
    }
}

pub use meshplan_provider::duration::{timeout_of, timeouts_block};
