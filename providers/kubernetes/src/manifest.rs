//! `kubernetes_manifest`: any object, custom resources included, by server-side apply.
//!
//! State: `manifest` is what the user wrote (after refresh: the live values of exactly those
//! fields, so drift shows as a diff of managed fields only); `object` is the live object,
//! kept from the prior state while the manifest does not change so it never causes a diff.
//! Plan never contacts the cluster, so kinds whose CRD is created in the same run plan fine.

use crate::apply::{apply_and_wait, ApplyFailure, ApplyRequest};
use crate::cluster::{Cluster, Deadline};
use crate::managed::{as_manifest, project, without_nulls};
use crate::object_ref::ObjectRef;
use crate::timeouts;
use crate::wait::{self, WaitFor};
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Block, Ctx, Path, PlanRequest, Planned, ProviderError, ResourceType,
    Schema, Type, Value,
};
use serde_json::Value as Json;

pub(crate) struct Manifest;

/// Manifest fields that name the object: changing one makes it another object.
const IDENTITY: [&str; 4] = ["apiVersion", "kind", "metadata.name", "metadata.namespace"];

#[async_trait]
impl ResourceType for Manifest {
    fn type_name(&self) -> &'static str {
        "kubernetes_manifest"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("manifest", Attribute::required(Type::Any))
            .attr("object", Attribute::computed(Type::Any))
            .block("wait", wait::block())
            .block(
                "field_manager",
                Block::single(
                    Schema::new()
                        .attr("name", Attribute::optional(Type::String))
                        .attr("force_conflicts", Attribute::optional(Type::Bool).default(true)),
                ),
            )
            .block("timeouts", timeouts::block())
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        let manifest = planned.state.get("manifest").clone();
        check_shape(&manifest)?;
        let Some(prior) = req.prior else {
            planned.state.set("object", Value::Unknown);
            return Ok(planned);
        };
        let before = prior.get("manifest");
        for field in IDENTITY {
            let path = Path::from(format!("manifest.{field}").as_str());
            let (new, old) = (planned.state.get_path(&path), prior.get_path(&path));
            let changed = match (new, old) {
                (Some(n), _) if !n.is_wholly_known() => true,
                (n, o) => n.filter(|v| !v.is_null()) != o.filter(|v| !v.is_null()),
            };
            if changed {
                planned.requires_replace.push(path);
            }
        }
        if &manifest != before || planned.replaces() {
            planned.state.set("object", Value::Unknown);
        }
        Ok(planned)
    }

    fn implied_keys(&self, state: &Value) -> Vec<meshplan_provider::ImpliedKey> {
        crate::ordering::manifest_keys(state.get("manifest"))
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let manifest = state.get("manifest").to_json();
        let object = ObjectRef::of_manifest(&manifest)?;
        let Some(live) = cluster.get(&object).await? else { return Ok(None) };
        let managed = Value::from_json(&project(&manifest, &live));
        if &managed == state.get("manifest") {
            return Ok(Some(state.clone()));
        }
        // Drift: the managed fields as they are now; the plan turns that into an update.
        let mut refreshed = state.clone();
        refreshed.set("manifest", managed);
        refreshed.set("object", Value::from_json(&live));
        Ok(Some(refreshed))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned, "create").await
    }

    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned, "update").await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let object = ObjectRef::of_manifest_value(state.get("manifest"))?;
        let deadline = Deadline::after(timeouts::timeout(state, "delete")?);
        Ok(cluster.delete(&object, deadline).await?)
    }

    /// Server-side apply is idempotent and the object's identity is in the manifest: the
    /// object of that kind, namespace and name is the one the create made. Its state is what
    /// create returns (the live object), refreshed as `read` does.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let manifest = planned.get("manifest");
        if !manifest.is_wholly_known() {
            return Ok(None);
        }
        let object = ObjectRef::of_manifest(&without_nulls(&manifest.to_json()))?;
        let Some(live) = cluster.get(&object).await? else { return Ok(None) };
        let mut state = planned.clone();
        state.set("object", Value::from_json(&live));
        self.read(ctx, &state).await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let object = ObjectRef::parse_import_id(id)?;
        let live = cluster
            .get(&object)
            .await?
            .ok_or_else(|| ProviderError::new(format!("cannot import {object}: it does not exist")))?;
        Ok(Value::object([
            ("manifest", Value::from_json(&as_manifest(&live))),
            ("object", Value::from_json(&live)),
            ("wait", Value::Null),
            ("field_manager", Value::Null),
            ("timeouts", Value::Null),
        ]))
    }
}

impl Manifest {
    async fn apply(&self, ctx: &Ctx, planned: &Value, operation: &str) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let body = without_nulls(&planned.get("manifest").to_json());
        let object = ObjectRef::of_manifest(&body)?;
        let manager = planned.get("field_manager").get_str("name").unwrap_or(&cluster.field_manager).to_string();
        let force = planned.get("field_manager").get("force_conflicts").as_bool().unwrap_or(true);
        let wait = WaitFor::from_state(planned)?;
        let deadline = Deadline::after(timeouts::timeout(planned, operation)?);
        let request = ApplyRequest { object: &object, body: &body, manager: &manager, force, wait: &wait, deadline };
        let with_object = |live: &Json| {
            let mut state = planned.clone();
            state.set("object", Value::from_json(live));
            state
        };
        match apply_and_wait(cluster, request).await {
            Ok(live) => Ok(with_object(&live)),
            Err(ApplyFailure { failure, written: Some(live) }) => {
                Err(ProviderError::from(failure).with_partial_state(with_object(&live)))
            }
            Err(ApplyFailure { failure, written: None }) => Err(failure.into()),
        }
    }
}

/// A known manifest must name its object; unknown parts are checked at apply.
fn check_shape(manifest: &Value) -> Result<(), ProviderError> {
    if manifest.is_unknown() {
        return Ok(());
    }
    if manifest.as_object().is_none() {
        return Err(ProviderError::new(format!("manifest must be an object, got {}", manifest.type_name()))
            .at_attribute("manifest"));
    }
    for field in ["apiVersion", "kind", "metadata.name"] {
        match manifest.get_path(&Path::from(field)) {
            Some(v) if v.is_unknown() || v.as_str().is_some_and(|s| !s.is_empty()) => {}
            _ => return Err(ProviderError::new(format!("the manifest has no {field}")).at_attribute("manifest")),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(manifest: Value) -> Value {
        Value::object([
            ("manifest", manifest),
            ("object", Value::Null),
            ("wait", Value::Null),
            ("field_manager", Value::Null),
            ("timeouts", Value::Null),
        ])
    }

    fn config_map(name: &str, value: &str) -> Value {
        Value::from_json(
            &serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": value}}),
        )
    }

    async fn plan(prior: Option<&Value>, config: &Value) -> Result<Planned, ProviderError> {
        Manifest.plan(&Ctx::unconfigured("kubernetes_manifest.x"), PlanRequest { prior, config }).await
    }

    #[tokio::test]
    async fn object_is_kept_on_no_op_and_unknown_on_change() {
        let cfg = config(config_map("a", "1"));
        let created = plan(None, &cfg).await.unwrap();
        assert_eq!(created.state.get("object"), &Value::Unknown);
        let mut prior = created.state.clone();
        prior.set("object", Value::from("live"));
        assert_eq!(plan(Some(&prior), &cfg).await.unwrap().state, prior);
        let changed = plan(Some(&prior), &config(config_map("a", "2"))).await.unwrap();
        assert_eq!(changed.state.get("object"), &Value::Unknown);
        assert!(!changed.replaces());
        let renamed = plan(Some(&prior), &config(config_map("b", "1"))).await.unwrap();
        assert_eq!(renamed.requires_replace, vec![Path::from("manifest.metadata.name")]);
    }

    #[tokio::test]
    async fn plans_without_identity_fail_and_unknown_manifests_pass() {
        let bad = config(Value::from_json(&serde_json::json!({"kind": "ConfigMap"})));
        assert!(plan(None, &bad).await.unwrap_err().message.contains("apiVersion"));
        assert!(plan(None, &config(Value::Unknown)).await.is_ok());
    }
}
