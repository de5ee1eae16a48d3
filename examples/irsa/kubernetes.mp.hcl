# In the cluster, same apply: what the seed does with kubectl once terraform is done.
# Kept in its own file: a run against an EKS emulator without a reachable API server (plain
# moto) leaves this file out (see README.md).

# Configured from the cluster created in this apply: the plan defers its resources.
provider "kubernetes" {
  host                   = module.eks.endpoint
  cluster_ca_certificate = module.eks.cluster_ca_certificate
  token                  = data.aws_eks_cluster_auth.this.token
}

data "aws_eks_cluster_auth" "this" {
  name = module.eks.cluster_name
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
