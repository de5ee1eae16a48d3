variable "cluster_name" {
  description = "Cluster name for SPIRE's k8s_psat attestation."
  type        = string
}

variable "trust_domain" {
  type    = string
  default = "k8s.nsm"
}

variable "spire_crds_path" {
  type    = string
  default = null
}

variable "spire_crds_url" {
  type    = string
  default = null
}

variable "spire_crds_sha256" {
  type    = string
  default = null
}

variable "manifests_path" {
  description = "NSM basic manifests (deployments-k8s examples/basic, v1.14.0, rendered with kustomize)."
  type        = string
  default     = null
}

variable "manifests_url" {
  type    = string
  default = null
}

variable "manifests_sha256" {
  description = "Expected SHA-256 of the NSM manifests (at manifests_url, or the file at manifests_path: checked at plan)."
  type        = string
  default     = null

  validation {
    condition     = var.manifests_sha256 == null ? true : (var.manifests_path == null ? true : filesha256(var.manifests_path) == lower(var.manifests_sha256))
    error_message = "${coalesce(var.manifests_path, "-")} does not have SHA-256 ${coalesce(var.manifests_sha256, "-")}: it is not the pinned NSM manifests (see the example's README, \"Pinned inputs\")"
  }
}

variable "namespace" {
  type    = string
  default = "nsm-system"
}

variable "spire_server_node_selector" {
  description = "Node selector of spire-server ({}: anywhere; the NSM seed has no dedicated node group)."
  type        = map(string)
  default     = {}
}
