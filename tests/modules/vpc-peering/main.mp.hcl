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

variable "peer_region" {
  description = "The bar VPC's region for the cross-region pair."
  type        = string
  default     = "us-west-2"
}

provider "aws" {
  alias      = "peer"
  region     = var.peer_region
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

# Same region: foo 10.2.0.0/16 ↔ bar 10.3.0.0/16 (the seed's pair), single NAT each.
module "vpc_foo" {
  source             = "../../../modules/vpc"
  name               = "foo"
  cidr               = "10.2.0.0/16"
  azs                = ["${var.region}a", "${var.region}b"]
  single_nat_gateway = true
}

module "vpc_bar" {
  source             = "../../../modules/vpc"
  name               = "bar"
  cidr               = "10.3.0.0/16"
  azs                = ["${var.region}a", "${var.region}b"]
  single_nat_gateway = true
}

module "peering" {
  source                    = "../../../modules/vpc-peering"
  providers                 = { aws = aws, aws.peer = aws }
  name                      = "foo-bar"
  requester_vpc_id          = module.vpc_foo.vpc_id
  requester_cidr            = module.vpc_foo.cidr_block
  requester_route_table_ids = module.vpc_foo.private_route_table_ids
  accepter_vpc_id           = module.vpc_bar.vpc_id
  accepter_cidr             = module.vpc_bar.cidr_block
  accepter_route_table_ids  = module.vpc_bar.private_route_table_ids
}

# Cross region: baz (region) ↔ qux (peer_region), accepted through aws.peer.
module "vpc_baz" {
  source             = "../../../modules/vpc"
  name               = "baz"
  cidr               = "10.4.0.0/16"
  azs                = ["${var.region}a"]
  single_nat_gateway = true
}

module "vpc_qux" {
  source             = "../../../modules/vpc"
  providers          = { aws = aws.peer }
  name               = "qux"
  cidr               = "10.5.0.0/16"
  azs                = ["${var.peer_region}a"]
  single_nat_gateway = true
}

module "peering_cross_region" {
  source                      = "../../../modules/vpc-peering"
  providers                   = { aws = aws, aws.peer = aws.peer }
  name                        = "baz-qux"
  peer_region                 = var.peer_region
  requester_vpc_id            = module.vpc_baz.vpc_id
  requester_cidr              = module.vpc_baz.cidr_block
  requester_route_table_ids   = module.vpc_baz.route_table_ids
  accepter_vpc_id             = module.vpc_qux.vpc_id
  accepter_cidr               = module.vpc_qux.cidr_block
  accepter_route_table_ids    = module.vpc_qux.route_table_ids
  create_peer_security_groups = false
}

output "peering_ids" {
  value = [module.peering.peering_connection_id, module.peering_cross_region.peering_connection_id]
}

output "security_groups" {
  value = [module.peering.requester_security_group_id, module.peering.accepter_security_group_id]
}
