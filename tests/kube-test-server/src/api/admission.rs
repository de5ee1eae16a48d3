//! Per-kind rules, keyed by group + kind: defaulting, immutable fields, and side effects
//! after a write commits (CRD registration, cascading deletes, default ServiceAccounts,
//! service-account token Secrets). `admit` runs under the store lock and must not touch the
//! store; `after_commit` runs after it and may.

use std::sync::Arc;

use base64::Engine;
use serde_json::{json, Map, Value};

use super::objects::meta_str;
use super::write;
use crate::cluster::Cluster;
use crate::error::{ApiError, ApiResult, Cause, Subject};
use crate::kinds::{crd, KindInfo};
use crate::store::ObjectKey;

pub const SA_TOKEN_TYPE: &str = "kubernetes.io/service-account-token";

fn immutable(kind: &KindInfo, object: &Value, field: &str, message: &str) -> ApiError {
    let name = meta_str(object, "name").unwrap_or("");
    ApiError::invalid(
        &kind.kind,
        Subject::new(&kind.group, &kind.plural, name),
        vec![Cause { kind: "FieldValueInvalid", field: field.to_string(), message: message.to_string() }],
    )
}

/// Defaults and validation for one write (`old` is None on create).
pub fn admit(cluster: &Cluster, kind: &KindInfo, old: Option<&Value>, new: &mut Value) -> ApiResult<()> {
    match (kind.group.as_str(), kind.kind.as_str()) {
        ("", "Namespace") => {
            if new.pointer("/spec/finalizers").is_none() {
                new["spec"] = json!({"finalizers": ["kubernetes"]});
            }
            if new.pointer("/metadata/deletionTimestamp").is_none() {
                new["status"] = json!({"phase": "Active"});
            }
            let name = meta_str(new, "name").unwrap_or("").to_string();
            let labels = new["metadata"].as_object_mut().map(|m| m.entry("labels").or_insert_with(|| json!({})));
            if let Some(Value::Object(labels)) = labels {
                labels.insert("kubernetes.io/metadata.name".to_string(), json!(name));
            }
        }
        ("", "ConfigMap") | ("", "Secret") => {
            if kind.kind == "Secret" {
                fold_string_data(new);
                if new.get("type").is_none_or(Value::is_null) {
                    new["type"] = json!("Opaque");
                }
            }
            if let Some(old) = old {
                if old.get("immutable") == Some(&json!(true)) {
                    let unchanged = |f: &str| old.get(f) == new.get(f);
                    if !(unchanged("data") && unchanged("binaryData") && unchanged("immutable")) {
                        return Err(immutable(
                            kind,
                            new,
                            "data",
                            "Forbidden: field is immutable when `immutable` is set",
                        ));
                    }
                }
                if kind.kind == "Secret" && old.get("type") != new.get("type") {
                    return Err(immutable(kind, new, "type", "Invalid value: field is immutable"));
                }
            }
        }
        ("", "Service") => default_service(cluster, kind, old, new)?,
        ("", "Pod") => {
            if old.is_none() {
                new["status"] = json!({"phase": "Pending"});
            }
            if let Some(Value::Object(pod_spec)) = new.get_mut("spec") {
                default_pod_spec(pod_spec);
            }
        }
        ("apps", "Deployment" | "StatefulSet" | "ReplicaSet" | "DaemonSet") => {
            if kind.kind != "DaemonSet" && new.pointer("/spec/replicas").is_none_or(Value::is_null) {
                if let Some(spec) = new.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert("replicas".to_string(), json!(1));
                }
            }
            if kind.kind == "Deployment" {
                default_deployment(new);
            }
            if let Some(Value::Object(pod_spec)) = new.pointer_mut("/spec/template/spec") {
                default_pod_spec(pod_spec);
            }
            if let Some(old) = old {
                if old.pointer("/spec/selector") != new.pointer("/spec/selector") {
                    return Err(immutable(kind, new, "spec.selector", "Invalid value: field is immutable"));
                }
            }
        }
        ("rbac.authorization.k8s.io", "RoleBinding" | "ClusterRoleBinding") => {
            if let Some(old) = old {
                if old.get("roleRef") != new.get("roleRef") {
                    return Err(immutable(kind, new, "roleRef", "Invalid value: cannot change roleRef"));
                }
            }
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition") => {
            let name = meta_str(new, "name").unwrap_or("").to_string();
            crd::served_kinds(new).map_err(|causes| {
                ApiError::invalid(&kind.kind, Subject::new(&kind.group, &kind.plural, &name), causes)
            })?;
            let names = new.pointer("/spec/names").cloned().unwrap_or_else(|| json!({}));
            let stored: Vec<Value> = new
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|v| v.get("storage").and_then(Value::as_bool).unwrap_or(false))
                .filter_map(|v| v.get("name").cloned())
                .collect();
            let now = crate::time::now_rfc3339();
            new["status"] = json!({
                "acceptedNames": names,
                "storedVersions": stored,
                "conditions": [
                    {"type": "NamesAccepted", "status": "True", "reason": "NoConflicts", "message": "no conflicts found", "lastTransitionTime": now},
                    {"type": "Established", "status": "True", "reason": "InitialNamesAccepted", "message": "the initial names have been accepted", "lastTransitionTime": now},
                ],
            });
        }
        _ => {}
    }
    Ok(())
}

/// The Deployment defaults the real API server fills in.
fn default_deployment(deployment: &mut Value) {
    let Some(Value::Object(spec)) = deployment.get_mut("spec") else { return };
    spec.entry("strategy").or_insert_with(
        || json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}),
    );
    spec.entry("revisionHistoryLimit").or_insert_with(|| json!(10));
    spec.entry("progressDeadlineSeconds").or_insert_with(|| json!(600));
}

/// Pod spec defaults that show up in `kubectl describe` and in diffs against a real cluster.
fn default_pod_spec(spec: &mut Map<String, Value>) {
    spec.entry("restartPolicy").or_insert_with(|| json!("Always"));
    spec.entry("dnsPolicy").or_insert_with(|| json!("ClusterFirst"));
    spec.entry("terminationGracePeriodSeconds").or_insert_with(|| json!(30));
    spec.entry("schedulerName").or_insert_with(|| json!("default-scheduler"));
    for list in ["containers", "initContainers"] {
        let Some(Value::Array(containers)) = spec.get_mut(list) else { continue };
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            let latest = container
                .get("image")
                .and_then(Value::as_str)
                .is_some_and(|i| !i.contains(':') || i.ends_with(":latest"));
            container.entry("imagePullPolicy").or_insert_with(|| json!(if latest { "Always" } else { "IfNotPresent" }));
            container.entry("terminationMessagePath").or_insert_with(|| json!("/dev/termination-log"));
            container.entry("terminationMessagePolicy").or_insert_with(|| json!("File"));
            if let Some(Value::Array(ports)) = container.get_mut("ports") {
                for port in ports.iter_mut().filter_map(Value::as_object_mut) {
                    port.entry("protocol").or_insert_with(|| json!("TCP"));
                }
            }
        }
    }
}

/// `stringData` is write-only: folded into base64 `data`.
fn fold_string_data(secret: &mut Value) {
    let Some(Value::Object(string_data)) = secret.as_object_mut().and_then(|m| m.remove("stringData")) else { return };
    let data = secret.as_object_mut().map(|m| m.entry("data").or_insert_with(|| json!({})));
    if let Some(Value::Object(data)) = data {
        for (k, v) in string_data {
            let text = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            data.insert(k, json!(base64::engine::general_purpose::STANDARD.encode(text)));
        }
    }
}

fn default_service(cluster: &Cluster, kind: &KindInfo, old: Option<&Value>, new: &mut Value) -> ApiResult<()> {
    if !new.get("spec").is_some_and(Value::is_object) {
        new["spec"] = json!({});
    }
    let old_ip = old.and_then(|o| o.pointer("/spec/clusterIP")).and_then(Value::as_str).map(str::to_string);
    let spec = new["spec"].as_object_mut().ok_or_else(|| ApiError::internal("spec is not an object"))?;
    spec.entry("type").or_insert_with(|| json!("ClusterIP"));
    spec.entry("sessionAffinity").or_insert_with(|| json!("None"));
    let external_name = spec.get("type") == Some(&json!("ExternalName"));
    let requested = spec.get("clusterIP").and_then(Value::as_str).filter(|ip| !ip.is_empty()).map(str::to_string);
    let ip = match (old_ip, requested) {
        (Some(old), Some(new_ip)) if old != new_ip => {
            return Err(immutable(
                kind,
                new,
                "spec.clusterIP",
                &format!("Invalid value: {new_ip:?}: field is immutable"),
            ));
        }
        (Some(old), _) => Some(old),
        (None, Some(requested)) => Some(requested),
        (None, None) if external_name => None,
        (None, None) => Some(cluster.allocate_cluster_ip()),
    };
    let spec = new["spec"].as_object_mut().ok_or_else(|| ApiError::internal("spec is not an object"))?;
    if let Some(ip) = ip {
        spec.insert("clusterIP".to_string(), json!(ip));
        spec.insert("clusterIPs".to_string(), json!([ip]));
        spec.entry("ipFamilies").or_insert_with(|| json!(["IPv4"]));
        spec.entry("ipFamilyPolicy").or_insert_with(|| json!("SingleStack"));
    }
    if let Some(Value::Array(ports)) = spec.get_mut("ports") {
        for port in ports.iter_mut().filter_map(Value::as_object_mut) {
            port.entry("protocol").or_insert_with(|| json!("TCP"));
            if let Some(number) = port.get("port").cloned() {
                port.entry("targetPort").or_insert(number);
            }
        }
    }
    if new.get("status").is_none() {
        new["status"] = json!({"loadBalancer": {}});
    }
    Ok(())
}

/// What a committed write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Created,
    Updated,
    Deleted,
}

/// Side effects of a committed write. Errors here are not the client's: they are logged
/// into the object's absence rather than failing the request that already succeeded.
pub fn after_commit(cluster: &Arc<Cluster>, kind: &KindInfo, change: Change, object: &Value) {
    let name = meta_str(object, "name").unwrap_or("").to_string();
    match (kind.group.as_str(), kind.kind.as_str(), change) {
        ("apiextensions.k8s.io", "CustomResourceDefinition", Change::Created | Change::Updated) => {
            if let Ok(kinds) = crd::served_kinds(object) {
                cluster.kinds.register_crd(&name, kinds);
            }
        }
        ("apiextensions.k8s.io", "CustomResourceDefinition", Change::Deleted) => {
            let (group, plural) = (
                object.pointer("/spec/group").and_then(Value::as_str).unwrap_or("").to_string(),
                object.pointer("/spec/names/plural").and_then(Value::as_str).unwrap_or("").to_string(),
            );
            cluster.store.delete_where(|k| k.group == group && k.resource == plural);
            cluster.kinds.unregister_crd(&name);
        }
        ("", "Namespace", Change::Created) => {
            if let Some(sa_kind) = cluster.kinds.builtin("", "ServiceAccount") {
                let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": name}});
                // AlreadyExists is fine: someone created it first.
                let _ = write::create_internal(cluster, &sa_kind, &name, sa);
            }
        }
        ("", "Namespace", Change::Deleted) => {
            cluster.store.delete_where(|k| k.namespace == name && !k.namespace.is_empty());
        }
        ("", "Secret", Change::Created | Change::Updated) => fill_token_secret(cluster, kind, object),
        _ => {}
    }
}

/// The token controller: a `kubernetes.io/service-account-token` Secret gets a token for its
/// service account, the CA bundle and the namespace.
fn fill_token_secret(cluster: &Arc<Cluster>, kind: &KindInfo, secret: &Value) {
    if secret.get("type").and_then(Value::as_str) != Some(SA_TOKEN_TYPE) || secret.pointer("/data/token").is_some() {
        return;
    }
    let namespace = meta_str(secret, "namespace").unwrap_or("").to_string();
    let name = meta_str(secret, "name").unwrap_or("").to_string();
    let Some(account) =
        secret.pointer("/metadata/annotations/kubernetes.io~1service-account.name").and_then(Value::as_str)
    else {
        return;
    };
    let account_uid = cluster
        .store
        .get(&ObjectKey::new("", "serviceaccounts", &namespace, account))
        .and_then(|sa| meta_str(&sa, "uid").map(str::to_string))
        .unwrap_or_default();
    let token = cluster.auth.mint_service_account_token(&namespace, account, &account_uid);
    let b64 = |s: &str| json!(base64::engine::general_purpose::STANDARD.encode(s));
    let key = ObjectKey::new(&kind.group, &kind.plural, &namespace, &name);
    let _ = cluster.store.write(&key, |current| {
        let Some(current) = current else { return Ok(crate::store::Write::Keep) };
        let mut filled = current.clone();
        let data = filled.as_object_mut().map(|m| m.entry("data").or_insert_with(|| Value::Object(Map::new())));
        if let Some(Value::Object(data)) = data {
            data.insert("token".to_string(), b64(&token));
            data.insert("ca.crt".to_string(), b64(&cluster.ca_pem));
            data.insert("namespace".to_string(), b64(&namespace));
        }
        if let Some(Value::Object(annotations)) = filled.pointer_mut("/metadata/annotations") {
            annotations.insert("kubernetes.io/service-account.uid".to_string(), json!(account_uid));
        }
        Ok(crate::store::Write::Put(filled))
    });
}
