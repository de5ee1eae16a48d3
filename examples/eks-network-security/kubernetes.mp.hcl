# In the cluster, same apply: the seed's NetworkPolicies, the SecurityGroupPolicy for the
# helloworld pods, and the istio-csr path (cert-manager → AWSPCAClusterIssuer → istio-csr).

variable "aws_crds_path" {
  description = "CRDs of SecurityGroupPolicy and AWSPCAClusterIssuer when the cluster lacks them. null: none on AWS (EKS serves SecurityGroupPolicy; the PCA issuer plugin's install brings its own), our fixture against the emulators."
  type        = string
  default     = null
}

variable "cert_manager_manifests_path" {
  description = "cert-manager's install manifests (on AWS: the pinned release's cert-manager.yaml); default: our fixture."
  type        = string
  default     = "../../tests/fixtures/manifests/cert-manager.yaml"
}

variable "awspca_arn" {
  description = "ARN of an existing ACM Private CA for the AWSPCAClusterIssuer and istio-csr; null: the one private-ca.mp.hcl makes (create_private_ca)."
  type        = string
  default     = null
}

variable "root_ca_pem" {
  description = "With awspca_arn: PEM of that CA's root certificate, istio-csr's root CA file (Secret cert-manager/istio-root-ca, ca.pem). Unused for the CA made here (its own root is used)."
  type        = string
  default     = null
}

variable "istio_csr_manifests_path" {
  description = "The rendered cert-manager-istio-csr chart (Helm is not used: `helm template` with the seed's --set values, saved to a file). Default: our own equivalent fixture."
  type        = string
  default     = "../../tests/fixtures/manifests/istio-csr.yaml"
}

provider "kubernetes" {
  host                   = module.eks.endpoint
  cluster_ca_certificate = module.eks.cluster_ca_certificate
  # exec: tokens renewed during a long apply (see examples/irsa).
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    env         = local.eks_token_env
  }
}

locals {
  eks_token_env = merge(
    contains(keys(var.aws_endpoints), "sts") ? { AWS_ENDPOINT_URL_STS = var.aws_endpoints["sts"] } : {},
    var.aws_access_key == null ? {} : { AWS_ACCESS_KEY_ID = var.aws_access_key, AWS_SECRET_ACCESS_KEY = var.aws_secret_key },
  )
  aws_crds_path = var.aws_crds_path != null ? var.aws_crds_path : (local.on_aws ? null : "../../tests/fixtures/manifests/aws-crds.yaml")
  istio_csr     = local.make_ca || var.awspca_arn != null
}

module "aws_crds" {
  count  = local.aws_crds_path == null ? 0 : 1
  source = "../../modules/manifests"
  path   = abspath("${path.module}/${local.aws_crds_path}")
}

resource "kubernetes_namespace" "app" {
  for_each = toset(["sleep", "helloworld"])
  metadata {
    name   = each.key
    labels = { "istio-injection" = "enabled" }
  }
}

module "baseline" {
  source     = "../../modules/network-policy-baseline"
  namespaces = [for ns in kubernetes_namespace.app : ns.metadata[0].name]

  # The seed's allow-ingress-app-one, for helloworld and its client sleep.
  allows = {
    allow-helloworld-from-sleep = {
      namespace    = kubernetes_namespace.app["helloworld"].metadata[0].name
      pod_selector = { app = "helloworld" }
      ingress = [{
        from  = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "sleep" } }, podSelector = { matchLabels = { app = "sleep" } } }]
        ports = [{ protocol = "TCP", port = local.helloworld_port }]
      }]
    }
    allow-sleep-to-helloworld = {
      namespace    = kubernetes_namespace.app["sleep"].metadata[0].name
      pod_selector = { app = "sleep" }
      egress = [{
        to    = [{ namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "helloworld" } }, podSelector = { matchLabels = { app = "helloworld" } } }]
        ports = [{ protocol = "TCP", port = local.helloworld_port }]
      }]
    }
  }

  # An existing group, as the seed warns: the SecurityGroupPolicy refers to the group made in
  # this apply, so it is applied after it.
  security_group_policies = {
    helloworld-sgp = {
      namespace          = kubernetes_namespace.app["helloworld"].metadata[0].name
      pod_selector       = { app = "helloworld" }
      security_group_ids = [module.helloworld_sg.security_group_id]
    }
  }

  awspca_cluster_issuer = local.istio_csr ? { name = "aws-pca-issuer", arn = local.pca_arn, region = var.region } : null
  depends_on            = [module.aws_crds]
}

# --- istio-csr (seed: "ACM Private CA with Istio and cert-manager", steps 1-3) -------------

module "cert_manager" {
  count  = local.istio_csr ? 1 : 0
  source = "../../modules/manifests"
  path   = abspath("${path.module}/${var.cert_manager_manifests_path}")
  sha256 = var.cert_manager_manifests_sha256
}

# Step 2: istio-csr's certificate requests live in istio-system.
resource "kubernetes_namespace" "istio_system" {
  count = local.istio_csr ? 1 : 0
  metadata {
    name = "istio-system"
  }
}

# The chart's volumes[0]: the CA root istio-csr hands to workloads.
resource "kubernetes_secret" "istio_root_ca" {
  count = local.istio_csr && (local.make_ca || var.root_ca_pem != null) ? 1 : 0
  metadata {
    name      = "istio-root-ca"
    namespace = "cert-manager"
  }
  data       = { "ca.pem" = local.root_ca_pem }
  depends_on = [module.cert_manager]
}

# Step 3: the chart's objects (issuer awspca.cert-manager.io/AWSPCAClusterIssuer/aws-pca-issuer,
# preserveCertificateRequests, 48h/24h durations, root CA from the Secret above).
module "istio_csr" {
  count      = local.istio_csr ? 1 : 0
  source     = "../../modules/manifests"
  path       = abspath("${path.module}/${var.istio_csr_manifests_path}")
  sha256     = var.istio_csr_manifests_sha256
  depends_on = [module.cert_manager, kubernetes_namespace.istio_system, kubernetes_secret.istio_root_ca, module.baseline]
}

output "network_policies" {
  value = module.baseline.policies
}

output "security_group_policies" {
  value = module.baseline.security_group_policies
}

output "istio_csr_objects" {
  value = local.istio_csr ? module.istio_csr[0].keys : []
}
