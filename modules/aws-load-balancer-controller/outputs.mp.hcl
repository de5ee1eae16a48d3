output "role_arn" {
  value = module.irsa.role_arn
}

output "ready" {
  description = "Known once the controller is installed (and rolled out)."
  value       = module.install.ready
}
