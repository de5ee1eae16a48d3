variable "cluster_name" {
  description = "The EKS cluster (IAM role name prefix; the manifests' --cluster-name must match)."
  type        = string
}

variable "oidc_provider_arn" {
  type = string
}

variable "oidc_issuer_url" {
  type = string
}

variable "iam_policy_json" {
  description = "The controller's IAM policy (upstream docs/install/iam_policy.json of the pinned release)."
  type        = string
}

variable "manifests" {
  description = "The controller's install objects as YAML (the chart rendered with serviceAccount.create=false and serviceAccount.name = service_account)."
  type        = string
}

variable "namespace" {
  type    = string
  default = "kube-system"
}

variable "service_account" {
  type    = string
  default = "aws-load-balancer-controller"
}

variable "tags" {
  type    = map(string)
  default = {}
}
