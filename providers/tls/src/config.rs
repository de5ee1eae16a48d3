//! Reading typed settings out of a configuration [`Value`], with errors that point at
//! the attribute.

use meshplan_provider::{ProviderError, Value};

pub fn required_str<'a>(v: &'a Value, name: &str) -> Result<&'a str, ProviderError> {
    v.get_str(name)
        .ok_or_else(|| ProviderError::new(format!("{name} is required and must be a string")).at_attribute(name))
}

pub fn optional_str<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get_str(name).filter(|s| !s.is_empty())
}

pub fn bool_or(v: &Value, name: &str, default: bool) -> bool {
    v.get(name).as_bool().unwrap_or(default)
}

pub fn int_or(v: &Value, name: &str, default: i64) -> Result<i64, ProviderError> {
    match v.get(name) {
        x if x.is_null() => Ok(default),
        x => x.as_i64().ok_or_else(|| ProviderError::new(format!("{name} must be a whole number")).at_attribute(name)),
    }
}

/// A list (or set) of strings; null is the empty list.
pub fn string_list(v: &Value, name: &str) -> Result<Vec<String>, ProviderError> {
    match v.get(name) {
        x if x.is_null() => Ok(Vec::new()),
        x => x
            .as_list()
            .and_then(|items| items.iter().map(|i| i.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
            .ok_or_else(|| ProviderError::new(format!("{name} must be a list of strings")).at_attribute(name)),
    }
}

/// The single object of a `max_items = 1` list block, if configured.
pub fn single_block<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    match v.get(name).peel() {
        Value::List(items) => items.first(),
        obj @ Value::Object(_) => Some(obj),
        _ => None,
    }
}
