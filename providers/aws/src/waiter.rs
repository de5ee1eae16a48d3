//! The one waiter helper: poll until an object reaches a state, fails, or time runs out.

use crate::api::Api;
use crate::error::AwsError;
use meshplan_provider::Value;
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
                    return Err(AwsError::WaitFailed { address: self.address.into(), what: what.into(), status, reason })
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

/// The `timeouts { create, update, delete }` block Terraform resources with waiters have.
pub fn timeouts_block() -> meshplan_provider::Block {
    use meshplan_provider::{Attribute, Block, Schema, Type};
    Block::single(
        Schema::new()
            .attr("create", Attribute::optional(Type::String))
            .attr("update", Attribute::optional(Type::String))
            .attr("delete", Attribute::optional(Type::String)),
    )
}

/// The configured timeout for `operation` (`"create"`, ...), else `default`.
pub fn timeout_of(state: &Value, operation: &str, default: Duration) -> Result<Duration, String> {
    match state.get("timeouts").get_str(operation) {
        None => Ok(default),
        Some(s) => parse_duration(s),
    }
}

/// Parses Go-style durations as Terraform's `timeouts` take them: "30m", "1h30m", "90s".
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let mut total = 0f64;
    let mut number = String::new();
    let mut chars = s.trim().chars().peekable();
    if s.trim().is_empty() {
        return Err("empty duration".into());
    }
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let mut unit = c.to_string();
        if c == 'm' && chars.peek() == Some(&'s') {
            unit.push(chars.next().unwrap_or('s'));
        }
        let n: f64 = number.parse().map_err(|_| format!("invalid duration {s:?}"))?;
        number.clear();
        total += n * match unit.as_str() {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            _ => return Err(format!("invalid duration unit {unit:?} in {s:?}")),
        };
    }
    if !number.is_empty() {
        return Err(format!("duration {s:?} lacks a unit (e.g. \"30m\")"));
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_terraform_durations() {
        assert_eq!(parse_duration("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("30").is_err());
        assert!(parse_duration("3x").is_err());
    }
}
