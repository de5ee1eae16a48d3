# A VPC for EKS: a public and a private subnet per availability zone, an internet
# gateway, NAT gateways (one per AZ or a single one), route tables and the subnet tags
# EKS and the AWS load balancer controller look for.

locals {
  cluster_tags = { for c in var.cluster_names : "kubernetes.io/cluster/${c}" => "shared" }

  # AZ index → stable subnet numbering: adding an AZ at the end renumbers nothing.
  az_index = { for i, az in var.azs : az => i }

  # AZs that get a NAT gateway, and the private route table each AZ uses.
  nat_azs    = var.single_nat_gateway ? [var.azs[0]] : var.azs
  private_rt = { for az in var.azs : az => (var.single_nat_gateway ? var.azs[0] : az) }
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  for_each                = local.az_index
  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = cidrsubnet(var.cidr, var.subnet_newbits, each.value)
  map_public_ip_on_launch = true
  tags = merge(var.tags, local.cluster_tags, {
    Name                     = "${var.name}-public-${each.key}"
    "kubernetes.io/role/elb" = "1"
  })
}

resource "aws_subnet" "private" {
  for_each          = local.az_index
  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = cidrsubnet(var.cidr, var.subnet_newbits, var.private_subnet_offset + each.value)
  tags = merge(var.tags, local.cluster_tags, {
    Name                              = "${var.name}-private-${each.key}"
    "kubernetes.io/role/internal-elb" = "1"
  })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = var.name })
}

resource "aws_eip" "nat" {
  for_each = toset(local.nat_azs)
  domain   = "vpc"
  tags     = merge(var.tags, { Name = "${var.name}-nat-${each.key}" })
}

resource "aws_nat_gateway" "this" {
  for_each      = toset(local.nat_azs)
  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id
  tags          = merge(var.tags, { Name = "${var.name}-${each.key}" })
  # A NAT gateway needs the VPC's internet gateway to route.
  depends_on = [aws_internet_gateway.this]
}

# --- Public: one route table, default route to the internet gateway --------------------

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each       = local.az_index
  subnet_id      = aws_subnet.public[each.key].id
  route_table_id = aws_route_table.public.id
}

# --- Private: a route table per NAT gateway, default route through it ------------------

resource "aws_route_table" "private" {
  for_each = toset(local.nat_azs)
  vpc_id   = aws_vpc.this.id
  tags     = merge(var.tags, { Name = var.single_nat_gateway ? "${var.name}-private" : "${var.name}-private-${each.key}" })
}

resource "aws_route" "private_nat" {
  for_each               = toset(local.nat_azs)
  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[each.key].id
}

resource "aws_route_table_association" "private" {
  for_each       = local.private_rt
  subnet_id      = aws_subnet.private[each.key].id
  route_table_id = aws_route_table.private[each.value].id
}
