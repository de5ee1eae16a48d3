//! Through the engine: a configuration written as for Terraform's kubernetes and kubectl
//! providers (typed resources in block form, `metadata[0]` / `spec[0]` references, a
//! LoadBalancer's `status[0].load_balancer[0].ingress[0]`, `kubectl_manifest` with
//! `kubectl_file_documents` and `for_each`), the kubernetes provider configured only during
//! apply: one apply, a clean re-plan, a destroy.

mod common;

use common::*;
use meshplan_engine::ops::{self, PlanOptions, Workspace};
use meshplan_engine::plan::Action;
use meshplan_engine::registry::Registry;
use meshplan_engine::walk::NoHook;
use meshplan_provider_kubernetes::{KubectlProvider, KubernetesProvider};
use meshplan_state::{SledBackend, StateBackend};
use std::sync::Arc;

const CONFIG: &str = r#"
terraform {
  required_providers {
    kubernetes = { source = "hashicorp/kubernetes", version = ">= 2.0" }
    kubectl    = { source = "gavinbunney/kubectl", version = ">= 1.14.0" }
  }
}

# Stands in for aws_eks_cluster: values known only after apply.
resource "meshplan_data" "foo" {
  input = { endpoint = file("foo.url"), ca = file("foo.ca.pem"), token = file("foo.token") }
}

provider "kubernetes" {
  host                   = meshplan_data.foo.output.endpoint
  cluster_ca_certificate = meshplan_data.foo.output.ca
  token                  = meshplan_data.foo.output.token
}

# Known at plan time: a deferred provider's data sources are read during apply, and the
# for_each over kubectl_file_documents must be known when planning.
provider "kubectl" {
  host                   = file("foo.url")
  cluster_ca_certificate = file("foo.ca.pem")
  token                  = file("foo.token")
  load_config_file       = false
}

resource "kubernetes_namespace_v1" "bar" {
  metadata {
    name = "bar"
  }
}

resource "kubernetes_service_account_v1" "bar" {
  metadata {
    name      = "bar"
    namespace = kubernetes_namespace_v1.bar.metadata[0].name
  }
}

resource "kubernetes_cluster_role_v1" "bar" {
  metadata {
    name = "bar-reader"
  }
  rule {
    api_groups = [""]
    resources  = ["pods", "services"]
    verbs      = ["get", "list", "watch"]
  }
}

resource "kubernetes_cluster_role_binding_v1" "bar" {
  metadata {
    name = "bar-reader"
  }
  role_ref {
    api_group = "rbac.authorization.k8s.io"
    kind      = "ClusterRole"
    name      = kubernetes_cluster_role_v1.bar.metadata[0].name
  }
  subject {
    kind      = "ServiceAccount"
    name      = kubernetes_service_account_v1.bar.metadata[0].name
    namespace = kubernetes_namespace_v1.bar.metadata[0].name
  }
}

resource "kubernetes_deployment_v1" "bar" {
  metadata {
    name      = "bar"
    namespace = kubernetes_namespace_v1.bar.metadata[0].name
    labels    = { app = "bar" }
  }
  spec {
    replicas = 2
    selector {
      match_labels = { app = "bar" }
    }
    template {
      metadata {
        labels = { app = "bar" }
      }
      spec {
        service_account_name = kubernetes_service_account_v1.bar.metadata[0].name
        container {
          name  = "bar"
          image = "hashicorp/http-echo:1.0"
          args  = ["-listen=:5678", "-text=bar"]
          port {
            container_port = 5678
          }
          env {
            name = "POD_NAME"
            value_from {
              field_ref {
                field_path = "metadata.name"
              }
            }
          }
          resources {
            limits   = { cpu = "250m", memory = "64Mi" }
            requests = { cpu = "50m" }
          }
          readiness_probe {
            http_get {
              path = "/"
              port = 5678
            }
          }
        }
      }
    }
  }
}

resource "kubernetes_service_v1" "bar" {
  metadata {
    name      = "bar"
    namespace = kubernetes_namespace_v1.bar.metadata[0].name
  }
  spec {
    selector = kubernetes_deployment_v1.bar.spec[0].template[0].metadata[0].labels
    type     = "LoadBalancer"
    port {
      port        = 80
      target_port = 5678
    }
  }
}

resource "kubectl_manifest" "endpoint" {
  yaml_body = <<-YAML
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: bar-endpoint
      namespace: ${kubernetes_namespace_v1.bar.metadata[0].name}
    data:
      address: "${kubernetes_service_v1.bar.status[0].load_balancer[0].ingress[0].ip}"
  YAML
}

data "kubectl_file_documents" "install" {
  content = <<-YAML
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: install-a
      namespace: bar
    data:
      k: a
    ---
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata:
      name: deny-all
      namespace: bar
    spec:
      podSelector: {}
      policyTypes: ["Ingress"]
  YAML
}

resource "kubectl_manifest" "install" {
  for_each   = data.kubectl_file_documents.install.manifests
  yaml_body  = each.value
  depends_on = [kubernetes_namespace_v1.bar]
}

output "address" {
  value = kubernetes_service_v1.bar.status[0].load_balancer[0].ingress[0].ip
}
"#;

const OBJECTS: [(&str, &str); 9] = [
    ("Namespace", "bar"),
    ("ServiceAccount", "bar"),
    ("ClusterRole", "bar-reader"),
    ("ClusterRoleBinding", "bar-reader"),
    ("Deployment", "bar"),
    ("Service", "bar"),
    ("ConfigMap", "bar-endpoint"),
    ("ConfigMap", "install-a"),
    ("NetworkPolicy", "deny-all"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foo_bar_plans_applies_in_one_run_and_destroys() {
    let server = server("foo");
    let dir = tempfile::tempdir().unwrap();
    let info = server.info();
    std::fs::write(dir.path().join("foo.url"), &info.url).unwrap();
    std::fs::write(dir.path().join("foo.ca.pem"), &info.ca_pem).unwrap();
    std::fs::write(dir.path().join("foo.token"), &info.admin_token).unwrap();
    std::fs::write(dir.path().join("main.tf"), CONFIG).unwrap();
    let mut providers = meshplan_provider_builtin::all();
    providers.push(Arc::new(KubernetesProvider));
    providers.push(Arc::new(KubectlProvider));
    let mut ws = Workspace::new(dir.path(), Registry::new(providers));
    let root = ws.load().unwrap();
    let backend = Arc::new(SledBackend::open(&ws.state_dir).unwrap());

    let snap = backend.read().unwrap();
    let (plan, diags) = ops::plan(&ws, &root, &snap, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(!diags.has_errors(), "{diags:?}");
    assert_eq!(plan.change("kubernetes_deployment_v1.bar").unwrap().action, Action::Create);

    let report = ops::apply(&ws, &root, &snap, &plan, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    for (kind, name) in OBJECTS {
        assert!(stored(&server, kind, name), "{kind} {name} created");
    }
    let address = report.outputs["address"].as_str().expect("load balancer address").to_string();
    let endpoint = server
        .objects()
        .into_iter()
        .find(|o| o["kind"] == "ConfigMap" && o["metadata"]["name"] == "bar-endpoint")
        .unwrap();
    assert_eq!(endpoint["data"]["address"], address.as_str());
    let deployment = server.objects().into_iter().find(|o| o["kind"] == "Deployment").unwrap();
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["readinessProbe"]["httpGet"]["port"], 5678);
    assert_eq!(container["env"][0]["valueFrom"]["fieldRef"]["fieldPath"], "metadata.name");

    let after = backend.read().unwrap();
    let (again, diags) = ops::plan(&ws, &root, &after, &PlanOptions::default(), &NoHook).await.unwrap();
    assert!(!diags.has_errors(), "{diags:?}");
    assert!(
        again.is_empty(),
        "re-plan shows no changes: {:?}",
        again.changes.iter().filter(|c| c.action != Action::NoOp).map(|c| (&c.address, c.action)).collect::<Vec<_>>()
    );

    let opts = PlanOptions { destroy: true, ..PlanOptions::default() };
    let (destroy, _) = ops::plan(&ws, &root, &after, &opts, &NoHook).await.unwrap();
    let report = ops::apply(&ws, &root, &after, &destroy, backend.clone(), 10, &NoHook).await.unwrap();
    assert!(!report.diags.has_errors(), "{:?}", report.diags);
    for (kind, name) in OBJECTS {
        assert!(!stored(&server, kind, name), "{kind} {name} destroyed");
    }
    assert!(backend.read().unwrap().resources.is_empty());
    backend.close().unwrap();
}

#[test]
fn kubectl_is_gavinbunneys_provider() {
    assert_eq!(meshplan_engine::registry::source_address("kubectl"), "registry.terraform.io/gavinbunney/kubectl");
}
