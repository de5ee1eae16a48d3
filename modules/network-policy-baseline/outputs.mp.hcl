output "default_deny" {
  description = "namespace => name of its default-deny NetworkPolicy."
  value       = { for ns, p in kubernetes_manifest.default_deny : ns => p.manifest.metadata.name }
}

output "policies" {
  description = "Every NetworkPolicy created, as namespace/name."
  value       = concat(
    [for ns, p in kubernetes_manifest.default_deny : "${ns}/${p.manifest.metadata.name}"],
    [for ns, p in kubernetes_manifest.allow_dns : "${ns}/${p.manifest.metadata.name}"],
    [for k, p in kubernetes_manifest.allow : "${p.manifest.metadata.namespace}/${k}"],
  )
}

output "security_group_policies" {
  value = [for k, p in kubernetes_manifest.security_group_policy : "${p.manifest.metadata.namespace}/${k}"]
}

output "awspca_cluster_issuer" {
  value = try(kubernetes_manifest.awspca_cluster_issuer[0].manifest.metadata.name, null)
}
