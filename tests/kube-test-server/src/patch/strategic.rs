//! Strategic merge patch for built-in kinds: like a JSON merge patch, except that lists with
//! a merge key merge element by element, and the `$patch`, `$retainKeys`,
//! `$deleteFromPrimitiveList/…` and `$setElementOrder/…` directives are understood.

use serde_json::{Map, Value};

use crate::shape::{element_key, key_matches, ListKind, Shape};

pub fn apply(target: &mut Value, patch: &Value) {
    merge_value(target, patch, Shape::builtin(), "");
}

fn merge_value(target: &mut Value, patch: &Value, shape: Shape<'_>, field: &str) {
    match patch {
        Value::Object(patch_map) => {
            if patch_map.get("$patch").and_then(Value::as_str) == Some("replace") {
                *target = Value::Object(strip_directives(patch_map));
                return;
            }
            if !target.is_object() {
                *target = Value::Object(Map::new());
            }
            let Value::Object(target_map) = target else { return };
            merge_map(target_map, patch_map, shape);
        }
        Value::Array(patch_items) => merge_list(target, patch_items, shape, field),
        other => *target = other.clone(),
    }
}

fn merge_map(target: &mut Map<String, Value>, patch: &Map<String, Value>, shape: Shape<'_>) {
    if let Some(retain) = patch.get("$retainKeys").and_then(Value::as_array) {
        let keep: Vec<&str> = retain.iter().filter_map(Value::as_str).collect();
        target.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (key, value) in patch {
        if let Some(list_field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(items)), Some(doomed)) = (target.get_mut(list_field), value.as_array()) {
                items.retain(|item| !doomed.contains(item));
            }
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        if value.is_null() {
            target.remove(key);
            continue;
        }
        if value.get("$patch").and_then(Value::as_str) == Some("delete") {
            target.remove(key);
            continue;
        }
        let slot = target.entry(key.clone()).or_insert(Value::Null);
        merge_value(slot, value, shape.child(key), key);
    }
}

fn merge_list(target: &mut Value, patch_items: &[Value], shape: Shape<'_>, field: &str) {
    let replace = patch_items.iter().any(|item| item.get("$patch").and_then(Value::as_str) == Some("replace"));
    let plain: Vec<&Value> = patch_items.iter().filter(|item| item.get("$patch").is_none()).collect();
    if replace || !target.is_array() {
        *target = Value::Array(plain.into_iter().map(strip_value).collect());
        return;
    }
    let Value::Array(target_items) = target else { return };
    match shape.list_kind(field, patch_items) {
        ListKind::Map(keys) => {
            for item in patch_items {
                let Some(key) = element_key(item, &keys) else { continue };
                let position = target_items.iter().position(|t| key_matches(t, &key));
                let delete = item.get("$patch").and_then(Value::as_str) == Some("delete");
                match (position, delete) {
                    (Some(i), true) => {
                        target_items.remove(i);
                    }
                    (Some(i), false) => merge_value(&mut target_items[i], item, shape.items(), ""),
                    (None, true) => {}
                    (None, false) => target_items.push(strip_value(item)),
                }
            }
        }
        ListKind::Set => {
            for item in plain {
                if !target_items.contains(item) {
                    target_items.push(item.clone());
                }
            }
        }
        ListKind::Atomic => *target = Value::Array(plain.into_iter().map(strip_value).collect()),
    }
}

fn strip_directives(map: &Map<String, Value>) -> Map<String, Value> {
    map.iter().filter(|(k, _)| !k.starts_with('$')).map(|(k, v)| (k.clone(), strip_value(v))).collect()
}

fn strip_value(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(strip_directives(map)),
        Value::Array(items) => Value::Array(items.iter().map(strip_value).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name_and_directives_work() {
        let mut target = json!({"spec": {"containers": [{"name": "a", "image": "1"}, {"name": "b", "image": "1"}], "args": ["x"]},
                                "metadata": {"labels": {"keep": "1", "drop": "1"}, "finalizers": ["f1"]}});
        let patch = json!({"spec": {"containers": [{"name": "a", "image": "2"}, {"name": "b", "$patch": "delete"}, {"name": "c", "image": "3"}], "args": ["y"]},
                           "metadata": {"labels": {"drop": null}, "finalizers": ["f2"]}});
        apply(&mut target, &patch);
        assert_eq!(
            target,
            json!({"spec": {"containers": [{"name": "a", "image": "2"}, {"name": "c", "image": "3"}], "args": ["y"]},
                                  "metadata": {"labels": {"keep": "1"}, "finalizers": ["f1", "f2"]}})
        );
    }
}
