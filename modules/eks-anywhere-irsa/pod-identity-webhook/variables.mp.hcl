variable "namespace" {
  type    = string
  default = "kube-system"
}

variable "name" {
  description = "Name of the ServiceAccount, RBAC objects, Deployment, Service, Secret and MutatingWebhookConfiguration (the seed's POD_IDENTITY_SERVICE_NAME)."
  type        = string
  default     = "pod-identity-webhook"
}

variable "image" {
  type    = string
  default = "amazon/amazon-eks-pod-identity-webhook:v0.5.5"
}

variable "token_audience" {
  type    = string
  default = "sts.amazonaws.com"
}

variable "certificate_validity_hours" {
  description = "The serving certificate's lifetime (the seed's CERTIFICATE_PERIOD, 365 days)."
  type        = number
  default     = 8760
}
