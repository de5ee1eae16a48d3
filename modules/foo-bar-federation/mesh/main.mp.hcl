# In-cluster half of the foo/bar federation (DOMAIN.md §1) on both clusters, through the
# caller's providers = { kubernetes.foo = …, kubernetes.bar = … }:
# cert-manager (meshplan-generated root) → SPIRE (UpstreamAuthority cert-manager, federating
# with the other side) → ClusterFederatedTrustDomain both ways (endpoint + SPIFFE bundle as
# graph values) → Istio (after the ClusterSPIFFEIDs) with remote secrets both ways.

locals {
  # 8443, 15443, 15012 and 15017 are for the peer cluster only: internal load balancers (the
  # in-tree controller reads the first annotation, the AWS Load Balancer Controller the second).
  lb_annotations = var.internal_load_balancers ? {
    "service.beta.kubernetes.io/aws-load-balancer-internal" = "true"
    "service.beta.kubernetes.io/aws-load-balancer-scheme"   = "internal"
  } : {}
}

module "cert_manager_foo" {
  source                 = "../../cert-manager"
  providers              = { kubernetes = kubernetes.foo }
  manifests_path         = var.cert_manager_manifests.path
  manifests_url          = var.cert_manager_manifests.url
  manifests_sha256       = var.cert_manager_manifests.sha256
  generated_root         = true
  cacerts_duration       = var.cacerts_duration
  cacerts_renew_before   = var.cacerts_renew_before
  istio_namespace_labels = { "topology.istio.io/network" = var.foo.network }
}

module "cert_manager_bar" {
  source                 = "../../cert-manager"
  providers              = { kubernetes = kubernetes.bar }
  manifests_path         = var.cert_manager_manifests.path
  manifests_url          = var.cert_manager_manifests.url
  manifests_sha256       = var.cert_manager_manifests.sha256
  generated_root         = true
  cacerts_duration       = var.cacerts_duration
  cacerts_renew_before   = var.cacerts_renew_before
  istio_namespace_labels = { "topology.istio.io/network" = var.bar.network }
}

module "spire_foo" {
  source                              = "../../spire"
  providers                           = { kubernetes = kubernetes.foo }
  trust_domain                        = var.foo.trust_domain
  cluster_name                        = var.foo.cluster_name
  crds_path                           = var.spire_crds.path
  crds_url                            = var.spire_crds.url
  crds_sha256                         = var.spire_crds.sha256
  bundle_endpoint_port                = var.bundle_endpoint_port
  bundle_endpoint_service_type        = var.bundle_endpoint_service_type
  bundle_endpoint_service_annotations = local.lb_annotations
  server_node_selector                = var.spire_server_node_selector
  upstream_authority                  = {
    issuer_name  = module.cert_manager_foo.cluster_issuer_name
    issuer_kind  = "ClusterIssuer"
    issuer_group = "cert-manager.io"
    namespace    = module.cert_manager_foo.namespace
  }
  federates_with                      = {
    (var.bar.trust_domain) = { bundle_endpoint_url = "https://${module.spire_bar.bundle_endpoint_address}:${var.bundle_endpoint_port}" }
  }
}

module "spire_bar" {
  source                              = "../../spire"
  providers                           = { kubernetes = kubernetes.bar }
  trust_domain                        = var.bar.trust_domain
  cluster_name                        = var.bar.cluster_name
  crds_path                           = var.spire_crds.path
  crds_url                            = var.spire_crds.url
  crds_sha256                         = var.spire_crds.sha256
  bundle_endpoint_port                = var.bundle_endpoint_port
  bundle_endpoint_service_type        = var.bundle_endpoint_service_type
  bundle_endpoint_service_annotations = local.lb_annotations
  server_node_selector                = var.spire_server_node_selector
  upstream_authority                  = {
    issuer_name  = module.cert_manager_bar.cluster_issuer_name
    issuer_kind  = "ClusterIssuer"
    issuer_group = "cert-manager.io"
    namespace    = module.cert_manager_bar.namespace
  }
  federates_with                      = {
    (var.foo.trust_domain) = { bundle_endpoint_url = "https://${module.spire_foo.bundle_endpoint_address}:${var.bundle_endpoint_port}" }
  }
}

module "federation" {
  source    = "../../spire-federation"
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

module "istio_foo" {
  source                        = "../../istio"
  providers                     = { kubernetes = kubernetes.foo }
  manifests_path                = var.istio_manifests.path
  manifests_url                 = var.istio_manifests.url
  manifests_sha256              = var.istio_manifests.sha256
  namespace                     = module.cert_manager_foo.istio_namespace
  cacerts_ready                 = module.cert_manager_foo.cacerts_ready
  create_namespace              = false
  trust_domain                  = var.foo.trust_domain
  trust_domain_aliases          = [var.bar.trust_domain]
  mesh_id                       = var.mesh_id
  cluster_name                  = var.foo.cluster_name
  network                       = var.foo.network
  federates_with                = [var.bar.trust_domain]
  east_west_service_annotations = local.lb_annotations
  cluster_spiffe_ids            = module.spire_foo.cluster_spiffe_ids
  remote_clusters               = {
    (var.bar.cluster_name) = { server = var.bar.endpoint, ca_pem = var.bar.cluster_ca_certificate }
  }
  remote_cluster_tokens         = {
    (var.bar.cluster_name) = module.istio_bar.reader_token
  }
}

module "istio_bar" {
  source                        = "../../istio"
  providers                     = { kubernetes = kubernetes.bar }
  manifests_path                = var.istio_manifests.path
  manifests_url                 = var.istio_manifests.url
  manifests_sha256              = var.istio_manifests.sha256
  namespace                     = module.cert_manager_bar.istio_namespace
  cacerts_ready                 = module.cert_manager_bar.cacerts_ready
  create_namespace              = false
  trust_domain                  = var.bar.trust_domain
  trust_domain_aliases          = [var.foo.trust_domain]
  mesh_id                       = var.mesh_id
  cluster_name                  = var.bar.cluster_name
  network                       = var.bar.network
  federates_with                = [var.foo.trust_domain]
  east_west_service_annotations = local.lb_annotations
  cluster_spiffe_ids            = module.spire_bar.cluster_spiffe_ids
  remote_clusters               = {
    (var.foo.cluster_name) = { server = var.foo.endpoint, ca_pem = var.foo.cluster_ca_certificate }
  }
  remote_cluster_tokens         = {
    (var.foo.cluster_name) = module.istio_foo.reader_token
  }
}
