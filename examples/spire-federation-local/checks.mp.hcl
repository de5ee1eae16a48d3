# The foo/bar seed's verification on any two clusters, as Terraform `check` blocks (a failed
# assertion is a warning): istiod's CA certificate issued on both sides, and each side's SPIRE
# bundle endpoint has an address the other side federates with. The cross-cluster curl is
# examples/foo-bar-federation's Job (README.md "Verification").

check "foo_cacerts_ready" {
  data "kubernetes_resource" "foo_cacerts" {
    provider    = kubernetes.foo
    api_version = "cert-manager.io/v1"
    kind        = "Certificate"
    metadata {
      name      = "cacerts"
      namespace = "istio-system"
    }
    depends_on = [module.istio_foo]
  }
  assert {
    condition     = anytrue([for c in try(data.kubernetes_resource.foo_cacerts.object.status.conditions, []) : c.type == "Ready" && c.status == "True"])
    error_message = "foo: Certificate istio-system/cacerts is not Ready"
  }
}

check "bar_cacerts_ready" {
  data "kubernetes_resource" "bar_cacerts" {
    provider    = kubernetes.bar
    api_version = "cert-manager.io/v1"
    kind        = "Certificate"
    metadata {
      name      = "cacerts"
      namespace = "istio-system"
    }
    depends_on = [module.istio_bar]
  }
  assert {
    condition     = anytrue([for c in try(data.kubernetes_resource.bar_cacerts.object.status.conditions, []) : c.type == "Ready" && c.status == "True"])
    error_message = "bar: Certificate istio-system/cacerts is not Ready"
  }
}

check "bar_federates_with_foo_bundle_endpoint" {
  data "kubernetes_resource" "bar_cftd" {
    provider    = kubernetes.bar
    api_version = "spire.spiffe.io/v1alpha1"
    kind        = "ClusterFederatedTrustDomain"
    metadata {
      name = replace(local.clusters.foo.trust_domain, ".", "-")
    }
    depends_on = [module.federation]
  }
  assert {
    condition     = try(data.kubernetes_resource.bar_cftd.object.spec.bundleEndpointURL, "") == module.federation.bundle_endpoint_url_of_a && !endswith(module.federation.bundle_endpoint_url_of_a, "://:8443")
    error_message = "bar's ClusterFederatedTrustDomain for ${local.clusters.foo.trust_domain} does not point at foo's bundle endpoint (${module.federation.bundle_endpoint_url_of_a})"
  }
}
