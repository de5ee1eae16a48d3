output "namespace" {
  value = local.ns
}

output "trust_domain" {
  value = var.trust_domain
}

output "server_spiffe_id" {
  description = "The server's SPIFFE ID (the other side's endpointSPIFFEID)."
  value       = "spiffe://${var.trust_domain}/spire/server"
}

output "bundle_endpoint_address" {
  description = "Address of Service spire-server-bundle-endpoint: its load balancer address (LoadBalancer), else null (NodePort: use a node or NLB address)."
  value       = (
    var.bundle_endpoint_service_type == "LoadBalancer" ?
    try(kubernetes_manifest.bundle_endpoint_service.object.status.loadBalancer.ingress[0].hostname,
      kubernetes_manifest.bundle_endpoint_service.object.status.loadBalancer.ingress[0].ip) : null
  )
}

output "bundle_endpoint_port" {
  value = var.bundle_endpoint_port
}

output "trust_bundle_config_map" {
  description = "ConfigMap (namespace/name, key root-cert.pem) the k8sbundle notifier keeps the PEM trust bundle in."
  value       = "${local.ns}/${kubernetes_manifest.trust_bundle.manifest.metadata.name}"
}

output "server_conf" {
  value = local.server_conf
}

output "cluster_spiffe_ids" {
  description = "Names of the ClusterSPIFFEIDs (known once applied): Istio must be installed after them."
  value       = [for k, o in kubernetes_manifest.cluster_spiffe_id : o.object.metadata.name]
}

output "ready" {
  description = "Known once server and agent are rolled out and the registrations exist."
  value       = sha1(join(",", concat(
        [kubernetes_manifest.server.object.metadata.uid, kubernetes_manifest.agent.object.metadata.uid],
        [for k, o in kubernetes_manifest.cluster_spiffe_id : o.object.metadata.uid],
  )))
}

output "agent_socket_path" {
  description = "Host path of the agent's Workload API socket (hostPath consumers: SPIFFE_ENDPOINT_SOCKET=unix://<this>)."
  value       = local.agent_socket_path
}
