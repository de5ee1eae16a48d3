variable "manifests_path" {
  description = "Local path of the Istio install manifests (operator CRDs/operator, or istioctl manifest generate output)."
  type        = string
  default     = null
}

variable "manifests_url" {
  type    = string
  default = null
}

variable "manifests_sha256" {
  type    = string
  default = null
}

variable "namespace" {
  type    = string
  default = "istio-system"
}

variable "create_namespace" {
  description = "Create the namespace (false when modules/cert-manager created it for Certificate cacerts)."
  type        = bool
  default     = true
}

variable "trust_domain" {
  type = string
}

variable "trust_domain_aliases" {
  description = "The federated trust domains (without them, cross-domain identities are rejected; DOMAIN.md §6)."
  type        = list(string)
  default     = []
}

variable "mesh_id" {
  type    = string
  default = "mesh1"
}

variable "cluster_name" {
  description = "values.global.multiCluster.clusterName (e.g. foo-eks-cluster)."
  type        = string
}

variable "network" {
  description = "values.global.network and the east-west gateway's network (e.g. foo-network)."
  type        = string
}

variable "federates_with" {
  description = "Trust domains for the gateways' spiffe.io/federatesWith annotation."
  type        = list(string)
  default     = []
}

variable "cluster_spiffe_ids" {
  description = "Names of the ClusterSPIFFEIDs Istio's pods match (modules/spire output): referencing them installs Istio after them, as it must be."
  type        = list(string)
  default     = []
}

variable "east_west_gateway" {
  type    = bool
  default = true
}

variable "remote_clusters" {
  description = "Other clusters of the mesh: name => { server, ca_pem }. Their reader tokens come in remote_cluster_tokens."
  type        = map(object({ server = string, ca_pem = string }))
  default     = {}
}

variable "remote_cluster_tokens" {
  description = "name => istio-reader-service-account token of that cluster (modules/istio output reader_token)."
  type        = map(string)
  default     = {}
  sensitive   = true
}

# The two below also keep the `spire` template and the gateway overlay (locals) tied to a
# variable: a constant local in a module nested two deep is planned unknown and applied as
# null by the engine (see modules/foo-bar-federation/README.md, "Engine issues").
variable "workload_socket_path" {
  description = "Where istio-proxy mounts the SPIFFE workload API socket directory (SPIRE agent's socket_path)."
  type        = string
  default     = "/run/secrets/workload-spiffe-uds"
}

variable "spiffe_csi_driver" {
  description = "The SPIFFE CSI driver's name."
  type        = string
  default     = "csi.spiffe.io"
}

variable "east_west_service_annotations" {
  description = "Annotations of the east-west gateway's Service (15443/15012/15017), e.g. AWS's internal-scheme ones."
  type        = map(string)
  default     = {}
}

variable "cacerts_ready" {
  description = "A value known once Secret cacerts is issued (modules/cert-manager cacerts_ready); the control plane waits for it."
  type        = string
  default     = null
}

variable "wait_for_control_plane" {
  description = "Wait for the IstioOperators to report HEALTHY (istiod, sidecar injector, gateway up)."
  type        = bool
  default     = true
}

variable "ingress_gateway" {
  description = "The north-south istio-ingressgateway (default profile), with the SPIFFE socket overlay and federatesWith annotation; false disables it."
  type        = bool
  default     = true
}

variable "ingress_service_annotations" {
  description = "Annotations of the istio-ingressgateway Service (e.g. the AWS load balancer type)."
  type        = map(string)
  default     = {}
}
