variable "name" {
  type = string
}

variable "description" {
  type    = string
  default = "Security group for pods (SecurityGroupPolicy)"
}

variable "vpc_id" {
  type = string
}

variable "cluster_security_group_id" {
  description = "The EKS cluster security group (CoreDNS and the nodes' kubelets are in it)."
  type        = string
}

variable "probe_ports" {
  description = "TCP ports of the pods' liveness/readiness probes: kubelet must reach them from the cluster security group."
  type        = list(number)
  default     = []
}

variable "service_ports" {
  description = "TCP ports the pods serve to other pods of the cluster (admitted from the cluster security group)."
  type        = list(number)
  default     = []
}

variable "egress_cidrs" {
  description = "CIDRs the pods may reach on any protocol besides DNS (e.g. the VPC's, an RDS subnet's)."
  type        = list(string)
  default     = []
}

variable "describe_group_rules" {
  description = "Describe the rules that reference a group. false against moto 5.x, which drops those descriptions (they would re-plan forever)."
  type        = bool
  default     = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
