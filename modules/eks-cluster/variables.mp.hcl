variable "name" {
  description = "Cluster name."
  type        = string
}

variable "kubernetes_version" {
  type    = string
  default = "1.29"
}

variable "subnet_ids" {
  description = "Subnets of the control plane's network interfaces, and of node groups that name none (at least two AZs)."
  type        = list(string)
}

variable "endpoint_public_access" {
  type    = bool
  default = true
}

variable "endpoint_private_access" {
  type    = bool
  default = false
}

variable "public_access_cidrs" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "enabled_cluster_log_types" {
  type    = list(string)
  default = []
}

variable "cluster_role_name" {
  description = "Name of the cluster IAM role; null: <name>-cluster-role."
  type        = string
  default     = null
}

variable "node_role_name" {
  description = "Name of the node IAM role; null: <name>-node-role."
  type        = string
  default     = null
}

variable "node_groups" {
  description = "Managed node groups, name → settings. Taints use EKS's effect names (NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE)."
  type = map(object({
    instance_types = optional(list(string), ["m5.large"])
    capacity_type  = optional(string, "ON_DEMAND")
    ami_type       = optional(string)
    disk_size      = optional(number)
    desired_size   = optional(number, 2)
    min_size       = optional(number, 1)
    max_size       = optional(number, 3)
    subnet_ids     = optional(list(string))
    labels         = optional(map(string), {})
    taints = optional(list(object({
      key    = string
      value  = optional(string)
      effect = string
    })), [])
  }))
  default = {}
}

variable "oidc_thumbprint" {
  description = "SHA-1 (40 lowercase hex) of the issuer's top CA certificate. null: read with data tls_certificate from the issuer URL (needs the network at apply)."
  type        = string
  default     = null
}

variable "oidc_client_ids" {
  type    = list(string)
  default = ["sts.amazonaws.com"]
}

variable "enable_addons" {
  description = "Install the EKS addons (vpc-cni with network policy, kube-proxy, coredns, aws-ebs-csi-driver). false for emulators without the addon API (moto)."
  type        = bool
  default     = true
}

variable "addon_versions" {
  description = "Addon name → version; absent: EKS's default for the cluster version."
  type        = map(string)
  default     = {}
}

variable "vpc_cni_configuration" {
  description = "vpc-cni configuration_values (as an object, JSON-encoded by the module). Network policy enforcement is off in EKS unless enableNetworkPolicy is \"true\"."
  type        = any
  default     = { enableNetworkPolicy = "true" }
}

variable "node_role_attach_cni_policy" {
  description = "Attach AmazonEKS_CNI_Policy to the node role. false when aws-node has its own IRSA role (vpc_cni_role_arn, or its ServiceAccount annotated by the caller): the seed irsa-terraform.md's setup, where pods then get no CNI rights from the node."
  type        = bool
  default     = true
}

variable "vpc_cni_role_arn" {
  description = "IRSA role of the vpc-cni addon's aws-node ServiceAccount (the addon's service_account_role_arn); null: none."
  type        = string
  default     = null
}

variable "enable_pod_security_groups" {
  description = "Security groups for pods: ENABLE_POD_ENI on aws-node (vpc-cni configuration_values env) and AmazonEKSVPCResourceController on the cluster role. Needs instance types with ENI trunking (e.g. m5)."
  type        = bool
  default     = false
}

variable "ebs_csi_role_name" {
  description = "Name of the EBS CSI driver's IRSA role; null: <name>-ebs-csi-driver."
  type        = string
  default     = null
}

variable "cluster_sg_ingress_ports" {
  description = "Extra TCP ports opened on the cluster security group from itself (the federation seed opens 15017 and 15012 for istiod's webhooks and XDS)."
  type        = list(number)
  default     = []
}

variable "peer_cidrs" {
  description = "CIDRs of peered VPCs whose traffic (all protocols) the nodes admit, through the cluster security group."
  type        = list(string)
  default     = []
}

variable "node_security_group_ids" {
  description = "Security groups the nodes carry besides the cluster security group (e.g. modules/vpc-peering's peer groups), through one launch template per node group; empty: no launch template."
  type        = list(string)
  default     = []
}

variable "tags" {
  type    = map(string)
  default = {}
}
