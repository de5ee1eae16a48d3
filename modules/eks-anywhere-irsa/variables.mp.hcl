variable "bucket_name" {
  description = "S3 bucket holding the discovery document and JWKS (the seed: aws-irsa-oidc-<timestamp>)."
  type        = string
}

variable "region" {
  description = "The bucket's region; the issuer is https://s3-<region>.amazonaws.com/<bucket>."
  type        = string
}

variable "oidc_thumbprint" {
  description = "SHA-1 (40 lowercase hex) of the top CA certificate served by s3-<region>.amazonaws.com (the seed's openssl s_client pipeline)."
  type        = string
}

variable "client_ids" {
  type    = list(string)
  default = ["sts.amazonaws.com"]
}

variable "include_empty_kid" {
  description = "Also publish the key with kid \"\" (clusters older than 1.16)."
  type        = bool
  default     = true
}

variable "key_dir" {
  description = "Where the control plane keeps the keys (the paths in the kube-apiserver flags)."
  type        = string
  default     = "/etc/kubernetes/manifests/secrets"
}

variable "force_destroy" {
  description = "Let destroy empty the bucket."
  type        = bool
  default     = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
