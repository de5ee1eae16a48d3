variable "namespaces" {
  description = "Namespaces that get default-deny (+ DNS egress)."
  type        = list(string)
}

variable "allow_dns" {
  type    = bool
  default = true
}

variable "allows" {
  description = "Explicit allows: policy name => { namespace, pod_selector (matchLabels), ingress (list of NetworkPolicy ingress rules) and/or egress (list of egress rules) }."
  type        = any
  default     = {}
}

variable "security_group_policies" {
  description = "SecurityGroupPolicy objects: name => { namespace, pod_selector (matchLabels) or service_account_selector (matchLabels), security_group_ids }."
  type        = any
  default     = {}
}

variable "awspca_cluster_issuer" {
  description = "Optional AWSPCAClusterIssuer: { name, arn, region }."
  type        = object({ name = string, arn = string, region = string })
  default     = null
}
