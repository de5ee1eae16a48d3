output "peering_connection_id" {
  description = "The peering connection, once accepted."
  value       = local.active_peering_id
}

output "requester_security_group_id" {
  description = "The requester-side security group admitting the accepter CIDR (null without create_peer_security_groups)."
  value       = var.create_peer_security_groups ? aws_security_group.requester[0].id : null
}

output "accepter_security_group_id" {
  value = var.create_peer_security_groups ? aws_security_group.accepter[0].id : null
}

output "requester_route_ids" {
  value = { for k, r in aws_route.requester : k => r.id }
}

output "accepter_route_ids" {
  value = { for k, r in aws_route.accepter : k => r.id }
}
