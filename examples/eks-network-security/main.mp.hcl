# EKS network security (seed eks-network-security.md) in ONE apply: the AWS half — a VPC, an
# EKS cluster whose VPC CNI enforces NetworkPolicies (enableNetworkPolicy) and gives pods
# security groups (ENABLE_POD_ENI + AmazonEKSVPCResourceController), a security group for the
# helloworld pods with the DNS and probe rules the seed requires — and, in kubernetes.mp.hcl,
# the in-cluster half: namespaces with default deny + DNS egress, the allow rules, the
# SecurityGroupPolicy, and istio-csr against an ACM PCA issuer.
#
# With the variables unset this targets real AWS; README.md shows the run against the local
# emulators (moto + a kube test server).

variable "region" {
  type    = string
  default = "us-west-2"
}

variable "aws_endpoints" {
  description = "Service endpoint overrides (acmpca, ec2, iam, eks, s3, sts), e.g. a local emulator; empty for AWS itself."
  type        = map(string)
  default     = {}

  # Against AWS, the install manifests must be the pinned upstream files: our test fixtures
  # (tests/fixtures/manifests) name placeholder images (example.invalid) and open CRD schemas.
  # Checked here because every AWS call waits for this variable: a plan stops before any.
  validation {
    condition     = length(var.aws_endpoints) > 0 || var.awspca_arn == null || length([for k, p in { cert_manager_manifests_path = var.cert_manager_manifests_path, istio_csr_manifests_path = var.istio_csr_manifests_path, istio_manifests_path = var.istio_manifests_path } : k if length(regexall("example\\.invalid|^# Test fixture", file("${path.module}/${p}"))) > 0]) == 0
    error_message = "against AWS (aws_endpoints is empty) these inputs are still meshplan's test fixtures (placeholder example.invalid images, open CRD schemas): ${join(", ", [for k, p in { cert_manager_manifests_path = var.cert_manager_manifests_path, istio_csr_manifests_path = var.istio_csr_manifests_path, istio_manifests_path = var.istio_manifests_path } : k if length(regexall("example\\.invalid|^# Test fixture", file("${path.module}/${p}"))) > 0])}. Pass the pinned upstream files listed in README.md, \"Pinned inputs\"."
  }
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
  default = "netsec"
}

variable "kubernetes_version" {
  type    = string
  default = "1.29"
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "azs" {
  description = "AZs for the subnets; empty: the region's first two."
  type        = list(string)
  default     = []
}

variable "node_instance_type" {
  description = "Security groups for pods need ENI trunking: m5 and most current Nitro types (not t3)."
  type        = string
  default     = "m5.large"
}

variable "enable_addons" {
  description = "EKS addons. null: on against AWS, off when aws_endpoints is set (moto has no addon API)."
  type        = bool
  default     = null
}

variable "oidc_thumbprint" {
  type    = string
  default = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
}

provider "aws" {
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  endpoints {
    acmpca = lookup(var.aws_endpoints, "acmpca", null)
    ec2    = lookup(var.aws_endpoints, "ec2", null)
    iam    = lookup(var.aws_endpoints, "iam", null)
    eks    = lookup(var.aws_endpoints, "eks", null)
    s3     = lookup(var.aws_endpoints, "s3", null)
    sts    = lookup(var.aws_endpoints, "sts", null)
  }
  s3_use_path_style = length(var.aws_endpoints) > 0
  default_tags {
    tags = { example = "eks-network-security", managed-by = "meshplan" }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  on_aws        = length(var.aws_endpoints) == 0
  enable_addons = local.on_aws ? coalesce(var.enable_addons, true) : coalesce(var.enable_addons, false)
  azs           = length(var.azs) > 0 ? var.azs : slice(sort(data.aws_availability_zones.available.names), 0, 2)
  # helloworld serves 5000 and is probed there (kubelet, from the node).
  helloworld_port = 5000
}

module "vpc" {
  source             = "../../modules/vpc"
  name               = var.cluster_name
  cidr               = var.vpc_cidr
  azs                = local.azs
  single_nat_gateway = true
  cluster_names      = [var.cluster_name]
}

# "VPC CNI Network Policy functionality is not enabled by default": the vpc-cni addon's
# configuration_values turn it on (enableNetworkPolicy, the module's default) together with
# ENABLE_POD_ENI, in the same apply as the policies that need them.
module "eks" {
  source                     = "../../modules/eks-cluster"
  name                       = var.cluster_name
  kubernetes_version         = var.kubernetes_version
  subnet_ids                 = module.vpc.private_subnet_ids
  oidc_thumbprint            = var.oidc_thumbprint
  enable_addons              = local.enable_addons
  enable_pod_security_groups = true
  vpc_cni_configuration      = { enableNetworkPolicy = "true" }
  node_groups = {
    workers = {
      instance_types = [var.node_instance_type]
      desired_size   = 2
      min_size       = 1
      max_size       = 3
    }
  }
}

# The pods' own security group: DNS to CoreDNS and back, kubelet probes, helloworld's port
# from the other pods (which reach it from their node's ENI, in the cluster security group).
module "helloworld_sg" {
  source                    = "../../modules/pod-security-group"
  name                      = "${var.cluster_name}-helloworld-pods"
  vpc_id                    = module.vpc.vpc_id
  cluster_security_group_id = module.eks.cluster_security_group_id
  probe_ports               = [local.helloworld_port]
  service_ports             = [local.helloworld_port]
  egress_cidrs              = [var.vpc_cidr]
  # moto (5.x) drops the description of rules that reference a group.
  describe_group_rules = local.on_aws
}

output "cluster_name" {
  value = module.eks.cluster_name
}

output "vpc_cni_configuration" {
  description = "The vpc-cni addon's configuration_values: network policy and pod ENI on."
  value       = module.eks.vpc_cni_configuration
}

output "pod_security_group_id" {
  value = module.helloworld_sg.security_group_id
}

output "cluster_security_group_id" {
  value = module.eks.cluster_security_group_id
}
