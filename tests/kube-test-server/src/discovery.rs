//! Legacy discovery documents (`/version`, `/api`, `/apis`, resource lists), built from the
//! kind registry. kubectl asks for aggregated discovery first and falls back to these when
//! the server answers with plain JSON, which is what it gets here.

use serde_json::{json, Value};

use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult};
use crate::kinds::KindInfo;

const VERBS: &[&str] = &["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0",
        "gitCommit": "kube-test-server",
        "gitTreeState": "clean",
        "buildDate": "2024-12-11T00:00:00Z",
        "goVersion": "go1.23.3",
        "compiler": "gc",
        "platform": "linux/amd64",
    })
}

pub fn core_versions(cluster: &Cluster) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": cluster.addr.to_string()}],
    })
}

fn group_document(group: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> =
        versions.iter().map(|v| json!({"groupVersion": format!("{group}/{v}"), "version": v})).collect();
    json!({"name": group, "versions": versions, "preferredVersion": versions[0]})
}

pub fn groups(cluster: &Cluster) -> Value {
    let groups: Vec<Value> = cluster
        .kinds
        .groups()
        .into_iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, versions)| group_document(&g, &versions))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

pub fn group(cluster: &Cluster, name: &str) -> ApiResult<Value> {
    let (g, versions) =
        cluster.kinds.groups().into_iter().find(|(g, _)| g == name && !g.is_empty()).ok_or_else(not_found)?;
    let mut doc = group_document(&g, &versions);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Ok(doc)
}

pub fn resource_list(cluster: &Cluster, group: &str, version: &str) -> ApiResult<Value> {
    let kinds = cluster.kinds.resources(group, version);
    if kinds.is_empty() {
        return Err(not_found());
    }
    let mut resources = Vec::new();
    for kind in &kinds {
        resources.push(resource_entry(kind));
        if kind.status_subresource {
            resources.push(json!({"name": format!("{}/status", kind.plural), "singularName": "", "namespaced": kind.namespaced, "kind": kind.kind, "verbs": ["get", "patch", "update"]}));
        }
        if kind.is("", "ServiceAccount") {
            resources.push(json!({"name": "serviceaccounts/token", "singularName": "", "namespaced": true, "group": "authentication.k8s.io", "version": "v1", "kind": "TokenRequest", "verbs": ["create"]}));
        }
    }
    let group_version = if group.is_empty() { version.to_string() } else { format!("{group}/{version}") };
    Ok(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}))
}

fn resource_entry(kind: &KindInfo) -> Value {
    let mut entry = json!({
        "name": kind.plural,
        "singularName": kind.singular,
        "namespaced": kind.namespaced,
        "kind": kind.kind,
        "verbs": VERBS,
        "storageVersionHash": format!("{:x}", fingerprint(&format!("{}/{}", kind.group, kind.plural))),
    });
    if !kind.short_names.is_empty() {
        entry["shortNames"] = json!(kind.short_names);
    }
    if !kind.categories.is_empty() {
        entry["categories"] = json!(kind.categories);
    }
    entry
}

/// A short stable hash (FNV-1a), enough for version hashes and cache busting.
pub fn fingerprint(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325u64, |hash, b| (hash ^ b as u64).wrapping_mul(0x100000001b3))
}

fn not_found() -> ApiError {
    ApiError::new(404, "NotFound", "the server could not find the requested resource")
}
