# Self-hosted IRSA for EKS Anywhere (seed eks-anywhere-irsa.md, DOMAIN.md §4): the
# service-account signing key, an S3 bucket serving the OIDC discovery document and the JWKS
# publicly through a bucket policy (new buckets have ACLs disabled, so no `--acl public-read`),
# and the IAM OIDC provider for the issuer. The kube-apiserver flags are an output.

locals {
  # No trailing slash: the seed's discovery.json has one, and STS then fails to match the
  # token's `iss` (DOMAIN.md §6).
  issuer_host_path = "s3-${var.region}.amazonaws.com/${var.bucket_name}"
  issuer           = "https://${local.issuer_host_path}"
  jwks_uri         = "${local.issuer}/keys.json"
}

resource "tls_private_key" "issuer" {
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "aws_s3_bucket" "oidc" {
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = var.tags
}

resource "aws_s3_bucket_ownership_controls" "oidc" {
  bucket = aws_s3_bucket.oidc.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# ACLs stay blocked; a public bucket policy is allowed.
resource "aws_s3_bucket_public_access_block" "oidc" {
  bucket                  = aws_s3_bucket.oidc.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = false
  restrict_public_buckets = false
}

data "aws_iam_policy_document" "public_read" {
  statement {
    sid     = "PublicReadOIDCDocuments"
    effect  = "Allow"
    actions = ["s3:GetObject"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    resources = [
      "${aws_s3_bucket.oidc.arn}/.well-known/openid-configuration",
      "${aws_s3_bucket.oidc.arn}/keys.json",
    ]
  }
}

resource "aws_s3_bucket_policy" "public_read" {
  bucket = aws_s3_bucket.oidc.id
  policy = data.aws_iam_policy_document.public_read.json
  # A public policy is refused while the block is in force.
  depends_on = [aws_s3_bucket_public_access_block.oidc]
}

resource "aws_s3_object" "discovery" {
  bucket       = aws_s3_bucket.oidc.id
  key          = ".well-known/openid-configuration"
  content      = provider::tls::oidc_discovery(local.issuer, local.jwks_uri)
  content_type = "application/json"
}

resource "aws_s3_object" "jwks" {
  bucket       = aws_s3_bucket.oidc.id
  key          = "keys.json"
  content      = provider::tls::jwks([tls_private_key.issuer.public_key_pem], var.include_empty_kid)
  content_type = "application/json"
}

resource "aws_iam_openid_connect_provider" "this" {
  url             = local.issuer
  client_id_list  = var.client_ids
  thumbprint_list = [var.oidc_thumbprint]
  tags            = var.tags
  # STS fetches the documents when it first validates a token: publish them first.
  depends_on = [aws_s3_object.discovery, aws_s3_object.jwks, aws_s3_bucket_policy.public_read]
}
