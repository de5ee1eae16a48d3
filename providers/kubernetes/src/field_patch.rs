//! `kubernetes_labels` / `kubernetes_annotations`: a few labels or annotations on an object
//! someone else owns (e.g. mark the gp2 StorageClass non-default); `kubernetes_config_map_v1_data`:
//! a few keys of a ConfigMap's `data` (the eks modules' `aws-auth`). Server-side apply with a
//! field manager of their own, so only those keys are ours; an existing object is required
//! (an apply would otherwise create it) and deletion gives the keys up.
//! `kubernetes_annotations.template_annotations` (as in Terraform's provider) writes the keys
//! into a workload's `spec.template.metadata.annotations`: changing one rolls the pods, which
//! is how a configuration does `kubectl rollout restart` (`kubectl.kubernetes.io/restartedAt`).

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
    /// `labels` or `annotations`: the attribute and the metadata field (`data`: top level).
    field: &'static str,
    /// The attribute for the same keys on the pod template (`template_annotations`).
    template: Option<&'static str>,
    /// The one kind this type patches (`v1` `ConfigMap`); None: `api_version` and `kind` are arguments.
    fixed: Option<(&'static str, &'static str)>,
}

pub(crate) fn all() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(FieldPatch { type_name: "kubernetes_labels", field: "labels", template: None, fixed: None }),
        Arc::new(FieldPatch {
            type_name: "kubernetes_annotations",
            field: "annotations",
            template: Some("template_annotations"),
            fixed: None,
        }),
        Arc::new(FieldPatch {
            type_name: "kubernetes_config_map_v1_data",
            field: "data",
            template: None,
            fixed: Some(("v1", "ConfigMap")),
        }),
    ]
}

impl FieldPatch {
    fn object(&self, state: &Value) -> Result<ObjectRef, ProviderError> {
        let meta = crate::object_ref::meta(state);
        let required = |v: Option<&str>, what: &str| {
            v.map(str::to_string).ok_or_else(|| ProviderError::new(format!("{what} is required")))
        };
        let (api_version, kind) = match self.fixed {
            Some(fixed) => (Some(fixed.0), Some(fixed.1)),
            None => (state.get_str("api_version"), state.get_str("kind")),
        };
        Ok(ObjectRef {
            api_version: required(api_version, "api_version")?,
            kind: required(kind, "kind")?,
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

    /// Where the keys live in the object: `metadata.<field>`, or `data` at the top.
    fn pointer(&self) -> String {
        match self.fixed {
            Some(_) => format!("/{}", self.field),
            None => format!("/metadata/{}", self.field),
        }
    }

    /// The keys `state` sets: on the object, and on its pod template (None: not managed).
    fn keys(&self, state: &Value) -> (Json, Option<Json>) {
        let own = match state.get(self.field) {
            Value::Null => json!({}),
            v => v.to_json(),
        };
        let template = self.template.map(|t| state.get(t)).filter(|v| !v.is_null()).map(Value::to_json);
        (own, template)
    }

    /// Applies `values` (and `template`) as this resource's whole set of keys: a key left out
    /// is given up, so empty maps give them all up.
    async fn patch(
        &self,
        cluster: &Cluster,
        state: &Value,
        (values, template): (Json, Option<Json>),
        force: bool,
    ) -> Result<Json, ProviderError> {
        let object = self.object(state)?;
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(object.name));
        if let Some(ns) = &object.namespace {
            metadata.insert("namespace".into(), json!(ns));
        }
        let top_level = self.fixed.is_some();
        if !top_level {
            metadata.insert(self.field.into(), values.clone());
        }
        let mut body = json!({"apiVersion": object.api_version, "kind": object.kind, "metadata": metadata});
        if top_level {
            body[self.field] = values;
        }
        if let Some(template) = template {
            body["spec"] = json!({"template": {"metadata": {self.field: template}}});
        }
        Ok(cluster.apply(&object, &body, &self.manager(state, cluster), force, Deadline::after(APPLY_TIMEOUT)).await?)
    }

    async fn apply(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let object = self.object(planned)?;
        poll_until(Deadline::after(EXISTENCE_TIMEOUT), &object, "exist", || async {
            Ok(match cluster.get(&object).await? {
                Some(_) => Poll::Ready(()),
                None => Poll::Pending(format!("not found ({} patches existing objects only)", self.type_name)),
            })
        })
        .await?;
        let force = planned.get("force").as_bool().unwrap_or(false);
        self.patch(cluster, planned, self.keys(planned), force).await?;
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
        let schema = Schema::new().attr("id", Attribute::computed(Type::String));
        let schema = match self.fixed {
            Some(_) => schema,
            None => schema
                .attr("api_version", Attribute::required(Type::String).force_new())
                .attr("kind", Attribute::required(Type::String).force_new()),
        };
        // As in Terraform: with template keys on offer, the object's own are optional.
        let schema = match self.template {
            Some(template) => schema
                .attr(self.field, Attribute::optional(Type::map(Type::String)))
                .attr(template, Attribute::optional(Type::map(Type::String))),
            None => schema.attr(self.field, Attribute::required(Type::map(Type::String))),
        };
        schema
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
            if let Ok(object) = self.object(&planned.state) {
                planned.state.set("id", Value::from(object.id()));
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let Some(live) = cluster.get(&self.object(state)?).await? else { return Ok(None) };
        let mut refreshed = state.clone();
        refreshed.set(self.field, ours(state.get(self.field), &live, &self.pointer()));
        if let Some(template) = self.template {
            let pointer = format!("/spec/template/metadata/{}", self.field);
            refreshed.set(template, ours(state.get(template), &live, &pointer));
        }
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
        if cluster.get(&self.object(state)?).await?.is_none() {
            return Ok(()); // the object went first; so did our keys
        }
        let template = self.keys(state).1.map(|_| json!({}));
        self.patch(cluster, state, (json!({}), template), true).await.map(|_| ())
    }

    /// The patch is content: it is ours when the object holds every planned key with the
    /// planned value; otherwise the create (an idempotent apply) runs again.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let attrs = std::iter::once(self.field).chain(self.template);
        if !attrs.clone().all(|a| planned.get(a).is_wholly_known()) {
            return Ok(None);
        }
        let Some(mut state) = self.read(ctx, planned).await? else { return Ok(None) };
        if attrs.into_iter().any(|a| state.get(a) != planned.get(a)) {
            return Ok(None);
        }
        state.set("id", Value::from(self.object(planned)?.id()));
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
        let keys = live.pointer(&self.pointer()).map(Value::from_json).unwrap_or_else(Value::empty_object);
        let keys = if self.fixed.is_some() { keys } else { meta.get(self.field).map(Value::from_json).unwrap_or(keys) };
        let mut state = Value::object([
            ("id", Value::from(object.id())),
            (self.field, keys),
            ("force", Value::Bool(false)),
            ("field_manager", Value::Null),
            ("metadata", Value::List(vec![metadata])),
        ]);
        if self.fixed.is_none() {
            state.set("api_version", Value::from(object.api_version.clone()));
            state.set("kind", Value::from(object.kind.clone()));
        }
        // Template keys cannot be told apart from others' on import: none are claimed.
        if let Some(template) = self.template {
            state.set(template, Value::Null);
        }
        Ok(state)
    }
}

/// The live values of the keys `configured` names (null stays null: the attribute is unset).
fn ours(configured: &Value, live: &Json, pointer: &str) -> Value {
    let Some(keys) = configured.as_object() else { return configured.clone() };
    let current = live.pointer(pointer).and_then(Json::as_object);
    Value::Object(keys.keys().filter_map(|k| Some((k.clone(), Value::from_json(current?.get(k)?)))).collect())
}
