# Seed step 4 ("ACM Private CA with Istio and cert-manager"): Istio with istio-csr as the
# mesh's certificate provider. The proxies ask istio-csr (global.caAddress) for their
# certificates, istiod's own CA server is off (ENABLE_CA_SERVER=false), and istiod serves with
# the certificate istio-csr keeps in Secret istiod-tls and trusts the root in ConfigMap
# istio-ca-root-cert (the seed's overlays, as written there). Installed with istio-csr.
#
# The seed installs it with `istioctl operator init` and an IstioOperator. The in-cluster
# operator was removed in Istio 1.24: pin Istio 1.23 (the last release with it) for this
# object, or give the same values to `istioctl install -f` / the istiod Helm chart (see
# README.md "Pinned inputs").

variable "istio_manifests_path" {
  description = "The Istio operator's install manifests (CRDs + operator, Istio <= 1.23); default: our fixture (the IstioOperator CRD)."
  type        = string
  default     = "../../tests/fixtures/manifests/istio.yaml"
}

# SHA-256 of the install files (README.md, "Pinned inputs"): a file that differs fails the plan.
variable "cert_manager_manifests_sha256" {
  type    = string
  default = null
}

variable "istio_csr_manifests_sha256" {
  type    = string
  default = null
}

variable "istio_manifests_sha256" {
  description = "SHA-256 of the file at istio_manifests_path; the plan fails when it differs. null: not checked."
  type        = string
  default     = null
}

locals {
  istio_csr_address = "cert-manager-istio-csr.cert-manager.svc:443"
}

module "istio_operator" {
  count      = local.istio_csr ? 1 : 0
  source     = "../../modules/manifests"
  path       = abspath("${path.module}/${var.istio_manifests_path}")
  sha256     = var.istio_manifests_sha256
  depends_on = [kubernetes_namespace.istio_system]
}

resource "kubernetes_manifest" "istio" {
  count = local.istio_csr ? 1 : 0
  manifest = {
    apiVersion = "install.istio.io/v1alpha1"
    kind       = "IstioOperator"
    metadata   = { name = "istio", namespace = kubernetes_namespace.istio_system[0].metadata[0].name }
    spec = {
      profile = "demo"
      hub     = "gcr.io/istio-release"
      values = {
        global = { caAddress = local.istio_csr_address }
      }
      components = {
        pilot = {
          k8s = {
            env = [{ name = "ENABLE_CA_SERVER", value = "false" }]
            overlays = [{
                apiVersion = "apps/v1"
                kind       = "Deployment"
                name       = "istiod"
                patches = [
                  { path = "spec.template.spec.containers.[name:discovery].args[7]", value = "--tlsCertFile=/etc/cert-manager/tls/tls.crt" },
                  { path = "spec.template.spec.containers.[name:discovery].args[8]", value = "--tlsKeyFile=/etc/cert-manager/tls/tls.key" },
                  { path = "spec.template.spec.containers.[name:discovery].args[9]", value = "--caCertFile=/etc/cert-manager/ca/root-cert.pem" },
                  { path = "spec.template.spec.containers.[name:discovery].volumeMounts[6]", value = { name = "cert-manager", mountPath = "/etc/cert-manager/tls", readOnly = true } },
                  { path = "spec.template.spec.containers.[name:discovery].volumeMounts[7]", value = { name = "ca-root-cert", mountPath = "/etc/cert-manager/ca", readOnly = true } },
                  { path = "spec.template.spec.volumes[6]", value = { name = "cert-manager", secret = { secretName = "istiod-tls" } } },
                  { path = "spec.template.spec.volumes[7]", value = { name = "ca-root-cert", configMap = { defaultMode = 420, name = "istio-ca-root-cert" } } },
                ]
            }]
          }
        }
      }
    }
  }

  # HEALTHY: istiod is up, with its certificate from istio-csr (which must run first).
  wait {
    fields = { "status.status" = "HEALTHY" }
  }
  depends_on = [module.istio_operator, module.istio_csr]
}

output "istio_operator" {
  description = "The IstioOperator of step 4 (\"namespace/name\"); null without istio-csr."
  value       = local.istio_csr ? "istio-system/${kubernetes_manifest.istio[0].manifest.metadata.name}" : null
}
