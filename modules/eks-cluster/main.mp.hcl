# An EKS cluster as the seeds build it (DOMAIN.md §1–§3): the cluster role, the node role,
# the cluster (public endpoint), managed node groups (taints and labels included), the IAM
# OIDC provider for IRSA, the addons (vpc-cni with network policy, kube-proxy, coredns,
# aws-ebs-csi-driver with its IRSA role). The gp3 default StorageClass is ./storage-classes
# (a separate module, so that this one needs no kubernetes provider).

locals {
  cluster_role_name = coalesce(var.cluster_role_name, "${var.name}-cluster-role")
  node_role_name    = coalesce(var.node_role_name, "${var.name}-node-role")
  ebs_csi_role_name = coalesce(var.ebs_csi_role_name, "${var.name}-ebs-csi-driver")
}

# --- IAM: cluster role ------------------------------------------------------------------

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = local.cluster_role_name
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Security groups for pods: EKS's VPC resource controller gives pods branch ENIs with the
# cluster role's rights.
resource "aws_iam_role_policy_attachment" "vpc_resource_controller" {
  count      = var.enable_pod_security_groups ? 1 : 0
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController"
}

# --- IAM: node role ----------------------------------------------------------------------

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name               = local.node_role_name
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
  tags               = var.tags
}

locals {
  # AmazonEKS_CNI_Policy on the node role lends every pod on the node the VPC CNI's rights;
  # with node_role_attach_cni_policy = false aws-node gets them from its own IRSA role
  # (vpc_cni_role_arn) instead.
  node_policy_arns = merge(
    {
      worker = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
      ecr    = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
    },
    var.node_role_attach_cni_policy ? { cni = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy" } : {},
  )
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each   = local.node_policy_arns
  role       = aws_iam_role.node.name
  policy_arn = each.value
}

# --- The cluster -------------------------------------------------------------------------

resource "aws_eks_cluster" "this" {
  name                      = var.name
  role_arn                  = aws_iam_role.cluster.arn
  version                   = var.kubernetes_version
  enabled_cluster_log_types = var.enabled_cluster_log_types
  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_public_access  = var.endpoint_public_access
    endpoint_private_access = var.endpoint_private_access
    public_access_cidrs     = var.public_access_cidrs
  }
  tags = var.tags
  # EKS checks the role's permissions when it creates the cluster (and deletes the cluster
  # before the attachment goes).
  depends_on = [aws_iam_role_policy_attachment.cluster, aws_iam_role_policy_attachment.vpc_resource_controller]
}

resource "aws_vpc_security_group_ingress_rule" "cluster_self" {
  for_each                     = toset([for p in var.cluster_sg_ingress_ports : tostring(p)])
  security_group_id            = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  referenced_security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = tonumber(each.key)
  to_port                      = tonumber(each.key)
  description                  = "port ${each.key} from the cluster security group"
}

# Managed node groups without a launch template carry only the cluster security group, so
# traffic from peered VPCs is admitted there (a separate SG would reach no node).
resource "aws_vpc_security_group_ingress_rule" "peer" {
  for_each          = toset(var.peer_cidrs)
  security_group_id = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
  cidr_ipv4         = each.key
  ip_protocol       = "-1"
  description       = "all from peered VPC ${each.key}"
}

# --- Node groups -------------------------------------------------------------------------

# Extra security groups reach the nodes only through a launch template; EKS then adds no
# group of its own, so the cluster security group is listed too. The root volume moves
# into the template (EKS refuses disk_size with one).
locals {
  node_template = length(var.node_security_group_ids) > 0
}

resource "aws_launch_template" "nodes" {
  for_each               = local.node_template ? var.node_groups : {}
  name_prefix            = "${var.name}-${each.key}-"
  update_default_version = true
  vpc_security_group_ids = concat([aws_eks_cluster.this.vpc_config[0].cluster_security_group_id], var.node_security_group_ids)

  dynamic "block_device_mappings" {
    for_each = each.value.disk_size != null ? [each.value.disk_size] : []
    content {
      device_name = "/dev/xvda"
      ebs {
        volume_size = block_device_mappings.value
        volume_type = "gp3"
      }
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.name}-${each.key}" })
  }

  tags = var.tags
}

resource "aws_eks_node_group" "this" {
  for_each        = var.node_groups
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = each.value.subnet_ids != null ? each.value.subnet_ids : var.subnet_ids
  instance_types  = each.value.instance_types
  capacity_type   = each.value.capacity_type
  ami_type        = each.value.ami_type
  disk_size       = local.node_template ? null : each.value.disk_size
  labels          = each.value.labels

  dynamic "launch_template" {
    for_each = local.node_template ? [aws_launch_template.nodes[each.key]] : []
    content {
      id      = launch_template.value.id
      version = tostring(launch_template.value.latest_version)
    }
  }

  scaling_config {
    desired_size = each.value.desired_size
    min_size     = each.value.min_size
    max_size     = each.value.max_size
  }

  dynamic "taint" {
    for_each = each.value.taints
    content {
      key    = taint.value.key
      value  = taint.value.value
      effect = taint.value.effect
    }
  }

  tags = var.tags
  # Nodes need their policies to join (and must leave before the policies go).
  depends_on = [aws_iam_role_policy_attachment.node]
}

# --- IRSA: the cluster's OIDC provider ---------------------------------------------------

data "tls_certificate" "issuer" {
  count = var.oidc_thumbprint == null ? 1 : 0
  url   = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

locals {
  # certificates are root-most first: the thumbprint is the top CA's.
  oidc_thumbprint = var.oidc_thumbprint != null ? var.oidc_thumbprint : data.tls_certificate.issuer[0].certificates[0].sha1_fingerprint
}

resource "aws_iam_openid_connect_provider" "this" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = var.oidc_client_ids
  thumbprint_list = [local.oidc_thumbprint]
  tags            = var.tags
}

# --- Addons ------------------------------------------------------------------------------

module "ebs_csi_irsa" {
  source            = "../irsa-role"
  name              = local.ebs_csi_role_name
  oidc_provider_arn = aws_iam_openid_connect_provider.this.arn
  oidc_issuer_url   = aws_iam_openid_connect_provider.this.url
  namespace         = "kube-system"
  service_account   = "ebs-csi-controller-sa"
  policy_arns       = { ebs_csi = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }
  tags              = var.tags
}

locals {
  # ENABLE_POD_ENI: aws-node attaches trunk ENIs so SecurityGroupPolicy pods get branch ENIs
  # (the seed's security groups for pods); standard mode keeps node SG rules for pod traffic
  # to its own node (kubelet probes) working.
  vpc_cni_configuration = merge(
    var.vpc_cni_configuration,
    var.enable_pod_security_groups ? {
      env = merge(try(var.vpc_cni_configuration.env, {}), {
        ENABLE_POD_ENI                    = "true"
        POD_SECURITY_GROUP_ENFORCING_MODE = "standard"
      })
    } : {},
  )
}

resource "aws_eks_addon" "vpc_cni" {
  count                       = var.enable_addons ? 1 : 0
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "vpc-cni"
  addon_version               = lookup(var.addon_versions, "vpc-cni", null)
  service_account_role_arn    = var.vpc_cni_role_arn
  configuration_values        = jsonencode(local.vpc_cni_configuration)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
}

resource "aws_eks_addon" "kube_proxy" {
  count                       = var.enable_addons ? 1 : 0
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "kube-proxy"
  addon_version               = lookup(var.addon_versions, "kube-proxy", null)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
}

# coredns and the EBS CSI controller are Deployments: they become ACTIVE only once nodes
# can run them.
resource "aws_eks_addon" "coredns" {
  count                       = var.enable_addons ? 1 : 0
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "coredns"
  addon_version               = lookup(var.addon_versions, "coredns", null)
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
  depends_on                  = [aws_eks_node_group.this]
}

resource "aws_eks_addon" "ebs_csi" {
  count                       = var.enable_addons ? 1 : 0
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "aws-ebs-csi-driver"
  addon_version               = lookup(var.addon_versions, "aws-ebs-csi-driver", null)
  service_account_role_arn    = module.ebs_csi_irsa.role_arn
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  tags                        = var.tags
  depends_on                  = [aws_eks_node_group.this]
}
