//! Time functions over RFC 3339 timestamps. Output follows Go's `time.RFC3339` layout as
//! Terraform's does: whole seconds, `Z` for UTC, otherwise the input's own offset.
//!
//! Calendar arithmetic is a few lines (days-from-civil), so no date crate is needed.

use crate::args::{string, string_value};
use crate::{Env, FunctionError, Value};

type Result<T = Value> = std::result::Result<T, FunctionError>;

const NANOS_PER_SECOND: i128 = 1_000_000_000;

/// The plan's timestamp, fixed for the whole plan so configurations stay consistent.
pub(crate) fn plantimestamp(_: &[Value], env: &Env) -> Result {
    Ok(string_value(env.plan_timestamp))
}

/// Now, in UTC. Impure: changes on every call.
pub(crate) fn timestamp(_: &[Value], env: &Env) -> Result {
    if !env.timestamp_known {
        return Ok(Value::Unknown);
    }
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| FunctionError::new("the system clock is before 1970"))?;
    let nanos = i128::from(since_epoch.as_secs()) * NANOS_PER_SECOND;
    format(Instant { nanos, offset_seconds: 0 }).map(string_value)
}

/// Adds a Go duration (`"1h30m"`, `"-10m"`, `"1.5h"`) to a timestamp.
pub(crate) fn timeadd(args: &[Value], _: &Env) -> Result {
    let instant = parse(&string(args, 0)?, 0)?;
    let duration = parse_duration(&string(args, 1)?, 1)?;
    let moved = Instant { nanos: instant.nanos + duration, offset_seconds: instant.offset_seconds };
    format(moved).map(string_value).map_err(|e| FunctionError::arg(1, e.message))
}

/// -1, 0 or 1 as the first timestamp is before, at or after the second.
pub(crate) fn timecmp(args: &[Value], _: &Env) -> Result {
    let a = parse(&string(args, 0)?, 0)?;
    let b = parse(&string(args, 1)?, 1)?;
    Ok(Value::Number(match a.nanos.cmp(&b.nanos) {
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => 0.0,
        std::cmp::Ordering::Greater => 1.0,
    }))
}

/// A moment as nanoseconds since the Unix epoch, with the offset it was written in.
pub(crate) struct Instant {
    pub nanos: i128,
    pub offset_seconds: i64,
}

pub(crate) fn parse(text: &str, arg: usize) -> Result<Instant> {
    let invalid =
        || FunctionError::arg(arg, format!("{text:?} is not a valid RFC 3339 timestamp like \"2024-01-31T14:05:00Z\""));
    let b = text.as_bytes();
    if b.len() < 20
        || !text.is_ascii()
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(invalid());
    }
    let field = |range: std::ops::Range<usize>| text[range].parse::<i64>().ok();
    let digits_only = |range: std::ops::Range<usize>| text[range].bytes().all(|c| c.is_ascii_digit());
    if ![0..4, 5..7, 8..10, 11..13, 14..16, 17..19].into_iter().all(digits_only) {
        return Err(invalid());
    }
    let (year, month, day) =
        (field(0..4).ok_or_else(invalid)?, field(5..7).ok_or_else(invalid)?, field(8..10).ok_or_else(invalid)?);
    let (hour, minute, second) =
        (field(11..13).ok_or_else(invalid)?, field(14..16).ok_or_else(invalid)?, field(17..19).ok_or_else(invalid)?);
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(invalid());
    }
    let mut rest = &text[19..];
    let mut fraction_nanos: i128 = 0;
    if let Some(after_dot) = rest.strip_prefix('.') {
        let len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return Err(invalid());
        }
        let digits = &after_dot[..len.min(9)];
        fraction_nanos = digits.parse::<i128>().map_err(|_| invalid())? * 10i128.pow(9 - digits.len() as u32);
        rest = &after_dot[len..];
    }
    let offset_seconds = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && rest.starts_with(['+', '-'])
            && &rest[3..4] == ":"
            && rest[1..3].bytes().chain(rest[4..6].bytes()).all(|c| c.is_ascii_digit()) =>
        {
            let hours: i64 = rest[1..3].parse().map_err(|_| invalid())?;
            let minutes: i64 = rest[4..6].parse().map_err(|_| invalid())?;
            if hours > 23 || minutes > 59 {
                return Err(invalid());
            }
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (hours * 3600 + minutes * 60)
        }
        _ => return Err(invalid()),
    };
    let local_seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    let nanos = i128::from(local_seconds - offset_seconds) * NANOS_PER_SECOND + fraction_nanos;
    Ok(Instant { nanos, offset_seconds })
}

fn format(instant: Instant) -> Result<String> {
    let local_seconds = instant.nanos.div_euclid(NANOS_PER_SECOND) + i128::from(instant.offset_seconds);
    let days = local_seconds.div_euclid(86_400);
    let seconds_of_day = local_seconds.rem_euclid(86_400) as i64;
    let (year, month, day) = civil_from_days(i64::try_from(days).map_err(|_| out_of_range())?);
    if !(0..=9999).contains(&year) {
        return Err(out_of_range());
    }
    let offset = match instant.offset_seconds {
        0 => "Z".to_string(),
        o => format!("{}{:02}:{:02}", if o < 0 { '-' } else { '+' }, o.abs() / 3600, o.abs() % 3600 / 60),
    };
    Ok(format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}{offset}",
        seconds_of_day / 3600,
        seconds_of_day % 3600 / 60,
        seconds_of_day % 60
    ))
}

fn out_of_range() -> FunctionError {
    FunctionError::new("the resulting time is outside the years 0000 to 9999")
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (year_of_era + era * 400 + i64::from(month <= 2), month, day)
}

/// Go's `time.ParseDuration`, in nanoseconds (the SDK's one parser).
fn parse_duration(text: &str, arg: usize) -> Result<i128> {
    meshplan_provider::duration::parse_go_duration(text).map_err(|e| {
        FunctionError::arg(arg, format!("{e}; a valid duration looks like \"1h30m\", \"-10m\" or \"90s\""))
    })
}
