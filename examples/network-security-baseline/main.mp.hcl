# The EKS network-security baseline (seed eks-network-security.md), in-cluster only: app
# namespaces with default deny + DNS egress, the seed's "allow port N from the client" rule,
# optionally security groups for pods and an ACM PCA ClusterIssuer.

variable "host" {
  type = string
}

variable "token" {
  type      = string
  sensitive = true
}

variable "cluster_ca_certificate" {
  description = "PEM of the cluster CA."
  type        = string
}

variable "namespaces" {
  type    = list(string)
  default = ["sleep", "helloworld"]
}

variable "crds_path" {
  description = "CRDs of SecurityGroupPolicy/AWSPCAClusterIssuer when the cluster lacks them (tests: tests/fixtures/manifests/aws-crds.yaml)."
  type        = string
  default     = null
}

variable "pod_security_group_ids" {
  description = "Security groups for the helloworld pods ([]: no SecurityGroupPolicy)."
  type        = list(string)
  default     = []
}

variable "awspca_arn" {
  description = "ACM PCA ARN for an AWSPCAClusterIssuer (null: none)."
  type        = string
  default     = null
}

variable "region" {
  type    = string
  default = "us-west-2"
}

provider "kubernetes" {
  host                   = var.host
  token                  = var.token
  cluster_ca_certificate = var.cluster_ca_certificate
}

# CRDs applied in the same run: the provider retries objects of a kind not yet served.
module "crds" {
  count  = var.crds_path == null ? 0 : 1
  source = "../../modules/manifests"
  path   = var.crds_path
}

resource "kubernetes_namespace" "app" {
  for_each = toset(var.namespaces)
  metadata {
    name   = each.key
    labels = { "istio-injection" = "enabled" }
  }
}

module "baseline" {
  source     = "../../modules/network-policy-baseline"
  namespaces = [for ns in kubernetes_namespace.app : ns.metadata[0].name]

  allows = {
    allow-helloworld-from-sleep = {
      namespace    = kubernetes_namespace.app["helloworld"].metadata[0].name
      pod_selector = { app = "helloworld" }
      ingress      = [{
          from = [{
              namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "sleep" } }
              podSelector       = { matchLabels = { app = "sleep" } }
          }]
          ports = [{ protocol = "TCP", port = 5000 }]
      }]
    }
    allow-sleep-to-helloworld = {
      namespace    = kubernetes_namespace.app["sleep"].metadata[0].name
      pod_selector = { app = "sleep" }
      egress       = [{
          to = [{
              namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "helloworld" } }
              podSelector       = { matchLabels = { app = "helloworld" } }
          }]
          ports = [{ protocol = "TCP", port = 5000 }]
      }]
    }
  }

  security_group_policies = length(var.pod_security_group_ids) == 0 ? {} : {
    helloworld-sgp = {
      namespace          = kubernetes_namespace.app["helloworld"].metadata[0].name
      pod_selector       = { app = "helloworld" }
      security_group_ids = var.pod_security_group_ids
    }
  }

  awspca_cluster_issuer = var.awspca_arn == null ? null : {
    name   = "aws-pca-issuer"
    arn    = var.awspca_arn
    region = var.region
  }
}

output "policies" {
  value = module.baseline.policies
}

output "security_group_policies" {
  value = module.baseline.security_group_policies
}

output "awspca_cluster_issuer" {
  value = module.baseline.awspca_cluster_issuer
}
