output "namespace" {
  value = kubernetes_namespace.nsm.metadata[0].name
}

output "spire_namespace" {
  value = module.spire.namespace
}

output "admission_webhook_ready" {
  description = "Ready replicas of admission-webhook-k8s after the rollout wait (null when the manifests have no such Deployment)."
  value       = try(kubernetes_manifest.nsm[local.webhook_key].object.status.readyReplicas, null)
}

output "objects" {
  value = [for k, o in kubernetes_manifest.nsm : k]
}

output "spire_agent_socket_path" {
  value = module.spire.agent_socket_path
}
