//! `formatdate(spec, timestamp)`: Terraform's own date layout language, in which runs of one
//! letter (`YYYY`, `MMM`, `hh`, ...) stand for date fields, other characters are copied, and
//! letters meant literally are quoted (`'T'`, with `''` for a quote).

use crate::args::{string, string_value};
use crate::time::{civil_from_days, parse, Instant};
use crate::{Env, FunctionError, Value};
use std::fmt::Write;

type Result<T = Value> = std::result::Result<T, FunctionError>;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

pub(crate) fn formatdate(args: &[Value], _: &Env) -> Result {
    let spec = string(args, 0)?;
    let fields = Fields::of(&parse(&string(args, 1)?, 1)?);
    let mut out = String::with_capacity(spec.len() * 2);
    let mut chars = spec.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            // A quoted literal, in which `''` is one quote; a bare `''` is a quote as well.
            if chars.peek() == Some(&'\'') {
                chars.next();
                out.push('\'');
                continue;
            }
            loop {
                match chars.next() {
                    None => {
                        return Err(FunctionError::arg(
                            0,
                            "unterminated literal: a quote ' opens text that no quote closes",
                        ))
                    }
                    Some('\'') if chars.peek() == Some(&'\'') => {
                        chars.next();
                        out.push('\'');
                    }
                    Some('\'') => break,
                    Some(other) => out.push(other),
                }
            }
        } else if c.is_ascii_alphabetic() {
            let mut run = 1;
            while chars.peek() == Some(&c) {
                chars.next();
                run += 1;
            }
            fields.write(c, run, &mut out)?;
        } else {
            out.push(c);
        }
    }
    Ok(string_value(out))
}

/// The calendar fields of a timestamp in its own offset.
struct Fields {
    year: i64,
    month: i64,
    day: i64,
    weekday: usize,
    hour: i64,
    minute: i64,
    second: i64,
    offset_seconds: i64,
}

impl Fields {
    fn of(instant: &Instant) -> Fields {
        let local = instant.nanos.div_euclid(1_000_000_000) + i128::from(instant.offset_seconds);
        // Parsed timestamps lie within years 0000-9999, so the day count fits in an i64.
        let days = local.div_euclid(86_400) as i64;
        let seconds = local.rem_euclid(86_400) as i64;
        let (year, month, day) = civil_from_days(days);
        Fields {
            year,
            month,
            day,
            // 1970-01-01 was a Thursday.
            weekday: (days + 4).rem_euclid(7) as usize,
            hour: seconds / 3600,
            minute: seconds % 3600 / 60,
            second: seconds % 60,
            offset_seconds: instant.offset_seconds,
        }
    }

    fn write(&self, letter: char, run: usize, out: &mut String) -> Result<()> {
        let hour12 = if self.hour % 12 == 0 { 12 } else { self.hour % 12 };
        let _ = match (letter, run) {
            ('Y', 4) => write!(out, "{:04}", self.year),
            ('Y', 2) => write!(out, "{:02}", self.year % 100),
            ('M', 4) => write!(out, "{}", MONTHS[(self.month - 1) as usize]),
            ('M', 3) => write!(out, "{}", &MONTHS[(self.month - 1) as usize][..3]),
            ('M', 2) => write!(out, "{:02}", self.month),
            ('M', 1) => write!(out, "{}", self.month),
            ('D', 2) => write!(out, "{:02}", self.day),
            ('D', 1) => write!(out, "{}", self.day),
            ('E', 4) => write!(out, "{}", WEEKDAYS[self.weekday]),
            ('E', 3) => write!(out, "{}", &WEEKDAYS[self.weekday][..3]),
            ('h', 2) => write!(out, "{:02}", self.hour),
            ('h', 1) => write!(out, "{}", self.hour),
            ('H', 2) => write!(out, "{hour12:02}"),
            ('H', 1) => write!(out, "{hour12}"),
            ('A', 2) => write!(out, "{}", if self.hour < 12 { "AM" } else { "PM" }),
            ('a', 2) => write!(out, "{}", if self.hour < 12 { "am" } else { "pm" }),
            ('m', 2) => write!(out, "{:02}", self.minute),
            ('m', 1) => write!(out, "{}", self.minute),
            ('s', 2) => write!(out, "{:02}", self.second),
            ('s', 1) => write!(out, "{}", self.second),
            ('Z', 5) => write!(out, "{}", self.offset(true)),
            ('Z', 4) => write!(out, "{}", self.offset(false)),
            ('Z', 3) if self.offset_seconds == 0 => write!(out, "UTC"),
            ('Z', 3) => write!(out, "{}", self.offset(false)),
            ('Z', 1) if self.offset_seconds == 0 => write!(out, "Z"),
            ('Z', 1) => write!(out, "{}", self.offset(true)),
            _ => {
                let sequence: String = std::iter::repeat_n(letter, run).collect();
                return Err(FunctionError::arg(
                    0,
                    format!(
                        "invalid date format sequence {sequence:?}; to include letters literally, quote them like 'T'"
                    ),
                ));
            }
        };
        Ok(())
    }

    fn offset(&self, colon: bool) -> String {
        let sign = if self.offset_seconds < 0 { '-' } else { '+' };
        let minutes = self.offset_seconds.abs() / 60;
        let separator = if colon { ":" } else { "" };
        format!("{sign}{:02}{separator}{:02}", minutes / 60, minutes % 60)
    }
}
