# amazon-eks-pod-identity-webhook for a self-hosted cluster (seed eks-anywhere-irsa.md, "Deploy
# Pod Identity Webhook"), through the caller's `kubernetes` provider: its RBAC, Deployment and
# Service, and the MutatingWebhookConfiguration that sends pod creations to it. The seed makes
# the serving certificate with openssl (self-signed, CN <name>.<namespace>.svc) or a
# CertificateSigningRequest approved by hand; here the TLS provider makes it, and its PEM is
# the webhook's caBundle, so the API server trusts exactly the certificate the webhook serves.

locals {
  labels   = { app = var.name }
  svc_host = "${var.name}.${var.namespace}.svc"
  cert_dir = "/etc/webhook/certs"
}

# --- The serving certificate ------------------------------------------------------------------

resource "tls_private_key" "serving" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

resource "tls_self_signed_cert" "serving" {
  private_key_pem = tls_private_key.serving.private_key_pem
  subject {
    common_name = local.svc_host
  }
  # The API server dials the Service by these names.
  dns_names             = [local.svc_host, "${local.svc_host}.cluster.local"]
  validity_period_hours = var.certificate_validity_hours
  early_renewal_hours   = 720
  allowed_uses          = ["digital_signature", "key_encipherment", "server_auth"]
}

resource "kubernetes_secret" "cert" {
  metadata {
    name      = var.name
    namespace = var.namespace
  }
  type = "kubernetes.io/tls"
  data = {
    "tls.crt" = tls_self_signed_cert.serving.cert_pem
    "tls.key" = tls_private_key.serving.private_key_pem
  }
}

# --- RBAC (upstream auth.yaml) ----------------------------------------------------------------

resource "kubernetes_service_account" "webhook" {
  metadata {
    name      = var.name
    namespace = var.namespace
  }
}

resource "kubernetes_manifest" "role" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "Role"
    metadata   = { name = var.name, namespace = var.namespace }
    rules      = [{ apiGroups = [""], resources = ["secrets"], verbs = ["create", "get", "update", "patch"] }]
  }
}

resource "kubernetes_manifest" "role_binding" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "RoleBinding"
    metadata   = { name = var.name, namespace = var.namespace }
    roleRef    = { apiGroup = "rbac.authorization.k8s.io", kind = "Role", name = kubernetes_manifest.role.manifest.metadata.name }
    subjects   = [{ kind = "ServiceAccount", name = kubernetes_service_account.webhook.metadata[0].name, namespace = var.namespace }]
  }
}

resource "kubernetes_manifest" "cluster_role" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRole"
    metadata   = { name = var.name }
    rules = [
      { apiGroups = [""], resources = ["serviceaccounts"], verbs = ["get", "watch", "list"] },
      { apiGroups = ["certificates.k8s.io"], resources = ["certificatesigningrequests"], verbs = ["create", "get", "list", "watch"] },
    ]
  }
}

resource "kubernetes_manifest" "cluster_role_binding" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRoleBinding"
    metadata   = { name = var.name }
    roleRef    = { apiGroup = "rbac.authorization.k8s.io", kind = "ClusterRole", name = kubernetes_manifest.cluster_role.manifest.metadata.name }
    subjects   = [{ kind = "ServiceAccount", name = kubernetes_service_account.webhook.metadata[0].name, namespace = var.namespace }]
  }
}

# --- Deployment and Service (upstream deployment.yaml, service.yaml) --------------------------

resource "kubernetes_manifest" "deployment" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "Deployment"
    metadata   = { name = var.name, namespace = var.namespace }
    spec = {
      replicas = 1
      selector = { matchLabels = local.labels }
      template = {
        metadata = { labels = local.labels }
        spec = {
          serviceAccountName = kubernetes_service_account.webhook.metadata[0].name
          containers = [{
            name            = var.name
            image           = var.image
            imagePullPolicy = "IfNotPresent"
            command = [
              "/webhook",
              "--in-cluster=false",
              "--namespace=${var.namespace}",
              "--service-name=${var.name}",
              "--annotation-prefix=eks.amazonaws.com",
              "--token-audience=${var.token_audience}",
              "--tls-cert=${local.cert_dir}/tls.crt",
              "--tls-key=${local.cert_dir}/tls.key",
              "--logtostderr",
            ]
            ports        = [{ name = "https", containerPort = 443 }]
            volumeMounts = [{ name = "cert", mountPath = local.cert_dir, readOnly = true }]
          }]
          volumes = [{ name = "cert", secret = { secretName = kubernetes_secret.cert.metadata[0].name } }]
        }
      }
    }
  }
}

resource "kubernetes_manifest" "service" {
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = var.name, namespace = var.namespace, labels = local.labels }
    spec = {
      selector = local.labels
      ports    = [{ port = 443, targetPort = "https" }]
    }
  }
}

# --- The webhook registration (upstream mutatingwebhook.yaml + webhook-patch-ca-bundle.sh) ----

resource "kubernetes_manifest" "mutating_webhook" {
  manifest = {
    apiVersion = "admissionregistration.k8s.io/v1"
    kind       = "MutatingWebhookConfiguration"
    metadata   = { name = var.name }
    webhooks = [{
      name                    = "${var.name}.amazonaws.com"
      failurePolicy           = "Ignore"
      sideEffects             = "None"
      admissionReviewVersions = ["v1beta1"]
      clientConfig = {
        service  = { name = kubernetes_manifest.service.manifest.metadata.name, namespace = var.namespace, path = "/mutate" }
        caBundle = base64encode(tls_self_signed_cert.serving.cert_pem)
      }
      rules = [{ operations = ["CREATE"], apiGroups = [""], apiVersions = ["v1"], resources = ["pods"] }]
    }]
  }
  # Registered once something serves it (failurePolicy Ignore covers the gap on AWS anyway).
  depends_on = [kubernetes_manifest.deployment]
}
