//! Explicit type conversions. Null converts to null, as in Terraform, so
//! `tostring(var.optional)` is safe.

use crate::args::{parse_decimal, value_as_string};
use crate::{Env, FunctionError, Value};
use meshplan_provider::format_number;

type Result = std::result::Result<Value, FunctionError>;

fn first(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Null)
}

pub(crate) fn tostring(args: &[Value], _: &Env) -> Result {
    match first(args) {
        Value::Null => Ok(Value::Null),
        Value::String(s) => Ok(Value::String(s.clone())),
        Value::Number(n) => Ok(Value::String(format_number(*n))),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        other => Err(FunctionError::arg(0, format!("cannot convert {} to string", other.type_name()))),
    }
}

pub(crate) fn tonumber(args: &[Value], _: &Env) -> Result {
    match first(args) {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::String(s) => parse_decimal(s).map(Value::Number).ok_or_else(|| {
            FunctionError::arg(
                0,
                format!("cannot convert {s:?} to number; given string must be a decimal representation of a number"),
            )
        }),
        other => Err(FunctionError::arg(0, format!("cannot convert {} to number", other.type_name()))),
    }
}

pub(crate) fn tobool(args: &[Value], _: &Env) -> Result {
    match first(args) {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) if s == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s == "false" => Ok(Value::Bool(false)),
        Value::String(s) => Err(FunctionError::arg(
            0,
            format!("cannot convert {s:?} to bool; only the strings \"true\" or \"false\" are allowed"),
        )),
        other => Err(FunctionError::arg(0, format!("cannot convert {} to bool", other.type_name()))),
    }
}

pub(crate) fn tolist(args: &[Value], _: &Env) -> Result {
    match first(args) {
        Value::Null => Ok(Value::Null),
        Value::List(items) => Ok(Value::List(unify(items.iter()).into_iter().collect())),
        other => Err(FunctionError::arg(0, format!("cannot convert {} to list", other.type_name()))),
    }
}

pub(crate) fn tomap(args: &[Value], _: &Env) -> Result {
    match first(args) {
        Value::Null => Ok(Value::Null),
        Value::Object(attrs) => {
            let values = unify(attrs.values());
            Ok(Value::Object(attrs.keys().cloned().zip(values).collect()))
        }
        other => Err(FunctionError::arg(0, format!("cannot convert {} to map", other.type_name()))),
    }
}

/// Elements of a list or map share one type: mixed primitives become strings, as
/// Terraform's unification does. Other mixtures are left alone (we have no tuple/list split).
fn unify<'a>(values: impl Iterator<Item = &'a Value> + Clone) -> Vec<Value> {
    let primitive_kinds: Vec<&str> = values
        .clone()
        .filter(|v| !v.is_null())
        .map(|v| match v {
            Value::String(_) => "string",
            Value::Number(_) => "number",
            Value::Bool(_) => "bool",
            _ => "other",
        })
        .collect();
    let mixed = !primitive_kinds.contains(&"other") && primitive_kinds.windows(2).any(|w| w[0] != w[1]);
    values
        .map(|v| match value_as_string(v) {
            Some(s) if mixed => Value::String(s.into_owned()),
            _ => v.clone(),
        })
        .collect()
}

/// Terraform nulls out ephemeral values; meshplan has no ephemeral values, so every value
/// passes through unchanged (configurations written for Terraform still work).
pub(crate) fn ephemeralasnull(args: &[Value], _: &Env) -> Result {
    Ok(first(args).clone())
}
