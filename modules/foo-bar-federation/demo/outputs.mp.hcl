output "deployments" {
  description = "Per cluster, the demo Deployments (\"namespace/name\"); empty when disabled."
  value = {
    foo = concat([for m in kubernetes_manifest.foo_helloworld : "helloworld/${m.manifest.metadata.name}"], [for m in kubernetes_manifest.foo_sleep : "sleep/${m.manifest.metadata.name}"])
    bar = concat([for m in kubernetes_manifest.bar_helloworld : "helloworld/${m.manifest.metadata.name}"], [for m in kubernetes_manifest.bar_sleep : "sleep/${m.manifest.metadata.name}"])
  }
}

output "north_south" {
  description = "bar's north-south entry for helloworld: the Gateway (\"namespace/name\") and the path; null when disabled. The URL is http://<istio-ingressgateway's load balancer hostname><path>."
  value       = length(kubernetes_manifest.bar_helloworld_virtual_service) == 0 ? null : { gateway = "helloworld/${kubernetes_manifest.bar_helloworld_gateway[0].manifest.metadata.name}", path = "/hello" }
}

output "verify_job" {
  description = "The verification Job on foo (\"namespace/name\"); null when disabled."
  value       = length(kubernetes_manifest.foo_cross_cluster_curl) == 0 ? null : "sleep/${kubernetes_manifest.foo_cross_cluster_curl[0].manifest.metadata.name}"
}
