# The cross-cluster step of the foo/bar seed, as graph values: each side gets a
# ClusterFederatedTrustDomain for the other, carrying the other's bundle endpoint and its SPIFFE
# bundle (JWKS) built with spiffe_bundle() from the other's CA PEMs. No exec, no script:
# upstream's `spire-server bundle show | bundle set` becomes two edges in the DAG.
#
# Providers: kubernetes.a and kubernetes.b, passed by the caller:
#   providers = { kubernetes.a = kubernetes.foo, kubernetes.b = kubernetes.bar }

locals {
  sides = { a = var.a, b = var.b }
  # On side x, the object describes the other side.
  other = { a = var.b, b = var.a }

  objects = {
    for side, o in local.other : side => {
      apiVersion = "spire.spiffe.io/v1alpha1"
      kind       = "ClusterFederatedTrustDomain"
      metadata   = { name = replace(o.trust_domain, ".", "-") }
      spec       = {
        trustDomain           = o.trust_domain
        bundleEndpointURL     = "https://${o.bundle_endpoint_address}:${o.bundle_endpoint_port}"
        bundleEndpointProfile = {
          type             = "https_spiffe"
          endpointSPIFFEID = "spiffe://${o.trust_domain}/spire/server"
        }
        trustDomainBundle = provider::tls::spiffe_bundle(o.trust_domain, o.ca_pems, [], var.bundle_sequence)
      }
    }
  }
}

# Each object goes through its own side's controller-manager webhook (failurePolicy Fail).
resource "meshplan_data" "ready" {
  input = { a = var.a.ready, b = var.b.ready }
}

resource "kubernetes_manifest" "on_a" {
  provider   = kubernetes.a
  manifest   = local.objects["a"]
  depends_on = [meshplan_data.ready]
}

resource "kubernetes_manifest" "on_b" {
  provider   = kubernetes.b
  manifest   = local.objects["b"]
  depends_on = [meshplan_data.ready]
}
