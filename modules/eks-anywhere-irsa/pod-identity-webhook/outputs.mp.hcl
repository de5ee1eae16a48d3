output "ca_bundle_pem" {
  description = "The certificate the webhook serves (and the API server trusts for it)."
  value       = tls_self_signed_cert.serving.cert_pem
}

output "ready" {
  description = "Known once the webhook is registered: workloads that need injection depend on it."
  value       = kubernetes_manifest.mutating_webhook.manifest.metadata.name
}
