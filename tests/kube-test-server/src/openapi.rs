//! OpenAPI v3 documents, just detailed enough for kubectl: for each kind, POST and PATCH
//! operations tagged with `x-kubernetes-group-version-kind` and a `fieldValidation` query
//! parameter, so kubectl validates server-side (`fieldValidation=Strict`) instead of
//! downloading schemas. Built-in kinds advertise strategic merge patch; CRD kinds do not,
//! so `kubectl apply` sends them JSON merge patches, as with a real server.

use serde_json::{json, Map, Value};

use crate::cluster::Cluster;
use crate::discovery::fingerprint;
use crate::error::{ApiError, ApiResult};
use crate::kinds::KindInfo;

pub fn index(cluster: &Cluster) -> Value {
    let mut paths = Map::new();
    for (group, versions) in cluster.kinds.groups() {
        for version in versions {
            let key = if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") };
            let hash = fingerprint(&format!("{key}#{}", cluster.kinds.epoch()));
            paths.insert(key.clone(), json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash:016X}")}));
        }
    }
    json!({"paths": paths})
}

pub fn group_version(cluster: &Cluster, group: &str, version: &str) -> ApiResult<Value> {
    let kinds = cluster.kinds.resources(group, version);
    if kinds.is_empty() {
        return Err(ApiError::new(404, "NotFound", "the server could not find the requested resource"));
    }
    let mut paths = Map::new();
    for kind in &kinds {
        let prefix = if group.is_empty() { format!("/api/{version}") } else { format!("/apis/{group}/{version}") };
        let scope = if kind.namespaced { "/namespaces/{namespace}" } else { "" };
        let collection = format!("{prefix}{scope}/{}", kind.plural);
        paths.insert(
            collection.clone(),
            json!({"post": operation(kind, "post", &["application/json", "application/yaml"])}),
        );
        let mut patch_types =
            vec!["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"];
        if !kind.custom {
            patch_types.push("application/strategic-merge-patch+json");
        }
        paths.insert(
            format!("{collection}/{{name}}"),
            json!({
                "put": operation(kind, "put", &["application/json", "application/yaml"]),
                "patch": operation(kind, "patch", &patch_types),
            }),
        );
    }
    Ok(json!({
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }))
}

fn operation(kind: &KindInfo, action: &str, content_types: &[&str]) -> Value {
    let mut content = Map::new();
    for ct in content_types {
        content.insert(ct.to_string(), json!({"schema": {"type": "object"}}));
    }
    let query = |name: &str, description: &str| json!({"name": name, "in": "query", "description": description, "schema": {"type": "string", "uniqueItems": true}});
    let mut parameters = vec![
        query("dryRun", "When present, modifications are not persisted."),
        query("fieldManager", "Name of the actor making the change."),
        query("fieldValidation", "Ignore, Warn or Strict handling of unknown or duplicate fields."),
    ];
    if action == "patch" {
        parameters.push(json!({"name": "force", "in": "query", "schema": {"type": "boolean", "uniqueItems": true}}));
    }
    json!({
        "operationId": format!("{action}{}", kind.kind),
        "parameters": parameters,
        "requestBody": {"content": content, "required": true},
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}},
        "x-kubernetes-action": action,
        "x-kubernetes-group-version-kind": {"group": kind.group, "version": kind.version, "kind": kind.kind},
    })
}
