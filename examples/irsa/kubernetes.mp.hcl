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

# The seed's sa_aws_node.yaml: aws-node annotated with its role. EKS created the
# ServiceAccount (and, with enable_addons, the vpc-cni addon writes the same annotation): we
# patch the one key, and destroy gives it back.
resource "kubernetes_annotations" "aws_node_role" {
  api_version = "v1"
  kind        = "ServiceAccount"
  metadata {
    name      = "aws-node"
    namespace = "kube-system"
  }
  annotations = { "eks.amazonaws.com/role-arn" = module.aws_node_irsa.role_arn }
  force       = true
}

# The seed's `kubectl rollout restart daemonset/aws-node`: pods get the role's credentials
# only when created, so the pod template's restartedAt changes (rolling aws-node) whenever the
# role does. A time_sleep's id is the RFC 3339 time it was created, and a new role ARN
# replaces it: one restart per role, as kubectl's restartedAt.
resource "time_sleep" "aws_node_role_changed" {
  create_duration = "0s"
  triggers        = { role_arn = module.aws_node_irsa.role_arn }
}

resource "kubernetes_annotations" "aws_node_restart" {
  api_version = "apps/v1"
  kind        = "DaemonSet"
  metadata {
    name      = "aws-node"
    namespace = "kube-system"
  }
  template_annotations = { "kubectl.kubernetes.io/restartedAt" = time_sleep.aws_node_role_changed.id }
  force                = true
  # After the annotation: restarted pods must see the new role.
  depends_on = [kubernetes_annotations.aws_node_role]
}
