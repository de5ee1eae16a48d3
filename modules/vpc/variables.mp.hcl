variable "name" {
  description = "Name prefix of every object (the VPC's Name tag)."
  type        = string
}

variable "cidr" {
  description = "The VPC's IPv4 CIDR block, e.g. 10.2.0.0/16."
  type        = string
}

variable "azs" {
  description = "Availability zones: one public and one private subnet in each."
  type        = list(string)
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet (8: a /16 gives /24 subnets)."
  type        = number
  default     = 8
}

variable "private_subnet_offset" {
  description = "Private subnet i is cidrsubnet(cidr, newbits, offset + i); public subnet i is cidrsubnet(cidr, newbits, i)."
  type        = number
  default     = 100
}

variable "single_nat_gateway" {
  description = "true: one NAT gateway (in the first AZ) and one private route table; false: a NAT gateway and a private route table per AZ."
  type        = bool
  default     = false
}

variable "cluster_names" {
  description = "EKS clusters that use these subnets: each gets the tag kubernetes.io/cluster/<name> = shared."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every object."
  type        = map(string)
  default     = {}
}
