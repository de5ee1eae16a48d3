# The IRSA wiring as a Terraform `check` block (a failed assertion is a warning): the
# application's ServiceAccount, read back from the cluster, names the role whose trust policy
# admits exactly it. That pods then get AWS_ROLE_ARN from EKS's pod identity webhook (and STS
# accepts their tokens) only a real EKS cluster shows (README.md "Verification").

check "service_account_names_the_role" {
  data "kubernetes_resource" "service_account" {
    api_version = "v1"
    kind        = "ServiceAccount"
    metadata {
      name      = var.app_service_account
      namespace = kubernetes_namespace.app.metadata[0].name
    }
    depends_on = [kubernetes_service_account.app]
  }
  assert {
    condition     = try(data.kubernetes_resource.service_account.object.metadata.annotations["eks.amazonaws.com/role-arn"], "") == aws_iam_role.app.arn
    error_message = "ServiceAccount ${var.app_service_account} does not name role ${aws_iam_role.app.arn}"
  }
}
