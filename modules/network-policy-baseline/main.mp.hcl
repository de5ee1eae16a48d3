# The EKS network-security baseline (seed eks-network-security.md, DOMAIN.md §5): default deny
# and DNS egress per namespace, explicit allows, security groups for pods, and an optional
# ACM PCA issuer for cert-manager. Enforcement on EKS needs the vpc-cni addon with
# enableNetworkPolicy = "true".

locals {
  namespaces = toset(var.namespaces)
}

resource "kubernetes_manifest" "default_deny" {
  for_each = local.namespaces
  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "NetworkPolicy"
    metadata   = { name = "default-deny", namespace = each.key }
    spec       = {
      podSelector = {}
      policyTypes = ["Ingress", "Egress"]
    }
  }
}

resource "kubernetes_manifest" "allow_dns" {
  for_each = var.allow_dns ? local.namespaces : toset([])
  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "NetworkPolicy"
    metadata   = { name = "allow-dns-access", namespace = each.key }
    spec       = {
      podSelector = {}
      policyTypes = ["Egress"]
      egress      = [{
          to = [{
              namespaceSelector = { matchLabels = { "kubernetes.io/metadata.name" = "kube-system" } }
              podSelector       = { matchLabels = { "k8s-app" = "kube-dns" } }
          }]
          ports = [
            { protocol = "UDP", port = 53 },
            { protocol = "TCP", port = 53 },
          ]
      }]
    }
  }
}

resource "kubernetes_manifest" "allow" {
  for_each = var.allows
  manifest = {
    apiVersion = "networking.k8s.io/v1"
    kind       = "NetworkPolicy"
    metadata   = { name = each.key, namespace = each.value.namespace }
    spec       = merge(
      {
        podSelector = { matchLabels = try(each.value.pod_selector, {}) }
        policyTypes = concat(
          can(each.value.ingress) ? ["Ingress"] : [],
          can(each.value.egress) ? ["Egress"] : [],
        )
      },
      can(each.value.ingress) ? { ingress = each.value.ingress } : {},
      can(each.value.egress) ? { egress = each.value.egress } : {},
    )
  }
}

resource "kubernetes_manifest" "security_group_policy" {
  for_each = var.security_group_policies
  manifest = {
    apiVersion = "vpcresources.k8s.aws/v1beta1"
    kind       = "SecurityGroupPolicy"
    metadata   = { name = each.key, namespace = each.value.namespace }
    spec       = merge(
      can(each.value.pod_selector) ? { podSelector = { matchLabels = each.value.pod_selector } } : {},
      can(each.value.service_account_selector) ? { serviceAccountSelector = { matchLabels = each.value.service_account_selector } } : {},
      { securityGroups = { groupIds = each.value.security_group_ids } },
    )
  }
}

resource "kubernetes_manifest" "awspca_cluster_issuer" {
  count    = var.awspca_cluster_issuer == null ? 0 : 1
  manifest = {
    apiVersion = "awspca.cert-manager.io/v1beta1"
    kind       = "AWSPCAClusterIssuer"
    metadata   = { name = var.awspca_cluster_issuer.name }
    spec       = {
      arn    = var.awspca_cluster_issuer.arn
      region = var.awspca_cluster_issuer.region
    }
  }
}
