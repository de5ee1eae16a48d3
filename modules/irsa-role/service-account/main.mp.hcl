# The ServiceAccount of an IRSA role, annotated with eks.amazonaws.com/role-arn, through the
# caller's `kubernetes` provider.

variable "name" {
  type = string
}

variable "namespace" {
  type = string
}

variable "role_arn" {
  type = string
}

variable "annotations" {
  description = "Extra annotations (e.g. eks.amazonaws.com/sts-regional-endpoints = \"true\")."
  type        = map(string)
  default     = {}
}

resource "kubernetes_service_account" "this" {
  metadata {
    name        = var.name
    namespace   = var.namespace
    annotations = merge(var.annotations, { "eks.amazonaws.com/role-arn" = var.role_arn })
  }
}

output "name" {
  value = kubernetes_service_account.this.metadata[0].name
}
