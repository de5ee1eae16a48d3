//! The `timeouts { create, update, delete }` block: Go-style durations (`30s`, `5m`, `1h30m`).

use meshplan_provider::{Attribute, Block, ProviderError, Schema, Type, Value};
use std::time::Duration;

/// Used when a timeout is not set: long enough for a CRD or a rollout on a real cluster.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);

pub(crate) fn block() -> Block {
    Block::single(
        Schema::new()
            .attr("create", Attribute::optional(Type::String))
            .attr("update", Attribute::optional(Type::String))
            .attr("delete", Attribute::optional(Type::String)),
    )
}

/// The timeout for `operation` from a state or config holding a `timeouts` block.
pub(crate) fn timeout(state: &Value, operation: &str) -> Result<Duration, ProviderError> {
    match state.get("timeouts").get_str(operation) {
        None => Ok(DEFAULT_TIMEOUT),
        Some(text) => parse_duration(text)
            .ok_or_else(|| ProviderError::new(format!("invalid duration {text:?} for timeouts.{operation}")).at_attribute("timeouts")),
    }
}

/// `1h30m`, `45s`, `500ms`, `2m`: a sequence of number+unit pairs.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = Duration::ZERO;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
        let seconds = match &rest[..unit_len] {
            "ms" => number / 1000.0,
            "s" => number,
            "m" => number * 60.0,
            "h" => number * 3600.0,
            _ => return None,
        };
        total += Duration::from_secs_f64(seconds);
        rest = &rest[unit_len..];
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("3d"), None);
    }
}
