//! Through the engine (HCL → plan → apply): the headline — a provider configured from values
//! known only after apply, creating a namespace, a CRD and its custom resource, an annotated
//! ServiceAccount and a multi-document install manifest in one run — and two clusters at once.

mod common;

use common::*;
use kube_test_server::TestServer;
use meshplan_engine::ops::{self, PlanOptions, Workspace};
use meshplan_engine::plan::Action;
use meshplan_engine::registry::Registry;
use meshplan_engine::walk::NoHook;
use meshplan_provider_kubernetes::KubernetesProvider;
use meshplan_state::{SledBackend, StateBackend};
use std::path::Path;
use std::sync::Arc;

/// Writes the cluster's credentials where HCL reads them (`file(...)`), as an EKS data source
/// would hand them over.
fn write_credentials(dir: &Path, name: &str, server: &TestServer) {
    let info = server.info();
    std::fs::write(dir.join(format!("{name}.url")), &info.url).unwrap();
    std::fs::write(dir.join(format!("{name}.ca.pem")), &info.ca_pem).unwrap();
    std::fs::write(dir.join(format!("{name}.token")), &info.admin_token).unwrap();
}

fn workspace(dir: &Path, config: &str) -> Workspace {
    std::fs::write(dir.join("main.mp.hcl"), config).unwrap();
    let mut providers = meshplan_provider_builtin::all();
    providers.push(Arc::new(KubernetesProvider));
    Workspace::new(dir, Registry::new(providers))
}

const HEADLINE: &str = r#"
# Stands in for aws_eks_cluster + aws_eks_cluster_auth: values known only after apply.
resource "meshplan_data" "cluster" {
  input = {
    endpoint = file("foo.url")
    ca       = file("foo.ca.pem")
    token    = file("foo.token")
  }
}

provider "kubernetes" {
  alias                  = "foo"
  host                   = meshplan_data.cluster.output.endpoint
  cluster_ca_certificate = meshplan_data.cluster.output.ca
  token                  = meshplan_data.cluster.output.token
}

resource "kubernetes_namespace" "spire" {
  provider = kubernetes.foo
  metadata {
    name   = "spire"
    labels = { "istio-injection" = "enabled" }
  }
}

resource "kubernetes_manifest" "widget_crd" {
  provider = kubernetes.foo
  manifest = jsondecode(file("crd.json"))
}

# No depends_on: the CR waits for its kind, the ServiceAccount for its namespace.
resource "kubernetes_manifest" "widget" {
  provider = kubernetes.foo
  manifest = {
    apiVersion = "example.com/v1"
    kind       = "Widget"
    metadata   = { name = "w1", namespace = "spire" }
    spec       = { size = 3, color = "blue" }
  }
  timeouts {
    create = "60s"
  }
}

resource "kubernetes_service_account" "spire_server" {
  provider = kubernetes.foo
  metadata {
    name        = "spire-server"
    namespace   = "spire"
    annotations = { "eks.amazonaws.com/role-arn" = "arn:aws:iam::123456789012:role/spire-server" }
  }
}

locals {
  install = <<-EOT
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: install-a
      namespace: default
    data:
      k: a
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: install-b
      namespace: default
    data:
      k: b
  EOT
}

resource "kubernetes_manifest" "install" {
  provider = kubernetes.foo
  for_each = { for d in yamldecode_all(local.install) : "${d.kind}/${d.metadata.name}" => d }
  manifest = each.value
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cluster_and_its_objects_in_one_apply() {
    let server = server("foo");
    let dir = tempfile::tempdir().unwrap();
    write_credentials(dir.path(), "foo", &server);
    std::fs::write(dir.path().join("crd.json"), WIDGET_CRD).unwrap();
    let mut ws = workspace(dir.path(), HEADLINE);
    let root = ws.load().unwrap();
    let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());

    let snap = backend.read().unwrap();
    let (plan, diags) = ops::plan(&ws, &root, &snap, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(!diags.has_errors(), "{diags:?}");
    let deferred = [
        "kubernetes_namespace.spire",
        "kubernetes_manifest.widget_crd",
        "kubernetes_manifest.widget",
        "kubernetes_service_account.spire_server",
        "kubernetes_manifest.install[\"ConfigMap/install-a\"]",
        "kubernetes_manifest.install[\"ConfigMap/install-b\"]",
    ];
    for address in deferred {
        let change = plan.change(address).unwrap_or_else(|| {
            panic!("{address} planned: {:?}", plan.changes.iter().map(|c| &c.address).collect::<Vec<_>>())
        });
        assert_eq!(change.action, Action::Create, "{address}");
        assert_eq!(change.deferred.as_deref(), Some("provider kubernetes.foo is configured during apply"), "{address}");
    }

    let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    assert_eq!(report.deferred.len(), deferred.len(), "{:?}", report.deferred);
    for (kind, name) in [
        ("Namespace", "spire"),
        ("CustomResourceDefinition", "widgets.example.com"),
        ("Widget", "w1"),
        ("ServiceAccount", "spire-server"),
        ("ConfigMap", "install-a"),
        ("ConfigMap", "install-b"),
    ] {
        assert!(stored(&server, kind, name), "{kind} {name} created");
    }
    let sa = server
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "ServiceAccount" && o["metadata"]["name"] == "spire-server")
        .unwrap();
    assert_eq!(
        sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"],
        "arn:aws:iam::123456789012:role/spire-server"
    );

    let after = backend.read().unwrap();
    let (again, _) = ops::plan(&ws, &root, &after, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(
        again.is_empty(),
        "re-plan shows no changes: {:?}",
        again.changes.iter().map(|c| (&c.address, c.action)).collect::<Vec<_>>()
    );

    let opts = PlanOptions { destroy: true, ..PlanOptions::default() };
    let (destroy, _) = ops::plan(&ws, &root, &after, &opts, &NoHook).await.unwrap();
    let report = ops::apply(&ws, &root, &after, &destroy, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    for (kind, name) in [
        ("Namespace", "spire"),
        ("CustomResourceDefinition", "widgets.example.com"),
        ("Widget", "w1"),
        ("ServiceAccount", "spire-server"),
        ("ConfigMap", "install-a"),
        ("ConfigMap", "install-b"),
    ] {
        assert!(!stored(&server, kind, name), "{kind} {name} destroyed");
    }
    assert!(backend.read().unwrap().resources.is_empty());
    backend.close().unwrap();
}

const TWO_CLUSTERS: &str = r#"
resource "meshplan_data" "foo" {
  input = { endpoint = file("foo.url"), ca = file("foo.ca.pem"), token = file("foo.token") }
}

# foo: configured during apply; bar: known at plan time.
provider "kubernetes" {
  alias                  = "foo"
  host                   = meshplan_data.foo.output.endpoint
  cluster_ca_certificate = meshplan_data.foo.output.ca
  token                  = meshplan_data.foo.output.token
}

provider "kubernetes" {
  alias                  = "bar"
  host                   = file("bar.url")
  cluster_ca_certificate = file("bar.ca.pem")
  token                  = file("bar.token")
}

resource "kubernetes_config_map" "foo_identity" {
  provider = kubernetes.foo
  metadata {
    name = "identity"
  }
  data = { trust_domain = "foo.com" }
}

# A join across clusters: bar learns foo's object.
resource "kubernetes_config_map" "bar_peer" {
  provider = kubernetes.bar
  metadata {
    name = "peer"
  }
  data = {
    trust_domain = kubernetes_config_map.foo_identity.data.trust_domain
    peer_uid     = kubernetes_config_map.foo_identity.metadata[0].uid
  }
}

data "kubernetes_server_version" "bar" {
  provider = kubernetes.bar
}

output "bar_version" {
  value = data.kubernetes_server_version.bar.version
}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clusters_at_once() {
    let (foo, bar) = (server("foo"), server("bar"));
    let dir = tempfile::tempdir().unwrap();
    write_credentials(dir.path(), "foo", &foo);
    write_credentials(dir.path(), "bar", &bar);
    let mut ws = workspace(dir.path(), TWO_CLUSTERS);
    let root = ws.load().unwrap();
    let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());
    let snap = backend.read().unwrap();
    let (plan, diags) = ops::plan(&ws, &root, &snap, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(plan.change("kubernetes_config_map.foo_identity").unwrap().deferred.is_some());
    let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);

    let peer = bar
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == "peer")
        .expect("peer on bar");
    let identity = foo
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == "identity")
        .expect("identity on foo");
    assert_eq!(peer["data"]["trust_domain"], "foo.com");
    assert_eq!(peer["data"]["peer_uid"], identity["metadata"]["uid"]);
    assert!(
        !stored(&foo, "ConfigMap", "peer") && !stored(&bar, "ConfigMap", "identity"),
        "each object on its own cluster"
    );
    assert!(report.outputs["bar_version"].as_str().is_some_and(|v| v.starts_with('v')), "{:?}", report.outputs);

    let after = backend.read().unwrap();
    let (again, _) = ops::plan(&ws, &root, &after, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(again.is_empty(), "{:?}", again.changes.iter().map(|c| (&c.address, c.action)).collect::<Vec<_>>());
    backend.close().unwrap();
}
