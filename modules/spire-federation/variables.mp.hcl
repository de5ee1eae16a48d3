variable "a" {
  description = "One side (its cluster is provider kubernetes.a): trust domain, bundle endpoint address (host or IP of its spire-server-bundle-endpoint), port, and the X.509 authorities of its bundle (PEM: the cert-manager root SPIRE chains to); ready: modules/spire's ready (its controller-manager's webhook admits the object only once it serves)."
  type        = object({
      trust_domain            = string
      bundle_endpoint_address = string
      bundle_endpoint_port    = number
      ca_pems                 = list(string)
      ready                   = optional(string)
  })
}

variable "b" {
  description = "The other side (provider kubernetes.b); same fields as a."
  type        = object({
      trust_domain            = string
      bundle_endpoint_address = string
      bundle_endpoint_port    = number
      ca_pems                 = list(string)
      ready                   = optional(string)
  })
}

variable "bundle_sequence" {
  description = "spiffe_sequence of the bootstrap bundles."
  type        = number
  default     = 1
}
