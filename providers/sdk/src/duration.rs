//! Go's duration syntax (`300ms`, `1.5h`, `1h30m`, `-10m`), the one parser for everything that
//! takes a duration as Terraform does: `timeouts {}` blocks, `time_sleep`, `timeadd()`.

use crate::{Attribute, Block, Schema, Type, Value};
use std::time::Duration;

/// Go's `time.ParseDuration`, in signed nanoseconds: an optional sign, then number+unit pairs
/// with units ns, us (µs), ms, s, m, h; `"0"` alone needs no unit. The error says what is wrong.
pub fn parse_go_duration(text: &str) -> Result<i128, String> {
    let s = text.trim();
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(format!("{text:?} is not a duration (e.g. \"30s\", \"1h30m\")"));
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if number_len == 0 {
            return Err(format!("{text:?} is not a duration (expected a number before the unit, as in \"30s\")"));
        }
        let number: f64 =
            rest[..number_len].parse().map_err(|_| format!("{text:?}: bad number {:?}", &rest[..number_len]))?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let nanos_per_unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("{text:?} is missing a unit (ns, us, ms, s, m, h)")),
            other => return Err(format!("{text:?} has an unknown unit {other:?} (use ns, us, ms, s, m, h)")),
        };
        rest = &rest[unit_len..];
        total += number * nanos_per_unit;
    }
    // Go caps durations at about 292 years (i64 nanoseconds).
    if !total.is_finite() || total > 9.2e18 {
        return Err(format!("{text:?} is too long"));
    }
    // Whole nanoseconds, rounded, so "200ms" is exactly 200 ms despite binary fractions.
    let nanos = total.round() as i128;
    Ok(if negative { -nanos } else { nanos })
}

/// A non-negative Go duration.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    match parse_go_duration(text)? {
        n if n < 0 => Err(format!("{text:?} is negative")),
        n => Ok(Duration::from_nanos(n as u64)),
    }
}

/// The `timeouts { create, update, delete }` block of resources that wait.
pub fn timeouts_block() -> Block {
    Block::single(
        Schema::new()
            .attr("create", Attribute::optional(Type::String))
            .attr("update", Attribute::optional(Type::String))
            .attr("delete", Attribute::optional(Type::String)),
    )
}

/// The timeout configured for `operation` (`"create"`, ...) in a state or configuration holding
/// a `timeouts` block, else `default`.
pub fn timeout_of(state: &Value, operation: &str, default: Duration) -> Result<Duration, String> {
    match state.get("timeouts").get_str(operation) {
        None => Ok(default),
        Some(text) => parse_duration(text).map_err(|e| format!("timeouts.{operation}: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_duration("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m5s"), Ok(Duration::from_secs(65)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("1h2m3s4ms"), Ok(Duration::from_millis(3_723_004)));
        assert_eq!(parse_duration("7us"), Ok(Duration::from_micros(7)));
        assert_eq!(parse_go_duration("-10m"), Ok(-600_000_000_000));
        assert_eq!(parse_go_duration("+1ns"), Ok(1));
    }

    #[test]
    fn rejects_bad_durations_with_a_reason() {
        assert!(parse_duration("").is_err());
        assert!(parse_duration("10").unwrap_err().contains("missing a unit"));
        assert!(parse_duration("5d").unwrap_err().contains("unknown unit"));
        assert!(parse_duration("-1s").unwrap_err().contains("negative"));
        assert!(parse_duration("s").is_err());
        assert!(parse_duration("1..2s").is_err());
        assert!(parse_go_duration("9999999999h").unwrap_err().contains("too long"));
        assert!(parse_go_duration("-").is_err());
    }

    #[test]
    fn timeouts_come_from_the_block_or_the_default() {
        let state = Value::from_json(&serde_json::json!({"timeouts": {"create": "90s", "delete": "soon"}}));
        assert_eq!(timeout_of(&state, "create", Duration::from_secs(1)), Ok(Duration::from_secs(90)));
        assert_eq!(timeout_of(&state, "update", Duration::from_secs(1)), Ok(Duration::from_secs(1)));
        assert!(timeout_of(&state, "delete", Duration::from_secs(1)).unwrap_err().starts_with("timeouts.delete:"));
    }
}
