//! Ordering keys inside one cluster (see `meshplan_provider::ImpliedKey`): a Namespace before
//! the objects in it, a CustomResourceDefinition before the objects of its kind.

use meshplan_provider::{ImpliedKey, Value};

pub(crate) fn namespace_key(name: &str) -> String {
    format!("namespace/{name}")
}

/// `kind/<group>/<Kind>`; the core group is empty.
pub(crate) fn kind_key(group: &str, kind: &str) -> String {
    format!("kind/{group}/{kind}")
}

/// Keys of an object given as a manifest (`apiVersion`, `kind`, `metadata`, `spec`).
pub(crate) fn manifest_keys(m: &Value) -> Vec<ImpliedKey> {
    let (Some(api_version), Some(kind)) = (m.get_str("apiVersion"), m.get_str("kind")) else { return vec![] };
    let meta = m.get("metadata");
    let mut keys = Vec::new();
    match kind {
        "Namespace" => keys.extend(meta.get_str("name").map(|n| ImpliedKey::Provides(namespace_key(n)))),
        "CustomResourceDefinition" => {
            let spec = m.get("spec");
            if let (Some(group), Some(k)) = (spec.get_str("group"), spec.get("names").get_str("kind")) {
                keys.push(ImpliedKey::Provides(kind_key(group, k)));
            }
        }
        _ => {}
    }
    if let Some(ns) = meta.get_str("namespace") {
        keys.push(ImpliedKey::Needs(namespace_key(ns)));
    }
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    if !group.is_empty() {
        keys.push(ImpliedKey::Needs(kind_key(group, kind)));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: serde_json::Value) -> Value {
        Value::from_json(&j)
    }

    #[test]
    fn namespaces_crds_and_their_users() {
        let ns = v(serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "spire"}}));
        assert_eq!(manifest_keys(&ns), vec![ImpliedKey::Provides("namespace/spire".into())]);
        let crd = v(serde_json::json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "x"}, "spec": {"group": "spire.spiffe.io", "names": {"kind": "ClusterSPIFFEID"}}}));
        assert!(manifest_keys(&crd).contains(&ImpliedKey::Provides("kind/spire.spiffe.io/ClusterSPIFFEID".into())));
        let cr = v(
            serde_json::json!({"apiVersion": "spire.spiffe.io/v1alpha1", "kind": "ClusterSPIFFEID", "metadata": {"name": "istio", "namespace": "spire"}}),
        );
        assert_eq!(
            manifest_keys(&cr),
            vec![
                ImpliedKey::Needs("namespace/spire".into()),
                ImpliedKey::Needs("kind/spire.spiffe.io/ClusterSPIFFEID".into())
            ]
        );
    }
}
