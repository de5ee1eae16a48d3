//! List and map functions. Sets are lists here, so `set.rs` holds the functions whose point
//! is set semantics (dedupe, order).

use crate::args::{integer, list, number, object, present, string, string_value, value_as_string};
use crate::{Env, FunctionError, Value};
use std::collections::BTreeMap;
use unicode_segmentation::UnicodeSegmentation;

type Result = std::result::Result<Value, FunctionError>;

/// Terraform's cap on `range`, so a typo cannot build a billion-element list.
const RANGE_LIMIT: usize = 1024;

/// Grapheme clusters of a string, elements of a list, attributes of an object.
pub(crate) fn length(args: &[Value], _: &Env) -> Result {
    let n = match present(args, 0)? {
        Value::String(s) => s.graphemes(true).count(),
        Value::List(items) => items.len(),
        Value::Object(attrs) => attrs.len(),
        other => {
            return Err(FunctionError::arg(
                0,
                format!(
                    "argument must be a string, a collection type, or a structural type, got {}",
                    other.type_name()
                ),
            ))
        }
    };
    Ok(Value::Number(n as f64))
}

pub(crate) fn concat(args: &[Value], _: &Env) -> Result {
    let mut out = Vec::new();
    for i in 0..args.len() {
        out.extend_from_slice(list(args, i)?);
    }
    Ok(Value::List(out))
}

/// Later maps win; null arguments are skipped (a common `merge(var.tags, null)` idiom).
pub(crate) fn merge(args: &[Value], _: &Env) -> Result {
    let mut out = BTreeMap::new();
    for (i, arg) in args.iter().enumerate() {
        if arg.is_null() {
            continue;
        }
        out.extend(object(args, i)?.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Ok(Value::Object(out))
}

pub(crate) fn keys(args: &[Value], _: &Env) -> Result {
    Ok(Value::List(object(args, 0)?.keys().map(string_value).collect()))
}

/// In key order, matching `keys`.
pub(crate) fn values(args: &[Value], _: &Env) -> Result {
    Ok(Value::List(object(args, 0)?.values().cloned().collect()))
}

pub(crate) fn lookup(args: &[Value], _: &Env) -> Result {
    let map = object(args, 0)?;
    let key = string(args, 1)?;
    match (map.get(key.as_ref()), args.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(FunctionError::arg(1, format!("the given object has no attribute {key:?}"))),
    }
}

/// Indexes wrap around the end of the list.
pub(crate) fn element(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    let index = integer(args, 1)?;
    if items.is_empty() {
        return Err(FunctionError::arg(0, "cannot use element function with an empty list"));
    }
    if index < 0 {
        return Err(FunctionError::arg(1, "cannot use element function with a negative index"));
    }
    Ok(items[(index as u64 % items.len() as u64) as usize].clone())
}

/// Flattens nested lists at any depth; other elements stay as they are.
pub(crate) fn flatten(args: &[Value], _: &Env) -> Result {
    fn walk(items: &[Value], depth: usize, out: &mut Vec<Value>) -> std::result::Result<(), FunctionError> {
        if depth > 256 {
            return Err(FunctionError::arg(0, "lists are nested too deeply"));
        }
        for item in items {
            match item {
                Value::List(inner) => walk(inner, depth + 1, out)?,
                other => out.push(other.clone()),
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(list(args, 0)?, 0, &mut out)?;
    Ok(Value::List(out))
}

pub(crate) fn contains(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    let wanted = args.get(1).unwrap_or(&Value::Null);
    Ok(Value::Bool(items.iter().any(|item| loosely_equal(item, wanted))))
}

/// Equality after Terraform's primitive conversions, so `contains(["1"], 1)` holds.
pub(crate) fn loosely_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(_), Value::Number(_) | Value::Bool(_))
        | (Value::Number(_) | Value::Bool(_), Value::String(_)) => value_as_string(a) == value_as_string(b),
        _ => a == b,
    }
}

pub(crate) fn index(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    let wanted = args.get(1).unwrap_or(&Value::Null);
    items
        .iter()
        .position(|item| loosely_equal(item, wanted))
        .map(|i| Value::Number(i as f64))
        .ok_or_else(|| FunctionError::arg(1, "item not found"))
}

pub(crate) fn zipmap(args: &[Value], _: &Env) -> Result {
    let keys = crate::args::string_list(args, 0)?;
    let values = list(args, 1)?;
    if keys.len() != values.len() {
        return Err(FunctionError::arg(
            1,
            format!("number of keys ({}) does not match number of values ({})", keys.len(), values.len()),
        ));
    }
    Ok(Value::Object(keys.into_iter().map(|k| k.into_owned()).zip(values.iter().cloned()).collect()))
}

/// `range(limit)`, `range(start, limit)` or `range(start, limit, step)`; the limit is
/// exclusive and the default step is 1 or -1 toward the limit.
pub(crate) fn range(args: &[Value], _: &Env) -> Result {
    let (start, limit) = match args.len() {
        1 => (0.0, number(args, 0)?),
        _ => (number(args, 0)?, number(args, 1)?),
    };
    let step = match args.get(2) {
        Some(_) => number(args, 2)?,
        None if limit < start => -1.0,
        None => 1.0,
    };
    if step == 0.0 {
        return Err(FunctionError::arg(2, "step must not be zero"));
    }
    if (step > 0.0 && start > limit) || (step < 0.0 && start < limit) {
        let direction = if step > 0.0 { "greater" } else { "less" };
        return Err(FunctionError::arg(
            2,
            format!(
                "step must move toward the limit: start is {direction} than limit, so step must be {}",
                if step > 0.0 { "negative" } else { "positive" }
            ),
        ));
    }
    let mut out = Vec::new();
    let mut i = 0u32;
    loop {
        // Multiplying instead of accumulating keeps fractional steps from drifting.
        let v = start + step * f64::from(i);
        if (step > 0.0 && v >= limit) || (step < 0.0 && v <= limit) {
            break;
        }
        if out.len() == RANGE_LIMIT {
            return Err(FunctionError::new(format!(
                "more than {RANGE_LIMIT} values were generated; either decrease the difference between start and limit or use a larger step"
            )));
        }
        out.push(Value::Number(v));
        i += 1;
    }
    Ok(Value::List(out))
}

/// The first argument that is neither null nor an empty string.
pub(crate) fn coalesce(args: &[Value], _: &Env) -> Result {
    args.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| FunctionError::new("no non-null, non-empty-string arguments"))
}

pub(crate) fn coalescelist(args: &[Value], _: &Env) -> Result {
    for i in 0..args.len() {
        if args[i].is_null() {
            continue;
        }
        if !list(args, i)?.is_empty() {
            return Ok(args[i].clone());
        }
    }
    Err(FunctionError::new("no non-null, non-empty list arguments"))
}

/// Drops null and empty-string elements.
pub(crate) fn compact(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    Ok(Value::List(items.iter().filter(|v| !v.is_null() && v.as_str() != Some("")).cloned().collect()))
}

pub(crate) fn one(args: &[Value], _: &Env) -> Result {
    match list(args, 0)? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        many => Err(FunctionError::arg(
            0,
            format!(
                "must be a list, set, or tuple value with either zero or one elements, got {} elements",
                many.len()
            ),
        )),
    }
}

pub(crate) fn slice(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    let start = integer(args, 1)?;
    let end = integer(args, 2)?;
    if start < 0 || start as usize > items.len() {
        return Err(FunctionError::arg(
            1,
            format!("start index {start} is out of range for a list of {}", items.len()),
        ));
    }
    if end < 0 || end as usize > items.len() {
        return Err(FunctionError::arg(2, format!("end index {end} is out of range for a list of {}", items.len())));
    }
    if start > end {
        return Err(FunctionError::arg(1, "start index must not be greater than end index"));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

/// Sorts lexically, as strings (`sort([10, 9])` is `["10", "9"]` in Terraform too).
pub(crate) fn sort(args: &[Value], _: &Env) -> Result {
    let mut items: Vec<String> = crate::args::string_list(args, 0)?.into_iter().map(|s| s.into_owned()).collect();
    items.sort();
    Ok(Value::List(items.into_iter().map(Value::String).collect()))
}

pub(crate) fn reverse(args: &[Value], _: &Env) -> Result {
    Ok(Value::List(list(args, 0)?.iter().rev().cloned().collect()))
}

/// Splits a list into chunks of `size`; size 0 gives the whole list as one chunk.
pub(crate) fn chunklist(args: &[Value], _: &Env) -> Result {
    let items = list(args, 0)?;
    let size = integer(args, 1)?;
    if size < 0 {
        return Err(FunctionError::arg(1, "the size argument must be positive"));
    }
    if size == 0 || items.is_empty() {
        return Ok(Value::List(if items.is_empty() { vec![] } else { vec![Value::List(items.to_vec())] }));
    }
    Ok(Value::List(items.chunks(size as usize).map(|c| Value::List(c.to_vec())).collect()))
}

/// Swaps keys and values of a map of string lists: `{a = ["x"], b = ["x"]}` → `{x = ["a", "b"]}`.
pub(crate) fn transpose(args: &[Value], _: &Env) -> Result {
    let map = object(args, 0)?;
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (key, values) in map {
        let values = values.as_list().ok_or_else(|| {
            FunctionError::arg(0, format!("element {key:?} must be a list of strings, got {}", values.type_name()))
        })?;
        for v in values {
            let v = value_as_string(v).ok_or_else(|| {
                FunctionError::arg(0, format!("element {key:?} must contain only strings, got {}", v.type_name()))
            })?;
            out.entry(v.into_owned()).or_default().push(string_value(key.as_str()));
        }
    }
    Ok(Value::Object(out.into_iter().map(|(k, v)| (k, Value::List(v))).collect()))
}

pub(crate) fn alltrue(args: &[Value], _: &Env) -> Result {
    Ok(Value::Bool(bools(args)?.iter().all(|b| *b)))
}

pub(crate) fn anytrue(args: &[Value], _: &Env) -> Result {
    Ok(Value::Bool(bools(args)?.iter().any(|b| *b)))
}

fn bools(args: &[Value]) -> std::result::Result<Vec<bool>, FunctionError> {
    list(args, 0)?
        .iter()
        .enumerate()
        .map(|(at, v)| {
            crate::args::boolean(std::slice::from_ref(v), 0)
                .map_err(|e| FunctionError::arg(0, format!("element {at}: {}", e.message)))
        })
        .collect()
}
