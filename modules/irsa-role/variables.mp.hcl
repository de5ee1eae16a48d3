variable "name" {
  description = "IAM role name."
  type        = string
}

variable "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (the trust policy's Federated principal)."
  type        = string
}

variable "oidc_issuer_url" {
  description = "The cluster's OIDC issuer URL (https://oidc.eks.REGION.amazonaws.com/id/ID); the condition keys are its host path."
  type        = string
}

variable "namespace" {
  description = "Namespace of the service account that may assume the role."
  type        = string
}

variable "service_account" {
  description = "Name of the service account that may assume the role."
  type        = string
}

variable "audience" {
  description = "The `:aud` the projected token carries."
  type        = string
  default     = "sts.amazonaws.com"
}

variable "policy_arns" {
  description = "Managed policies to attach, as name → ARN (names are instance keys, known at plan time)."
  type        = map(string)
  default     = {}
}

variable "inline_policies" {
  description = "Inline policies, as name → policy JSON."
  type        = map(string)
  default     = {}
}

variable "path" {
  type    = string
  default = "/"
}

variable "tags" {
  type    = map(string)
  default = {}
}
