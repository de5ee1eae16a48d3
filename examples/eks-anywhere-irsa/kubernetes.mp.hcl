# In the EKS Anywhere cluster (seed steps "Deploy Pod Identity Webhook" and "Verification"):
# pod-identity-webhook with a serving certificate from the TLS provider (no openssl, no CSR to
# approve), the s3-echoer ServiceAccount annotated with its role, and the test Job.
# EKS Anywhere hands out an admin kubeconfig (<cluster>/<cluster>-eks-a-cluster.kubeconfig).

variable "kubeconfig_path" {
  description = "The EKS Anywhere cluster's kubeconfig."
  type        = string
  default     = "~/.kube/config"
}

provider "kubernetes" {
  config_path = pathexpand(var.kubeconfig_path)
}

module "pod_identity_webhook" {
  source = "../../modules/eks-anywhere-irsa/pod-identity-webhook"
}

module "s3_echoer_service_account" {
  source    = "../../modules/irsa-role/service-account"
  name      = "s3-echoer"
  namespace = "default"
  role_arn  = module.s3_echoer.role_arn
}

# The seed's s3-tester-job: its pod is created after the webhook is registered, so the webhook
# injects AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE from the ServiceAccount's annotation.
resource "kubernetes_manifest" "s3_tester_job" {
  manifest = {
    apiVersion = "batch/v1"
    kind       = "Job"
    metadata   = { name = "s3-tester-job", namespace = "default", annotations = { "meshplan.dev/webhook" = module.pod_identity_webhook.ready } }
    spec = {
      template = {
        spec = {
          serviceAccountName = module.s3_echoer_service_account.name
          restartPolicy      = "Never"
          containers = [{
            name    = "main"
            image   = "public.ecr.aws/amazonlinux/amazonlinux:latest"
            command = ["sh", "-c", "sleep 10000000"]
            env = [
              { name = "AWS_DEFAULT_REGION", value = var.region },
              { name = "ENABLE_IRP", value = "true" },
            ]
          }]
        }
      }
    }
  }
}

output "webhook_ca_bundle_pem" {
  value = module.pod_identity_webhook.ca_bundle_pem
}
