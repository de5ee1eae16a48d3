//! Shared helpers: a kube test server, the provider configured against it, configs shaped
//! by a schema, a raw kube client for out-of-band changes, and the lifecycle steps.

#![allow(dead_code)]

use kube::api::{Api, ApiResource, DynamicObject, GroupVersionKind};
use kube_test_server::{Config, TestServer};
use meshplan_provider::{Ctx, DataSource, Nesting, PlanRequest, Planned, Provider, ResourceType, Schema, Value};
use meshplan_provider_kubernetes::KubernetesProvider;
use serde_json::Value as Json;
use std::sync::Arc;
use std::time::Duration;

pub fn server(name: &str) -> TestServer {
    TestServer::start(Config::named(name)).expect("server starts")
}

pub fn server_with_ready_delay(name: &str, delay: Duration) -> TestServer {
    let mut config = Config::named(name);
    config.ready_delay = delay;
    TestServer::start(config).expect("server starts")
}

/// The provider block for a server, as the engine would hand it over.
pub fn provider_config(server: &TestServer) -> Value {
    let info = server.info();
    shaped(
        &KubernetesProvider.config_schema(),
        &serde_json::json!({"host": info.url, "cluster_ca_certificate": info.ca_pem, "token": info.admin_token, "field_manager": "meshplan"}),
    )
}

pub async fn ctx(server: &TestServer, address: &str) -> Ctx {
    let client = KubernetesProvider.configure(&provider_config(server)).await.expect("provider configures");
    Ctx::new(client, address)
}

pub fn resource(name: &str) -> Arc<dyn ResourceType> {
    KubernetesProvider.resource_types().into_iter().find(|t| t.type_name() == name).expect("resource type exists")
}

pub fn data_source(name: &str) -> Arc<dyn DataSource> {
    KubernetesProvider.data_sources().into_iter().find(|t| t.type_name() == name).expect("data source exists")
}

/// A config as the engine builds it: every schema attribute present (null when unset), single
/// blocks as objects or null, list blocks as lists.
pub fn shaped(schema: &Schema, json: &Json) -> Value {
    let given = Value::from_json(json);
    let mut out = Value::empty_object();
    for name in schema.attributes.keys() {
        out.set(name, given.get(name).clone());
    }
    for (name, block) in &schema.blocks {
        let v = given.get(name);
        let shaped_block = match (block.nesting, v) {
            (Nesting::Single, Value::Object(_)) => shaped(&block.schema, &v.to_json()),
            (Nesting::Single, _) => Value::Null,
            (Nesting::List | Nesting::Set, Value::List(items)) => {
                Value::List(items.iter().map(|i| shaped(&block.schema, &i.to_json())).collect())
            }
            // One block written as an object, as `metadata { ... }` is in HCL.
            (Nesting::List | Nesting::Set, Value::Object(_)) => Value::List(vec![shaped(&block.schema, &v.to_json())]),
            (Nesting::List | Nesting::Set, _) => Value::List(vec![]),
        };
        out.set(name, shaped_block);
    }
    out
}

pub async fn plan(rt: &dyn ResourceType, ctx: &Ctx, prior: Option<&Value>, config: &Value) -> Planned {
    rt.plan(ctx, PlanRequest { prior, config }).await.expect("plan")
}

/// Plan + create, then check that a refresh and a re-plan change nothing. Returns the state.
pub async fn create_and_check_no_op(rt: &dyn ResourceType, ctx: &Ctx, config: &Value) -> Value {
    let planned = plan(rt, ctx, None, config).await;
    let state = rt.create(ctx, &planned.state).await.unwrap_or_else(|e| panic!("create: {e} ({:?})", e.hint));
    assert!(state.is_wholly_known(), "state has unknowns: {state}");
    assert_no_op(rt, ctx, &state, config).await;
    state
}

/// Refresh, then plan against the config: nothing changes.
pub async fn assert_no_op(rt: &dyn ResourceType, ctx: &Ctx, state: &Value, config: &Value) {
    let refreshed = rt.read(ctx, state).await.expect("read").expect("object exists");
    assert_eq!(&refreshed, state, "refresh changed nothing");
    let again = plan(rt, ctx, Some(&refreshed), config).await;
    assert_eq!(again.state, refreshed, "re-plan is a no-op");
    assert!(!again.replaces());
}

/// Plan an update from `state` to `config`, apply it, check the no-op afterwards.
pub async fn update(rt: &dyn ResourceType, ctx: &Ctx, state: &Value, config: &Value) -> Value {
    let planned = plan(rt, ctx, Some(state), config).await;
    assert!(!planned.replaces(), "in-place update expected: {:?}", planned.requires_replace);
    assert_ne!(&planned.state, state, "the plan changes something");
    let updated = rt.update(ctx, state, &planned.state).await.unwrap_or_else(|e| panic!("update: {e}"));
    assert_no_op(rt, ctx, &updated, config).await;
    updated
}

/// A raw client for out-of-band changes.
pub async fn raw_client(server: &TestServer) -> kube::Client {
    let kubeconfig = kube::config::Kubeconfig::from_yaml(&server.info().kubeconfig).expect("kubeconfig parses");
    let config = kube::Config::from_custom_kubeconfig(kubeconfig, &kube::config::KubeConfigOptions::default())
        .await
        .expect("kube config");
    kube::Client::try_from(config).expect("kube client")
}

pub fn raw_api(client: &kube::Client, api_version: &str, kind: &str, namespace: Option<&str>) -> Api<DynamicObject> {
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let resource = ApiResource::from_gvk(&GroupVersionKind::gvk(group, version, kind));
    match namespace {
        Some(ns) => Api::namespaced_with(client.clone(), ns, &resource),
        None => Api::all_with(client.clone(), &resource),
    }
}

/// Whether the server stores an object of this kind and name.
pub fn stored(server: &TestServer, kind: &str, name: &str) -> bool {
    server.objects().iter().any(|o| o["kind"] == kind && o["metadata"]["name"] == name)
}

pub const WIDGET_CRD: &str = r#"{
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "widgets.example.com"},
  "spec": {
    "group": "example.com",
    "scope": "Namespaced",
    "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
    "versions": [{"name": "v1", "served": true, "storage": true,
      "schema": {"openAPIV3Schema": {"type": "object", "properties": {
        "spec": {"type": "object", "properties": {"size": {"type": "integer"}, "color": {"type": "string"}}},
        "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}]
  }
}"#;

/// The `metadata` block of a typed resource's state (a list of one).
pub fn metadata(state: &Value) -> &Value {
    match state.get("metadata") {
        Value::List(items) if !items.is_empty() => &items[0],
        other => other,
    }
}
