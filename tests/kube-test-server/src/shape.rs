//! How lists inside an object merge: atomically, as sets, or as maps keyed by fields.
//!
//! Server-side apply, strategic merge patch and managedFields all need this. Built-in kinds
//! use the well-known list keys below (the subset of the Kubernetes Go struct tags that real
//! manifests exercise); CRD kinds read `x-kubernetes-list-type` / `x-kubernetes-list-map-keys`
//! from their schema and default to atomic, exactly as the real API server does.

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum ListKind {
    /// Replaced as a whole.
    Atomic,
    /// Scalars, merged by value (`metadata.finalizers`).
    Set,
    /// Objects, merged by these key fields.
    Map(Vec<String>),
}

/// Built-in lists merged by key: field name → candidate key fields (first present wins).
const BUILTIN_MAP_LISTS: &[(&str, &[&str])] = &[
    ("containers", &["name"]),
    ("initContainers", &["name"]),
    ("ephemeralContainers", &["name"]),
    ("env", &["name"]),
    ("volumes", &["name"]),
    ("imagePullSecrets", &["name"]),
    ("webhooks", &["name"]),
    ("resourceClaims", &["name"]),
    ("volumeMounts", &["mountPath"]),
    ("volumeDevices", &["devicePath"]),
    ("ports", &["containerPort", "port"]),
    ("conditions", &["type"]),
    ("hostAliases", &["ip"]),
    ("ownerReferences", &["uid"]),
    ("topologySpreadConstraints", &["topologyKey"]),
];

const BUILTIN_SET_LISTS: &[&str] = &["finalizers"];

/// Where in an object a value sits, as far as list semantics care.
#[derive(Debug, Clone, Copy)]
pub struct Shape<'a> {
    custom: bool,
    schema: Option<&'a Value>,
}

impl<'a> Shape<'a> {
    pub fn builtin() -> Self {
        Shape { custom: false, schema: None }
    }

    /// The root of a kind's objects; `schema` is a CRD's openAPIV3Schema.
    pub fn root(custom: bool, schema: Option<&'a Value>) -> Self {
        Shape { custom, schema }
    }

    /// The shape of field `name` of an object at this shape.
    pub fn child(self, name: &str) -> Self {
        if !self.custom {
            return self;
        }
        if name == "metadata"
            && self.schema.is_some_and(|s| s.get("x-kubernetes-embedded-resource").is_some() || is_root(s))
        {
            return Shape::builtin();
        }
        let schema = self.schema.and_then(|s| {
            s.get("properties")
                .and_then(|p| p.get(name))
                .or_else(|| s.get("additionalProperties").filter(|a| a.is_object()))
        });
        Shape { custom: true, schema }
    }

    pub fn items(self) -> Self {
        if !self.custom {
            return self;
        }
        Shape { custom: true, schema: self.schema.and_then(|s| s.get("items")) }
    }

    /// How the list in field `field` (whose value is `items`) merges.
    pub fn list_kind(self, field: &str, items: &[Value]) -> ListKind {
        if self.custom {
            let Some(schema) = self.schema else { return ListKind::Atomic };
            return match schema.get("x-kubernetes-list-type").and_then(Value::as_str) {
                Some("set") => ListKind::Set,
                Some("map") => {
                    let keys: Vec<String> = schema
                        .get("x-kubernetes-list-map-keys")
                        .and_then(Value::as_array)
                        .map(|k| k.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
                        .unwrap_or_default();
                    if keys.is_empty() {
                        ListKind::Atomic
                    } else {
                        ListKind::Map(keys)
                    }
                }
                _ => ListKind::Atomic,
            };
        }
        if BUILTIN_SET_LISTS.contains(&field) && items.iter().all(|v| !v.is_object() && !v.is_array()) {
            return ListKind::Set;
        }
        let Some((_, candidates)) = BUILTIN_MAP_LISTS.iter().find(|(name, _)| *name == field) else {
            return ListKind::Atomic;
        };
        // Every element must carry the key, else the list cannot be merged by it.
        for key in candidates.iter() {
            if items.iter().all(|item| item.get(*key).is_some_and(|k| !k.is_null())) {
                return ListKind::Map(vec![key.to_string()]);
            }
        }
        if items.is_empty() {
            ListKind::Map(vec![candidates[0].to_string()])
        } else {
            ListKind::Atomic
        }
    }
}

/// A CRD's root schema describes an object with apiVersion/kind/metadata.
fn is_root(schema: &Value) -> bool {
    schema.get("properties").is_none_or(|p| p.get("metadata").is_none_or(|m| m.get("properties").is_none()))
}

/// The key of a list element under `keys`, as an ordered JSON object (`{"name":"app"}`).
pub fn element_key(item: &Value, keys: &[String]) -> Option<serde_json::Map<String, Value>> {
    let mut key = serde_json::Map::new();
    for k in keys {
        key.insert(k.clone(), item.get(k)?.clone());
    }
    Some(key)
}

pub fn key_matches(item: &Value, key: &serde_json::Map<String, Value>) -> bool {
    key.iter().all(|(k, v)| item.get(k) == Some(v))
}
