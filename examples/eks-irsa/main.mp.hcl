# IAM roles for service accounts (IRSA), cluster and in-cluster objects in ONE apply:
# an EKS cluster, its IAM OIDC provider, an IRSA role whose trust policy names the OIDC
# provider with both `:sub` and `:aud` conditions, and — through a kubernetes provider
# configured from the cluster created in this same run — namespaces, a CRD and a custom
# resource, and the ServiceAccount annotated with the role's ARN.
#
# With the variables unset this targets real AWS; `scripts/demo eks-irsa` sets them to a
# local moto whose EKS cluster is served by a kube test server (see README.md).

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

variable "cluster_name" {
  type    = string
  default = "irsa-demo"
}

variable "kubernetes_version" {
  type    = string
  default = "1.31"
}

# SHA-1 of the root CA certificate that serves the issuer's JWKS (DOMAIN.md §3). This is
# the root of oidc.eks.*.amazonaws.com; AWS ignores it for EKS issuers but the API needs
# one. Computed with `data "tls_certificate"` it would require reaching the issuer, which
# an offline run cannot (see README.md).
variable "oidc_thumbprint" {
  type    = string
  default = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
}

variable "app_namespace" {
  type    = string
  default = "payments"
}

variable "app_service_account" {
  type    = string
  default = "payments-api"
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
    tags = { example = "eks-irsa", managed-by = "meshplan" }
  }
}

# The headline: host, CA and token come from the cluster created in this apply. The plan
# defers this provider's resources; the apply configures it once the cluster exists.
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

# --- Network: the two subnets in different AZs that EKS requires --------------------------

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "this" {
  cidr_block           = "10.30.0.0/16"
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = var.cluster_name }
}

resource "aws_subnet" "private" {
  for_each          = toset(slice(sort(data.aws_availability_zones.available.names), 0, 2))
  vpc_id            = aws_vpc.this.id
  availability_zone = each.key
  cidr_block        = cidrsubnet(aws_vpc.this.cidr_block, 8, index(sort(data.aws_availability_zones.available.names), each.key))
  tags = {
    Name                                        = "${var.cluster_name}-${each.key}"
    "kubernetes.io/role/internal-elb"           = "1"
    "kubernetes.io/cluster/${var.cluster_name}" = "shared"
  }
}

# --- The cluster ---------------------------------------------------------------------------

data "aws_iam_policy_document" "eks_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name               = "${var.cluster_name}-cluster"
  assume_role_policy = data.aws_iam_policy_document.eks_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  role_arn = aws_iam_role.cluster.arn
  version  = var.kubernetes_version
  vpc_config {
    subnet_ids = [for s in aws_subnet.private : s.id]
  }
  # EKS checks the role's permissions when it creates the cluster.
  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# --- IRSA ----------------------------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "this" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = [var.oidc_thumbprint]
}

locals {
  issuer_host = replace(aws_iam_openid_connect_provider.this.url, "https://", "")
}

# Both conditions matter: without `:sub` any service account whose token carries the
# audience could assume the role (DOMAIN.md §3).
data "aws_iam_policy_document" "irsa_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer_host}:sub"
      values   = ["system:serviceaccount:${var.app_namespace}:${var.app_service_account}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "app" {
  name               = "${var.cluster_name}-${var.app_service_account}"
  assume_role_policy = data.aws_iam_policy_document.irsa_trust.json
}

# What the workload may do with the role: read its own bucket.
resource "aws_s3_bucket" "app" {
  bucket = "${var.cluster_name}-${var.app_namespace}-data"
}

data "aws_iam_policy_document" "app_access" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.app.arn, "${aws_s3_bucket.app.arn}/*"]
  }
}

resource "aws_iam_role_policy" "app" {
  name   = "bucket-read"
  role   = aws_iam_role.app.name
  policy = data.aws_iam_policy_document.app_access.json
}

# --- In the cluster (same apply) -------------------------------------------------------------

resource "kubernetes_namespace" "app" {
  metadata {
    name   = var.app_namespace
    labels = { "istio-injection" = "enabled" }
  }
}

resource "kubernetes_namespace" "platform" {
  metadata {
    name = "platform"
  }
}

# A CRD and one of its objects: the kind does not exist at plan time; the apply creates the
# CRD, waits for it to be Established, then applies the object (no depends_on needed).
resource "kubernetes_manifest" "workload_identity_crd" {
  manifest = yamldecode(file("${path.module}/workload-identity-crd.yaml"))
}

resource "kubernetes_manifest" "app_identity" {
  manifest = {
    apiVersion = "meshplan.dev/v1alpha1"
    kind       = "WorkloadIdentity"
    metadata   = { name = var.app_service_account, namespace = var.app_namespace }
    spec = {
      serviceAccountName = var.app_service_account
      roleArn            = aws_iam_role.app.arn
      audience           = "sts.amazonaws.com"
    }
  }
}

resource "kubernetes_service_account" "app" {
  metadata {
    name      = var.app_service_account
    namespace = kubernetes_namespace.app.metadata[0].name
    annotations = {
      "eks.amazonaws.com/role-arn"               = aws_iam_role.app.arn
      "eks.amazonaws.com/sts-regional-endpoints" = "true"
    }
  }
}

output "cluster_endpoint" {
  value = aws_eks_cluster.this.endpoint
}

output "oidc_provider_arn" {
  value = aws_iam_openid_connect_provider.this.arn
}

output "app_role_arn" {
  value = aws_iam_role.app.arn
}
