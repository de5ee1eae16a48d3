# The AWS Load Balancer Controller (seed istio-spire-federation-eks.md runs it in kube-system of
# both clusters): its IRSA role with the controller's IAM policy, its ServiceAccount annotated
# with the role, then its install manifests. Helm is not used: the chart's rendered objects
# (rendered with serviceAccount.create=false: the ServiceAccount is made here) and the
# controller's IAM policy document are inputs.

module "irsa" {
  source            = "../irsa-role"
  name              = "${var.cluster_name}-aws-load-balancer-controller"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer_url   = var.oidc_issuer_url
  namespace         = var.namespace
  service_account   = var.service_account
  inline_policies   = { aws-load-balancer-controller = var.iam_policy_json }
  tags              = var.tags
}

module "service_account" {
  source    = "../irsa-role/service-account"
  name      = var.service_account
  namespace = var.namespace
  role_arn  = module.irsa.role_arn
}

# After the ServiceAccount: the controller's pods must start with the role.
module "install" {
  source     = "../manifests"
  content    = var.manifests
  depends_on = [module.service_account]
}
