//! Small accessors for the metadata every object carries.

use serde_json::{Map, Value};

pub fn meta<'v>(object: &'v Value, field: &str) -> Option<&'v Value> {
    object.get("metadata").and_then(|m| m.get(field))
}

pub fn meta_str<'v>(object: &'v Value, field: &str) -> Option<&'v str> {
    meta(object, field).and_then(Value::as_str)
}

/// The metadata map, created if missing or malformed (None only if `object` is no object).
pub fn meta_mut(object: &mut Value) -> Option<&mut Map<String, Value>> {
    let meta = object.as_object_mut()?.entry("metadata").or_insert_with(|| Value::Object(Map::new()));
    if !meta.is_object() {
        *meta = Value::Object(Map::new());
    }
    meta.as_object_mut()
}

pub fn set_meta(object: &mut Value, field: &str, value: Value) {
    if let Some(meta) = meta_mut(object) {
        meta.insert(field.to_string(), value);
    }
}

pub fn generation(object: &Value) -> i64 {
    meta(object, "generation").and_then(Value::as_i64).unwrap_or(0)
}

pub fn finalizers(object: &Value) -> usize {
    meta(object, "finalizers").and_then(Value::as_array).map_or(0, Vec::len)
}

/// Everything but metadata and status: a change here bumps `metadata.generation`.
pub fn desired_state_changed(old: &Value, new: &Value) -> bool {
    let fields = |o: &Value| -> Vec<(String, Value)> {
        o.as_object()
            .into_iter()
            .flatten()
            .filter(|(k, _)| !matches!(k.as_str(), "metadata" | "status" | "apiVersion" | "kind"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut a = fields(old);
    let mut b = fields(new);
    a.sort_by(|x, y| x.0.cmp(&y.0));
    b.sort_by(|x, y| x.0.cmp(&y.0));
    a != b
}

pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}
