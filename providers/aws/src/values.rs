//! Small conversions between [`Value`]s and the plain Rust types the SDK speaks.

use meshplan_provider::{Nesting, Schema, Value};
use std::collections::BTreeMap;

/// The object of a block Terraform nests as a one-item list (`vpc_config[0]`); state
/// written while such blocks were single objects holds the object itself.
pub fn one_block(v: &Value) -> &Value {
    static NULL: Value = Value::Null;
    match v {
        Value::List(items) => items.first().unwrap_or(&NULL),
        other => other,
    }
}

/// A one-item block list from an object read back (`[]` for none).
pub fn block_list(v: Value) -> Value {
    if v.is_null() {
        Value::List(vec![])
    } else {
        Value::List(vec![v])
    }
}

pub fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .map(|m| m.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default()
}

pub fn map_value<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.as_ref().to_string(), Value::from(v.as_ref()))).collect())
}

pub fn string_list(v: &Value) -> Vec<String> {
    v.as_list().map(|l| l.iter().filter_map(|s| s.as_str().map(str::to_string)).collect()).unwrap_or_default()
}

pub fn list_value<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Value {
    Value::List(items.into_iter().map(|s| Value::from(s.as_ref())).collect())
}

pub fn opt_str(s: Option<&str>) -> Value {
    s.map(Value::from).unwrap_or(Value::Null)
}

/// The string at `key` when set and known (unknowns read as unset: create sees none).
pub fn get_string(v: &Value, key: &str) -> Option<String> {
    v.get_str(key).map(str::to_string)
}

pub fn get_i32(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_i64().and_then(|n| i32::try_from(n).ok())
}

/// An object with every attribute of `schema` null (list blocks empty), then `pairs` set:
/// the starting state of an import.
pub fn blank_state<'a>(schema: &Schema, pairs: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    let mut out = BTreeMap::new();
    for (name, attr) in &schema.attributes {
        out.insert(name.clone(), attr.default.clone().unwrap_or(Value::Null));
    }
    for (name, block) in &schema.blocks {
        let empty = match block.nesting {
            Nesting::List | Nesting::Set => Value::List(vec![]),
            Nesting::Single => Value::Null,
        };
        out.insert(name.clone(), empty);
    }
    for (k, v) in pairs {
        out.insert(k.to_string(), v);
    }
    Value::Object(out)
}

/// Replaces every unknown left in a state with null: providers must return known states.
pub fn finalize(v: Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(l) => Value::List(l.into_iter().map(finalize).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, finalize(v))).collect()),
        Value::Sensitive(v) => finalize(*v).mark_sensitive(),
        v => v,
    }
}
