//! `kubectl_manifest`: one YAML document applied by server-side apply (the same path as
//! `kubernetes_manifest`), with the gavinbunney/kubectl provider's schema.
//!
//! Drift works as in that provider: `yaml_incluster` is a fingerprint of the fields the YAML
//! sets as the cluster held them after apply, `live_manifest_incluster` the same at refresh;
//! when they differ the plan is an update that puts them back. `live_uid` differing from
//! `uid` (the object was deleted and made again out of band) replaces it.

use crate::apply::{apply_and_wait, ApplyFailure, ApplyRequest};
use crate::cluster::{Cluster, Deadline};
use crate::managed::{as_manifest, project};
use crate::object_ref::ObjectRef;
use crate::wait::WaitFor;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, Path, PlanRequest, Planned, ProviderError, ResourceType, Schema,
    Type, Value,
};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};
use std::time::Duration;

pub(crate) struct KubectlManifest;

/// Not configurable in the kubectl provider; bounds applies, rollouts and deletes.
const TIMEOUT: Duration = Duration::from_secs(600);

const IDENTITY: [&str; 4] = ["api_version", "kind", "name", "namespace"];
const LIVE: [&str; 4] = ["uid", "live_uid", "yaml_incluster", "live_manifest_incluster"];

#[async_trait]
impl ResourceType for KubectlManifest {
    fn type_name(&self) -> &'static str {
        "kubectl_manifest"
    }

    fn schema(&self) -> Schema {
        let computed = ["yaml_body_parsed", "api_version", "kind", "name", "namespace"].into_iter().chain(LIVE);
        computed.fold(
            Schema::new()
                .attr("yaml_body", Attribute::required(Type::String).sensitive())
                .attr("force_new", Attribute::optional(Type::Bool).default(false))
                .attr("server_side_apply", Attribute::optional(Type::Bool).default(false))
                .attr("field_manager", Attribute::optional(Type::String).default("kubectl"))
                .attr("force_conflicts", Attribute::optional(Type::Bool).default(false))
                .attr("apply_only", Attribute::optional(Type::Bool).default(false))
                .attr("ignore_fields", Attribute::optional(Type::list(Type::String)))
                .attr("sensitive_fields", Attribute::optional(Type::list(Type::String)))
                .attr("wait", Attribute::optional(Type::Bool))
                .attr("wait_for_rollout", Attribute::optional(Type::Bool).default(true))
                .attr("validate_schema", Attribute::optional(Type::Bool).default(true))
                .attr("override_namespace", Attribute::optional(Type::String)),
            |s, name| s.attr(name, Attribute::computed(Type::String)),
        )
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        let state = &mut planned.state;
        match body_of(state) {
            Some(body) => {
                let body = body?;
                let text = |p: &str| body.pointer(p).and_then(Json::as_str).map(Value::from).unwrap_or(Value::Null);
                state.set("api_version", text("/apiVersion"));
                state.set("kind", text("/kind"));
                state.set("name", text("/metadata/name"));
                state.set("namespace", text("/metadata/namespace"));
                state.set("yaml_body_parsed", Value::from(parsed_text(&body, state.get("sensitive_fields"))));
            }
            None => {
                for name in IDENTITY.into_iter().chain(["yaml_body_parsed"]) {
                    state.set(name, Value::Unknown);
                }
            }
        }
        let Some(prior) = req.prior else { return Ok(planned) };
        for name in IDENTITY {
            let new = planned.state.get(name);
            if !new.is_wholly_known() || new != prior.get(name) {
                planned.requires_replace.push(Path::from(name));
            }
        }
        let changed = ["yaml_body", "override_namespace", "ignore_fields"]
            .iter()
            .any(|k| !planned.state.get(k).is_wholly_known() || planned.state.get(k) != prior.get(k));
        if changed && planned.state.get("force_new").as_bool() == Some(true) {
            planned.requires_replace.push(Path::from("yaml_body"));
        }
        if prior.get("live_uid") != prior.get("uid") {
            planned.replace_reasons.push("the object was deleted and made again outside of meshplan".into());
        }
        if changed || planned.replaces() {
            for name in LIVE {
                planned.state.set(name, Value::Unknown);
            }
        } else if prior.get("live_manifest_incluster") != prior.get("yaml_incluster") {
            // Drift in the fields the YAML sets: the update puts them back.
            planned.state.set("live_manifest_incluster", prior.get("yaml_incluster").clone());
        }
        Ok(planned)
    }

    fn implied_keys(&self, state: &Value) -> Vec<meshplan_provider::ImpliedKey> {
        match body_of(state) {
            Some(Ok(body)) => crate::ordering::manifest_keys(&Value::from_json(&body)),
            _ => Vec::new(),
        }
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let body = required_body(state)?;
        let Some(live) = cluster.get(&ObjectRef::of_manifest(&body)?).await? else { return Ok(None) };
        let mut out = state.clone();
        out.set("live_uid", uid(&live));
        out.set("live_manifest_incluster", Value::from(fingerprint(&body, &live, state)));
        Ok(Some(out))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned).await
    }

    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        if state.get("apply_only").as_bool() == Some(true) {
            return Ok(());
        }
        let cluster = ctx.client::<Cluster>()?;
        let object = ObjectRef::of_manifest(&required_body(state)?)?;
        Ok(cluster.delete(&object, Deadline::after(TIMEOUT)).await?)
    }

    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(Ok(body)) = body_of(planned) else { return Ok(None) };
        let cluster = ctx.client::<Cluster>()?;
        Ok(cluster.get(&ObjectRef::of_manifest(&body)?).await?.map(|live| with_live(planned, &body, &live)))
    }

    /// `apiVersion//kind//name` or `apiVersion//kind//name//namespace`, as the kubectl provider.
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let parts: Vec<&str> = id.split("//").collect();
        let (api_version, kind, name, namespace) = match parts[..] {
            [a, k, n] => (a, k, n, None),
            [a, k, n, ns] => (a, k, n, Some(ns.to_string())),
            _ => {
                return Err(ProviderError::new(format!("invalid import ID {id:?}"))
                    .with_hint("use apiVersion//kind//name, and //namespace for namespaced objects"))
            }
        };
        let object = ObjectRef { api_version: api_version.into(), kind: kind.into(), namespace, name: name.into() };
        let cluster = ctx.client::<Cluster>()?;
        let live = cluster
            .get(&object)
            .await?
            .ok_or_else(|| ProviderError::new(format!("cannot import {object}: it does not exist")))?;
        let manifest = as_manifest(&live);
        let yaml = serde_norway::to_string(&manifest).map_err(|e| ProviderError::new(format!("{object}: {e}")))?;
        let mut state = self.plan(ctx, PlanRequest { prior: None, config: &config_with_yaml(self, yaml) }).await?.state;
        state = with_live(&state, &manifest, &live);
        Ok(state)
    }
}

impl KubectlManifest {
    async fn apply(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let body = required_body(planned)?;
        let object = ObjectRef::of_manifest(&body)?;
        // Without server_side_apply the kubectl provider applies client-side, last writer
        // wins: here that is a forced server-side apply.
        let force = planned.get("force_conflicts").as_bool() == Some(true)
            || planned.get("server_side_apply").as_bool() != Some(true);
        let manager = planned.get_str("field_manager").unwrap_or("kubectl").to_string();
        let wait = if planned.get("wait_for_rollout").as_bool() != Some(false) {
            WaitFor::rollout()
        } else {
            WaitFor::default()
        };
        let request = ApplyRequest {
            object: &object,
            body: &body,
            manager: &manager,
            force,
            wait: &wait,
            deadline: Deadline::after(TIMEOUT),
        };
        match apply_and_wait(cluster, request).await {
            Ok(live) => Ok(with_live(planned, &body, &live)),
            Err(ApplyFailure { failure, written: Some(live) }) => {
                Err(ProviderError::from(failure).with_partial_state(with_live(planned, &body, &live)))
            }
            Err(ApplyFailure { failure, written: None }) => Err(failure.into()),
        }
    }
}

fn config_with_yaml(rt: &KubectlManifest, yaml: String) -> Value {
    let mut config = Value::empty_object();
    for name in rt.schema().attributes.keys() {
        config.set(name, Value::Null);
    }
    config.set("yaml_body", Value::from(yaml));
    config
}

/// The state after an apply (or adoption): the live object's UID and fingerprints.
fn with_live(planned: &Value, body: &Json, live: &Json) -> Value {
    let mut state = planned.clone();
    let print = Value::from(fingerprint(body, live, planned));
    state.set("uid", uid(live));
    state.set("live_uid", uid(live));
    state.set("yaml_incluster", print.clone());
    state.set("live_manifest_incluster", print);
    state
}

fn uid(live: &Json) -> Value {
    live.pointer("/metadata/uid").and_then(Json::as_str).map(Value::from).unwrap_or(Value::Null)
}

/// A hash of the fields `body` sets, as `live` has them, without `ignore_fields`.
fn fingerprint(body: &Json, live: &Json, state: &Value) -> String {
    let mut managed = project(body, live);
    for path in state.get("ignore_fields").as_list().into_iter().flatten().filter_map(Value::as_str) {
        remove_path(&mut managed, path);
    }
    let digest = Sha256::digest(serde_json::to_string(&managed).unwrap_or_default().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes `spec.replicas`-style dotted paths.
fn remove_path(json: &mut Json, path: &str) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut cur = json;
    for p in parts {
        match cur.get_mut(p) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let Some(map) = cur.as_object_mut() {
        map.remove(last);
    }
}

/// The manifest of `yaml_body` (with `override_namespace`), `None` while unknown.
fn body_of(state: &Value) -> Option<Result<Json, ProviderError>> {
    let yaml = state.get("yaml_body");
    if !yaml.is_wholly_known() || !state.get("override_namespace").is_wholly_known() {
        return None;
    }
    Some(parse(yaml.as_str().unwrap_or_default(), state.get_str("override_namespace")))
}

fn required_body(state: &Value) -> Result<Json, ProviderError> {
    body_of(state).unwrap_or_else(|| Err(ProviderError::new("yaml_body is not known")))
}

/// One YAML document naming its object.
pub(crate) fn parse(yaml: &str, override_namespace: Option<&str>) -> Result<Json, ProviderError> {
    let docs = super::documents::parse_all(yaml).map_err(|e| e.at_attribute("yaml_body"))?;
    let mut body = match <[Json; 1]>::try_from(docs) {
        Ok([doc]) => doc,
        Err(docs) => {
            return Err(ProviderError::new(format!(
                "yaml_body holds {} documents; kubectl_manifest takes one",
                docs.len()
            ))
            .at_attribute("yaml_body")
            .with_hint("split them with data \"kubectl_file_documents\" and for_each"))
        }
    };
    if let (Some(ns), Some(meta)) = (override_namespace, body.get_mut("metadata").and_then(Json::as_object_mut)) {
        meta.insert("namespace".into(), Json::String(ns.to_string()));
    }
    ObjectRef::of_manifest(&body).map_err(|e| ProviderError::new(e.message).at_attribute("yaml_body"))?;
    Ok(body)
}

/// The YAML applied, with `sensitive_fields` hidden: what plans show.
fn parsed_text(body: &Json, sensitive_fields: &Value) -> String {
    let mut shown = body.clone();
    for path in sensitive_fields.as_list().into_iter().flatten().filter_map(Value::as_str) {
        let mut parts: Vec<&str> = path.split('.').collect();
        let Some(last) = parts.pop() else { continue };
        let target = parts.iter().try_fold(&mut shown, |cur, p| cur.get_mut(*p));
        if let Some(slot) = target.and_then(|t| t.get_mut(last)) {
            *slot = Json::String("(sensitive value)".into());
        }
    }
    serde_norway::to_string(&shown).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_document_with_identity() {
        let body =
            parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n", Some("apps")).unwrap();
        assert_eq!(body["metadata"]["namespace"], json!("apps"));
        let two = parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n", None);
        assert!(two.unwrap_err().message.contains("2 documents"));
        assert!(parse("kind: ConfigMap\nmetadata: {name: a}\n", None).unwrap_err().message.contains("apiVersion"));
        assert!(parse("a: [", None).is_err());
    }

    #[test]
    fn sensitive_fields_are_hidden_and_ignored_fields_do_not_count() {
        let body = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "stringData": {"password": "hunter2"}});
        let shown = parsed_text(&body, &Value::List(vec![Value::from("stringData")]));
        assert!(!shown.contains("hunter2") && shown.contains("(sensitive value)"), "{shown}");
        let deploy =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 1}});
        let scaled =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": 5}});
        let plain = Value::object([("ignore_fields", Value::Null)]);
        assert_ne!(fingerprint(&deploy, &deploy, &plain), fingerprint(&deploy, &scaled, &plain));
        let ignoring = Value::object([("ignore_fields", Value::List(vec![Value::from("spec.replicas")]))]);
        assert_eq!(fingerprint(&deploy, &deploy, &ignoring), fingerprint(&deploy, &scaled, &ignoring));
    }
}
