# The seed's "Check NSM Components" and "Test PVC creation" as Terraform `check` blocks (a
# failed assertion is a warning, as in Terraform). See README.md "Verification" for what only
# a real cluster proves.

# `kubectl wait -n nsm-system --for=condition=ready pod -l app=admission-webhook-k8s`.
check "nsm_admission_webhook_ready" {
  data "kubernetes_resource" "webhook" {
    api_version = "apps/v1"
    kind        = "Deployment"
    metadata {
      name      = "admission-webhook-k8s"
      namespace = "nsm-system"
    }
    depends_on = [module.nsm]
  }
  assert {
    condition     = try(data.kubernetes_resource.webhook.object.status.readyReplicas, 0) >= 1
    error_message = "nsm-system/admission-webhook-k8s has no ready pod"
  }
}

# `kubectl get pods -n spire`: the server that hands NSM its SVIDs runs.
check "spire_server_ready" {
  data "kubernetes_resource" "server" {
    api_version = "apps/v1"
    kind        = "StatefulSet"
    metadata {
      name      = "spire-server"
      namespace = "spire"
    }
    depends_on = [module.nsm]
  }
  assert {
    condition     = try(data.kubernetes_resource.server.object.status.readyReplicas, 0) >= 1
    error_message = "spire/spire-server has no ready replica: NSM's pods get no SVIDs"
  }
}

# `kubectl get pvc test-pvc`: Bound on the default class once its consumer runs.
check "test_pvc_bound" {
  data "kubernetes_resource" "pvc" {
    api_version = "v1"
    kind        = "PersistentVolumeClaim"
    metadata {
      name      = "test-pvc"
      namespace = "default"
    }
    depends_on = [kubernetes_manifest.test_pvc_consumer]
  }
  assert {
    condition     = !var.storage_test || try(data.kubernetes_resource.pvc.object.status.phase, "") == "Bound"
    error_message = "default/test-pvc is not Bound: the default StorageClass does not provision volumes"
  }
}
