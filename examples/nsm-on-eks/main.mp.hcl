# Network Service Mesh on EKS (seed nsm-on-eks.md, DOMAIN.md §2) in ONE apply, in the seed's
# order: IAM roles → cluster on the default VPC → OIDC provider → node group → addons →
# (kubeconfig: a kubernetes provider from the cluster) → gp2 default StorageClass → SPIRE
# (k8s.nsm) + NSM basic (modules/nsm).
#
# With aws_endpoints unset this targets real AWS; against the local emulators (moto + a kube
# test server for the cluster, see README.md) set it from emulators.auto.mpvars.

variable "region" {
  description = "The seed's default region."
  type        = string
  default     = "eu-central-2"
}

variable "aws_endpoints" {
  description = "Service endpoint overrides (ec2, iam, eks, s3, sts), e.g. a local emulator; empty for AWS itself."
  type        = map(string)
  default     = {}

  # Against AWS, the install manifests must be the pinned upstream files: our test fixtures
  # (tests/fixtures/manifests) name placeholder images (example.invalid) and open CRD schemas.
  # Checked here because every AWS call waits for this variable: a plan stops before any.
  validation {
    condition     = length(var.aws_endpoints) > 0 || length([for k, p in { spire_crds_path = var.spire_crds_path, nsm_manifests_path = var.nsm_manifests_path } : k if length(regexall("example\\.invalid|^# Test fixture", file("${path.module}/${p}"))) > 0]) == 0
    error_message = "against AWS (aws_endpoints is empty) these inputs are still meshplan's test fixtures (placeholder example.invalid images, open CRD schemas): ${join(", ", [for k, p in { spire_crds_path = var.spire_crds_path, nsm_manifests_path = var.nsm_manifests_path } : k if length(regexall("example\\.invalid|^# Test fixture", file("${path.module}/${p}"))) > 0])}. Pass the pinned upstream files listed in README.md, \"Pinned inputs\"."
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
  description = "The seed's CLUSTER_NAME."
  type        = string
  default     = "nsm-test"
}

variable "kubernetes_version" {
  type    = string
  default = "1.31"
}

variable "node_count" {
  description = "The seed's NODE_COUNT (desired size; min 1, max 10)."
  type        = number
  default     = 4
}

variable "subnet_ids" {
  description = "Subnets for the cluster and node group; null: the default VPC's default-for-az subnets, as the seed."
  type        = list(string)
  default     = null
}

# The root of oidc.eks.*.amazonaws.com (see examples/eks-irsa): an offline run cannot fetch it.
variable "oidc_thumbprint" {
  type    = string
  default = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
}

variable "enable_addons" {
  description = "EKS addons vpc-cni and aws-ebs-csi-driver. null: on against AWS, off when aws_endpoints is set (moto has no addon API)."
  type        = bool
  default     = null
}

# Third-party install manifests are never copied into the repo: by default the fixture
# manifests of tests/fixtures/manifests; for a real cluster pass pinned upstream files.
variable "kubeconfig_path" {
  description = "Where to write the kubeconfig (as `aws eks update-kubeconfig` leaves it: an exec user running `aws eks get-token`, no stored token); null: only the `kubeconfig` output."
  type        = string
  default     = null
}

variable "spire_crds_path" {
  type    = string
  default = "../../tests/fixtures/manifests/spire-crds.yaml"
}

variable "storage_test" {
  description = "The seed's storage check: a 1Gi PVC on the default class (test-pvc) and a pod that mounts it. false: leave them out (the seed deletes its PVC after looking)."
  type        = bool
  default     = true
}

variable "nsm_manifests_path" {
  description = "NSM basic v1.14.0 (deployments-k8s examples/basic, rendered with kustomize)."
  type        = string
  default     = "../../tests/fixtures/manifests/nsm-basic.yaml"
}

# SHA-256 of the files above (README.md, "Pinned inputs"): a file that differs fails the plan.
variable "spire_crds_sha256" {
  type    = string
  default = null
}

variable "nsm_manifests_sha256" {
  type    = string
  default = null
}

locals {
  on_aws        = length(var.aws_endpoints) == 0
  enable_addons = local.on_aws ? coalesce(var.enable_addons, true) : coalesce(var.enable_addons, false)
  subnet_ids    = var.subnet_ids != null ? var.subnet_ids : sort(data.aws_subnets.default_for_az.ids)
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
  default_tags {
    tags = { example = "nsm-on-eks", managed-by = "meshplan" }
  }
}

# --- make create-roles ------------------------------------------------------------------------

data "aws_iam_policy_document" "cluster_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "EKS-Cluster-Role"
  assume_role_policy = data.aws_iam_policy_document.cluster_trust.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

data "aws_iam_policy_document" "nodegroup_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "nodegroup" {
  name               = "EKS-NodeGroup-Role"
  assume_role_policy = data.aws_iam_policy_document.nodegroup_trust.json
}

resource "aws_iam_role_policy_attachment" "nodegroup" {
  for_each = {
    worker = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    cni    = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    ecr    = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
  }
  role       = aws_iam_role.nodegroup.name
  policy_arn = each.value
}

# EKS-EBS-CSI-Role: its IRSA trust names the OIDC provider below (see "create-oidc-provider").

# --- make create-cluster: the default VPC's default-for-az subnets --------------------------

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default_for_az" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = var.kubernetes_version
  vpc_config {
    subnet_ids = local.subnet_ids
  }
  # EKS checks the role's permissions when it creates the cluster.
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# --- make create-oidc-provider ----------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "this" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [var.oidc_thumbprint]
}

module "ebs_csi_role" {
  source            = "../../modules/irsa-role"
  name              = "EKS-EBS-CSI-Role"
  oidc_provider_arn = aws_iam_openid_connect_provider.this.arn
  oidc_issuer_url   = aws_iam_openid_connect_provider.this.url
  namespace         = "kube-system"
  service_account   = "ebs-csi-controller-sa"
  policy_arns       = { ebs_csi = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" }
}

# --- make create-nodegroup --------------------------------------------------------------------

resource "aws_eks_node_group" "this" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-nodes"
  node_role_arn   = aws_iam_role.nodegroup.arn
  subnet_ids      = local.subnet_ids
  instance_types  = ["t3.medium"]

  scaling_config {
    desired_size = var.node_count
    min_size     = 1
    max_size     = 10
  }

  # Nodes need their policies to join (and must leave before the policies go).
  depends_on = [aws_iam_role_policy_attachment.nodegroup]
}

# --- make install-addons ----------------------------------------------------------------------

resource "aws_eks_addon" "vpc_cni" {
  count                       = local.enable_addons ? 1 : 0
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "vpc-cni"
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
}

# A Deployment: ACTIVE only once nodes can run it.
resource "aws_eks_addon" "ebs_csi" {
  count                       = local.enable_addons ? 1 : 0
  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = "aws-ebs-csi-driver"
  service_account_role_arn    = module.ebs_csi_role.role_arn
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"
  depends_on                  = [aws_eks_node_group.this]
}

# --- kubeconfig: the kubernetes provider, from the cluster created in this apply -------------
# The plan defers its resources; the apply configures it once the cluster exists.

provider "kubernetes" {
  host                   = aws_eks_cluster.this.endpoint
  cluster_ca_certificate = base64decode(aws_eks_cluster.this.certificate_authority[0].data)
  # exec, not a data source's token: EKS refuses a token 15 minutes after signing, and the
  # provider renews exec tokens (one made once per run cannot last a long apply).
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", aws_eks_cluster.this.name, "--region", var.region]
    env         = local.eks_token_env
  }
}

# What `aws eks get-token` (built into the kubernetes provider: no aws CLI needed) reads
# besides its args: the STS endpoint and keys the aws provider was given (the emulators);
# with them unset, the standard credential chain and the region's STS, as on AWS.
locals {
  eks_token_env = merge(
    contains(keys(var.aws_endpoints), "sts") ? { AWS_ENDPOINT_URL_STS = var.aws_endpoints["sts"] } : {},
    var.aws_access_key == null ? {} : { AWS_ACCESS_KEY_ID = var.aws_access_key, AWS_SECRET_ACCESS_KEY = var.aws_secret_key },
  )
}

# --- make setup-storage: gp2 the default class ------------------------------------------------
# EKS creates gp2 itself: on AWS only its default-class annotation is taken (and given back on
# destroy). A kube test server has no gp2: there the class is created as EKS would.

resource "kubernetes_annotations" "gp2_default" {
  count       = local.on_aws ? 1 : 0
  api_version = "storage.k8s.io/v1"
  kind        = "StorageClass"
  metadata {
    name = "gp2"
  }
  annotations = { "storageclass.kubernetes.io/is-default-class" = "true" }
  force       = true
  depends_on  = [aws_eks_node_group.this, aws_eks_addon.vpc_cni, aws_eks_addon.ebs_csi]
}

resource "kubernetes_manifest" "gp2" {
  count    = local.on_aws ? 0 : 1
  manifest = {
    apiVersion = "storage.k8s.io/v1"
    kind       = "StorageClass"
    metadata   = {
      name        = "gp2"
      annotations = { "storageclass.kubernetes.io/is-default-class" = "true" }
    }
    provisioner       = "kubernetes.io/aws-ebs"
    reclaimPolicy     = "Delete"
    volumeBindingMode = "WaitForFirstConsumer"
    parameters        = { type = "gp2", fsType = "ext4" }
  }
  depends_on = [aws_eks_node_group.this, aws_eks_addon.vpc_cni, aws_eks_addon.ebs_csi]
}

# --- the seed's "Test PVC creation": a claim on the default class, and a consumer -----------
# gp2 binds WaitForFirstConsumer: the claim stays Pending until a pod uses it, so the pod is
# part of the check and the claim gets no wait of its own (the pod's Running is the proof
# that the volume was provisioned and attached). The claim names no class: the default's.

resource "kubernetes_manifest" "test_pvc" {
  count = var.storage_test ? 1 : 0
  manifest = {
    apiVersion = "v1"
    kind       = "PersistentVolumeClaim"
    metadata   = { name = "test-pvc", namespace = "default" }
    spec = {
      accessModes = ["ReadWriteOnce"]
      resources   = { requests = { storage = "1Gi" } }
    }
  }
  depends_on = [kubernetes_annotations.gp2_default, kubernetes_manifest.gp2]
}

resource "kubernetes_manifest" "test_pvc_consumer" {
  count = var.storage_test ? 1 : 0
  manifest = {
    apiVersion = "v1"
    kind       = "Pod"
    metadata   = { name = "test-pvc-consumer", namespace = "default" }
    spec = {
      containers = [{
        name         = "probe"
        image        = "public.ecr.aws/docker/library/busybox:1.36"
        command      = ["sh", "-c", "echo ok > /data/probe && sleep 3600"]
        volumeMounts = [{ name = "data", mountPath = "/data" }]
      }]
      volumes = [{ name = "data", persistentVolumeClaim = { claimName = kubernetes_manifest.test_pvc[0].manifest.metadata.name } }]
    }
  }
  wait {
    fields = { "status.phase" = "Running" }
  }
  # Pods need nodes and the CNI (and the EBS CSI driver for the volume).
  depends_on = [aws_eks_node_group.this, aws_eks_addon.vpc_cni, aws_eks_addon.ebs_csi]
}

# --- make install-nsm: SPIRE single-cluster (k8s.nsm) + NSM basic -----------------------------

module "nsm" {
  source          = "../../modules/nsm"
  cluster_name    = aws_eks_cluster.this.name
  trust_domain    = "k8s.nsm"
  spire_crds_path   = abspath("${path.module}/${var.spire_crds_path}")
  spire_crds_sha256 = var.spire_crds_sha256
  manifests_path    = abspath("${path.module}/${var.nsm_manifests_path}")
  manifests_sha256  = var.nsm_manifests_sha256
  # Pods need nodes (and the CNI) to run; the seed sets up storage first.
  depends_on = [aws_eks_node_group.this, aws_eks_addon.vpc_cni, aws_eks_addon.ebs_csi, kubernetes_annotations.gp2_default, kubernetes_manifest.gp2]
}

# --- make setup-storage's other half: a kubeconfig for the user's kubectl -------------------
# What `aws eks update-kubeconfig --name NAME --region R` writes: names are the cluster ARN, the
# user runs `aws eks get-token` each time (renewed tokens, nothing secret in the file). Against
# the emulators the exec env carries moto's STS endpoint (never the keys: kubectl's environment
# supplies credentials, as on AWS).
locals {
  kubeconfig = yamlencode({
    apiVersion      = "v1"
    kind            = "Config"
    preferences     = {}
    current-context = aws_eks_cluster.this.arn
    clusters = [{
      name    = aws_eks_cluster.this.arn
      cluster = { server = aws_eks_cluster.this.endpoint, certificate-authority-data = aws_eks_cluster.this.certificate_authority[0].data }
    }]
    contexts = [{ name = aws_eks_cluster.this.arn, context = { cluster = aws_eks_cluster.this.arn, user = aws_eks_cluster.this.arn } }]
    users = [{
      name = aws_eks_cluster.this.arn
      user = {
        exec = {
          apiVersion         = "client.authentication.k8s.io/v1beta1"
          command            = "aws"
          args               = ["--region", var.region, "eks", "get-token", "--cluster-name", aws_eks_cluster.this.name, "--output", "json"]
          env                = contains(keys(var.aws_endpoints), "sts") ? [{ name = "AWS_ENDPOINT_URL_STS", value = var.aws_endpoints["sts"] }] : []
          interactiveMode    = "IfAvailable"
          provideClusterInfo = false
        }
      }
    }]
  })
}

resource "local_file" "kubeconfig" {
  count           = var.kubeconfig_path == null ? 0 : 1
  filename        = var.kubeconfig_path
  content         = local.kubeconfig
  file_permission = "0600"
}

output "kubeconfig" {
  description = "A kubeconfig for this cluster, as `aws eks update-kubeconfig` writes it."
  value       = local.kubeconfig
}

output "cluster_endpoint" {
  value = aws_eks_cluster.this.endpoint
}

output "subnet_ids" {
  value = local.subnet_ids
}

output "oidc_provider_arn" {
  value = aws_iam_openid_connect_provider.this.arn
}

output "role_arns" {
  value = {
    cluster   = aws_iam_role.cluster.arn
    nodegroup = aws_iam_role.nodegroup.arn
    ebs_csi   = module.ebs_csi_role.role_arn
  }
}

output "addons" {
  value = local.enable_addons ? ["vpc-cni", "aws-ebs-csi-driver"] : []
}

output "nsm_namespace" {
  value = module.nsm.namespace
}

output "admission_webhook_ready" {
  value = module.nsm.admission_webhook_ready
}
