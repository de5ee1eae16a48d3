//! Reading function arguments.

use meshplan_provider::{FunctionError, Value};

pub fn string(args: &[Value], i: usize, name: &str) -> Result<String, FunctionError> {
    args.get(i)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| FunctionError::arg(i, format!("{name} must be a string")))
}

pub fn optional(args: &[Value], i: usize) -> Option<&Value> {
    args.get(i).filter(|v| !v.is_null())
}

/// A list of strings; a single string is taken as a one-element list.
pub fn string_list(args: &[Value], i: usize, name: &str) -> Result<Vec<String>, FunctionError> {
    let bad = || FunctionError::arg(i, format!("{name} must be a string or a list of strings"));
    match args.get(i).map(Value::peel) {
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::List(items)) => items.iter().map(|v| v.as_str().map(str::to_string).ok_or_else(bad)).collect(),
        Some(Value::Null) | None => Ok(Vec::new()),
        _ => Err(bad()),
    }
}

pub fn int(args: &[Value], i: usize, name: &str) -> Result<Option<i64>, FunctionError> {
    match optional(args, i) {
        None => Ok(None),
        Some(v) => v.as_i64().map(Some).ok_or_else(|| FunctionError::arg(i, format!("{name} must be a whole number"))),
    }
}

pub fn json_string(value: &serde_json::Value) -> Value {
    Value::from(serde_json::to_string(value).unwrap_or_default())
}
