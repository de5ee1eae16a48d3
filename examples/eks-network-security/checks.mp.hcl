# The seed's verification as Terraform `check` blocks (a failed assertion is a warning, as in
# Terraform); see README.md "Verification" for what only a real cluster proves (certificate
# requests signed by the Private CA, pods denied by the policies).

# istio-csr is up: the proxies' and istiod's certificate signer.
check "istio_csr_available" {
  data "kubernetes_resource" "deployment" {
    api_version = "apps/v1"
    kind        = "Deployment"
    metadata {
      name      = "cert-manager-istio-csr"
      namespace = "cert-manager"
    }
    depends_on = [module.istio_csr]
  }
  assert {
    condition     = !local.istio_csr || try(data.kubernetes_resource.deployment.object.status.availableReplicas, 0) >= 1
    error_message = "Deployment cert-manager/cert-manager-istio-csr is not available: no workload gets a certificate"
  }
}

# Step 4: Istio is HEALTHY with istio-csr as its CA and istiod's CA server off.
check "istio_uses_istio_csr" {
  data "kubernetes_resource" "istio" {
    api_version = "install.istio.io/v1alpha1"
    kind        = "IstioOperator"
    metadata {
      name      = "istio"
      namespace = "istio-system"
    }
    depends_on = [kubernetes_manifest.istio]
  }
  assert {
    condition = !local.istio_csr || (
      try(data.kubernetes_resource.istio.object.status.status, "") == "HEALTHY" &&
      try(data.kubernetes_resource.istio.object.spec.values.global.caAddress, "") == local.istio_csr_address &&
      anytrue([for e in try(data.kubernetes_resource.istio.object.spec.components.pilot.k8s.env, []) : e.name == "ENABLE_CA_SERVER" && e.value == "false"])
    )
    error_message = "IstioOperator istio-system/istio is not HEALTHY with caAddress ${local.istio_csr_address} and ENABLE_CA_SERVER=false"
  }
}
