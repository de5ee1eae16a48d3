//! The fields a configuration manages, and what the cluster holds for exactly those: the
//! basis of "the diff shows only what you wrote" and of drift detection.
//!
//! [`project`] takes the shape of the manifest the user wrote and fills it with the live
//! values; comparing that with the manifest shows real changes, never server defaults,
//! status or fields other managers own.

use base64::Engine;
use serde_json::{Map, Value as Json};

/// The live values at the paths `manifest` sets. Keys missing from the live object are left
/// out (so they show as a change); lists of another length are taken whole from the live side.
pub(crate) fn project(manifest: &Json, live: &Json) -> Json {
    let mut out = project_value(manifest, live);
    // `stringData` is write-only: the API folds it into `data`. Read it back from there.
    if live.get("kind").and_then(Json::as_str) == Some("Secret")
        && live.get("apiVersion").and_then(Json::as_str) == Some("v1")
    {
        if let (Some(Json::Object(written)), Some(out)) = (manifest.get("stringData"), out.as_object_mut()) {
            let decoded: Map<String, Json> = written
                .keys()
                .filter_map(|k| {
                    let b64 = live.pointer(&format!("/data/{}", escape_pointer(k)))?.as_str()?;
                    Some((k.clone(), Json::String(decode_base64_text(b64)?)))
                })
                .collect();
            out.insert("stringData".into(), Json::Object(decoded));
        }
    }
    out
}

fn project_value(manifest: &Json, live: &Json) -> Json {
    match (manifest, live) {
        (Json::Object(m), Json::Object(l)) => Json::Object(
            m.iter()
                .filter_map(|(k, mv)| match (mv, l.get(k)) {
                    // An explicit null is "not set": nothing to compare.
                    (Json::Null, _) => Some((k.clone(), Json::Null)),
                    (_, Some(lv)) => Some((k.clone(), project_value(mv, lv))),
                    (_, None) => None,
                })
                .collect(),
        ),
        (Json::Array(m), Json::Array(l)) if m.len() == l.len() => {
            Json::Array(m.iter().zip(l).map(|(mv, lv)| project_value(mv, lv)).collect())
        }
        // Numbers compare as numbers (2 and 2.0 are the same replicas count).
        (Json::Number(m), Json::Number(l)) if m.as_f64() == l.as_f64() => manifest.clone(),
        _ => live.clone(),
    }
}

/// The manifest without nulls (unset optional values), as it is sent to the API.
pub(crate) fn without_nulls(value: &Json) -> Json {
    match value {
        Json::Object(m) => {
            Json::Object(m.iter().filter(|(_, v)| !v.is_null()).map(|(k, v)| (k.clone(), without_nulls(v))).collect())
        }
        Json::Array(l) => Json::Array(l.iter().map(without_nulls).collect()),
        v => v.clone(),
    }
}

/// The live object as a manifest: what `import` records, without what the server owns.
pub(crate) fn as_manifest(live: &Json) -> Json {
    let mut out = live.clone();
    if let Some(top) = out.as_object_mut() {
        top.remove("status");
    }
    if let Some(meta) = out.pointer_mut("/metadata").and_then(Json::as_object_mut) {
        for server_owned in [
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "managedFields",
            "selfLink",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            meta.remove(server_owned);
        }
        strip_automatic(meta, "labels", &["kubernetes.io/metadata.name"]);
        strip_automatic(
            meta,
            "annotations",
            &["kubectl.kubernetes.io/last-applied-configuration", "kubernetes.io/service-account.uid"],
        );
    }
    out
}

/// Removes labels/annotations the API or tools add on their own; drops the map when empty.
pub(crate) fn strip_automatic(meta: &mut Map<String, Json>, field: &str, automatic: &[&str]) {
    if let Some(Json::Object(map)) = meta.get_mut(field) {
        for key in automatic {
            map.remove(*key);
        }
        if map.is_empty() {
            meta.remove(field);
        }
    }
}

/// A JSON pointer segment for a key (`/` and `~` escaped).
pub(crate) fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Base64 `data` of a Secret as text; `None` when it is not base64 of UTF-8.
pub(crate) fn decode_base64_text(b64: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    String::from_utf8(bytes).ok()
}

pub(crate) fn encode_base64(text: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn projection_keeps_only_managed_fields() {
        let manifest = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}, "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}});
        let live = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a", "uid": "u", "namespace": "default"},
            "spec": {"replicas": 2.0, "strategy": {}, "template": {"spec": {"containers": [{"name": "c", "image": "x", "imagePullPolicy": "Always"}]}}}, "status": {"readyReplicas": 2}});
        assert_eq!(project(&manifest, &live), manifest);
        let drifted = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}, "spec": {"replicas": 5, "template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}});
        assert_eq!(project(&manifest, &drifted)["spec"]["replicas"], json!(5));
        let removed = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "a"}});
        assert_eq!(project(&manifest, &removed).get("spec"), None);
    }

    #[test]
    fn secret_string_data_reads_back_from_data() {
        let manifest =
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"k": "v"}});
        let live =
            json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": encode_base64("v")}});
        assert_eq!(project(&manifest, &live), manifest);
    }

    #[test]
    fn imported_manifests_drop_server_fields() {
        let live = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "uid": "u", "labels": {"kubernetes.io/metadata.name": "n"}}, "status": {"phase": "Active"}});
        assert_eq!(as_manifest(&live), json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}));
    }
}
