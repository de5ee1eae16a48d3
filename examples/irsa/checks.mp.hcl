# The seed's verification (`kubectl exec` into an aws-node pod, `env | grep AWS`) as Terraform
# `check` blocks: a failed assertion is a warning, as in Terraform. EKS's pod identity webhook
# injects AWS_ROLE_ARN into pods created after the ServiceAccount names the role; a kube test
# server runs no webhook and no pods, so there the annotation and the restart are what is
# checked (README.md "Verification").

check "aws_node_service_account_role" {
  data "kubernetes_resource" "service_account" {
    api_version = "v1"
    kind        = "ServiceAccount"
    metadata {
      name      = "aws-node"
      namespace = "kube-system"
    }
    depends_on = [kubernetes_annotations.aws_node_role]
  }
  assert {
    condition     = try(data.kubernetes_resource.service_account.object.metadata.annotations["eks.amazonaws.com/role-arn"], "") == module.aws_node_irsa.role_arn
    error_message = "ServiceAccount kube-system/aws-node does not name role ${module.aws_node_irsa.role_arn}"
  }
}

check "aws_node_restarted_for_the_role" {
  data "kubernetes_resource" "daemonset" {
    api_version = "apps/v1"
    kind        = "DaemonSet"
    metadata {
      name      = "aws-node"
      namespace = "kube-system"
    }
    depends_on = [kubernetes_annotations.aws_node_restart]
  }
  assert {
    condition     = try(data.kubernetes_resource.daemonset.object.spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"], "") == time_sleep.aws_node_role_changed.id
    error_message = "DaemonSet kube-system/aws-node was not restarted after its role changed: its pods keep the old credentials"
  }
}

# What the seed greps for: every aws-node pod carries AWS_ROLE_ARN = the role (on AWS there
# must be at least one; re-run `meshplan plan` once the rollout is done).
check "aws_node_pods_carry_aws_role_arn" {
  data "kubernetes_resources" "pods" {
    api_version    = "v1"
    kind           = "Pod"
    namespace      = "kube-system"
    label_selector = "k8s-app=aws-node"
    depends_on     = [kubernetes_annotations.aws_node_restart]
  }
  assert {
    condition = (length(var.aws_endpoints) > 0 || length(data.kubernetes_resources.pods.objects) > 0) && alltrue([
      for p in data.kubernetes_resources.pods.objects : anytrue([
        for e in try(p.spec.containers[0].env, []) : e.name == "AWS_ROLE_ARN" && try(e.value, "") == module.aws_node_irsa.role_arn
      ])
    ])
    error_message = "not every aws-node pod carries AWS_ROLE_ARN=${module.aws_node_irsa.role_arn} (kubectl -n kube-system get pods -l k8s-app=aws-node)"
  }
}
