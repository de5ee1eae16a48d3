# NSM on EKS (seed nsm-on-eks.md, DOMAIN.md §2): SPIRE single-cluster with NSM's ClusterSPIFFEID,
# then NSM basic in nsm-system, done when admission-webhook-k8s has rolled out.

module "spire" {
  source               = "../spire"
  trust_domain         = var.trust_domain
  cluster_name         = var.cluster_name
  crds_path            = var.spire_crds_path
  crds_url             = var.spire_crds_url
  crds_sha256          = var.spire_crds_sha256
  server_node_selector = var.spire_server_node_selector
  server_tolerations   = []
  # NSM's pods mount hostPath /run/spire/sockets (type Directory) and dial agent.sock there.
  agent_socket_dir  = "/run/spire/sockets"
  agent_socket_name = "agent.sock"
  cluster_spiffe_ids = {
    nsm-workloads = {
      spiffe_id_template = "spiffe://k8s.nsm/ns/{{.PodMeta.Namespace}}/pod/{{.PodMeta.Name}}"
      pod_selector       = { "spiffe.io/spiffe-id" = "true" }
      namespace_selector = {}
      federates_with     = []
    }
    # admission-webhook-k8s serves TLS with its SVID: it needs an entry with its Service's DNS name.
    nsm-workloads-webhook = {
      spiffe_id_template = "spiffe://k8s.nsm/ns/{{.PodMeta.Namespace}}/pod/{{.PodMeta.Name}}"
      pod_selector       = { app = "admission-webhook-k8s" }
      namespace_selector = { "kubernetes.io/metadata.name" = var.namespace }
      federates_with     = []
      dns_name_templates = ["admission-webhook-svc.{{.PodMeta.Namespace}}.svc"]
    }
  }
}

resource "kubernetes_namespace" "nsm" {
  metadata {
    name = var.namespace
  }
}

# NSM after SPIRE is ready (its pods get SVIDs from the agents).
resource "meshplan_data" "spire_ready" {
  input = { spire = module.spire.ready, namespace = kubernetes_namespace.nsm.metadata[0].name }
}

data "http" "manifests" {
  count           = var.manifests_url == null ? 0 : 1
  url             = var.manifests_url
  expected_sha256 = var.manifests_sha256
}

locals {
  yaml    = var.manifests_path != null ? file(var.manifests_path) : try(one(data.http.manifests[*].response_body), "")
  objects = {
    for d in yamldecode_all(local.yaml) :
    join("/", compact([d.kind, try(d.metadata.namespace, ""), d.metadata.name])) => d
    if d != null
  }
}

# Applied here rather than through modules/manifests so they can wait on SPIRE.
resource "kubernetes_manifest" "nsm" {
  for_each = local.objects
  manifest = each.value

  wait {
    rollout = contains(["Deployment", "StatefulSet", "DaemonSet"], each.value.kind)
  }

  depends_on = [meshplan_data.spire_ready]
}

locals {
  webhook_key = "Deployment/${var.namespace}/admission-webhook-k8s"
}
