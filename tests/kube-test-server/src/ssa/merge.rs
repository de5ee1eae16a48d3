//! Merging an applied configuration into the live object (the "set" half of apply).

use serde_json::Value;

use crate::shape::{element_key, key_matches, ListKind, Shape};

/// Merges `config` into `live`: maps field by field, keyed lists element by element,
/// set lists by value, everything else replaced. Nulls in `config` mean "not specified".
pub fn merge(live: &mut Value, config: &Value, shape: Shape<'_>, field: &str) {
    match (live, config) {
        (Value::Object(live_map), Value::Object(config_map)) => {
            for (k, cv) in config_map {
                if cv.is_null() {
                    continue;
                }
                match live_map.get_mut(k) {
                    Some(lv) => merge(lv, cv, shape.child(k), k),
                    None => {
                        live_map.insert(k.clone(), without_nulls(cv));
                    }
                }
            }
        }
        (live @ Value::Array(_), Value::Array(config_items)) => match shape.list_kind(field, config_items) {
            ListKind::Map(keys) => {
                let Value::Array(live_items) = live else { return };
                for item in config_items {
                    let existing =
                        element_key(item, &keys).and_then(|key| live_items.iter_mut().find(|li| key_matches(li, &key)));
                    match existing {
                        Some(li) => merge(li, item, shape.items(), ""),
                        None => live_items.push(without_nulls(item)),
                    }
                }
            }
            ListKind::Set => {
                let Value::Array(live_items) = live else { return };
                for item in config_items {
                    if !live_items.contains(item) {
                        live_items.push(item.clone());
                    }
                }
            }
            ListKind::Atomic => *live = without_nulls(config),
        },
        (live, config) => *live = without_nulls(config),
    }
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}
