# The seed's demo (DOMAIN.md §1 "Demo") on both clusters, through the caller's
# providers = { kubernetes.foo = …, kubernetes.bar = … }: namespaces `sleep` and `helloworld`
# (istio-injection=enabled), Service helloworld:5000 on both, Deployment helloworld-v1 on foo
# and helloworld-v2 on bar, sleep on both. Pods use the `sidecar,spire` injector templates and
# federate with the other side's trust domain. On bar, the north-south Gateway and
# VirtualService for helloworld (`north_south`). Call it after ./mesh (depends_on = [module.mesh]).

locals {
  namespaces = var.enabled ? toset(["sleep", "helloworld"]) : toset([])
  n          = var.enabled ? 1 : 0

  # Per cluster: the helloworld version it runs and the trust domain its pods federate with.
  sides = {
    foo = { version = "v1", federates_with = var.bar.trust_domain }
    bar = { version = "v2", federates_with = var.foo.trust_domain }
  }

  pod_annotations = {
    for k, s in local.sides : k => {
      "inject.istio.io/templates" = "sidecar,spire"
      "spiffe.io/federatesWith"   = s.federates_with
    }
  }

  service = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = "helloworld", namespace = "helloworld", labels = { app = "helloworld", service = "helloworld" } }
    spec = {
      selector = { app = "helloworld" }
      ports    = [{ name = "http", port = 5000, targetPort = 5000, protocol = "TCP" }]
    }
  }

  helloworld = {
    for k, s in local.sides : k => {
      apiVersion = "apps/v1"
      kind       = "Deployment"
      metadata   = { name = "helloworld-${s.version}", namespace = "helloworld", labels = { app = "helloworld", version = s.version } }
      spec = {
        replicas = 1
        selector = { matchLabels = { app = "helloworld", version = s.version } }
        template = {
          metadata = { labels = { app = "helloworld", version = s.version }, annotations = local.pod_annotations[k] }
          spec = {
            containers = [{
              name            = "helloworld"
              image           = format(var.helloworld_image, s.version)
              imagePullPolicy = "IfNotPresent"
              ports           = [{ containerPort = 5000 }]
              resources       = { requests = { cpu = "100m" } }
            }]
          }
        }
      }
    }
  }

  sleep = {
    for k, s in local.sides : k => {
      apiVersion = "apps/v1"
      kind       = "Deployment"
      metadata   = { name = "sleep", namespace = "sleep", labels = { app = "sleep" } }
      spec = {
        replicas = 1
        selector = { matchLabels = { app = "sleep" } }
        template = {
          metadata = { labels = { app = "sleep" }, annotations = local.pod_annotations[k] }
          spec = {
            terminationGracePeriodSeconds = 0
            containers = [{
              name            = "sleep"
              image           = var.sleep_image
              command         = ["/bin/sleep", "infinity"]
              imagePullPolicy = "IfNotPresent"
            }]
          }
        }
      }
    }
  }
}

# Injection happens at pod creation: the namespaces (and so everything in them) come after the
# side's Istio control plane is HEALTHY, through a value, not only the caller's depends_on.
resource "meshplan_data" "istio_ready" {
  for_each = var.istio_ready
  input    = each.value
}

# --- foo ---------------------------------------------------------------------------------------

resource "kubernetes_namespace" "foo" {
  for_each = local.namespaces
  provider = kubernetes.foo
  metadata {
    name   = each.key
    labels = { "istio-injection" = "enabled" }
  }
  depends_on = [meshplan_data.istio_ready]
}

resource "kubernetes_manifest" "foo_helloworld_service" {
  count      = local.n
  provider   = kubernetes.foo
  manifest   = local.service
  depends_on = [kubernetes_namespace.foo]
}

resource "kubernetes_manifest" "foo_helloworld" {
  count      = local.n
  provider   = kubernetes.foo
  manifest   = local.helloworld.foo
  depends_on = [kubernetes_namespace.foo]
}

resource "kubernetes_manifest" "foo_sleep" {
  count      = local.n
  provider   = kubernetes.foo
  manifest   = local.sleep.foo
  depends_on = [kubernetes_namespace.foo]
}

# --- bar ---------------------------------------------------------------------------------------

resource "kubernetes_namespace" "bar" {
  for_each = local.namespaces
  provider = kubernetes.bar
  metadata {
    name   = each.key
    labels = { "istio-injection" = "enabled" }
  }
  depends_on = [meshplan_data.istio_ready]
}

resource "kubernetes_manifest" "bar_helloworld_service" {
  count      = local.n
  provider   = kubernetes.bar
  manifest   = local.service
  depends_on = [kubernetes_namespace.bar]
}

resource "kubernetes_manifest" "bar_helloworld" {
  count      = local.n
  provider   = kubernetes.bar
  manifest   = local.helloworld.bar
  depends_on = [kubernetes_namespace.bar]
}

resource "kubernetes_manifest" "bar_sleep" {
  count      = local.n
  provider   = kubernetes.bar
  manifest   = local.sleep.bar
  depends_on = [kubernetes_namespace.bar]
}

# --- bar: north-south (the seed's helloworld-gateway.yaml) ----------------------------------
# foo's sleep reaches bar's helloworld-v2 through bar's ingress gateway: its load balancer's
# hostname, path /hello (the seed's GATEWAY_URL).

resource "kubernetes_manifest" "bar_helloworld_gateway" {
  count    = var.enabled && var.north_south ? 1 : 0
  provider = kubernetes.bar
  manifest = {
    apiVersion = "networking.istio.io/v1beta1"
    kind       = "Gateway"
    metadata   = { name = "helloworld-gateway", namespace = "helloworld" }
    spec = {
      selector = { istio = "ingressgateway" }
      servers  = [{ port = { number = 80, name = "http", protocol = "HTTP" }, hosts = ["*"] }]
    }
  }
  depends_on = [kubernetes_namespace.bar]
}

resource "kubernetes_manifest" "bar_helloworld_virtual_service" {
  count    = var.enabled && var.north_south ? 1 : 0
  provider = kubernetes.bar
  manifest = {
    apiVersion = "networking.istio.io/v1beta1"
    kind       = "VirtualService"
    metadata   = { name = "helloworld", namespace = "helloworld" }
    spec = {
      hosts    = ["*"]
      gateways = [kubernetes_manifest.bar_helloworld_gateway[0].manifest.metadata.name]
      http = [{
        match = [{ uri = { exact = "/hello" } }]
        route = [{ destination = { host = kubernetes_manifest.bar_helloworld_service[0].manifest.metadata.name, port = { number = 5000 } } }]
      }]
    }
  }
}

# --- The seed's verification: foo's sleep reaches helloworld v1 (foo) and v2 (bar) -----------
# A Job in foo's sleep namespace (the same pod template annotations as sleep) curls
# helloworld.helloworld:5000/hello until both versions answered (cross-cluster mTLS through the
# east-west gateways, SPIFFE identities federated both ways), and, when given, bar's SPIRE
# bundle endpoint (it answers with a JWKS-shaped SPIFFE bundle). The apply waits until the Job
# is Complete: on a real cluster that needs every link of the chain. The sidecar is stopped at
# the end (/quitquitquit) so the pod can complete; the app waits for it to start.

locals {
  cross_cluster_curl = <<-SH
    set -u
    v1=""; v2=""
    for i in $(seq 1 ${var.verify_attempts}); do
      out="$(curl -s --max-time 5 http://helloworld.helloworld:5000/hello || true)"
      case "$out" in *v1*) v1=yes ;; *v2*) v2=yes ;; esac
      [ -n "$v1" ] && [ -n "$v2" ] && break
      sleep 2
    done
    bundle=ok
    if [ -n "${var.bar_bundle_endpoint_url}" ]; then
      curl -sk --max-time 5 "${var.bar_bundle_endpoint_url}" | grep -q '"keys"' || bundle=""
    fi
    curl -s -X POST http://127.0.0.1:15020/quitquitquit >/dev/null || true
    echo "helloworld v1: $${v1:-no}, v2: $${v2:-no}, bar's bundle endpoint: $${bundle:-no}"
    [ -n "$v1" ] && [ -n "$v2" ] && [ -n "$bundle" ]
  SH
}

resource "kubernetes_manifest" "foo_cross_cluster_curl" {
  count    = var.enabled && var.verify_job ? 1 : 0
  provider = kubernetes.foo
  manifest = {
    apiVersion = "batch/v1"
    kind       = "Job"
    metadata   = { name = "cross-cluster-curl", namespace = "sleep", labels = { app = "cross-cluster-curl" } }
    spec = {
      backoffLimit = 2
      template = {
        metadata = {
          labels = { app = "cross-cluster-curl" }
          annotations = merge(local.pod_annotations.foo, {
            "proxy.istio.io/config" = "{ \"holdApplicationUntilProxyStarts\": true }"
          })
        }
        spec = {
          restartPolicy = "Never"
          containers = [{
            name    = "curl"
            image   = var.sleep_image
            command = ["/bin/sh", "-c", local.cross_cluster_curl]
          }]
        }
      }
    }
  }

  wait {
    condition {
      type   = "Complete"
      status = "True"
    }
  }
  timeouts {
    create = "10m"
  }
  # Both helloworld versions and foo's sleep namespace exist first.
  depends_on = [kubernetes_manifest.foo_helloworld, kubernetes_manifest.bar_helloworld, kubernetes_manifest.foo_helloworld_service, kubernetes_manifest.bar_helloworld_service, kubernetes_manifest.foo_sleep]
}
