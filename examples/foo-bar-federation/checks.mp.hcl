# The seed's verification as Terraform `check` blocks (a failed assertion is a warning, as in
# Terraform). What a kube test server can show is checked here on both clusters; what needs
# running pods, Envoy and SPIRE (the curl answering v1 and v2, the bundle endpoint answering
# over HTTPS) is the Job module.demo waits for, see README.md "Verification".

# istiod's CA certificate issued by cert-manager on each side (the seed's "Certificates Ready").
check "foo_cacerts_ready" {
  data "kubernetes_resource" "foo_cacerts" {
    provider    = kubernetes.foo
    api_version = "cert-manager.io/v1"
    kind        = "Certificate"
    metadata {
      name      = "cacerts"
      namespace = "istio-system"
    }
    depends_on = [module.mesh]
  }
  assert {
    condition     = anytrue([for c in try(data.kubernetes_resource.foo_cacerts.object.status.conditions, []) : c.type == "Ready" && c.status == "True"])
    error_message = "foo: Certificate istio-system/cacerts is not Ready"
  }
}

check "bar_cacerts_ready" {
  data "kubernetes_resource" "bar_cacerts" {
    provider    = kubernetes.bar
    api_version = "cert-manager.io/v1"
    kind        = "Certificate"
    metadata {
      name      = "cacerts"
      namespace = "istio-system"
    }
    depends_on = [module.mesh]
  }
  assert {
    condition     = anytrue([for c in try(data.kubernetes_resource.bar_cacerts.object.status.conditions, []) : c.type == "Ready" && c.status == "True"])
    error_message = "bar: Certificate istio-system/cacerts is not Ready"
  }
}

# Each side's bundle endpoint has a load balancer, and the other side federates with exactly
# that address (the HTTPS answer itself is the Job's to prove).
check "foo_bundle_endpoint" {
  data "kubernetes_resource" "foo_service" {
    provider    = kubernetes.foo
    api_version = "v1"
    kind        = "Service"
    metadata {
      name      = "spire-server-bundle-endpoint"
      namespace = "spire"
    }
    depends_on = [module.mesh]
  }
  assert {
    condition     = length(try(data.kubernetes_resource.foo_service.object.status.loadBalancer.ingress, [])) > 0 && startswith(module.mesh.foo_bundle_endpoint_url, "https://${try(coalesce(try(data.kubernetes_resource.foo_service.object.status.loadBalancer.ingress[0].hostname, ""), try(data.kubernetes_resource.foo_service.object.status.loadBalancer.ingress[0].ip, "")), "-")}:")
    error_message = "foo: the SPIRE bundle endpoint has no load balancer, or bar does not federate with its address (${module.mesh.foo_bundle_endpoint_url})"
  }
}

check "bar_bundle_endpoint" {
  data "kubernetes_resource" "bar_service" {
    provider    = kubernetes.bar
    api_version = "v1"
    kind        = "Service"
    metadata {
      name      = "spire-server-bundle-endpoint"
      namespace = "spire"
    }
    depends_on = [module.mesh]
  }
  assert {
    condition     = length(try(data.kubernetes_resource.bar_service.object.status.loadBalancer.ingress, [])) > 0 && startswith(module.mesh.bar_bundle_endpoint_url, "https://${try(coalesce(try(data.kubernetes_resource.bar_service.object.status.loadBalancer.ingress[0].hostname, ""), try(data.kubernetes_resource.bar_service.object.status.loadBalancer.ingress[0].ip, "")), "-")}:")
    error_message = "bar: the SPIRE bundle endpoint has no load balancer, or foo does not federate with its address (${module.mesh.bar_bundle_endpoint_url})"
  }
}

# The cross-cluster curl: the Job on foo completed (apply waited for it), and the version it
# must see on bar is running there. (Scoped data sources take no count: with the demo off the
# objects are absent and the conditions pass.)
check "cross_cluster_curl" {
  data "kubernetes_resource" "job" {
    provider    = kubernetes.foo
    api_version = "batch/v1"
    kind        = "Job"
    metadata {
      name      = "cross-cluster-curl"
      namespace = "sleep"
    }
    depends_on = [module.demo]
  }
  assert {
    condition     = module.demo.verify_job == null || try(data.kubernetes_resource.job.object.status.succeeded, 0) >= 1
    error_message = "foo: Job sleep/cross-cluster-curl did not succeed: sleep did not get answers from helloworld v1 and v2 (kubectl -n sleep logs job/cross-cluster-curl)"
  }
}

check "helloworld_v2_on_bar" {
  data "kubernetes_resource" "deployment" {
    provider    = kubernetes.bar
    api_version = "apps/v1"
    kind        = "Deployment"
    metadata {
      name      = "helloworld-v2"
      namespace = "helloworld"
    }
    depends_on = [module.demo]
  }
  assert {
    condition     = !var.demo_apps || try(data.kubernetes_resource.deployment.object.status.readyReplicas, 0) >= 1
    error_message = "bar: Deployment helloworld/helloworld-v2 has no ready replica: foo's sleep cannot reach v2"
  }
}
