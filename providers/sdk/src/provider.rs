//! The traits a provider implements.

use crate::plan::{plan_with_schema, PlanRequest, Planned};
use crate::{Function, ProviderError, Schema, Value};
use async_trait::async_trait;
use std::any::Any;
use std::sync::Arc;

/// What [`Provider::configure`] returns: the provider's configured clients, opaque to the
/// engine and handed back to every operation through [`Ctx`].
pub type Client = Arc<dyn Any + Send + Sync>;

/// Context of one operation on one resource instance.
#[derive(Clone)]
pub struct Ctx {
    client: Client,
    /// The instance's address (`module.foo.aws_vpc.this[0]`), for log and error context.
    pub address: String,
    /// On create: the token recorded in the state's intent record before the call (short,
    /// `[a-z0-9-]`, unique per create attempt). A provider sends it as the API's client token
    /// or writes it with the create as the [`INTENT_TAG`] tag, so that [`ResourceType::find`]
    /// can find the object again after a crash or a lost response.
    pub idempotency_token: Option<String>,
    progress: Option<Arc<dyn Fn(&str) + Send + Sync>>,
}

impl Ctx {
    pub fn new(client: Client, address: impl Into<String>) -> Self {
        Ctx { client, address: address.into(), idempotency_token: None, progress: None }
    }
    /// Where [`Ctx::progress`] messages go (the engine shows them with "Still creating...").
    pub fn with_progress(mut self, f: Arc<dyn Fn(&str) + Send + Sync>) -> Self {
        self.progress = Some(f);
        self
    }
    /// Reports what a long operation is waiting for (e.g. `status CREATING`).
    pub fn progress(&self, message: &str) {
        if let Some(f) = &self.progress {
            f(message);
        }
    }
    pub fn with_idempotency_token(mut self, token: impl Into<String>) -> Self {
        self.idempotency_token = Some(token.into());
        self
    }
    /// A context for providers that need no configuration (tests, builtin types).
    pub fn unconfigured(address: impl Into<String>) -> Self {
        Ctx { client: Arc::new(()), address: address.into(), idempotency_token: None, progress: None }
    }
    /// The configured client of type `T` (the type the provider's `configure` returned).
    pub fn client<T: Any + Send + Sync>(&self) -> Result<&T, ProviderError> {
        self.client.downcast_ref::<T>().ok_or_else(|| {
            ProviderError::new("internal error: the provider was not configured with its own client type")
        })
    }
}

/// An ordering fact a provider knows and references do not show: inside one Kubernetes
/// cluster, a Namespace *provides* `namespace/spire` that every object in it *needs*.
/// The engine orders resources of the same provider configuration by these keys (providers
/// first on apply, needers first on destroy), unless that would make a cycle.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ImpliedKey {
    Provides(String),
    Needs(String),
}

/// A managed resource type (`aws_vpc`, `tls_private_key`, ...).
///
/// Required: `type_name`, `schema`, `read`, `create`, `delete`. Types whose attributes all
/// force replacement need no `update`.
#[async_trait]
pub trait ResourceType: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    /// The planned new state. The default plans by schema ([`plan_with_schema`]).
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        Ok(plan_with_schema(&self.schema(), req))
    }

    /// The object's current state, or `None` when it no longer exists (drift: it is then
    /// planned for creation).
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError>;

    /// Creates the object; returns its full state (no unknowns).
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError>;

    /// Updates the object in place; returns its full state.
    async fn update(&self, _ctx: &Ctx, _prior: &Value, _planned: &Value) -> Result<Value, ProviderError> {
        Err(ProviderError::new(format!("{} cannot be updated in place", self.type_name())))
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError>;

    /// Ordering keys of an instance, from its planned (or prior) state; see [`ImpliedKey`].
    fn implied_keys(&self, _state: &Value) -> Vec<ImpliedKey> {
        Vec::new()
    }

    /// Finds the object a create may have made when the engine lost track of it (the process
    /// was killed, the response was lost): by the idempotency token the create carried
    /// ([`Ctx::idempotency_token`]), or by what `planned` names uniquely (an IAM role's name, a
    /// Kubernetes object's namespace/name). Returns its full state, or `None` when no such
    /// object exists (the engine then drops its intent record and creates it again).
    ///
    /// The default finds nothing: right only for types with no remote object (keys, random
    /// values, local files), which are simply made again.
    async fn find(&self, _ctx: &Ctx, _token: &str, _planned: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(None)
    }

    /// Whether a create makes something outside this process (a cloud object, a Kubernetes
    /// object). Only then does the engine make an intent record durable before the create: a
    /// type computed locally (keys, random values, `terraform_data`) is simply made again after
    /// a crash, and skipping the intent halves its state writes.
    fn has_remote_object(&self) -> bool {
        true
    }

    /// Reads an existing object by its import ID (Terraform's ID syntax for the type).
    async fn import(&self, _ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        Err(ProviderError::new(format!("{} does not support import (id {id:?})", self.type_name())))
    }
}

/// The tag under which providers that cannot pass a client token record the create's
/// idempotency token on the object itself (written atomically with the create). Reads leave
/// it out of `tags`/`tags_all`, so it never shows as drift.
pub const INTENT_TAG: &str = "meshplan:intent";

/// A data source (`aws_caller_identity`, `http`, ...).
#[async_trait]
pub trait DataSource: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;
    /// Reads; `config` is wholly known. Returns the full object (config attributes included).
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError>;
}

/// A provider: the resource types and data sources of one name prefix (`aws`, `tls`, ...).
#[async_trait]
pub trait Provider: Send + Sync {
    /// The local name (`aws`), also the prefix of its resource type names.
    fn name(&self) -> &'static str;
    /// The schema of the `provider "<name>" { ... }` block.
    fn config_schema(&self) -> Schema {
        Schema::new()
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>>;
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    fn functions(&self) -> Vec<Function> {
        Vec::new()
    }
    /// Operations in flight at once for one configured instance, unless the provider block
    /// sets `max_concurrency`.
    fn default_concurrency(&self) -> usize {
        16
    }
    /// Builds the clients from the provider block's configuration (wholly known).
    async fn configure(&self, _config: &Value) -> Result<Client, ProviderError> {
        Ok(Arc::new(()))
    }
}
