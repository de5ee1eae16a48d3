# Seed "ACM Private CA with cert-manager": the Private CA, its root certificate, and the
# aws-privateca-issuer plugin with an IRSA role allowed exactly the seed's three actions on
# that CA. The AWSPCAClusterIssuer (kubernetes.mp.hcl, module.baseline) and istio-csr use it.

variable "create_private_ca" {
  description = "Make the ACM Private CA here (ROOT, its self-signed root certificate installed) when awspca_arn is null. false with awspca_arn null: no CA, no issuer, no istio-csr."
  type        = bool
  default     = true
}

variable "private_ca_usage_mode" {
  description = "The CA's usage mode. null: AWS's default (GENERAL_PURPOSE); SHORT_LIVED_CERTIFICATE is the seed's short-lived CA mode for Istio."
  type        = string
  default     = null
}

variable "privateca_issuer_manifests_path" {
  description = "The rendered aws-privateca-issuer chart (serviceAccount.create=false, serviceAccount.name=aws-privateca-issuer: the ServiceAccount is made here). Default: our own small equivalent fixture."
  type        = string
  default     = "../../tests/fixtures/manifests/aws-privateca-issuer.yaml"
}

data "aws_partition" "current" {}

locals {
  make_ca = var.awspca_arn == null && var.create_private_ca
  # Through the installed certificate: the issuer is made once the CA is ACTIVE.
  pca_arn     = local.make_ca ? aws_acmpca_certificate_authority_certificate.root[0].certificate_authority_arn : var.awspca_arn
  root_ca_pem = local.make_ca ? aws_acmpca_certificate.root[0].certificate : var.root_ca_pem
}

resource "aws_acmpca_certificate_authority" "mesh" {
  count      = local.make_ca ? 1 : 0
  type       = "ROOT"
  usage_mode = var.private_ca_usage_mode

  certificate_authority_configuration {
    key_algorithm     = "RSA_2048"
    signing_algorithm = "SHA256WITHRSA"
    subject {
      common_name  = "${var.cluster_name} mesh root CA"
      organization = "meshplan"
    }
  }

  permanent_deletion_time_in_days = 7
}

# The root CA's own certificate: its CSR signed with the RootCACertificate template.
resource "aws_acmpca_certificate" "root" {
  count                       = local.make_ca ? 1 : 0
  certificate_authority_arn   = aws_acmpca_certificate_authority.mesh[0].arn
  certificate_signing_request = aws_acmpca_certificate_authority.mesh[0].certificate_signing_request
  signing_algorithm           = "SHA256WITHRSA"
  template_arn                = "arn:${data.aws_partition.current.partition}:acm-pca:::template/RootCACertificate/V1"

  validity {
    type  = "YEARS"
    value = 10
  }
}

# Installing it makes the CA ACTIVE.
resource "aws_acmpca_certificate_authority_certificate" "root" {
  count                     = local.make_ca ? 1 : 0
  certificate_authority_arn = aws_acmpca_certificate_authority.mesh[0].arn
  certificate               = aws_acmpca_certificate.root[0].certificate
}

# The seed's policy ("awspcaissuer"), on an IRSA role of the plugin's ServiceAccount instead of
# the node role (the seed: "IRSA can also be used").
module "privateca_issuer_irsa" {
  count             = local.istio_csr ? 1 : 0
  source            = "../../modules/irsa-role"
  name              = "${var.cluster_name}-aws-privateca-issuer"
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer_url   = module.eks.oidc_issuer_url
  namespace         = "cert-manager"
  service_account   = "aws-privateca-issuer"
  inline_policies = {
    awspcaissuer = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid      = "awspcaissuer"
        Action   = ["acm-pca:DescribeCertificateAuthority", "acm-pca:GetCertificate", "acm-pca:IssueCertificate"]
        Effect   = "Allow"
        Resource = local.pca_arn
      }]
    })
  }
}

module "privateca_issuer_service_account" {
  count      = local.istio_csr ? 1 : 0
  source     = "../../modules/irsa-role/service-account"
  name       = "aws-privateca-issuer"
  namespace  = "cert-manager"
  role_arn   = module.privateca_issuer_irsa[0].role_arn
  depends_on = [module.cert_manager]
}

# After the ServiceAccount: the plugin's pods must start with the role.
module "privateca_issuer" {
  count      = local.istio_csr ? 1 : 0
  source     = "../../modules/manifests"
  path       = abspath("${path.module}/${var.privateca_issuer_manifests_path}")
  depends_on = [module.privateca_issuer_service_account]
}

# A certificate from the Private CA through the issuer: istiod's serving certificate, in the
# Secret istiod-tls the seed's istiod overlay mounts.
resource "kubernetes_manifest" "istiod_certificate" {
  count = local.istio_csr ? 1 : 0
  manifest = {
    apiVersion = "cert-manager.io/v1"
    kind       = "Certificate"
    metadata   = { name = "istiod", namespace = kubernetes_namespace.istio_system[0].metadata[0].name }
    spec = {
      secretName  = "istiod-tls"
      duration    = "24h"
      renewBefore = "30m"
      commonName  = "istiod.istio-system.svc"
      dnsNames    = ["istiod.istio-system.svc"]
      uris        = ["spiffe://cluster.local/ns/istio-system/sa/istiod-service-account"]
      privateKey  = { algorithm = "RSA", size = 2048 }
      issuerRef   = { group = "awspca.cert-manager.io", kind = "AWSPCAClusterIssuer", name = "aws-pca-issuer" }
    }
  }
  depends_on = [module.cert_manager, module.baseline, module.privateca_issuer]
}

output "private_ca_arn" {
  value = local.pca_arn
}
