//! Go's duration syntax (`300ms`, `1.5h`, `1m5s`), which `time_sleep` takes as Terraform does.

use std::time::Duration;

/// Parses a non-negative Go duration. The error says what is wrong, for a diagnostic.
pub(crate) fn parse(text: &str) -> Result<Duration, String> {
    let s = text.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    if s.is_empty() {
        return Err("an empty duration".into());
    }
    if s.starts_with('-') {
        return Err(format!("{text:?} is negative"));
    }
    let mut rest = s.strip_prefix('+').unwrap_or(s);
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if number_len == 0 {
            return Err(format!("{text:?} is not a duration (expected a number before the unit, as in \"30s\")"));
        }
        let number: f64 = rest[..number_len].parse().map_err(|_| format!("{text:?}: bad number {:?}", &rest[..number_len]))?;
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
    // Whole nanoseconds, rounded, so "200ms" is exactly 200 ms despite binary fractions.
    if !total.is_finite() || total >= u64::MAX as f64 {
        return Err(format!("{text:?} is too long"));
    }
    Ok(Duration::from_nanos(total.round() as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse("200ms"), Ok(Duration::from_millis(200)));
        assert_eq!(parse("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse("1m5s"), Ok(Duration::from_secs(65)));
        assert_eq!(parse("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse("0"), Ok(Duration::ZERO));
        assert_eq!(parse("1h2m3s4ms"), Ok(Duration::from_millis(3_723_004)));
    }

    #[test]
    fn rejects_bad_durations_with_a_reason() {
        assert!(parse("").is_err());
        assert!(parse("10").unwrap_err().contains("missing a unit"));
        assert!(parse("5d").unwrap_err().contains("unknown unit"));
        assert!(parse("-1s").unwrap_err().contains("negative"));
        assert!(parse("s").is_err());
        assert!(parse("1..2s").is_err());
    }
}
