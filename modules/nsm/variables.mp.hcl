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
  type    = string
  default = null
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
