# The in-cluster half of foo-bar-federation (seed istio-spire-federation-eks.md), for two
# clusters given by host/token/CA: cert-manager with a meshplan-generated root per cluster,
# SPIRE (federating with the other side), ClusterFederatedTrustDomain each way carrying the
# other's bundle endpoint and SPIFFE bundle, and Istio with remote secrets for the other
# cluster. One apply, no exec, no scripts. The AWS half (VPCs, peering, EKS) feeds host/token/CA.

variable "foo_host" {
  type = string
}

variable "foo_token" {
  type      = string
  sensitive = true
}

variable "foo_ca" {
  description = "PEM of foo's cluster CA."
  type        = string
}

variable "bar_host" {
  type = string
}

variable "bar_token" {
  type      = string
  sensitive = true
}

variable "bar_ca" {
  type = string
}

variable "manifests_dir" {
  description = "Directory with cert-manager.yaml, spire-crds.yaml and istio.yaml (tests: tests/fixtures/manifests)."
  type        = string
}

variable "spire_server_node_selector" {
  description = "The seed pins spire-server to the dedicated node group (dedicated=spire-server)."
  type        = map(string)
  default     = { dedicated = "spire-server" }
}

locals {
  clusters = {
    foo = { trust_domain = "foo.com", cluster_name = "foo-eks-cluster", network = "foo-network", host = var.foo_host, ca = var.foo_ca }
    bar = { trust_domain = "bar.com", cluster_name = "bar-eks-cluster", network = "bar-network", host = var.bar_host, ca = var.bar_ca }
  }
  mesh_id = "foo-bar-mesh"
}

provider "kubernetes" {
  alias                  = "foo"
  host                   = var.foo_host
  token                  = var.foo_token
  cluster_ca_certificate = var.foo_ca
}

provider "kubernetes" {
  alias                  = "bar"
  host                   = var.bar_host
  token                  = var.bar_token
  cluster_ca_certificate = var.bar_ca
}

# --- cert-manager + root CA (generated, so the root is a graph value) -----------------------

module "cert_manager_foo" {
  source                 = "../../modules/cert-manager"
  providers              = { kubernetes = kubernetes.foo }
  manifests_path         = "${var.manifests_dir}/cert-manager.yaml"
  generated_root         = true
  istio_namespace_labels = { "topology.istio.io/network" = local.clusters.foo.network }
}

module "cert_manager_bar" {
  source                 = "../../modules/cert-manager"
  providers              = { kubernetes = kubernetes.bar }
  manifests_path         = "${var.manifests_dir}/cert-manager.yaml"
  generated_root         = true
  istio_namespace_labels = { "topology.istio.io/network" = local.clusters.bar.network }
}

# --- SPIRE -----------------------------------------------------------------------------------
# Each server federates with the other's bundle endpoint: the LoadBalancer address of the other
# cluster's spire-server-bundle-endpoint Service (a graph value, not a node's DNS name).

module "spire_foo" {
  source                       = "../../modules/spire"
  providers                    = { kubernetes = kubernetes.foo }
  trust_domain                 = local.clusters.foo.trust_domain
  cluster_name                 = local.clusters.foo.cluster_name
  crds_path                    = "${var.manifests_dir}/spire-crds.yaml"
  bundle_endpoint_service_type = "LoadBalancer"
  server_node_selector         = var.spire_server_node_selector
  upstream_authority           = {
    issuer_name  = module.cert_manager_foo.cluster_issuer_name
    issuer_kind  = "ClusterIssuer"
    issuer_group = "cert-manager.io"
    namespace    = module.cert_manager_foo.namespace
  }
  federates_with = {
    (local.clusters.bar.trust_domain) = { bundle_endpoint_url = "https://${module.spire_bar.bundle_endpoint_address}:8443" }
  }
}

module "spire_bar" {
  source                       = "../../modules/spire"
  providers                    = { kubernetes = kubernetes.bar }
  trust_domain                 = local.clusters.bar.trust_domain
  cluster_name                 = local.clusters.bar.cluster_name
  crds_path                    = "${var.manifests_dir}/spire-crds.yaml"
  bundle_endpoint_service_type = "LoadBalancer"
  server_node_selector         = var.spire_server_node_selector
  upstream_authority           = {
    issuer_name  = module.cert_manager_bar.cluster_issuer_name
    issuer_kind  = "ClusterIssuer"
    issuer_group = "cert-manager.io"
    namespace    = module.cert_manager_bar.namespace
  }
  federates_with = {
    (local.clusters.foo.trust_domain) = { bundle_endpoint_url = "https://${module.spire_foo.bundle_endpoint_address}:8443" }
  }
}

# --- Federation: ClusterFederatedTrustDomain each way ----------------------------------------

module "federation" {
  source    = "../../modules/spire-federation"
  providers = { kubernetes.a = kubernetes.foo, kubernetes.b = kubernetes.bar }
  a         = {
    trust_domain            = module.spire_foo.trust_domain
    bundle_endpoint_address = module.spire_foo.bundle_endpoint_address
    bundle_endpoint_port    = module.spire_foo.bundle_endpoint_port
    ready                   = module.spire_foo.ready
    ca_pems                 = [module.cert_manager_foo.root_ca_pem]
  }
  b = {
    trust_domain            = module.spire_bar.trust_domain
    bundle_endpoint_address = module.spire_bar.bundle_endpoint_address
    bundle_endpoint_port    = module.spire_bar.bundle_endpoint_port
    ready                   = module.spire_bar.ready
    ca_pems                 = [module.cert_manager_bar.root_ca_pem]
  }
}

# --- Istio -----------------------------------------------------------------------------------

module "istio_foo" {
  source               = "../../modules/istio"
  providers            = { kubernetes = kubernetes.foo }
  manifests_path       = "${var.manifests_dir}/istio.yaml"
  namespace            = module.cert_manager_foo.istio_namespace
  cacerts_ready        = module.cert_manager_foo.cacerts_ready
  create_namespace     = false
  trust_domain         = local.clusters.foo.trust_domain
  trust_domain_aliases = [local.clusters.bar.trust_domain]
  mesh_id              = local.mesh_id
  cluster_name         = local.clusters.foo.cluster_name
  network              = local.clusters.foo.network
  federates_with       = [local.clusters.bar.trust_domain]
  cluster_spiffe_ids   = module.spire_foo.cluster_spiffe_ids
  remote_clusters      = {
    (local.clusters.bar.cluster_name) = { server = var.bar_host, ca_pem = var.bar_ca }
  }
  remote_cluster_tokens = {
    (local.clusters.bar.cluster_name) = module.istio_bar.reader_token
  }
}

module "istio_bar" {
  source               = "../../modules/istio"
  providers            = { kubernetes = kubernetes.bar }
  manifests_path       = "${var.manifests_dir}/istio.yaml"
  namespace            = module.cert_manager_bar.istio_namespace
  cacerts_ready        = module.cert_manager_bar.cacerts_ready
  create_namespace     = false
  trust_domain         = local.clusters.bar.trust_domain
  trust_domain_aliases = [local.clusters.foo.trust_domain]
  mesh_id              = local.mesh_id
  cluster_name         = local.clusters.bar.cluster_name
  network              = local.clusters.bar.network
  federates_with       = [local.clusters.foo.trust_domain]
  cluster_spiffe_ids   = module.spire_bar.cluster_spiffe_ids
  remote_clusters      = {
    (local.clusters.foo.cluster_name) = { server = var.foo_host, ca_pem = var.foo_ca }
  }
  remote_cluster_tokens = {
    (local.clusters.foo.cluster_name) = module.istio_foo.reader_token
  }
}

output "foo_root_ca_pem" {
  value = module.cert_manager_foo.root_ca_pem
}

output "bar_root_ca_pem" {
  value = module.cert_manager_bar.root_ca_pem
}

output "foo_bundle_endpoint_url" {
  value = module.federation.bundle_endpoint_url_of_a
}

output "bar_bundle_endpoint_url" {
  value = module.federation.bundle_endpoint_url_of_b
}

output "remote_secrets" {
  value = { foo = module.istio_foo.remote_secrets, bar = module.istio_bar.remote_secrets }
}
