//! The typed kinds: one small [`Kind`] per built-in kind.

use super::{Field, Kind};
use crate::cluster::{poll_until, Cluster, Deadline, Poll};
use crate::errors::Failure;
use crate::managed::{decode_base64_text, encode_base64};
use crate::object_ref::ObjectRef;
use meshplan_provider::{async_trait, Attribute, Type, Value};
use serde_json::{Map, Value as Json};

#[derive(Clone, Copy)]
pub(crate) struct Namespace;

impl Kind for Namespace {
    fn type_name(&self) -> &'static str {
        "kubernetes_namespace"
    }
    fn api_version(&self) -> &'static str {
        "v1"
    }
    fn kind(&self) -> &'static str {
        "Namespace"
    }
    fn namespaced(&self) -> bool {
        false
    }
}

#[derive(Clone, Copy)]
pub(crate) struct ServiceAccount;

impl Kind for ServiceAccount {
    fn type_name(&self) -> &'static str {
        "kubernetes_service_account"
    }
    fn api_version(&self) -> &'static str {
        "v1"
    }
    fn kind(&self) -> &'static str {
        "ServiceAccount"
    }
    fn namespaced(&self) -> bool {
        true
    }
    fn fields(&self) -> Vec<Field> {
        vec![Field {
            attr: "automount_service_account_token",
            key: "automountServiceAccountToken",
            attribute: Attribute::optional(Type::Bool),
        }]
    }
}

#[derive(Clone, Copy)]
pub(crate) struct ConfigMap;

impl Kind for ConfigMap {
    fn type_name(&self) -> &'static str {
        "kubernetes_config_map"
    }
    fn api_version(&self) -> &'static str {
        "v1"
    }
    fn kind(&self) -> &'static str {
        "ConfigMap"
    }
    fn namespaced(&self) -> bool {
        true
    }
    fn fields(&self) -> Vec<Field> {
        vec![
            Field { attr: "data", key: "data", attribute: Attribute::optional(Type::map(Type::String)) },
            Field { attr: "binary_data", key: "binaryData", attribute: Attribute::optional(Type::map(Type::String)) },
        ]
    }
}

/// `data` is plain text here and base64 in the API (as in Terraform). A
/// `kubernetes.io/service-account-token` Secret's `data` is filled by the cluster: it is
/// computed, never sent, and (by default) waited for.
#[derive(Clone, Copy)]
pub(crate) struct Secret;

const SA_TOKEN: &str = "kubernetes.io/service-account-token";

#[async_trait]
impl Kind for Secret {
    fn type_name(&self) -> &'static str {
        "kubernetes_secret"
    }
    fn api_version(&self) -> &'static str {
        "v1"
    }
    fn kind(&self) -> &'static str {
        "Secret"
    }
    fn namespaced(&self) -> bool {
        true
    }
    fn extra_attributes(&self) -> Vec<(&'static str, Attribute)> {
        vec![
            ("data", Attribute::optional_computed(Type::map(Type::String)).sensitive()),
            ("string_data", Attribute::optional(Type::map(Type::String)).sensitive()),
            ("type", Attribute::optional(Type::String).default("Opaque").force_new()),
            ("wait_for_service_account_token", Attribute::optional(Type::Bool).default(true)),
        ]
    }
    fn body(&self, state: &Value, body: &mut Map<String, Json>) {
        let kind = state.get_str("type").unwrap_or("Opaque");
        body.insert("type".into(), Json::String(kind.to_string()));
        if kind != SA_TOKEN {
            if let Some(data) = known_map(state.get("data")) {
                let encoded = data
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::String(encode_base64(v.as_str().unwrap_or_default()))))
                    .collect();
                body.insert("data".into(), Json::Object(encoded));
            }
        }
        if let Some(string_data) = known_map(state.get("string_data")) {
            body.insert("stringData".into(), Value::Object(string_data.clone()).to_json());
        }
    }
    fn read_back(&self, managed: &Json, live: &Json, state: &mut Value) {
        let data = match state.get("data") {
            // Configured: the configured keys, as they are now.
            Value::Object(_) if state.get_str("type") != Some(SA_TOKEN) => decoded(managed.get("data")),
            // Computed (nothing configured, or filled by the cluster): everything there is.
            _ => decoded(live.get("data")),
        };
        state.set("data", data);
        if !state.get("string_data").is_null() {
            state.set("string_data", managed.get("stringData").map(Value::from_json).unwrap_or(Value::Null));
        }
        state.set("type", live.get("type").map(Value::from_json).unwrap_or(Value::from("Opaque")));
    }
    fn import_fields(&self, live: &Json, state: &mut Value) {
        state.set("data", decoded(live.get("data")));
        state.set("type", live.get("type").map(Value::from_json).unwrap_or(Value::from("Opaque")));
        state.set("wait_for_service_account_token", Value::Bool(true));
    }
    async fn settle(
        &self,
        cluster: &Cluster,
        object: &ObjectRef,
        live: Json,
        state: &Value,
        deadline: Deadline,
    ) -> Result<Json, Failure> {
        let wanted = state.get_str("type") == Some(SA_TOKEN)
            && state.get("wait_for_service_account_token").as_bool().unwrap_or(true);
        if !wanted || has_token(&live) {
            return Ok(live);
        }
        poll_until(deadline, object, "get its service account token", || async {
            Ok(match cluster.get(object).await? {
                Some(live) if has_token(&live) => Poll::Ready(live),
                Some(_) => Poll::Pending("data.token is empty".into()),
                None => Poll::Pending("the secret is gone".into()),
            })
        })
        .await
    }
}

fn has_token(live: &Json) -> bool {
    live.pointer("/data/token").and_then(Json::as_str).is_some_and(|t| !t.is_empty())
}

fn known_map(v: &Value) -> Option<&std::collections::BTreeMap<String, Value>> {
    v.as_object().filter(|_| v.is_wholly_known())
}

/// Base64 `data` as text values (null when there is none; undecodable values stay base64).
fn decoded(data: Option<&Json>) -> Value {
    match data.and_then(Json::as_object) {
        Some(map) if !map.is_empty() => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let b64 = v.as_str().unwrap_or_default();
                    (k.clone(), Value::from(decode_base64_text(b64).unwrap_or_else(|| b64.to_string())))
                })
                .collect(),
        ),
        _ => Value::Null,
    }
}
