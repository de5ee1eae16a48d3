# The foo/bar pattern (DOMAIN.md §1) for two clusters. Names, regions, CIDRs and trust
# domains default to the seed's.

variable "foo" {
  description = "The first cluster: name prefix, region, VPC CIDR, trust domain (region must be that of the caller's `aws` provider)."
  type        = object({
      name         = optional(string, "foo")
      region       = optional(string, "us-east-1")
      cidr         = optional(string, "10.2.0.0/16")
      trust_domain = optional(string, "foo.com")
      azs          = optional(list(string), [])
  })
  default = {}
}

variable "bar" {
  description = "The second cluster (region must be that of the caller's `aws.bar` provider)."
  type        = object({
      name         = optional(string, "bar")
      region       = optional(string, "us-east-1")
      cidr         = optional(string, "10.3.0.0/16")
      trust_domain = optional(string, "bar.com")
      azs          = optional(list(string), [])
  })
  default = {}
}

variable "kubernetes_version" {
  type    = string
  default = "1.29"
}

variable "general_instance_types" {
  type    = list(string)
  default = ["m5.large"]
}

variable "general_node_count" {
  type    = number
  default = 2
}

variable "oidc_thumbprint" {
  description = "SHA-1 of the OIDC issuer's root CA; null: read from the issuer at apply (needs network access to it)."
  type        = string
  default     = null
}

variable "enable_addons" {
  description = "EKS addons (vpc-cni with network policy, kube-proxy, coredns, aws-ebs-csi-driver with its IRSA role). false against moto, which has no addon API."
  type        = bool
  default     = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "cluster_sg_ingress_ports" {
  description = "Ports opened on each cluster security group from itself (the seed's 15017 and 15012 for istiod). [] against moto, whose clusters have no cluster security group."
  type        = list(number)
  default     = [15017, 15012]
}
