//! Test support: a moto server and a harness that drives resource types the way the
//! engine does (plan → create/update → read → delete, import).

#![allow(dead_code)]

pub mod lossy;
pub mod moto;

use meshplan_provider::{
    Client, Ctx, DataSource, Nesting, PlanRequest, Planned, Provider, ResourceType, Schema, Value,
};
use meshplan_provider_aws::{AwsClients, AwsProvider};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct Harness {
    pub provider: AwsProvider,
    pub client: Client,
    pub moto: moto::MotoSession,
}

impl Harness {
    pub async fn new() -> Harness {
        Self::with_config(|_| {}).await
    }

    /// A harness whose provider block can be adjusted (e.g. default_tags).
    pub async fn with_config(adjust: impl FnOnce(&mut Value)) -> Harness {
        let moto = moto::session();
        let provider = AwsProvider;
        let mut config = provider_config(&moto.server.url(), "us-east-1");
        adjust(&mut config);
        let client = provider.configure(&config).await.expect("configure");
        Harness { provider, client, moto }
    }

    /// Another configured instance of the provider (an alias), e.g. in another region.
    pub async fn alias(&self, region: &str) -> Client {
        self.provider.configure(&provider_config(&self.moto.server.url(), region)).await.expect("configure alias")
    }

    pub fn clients(&self) -> &AwsClients {
        self.client.downcast_ref::<AwsClients>().expect("aws clients")
    }

    pub fn ctx(&self, address: &str) -> Ctx {
        Ctx::new(self.client.clone(), address)
    }

    pub fn resource(&self, type_name: &str) -> Arc<dyn ResourceType> {
        self.provider
            .resource_types()
            .into_iter()
            .find(|r| r.type_name() == type_name)
            .unwrap_or_else(|| panic!("no {type_name}"))
    }

    pub fn data_source(&self, type_name: &str) -> Arc<dyn DataSource> {
        self.provider
            .data_sources()
            .into_iter()
            .find(|r| r.type_name() == type_name)
            .unwrap_or_else(|| panic!("no {type_name}"))
    }

    pub fn addr(type_name: &str) -> String {
        format!("{type_name}.test")
    }

    pub async fn plan(&self, type_name: &str, prior: Option<&Value>, config: &Value) -> Planned {
        self.plan_result(type_name, prior, config).await.expect("plan")
    }

    /// The plan, or the provider's error (for configurations that must be refused).
    pub async fn plan_result(
        &self,
        type_name: &str,
        prior: Option<&Value>,
        config: &Value,
    ) -> Result<Planned, meshplan_provider::ProviderError> {
        let rt = self.resource(type_name);
        let config = complete(&rt.schema(), config);
        rt.plan(&self.ctx(&Self::addr(type_name)), PlanRequest { prior, config: &config }).await
    }

    pub async fn create(&self, type_name: &str, config: &Value) -> Value {
        let planned = self.plan(type_name, None, config).await;
        let rt = self.resource(type_name);
        let state = rt
            .create(&self.ctx(&Self::addr(type_name)), &planned.state)
            .await
            .unwrap_or_else(|e| panic!("create {type_name}: {e} ({:?})", e.hint));
        assert!(state.is_wholly_known(), "{type_name}: create left unknowns: {state}");
        state
    }

    /// A create as the engine makes it: with an idempotency token. Returns (planned, state).
    pub async fn create_with_token(&self, type_name: &str, config: &Value, token: &str) -> (Value, Value) {
        let planned = self.plan(type_name, None, config).await.state;
        let ctx = self.ctx(&Self::addr(type_name)).with_idempotency_token(token);
        let state = self
            .resource(type_name)
            .create(&ctx, &planned)
            .await
            .unwrap_or_else(|e| panic!("create {type_name}: {e} ({:?})", e.hint));
        assert!(state.is_wholly_known(), "{type_name}: create left unknowns: {state}");
        (planned, state)
    }

    /// What the engine's next run asks after a crash: the object `token`'s create made.
    pub async fn find(&self, type_name: &str, token: &str, planned: &Value) -> Option<Value> {
        let ctx = self.ctx(&Self::addr(type_name)).with_idempotency_token(token);
        self.resource(type_name).find(&ctx, token, planned).await.unwrap_or_else(|e| panic!("find {type_name}: {e}"))
    }

    /// Plans `config` over `prior`, checks it is an in-place update, applies it.
    pub async fn update(&self, type_name: &str, prior: &Value, config: &Value) -> Value {
        let planned = self.plan(type_name, Some(prior), config).await;
        assert!(
            !planned.replaces(),
            "{type_name}: expected an in-place update, got replacement of {:?}",
            planned.requires_replace
        );
        assert_ne!(&planned.state, prior, "{type_name}: expected a change");
        self.resource(type_name)
            .update(&self.ctx(&Self::addr(type_name)), prior, &planned.state)
            .await
            .unwrap_or_else(|e| panic!("update {type_name}: {e}"))
    }

    /// The plan for `config` over the refreshed `state` must show no change.
    pub async fn assert_no_changes(&self, type_name: &str, state: &Value, config: &Value) {
        let refreshed = self.read(type_name, state).await.unwrap_or_else(|| panic!("{type_name} vanished"));
        let planned = self.plan(type_name, Some(&refreshed), config).await;
        assert!(!planned.replaces(), "{type_name}: unexpected replacement {:?}", planned.requires_replace);
        assert_eq!(planned.state, refreshed, "{type_name}: plan shows changes");
    }

    pub async fn assert_replaces(&self, type_name: &str, prior: &Value, config: &Value, attribute: &str) {
        let planned = self.plan(type_name, Some(prior), config).await;
        assert!(
            planned.requires_replace.iter().any(|p| p.to_string() == attribute),
            "{type_name}: expected {attribute} to force replacement, got {:?}",
            planned.requires_replace
        );
    }

    pub async fn read(&self, type_name: &str, state: &Value) -> Option<Value> {
        self.resource(type_name)
            .read(&self.ctx(&Self::addr(type_name)), state)
            .await
            .unwrap_or_else(|e| panic!("read {type_name}: {e}"))
    }

    pub async fn delete(&self, type_name: &str, state: &Value) {
        self.resource(type_name)
            .delete(&self.ctx(&Self::addr(type_name)), state)
            .await
            .unwrap_or_else(|e| panic!("delete {type_name}: {e}"));
    }

    pub async fn import(&self, type_name: &str, id: &str) -> Value {
        self.resource(type_name)
            .import(&self.ctx(&Self::addr(type_name)), id)
            .await
            .unwrap_or_else(|e| panic!("import {type_name} {id}: {e}"))
    }

    pub async fn data(&self, type_name: &str, config: &Value) -> Value {
        let ds = self.data_source(type_name);
        let config = complete(&ds.schema(), config);
        ds.read(&self.ctx(&format!("data.{type_name}.test")), &config)
            .await
            .unwrap_or_else(|e| panic!("data {type_name}: {e}"))
    }

    /// Refreshes `state` and returns the API calls the refresh made.
    pub async fn refresh_calls(&self, type_name: &str, state: &Value) -> BTreeMap<String, u64> {
        self.clients().calls.reset();
        self.read(type_name, state).await.expect("still there");
        self.clients().calls.snapshot()
    }

    /// The whole life of a resource: delete, then read must say it is gone (what a
    /// refresh after an out-of-band delete sees), and delete again is harmless.
    pub async fn delete_and_confirm_gone(&self, type_name: &str, state: &Value) {
        self.delete(type_name, state).await;
        assert!(self.read(type_name, state).await.is_none(), "{type_name}: still readable after delete");
    }
}

pub fn provider_config(url: &str, region: &str) -> Value {
    let endpoints = Value::object(meshplan_provider_aws::ENDPOINT_SERVICES.iter().map(|&s| (s, Value::from(url))));
    complete(
        &AwsProvider.config_schema(),
        &Value::object([
            ("region", Value::from(region)),
            ("access_key", Value::from("testing")),
            ("secret_key", Value::from("testing")),
            ("s3_use_path_style", Value::from(true)),
            ("max_retries", Value::from(10i64)),
            ("endpoints", endpoints),
        ]),
    )
}

/// A configuration as the engine hands it over: every attribute present (null when
/// unset), list blocks as lists, defaults not applied (planning applies them).
pub fn complete(schema: &Schema, partial: &Value) -> Value {
    let mut out = BTreeMap::new();
    for name in schema.attributes.keys() {
        out.insert(name.clone(), partial.get(name).clone());
    }
    for (name, block) in &schema.blocks {
        let given = partial.get(name);
        let v = match (block.nesting, given) {
            (Nesting::Single, Value::Null) => Value::Null,
            (Nesting::Single, v) => complete(&block.schema, v),
            (Nesting::List | Nesting::Set, Value::List(items)) => {
                Value::List(items.iter().map(|i| complete(&block.schema, i)).collect())
            }
            (Nesting::List | Nesting::Set, Value::Null) => Value::List(vec![]),
            (Nesting::List | Nesting::Set, v) => Value::List(vec![complete(&block.schema, v)]),
        };
        out.insert(name.clone(), v);
    }
    Value::Object(out)
}

/// `Value::object` for tests, shorter.
pub fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    Value::object(pairs)
}

pub fn tags<const N: usize>(pairs: [(&str, &str); N]) -> Value {
    Value::object(pairs.map(|(k, v)| (k, Value::from(v))))
}

pub fn s(v: &Value, key: &str) -> String {
    v.get_str(key).unwrap_or_else(|| panic!("no string {key} in {v}")).to_string()
}
