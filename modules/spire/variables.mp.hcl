variable "trust_domain" {
  description = "SPIFFE trust domain of this cluster (e.g. foo.com)."
  type        = string
}

variable "cluster_name" {
  description = "Cluster name for k8s_psat attestation (server clusters map and agent cluster): must match on both sides."
  type        = string
}

variable "namespace" {
  type    = string
  default = "spire"
}

variable "crds_path" {
  description = "Local path of the spire-controller-manager CRDs (ClusterSPIFFEID, ClusterFederatedTrustDomain, ...)."
  type        = string
  default     = null
}

variable "crds_url" {
  description = "Pinned URL of the spire-controller-manager CRDs; needs crds_sha256."
  type        = string
  default     = null
}

variable "crds_sha256" {
  type    = string
  default = null
}

variable "images" {
  description = "Container images."
  type        = object({
      server             = string
      agent              = string
      controller_manager = string
      csi_driver         = string
      node_registrar     = string
  })
  default = {
    server             = "ghcr.io/spiffe/spire-server:1.5.1"
    agent              = "ghcr.io/spiffe/spire-agent:1.5.1"
    controller_manager = "ghcr.io/spiffe/spire-controller-manager:0.2.3"
    csi_driver         = "ghcr.io/spiffe/spiffe-csi-driver:0.2.3"
    node_registrar     = "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.6.2"
  }
}

variable "federates_with" {
  description = "Trust domains this server federates with: trust domain => { bundle_endpoint_url } (https://<their endpoint>:8443). Their server's SPIFFE ID is spiffe://<td>/spire/server."
  type        = map(object({ bundle_endpoint_url = string }))
  default     = {}
}

variable "bundle_endpoint_port" {
  type    = number
  default = 8443
}

variable "bundle_endpoint_service_type" {
  description = "Type of Service spire-server-bundle-endpoint: NodePort (upstream, nodePort 30010) or LoadBalancer (a stable address; DOMAIN.md §6)."
  type        = string
  default     = "NodePort"
}

variable "upstream_authority" {
  description = "cert-manager issuer SPIRE chains to (SPIRE is then an intermediate CA under it), e.g. { issuer_name = \"selfsigned-ca\", issuer_kind = \"ClusterIssuer\", issuer_group = \"cert-manager.io\", namespace = \"cert-manager\" } (modules/cert-manager outputs); null: SPIRE is its own root. Default null because meshplan, unlike Terraform, turns an explicit null argument into the default."
  type        = object({
      issuer_name  = string
      issuer_kind  = string
      issuer_group = string
      namespace    = string
  })
  default = null
}

variable "server_node_selector" {
  description = "Where spire-server runs (the seed's dedicated node group); {} for anywhere."
  type        = map(string)
  default     = { dedicated = "spire-server" }
}

variable "server_tolerations" {
  type    = list(object({ key = string, operator = string, value = string, effect = string }))
  default = [{ key = "dedicated", operator = "Equal", value = "spire-server", effect = "NoExecute" }]
}

variable "storage_class_name" {
  description = "StorageClass of the server's 1Gi data volume (null: the cluster default, gp3 in the seed)."
  type        = string
  default     = null
}

variable "cluster_spiffe_ids" {
  description = "ClusterSPIFFEID objects: name => { spiffe_id_template, pod_selector, namespace_selector, federates_with }. Default: Istio's."
  type        = map(object({
        spiffe_id_template = string
        pod_selector       = map(string)
        namespace_selector = map(string)
        federates_with     = list(string)
        dns_name_templates = optional(list(string))
  }))
  default = null
}

variable "wait_for_rollout" {
  description = "Wait for the server StatefulSet and agent DaemonSet to be ready."
  type        = bool
  default     = true
}

variable "agent_socket_dir" {
  description = "Host directory of the agent's Workload API socket (created by the agent DaemonSet); NSM mounts it as a hostPath, the SPIFFE CSI driver shares it with pods."
  type        = string
  default     = "/run/spire/sockets"
}

variable "agent_socket_name" {
  description = "File name of the socket in that directory: \"socket\" for Istio (it reads /run/secrets/workload-spiffe-uds/socket through the CSI volume), \"agent.sock\" for NSM."
  type        = string
  default     = "socket"
}

variable "bundle_endpoint_service_annotations" {
  description = "Annotations of Service spire-server-bundle-endpoint, e.g. AWS's internal-scheme ones so a LoadBalancer is reachable from peered VPCs only."
  type        = map(string)
  default     = {}
}
