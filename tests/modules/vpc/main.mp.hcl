# Test configuration for modules/vpc: one VPC with a NAT per AZ, one with a single NAT.
# Endpoints come from variables (see ../README.md); unset, this targets real AWS.

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "aws_endpoints" {
  description = "Service endpoint overrides (ec2, iam, eks, s3, sts), e.g. a local emulator; empty for AWS itself."
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

provider "aws" {
  region     = var.region
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
  endpoints {
    ec2 = lookup(var.aws_endpoints, "ec2", null)
    iam = lookup(var.aws_endpoints, "iam", null)
    eks = lookup(var.aws_endpoints, "eks", null)
    s3  = lookup(var.aws_endpoints, "s3", null)
    sts = lookup(var.aws_endpoints, "sts", null)
  }
  s3_use_path_style = length(var.aws_endpoints) > 0
}

# AZs: var.azs if set, else the region's first three. (Pass var.azs to `destroy`: it does
# not read data sources, and a for_each or module input that needs one fails there.)
variable "azs" {
  type    = list(string)
  default = []
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs = length(var.azs) > 0 ? var.azs : slice(sort(data.aws_availability_zones.available.names), 0, 3)
}

module "per_az" {
  source        = "../../../modules/vpc"
  name          = "foo"
  cidr          = "10.2.0.0/16"
  azs           = local.azs
  cluster_names = ["foo-eks-cluster"]
}

module "single" {
  source             = "../../../modules/vpc"
  name               = "bar"
  cidr               = "10.3.0.0/16"
  azs                = slice(local.azs, 0, 2)
  single_nat_gateway = true
  cluster_names      = ["bar-eks-cluster"]
}

output "per_az" {
  value = {
    private_route_tables = module.per_az.private_route_table_ids
    private_subnets      = module.per_az.private_subnet_ids
  }
}

output "single_private_route_tables" {
  value = module.single.private_route_table_ids
}
