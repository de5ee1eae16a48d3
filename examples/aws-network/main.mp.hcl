# Two peered VPCs (foo and bar), each with a public and a private subnet per availability
# zone, an internet gateway, one NAT gateway, public and private route tables, routes to
# each other through the peering connection, and a security group that admits the peer.
#
# With the variables unset this targets real AWS through the standard credential chain;
# `scripts/demo aws-network` sets them to a local moto (see README.md).

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

variable "vpcs" {
  description = "VPC name → CIDR block; the first two are peered."
  type        = map(string)
  default = {
    foo = "10.10.0.0/16"
    bar = "10.20.0.0/16"
  }
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
  # Emulators serve buckets on one host name; AWS itself prefers virtual-hosted style.
  s3_use_path_style = length(var.aws_endpoints) > 0
  default_tags {
    tags = { example = "aws-network", managed-by = "meshplan" }
  }
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  azs   = slice(sort(data.aws_availability_zones.available.names), 0, 2)
  names = sort(keys(var.vpcs))
  # Each VPC's peer: the other one of the pair.
  peer = { (local.names[0]) = local.names[1], (local.names[1]) = local.names[0] }

  # "<vpc>-public-<az>" / "<vpc>-private-<az>": public subnets take /24 number i, private
  # ones 100 + i, so adding an AZ never renumbers existing subnets.
  subnets = {
    for s in flatten([
      for vpc, cidr in var.vpcs : [
        for i, az in local.azs : [
          { key = "${vpc}-public-${az}", vpc = vpc, az = az, public = true, cidr = cidrsubnet(cidr, 8, i) },
          { key = "${vpc}-private-${az}", vpc = vpc, az = az, public = false, cidr = cidrsubnet(cidr, 8, 100 + i) },
        ]
      ]
    ]) : s.key => s
  }

  # Both route tables of each VPC get a route to the peer's CIDR.
  peer_routes = {
    for r in flatten([for vpc in local.names : [for tier in ["public", "private"] : { key = "${vpc}-${tier}", vpc = vpc, tier = tier }]]) : r.key => r
  }
}

resource "aws_vpc" "this" {
  for_each             = var.vpcs
  cidr_block           = each.value
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = each.key }
}

resource "aws_subnet" "this" {
  for_each                = local.subnets
  vpc_id                  = aws_vpc.this[each.value.vpc].id
  cidr_block              = each.value.cidr
  availability_zone       = each.value.az
  map_public_ip_on_launch = each.value.public
  tags = {
    Name = each.key
    # What EKS's load balancer controller looks for.
    "kubernetes.io/role/${each.value.public ? "elb" : "internal-elb"}" = "1"
  }
}

resource "aws_internet_gateway" "this" {
  for_each = var.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  tags     = { Name = each.key }
}

resource "aws_eip" "nat" {
  for_each = var.vpcs
  domain   = "vpc"
  tags     = { Name = "${each.key}-nat" }
}

# One NAT gateway per VPC, in the first AZ's public subnet (a NAT per AZ costs more; the
# vpc module offers both).
resource "aws_nat_gateway" "this" {
  for_each      = var.vpcs
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.this["${each.key}-public-${local.azs[0]}"].id
  tags          = { Name = each.key }
}

resource "aws_route_table" "public" {
  for_each = var.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  tags     = { Name = "${each.key}-public" }
}

resource "aws_route_table" "private" {
  for_each = var.vpcs
  vpc_id   = aws_vpc.this[each.key].id
  tags     = { Name = "${each.key}-private" }
}

resource "aws_route" "internet" {
  for_each               = var.vpcs
  route_table_id         = aws_route_table.public[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[each.key].id
}

resource "aws_route" "nat" {
  for_each               = var.vpcs
  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[each.key].id
}

resource "aws_route_table_association" "this" {
  for_each       = local.subnets
  subnet_id      = aws_subnet.this[each.key].id
  route_table_id = each.value.public ? aws_route_table.public[each.value.vpc].id : aws_route_table.private[each.value.vpc].id
}

# Same account and region: the requester accepts its own request.
resource "aws_vpc_peering_connection" "this" {
  vpc_id      = aws_vpc.this[local.names[0]].id
  peer_vpc_id = aws_vpc.this[local.names[1]].id
  auto_accept = true
  requester {
    allow_remote_vpc_dns_resolution = true
  }
  accepter {
    allow_remote_vpc_dns_resolution = true
  }
  tags = { Name = "${local.names[0]}-${local.names[1]}" }
}

resource "aws_route" "peer" {
  for_each                  = local.peer_routes
  route_table_id            = each.value.tier == "public" ? aws_route_table.public[each.value.vpc].id : aws_route_table.private[each.value.vpc].id
  destination_cidr_block    = var.vpcs[local.peer[each.value.vpc]]
  vpc_peering_connection_id = aws_vpc_peering_connection.this.id
}

# Workloads: HTTPS and the mesh's east-west port from the peer VPC, everything within the
# VPC itself, all egress.
resource "aws_security_group" "workloads" {
  for_each    = var.vpcs
  name        = "${each.key}-workloads"
  description = "Workloads of ${each.key}: own VPC and the peer's mesh traffic"
  vpc_id      = aws_vpc.this[each.key].id

  ingress {
    description = "own VPC"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [each.value]
  }
  ingress {
    description = "HTTPS from ${local.peer[each.key]}"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [var.vpcs[local.peer[each.key]]]
  }
  ingress {
    description = "east-west gateway from ${local.peer[each.key]}"
    protocol    = "tcp"
    from_port   = 15443
    to_port     = 15443
    cidr_blocks = [var.vpcs[local.peer[each.key]]]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "${each.key}-workloads" }
}

output "vpc_ids" {
  value = { for k, v in aws_vpc.this : k => v.id }
}

output "private_subnet_ids" {
  value = { for k, s in aws_subnet.this : k => s.id if !local.subnets[k].public }
}

output "peering_connection_id" {
  value = aws_vpc_peering_connection.this.id
}
