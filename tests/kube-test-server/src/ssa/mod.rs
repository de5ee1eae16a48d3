//! Server-side apply and field ownership (`metadata.managedFields`).
//!
//! * [`apply`] merges an applier's configuration, detects conflicts with other managers,
//!   honours `force`, and removes fields the applier owned before but dropped now.
//! * [`record_update`] gives the fields an ordinary write (create/update/patch) changed to
//!   its manager and takes them away from everyone else, as the real API server does.

mod fieldset;
mod merge;

pub use fieldset::FieldSet;

use serde_json::{json, Map, Value};

use crate::error::Cause;
use crate::shape::Shape;
use fieldset::{remove_at, value_at, FieldPath};

/// Which part of an object a write addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The main resource; `status_separate` when the kind has a status subresource
    /// (status is then neither written nor owned through the main resource).
    Main { status_separate: bool },
    /// The `/status` subresource.
    Status,
}

impl Scope {
    fn subresource(self) -> &'static str {
        match self {
            Scope::Main { .. } => "",
            Scope::Status => "status",
        }
    }
}

/// Who writes and how.
pub struct Writer<'a> {
    pub manager: &'a str,
    pub api_version: &'a str,
    pub scope: Scope,
    pub shape: Shape<'a>,
    pub now: &'a str,
}

/// The part of an object whose fields are owned: no identity/system metadata, and status
/// only through the status subresource (when the kind has one).
pub fn tracked(object: &Value, scope: Scope) -> Value {
    let mut out = Map::new();
    let Some(map) = object.as_object() else { return Value::Object(out) };
    for (k, v) in map {
        match (k.as_str(), scope) {
            ("apiVersion" | "kind", _) => {}
            ("metadata", Scope::Main { .. }) => {
                let meta: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(mk, _)| {
                        matches!(mk.as_str(), "labels" | "annotations" | "finalizers" | "ownerReferences")
                    })
                    .map(|(mk, mv)| (mk.clone(), mv.clone()))
                    .collect();
                if !meta.is_empty() {
                    out.insert(k.clone(), Value::Object(meta));
                }
            }
            ("status", Scope::Main { status_separate: true }) => {}
            ("status", Scope::Status) => {
                out.insert(k.clone(), v.clone());
            }
            (_, Scope::Status) => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

#[derive(Debug, Clone)]
struct Entry {
    manager: String,
    operation: String,
    subresource: String,
    api_version: String,
    time: String,
    fields: FieldSet,
}

fn read_entries(object: &Value) -> Vec<Entry> {
    let Some(list) = object.pointer("/metadata/managedFields").and_then(Value::as_array) else { return Vec::new() };
    let text = |e: &Value, k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    list.iter()
        .map(|e| Entry {
            manager: text(e, "manager"),
            operation: text(e, "operation"),
            subresource: text(e, "subresource"),
            api_version: text(e, "apiVersion"),
            time: text(e, "time"),
            fields: e.get("fieldsV1").map(FieldSet::from_fields_v1).unwrap_or_default(),
        })
        .collect()
}

fn write_entries(object: &mut Value, entries: Vec<Entry>) {
    let list: Vec<Value> = entries
        .into_iter()
        .filter(|e| !e.fields.is_empty())
        .map(|e| {
            let mut v = json!({
                "manager": e.manager,
                "operation": e.operation,
                "apiVersion": e.api_version,
                "time": e.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": e.fields.to_fields_v1(),
            });
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    if let Some(meta) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        if list.is_empty() {
            meta.remove("managedFields");
        } else {
            meta.insert("managedFields".to_string(), Value::Array(list));
        }
    }
}

fn entry_index(entries: &mut Vec<Entry>, writer: &Writer<'_>, operation: &str) -> usize {
    let subresource = writer.scope.subresource();
    match entries
        .iter()
        .position(|e| e.manager == writer.manager && e.operation == operation && e.subresource == subresource)
    {
        Some(i) => i,
        None => {
            entries.push(Entry {
                manager: writer.manager.to_string(),
                operation: operation.to_string(),
                subresource: subresource.to_string(),
                api_version: writer.api_version.to_string(),
                time: writer.now.to_string(),
                fields: FieldSet::default(),
            });
            entries.len() - 1
        }
    }
}

/// Server-side apply of `config` onto `live` (an empty object skeleton when creating).
/// Returns the new object with managedFields updated, or the conflicts (409 unless forced).
pub fn apply(live: &Value, config: &Value, writer: &Writer<'_>, force: bool) -> Result<Value, Vec<Cause>> {
    let mut entries = read_entries(live);
    let applied = tracked(config, writer.scope);
    let new_set = FieldSet::of(&applied, writer.shape);

    let mut conflicts = Vec::new();
    let mut forced: Vec<(usize, FieldPath)> = Vec::new();
    for path in &new_set.0 {
        if !is_value_leaf(path, &applied) {
            continue;
        }
        let (Some(live_value), Some(config_value)) = (value_at(live, path), value_at(&applied, path)) else { continue };
        if live_value == config_value {
            continue;
        }
        for (i, entry) in entries.iter().enumerate() {
            if entry.manager != writer.manager && entry.fields.contains(path) {
                conflicts.push(Cause {
                    kind: "FieldManagerConflict",
                    field: display_path(path),
                    message: format!(
                        "conflict with {:?}{}",
                        entry.manager,
                        if entry.operation == "Update" {
                            format!(" using {}", entry.api_version)
                        } else {
                            String::new()
                        }
                    ),
                });
                forced.push((i, path.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !force {
        return Err(conflicts);
    }
    for (i, path) in forced {
        entries[i].fields.0.remove(&path);
    }

    let mut result = live.clone();
    merge::merge(&mut result, &applied, writer.shape, "");

    let mine = entry_index(&mut entries, writer, "Apply");
    let previous = std::mem::take(&mut entries[mine].fields);
    for path in previous.0.iter().rev() {
        // A keyed item's key fields go with the item (removed after its other fields, as
        // paths sort the item first): removing them alone would orphan what is left of it.
        if is_key_field(path) {
            continue;
        }
        let still_applied = new_set.covers(path);
        let owned_elsewhere = entries.iter().enumerate().any(|(i, e)| i != mine && e.fields.covers(path));
        if !still_applied && !owned_elsewhere {
            remove_at(&mut result, path);
        }
    }
    entries[mine].fields = new_set;
    entries[mine].time = writer.now.to_string();
    entries[mine].api_version = writer.api_version.to_string();
    write_entries(&mut result, entries);
    Ok(result)
}

/// Whether `path` is `…/k:{"port":80}/f:port`: a field of a keyed list item's key.
fn is_key_field(path: &FieldPath) -> bool {
    let [.., item, field] = &path[..] else { return false };
    let (Some(key), Some(field)) = (item.strip_prefix("k:"), field.strip_prefix("f:")) else { return false };
    serde_json::from_str::<Map<String, Value>>(key).is_ok_and(|k| k.contains_key(field))
}

/// Records an ordinary write (`Update` operation): the writer owns what it changed,
/// others lose what was changed or removed.
pub fn record_update(old: Option<&Value>, new: &mut Value, writer: &Writer<'_>) {
    let mut entries = old.map(read_entries).unwrap_or_default();
    let new_tracked = tracked(new, writer.scope);
    let new_set = FieldSet::of(&new_tracked, writer.shape);
    let old_tracked = old.map(|o| tracked(o, writer.scope));
    let old_set = old_tracked.as_ref().map(|o| FieldSet::of(o, writer.shape)).unwrap_or_default();
    let changed: Vec<&FieldPath> = new_set
        .0
        .iter()
        .filter(|p| old_tracked.as_ref().is_none_or(|o| value_at(o, p) != value_at(&new_tracked, p)))
        .collect();
    let removed: Vec<&FieldPath> = old_set.0.iter().filter(|p| !new_set.contains(p)).collect();
    if changed.is_empty() && removed.is_empty() {
        write_entries(new, entries);
        return;
    }
    for entry in entries.iter_mut() {
        for path in changed.iter().chain(removed.iter()) {
            entry.fields.0.remove(*path);
        }
    }
    let mine = entry_index(&mut entries, writer, "Update");
    entries[mine].fields.0.extend(changed.into_iter().cloned());
    entries[mine].time = writer.now.to_string();
    entries[mine].api_version = writer.api_version.to_string();
    write_entries(new, entries);
}

/// A path whose value is compared for conflicts: a scalar or atomic value, not a list
/// element marker or an empty map.
fn is_value_leaf(path: &FieldPath, applied: &Value) -> bool {
    let last_is_field = path.last().is_some_and(|e| e.starts_with("f:"));
    last_is_field && !value_at(applied, path).is_some_and(|v| v.as_object().is_some_and(|m| m.is_empty()))
}

/// `.spec.containers[name="app"].image`, the way apiserver conflict messages name fields.
fn display_path(path: &FieldPath) -> String {
    let mut out = String::new();
    for elem in path {
        if let Some(field) = elem.strip_prefix("f:") {
            out.push('.');
            out.push_str(field);
        } else if let Some(key) = elem.strip_prefix("k:") {
            let key: Map<String, Value> = serde_json::from_str(key).unwrap_or_default();
            let parts: Vec<String> = key.iter().map(|(k, v)| format!("{k}={v}")).collect();
            out.push_str(&format!("[{}]", parts.join(",")));
        } else if let Some(value) = elem.strip_prefix("v:") {
            out.push_str(&format!("[{value}]"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn writer(manager: &str) -> Writer<'_> {
        Writer {
            manager,
            api_version: "v1",
            scope: Scope::Main { status_separate: false },
            shape: Shape::builtin(),
            now: "2024-01-01T00:00:00Z",
        }
    }

    #[test]
    fn apply_conflicts_then_force_takes_ownership() {
        let empty = json!({"metadata": {"name": "x"}});
        let a = apply(&empty, &json!({"data": {"k": "1", "only-a": "x"}}), &writer("a"), false).unwrap();
        let err = apply(&a, &json!({"data": {"k": "2"}}), &writer("b"), false).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(err[0].field, ".data.k");
        // Same value: shared ownership, no conflict.
        assert!(apply(&a, &json!({"data": {"k": "1"}}), &writer("b"), false).is_ok());
        let forced = apply(&a, &json!({"data": {"k": "2"}}), &writer("b"), true).unwrap();
        assert_eq!(forced["data"]["k"], "2");
        // a no longer owns data.k: dropping it from a's config does not remove it.
        let a_again = apply(&forced, &json!({"data": {"only-a": "x"}}), &writer("a"), false).unwrap();
        assert_eq!(a_again["data"], json!({"k": "2", "only-a": "x"}));
    }

    #[test]
    fn a_dropped_keyed_item_goes_whole() {
        let empty = json!({"metadata": {"name": "x"}});
        let ports = |port: i64| json!({"spec": {"ports": [{"name": "http", "port": port, "targetPort": 8080}]}});
        let one = apply(&empty, &ports(80), &writer("m"), false).unwrap();
        let mut defaulted = one.clone();
        defaulted["spec"]["ports"][0]["protocol"] = json!("TCP");
        let two = apply(&defaulted, &ports(81), &writer("m"), false).unwrap();
        let live: Vec<i64> =
            two["spec"]["ports"].as_array().unwrap().iter().filter_map(|p| p["port"].as_i64()).collect();
        assert_eq!(live, [81]);
        assert_eq!(two["spec"]["ports"].as_array().unwrap().len(), 1, "{two}");
    }

    #[test]
    fn fields_dropped_from_config_are_removed_unless_owned_elsewhere() {
        let empty = json!({"metadata": {"name": "x"}});
        let one = apply(&empty, &json!({"metadata": {"labels": {"a": "1", "b": "2"}}}), &writer("m"), false).unwrap();
        let two = apply(&one, &json!({"metadata": {"labels": {"a": "1"}}}), &writer("m"), false).unwrap();
        assert_eq!(two["metadata"]["labels"], json!({"a": "1"}));
        let mut updated = two.clone();
        updated["metadata"]["labels"]["c"] = json!("3");
        record_update(Some(&two), &mut updated, &writer("editor"));
        let three = apply(&updated, &json!({"metadata": {"labels": {}}}), &writer("m"), false).unwrap();
        assert_eq!(three["metadata"]["labels"], json!({"c": "3"}));
    }
}
