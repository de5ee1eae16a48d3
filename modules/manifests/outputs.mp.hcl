output "keys" {
  description = "Kind/namespace/name of every applied object (known once all are applied)."
  value       = [for k, o in kubernetes_manifest.object : k]
}

output "ready" {
  description = "A value that is known only once every object is applied (and rolled out): reference it to order after the install."
  value       = sha1(join(",", [for k, o in kubernetes_manifest.object : "${k}@${o.object.metadata.uid}"]))
}
