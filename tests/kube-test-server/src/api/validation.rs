//! Object validation: names, labels, known fields (strict → 400, otherwise pruned, as the
//! API server's decoder and CRD structural pruning do) and CRD schema types (→ 422).

use serde_json::{Map, Value};

use crate::error::{ApiError, ApiResult, Cause, Subject};
use crate::kinds::KindInfo;

const METADATA_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];

fn invalid(field: &str, message: String) -> Cause {
    Cause { kind: "FieldValueInvalid", field: field.to_string(), message }
}

/// Checks `metadata.name` and labels; returns 422 causes.
pub fn check_metadata(kind: &KindInfo, object: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
    if let Some(problem) = name_problem(kind, name) {
        causes.push(invalid("metadata.name", format!("Invalid value: {name:?}: {problem}")));
    }
    if let Some(labels) = object.pointer("/metadata/labels") {
        match labels.as_object() {
            Some(labels) => {
                for (key, value) in labels {
                    let field = format!("metadata.labels.{key}");
                    if !label_key_ok(key) {
                        causes.push(invalid(&field, format!("Invalid value: {key:?}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character")));
                    }
                    match value.as_str() {
                        Some(v) if label_value_ok(v) => {}
                        _ => causes.push(invalid(&field, format!("Invalid value: {value}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (63 characters at most)"))),
                    }
                }
            }
            None => causes.push(invalid("metadata.labels", "Invalid value: must be a map of strings".to_string())),
        }
    }
    if let Some(annotations) = object.pointer("/metadata/annotations") {
        if !annotations.as_object().is_some_and(|a| a.values().all(Value::is_string)) {
            causes.push(invalid("metadata.annotations", "Invalid value: must be a map of strings".to_string()));
        }
    }
    causes
}

fn name_problem(kind: &KindInfo, name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("name or generateName is required");
    }
    let dns_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
    let edges_ok = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_alphanumeric()) && s.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    if kind.group == "rbac.authorization.k8s.io" {
        // RBAC names are path segments: `system:aggregate-to-admin` is fine.
        return (name == "." || name == ".." || name.contains('/') || name.contains('%'))
            .then_some("may not be '.' or '..' or contain '/' or '%'");
    }
    if kind.is("", "Namespace") || kind.is("", "Service") {
        return (name.len() > 63 || !name.chars().all(dns_char) || !edges_ok(name))
            .then_some("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (63 characters at most)");
    }
    (name.len() > 253 || !name.chars().all(|c| dns_char(c) || c == '.') || !edges_ok(name))
        .then_some("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character")
}

fn label_value_ok(value: &str) -> bool {
    value.is_empty()
        || (value.len() <= 63
            && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            && value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

fn label_key_ok(key: &str) -> bool {
    let name = match key.rsplit_once('/') {
        Some((prefix, name)) => {
            if prefix.is_empty() || prefix.len() > 253 {
                return false;
            }
            name
        }
        None => key,
    };
    !name.is_empty() && label_value_ok(name)
}

/// Unknown fields: with `strict`, a 400 naming them; otherwise they are dropped.
/// Built-ins check metadata and their top-level fields; CRD kinds their whole schema,
/// honouring `x-kubernetes-preserve-unknown-fields`. Schema type errors are 422.
pub fn check_fields(kind: &KindInfo, object: &mut Value, strict: bool) -> ApiResult<()> {
    let mut unknown = Vec::new();
    let mut causes = Vec::new();
    let Some(root) = object.as_object_mut() else { return Err(ApiError::bad_request("object must be a JSON object")) };
    if let Some(Value::Object(meta)) = root.get_mut("metadata") {
        prune_map(meta, "metadata", |k| METADATA_FIELDS.contains(&k), strict, &mut unknown);
    }
    match (&kind.schema, &kind.top_level_fields) {
        (Some(schema), _) => {
            for (key, value) in root.iter_mut() {
                if matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                match schema.get("properties").and_then(|p| p.get(key)) {
                    Some(field_schema) => walk_schema(value, field_schema, key, strict, &mut unknown, &mut causes),
                    None if preserves_unknown(schema) => {}
                    None => unknown.push(key.clone()),
                }
            }
            if !strict && !preserves_unknown(schema) {
                let props = schema.get("properties");
                root.retain(|k, _| {
                    matches!(k.as_str(), "apiVersion" | "kind" | "metadata")
                        || props.is_some_and(|p| p.get(k).is_some())
                });
            }
        }
        (None, Some(fields)) => {
            let known = |k: &str| matches!(k, "apiVersion" | "kind" | "metadata") || fields.iter().any(|f| f == k);
            prune_map(root, "", known, strict, &mut unknown);
        }
        (None, None) => {}
    }
    if strict && !unknown.is_empty() {
        let listed: Vec<String> = unknown.iter().map(|f| format!("unknown field {f:?}")).collect();
        return Err(ApiError::bad_request(format!("strict decoding error: {}", listed.join(", "))));
    }
    if !causes.is_empty() {
        let name = object.pointer("/metadata/name").and_then(Value::as_str).unwrap_or("");
        return Err(ApiError::invalid(&kind.kind, Subject::new(&kind.group, &kind.plural, name), causes));
    }
    Ok(())
}

fn prune_map(
    map: &mut Map<String, Value>,
    prefix: &str,
    known: impl Fn(&str) -> bool,
    strict: bool,
    unknown: &mut Vec<String>,
) {
    let doomed: Vec<String> = map.keys().filter(|k| !known(k)).cloned().collect();
    for key in doomed {
        unknown.push(if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") });
        if !strict {
            map.remove(&key);
        }
    }
}

fn preserves_unknown(schema: &Value) -> bool {
    schema.get("x-kubernetes-preserve-unknown-fields").and_then(Value::as_bool).unwrap_or(false)
}

fn walk_schema(
    value: &mut Value,
    schema: &Value,
    path: &str,
    strict: bool,
    unknown: &mut Vec<String>,
    causes: &mut Vec<Cause>,
) {
    if value.is_null() {
        if !schema.get("nullable").and_then(Value::as_bool).unwrap_or(false) && schema.get("type").is_some() {
            causes.push(invalid(
                path,
                format!(
                    "Invalid value: \"null\": {path} in body must be of type {}",
                    schema["type"].as_str().unwrap_or("object")
                ),
            ));
        }
        return;
    }
    if let Some(expected) = schema.get("type").and_then(Value::as_str) {
        let int_or_string = schema.get("x-kubernetes-int-or-string").and_then(Value::as_bool).unwrap_or(false);
        let ok = match expected {
            "string" => value.is_string() || (int_or_string && value.is_i64()),
            "integer" => value.is_i64() || value.is_u64() || (int_or_string && value.is_string()),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            _ => true,
        };
        if !ok {
            causes.push(invalid(path, format!("Invalid value: {value}: {path} in body must be of type {expected}")));
            return;
        }
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
        if !allowed.contains(value) {
            causes.push(Cause {
                kind: "FieldValueNotSupported",
                field: path.to_string(),
                message: format!("Unsupported value: {value}"),
            });
        }
    }
    match value {
        Value::Object(map) => {
            if let Some(required) = schema.get("required").and_then(Value::as_array) {
                for field in required.iter().filter_map(Value::as_str) {
                    if !map.contains_key(field) {
                        causes.push(Cause {
                            kind: "FieldValueRequired",
                            field: format!("{path}.{field}"),
                            message: "Required value".to_string(),
                        });
                    }
                }
            }
            let properties = schema.get("properties").and_then(Value::as_object);
            let additional = schema.get("additionalProperties");
            let preserve = preserves_unknown(schema) || additional.and_then(Value::as_bool) == Some(true);
            let embedded = schema.get("x-kubernetes-embedded-resource").and_then(Value::as_bool).unwrap_or(false);
            let mut doomed = Vec::new();
            for (key, child) in map.iter_mut() {
                let child_path = format!("{path}.{key}");
                if let Some(child_schema) = properties.and_then(|p| p.get(key)) {
                    walk_schema(child, child_schema, &child_path, strict, unknown, causes);
                } else if let Some(child_schema) = additional.filter(|a| a.is_object()) {
                    walk_schema(child, child_schema, &child_path, strict, unknown, causes);
                } else if preserve || (embedded && matches!(key.as_str(), "apiVersion" | "kind" | "metadata")) {
                } else if properties.is_some() || schema.get("type").and_then(Value::as_str) == Some("object") {
                    unknown.push(child_path);
                    doomed.push(key.clone());
                }
            }
            if !strict {
                for key in doomed {
                    map.remove(&key);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter_mut().enumerate() {
                    walk_schema(item, item_schema, &format!("{path}[{i}]"), strict, unknown, causes);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn crd_kind(schema: Value) -> KindInfo {
        let mut kind = crate::kinds::Registry::default().by_kind("", "v1", "ConfigMap").unwrap().as_ref().clone();
        kind.schema = Some(schema);
        kind.top_level_fields = None;
        kind.custom = true;
        kind
    }

    #[test]
    fn crd_schemas_prune_or_reject_unknown_fields() {
        let kind = crd_kind(json!({"type": "object", "properties": {
            "spec": {"type": "object", "properties": {"size": {"type": "integer"}, "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}));
        let mut obj = json!({"apiVersion": "x/v1", "kind": "K", "metadata": {"name": "a"}, "spec": {"size": 1, "typo": 2, "extra": {"any": 1}}});
        let err = check_fields(&kind, &mut obj.clone(), true).unwrap_err();
        assert_eq!(err.code, 400);
        assert!(err.message.contains("spec.typo"), "{}", err.message);
        check_fields(&kind, &mut obj, false).unwrap();
        assert_eq!(obj["spec"], json!({"size": 1, "extra": {"any": 1}}));
        let mut wrong_type = json!({"metadata": {"name": "a"}, "spec": {"size": "big"}});
        assert_eq!(check_fields(&kind, &mut wrong_type, false).unwrap_err().code, 422);
    }

    #[test]
    fn names_follow_dns_rules() {
        let registry = crate::kinds::Registry::default();
        let cm = registry.by_kind("", "v1", "ConfigMap").unwrap();
        assert!(check_metadata(&cm, &json!({"metadata": {"name": "ok.name-1"}})).is_empty());
        assert_eq!(check_metadata(&cm, &json!({"metadata": {"name": "Bad_Name"}})).len(), 1);
        assert_eq!(check_metadata(&cm, &json!({"metadata": {"name": "x", "labels": {"a": "b c"}}})).len(), 1);
        let role = registry.by_kind("rbac.authorization.k8s.io", "v1", "ClusterRole").unwrap();
        assert!(check_metadata(&role, &json!({"metadata": {"name": "system:aggregate-to-admin"}})).is_empty());
    }
}
