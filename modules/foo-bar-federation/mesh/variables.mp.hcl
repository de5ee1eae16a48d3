variable "foo" {
  description = "The first cluster: module.<foo-bar-federation>.foo (cluster_name, trust_domain, network, endpoint, cluster_ca_certificate)."
  type        = object({
      cluster_name           = string
      trust_domain           = string
      network                = string
      endpoint               = string
      cluster_ca_certificate = string
  })
}

variable "bar" {
  description = "The second cluster: module.<foo-bar-federation>.bar."
  type        = object({
      cluster_name           = string
      trust_domain           = string
      network                = string
      endpoint               = string
      cluster_ca_certificate = string
  })
}

variable "cert_manager_manifests" {
  description = "cert-manager's install manifests: { path } or { url, sha256 }."
  type        = object({
      path   = optional(string)
      url    = optional(string)
      sha256 = optional(string)
  })
}

variable "spire_crds" {
  description = "spire-controller-manager's CRDs: { path } or { url, sha256 }."
  type        = object({
      path   = optional(string)
      url    = optional(string)
      sha256 = optional(string)
  })
}

variable "istio_manifests" {
  description = "Istio's (operator) install manifests: { path } or { url, sha256 }."
  type        = object({
      path   = optional(string)
      url    = optional(string)
      sha256 = optional(string)
  })
}

variable "mesh_id" {
  type    = string
  default = "foo-bar-mesh"
}

variable "spire_server_node_selector" {
  description = "Where spire-server runs: the tainted spire_server node group."
  type        = map(string)
  default     = { dedicated = "spire-server" }
}

variable "bundle_endpoint_service_type" {
  description = "LoadBalancer: each side's bundle endpoint address is a graph value the other side gets in the same apply."
  type        = string
  default     = "LoadBalancer"
}

variable "bundle_endpoint_port" {
  type    = number
  default = 8443
}

variable "internal_load_balancers" {
  description = "Make the bundle endpoint and east-west gateway load balancers internal (reached over the VPC peering, not the internet)."
  type        = bool
  default     = true
}

variable "cacerts_duration" {
  description = "Lifetime of Istio's intermediate CA (Certificate cacerts, both clusters); the seed's rotation step shortens it from 1440h to 720h. istiod reloads it (AUTO_RELOAD_PLUGIN_CERTS)."
  type        = string
  default     = "1440h"
}

variable "cacerts_renew_before" {
  description = "How long before expiry cert-manager renews cacerts."
  type        = string
  default     = "360h"
}
