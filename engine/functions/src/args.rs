//! Reading typed arguments, with Terraform's automatic conversions (a number or bool is
//! accepted where a string is expected, a numeric string where a number is).
//!
//! Every error carries the argument index; `registry` turns it into the parameter name.

use meshplan_provider::{format_number, FunctionError, Value};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The argument at `i`, which must not be null.
pub(crate) fn present(args: &[Value], i: usize) -> Result<&Value, FunctionError> {
    match args.get(i) {
        None => Err(FunctionError::arg(i, "argument is missing")),
        Some(Value::Null) => Err(FunctionError::arg(i, "argument must not be null")),
        Some(v) => Ok(v),
    }
}

/// A primitive as a string, as Terraform converts it (`5` → `"5"`, `true` → `"true"`).
pub(crate) fn value_as_string(v: &Value) -> Option<Cow<'_, str>> {
    match v.peel() {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(format_number(*n))),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        _ => None,
    }
}

pub(crate) fn string(args: &[Value], i: usize) -> Result<Cow<'_, str>, FunctionError> {
    let v = present(args, i)?;
    value_as_string(v).ok_or_else(|| FunctionError::arg(i, format!("string required, got {}", v.type_name())))
}

/// A number from a number or a numeric string.
pub(crate) fn value_as_number(v: &Value) -> Option<f64> {
    match v.peel() {
        Value::Number(n) => Some(*n),
        Value::String(s) => parse_decimal(s),
        _ => None,
    }
}

/// Terraform accepts decimal notation only (no hex, no `inf`, no `nan`).
pub(crate) fn parse_decimal(s: &str) -> Option<f64> {
    let plausible = !s.is_empty()
        && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
        && s.chars().any(|c| c.is_ascii_digit());
    plausible.then(|| s.parse::<f64>().ok()).flatten().filter(|n| n.is_finite())
}

pub(crate) fn number(args: &[Value], i: usize) -> Result<f64, FunctionError> {
    let v = present(args, i)?;
    value_as_number(v).ok_or_else(|| match v {
        Value::String(s) => FunctionError::arg(i, format!("a number is required, got the string {s:?}")),
        _ => FunctionError::arg(i, format!("number required, got {}", v.type_name())),
    })
}

/// A whole number that fits in an i64.
pub(crate) fn integer(args: &[Value], i: usize) -> Result<i64, FunctionError> {
    let n = number(args, i)?;
    to_integer(n).ok_or_else(|| FunctionError::arg(i, format!("a whole number is required, got {}", format_number(n))))
}

pub(crate) fn to_integer(n: f64) -> Option<i64> {
    // 2^63 is exactly representable; anything at or beyond it does not fit.
    (n.is_finite() && n.fract() == 0.0 && n.abs() < 9.223_372_036_854_776e18).then_some(n as i64)
}

pub(crate) fn boolean(args: &[Value], i: usize) -> Result<bool, FunctionError> {
    let v = present(args, i)?;
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s == "true" => Ok(true),
        Value::String(s) if s == "false" => Ok(false),
        _ => Err(FunctionError::arg(i, format!("bool required, got {}", v.type_name()))),
    }
}

pub(crate) fn list(args: &[Value], i: usize) -> Result<&[Value], FunctionError> {
    let v = present(args, i)?;
    v.as_list().map(Vec::as_slice).ok_or_else(|| FunctionError::arg(i, format!("list required, got {}", v.type_name())))
}

pub(crate) fn object(args: &[Value], i: usize) -> Result<&BTreeMap<String, Value>, FunctionError> {
    let v = present(args, i)?;
    v.as_object().ok_or_else(|| FunctionError::arg(i, format!("map or object required, got {}", v.type_name())))
}

/// A list whose elements are all strings (or convert to strings); null elements are errors.
pub(crate) fn string_list(args: &[Value], i: usize) -> Result<Vec<Cow<'_, str>>, FunctionError> {
    list(args, i)?
        .iter()
        .enumerate()
        .map(|(at, v)| {
            value_as_string(v)
                .ok_or_else(|| FunctionError::arg(i, format!("element {at} must be a string, got {}", v.type_name())))
        })
        .collect()
}

pub(crate) fn string_value(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

pub(crate) fn number_value(n: f64) -> Result<Value, FunctionError> {
    if n.is_finite() {
        Ok(Value::Number(n))
    } else {
        Err(FunctionError::new("the result is not a finite number"))
    }
}
