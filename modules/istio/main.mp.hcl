# Istio as in the foo/bar seed (DOMAIN.md §1): IstioOperator with the trust domain + aliases,
# multi-network values and the `spire` injection template; east-west gateway; cross-network
# Gateway; STRICT PeerAuthentication; the istio-reader service account and its token; remote
# secrets for the other clusters built from their endpoint, CA and reader token (what
# `istioctl create-remote-secret` prints).

module "install" {
  source = "../manifests"
  path   = var.manifests_path
  url    = var.manifests_url
  sha256 = var.manifests_sha256
}

resource "meshplan_data" "installed" {
  input = module.install.ready
}

# The control plane after Secret cacerts exists (istiod falls back to a self-signed CA otherwise).
resource "meshplan_data" "cacerts" {
  input = { installed = meshplan_data.installed.output, cacerts = var.cacerts_ready }
}

resource "kubernetes_namespace" "istio" {
  count = var.create_namespace ? 1 : 0
  metadata {
    name   = var.namespace
    labels = { "topology.istio.io/network" = var.network }
  }
}

resource "kubernetes_labels" "network" {
  count       = var.create_namespace ? 0 : 1
  api_version = "v1"
  kind        = "Namespace"
  metadata {
    name = var.namespace
  }
  labels = { "topology.istio.io/network" = var.network }
}

locals {
  ns = var.create_namespace ? kubernetes_namespace.istio[0].metadata[0].name : kubernetes_labels.network[0].metadata[0].name

  spire_template = yamlencode({
      spec = {
        containers = [{
            name         = "istio-proxy"
            volumeMounts = [{ name = "workload-socket", mountPath = var.workload_socket_path, readOnly = true }]
        }]
        volumes = [{ name = "workload-socket", csi = { driver = var.spiffe_csi_driver, readOnly = true } }]
      }
  })

  # Gateways mount the SPIFFE workload socket through a k8s overlay (they are not injected).
  socket_patches = [
    { path = "spec.template.spec.volumes.[name:workload-socket]", value = { name = "workload-socket", csi = { driver = var.spiffe_csi_driver, readOnly = true } } },
    { path = "spec.template.spec.containers.[name:istio-proxy].volumeMounts.[name:workload-socket]", value = { name = "workload-socket", mountPath = var.workload_socket_path, readOnly = true } },
  ]
  gateway_socket_overlay = [{ apiVersion = "apps/v1", kind = "Deployment", name = "istio-eastwestgateway", patches = local.socket_patches }]

  # The seed's north-south gateway: the default profile's istio-ingressgateway, given the same
  # socket overlay and federation annotation as the east-west one (else its pod gets no SVID
  # and never becomes Ready).
  ingress_gateways = [{
    name    = "istio-ingressgateway"
    enabled = var.ingress_gateway
    k8s = {
      podAnnotations     = { "spiffe.io/federatesWith" = join(",", var.federates_with) }
      serviceAnnotations = var.ingress_service_annotations
      overlays           = [{ apiVersion = "apps/v1", kind = "Deployment", name = "istio-ingressgateway", patches = local.socket_patches }]
    }
  }]
}

resource "kubernetes_manifest" "control_plane" {
  manifest = {
    apiVersion = "install.istio.io/v1alpha1"
    kind       = "IstioOperator"
    metadata   = {
      name        = "istio-control-plane"
      namespace   = local.ns
      annotations = {
        # ClusterSPIFFEIDs first: pods without a registration never get an identity.
        "meshplan.dev/cluster-spiffe-ids" = join(",", var.cluster_spiffe_ids)
      }
    }
    spec = {
      profile    = "default"
      meshConfig = {
        trustDomain        = var.trust_domain
        trustDomainAliases = var.trust_domain_aliases
      }
      values = {
        global = {
          meshID       = var.mesh_id
          multiCluster = { clusterName = var.cluster_name }
          network      = var.network
        }
        sidecarInjectorWebhook = {
          templates = { spire = local.spire_template }
        }
      }
      components = {
        pilot = {
          k8s = {
            env = [{ name = "AUTO_RELOAD_PLUGIN_CERTS", value = "true" }]
          }
        }
        ingressGateways = local.ingress_gateways
      }
    }
  }

  # HEALTHY: the operator has istiod and the sidecar injector webhook up. Pods created before
  # would start without a sidecar.
  wait {
    fields = var.wait_for_control_plane ? { "status.status" = "HEALTHY" } : {}
  }
  depends_on = [meshplan_data.cacerts]
}

resource "kubernetes_manifest" "east_west_gateway" {
  count    = var.east_west_gateway ? 1 : 0
  manifest = {
    apiVersion = "install.istio.io/v1alpha1"
    kind       = "IstioOperator"
    metadata   = { name = "eastwest", namespace = local.ns }
    spec       = {
      revision   = ""
      profile    = "empty"
      components = {
        ingressGateways = [{
            name    = "istio-eastwestgateway"
            enabled = true
            label   = {
              istio = "eastwestgateway"
              app   = "istio-eastwestgateway"
              "topology.istio.io/network" = var.network
            }
            k8s = {
              podAnnotations = { "spiffe.io/federatesWith" = join(",", var.federates_with) }
              env            = [
                { name = "ISTIO_META_ROUTER_MODE", value = "sni-dnat" },
                { name = "ISTIO_META_REQUESTED_NETWORK_VIEW", value = var.network },
              ]
              serviceAnnotations = var.east_west_service_annotations
              service = {
                ports = [
                  { name = "status-port", port = 15021, targetPort = 15021 },
                  { name = "tls", port = 15443, targetPort = 15443 },
                  { name = "tls-istiod", port = 15012, targetPort = 15012 },
                  { name = "tls-webhook", port = 15017, targetPort = 15017 },
                ]
              }
              overlays = local.gateway_socket_overlay
            }
        }]
      }
      values = {
        gateways = { istio-ingressgateway = { injectionTemplate = "gateway" } }
        global   = { network = var.network }
      }
    }
  }
  wait {
    fields = var.wait_for_control_plane ? { "status.status" = "HEALTHY" } : {}
  }
  depends_on = [kubernetes_manifest.control_plane]
}

resource "kubernetes_manifest" "cross_network_gateway" {
  count    = var.east_west_gateway ? 1 : 0
  manifest = {
    apiVersion = "networking.istio.io/v1beta1"
    kind       = "Gateway"
    metadata   = { name = "cross-network-gateway", namespace = local.ns }
    spec       = {
      selector = { istio = "eastwestgateway" }
      servers  = [{
          port  = { number = 15443, name = "tls", protocol = "TLS" }
          tls   = { mode = "AUTO_PASSTHROUGH" }
          hosts = ["*.local"]
      }]
    }
  }
  depends_on = [meshplan_data.installed]
}

resource "kubernetes_manifest" "peer_authentication" {
  manifest = {
    apiVersion = "security.istio.io/v1beta1"
    kind       = "PeerAuthentication"
    metadata   = { name = "default", namespace = local.ns }
    spec       = { mtls = { mode = "STRICT" } }
  }
  depends_on = [meshplan_data.installed]
}

# --- What the other clusters need to read this one -----------------------------------------

resource "kubernetes_service_account" "reader" {
  metadata {
    name      = "istio-reader-service-account"
    namespace = local.ns
  }
}

resource "kubernetes_secret" "reader_token" {
  metadata {
    name        = "istio-reader-service-account-istio-remote-secret-token"
    namespace   = local.ns
    annotations = { "kubernetes.io/service-account.name" = kubernetes_service_account.reader.metadata[0].name }
  }
  type = "kubernetes.io/service-account-token"
}

# --- Remote secrets for the other clusters -------------------------------------------------

resource "kubernetes_secret" "remote" {
  for_each = var.remote_clusters
  metadata {
    name        = "istio-remote-secret-${each.key}"
    namespace   = local.ns
    labels      = { "istio/multiCluster" = "true" }
    annotations = { "networking.istio.io/cluster" = each.key }
  }
  string_data = {
    (each.key) = yamlencode({
        apiVersion = "v1"
        kind       = "Config"
        clusters   = [{
            name    = each.key
            cluster = { server = each.value.server, certificate-authority-data = base64encode(each.value.ca_pem) }
        }]
        contexts        = [{ name = each.key, context = { cluster = each.key, user = each.key } }]
        current-context = each.key
        preferences     = {}
        users           = [{ name = each.key, user = { token = var.remote_cluster_tokens[each.key] } }]
    })
  }
}
