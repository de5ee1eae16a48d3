output "vpc_id" {
  value = aws_vpc.this.id
}

output "cidr_block" {
  value = aws_vpc.this.cidr_block
}

output "azs" {
  value = var.azs
}

output "public_subnet_ids" {
  description = "In the order of var.azs."
  value       = [for az in var.azs : aws_subnet.public[az].id]
}

output "private_subnet_ids" {
  description = "In the order of var.azs."
  value       = [for az in var.azs : aws_subnet.private[az].id]
}

output "internet_gateway_id" {
  value = aws_internet_gateway.this.id
}

output "nat_gateway_ids" {
  description = "AZ → NAT gateway ID."
  value       = { for az, n in aws_nat_gateway.this : az => n.id }
}

output "nat_public_ips" {
  value = [for az in local.nat_azs : aws_eip.nat[az].public_ip]
}

output "public_route_table_ids" {
  description = "Name → route table ID (one entry, \"public\"); a map so callers can for_each over it."
  value       = { public = aws_route_table.public.id }
}

output "private_route_table_ids" {
  description = "AZ of the NAT gateway → private route table ID (one entry with single_nat_gateway)."
  value       = { for az, rt in aws_route_table.private : az => rt.id }
}

output "route_table_ids" {
  description = "Every route table of the VPC, public and private, keyed \"public\" / \"private-<az>\"."
  # Not merge(): meshplan's merge() of maps with unknown values is wholly unknown, and the
  # keys must stay known for a caller's for_each.
  value = {
    for k in concat(["public"], [for az in local.nat_azs : "private-${az}"]) :
    k => (k == "public" ? aws_route_table.public.id : aws_route_table.private[trimprefix(k, "private-")].id)
  }
}
