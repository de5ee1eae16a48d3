//! Typed conveniences (`kubernetes_namespace`, `_service_account`, `_config_map`, `_secret`):
//! each is a [`Kind`] — how its attributes map to a manifest and back — over one generic
//! [`Typed`] resource type that applies, reads and deletes exactly as `kubernetes_manifest`
//! does (same apply path, same managed-field projection for drift).

use crate::apply::{apply_and_wait, ApplyFailure, ApplyRequest};
use crate::cluster::{Cluster, Deadline};
use crate::errors::Failure;
use crate::managed::{project, strip_automatic, without_nulls};
use crate::object_ref::ObjectRef;
use crate::wait::WaitFor;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Block, Ctx, Nesting, PlanRequest, Planned, ProviderError, ResourceType,
    Schema, Type, Value,
};
use serde_json::{json, Map, Value as Json};
use std::sync::Arc;
use std::time::Duration;

mod declared;
mod fields;
mod kinds;
mod pod;

/// Typed resources have no `timeouts` block; this bounds their applies, waits and deletes.
const TYPED_TIMEOUT: Duration = Duration::from_secs(300);

/// An attribute copied as is between the resource and a top-level manifest field.
pub(crate) struct Field {
    pub attr: &'static str,
    pub key: &'static str,
    pub attribute: Attribute,
}

/// One built-in kind as a typed resource.
#[async_trait]
pub(crate) trait Kind: Send + Sync + 'static {
    fn type_name(&self) -> &'static str;
    fn api_version(&self) -> &'static str;
    fn kind(&self) -> &'static str;
    fn namespaced(&self) -> bool;
    fn fields(&self) -> Vec<Field> {
        Vec::new()
    }
    /// Attributes that are not plain copies (handled by `body` / `read_back` overrides).
    fn extra_attributes(&self) -> Vec<(&'static str, Attribute)> {
        Vec::new()
    }
    /// Adds what `fields` and `extra_attributes` cannot say (nested blocks) to the schema.
    fn extend_schema(&self, schema: Schema) -> Schema {
        schema
    }
    /// Adds the kind's fields to the manifest built from `state`.
    fn body(&self, state: &Value, body: &mut Map<String, Json>) {
        for f in self.fields() {
            let v = state.get(f.attr);
            if v.is_wholly_known() && !v.is_null() {
                body.insert(f.key.to_string(), v.to_json());
            }
        }
    }
    /// Sets the kind's attributes from the managed projection (`managed`) and the live object.
    /// Attributes the state leaves null are not managed and stay null.
    fn read_back(&self, managed: &Json, _live: &Json, state: &mut Value) {
        for f in self.fields() {
            if !state.get(f.attr).is_null() {
                state.set(f.attr, managed.get(f.key).map(Value::from_json).unwrap_or(Value::Null));
            }
        }
    }
    /// The kind's attributes of an imported object.
    fn import_fields(&self, live: &Json, state: &mut Value) {
        for f in self.fields() {
            state.set(f.attr, live.get(f.key).map(Value::from_json).unwrap_or(Value::Null));
        }
    }
    /// Waits after apply until the object is usable; returns the live object then.
    async fn settle(
        &self,
        _cluster: &Cluster,
        _object: &ObjectRef,
        live: Json,
        _state: &Value,
        _deadline: Deadline,
    ) -> Result<Json, Failure> {
        Ok(live)
    }
}

/// Each kind under the Terraform provider's two names: `kubernetes_namespace` and
/// `kubernetes_namespace_v1` (`kubernetes_daemonset` and `kubernetes_daemon_set_v1`).
pub(crate) fn all() -> Vec<Arc<dyn ResourceType>> {
    fn both<K: Kind + Copy + 'static>(k: K, v1: &'static str) -> [Arc<dyn ResourceType>; 2] {
        [Arc::new(Typed(k, k.type_name())), Arc::new(Typed(k, v1))]
    }
    [
        both(kinds::Namespace, "kubernetes_namespace_v1"),
        both(kinds::ServiceAccount, "kubernetes_service_account_v1"),
        both(kinds::ConfigMap, "kubernetes_config_map_v1"),
        both(kinds::Secret, "kubernetes_secret_v1"),
    ]
    .into_iter()
    .flatten()
    .chain(
        declared::all().into_iter().flat_map(|d| d.names.map(|name| Arc::new(Typed(d, name)) as Arc<dyn ResourceType>)),
    )
    .collect()
}

/// A typed kind under one of its names.
pub(crate) struct Typed<K>(pub K, pub &'static str);

use crate::object_ref::{meta, set_meta};

impl<K: Kind> Typed<K> {
    fn object(&self, state: &Value) -> Result<ObjectRef, ProviderError> {
        let meta = meta(state);
        let name = meta
            .get_str("name")
            .ok_or_else(|| ProviderError::new("metadata.name is required").at_attribute("metadata"))?;
        Ok(ObjectRef {
            api_version: self.0.api_version().to_string(),
            kind: self.0.kind().to_string(),
            namespace: self.0.namespaced().then(|| meta.get_str("namespace").unwrap_or("default").to_string()),
            name: name.to_string(),
        })
    }

    /// The manifest this resource's state stands for.
    fn manifest(&self, state: &Value) -> Result<Json, ProviderError> {
        let object = self.object(state)?;
        let meta = meta(state);
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(object.name));
        if let Some(ns) = &object.namespace {
            metadata.insert("namespace".into(), json!(ns));
        }
        for field in ["labels", "annotations"] {
            if meta.get(field).is_wholly_known() && !meta.get(field).is_null() {
                metadata.insert(field.into(), meta.get(field).to_json());
            }
        }
        let mut body = Map::new();
        body.insert("apiVersion".into(), json!(self.0.api_version()));
        body.insert("kind".into(), json!(self.0.kind()));
        body.insert("metadata".into(), Json::Object(metadata));
        self.0.body(state, &mut body);
        Ok(without_nulls(&Json::Object(body)))
    }

    /// `state` refreshed from the live object: managed fields take their live values.
    fn state_from(&self, state: &Value, live: &Json) -> Result<Value, ProviderError> {
        let managed = project(&self.manifest(state)?, live);
        let mut out = state.clone();
        let mut meta = meta(state).clone();
        for field in ["labels", "annotations"] {
            if !meta.get(field).is_null() {
                meta.set(
                    field,
                    managed.pointer(&format!("/metadata/{field}")).map(Value::from_json).unwrap_or(Value::Null),
                );
            }
        }
        meta.set("uid", live.pointer("/metadata/uid").map(Value::from_json).unwrap_or(Value::Null));
        set_meta(&mut out, meta);
        out.set("id", Value::from(id_of(&self.object(state)?)));
        self.0.read_back(&managed, live, &mut out);
        Ok(out)
    }

    async fn apply(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let body = self.manifest(planned)?;
        let object = self.object(planned)?;
        let deadline = Deadline::after(TYPED_TIMEOUT);
        let request = ApplyRequest {
            object: &object,
            body: &body,
            manager: &cluster.field_manager,
            force: true,
            wait: &WaitFor::default(),
            deadline,
        };
        let live = match apply_and_wait(cluster, request).await {
            Ok(live) => live,
            Err(ApplyFailure { failure, written: Some(live) }) => return Err(self.partial(failure, planned, &live)),
            Err(ApplyFailure { failure, written: None }) => return Err(failure.into()),
        };
        let settled = self
            .0
            .settle(cluster, &object, live.clone(), planned, deadline)
            .await
            .map_err(|f| self.partial(f, planned, &live))?;
        self.state_from(planned, &settled)
    }

    fn partial(&self, failure: Failure, planned: &Value, live: &Json) -> ProviderError {
        let err = ProviderError::from(failure);
        match self.state_from(planned, live) {
            Ok(state) => err.with_partial_state(state),
            Err(_) => err,
        }
    }
}

/// Terraform's IDs for typed resources: `namespace/name`, or `name` when cluster-scoped.
fn id_of(object: &ObjectRef) -> String {
    match &object.namespace {
        Some(ns) => format!("{ns}/{}", object.name),
        None => object.name.clone(),
    }
}

/// A state with what is still unknown (computed attributes the live object does not fill) null.
fn known(v: Value) -> Value {
    match v {
        Value::Unknown => Value::Null,
        Value::List(l) => Value::List(l.into_iter().map(known).collect()),
        Value::Object(m) => Value::Object(m.into_iter().map(|(k, v)| (k, known(v))).collect()),
        v => v,
    }
}

/// Every attribute null and every block empty: the skeleton an imported state fills.
fn blank(schema: &Schema) -> Value {
    let mut out = Value::empty_object();
    for name in schema.attributes.keys() {
        out.set(name, Value::Null);
    }
    for (name, block) in &schema.blocks {
        out.set(name, if block.nesting != Nesting::Single { Value::List(vec![]) } else { Value::Null });
    }
    out
}

#[async_trait]
impl<K: Kind> ResourceType for Typed<K> {
    fn type_name(&self) -> &'static str {
        self.1
    }

    fn schema(&self) -> Schema {
        let mut metadata = Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("labels", Attribute::optional(Type::map(Type::String)))
            .attr("annotations", Attribute::optional(Type::map(Type::String)))
            .attr("uid", Attribute::computed(Type::String));
        if self.0.namespaced() {
            metadata = metadata.attr("namespace", Attribute::optional(Type::String).default("default").force_new());
        }
        let mut schema = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .block("metadata", Block::list(metadata).min_items(1).max_items(1));
        for f in self.0.fields() {
            schema = schema.attr(f.attr, f.attribute);
        }
        for (name, attribute) in self.0.extra_attributes() {
            schema = schema.attr(name, attribute);
        }
        self.0.extend_schema(schema)
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        if planned.state.get("id").is_unknown() {
            if let Ok(object) = self.object(&planned.state) {
                planned.state.set("id", Value::from(id_of(&object)));
            }
        }
        Ok(planned)
    }

    fn implied_keys(&self, state: &Value) -> Vec<meshplan_provider::ImpliedKey> {
        use crate::ordering::namespace_key;
        use meshplan_provider::ImpliedKey;
        let meta = meta(state);
        let mut keys = Vec::new();
        if self.0.kind() == "Namespace" {
            keys.extend(meta.get_str("name").map(|n| ImpliedKey::Provides(namespace_key(n))));
        }
        if self.0.namespaced() {
            keys.push(ImpliedKey::Needs(namespace_key(meta.get_str("namespace").unwrap_or("default"))));
        }
        keys
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        match cluster.get(&self.object(state)?).await? {
            None => Ok(None),
            Some(live) => Ok(Some(self.state_from(state, &live)?)),
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned).await
    }

    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        self.apply(ctx, planned).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        Ok(cluster.delete(&self.object(state)?, Deadline::after(TYPED_TIMEOUT)).await?)
    }

    /// Server-side apply is idempotent and the object is named by `metadata`: the object of
    /// that namespace and name is the one the create made; its state is what create returns.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        if !meta(planned).get("name").is_wholly_known() || !meta(planned).get("namespace").is_wholly_known() {
            return Ok(None);
        }
        Ok(self.read(ctx, planned).await?.map(known))
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let (namespace, name) = match (self.0.namespaced(), id.split_once('/')) {
            (true, Some((ns, name))) => (Some(ns.to_string()), name.to_string()),
            (true, None) => (Some("default".to_string()), id.to_string()),
            (false, _) => (None, id.to_string()),
        };
        let object =
            ObjectRef { api_version: self.0.api_version().into(), kind: self.0.kind().into(), namespace, name };
        let live = cluster
            .get(&object)
            .await?
            .ok_or_else(|| ProviderError::new(format!("cannot import {object}: it does not exist")))?;
        let mut meta_json = live.get("metadata").and_then(Json::as_object).cloned().unwrap_or_default();
        strip_automatic(&mut meta_json, "labels", &["kubernetes.io/metadata.name"]);
        strip_automatic(
            &mut meta_json,
            "annotations",
            &["kubectl.kubernetes.io/last-applied-configuration", "kubernetes.io/service-account.uid"],
        );
        let mut state = blank(&self.schema());
        let mut meta = Value::object([("name", Value::from(object.name.clone()))]);
        if let Some(ns) = &object.namespace {
            meta.set("namespace", Value::from(ns.clone()));
        }
        for field in ["labels", "annotations", "uid"] {
            meta.set(field, meta_json.get(field).map(Value::from_json).unwrap_or(Value::Null));
        }
        set_meta(&mut state, meta);
        state.set("id", Value::from(id_of(&object)));
        self.0.import_fields(&live, &mut state);
        Ok(state)
    }
}
