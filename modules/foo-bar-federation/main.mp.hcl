# AWS half of the foo/bar federation (DOMAIN.md §1): two VPCs (one NAT each), peering with
# DNS resolution, peer routes and security groups, and per cluster an EKS cluster with the
# `general` and the tainted `spire_server` node groups, its OIDC provider and the EBS CSI
# driver's IRSA role (modules/eks-cluster). The in-cluster half is ./mesh, called by the root
# with the two kubernetes providers configured from this module's outputs.
#
# Providers: `aws` (foo's region) and `aws.bar` (bar's region; the same configuration when
# both are in one region): providers = { aws = aws, aws.bar = aws.bar }.

locals {
  foo_cluster = "${var.foo.name}-eks-cluster"
  bar_cluster = "${var.bar.name}-eks-cluster"
  # No data source: `meshplan destroy` does not read them (see modules/vpc README).
  foo_azs = length(var.foo.azs) > 0 ? var.foo.azs : ["${var.foo.region}a", "${var.foo.region}b"]
  bar_azs = length(var.bar.azs) > 0 ? var.bar.azs : ["${var.bar.region}a", "${var.bar.region}b"]

  node_groups = {
    general = {
      instance_types = var.general_instance_types
      desired_size   = var.general_node_count
      min_size       = 1
      max_size       = max(3, var.general_node_count)
    }
    spire_server = {
      instance_types = var.general_instance_types
      desired_size   = 1
      min_size       = 1
      max_size       = 1
      labels         = { dedicated = "spire-server" }
      taints         = [{ key = "dedicated", value = "spire-server", effect = "NO_EXECUTE" }]
    }
  }
}

module "vpc_foo" {
  source             = "../vpc"
  name               = var.foo.name
  cidr               = var.foo.cidr
  azs                = local.foo_azs
  single_nat_gateway = true
  cluster_names      = [local.foo_cluster]
  tags               = var.tags
}

module "vpc_bar" {
  source             = "../vpc"
  providers          = { aws = aws.bar }
  name               = var.bar.name
  cidr               = var.bar.cidr
  azs                = local.bar_azs
  single_nat_gateway = true
  cluster_names      = [local.bar_cluster]
  tags               = var.tags
}

module "peering" {
  source                    = "../vpc-peering"
  providers                 = { aws = aws, aws.peer = aws.bar }
  name                      = "${var.foo.name}-${var.bar.name}"
  requester_vpc_id          = module.vpc_foo.vpc_id
  requester_cidr            = module.vpc_foo.cidr_block
  requester_route_table_ids = module.vpc_foo.private_route_table_ids
  accepter_vpc_id           = module.vpc_bar.vpc_id
  accepter_cidr             = module.vpc_bar.cidr_block
  accepter_route_table_ids  = module.vpc_bar.private_route_table_ids
  peer_region               = var.bar.region == var.foo.region ? null : var.bar.region
  tags                      = var.tags
}

module "eks_foo" {
  source                   = "../eks-cluster"
  name                     = local.foo_cluster
  kubernetes_version       = var.kubernetes_version
  subnet_ids               = module.vpc_foo.private_subnet_ids
  cluster_sg_ingress_ports = var.cluster_sg_ingress_ports
  node_security_group_ids  = [module.peering.requester_security_group_id]
  node_groups              = local.node_groups
  oidc_thumbprint          = var.oidc_thumbprint
  enable_addons            = var.enable_addons
  tags                     = var.tags
}

module "eks_bar" {
  source                   = "../eks-cluster"
  providers                = { aws = aws.bar }
  name                     = local.bar_cluster
  kubernetes_version       = var.kubernetes_version
  subnet_ids               = module.vpc_bar.private_subnet_ids
  cluster_sg_ingress_ports = var.cluster_sg_ingress_ports
  node_security_group_ids  = [module.peering.accepter_security_group_id]
  node_groups              = local.node_groups
  oidc_thumbprint          = var.oidc_thumbprint
  enable_addons            = var.enable_addons
  tags                     = var.tags
}
