//! Sets of field paths, the unit of ownership in server-side apply, and their `FieldsV1`
//! wire form (`{"f:data":{"f:key":{}}, "f:spec":{"f:containers":{"k:{\"name\":\"a\"}":{".":{},...}}}}`).
//!
//! A path is a list of encoded elements: `f:<field>`, `k:<json key object>` (an element of a
//! keyed list), `v:<json value>` (an element of a set list). Keeping them as strings makes
//! paths totally ordered and hashable with no custom Ord on JSON values.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::shape::{element_key, key_matches, ListKind, Shape};

pub type FieldPath = Vec<String>;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSet(pub BTreeSet<FieldPath>);

impl FieldSet {
    /// Every field `object` sets: leaves (scalars, atomic lists, empty maps) and the
    /// elements of keyed/set lists. Nulls are "not specified".
    pub fn of(object: &Value, shape: Shape<'_>) -> FieldSet {
        let mut set = FieldSet::default();
        collect(object, &mut Vec::new(), shape, "", &mut set.0);
        set
    }

    pub fn contains(&self, path: &FieldPath) -> bool {
        self.0.contains(path)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True if `path` or anything below it is in the set.
    pub fn covers(&self, path: &FieldPath) -> bool {
        self.0.range(path.clone()..).next().is_some_and(|p| p.starts_with(path))
    }

    pub fn to_fields_v1(&self) -> Value {
        #[derive(Default)]
        struct Node {
            member: bool,
            children: BTreeMap<String, Node>,
        }
        fn render(node: &Node) -> Value {
            let mut map = Map::new();
            if node.member && !node.children.is_empty() {
                map.insert(".".to_string(), Value::Object(Map::new()));
            }
            for (k, child) in &node.children {
                map.insert(k.clone(), render(child));
            }
            Value::Object(map)
        }
        let mut root = Node::default();
        for path in &self.0 {
            let mut node = &mut root;
            for elem in path {
                node = node.children.entry(elem.clone()).or_default();
            }
            node.member = true;
        }
        render(&root)
    }

    pub fn from_fields_v1(value: &Value) -> FieldSet {
        fn walk(value: &Value, path: &mut FieldPath, out: &mut BTreeSet<FieldPath>) {
            let Some(map) = value.as_object() else { return };
            if map.is_empty() && !path.is_empty() {
                out.insert(path.clone());
            }
            for (k, child) in map {
                if k == "." {
                    out.insert(path.clone());
                } else {
                    path.push(k.clone());
                    walk(child, path, out);
                    path.pop();
                }
            }
        }
        let mut set = BTreeSet::new();
        walk(value, &mut Vec::new(), &mut set);
        FieldSet(set)
    }
}

fn collect(value: &Value, path: &mut FieldPath, shape: Shape<'_>, field: &str, out: &mut BTreeSet<FieldPath>) {
    match value {
        Value::Null => {}
        Value::Object(map) if map.is_empty() => {
            if !path.is_empty() {
                out.insert(path.clone());
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                path.push(format!("f:{k}"));
                collect(v, path, shape.child(k), k, out);
                path.pop();
            }
        }
        Value::Array(items) => match shape.list_kind(field, items) {
            ListKind::Map(keys) if !items.is_empty() => {
                for item in items {
                    let Some(key) = element_key(item, &keys) else { continue };
                    path.push(format!("k:{}", Value::Object(key)));
                    out.insert(path.clone());
                    if let Some(fields) = item.as_object() {
                        for (k, v) in fields {
                            path.push(format!("f:{k}"));
                            collect(v, path, shape.items().child(k), k, out);
                            path.pop();
                        }
                    }
                    path.pop();
                }
            }
            ListKind::Set if !items.is_empty() => {
                for item in items {
                    path.push(format!("v:{item}"));
                    out.insert(path.clone());
                    path.pop();
                }
            }
            _ => {
                out.insert(path.clone());
            }
        },
        _ => {
            out.insert(path.clone());
        }
    }
}

/// The value at `path` in `object`, if present.
pub fn value_at<'v>(object: &'v Value, path: &[String]) -> Option<&'v Value> {
    let mut current = object;
    for elem in path {
        current = step(current, elem)?;
    }
    Some(current)
}

fn step<'v>(value: &'v Value, elem: &str) -> Option<&'v Value> {
    if let Some(field) = elem.strip_prefix("f:") {
        return value.get(field);
    }
    let items = value.as_array()?;
    if let Some(key) = elem.strip_prefix("k:") {
        let key: Map<String, Value> = serde_json::from_str(key).ok()?;
        return items.iter().find(|item| key_matches(item, &key));
    }
    if let Some(literal) = elem.strip_prefix("v:") {
        let literal: Value = serde_json::from_str(literal).ok()?;
        return items.iter().find(|item| **item == literal);
    }
    None
}

/// Removes the value at `path`, then any maps or lists that removal left empty
/// (nobody owns an empty parent that only existed to hold the removed field).
pub fn remove_at(object: &mut Value, path: &[String]) {
    let Some((last, parents)) = path.split_last() else { return };
    let Some(parent) = value_at_mut(object, parents) else { return };
    let removed = if let Some(field) = last.strip_prefix("f:") {
        parent.as_object_mut().and_then(|m| m.remove(field)).is_some()
    } else if let Some(items) = parent.as_array_mut() {
        let before = items.len();
        if let Some(key) = last.strip_prefix("k:").and_then(|k| serde_json::from_str::<Map<String, Value>>(k).ok()) {
            items.retain(|item| !key_matches(item, &key));
        } else if let Some(literal) = last.strip_prefix("v:").and_then(|v| serde_json::from_str::<Value>(v).ok()) {
            items.retain(|item| *item != literal);
        }
        items.len() != before
    } else {
        false
    };
    let parent_empty = match parent {
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    };
    // Keep top-level containers such as `metadata` even when emptied.
    if removed && parent_empty && parents.len() > 1 {
        remove_at(object, parents);
    }
}

fn value_at_mut<'v>(object: &'v mut Value, path: &[String]) -> Option<&'v mut Value> {
    let mut current = object;
    for elem in path {
        current = if let Some(field) = elem.strip_prefix("f:") {
            current.get_mut(field)?
        } else if let Some(key) = elem.strip_prefix("k:") {
            let key: Map<String, Value> = serde_json::from_str(key).ok()?;
            current.as_array_mut()?.iter_mut().find(|item| key_matches(item, &key))?
        } else if let Some(literal) = elem.strip_prefix("v:") {
            let literal: Value = serde_json::from_str(literal).ok()?;
            current.as_array_mut()?.iter_mut().find(|item| **item == literal)?
        } else {
            return None;
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_v1_round_trips_with_keyed_lists() {
        let obj = json!({"spec": {"containers": [{"name": "a", "image": "x"}]}, "data": {"k": "v"}});
        let set = FieldSet::of(&obj, Shape::builtin());
        let wire = set.to_fields_v1();
        assert_eq!(
            wire,
            json!({"f:data": {"f:k": {}}, "f:spec": {"f:containers": {"k:{\"name\":\"a\"}": {".": {}, "f:image": {}, "f:name": {}}}}})
        );
        assert_eq!(FieldSet::from_fields_v1(&wire), set);
    }

    #[test]
    fn removing_the_last_field_prunes_empty_parents() {
        let mut obj = json!({"metadata": {"labels": {"a": "1"}}, "spec": {"x": {"y": 1}}});
        remove_at(&mut obj, &["f:spec".into(), "f:x".into(), "f:y".into()]);
        assert_eq!(obj, json!({"metadata": {"labels": {"a": "1"}}, "spec": {}}));
        remove_at(&mut obj, &["f:metadata".into(), "f:labels".into(), "f:a".into()]);
        assert_eq!(obj, json!({"metadata": {}, "spec": {}}));
    }
}
