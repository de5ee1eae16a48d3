//! Which object a resource talks about: apiVersion, kind, namespace, name. Also the import ID
//! syntax (`apiVersion=v1,kind=ConfigMap,namespace=a,name=b`) and how objects are named in
//! messages.

use meshplan_provider::{ProviderError, Value};
use serde_json::Value as Json;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    /// `None` for cluster-scoped objects, and for namespaced ones before the default applies.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// The identity of a manifest (JSON), or why it has none.
    pub fn of_manifest(manifest: &Json) -> Result<ObjectRef, ProviderError> {
        let field = |path: &str| manifest.pointer(path).and_then(Json::as_str).filter(|s| !s.is_empty());
        let missing = |what: &str| ProviderError::new(format!("the manifest has no {what}")).at_attribute("manifest");
        Ok(ObjectRef {
            api_version: field("/apiVersion").ok_or_else(|| missing("apiVersion"))?.to_string(),
            kind: field("/kind").ok_or_else(|| missing("kind"))?.to_string(),
            namespace: field("/metadata/namespace").map(str::to_string),
            name: field("/metadata/name").ok_or_else(|| missing("metadata.name"))?.to_string(),
        })
    }

    /// The identity of a manifest given as a [`Value`].
    pub fn of_manifest_value(manifest: &Value) -> Result<ObjectRef, ProviderError> {
        Self::of_manifest(&manifest.to_json())
    }

    /// `apiVersion=v1,kind=ConfigMap,namespace=a,name=b` (namespace optional).
    pub fn parse_import_id(id: &str) -> Result<ObjectRef, ProviderError> {
        let (mut api_version, mut kind, mut namespace, mut name) = (None, None, None, None);
        for part in id.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((key, value)) = part.split_once('=') else {
                return Err(import_syntax(id));
            };
            let value = Some(value.trim().to_string());
            match key.trim() {
                "apiVersion" => api_version = value,
                "kind" => kind = value,
                "namespace" => namespace = value,
                "name" => name = value,
                _ => return Err(import_syntax(id)),
            }
        }
        match (api_version, kind, name) {
            (Some(api_version), Some(kind), Some(name)) => Ok(ObjectRef { api_version, kind, namespace, name }),
            _ => Err(import_syntax(id)),
        }
    }

    /// `("apps", "v1")` for `apps/v1`, `("", "v1")` for `v1`.
    pub fn group_version(&self) -> (&str, &str) {
        match self.api_version.split_once('/') {
            Some((group, version)) => (group, version),
            None => ("", self.api_version.as_str()),
        }
    }

    /// The import ID of this object.
    pub fn id(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("apiVersion={},kind={},namespace={ns},name={}", self.api_version, self.kind, self.name),
            None => format!("apiVersion={},kind={},name={}", self.api_version, self.kind, self.name),
        }
    }
}

fn import_syntax(id: &str) -> ProviderError {
    ProviderError::new(format!("invalid import ID {id:?}"))
        .with_hint("use apiVersion=<v>,kind=<k>,name=<n> and, for namespaced objects, namespace=<ns>")
}

impl fmt::Display for ObjectRef {
    /// `ConfigMap a/b (v1)`: how messages name an object.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {ns}/{} ({})", self.kind, self.name, self.api_version),
            None => write!(f, "{} {} ({})", self.kind, self.name, self.api_version),
        }
    }
}

/// The `metadata` block: a list of one object in the Terraform provider's schemas (states
/// written before it was a list hold the object itself).
pub(crate) fn meta(state: &meshplan_provider::Value) -> &meshplan_provider::Value {
    static NONE: meshplan_provider::Value = meshplan_provider::Value::Null;
    match state.get("metadata") {
        meshplan_provider::Value::List(items) => items.first().unwrap_or(&NONE),
        other => other,
    }
}

pub(crate) fn set_meta(state: &mut meshplan_provider::Value, metadata: meshplan_provider::Value) {
    state.set("metadata", meshplan_provider::Value::List(vec![metadata]));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_round_trip() {
        let r = ObjectRef::parse_import_id("apiVersion=apps/v1,kind=Deployment,namespace=a,name=b").unwrap();
        assert_eq!(r.group_version(), ("apps", "v1"));
        assert_eq!(r.namespace.as_deref(), Some("a"));
        assert_eq!(ObjectRef::parse_import_id(&r.id()).unwrap(), r);
        let ns = ObjectRef::parse_import_id("apiVersion=v1,kind=Namespace,name=x").unwrap();
        assert_eq!(ns.group_version(), ("", "v1"));
        assert!(ObjectRef::parse_import_id("kind=Namespace,name=x").is_err());
        assert!(ObjectRef::parse_import_id("apiVersion=v1,kind=Namespace,nom=x").is_err());
    }

    #[test]
    fn manifests_need_identity() {
        let m = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}});
        assert_eq!(ObjectRef::of_manifest(&m).unwrap().to_string(), "ConfigMap a (v1)");
        assert!(ObjectRef::of_manifest(&serde_json::json!({"kind": "ConfigMap"})).is_err());
    }
}
