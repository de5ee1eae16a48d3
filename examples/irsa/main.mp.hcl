# IAM roles for service accounts (seed irsa-terraform.md): a VPC, the EKS cluster
# demo-eks-oidc-test with worker nodes and its IAM OIDC provider, the IRSA role
# <cluster>-aws-node for the VPC CNI's kube-system:aws-node (AmazonEKS_CNI_Policy), and, in
# the cluster (same apply), the aws-auth ConfigMap mapping the worker role, the aws-node
# ServiceAccount annotated with the role and aws-node restarted — what the seed does with
# kubectl after terraform (those are in kubernetes.mp.hcl). The node role carries no
# AmazonEKS_CNI_Policy: aws-node's rights come from its IRSA role only.
#
# With the variables unset this targets real AWS through the standard credential chain;
# README.md shows the run against a local moto (+ a kube test server).

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "aws_endpoints" {
  description = "Service endpoint overrides (ec2, iam, eks, s3, sts, logs), e.g. a local emulator; empty for AWS itself."
  type        = map(string)
  default     = {}
}

variable "aws_access_key" {
  type      = string
  default   = null
  sensitive = true
}

variable "aws_secret_key" {
  type      = string
  default   = null
  sensitive = true
}

variable "cluster_name" {
  type    = string
  default = "demo-eks-oidc-test"
}

variable "kubernetes_version" {
  type    = string
  default = "1.29"
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "azs" {
  description = "AZs for the subnets; empty: the region's first two. (Pass them to `destroy`, which does not read data sources.)"
  type        = list(string)
  default     = []
}

variable "worker_count" {
  description = "Worker nodes (the seed's cluster has four)."
  type        = number
  default     = 4
}

variable "worker_instance_type" {
  type    = string
  default = "t3.medium"
}

# SHA-1 of the top CA serving oidc.eks.<region>.amazonaws.com (DOMAIN.md §3; what the seed
# gets from kubergrunt). AWS ignores it for EKS issuers; null reads it from the issuer.
variable "oidc_thumbprint" {
  type    = string
  default = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
}

variable "aws_node_role_name" {
  description = "Name of aws-node's IRSA role; null: <cluster_name>-aws-node (the seed's)."
  type        = string
  default     = null
}

variable "enable_addons" {
  description = "EKS addons (vpc-cni, kube-proxy, coredns, aws-ebs-csi-driver). null: on against AWS, off when aws_endpoints is set (moto has no addon API)."
  type        = bool
  default     = null
}

provider "aws" {
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  endpoints {
    ec2 = lookup(var.aws_endpoints, "ec2", null)
    iam = lookup(var.aws_endpoints, "iam", null)
    eks = lookup(var.aws_endpoints, "eks", null)
    s3  = lookup(var.aws_endpoints, "s3", null)
    sts  = lookup(var.aws_endpoints, "sts", null)
    logs = lookup(var.aws_endpoints, "logs", null)
  }
  s3_use_path_style = length(var.aws_endpoints) > 0
  default_tags {
    tags = { example = "irsa", managed-by = "meshplan" }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  on_aws        = length(var.aws_endpoints) == 0
  enable_addons = local.on_aws ? coalesce(var.enable_addons, true) : coalesce(var.enable_addons, false)
  azs           = length(var.azs) > 0 ? var.azs : slice(sort(data.aws_availability_zones.available.names), 0, 2)
}

module "vpc" {
  source             = "../../modules/vpc"
  name               = var.cluster_name
  cidr               = var.vpc_cidr
  azs                = local.azs
  single_nat_gateway = true
  cluster_names      = [var.cluster_name]
}

module "eks" {
  source             = "../../modules/eks-cluster"
  name               = var.cluster_name
  kubernetes_version = var.kubernetes_version
  subnet_ids         = module.vpc.private_subnet_ids
  oidc_thumbprint    = var.oidc_thumbprint
  enable_addons      = local.enable_addons
  # The seed's point: the VPC CNI's rights come from aws-node's own role, not from the node
  # role (whose pods would all share them). The addon annotates aws-node with the role; against
  # the emulators (no addon API) kubernetes.mp.hcl does, as the seed's kubectl does.
  node_role_attach_cni_policy = false
  vpc_cni_role_arn            = module.aws_node_irsa.role_arn
  node_groups = {
    workers = {
      instance_types = [var.worker_instance_type]
      desired_size   = var.worker_count
      min_size       = 1
      max_size       = 10
    }
  }
}

# The VPC CNI's own role: without credentials aws-node cannot assign pod IPs and coredns
# stays ContainerCreating (the seed's "what's the problem with the coredns pods?").
module "aws_node_irsa" {
  source            = "../../modules/irsa-role"
  name              = coalesce(var.aws_node_role_name, "${var.cluster_name}-aws-node")
  oidc_provider_arn = module.eks.oidc_provider_arn
  oidc_issuer_url   = module.eks.oidc_issuer_url
  namespace         = "kube-system"
  service_account   = "aws-node"
  policy_arns       = { cni = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" }
}

output "eks_cluster_name" {
  value = module.eks.cluster_name
}

output "eks_cluster_endpoint" {
  value = module.eks.endpoint
}

output "worker_node_role_arn" {
  value = module.eks.node_role_arn
}

output "worker_node_role_policy_arns" {
  description = "The node role's managed policies: no AmazonEKS_CNI_Policy (aws-node has its own role)."
  value       = module.eks.node_role_policy_arns
}

output "aws_node_role_arn" {
  value = module.aws_node_irsa.role_arn
}

output "aws_node_trust_policy" {
  value = module.aws_node_irsa.trust_policy
}

output "oidc_provider_arn" {
  value = module.eks.oidc_provider_arn
}

# The seed's hand-written kubeconfig, with the aws-iam-authenticator exec plugin.
output "kubeconfig" {
  value = yamlencode({
    apiVersion = "v1"
    kind       = "Config"
    clusters = [{ name = "kubernetes", cluster = {
      server                       = module.eks.endpoint
      "certificate-authority-data" = module.eks.certificate_authority_data
    } }]
    contexts          = [{ name = "aws", context = { cluster = "kubernetes", user = "aws" } }]
    "current-context" = "aws"
    preferences       = {}
    users = [{ name = "aws", user = { exec = {
      apiVersion = "client.authentication.k8s.io/v1beta1"
      command    = "aws-iam-authenticator"
      args       = ["token", "-i", module.eks.cluster_name]
    } } }]
  })
}
