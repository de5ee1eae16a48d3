# In the cluster, same apply: what the seed does with kubectl once terraform is done.
# Kept in its own file: a run against an EKS emulator without a reachable API server (plain
# moto) leaves this file out (see README.md).

# Configured from the cluster created in this apply: the plan defers its resources.
provider "kubernetes" {
  host                   = module.eks.endpoint
  cluster_ca_certificate = module.eks.cluster_ca_certificate
  # exec, not a data source's token: EKS refuses a token 15 minutes after signing, and the
  # provider renews exec tokens (one made once per run cannot last a long apply).
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.eks.cluster_name, "--region", var.region]
    env         = local.eks_token_env
  }
}

# What `aws eks get-token` (built into the kubernetes provider: no aws CLI needed) reads
# besides its args: the STS endpoint and keys the aws provider was given (the emulators);
# with them unset, the standard credential chain and the region's STS, as on AWS.
locals {
  eks_token_env = merge(
    contains(keys(var.aws_endpoints), "sts") ? { AWS_ENDPOINT_URL_STS = var.aws_endpoints["sts"] } : {},
    var.aws_access_key == null ? {} : { AWS_ACCESS_KEY_ID = var.aws_access_key, AWS_SECRET_ACCESS_KEY = var.aws_secret_key },
  )
}

# The seed's aws-auth-cm.yaml: the worker role may join as a node. (EKS writes the same entry
# for managed node groups; server-side apply takes the field over.)
resource "kubernetes_manifest" "aws_auth" {
  manifest = {
    apiVersion = "v1"
    kind       = "ConfigMap"
    metadata   = { name = "aws-auth", namespace = "kube-system" }
    data = {
      mapRoles = yamlencode([{
        rolearn  = module.eks.node_role_arn
        username = "system:node:{{EC2PrivateDNSName}}"
        groups   = ["system:bootstrappers", "system:nodes"]
      }])
    }
  }
}

# The seed's sa_aws_node.yaml: aws-node annotated with its role. (EKS created the
# ServiceAccount; server-side apply takes over the annotation. aws-node pods pick the role up
# when they are next created: the seed's `kubectl rollout restart`.)
module "aws_node_service_account" {
  source    = "../../modules/irsa-role/service-account"
  name      = "aws-node"
  namespace = "kube-system"
  role_arn  = module.aws_node_irsa.role_arn
}
