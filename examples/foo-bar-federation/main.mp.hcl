# The foo/bar federation seed (istio-spire-federation-eks.md, DOMAIN.md §1) in ONE apply:
# VPCs, peering, two EKS clusters (modules/foo-bar-federation), and in both clusters
# cert-manager → SPIRE → federation both ways → Istio with remote secrets both ways
# (modules/foo-bar-federation/mesh), through two kubernetes providers configured here from
# the clusters created in the same run.
#
# With aws_endpoints unset this targets real AWS; `scripts/demo foo-bar-federation` sets it
# to local emulators (moto + one kube test server per cluster, see README.md).

variable "region" {
  description = "foo's region."
  type        = string
  default     = "us-east-1"
}

variable "bar_region" {
  description = "bar's region (the seed: the same as foo's)."
  type        = string
  default     = "us-east-1"
}

variable "aws_endpoints" {
  description = "Service endpoint overrides (ec2, iam, eks, s3, sts), e.g. a local emulator; empty for AWS itself."
  type        = map(string)
  default     = {}

  # Against AWS, the install manifests must be the pinned upstream files: our test fixtures
  # (tests/fixtures/manifests) name placeholder images (example.invalid) and open CRD schemas.
  # Checked here because every AWS call waits for this variable: a plan stops before any.
  validation {
    condition     = length(var.aws_endpoints) > 0 || length([for k, p in { cert_manager_manifests_path = var.cert_manager_manifests_path, spire_crds_path = var.spire_crds_path, istio_manifests_path = var.istio_manifests_path } : k if length(regexall("example\\.invalid|^# Test fixture", file("${path.module}/${p}"))) > 0]) == 0
    error_message = "against AWS (aws_endpoints is empty) these inputs are still meshplan's test fixtures (placeholder example.invalid images, open CRD schemas): ${join(", ", [for k, p in { cert_manager_manifests_path = var.cert_manager_manifests_path, spire_crds_path = var.spire_crds_path, istio_manifests_path = var.istio_manifests_path } : k if length(regexall("example\\.invalid|^# Test fixture", file("${path.module}/${p}"))) > 0])}. Pass the pinned upstream files listed in README.md, \"Pinned inputs\"."
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

variable "foo_cidr" {
  type    = string
  default = "10.2.0.0/16"
}

variable "bar_cidr" {
  type    = string
  default = "10.3.0.0/16"
}

variable "foo_trust_domain" {
  type    = string
  default = "foo.com"
}

variable "bar_trust_domain" {
  type    = string
  default = "bar.com"
}

variable "kubernetes_version" {
  type    = string
  default = "1.29"
}

# The root of oidc.eks.*.amazonaws.com (see examples/eks-irsa): an offline run cannot fetch it.
variable "oidc_thumbprint" {
  type    = string
  default = "9e99a48a9960b14926bb7f3b02e22da2b0ab7280"
}

variable "enable_addons" {
  description = "EKS addons (vpc-cni with network policy, kube-proxy, coredns, aws-ebs-csi-driver + IRSA). null: on against AWS, off when aws_endpoints is set (moto has no addon API)."
  type        = bool
  default     = null
}

# Third-party install manifests are never copied into the repo: by default the fixture
# manifests of tests/fixtures/manifests; for a real cluster pass pinned upstream files
# (or switch the module inputs to { url, sha256 }).
variable "cert_manager_manifests_path" {
  type    = string
  default = "../../tests/fixtures/manifests/cert-manager.yaml"
}

variable "spire_crds_path" {
  type    = string
  default = "../../tests/fixtures/manifests/spire-crds.yaml"
}

variable "istio_manifests_path" {
  type    = string
  default = "../../tests/fixtures/manifests/istio.yaml"
}

# SHA-256 of the files above (README.md, "Pinned inputs"): a file that differs fails the plan.
variable "cert_manager_manifests_sha256" {
  type    = string
  default = null
}

variable "spire_crds_sha256" {
  type    = string
  default = null
}

variable "istio_manifests_sha256" {
  type    = string
  default = null
}

# The seed's "Automatic Certificate Rotation" step (cert-rotation.yaml): istiod's CA
# certificate (cacerts) lives 30 days instead of 60; istiod reloads it when cert-manager renews it.
variable "cacerts_duration" {
  type    = string
  default = "720h"
}

variable "demo_apps" {
  description = "The seed's demo workloads (sleep, helloworld-v1 on foo, helloworld-v2 on bar) in both clusters."
  type        = bool
  default     = true
}

locals {
  on_aws = length(var.aws_endpoints) == 0
}

variable "aws_load_balancer_controller" {
  description = "Install the AWS Load Balancer Controller in both clusters (as the seed runs it): iam_policy_path = its IAM policy JSON, manifests_path = the chart rendered with serviceAccount.create=false, read through templatefile() with cluster_name and region. null: not installed (the in-tree service controller makes the load balancers)."
  type = object({
    iam_policy_path = string
    manifests_path  = string
  })
  default = null
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
    tags = { example = "foo-bar-federation", managed-by = "meshplan" }
  }
}

provider "aws" {
  alias      = "bar"
  region     = var.bar_region
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
    tags = { example = "foo-bar-federation", managed-by = "meshplan" }
  }
}

# --- AWS: VPCs, peering, EKS clusters with node groups, OIDC, EBS CSI IRSA --------------------

module "clusters" {
  source             = "../../modules/foo-bar-federation"
  providers          = { aws = aws, aws.bar = aws.bar }
  foo                = { name = "foo", region = var.region, cidr = var.foo_cidr, trust_domain = var.foo_trust_domain }
  bar                = { name = "bar", region = var.bar_region, cidr = var.bar_cidr, trust_domain = var.bar_trust_domain }
  kubernetes_version = var.kubernetes_version
  oidc_thumbprint    = var.oidc_thumbprint
  enable_addons      = local.on_aws ? coalesce(var.enable_addons, true) : coalesce(var.enable_addons, false)
  # moto (5.x) drops the description of rules that reference a group, so on the emulators
  # these rules would re-plan forever; they are made on AWS only.
  cluster_sg_ingress_ports = local.on_aws ? [15017, 15012] : []
}

# --- The two kubernetes providers, from the clusters created in this apply --------------------
# The plan defers their resources; the apply configures them once the clusters exist.

# What `aws eks get-token` (built into the kubernetes provider: no aws CLI needed) reads
# besides its args: the STS endpoint and keys the aws provider was given (the emulators);
# with them unset, the standard credential chain and the region's STS, as on AWS.
locals {
  eks_token_env = merge(
    contains(keys(var.aws_endpoints), "sts") ? { AWS_ENDPOINT_URL_STS = var.aws_endpoints["sts"] } : {},
    var.aws_access_key == null ? {} : { AWS_ACCESS_KEY_ID = var.aws_access_key, AWS_SECRET_ACCESS_KEY = var.aws_secret_key },
  )
}

provider "kubernetes" {
  alias                  = "foo"
  host                   = module.clusters.foo.endpoint
  cluster_ca_certificate = module.clusters.foo.cluster_ca_certificate
  # exec, not a data source's token: EKS refuses a token 15 minutes after signing, and the
  # provider renews exec tokens (one made once per run cannot last a long apply).
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.clusters.foo.cluster_name, "--region", var.region]
    env         = local.eks_token_env
  }
}

provider "kubernetes" {
  alias                  = "bar"
  host                   = module.clusters.bar.endpoint
  cluster_ca_certificate = module.clusters.bar.cluster_ca_certificate
  # exec, not a data source's token: EKS refuses a token 15 minutes after signing, and the
  # provider renews exec tokens (one made once per run cannot last a long apply).
  exec {
    api_version = "client.authentication.k8s.io/v1beta1"
    command     = "aws"
    args        = ["eks", "get-token", "--cluster-name", module.clusters.bar.cluster_name, "--region", var.bar_region]
    env         = local.eks_token_env
  }
}

# --- In both clusters: gp3 the default StorageClass (SPIRE's server volume needs one) ---------
# EKS creates gp2 itself: on AWS only its default-class annotation is taken (and given back on
# destroy). A kube test server has no gp2: there only gp3 is created (as examples/nsm-on-eks,
# decided by on_aws).

module "storage_foo" {
  source     = "../../modules/eks-cluster/storage-classes"
  providers  = { kubernetes = kubernetes.foo }
  gp2_exists = local.on_aws
  depends_on = [module.clusters]
}

module "storage_bar" {
  source     = "../../modules/eks-cluster/storage-classes"
  providers  = { kubernetes = kubernetes.bar }
  gp2_exists = local.on_aws
  depends_on = [module.clusters]
}

# --- Optional, in both clusters: the AWS Load Balancer Controller (IRSA role + its objects) ----
# Before the mesh: its Services' load balancers are then the controller's.

locals {
  lbc        = var.aws_load_balancer_controller
  lbc_policy = local.lbc == null ? "" : file(abspath("${path.module}/${local.lbc.iam_policy_path}"))
  # Only values known at plan go into the YAML: its objects are keyed by what it holds. (The
  # controller finds its VPC from the instance metadata.)
  lbc_manifests = local.lbc == null ? {} : {
    for c, v in { foo = module.clusters.foo, bar = module.clusters.bar } :
    c => templatefile(abspath("${path.module}/${local.lbc.manifests_path}"), { cluster_name = v.cluster_name, region = v.region })
  }
}

module "lbc_foo" {
  count             = local.lbc == null ? 0 : 1
  source            = "../../modules/aws-load-balancer-controller"
  providers         = { aws = aws, kubernetes = kubernetes.foo }
  cluster_name      = module.clusters.foo.cluster_name
  oidc_provider_arn = module.clusters.foo.oidc_provider_arn
  oidc_issuer_url   = module.clusters.foo.oidc_issuer_url
  iam_policy_json   = local.lbc_policy
  manifests         = lookup(local.lbc_manifests, "foo", "")
}

module "lbc_bar" {
  count             = local.lbc == null ? 0 : 1
  source            = "../../modules/aws-load-balancer-controller"
  providers         = { aws = aws.bar, kubernetes = kubernetes.bar }
  cluster_name      = module.clusters.bar.cluster_name
  oidc_provider_arn = module.clusters.bar.oidc_provider_arn
  oidc_issuer_url   = module.clusters.bar.oidc_issuer_url
  iam_policy_json   = local.lbc_policy
  manifests         = lookup(local.lbc_manifests, "bar", "")
}

# --- In both clusters: cert-manager → SPIRE → federation → Istio + remote secrets ---------------

module "mesh" {
  source                 = "../../modules/foo-bar-federation/mesh"
  providers              = { kubernetes.foo = kubernetes.foo, kubernetes.bar = kubernetes.bar }
  foo                    = module.clusters.foo
  bar                    = module.clusters.bar
  cert_manager_manifests = { path = abspath("${path.module}/${var.cert_manager_manifests_path}"), sha256 = var.cert_manager_manifests_sha256 }
  spire_crds             = { path = abspath("${path.module}/${var.spire_crds_path}"), sha256 = var.spire_crds_sha256 }
  istio_manifests        = { path = abspath("${path.module}/${var.istio_manifests_path}"), sha256 = var.istio_manifests_sha256 }
  cacerts_duration       = var.cacerts_duration
  depends_on             = [module.storage_foo, module.storage_bar, module.lbc_foo, module.lbc_bar]
}

# --- The seed's demo: sleep and helloworld (v1 on foo, v2 on bar), after Istio ----------------

module "demo" {
  source     = "../../modules/foo-bar-federation/demo"
  providers  = { kubernetes.foo = kubernetes.foo, kubernetes.bar = kubernetes.bar }
  foo        = module.clusters.foo
  bar        = module.clusters.bar
  enabled     = var.demo_apps
  istio_ready = module.mesh.istio_ready
  # The verification Job (checks.mp.hcl) also fetches bar's bundle endpoint from foo.
  bar_bundle_endpoint_url = module.mesh.bar_bundle_endpoint_url
  depends_on              = [module.mesh]
}

output "foo_endpoint" {
  value = module.clusters.foo.endpoint
}

output "bar_endpoint" {
  value = module.clusters.bar.endpoint
}

output "foo_bundle_endpoint_url" {
  value = module.mesh.foo_bundle_endpoint_url
}

output "bar_bundle_endpoint_url" {
  value = module.mesh.bar_bundle_endpoint_url
}

output "foo_root_ca_pem" {
  value = module.mesh.foo_root_ca_pem
}

output "bar_root_ca_pem" {
  value = module.mesh.bar_root_ca_pem
}

output "demo_deployments" {
  value = module.demo.deployments
}

output "remote_secrets" {
  value = module.mesh.remote_secrets
}
