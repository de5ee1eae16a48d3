output "a_federates_with" {
  description = "Trust domain side a now federates with (b's)."
  value       = kubernetes_manifest.on_a.manifest.spec.trustDomain
}

output "b_federates_with" {
  value = kubernetes_manifest.on_b.manifest.spec.trustDomain
}

output "bundle_of_a" {
  description = "The SPIFFE bundle JSON of side a (as placed on side b)."
  value       = kubernetes_manifest.on_b.manifest.spec.trustDomainBundle
}

output "bundle_of_b" {
  value = kubernetes_manifest.on_a.manifest.spec.trustDomainBundle
}

output "bundle_endpoint_url_of_a" {
  value = kubernetes_manifest.on_b.manifest.spec.bundleEndpointURL
}

output "bundle_endpoint_url_of_b" {
  value = kubernetes_manifest.on_a.manifest.spec.bundleEndpointURL
}
