variable "name" {
  description = "Name tag of the peering connection and prefix of the security groups."
  type        = string
}

variable "requester_vpc_id" {
  description = "The requester VPC (in the region of the `aws` provider)."
  type        = string
}

variable "requester_cidr" {
  type = string
}

variable "requester_route_table_ids" {
  description = "Requester route tables that get a route to the accepter CIDR, as a map with keys known at plan time (e.g. modules/vpc's private_route_table_ids)."
  type        = map(string)
}

variable "accepter_vpc_id" {
  description = "The accepter VPC (in the region of the `aws.peer` provider)."
  type        = string
}

variable "accepter_cidr" {
  type = string
}

variable "accepter_route_table_ids" {
  description = "Accepter route tables that get a route to the requester CIDR (keys known at plan time)."
  type        = map(string)
}

variable "peer_region" {
  description = "The accepter's region when it differs from the requester's (cross-region peering: the accepter side then accepts through `aws.peer`). null: same region, auto-accepted."
  type        = string
  default     = null
}

variable "peer_owner_id" {
  description = "The accepter's account ID when it is another account; null: the same account."
  type        = string
  default     = null
}

variable "allow_remote_vpc_dns_resolution" {
  description = "Resolve the peer's private DNS host names to private IPs, on both sides."
  type        = bool
  default     = true
}

variable "create_peer_security_groups" {
  description = "Create one security group per VPC allowing all protocols from the other VPC's CIDR."
  type        = bool
  default     = true
}

variable "tags" {
  type    = map(string)
  default = {}
}
