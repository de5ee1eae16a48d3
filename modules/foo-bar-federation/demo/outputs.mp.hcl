output "deployments" {
  description = "Per cluster, the demo Deployments (\"namespace/name\"); empty when disabled."
  value = {
    foo = concat([for m in kubernetes_manifest.foo_helloworld : "helloworld/${m.manifest.metadata.name}"], [for m in kubernetes_manifest.foo_sleep : "sleep/${m.manifest.metadata.name}"])
    bar = concat([for m in kubernetes_manifest.bar_helloworld : "helloworld/${m.manifest.metadata.name}"], [for m in kubernetes_manifest.bar_sleep : "sleep/${m.manifest.metadata.name}"])
  }
}
