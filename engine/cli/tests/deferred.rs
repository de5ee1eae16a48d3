//! Deferred provider configuration: a provider configured from a resource created in the same
//! run is planned without its API, configured during apply, and its resources applied then.

use meshplan_engine::ops::{self, PlanOptions, Workspace};
use meshplan_engine::plan::Action;
use meshplan_engine::registry::Registry;
use meshplan_engine::walk::NoHook;
use meshplan_provider::{
    async_trait, Attribute, Client, Ctx, Provider, ProviderError, ResourceType, Schema, Type, Value,
};
use meshplan_state::{SledBackend, StateBackend};
use std::sync::Arc;

/// A "cluster" provider: its objects record the endpoint the provider was configured with.
struct Endpoint(String);

struct Object;

#[async_trait]
impl ResourceType for Object {
    fn type_name(&self) -> &'static str {
        "cluster_object"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("seen_endpoint", Attribute::computed(Type::String))
    }
    async fn read(&self, _: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(Some(state.clone()))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let endpoint = ctx.client::<Endpoint>()?.0.clone();
        let mut s = planned.clone();
        s.set("id", Value::from(planned.get_str("name").unwrap_or_default()));
        s.set("seen_endpoint", Value::from(endpoint));
        Ok(s)
    }
    async fn delete(&self, ctx: &Ctx, _: &Value) -> Result<(), ProviderError> {
        ctx.client::<Endpoint>()?;
        Ok(())
    }
}

struct ClusterProvider;

#[async_trait]
impl Provider for ClusterProvider {
    fn name(&self) -> &'static str {
        "cluster"
    }
    fn config_schema(&self) -> Schema {
        Schema::new().attr("endpoint", Attribute::required(Type::String))
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(Object)]
    }
    async fn configure(&self, config: &Value) -> Result<Client, ProviderError> {
        let e = config.get_str("endpoint").ok_or_else(|| ProviderError::new("endpoint is required"))?;
        Ok(Arc::new(Endpoint(e.to_string())))
    }
}

const CONFIG: &str = r#"
resource "meshplan_data" "eks" {
  input = "https://foo.example"
}

provider "cluster" {
  alias    = "foo"
  endpoint = meshplan_data.eks.output
}

resource "cluster_object" "ns" {
  provider = cluster.foo
  name     = "spire"
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_configured_from_a_resource_of_the_same_run() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.mp.hcl"), CONFIG).unwrap();
    let mut providers = meshplan_provider_builtin::all();
    providers.push(Arc::new(ClusterProvider));
    let mut ws = Workspace::new(dir.path(), Registry::new(providers));
    let root = ws.load().unwrap();
    let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());

    // Plan: the cluster does not exist yet, so its provider is deferred, not an error.
    let snap = backend.read().unwrap();
    let (plan, _) = ops::plan(&ws, &root, &snap, &PlanOptions::default(), &NoHook).await.unwrap();
    let ns = plan.change("cluster_object.ns").unwrap();
    assert_eq!(ns.action, Action::Create);
    assert_eq!(ns.deferred.as_deref(), Some("provider cluster.foo is configured during apply"));
    let text = meshplan_cli::render::render_plan(&plan, &meshplan_cli::render::Style { color: false });
    assert!(
        text.contains(
            "# cluster_object.ns will be created (deferred: provider cluster.foo is configured during apply)"
        ),
        "{text}"
    );
    assert!(text.contains("Deferred: 1 resource(s) deferred"), "{text}");

    // Apply: one run creates the cluster, configures the provider, creates the object.
    let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    assert_eq!(report.deferred, vec![("cluster_object.ns".to_string(), Action::Create)]);
    let after = backend.read().unwrap();
    assert_eq!(after.resources["cluster_object.ns"].attributes["seen_endpoint"], "https://foo.example");

    // A later plan is a normal, full plan: nothing to do.
    let (again, _) = ops::plan(&ws, &root, &after, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(again.is_empty(), "{:?}", again.changes);

    // Destroy: the object goes first, through the provider configured from the state.
    let opts = PlanOptions { destroy: true, ..PlanOptions::default() };
    let (destroy, _) = ops::plan(&ws, &root, &after, &opts, &NoHook).await.unwrap();
    let report = ops::apply(&ws, &root, &after, &destroy, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    assert!(backend.read().unwrap().resources.is_empty());
    backend.close().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn provider_configured_inside_a_module_is_deferred_too() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.mp.hcl"),
        "resource \"meshplan_data\" \"eks\" {\n  input = \"https://bar.example\"\n}\nmodule \"bar\" {\n  source   = \"./bar\"\n  endpoint = meshplan_data.eks.output\n}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("bar")).unwrap();
    std::fs::write(
        dir.path().join("bar/main.mp.hcl"),
        "variable \"endpoint\" {}\nprovider \"cluster\" {\n  endpoint = var.endpoint\n}\nresource \"cluster_object\" \"ns\" {\n  name = \"istio-system\"\n}\n",
    )
    .unwrap();
    let mut providers = meshplan_provider_builtin::all();
    providers.push(Arc::new(ClusterProvider));
    let mut ws = Workspace::new(dir.path(), Registry::new(providers));
    let root = ws.load().unwrap();
    let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());
    let snap = backend.read().unwrap();
    let (plan, _) = ops::plan(&ws, &root, &snap, &PlanOptions::default(), &NoHook).await.unwrap();
    let c = plan.change("module.bar.cluster_object.ns").unwrap();
    assert_eq!(c.deferred.as_deref(), Some("provider module.bar.cluster is configured during apply"));
    let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    let after = backend.read().unwrap();
    assert_eq!(after.resources["module.bar.cluster_object.ns"].attributes["seen_endpoint"], "https://bar.example");
    let (again, _) = ops::plan(&ws, &root, &after, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(again.is_empty(), "{:?}", again.changes);
    backend.close().unwrap();
}
