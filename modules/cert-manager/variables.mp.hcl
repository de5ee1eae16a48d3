variable "manifests_path" {
  description = "Local path of cert-manager's install manifests (cert-manager.yaml)."
  type        = string
  default     = null
}

variable "manifests_url" {
  description = "Pinned URL of cert-manager's install manifests; needs manifests_sha256."
  type        = string
  default     = null
}

variable "manifests_sha256" {
  description = "SHA-256 of the document at manifests_url."
  type        = string
  default     = null
}

variable "namespace" {
  description = "cert-manager's namespace (its cluster resource namespace, where ClusterIssuer secrets live)."
  type        = string
  default     = "cert-manager"
}

variable "generated_root" {
  description = "true: meshplan generates the root CA (tls provider) and places it as Secret selfsigned-ca; false: the seed's Issuer selfsigned + Certificate selfsigned-ca."
  type        = bool
  default     = false
}

variable "root_common_name" {
  type    = string
  default = "certmanager-ca"
}

variable "root_organization" {
  type    = string
  default = "cert-manager"
}

variable "root_validity_hours" {
  description = "Root CA lifetime (the seed's 21600h)."
  type        = number
  default     = 21600
}

variable "root_secret_name" {
  description = "Secret holding the root CA, and name of the CA ClusterIssuer."
  type        = string
  default     = "selfsigned-ca"
}

variable "istio_namespace" {
  description = "Namespace of the Certificate cacerts (Istio's plug-in CA secret)."
  type        = string
  default     = "istio-system"
}

variable "create_istio_namespace" {
  description = "Create istio_namespace here (pass the output istio_namespace to modules/istio with create_namespace = false)."
  type        = bool
  default     = true
}

variable "istio_namespace_labels" {
  description = "Labels of istio_namespace when created here (e.g. topology.istio.io/network)."
  type        = map(string)
  default     = {}
}

variable "cacerts_duration" {
  type    = string
  default = "1440h"
}

variable "cacerts_renew_before" {
  type    = string
  default = "360h"
}
