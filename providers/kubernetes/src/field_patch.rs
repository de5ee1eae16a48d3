//! `kubernetes_labels` / `kubernetes_annotations`: a few labels or annotations on an object
//! someone else owns (e.g. mark the gp2 StorageClass non-default). Server-side apply with a
//! field manager of their own, so only those keys are ours; an existing object is required
//! (an apply would otherwise create it) and deletion gives the keys up.

use crate::cluster::{poll_until, Cluster, Deadline, Poll};
use crate::managed::strip_automatic;
use crate::object_ref::ObjectRef;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema,
    Type, Value,
};
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;
use std::time::Duration;

/// How long a patch waits for its object to appear (created elsewhere in the same run).
const EXISTENCE_TIMEOUT: Duration = Duration::from_secs(60);
const APPLY_TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) struct FieldPatch {
    type_name: &'static str,
    /// `labels` or `annotations`: the attribute and the metadata field.
    field: &'static str,
}

pub(crate) fn all() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(FieldPatch { type_name: "kubernetes_labels", field: "labels" }),
        Arc::new(FieldPatch { type_name: "kubernetes_annotations", field: "annotations" }),
    ]
}

impl FieldPatch {
    fn object(state: &Value) -> Result<ObjectRef, ProviderError> {
        let meta = crate::object_ref::meta(state);
        let required = |v: Option<&str>, what: &str| {
            v.map(str::to_string).ok_or_else(|| ProviderError::new(format!("{what} is required")))
        };
        Ok(ObjectRef {
            api_version: required(state.get_str("api_version"), "api_version")?,
            kind: required(state.get_str("kind"), "kind")?,
            namespace: meta.get_str("namespace").map(str::to_string),
            name: required(meta.get_str("name"), "metadata.name")?,
        })
    }

    fn manager(&self, state: &Value, cluster: &Cluster) -> String {
        state
            .get_str("field_manager")
            .map(str::to_string)
            .unwrap_or_else(|| format!("{}-{}", cluster.field_manager, self.field))
    }

    /// Applies `values` as this resource's whole set of keys (an empty map gives them all up).
    async fn patch(&self, cluster: &Cluster, state: &Value, values: Json, force: bool) -> Result<Json, ProviderError> {
        let object = Self::object(state)?;
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(object.name));
        if let Some(ns) = &object.namespace {
            metadata.insert("namespace".into(), json!(ns));
        }
        metadata.insert(self.field.into(), values);
        let body = json!({"apiVersion": object.api_version, "kind": object.kind, "metadata": metadata});
        Ok(cluster.apply(&object, &body, &self.manager(state, cluster), force, Deadline::after(APPLY_TIMEOUT)).await?)
    }

    async fn apply(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let object = Self::object(planned)?;
        poll_until(Deadline::after(EXISTENCE_TIMEOUT), &object, "exist", || async {
            Ok(match cluster.get(&object).await? {
                Some(_) => Poll::Ready(()),
                None => Poll::Pending(format!("not found ({} patches existing objects only)", self.type_name)),
            })
        })
        .await?;
        let force = planned.get("force").as_bool().unwrap_or(false);
        self.patch(cluster, planned, planned.get(self.field).to_json(), force).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(object.id()));
        Ok(state)
    }
}

#[async_trait]
impl ResourceType for FieldPatch {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("api_version", Attribute::required(Type::String).force_new())
            .attr("kind", Attribute::required(Type::String).force_new())
            .attr(self.field, Attribute::required(Type::map(Type::String)))
            .attr("force", Attribute::optional(Type::Bool).default(false))
            .attr("field_manager", Attribute::optional(Type::String).force_new())
            .block(
                "metadata",
                Block::list(
                    Schema::new()
                        .attr("name", Attribute::required(Type::String).force_new())
                        .attr("namespace", Attribute::optional(Type::String).force_new()),
                )
                .max_items(1)
                .min_items(1),
            )
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        if planned.state.get("id").is_unknown() {
            if let Ok(object) = Self::object(&planned.state) {
                planned.state.set("id", Value::from(object.id()));
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let Some(live) = cluster.get(&Self::object(state)?).await? else { return Ok(None) };
        let current = live.pointer(&format!("/metadata/{}", self.field)).and_then(Json::as_object);
        let ours: std::collections::BTreeMap<String, Value> = state
            .get(self.field)
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, _)| Some((k.clone(), Value::from_json(current?.get(k)?))))
            .collect();
        let mut refreshed = state.clone();
        refreshed.set(self.field, Value::Object(ours));
        Ok(Some(refreshed))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned).await
    }

    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        if cluster.get(&Self::object(state)?).await?.is_none() {
            return Ok(()); // the object went first; so did our keys
        }
        self.patch(cluster, state, json!({}), true).await.map(|_| ())
    }

    /// The patch is content: it is ours when the object holds every planned key with the
    /// planned value; otherwise the create (an idempotent apply) runs again.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        if !planned.get(self.field).is_wholly_known() {
            return Ok(None);
        }
        let Some(mut state) = self.read(ctx, planned).await? else { return Ok(None) };
        if state.get(self.field) != planned.get(self.field) {
            return Ok(None);
        }
        state.set("id", Value::from(Self::object(planned)?.id()));
        Ok(Some(state))
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let object = ObjectRef::parse_import_id(id)?;
        let live = cluster
            .get(&object)
            .await?
            .ok_or_else(|| ProviderError::new(format!("cannot import {object}: it does not exist")))?;
        let mut meta = live.get("metadata").and_then(Json::as_object).cloned().unwrap_or_default();
        strip_automatic(&mut meta, "labels", &["kubernetes.io/metadata.name"]);
        strip_automatic(&mut meta, "annotations", &["kubectl.kubernetes.io/last-applied-configuration"]);
        let mut metadata = Value::object([("name", Value::from(object.name.clone()))]);
        metadata.set("namespace", object.namespace.clone().into());
        Ok(Value::object([
            ("id", Value::from(object.id())),
            ("api_version", Value::from(object.api_version.clone())),
            ("kind", Value::from(object.kind.clone())),
            (self.field, meta.get(self.field).map(Value::from_json).unwrap_or_else(Value::empty_object)),
            ("force", Value::Bool(false)),
            ("field_manager", Value::Null),
            ("metadata", Value::List(vec![metadata])),
        ]))
    }
}
