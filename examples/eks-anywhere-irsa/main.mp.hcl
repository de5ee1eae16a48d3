# IRSA for an EKS Anywhere cluster (seed eks-anywhere-irsa.md): a self-hosted OIDC issuer in
# S3 (signing key, discovery document, JWKS, public through a bucket policy), the IAM OIDC
# provider, and the seed's verification role s3-echoer (trust: default:s3-echoer, with `:aud`
# as well as the seed's `:sub`; AmazonS3FullAccess). The kube-apiserver flags and the key
# files to copy onto the control plane are outputs; pod-identity-webhook, the s3-echoer
# ServiceAccount and the test Job are in kubernetes.mp.hcl.
#
# With the variables unset this targets real AWS; README.md shows the run against moto.

variable "region" {
  type    = string
  default = "us-west-2"
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

variable "bucket_name" {
  description = "Globally unique; the seed uses aws-irsa-oidc-<timestamp>."
  type        = string
  default     = "aws-irsa-oidc-meshplan-example"
}

# The seed computes it with `openssl s_client -connect s3-<region>.amazonaws.com:443`
# (SHA-1 of the top certificate served, lowercase hex).
variable "oidc_thumbprint" {
  type = string
}

variable "key_dir" {
  description = "Where the key files are written locally (copy them to the control plane's /etc/kubernetes/manifests/secrets)."
  type        = string
  default     = "keys"
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
    tags = { example = "eks-anywhere-irsa", managed-by = "meshplan" }
  }
}

module "oidc" {
  source          = "../../modules/eks-anywhere-irsa"
  bucket_name     = var.bucket_name
  region          = var.region
  oidc_thumbprint = var.oidc_thumbprint
}

# The seed's keys/ directory: oidc-issuer.key (signing) and oidc-issuer.pub (PKCS8).
resource "local_file" "signing_key" {
  filename        = "${path.module}/${var.key_dir}/oidc-issuer.key"
  content         = module.oidc.private_key_pem
  file_permission = "0600"
}

resource "local_file" "public_key" {
  filename = "${path.module}/${var.key_dir}/oidc-issuer.pub"
  content  = module.oidc.public_key_pem
}

# The seed's verification workload role (s3-echoer in namespace default).
module "s3_echoer" {
  source            = "../../modules/irsa-role"
  name              = "s3-echoer"
  oidc_provider_arn = module.oidc.oidc_provider_arn
  oidc_issuer_url   = module.oidc.issuer
  namespace         = "default"
  service_account   = "s3-echoer"
  policy_arns       = { s3 = "arn:aws:iam::aws:policy/AmazonS3FullAccess" }
}

output "issuer" {
  value = module.oidc.issuer
}

output "oidc_provider_arn" {
  value = module.oidc.oidc_provider_arn
}

output "kube_apiserver_flags" {
  value = module.oidc.kube_apiserver_flags
}

output "s3_echoer_role_arn" {
  value = module.s3_echoer.role_arn
}

output "s3_echoer_service_account_annotations" {
  value = module.s3_echoer.service_account_annotations
}
