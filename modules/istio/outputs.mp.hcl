output "namespace" {
  value = local.ns
}

output "reader_token" {
  description = "Token of istio-reader-service-account (for the other clusters' remote secrets)."
  value       = kubernetes_secret.reader_token.data["token"]
  sensitive   = true
}

output "reader_ca_pem" {
  description = "The cluster CA as the service-account token Secret reports it."
  value       = kubernetes_secret.reader_token.data["ca.crt"]
}

output "remote_secrets" {
  value = [for k, s in kubernetes_secret.remote : s.metadata[0].name]
}

output "ready" {
  description = "Known once the control plane is HEALTHY: workloads that need a sidecar come after it."
  value       = kubernetes_manifest.control_plane.object.metadata.uid
}
