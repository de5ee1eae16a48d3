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
  description = "Expected SHA-256 (hex) of the document at url or of the file at path; a mismatch fails the read (url) or the plan (path)."
  type        = string
  default     = null

  # A pinned file given by path is checked before anything is applied from it.
  validation {
    condition     = var.sha256 == null ? true : (var.path == null ? true : filesha256(var.path) == lower(var.sha256))
    error_message = "${coalesce(var.path, "-")} does not have SHA-256 ${coalesce(var.sha256, "-")}: it is not the pinned upstream file (see the example's README, \"Pinned inputs\")"
  }
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
