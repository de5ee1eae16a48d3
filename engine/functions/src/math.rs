//! Numeric functions. Values are f64, so results that are not finite (`pow(0, -1)`,
//! `log(0, 10)`) are errors rather than infinities no encoder could write.

use crate::args::{integer, list, number, number_value, string, value_as_number};
use crate::{Env, FunctionError, Value};

type Result = std::result::Result<Value, FunctionError>;

pub(crate) fn abs(args: &[Value], _: &Env) -> Result {
    number_value(number(args, 0)?.abs())
}

pub(crate) fn ceil(args: &[Value], _: &Env) -> Result {
    number_value(number(args, 0)?.ceil())
}

pub(crate) fn floor(args: &[Value], _: &Env) -> Result {
    number_value(number(args, 0)?.floor())
}

pub(crate) fn signum(args: &[Value], _: &Env) -> Result {
    let n = number(args, 0)?;
    number_value(if n > 0.0 {
        1.0
    } else if n < 0.0 {
        -1.0
    } else {
        0.0
    })
}

pub(crate) fn pow(args: &[Value], _: &Env) -> Result {
    number_value(number(args, 0)?.powf(number(args, 1)?))
}

pub(crate) fn log(args: &[Value], _: &Env) -> Result {
    let n = number(args, 0)?;
    let base = number(args, 1)?;
    if base <= 0.0 || base == 1.0 {
        return Err(FunctionError::arg(1, "base must be positive and not 1"));
    }
    if n <= 0.0 {
        return Err(FunctionError::arg(0, "the logarithm is only defined for positive numbers"));
    }
    number_value(n.ln() / base.ln())
}

pub(crate) fn min(args: &[Value], _: &Env) -> Result {
    extreme(args, f64::min)
}

pub(crate) fn max(args: &[Value], _: &Env) -> Result {
    extreme(args, f64::max)
}

fn extreme(args: &[Value], pick: fn(f64, f64) -> f64) -> Result {
    if args.is_empty() {
        return Err(FunctionError::new("must pass at least one number"));
    }
    let mut best = number(args, 0)?;
    for i in 1..args.len() {
        best = pick(best, number(args, i)?);
    }
    number_value(best)
}

pub(crate) fn sum(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    if items.is_empty() {
        return Err(FunctionError::arg(0, "cannot sum an empty list"));
    }
    let mut total = 0.0;
    for (at, item) in items.iter().enumerate() {
        total += value_as_number(item)
            .ok_or_else(|| FunctionError::arg(0, format!("element {at} must be a number, got {}", item.type_name())))?;
    }
    number_value(total)
}

/// Parses an integer in base 2 to 62 (digits 0-9, then a-z, then A-Z above base 36; letters
/// are case-insensitive up to base 36), like Go's `big.Int.SetString`.
pub(crate) fn parseint(args: &[Value], _: &Env) -> Result {
    let text = string(args, 0)?;
    let base = integer(args, 1)?;
    if !(2..=62).contains(&base) {
        return Err(FunctionError::arg(1, "base must be a whole number between 2 and 62 inclusive"));
    }
    let invalid = || FunctionError::arg(0, format!("cannot parse {text:?} as a base {base} integer"));
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text.as_ref()),
    };
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut value: f64 = 0.0;
    for c in digits.chars() {
        let digit = match c {
            '0'..='9' => c as i64 - '0' as i64,
            'a'..='z' => c as i64 - 'a' as i64 + 10,
            'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
            'A'..='Z' => c as i64 - 'A' as i64 + 36,
            _ => return Err(invalid()),
        };
        if digit >= base {
            return Err(invalid());
        }
        value = value * base as f64 + digit as f64;
    }
    if !value.is_finite() {
        return Err(FunctionError::arg(0, format!("{text:?} is too large to represent as a number")));
    }
    Ok(Value::Number(if negative { -value } else { value }))
}
