# Third-party install manifests (cert-manager, SPIRE CRDs, Istio operator, NSM), applied object
# by object: every document gets its own address, keyed Kind/namespace/name (Kind/name when
# cluster-scoped). The kubernetes provider orders Namespaces and CRDs before the objects that
# need them.

data "http" "manifests" {
  count           = var.url == null ? 0 : 1
  url             = var.url
  expected_sha256 = var.sha256
}

locals {
  yaml = (
    var.content != null ? var.content :
    var.path != null ? file(var.path) :
    # try(): destroy evaluates this without reading the data source (see README).
    try(one(data.http.manifests[*].response_body), "")
  )
  objects = {
    for d in yamldecode_all(local.yaml) :
    join("/", compact([d.kind, try(d.metadata.namespace, ""), d.metadata.name])) => d
    if d != null
  }
}

resource "kubernetes_manifest" "object" {
  for_each = local.objects
  manifest = each.value

  wait {
    rollout = var.wait_for_rollout && contains(["Deployment", "StatefulSet", "DaemonSet"], each.value.kind)
  }
}
