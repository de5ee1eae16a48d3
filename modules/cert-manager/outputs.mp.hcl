output "root_ca_pem" {
  description = "PEM of the root CA: known at plan/apply time with generated_root; otherwise read from Secret selfsigned-ca (null until cert-manager has issued it)."
  value       = (
    var.generated_root ? tls_self_signed_cert.root[0].cert_pem :
    try(base64decode(data.kubernetes_resource.root_secret[0].object.data["ca.crt"]), null)
  )
}

output "cluster_issuer_name" {
  description = "The CA ClusterIssuer (SPIRE's UpstreamAuthority issuer_name)."
  value       = kubernetes_manifest.cluster_issuer.manifest.metadata.name
}

output "namespace" {
  value = var.namespace
}

output "istio_namespace" {
  description = "Namespace of Certificate cacerts (created here unless create_istio_namespace = false)."
  value       = kubernetes_manifest.cacerts.manifest.metadata.namespace
}

output "ready" {
  description = "Known once the install, the root and the ClusterIssuer are applied."
  value       = sha1("${module.install.ready}/${kubernetes_manifest.cluster_issuer.object.metadata.uid}")
}

output "cacerts_ready" {
  description = "Known once Certificate cacerts is Ready (its Secret issued): give it to modules/istio."
  value       = kubernetes_manifest.cacerts.object.metadata.uid
}
