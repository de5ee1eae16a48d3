output "foo_root_ca_pem" {
  value = module.cert_manager_foo.root_ca_pem
}

output "bar_root_ca_pem" {
  value = module.cert_manager_bar.root_ca_pem
}

output "foo_bundle_endpoint_url" {
  value = module.federation.bundle_endpoint_url_of_a
}

output "bar_bundle_endpoint_url" {
  value = module.federation.bundle_endpoint_url_of_b
}

output "bundle_of_foo" {
  value = module.federation.bundle_of_a
}

output "bundle_of_bar" {
  value = module.federation.bundle_of_b
}

output "remote_secrets" {
  value = { foo = module.istio_foo.remote_secrets, bar = module.istio_bar.remote_secrets }
}

output "istio_ready" {
  description = "Per cluster, known once its Istio control plane is HEALTHY (modules/foo-bar-federation/demo waits on it)."
  value       = { foo = module.istio_foo.ready, bar = module.istio_bar.ready }
}
