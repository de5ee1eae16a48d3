# VPC peering between a requester VPC (provider `aws`) and an accepter VPC (provider
# `aws.peer`), in the same region or across regions, with routes to the peer CIDR on each
# side's route tables, DNS resolution across the peering, and optionally a security group
# on each side admitting everything from the other VPC's CIDR.
#
# The caller passes both provider instances:
#   providers = { aws = aws, aws.peer = aws }        # same region
#   providers = { aws = aws, aws.peer = aws.west }   # cross region (set peer_region too)
# This module does not declare `provider "aws" { alias = "peer" }`: in meshplan a provider
# block in a module is a configuration of its own, not a proxy for the caller's.

locals {
  cross_region = var.peer_region != null
  # Accepted by the requester's own call when both sides are in one account and region;
  # otherwise the accepter side accepts.
  auto_accept = !local.cross_region && var.peer_owner_id == null
}

resource "aws_vpc_peering_connection" "this" {
  vpc_id        = var.requester_vpc_id
  peer_vpc_id   = var.accepter_vpc_id
  peer_region   = var.peer_region
  peer_owner_id = var.peer_owner_id
  auto_accept   = local.auto_accept
  tags          = merge(var.tags, { Name = var.name })
}

resource "aws_vpc_peering_connection_accepter" "this" {
  count                     = local.auto_accept ? 0 : 1
  provider                  = aws.peer
  vpc_peering_connection_id = aws_vpc_peering_connection.this.id
  auto_accept               = true
  tags                      = merge(var.tags, { Name = var.name })
}

locals {
  # The connection is usable once accepted, by whichever side accepts it.
  active_peering_id = local.auto_accept ? aws_vpc_peering_connection.this.id : aws_vpc_peering_connection_accepter.this[0].id
}

# Each side sets its own options, from its own region (cross-region peering requires it).
resource "aws_vpc_peering_connection_options" "requester" {
  vpc_peering_connection_id = local.active_peering_id
  requester {
    allow_remote_vpc_dns_resolution = var.allow_remote_vpc_dns_resolution
  }
}

resource "aws_vpc_peering_connection_options" "accepter" {
  provider                  = aws.peer
  vpc_peering_connection_id = local.active_peering_id
  accepter {
    allow_remote_vpc_dns_resolution = var.allow_remote_vpc_dns_resolution
  }
}

resource "aws_route" "requester" {
  for_each                  = var.requester_route_table_ids
  route_table_id            = each.value
  destination_cidr_block    = var.accepter_cidr
  vpc_peering_connection_id = local.active_peering_id
}

resource "aws_route" "accepter" {
  for_each                  = var.accepter_route_table_ids
  provider                  = aws.peer
  route_table_id            = each.value
  destination_cidr_block    = var.requester_cidr
  vpc_peering_connection_id = local.active_peering_id
}

resource "aws_security_group" "requester" {
  count       = var.create_peer_security_groups ? 1 : 0
  name        = "${var.name}-from-peer"
  description = "All traffic from the peered VPC ${var.accepter_cidr}"
  vpc_id      = var.requester_vpc_id
  ingress {
    description = "all from the peer VPC"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.accepter_cidr]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = merge(var.tags, { Name = "${var.name}-from-peer" })
}

resource "aws_security_group" "accepter" {
  count       = var.create_peer_security_groups ? 1 : 0
  provider    = aws.peer
  name        = "${var.name}-from-peer"
  description = "All traffic from the peered VPC ${var.requester_cidr}"
  vpc_id      = var.accepter_vpc_id
  ingress {
    description = "all from the peer VPC"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = [var.requester_cidr]
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = merge(var.tags, { Name = "${var.name}-from-peer" })
}
