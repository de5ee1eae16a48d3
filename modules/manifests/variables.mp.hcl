variable "path" {
  description = "Local path of a multi-document YAML file."
  type        = string
  default     = null
}

variable "url" {
  description = "URL of a multi-document YAML file (pinned release asset); needs sha256."
  type        = string
  default     = null
}

variable "sha256" {
  description = "Expected SHA-256 (hex) of the document at url; the read fails on a mismatch."
  type        = string
  default     = null
}

variable "content" {
  description = "The YAML itself, when the caller already has it."
  type        = string
  default     = null
}

variable "wait_for_rollout" {
  description = "Wait for Deployments, StatefulSets and DaemonSets of the manifests to roll out."
  type        = bool
  default     = true
}
