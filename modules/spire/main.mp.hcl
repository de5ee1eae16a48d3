# SPIRE as in the foo/bar seed (SPIRE 1.5.1, DOMAIN.md §1): server (federation bundle endpoint,
# k8s_psat, k8sbundle notifier, cert-manager UpstreamAuthority) on the dedicated node, agent
# DaemonSet with the SPIFFE CSI driver, RBAC, spire-controller-manager and ClusterSPIFFEIDs.

module "crds" {
  source = "../manifests"
  path   = var.crds_path
  url    = var.crds_url
  sha256 = var.crds_sha256
}

locals {
  ns = kubernetes_namespace.spire.metadata[0].name

  cluster_spiffe_ids = var.cluster_spiffe_ids != null ? var.cluster_spiffe_ids : {
    istio = {
      spiffe_id_template = "spiffe://{{ .TrustDomain }}/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}"
      pod_selector       = {}
      namespace_selector = {}
      federates_with     = keys(var.federates_with)
    }
  }

  # One emptyDir holds the server's API socket: the server mounts it at server_socket_dir (the
  # spire-server CLI's default), spire-controller-manager at /spire-server (its default path).
  server_socket_dir = "/tmp/spire-server/private"
  cm_socket_dir     = "/spire-server"
  webhook_name      = "spire-controller-manager-webhook"

  # The agent mounts the host directory at the same path, so the path in agent.conf is the
  # host's: hostPath consumers (NSM) use it as is, the SPIFFE CSI driver shares the directory.
  agent_socket_path = "${var.agent_socket_dir}/${var.agent_socket_name}"

  server_conf = <<-CONF
    server {
      bind_address     = "0.0.0.0"
      bind_port        = "8081"
      socket_path      = "${local.server_socket_dir}/api.sock"
      trust_domain     = "${var.trust_domain}"
      data_dir         = "/run/spire/data"
      log_level        = "DEBUG"
      ca_key_type      = "rsa-2048"
      default_svid_ttl = "1h"
      ca_subject       = {
        country      = ["US"],
        organization = ["SPIFFE"],
        common_name  = "",
      }
      federation {
        bundle_endpoint {
          address = "0.0.0.0"
          port    = ${var.bundle_endpoint_port}
        }
    %{~for td, f in var.federates_with}
        federates_with "${td}" {
          bundle_endpoint_url = "${f.bundle_endpoint_url}"
          bundle_endpoint_profile "https_spiffe" {
            endpoint_spiffe_id = "spiffe://${td}/spire/server"
          }
        }
    %{~endfor}
      }
    }

    plugins {
      DataStore "sql" {
        plugin_data {
          database_type     = "sqlite3"
          connection_string = "/run/spire/data/datastore.sqlite3"
        }
      }
      NodeAttestor "k8s_psat" {
        plugin_data {
          clusters = {
            "${var.cluster_name}" = {
              service_account_allow_list = ["${local.ns}:spire-agent"]
            }
          }
        }
      }
      KeyManager "disk" {
        plugin_data {
          keys_path = "/run/spire/data/keys.json"
        }
      }
      Notifier "k8sbundle" {
        plugin_data {
          namespace      = "${local.ns}"
          config_map     = "trust-bundle"
          config_map_key = "root-cert.pem"
        }
      }
    %{~if var.upstream_authority != null}
      UpstreamAuthority "cert-manager" {
        plugin_data {
          issuer_name  = "${var.upstream_authority.issuer_name}"
          issuer_kind  = "${var.upstream_authority.issuer_kind}"
          issuer_group = "${var.upstream_authority.issuer_group}"
          namespace    = "${var.upstream_authority.namespace}"
        }
      }
    %{~endif}
    }

    health_checks {
      listener_enabled = true
      bind_address     = "0.0.0.0"
      bind_port        = "8080"
      live_path        = "/live"
      ready_path       = "/ready"
    }
  CONF

  agent_conf = <<-CONF
    agent {
      data_dir          = "/run/spire"
      log_level         = "DEBUG"
      server_address    = "spire-server"
      server_port       = "8081"
      socket_path       = "${local.agent_socket_path}"
      trust_bundle_path = "/run/spire/bundle/root-cert.pem"
      trust_domain      = "${var.trust_domain}"
      sds {
        default_svid_name        = "default"
        default_bundle_name      = "null"
        default_all_bundles_name = "ROOTCA"
      }
    }

    plugins {
      NodeAttestor "k8s_psat" {
        plugin_data {
          cluster = "${var.cluster_name}"
        }
      }
      KeyManager "memory" {
        plugin_data {}
      }
      WorkloadAttestor "k8s" {
        plugin_data {
          skip_kubelet_verification = true
        }
      }
    }

    health_checks {
      listener_enabled = true
      bind_address     = "0.0.0.0"
      bind_port        = "8080"
      live_path        = "/live"
      ready_path       = "/ready"
    }
  CONF

  controller_manager_conf = yamlencode({
      apiVersion     = "spire.spiffe.io/v1alpha1"
      kind           = "ControllerManagerConfig"
      metrics        = { bindAddress = "127.0.0.1:8082" }
      health         = { healthProbeBindAddress = "127.0.0.1:8083" }
      leaderElection = {
        leaderElect       = true
        resourceName      = "98c9c988.spiffe.io"
        resourceNamespace = local.ns
      }
      clusterName           = var.cluster_name
      trustDomain           = var.trust_domain
      ignoreNamespaces      = ["kube-system", "kube-public", local.ns]
      spireServerSocketPath = "${local.cm_socket_dir}/api.sock"
      # v0.2.x fills in this object's caBundle at startup and exits when it is missing.
      validatingWebhookConfigurationName = local.webhook_name
  })
}

resource "kubernetes_namespace" "spire" {
  metadata {
    name = var.namespace
  }
}

resource "kubernetes_manifest" "csi_driver" {
  manifest = {
    apiVersion = "storage.k8s.io/v1"
    kind       = "CSIDriver"
    metadata   = { name = "csi.spiffe.io" }
    spec       = {
      attachRequired       = false
      podInfoOnMount       = true
      fsGroupPolicy        = "None"
      volumeLifecycleModes = ["Ephemeral"]
    }
  }
}

# --- RBAC ------------------------------------------------------------------------------------

resource "kubernetes_service_account" "server" {
  metadata {
    name      = "spire-server"
    namespace = local.ns
  }
}

resource "kubernetes_service_account" "agent" {
  metadata {
    name      = "spire-agent"
    namespace = local.ns
  }
}

resource "kubernetes_manifest" "server_cluster_role" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRole"
    metadata   = { name = "spire-server-cluster-role" }
    rules      = [
      { apiGroups = ["authentication.k8s.io"], resources = ["tokenreviews"], verbs = ["get", "create"] },
      { apiGroups = [""], resources = ["configmaps"], verbs = ["get", "list", "watch", "patch"] },
      { apiGroups = [""], resources = ["nodes", "pods", "namespaces"], verbs = ["get", "list", "watch"] },
      { apiGroups = ["cert-manager.io"], resources = ["certificaterequests"], verbs = ["get", "list", "create", "delete"] },
      { apiGroups = ["admissionregistration.k8s.io"], resources = ["validatingwebhookconfigurations"], verbs = ["get", "list", "patch", "watch"] },
      { apiGroups = ["spire.spiffe.io"], resources = ["clusterfederatedtrustdomains", "clusterspiffeids", "clusterstaticentries"], verbs = ["get", "list", "watch", "create", "update", "patch", "delete"] },
      { apiGroups = ["spire.spiffe.io"], resources = ["clusterfederatedtrustdomains/status", "clusterspiffeids/status", "clusterstaticentries/status"], verbs = ["get", "update", "patch"] },
    ]
  }
}

resource "kubernetes_manifest" "server_cluster_role_binding" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRoleBinding"
    metadata   = { name = "spire-server-cluster-role-binding" }
    subjects   = [{ kind = "ServiceAccount", name = kubernetes_service_account.server.metadata[0].name, namespace = local.ns }]
    roleRef    = { kind = "ClusterRole", name = kubernetes_manifest.server_cluster_role.manifest.metadata.name, apiGroup = "rbac.authorization.k8s.io" }
  }
}

# The k8sbundle notifier and leader election write in the spire namespace.
resource "kubernetes_manifest" "server_role" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "Role"
    metadata   = { name = "spire-server-configmap-role", namespace = local.ns }
    rules      = [
      { apiGroups = [""], resources = ["configmaps"], verbs = ["create", "get", "list", "patch", "update", "watch", "delete"] },
      { apiGroups = ["coordination.k8s.io"], resources = ["leases"], verbs = ["create", "get", "list", "patch", "update", "watch", "delete"] },
      { apiGroups = [""], resources = ["events"], verbs = ["create"] },
    ]
  }
}

resource "kubernetes_manifest" "server_role_binding" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "RoleBinding"
    metadata   = { name = "spire-server-configmap-role-binding", namespace = local.ns }
    subjects   = [{ kind = "ServiceAccount", name = kubernetes_service_account.server.metadata[0].name, namespace = local.ns }]
    roleRef    = { kind = "Role", name = kubernetes_manifest.server_role.manifest.metadata.name, apiGroup = "rbac.authorization.k8s.io" }
  }
}

resource "kubernetes_manifest" "agent_cluster_role" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRole"
    metadata   = { name = "spire-agent-cluster-role" }
    rules      = [
      { apiGroups = [""], resources = ["pods", "nodes", "nodes/proxy"], verbs = ["get", "list", "watch"] },
    ]
  }
}

resource "kubernetes_manifest" "agent_cluster_role_binding" {
  manifest = {
    apiVersion = "rbac.authorization.k8s.io/v1"
    kind       = "ClusterRoleBinding"
    metadata   = { name = "spire-agent-cluster-role-binding" }
    subjects   = [{ kind = "ServiceAccount", name = kubernetes_service_account.agent.metadata[0].name, namespace = local.ns }]
    roleRef    = { kind = "ClusterRole", name = kubernetes_manifest.agent_cluster_role.manifest.metadata.name, apiGroup = "rbac.authorization.k8s.io" }
  }
}

# --- Configuration ---------------------------------------------------------------------------

# Filled by the server's k8sbundle notifier; data is not managed here so the notifier's writes
# never show as drift.
resource "kubernetes_manifest" "trust_bundle" {
  manifest = {
    apiVersion = "v1"
    kind       = "ConfigMap"
    metadata   = { name = "trust-bundle", namespace = local.ns }
  }
}

resource "kubernetes_config_map" "server" {
  metadata {
    name      = "spire-server"
    namespace = local.ns
  }
  data = { "server.conf" = local.server_conf }
}

resource "kubernetes_config_map" "controller_manager" {
  metadata {
    name      = "spire-controller-manager-config"
    namespace = local.ns
  }
  data = { "spire-controller-manager-config.yaml" = local.controller_manager_conf }
}

resource "kubernetes_config_map" "agent" {
  metadata {
    name      = "spire-agent"
    namespace = local.ns
  }
  data = { "agent.conf" = local.agent_conf }
}

# --- Server ----------------------------------------------------------------------------------

resource "kubernetes_manifest" "server" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "StatefulSet"
    metadata   = { name = "spire-server", namespace = local.ns, labels = { app = "spire-server" } }
    spec       = {
      replicas    = 1
      serviceName = "spire-server"
      selector    = { matchLabels = { app = "spire-server" } }
      template    = {
        metadata = {
          labels = { app = "spire-server" }
          # A config change rolls the server.
          annotations = { "meshplan.dev/config-sha1" = sha1("${local.server_conf}${local.controller_manager_conf}") }
        }
        spec = {
          serviceAccountName    = kubernetes_service_account.server.metadata[0].name
          shareProcessNamespace = true
          nodeSelector          = var.server_node_selector
          tolerations           = var.server_tolerations
          containers            = [
            {
              name  = "spire-server"
              image = var.images.server
              args  = ["-config", "/run/spire/config/server.conf"]
              ports = [
                { containerPort = 8081, name = "grpc" },
                { containerPort = var.bundle_endpoint_port, name = "federation" },
              ]
              livenessProbe  = { httpGet = { path = "/live", port = 8080 }, initialDelaySeconds = 15, periodSeconds = 60 }
              readinessProbe = { httpGet = { path = "/ready", port = 8080 }, initialDelaySeconds = 5, periodSeconds = 5 }
              volumeMounts   = [
                { name = "spire-config", mountPath = "/run/spire/config", readOnly = true },
                { name = "spire-data", mountPath = "/run/spire/data", readOnly = false },
                { name = "spire-server-socket", mountPath = local.server_socket_dir, readOnly = false },
              ]
            },
            {
              name         = "spire-controller-manager"
              image        = var.images.controller_manager
              args         = ["--config=spire-controller-manager-config.yaml"]
              ports        = [{ containerPort = 9443, name = "webhook" }]
              volumeMounts = [
                { name = "spire-server-socket", mountPath = local.cm_socket_dir, readOnly = true },
                { name = "spire-controller-manager-config", mountPath = "/spire-controller-manager-config.yaml", subPath = "spire-controller-manager-config.yaml" },
              ]
            },
          ]
          volumes = [
            { name = "spire-config", configMap = { name = kubernetes_config_map.server.metadata[0].name } },
            { name = "spire-server-socket", emptyDir = {} },
            { name = "spire-controller-manager-config", configMap = { name = kubernetes_config_map.controller_manager.metadata[0].name } },
          ]
        }
      }
      volumeClaimTemplates = [{
          metadata = { name = "spire-data", namespace = local.ns }
          spec     = merge(
            { accessModes = ["ReadWriteOnce"], resources = { requests = { storage = "1Gi" } } },
            var.storage_class_name == null ? {} : { storageClassName = var.storage_class_name },
          )
      }]
    }
  }

  wait {
    rollout = var.wait_for_rollout
  }

  depends_on = [
    kubernetes_manifest.server_cluster_role_binding,
    kubernetes_manifest.server_role_binding,
    kubernetes_manifest.trust_bundle,
    kubernetes_manifest.webhook,
    meshplan_data.crds_installed,
  ]
}

# spire-controller-manager's validating webhook (it serves on 9443 and manages caBundle itself,
# so caBundle is left out here).
resource "kubernetes_manifest" "webhook_service" {
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = "spire-controller-manager-webhook-service", namespace = local.ns }
    spec       = {
      selector = { app = "spire-server" }
      ports    = [{ name = "webhook", port = 443, targetPort = "webhook", protocol = "TCP" }]
    }
  }
}

resource "kubernetes_manifest" "webhook" {
  manifest = {
    apiVersion = "admissionregistration.k8s.io/v1"
    kind       = "ValidatingWebhookConfiguration"
    metadata   = { name = local.webhook_name }
    webhooks   = [for kind in ["clusterfederatedtrustdomain", "clusterspiffeid"] : {
        name                    = "v${kind}.kb.io"
        admissionReviewVersions = ["v1"]
        sideEffects             = "None"
        failurePolicy           = "Fail"
        clientConfig            = { service = {
            name      = kubernetes_manifest.webhook_service.manifest.metadata.name
            namespace = local.ns
            path      = "/validate-spire-spiffe-io-v1alpha1-${kind}"
        } }
        rules = [{ apiGroups = ["spire.spiffe.io"], apiVersions = ["v1alpha1"], operations = ["CREATE", "UPDATE"], resources = ["${kind}s"] }]
    }]
  }
}

resource "kubernetes_manifest" "server_service" {
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = "spire-server", namespace = local.ns }
    spec       = {
      type     = "ClusterIP"
      selector = { app = "spire-server" }
      ports    = [{ name = "grpc", port = 8081, targetPort = 8081, protocol = "TCP" }]
    }
  }
}

resource "kubernetes_manifest" "bundle_endpoint_service" {
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata   = { name = "spire-server-bundle-endpoint", namespace = local.ns, annotations = var.bundle_endpoint_service_annotations }
    spec       = {
      type     = var.bundle_endpoint_service_type
      selector = { app = "spire-server" }
      ports    = [merge(
          { name = "federation", port = var.bundle_endpoint_port, targetPort = var.bundle_endpoint_port, protocol = "TCP" },
          var.bundle_endpoint_service_type == "NodePort" ? { nodePort = 30010 } : {},
      )]
    }
  }

  # A LoadBalancer Service's address is what the other cluster federates with: an ip on most
  # clouds, only a hostname on AWS (the wait matches the ingress entry's JSON text).
  wait {
    fields = var.bundle_endpoint_service_type == "LoadBalancer" ? { "status.loadBalancer.ingress[0]" = ".*\"(hostname|ip)\":\"[^\"]+\".*" } : {}
  }
}

# --- Agent -----------------------------------------------------------------------------------

resource "kubernetes_manifest" "agent" {
  manifest = {
    apiVersion = "apps/v1"
    kind       = "DaemonSet"
    metadata   = { name = "spire-agent", namespace = local.ns, labels = { app = "spire-agent" } }
    spec       = {
      selector = { matchLabels = { app = "spire-agent" } }
      template = {
        metadata = {
          labels      = { app = "spire-agent" }
          annotations = { "meshplan.dev/config-sha1" = sha1(local.agent_conf) }
        }
        spec = {
          hostPID            = true
          hostNetwork        = true
          dnsPolicy          = "ClusterFirstWithHostNet"
          serviceAccountName = kubernetes_service_account.agent.metadata[0].name
          initContainers     = [{
              name  = "init"
              image = "cgr.dev/chainguard/wait-for-it"
              args  = ["-t", "30", "spire-server:8081"]
          }]
          containers = [
            {
              name         = "spire-agent"
              image        = var.images.agent
              args         = ["-config", "/run/spire/config/agent.conf"]
              volumeMounts = [
                { name = "spire-config", mountPath = "/run/spire/config", readOnly = true },
                { name = "spire-bundle", mountPath = "/run/spire/bundle", readOnly = true },
                { name = "spire-agent-socket-dir", mountPath = var.agent_socket_dir, readOnly = false },
                { name = "spire-token", mountPath = "/var/run/secrets/tokens" },
              ]
              livenessProbe  = { httpGet = { path = "/live", port = 8080 }, initialDelaySeconds = 15, periodSeconds = 60 }
              readinessProbe = { httpGet = { path = "/ready", port = 8080 }, initialDelaySeconds = 5, periodSeconds = 5 }
            },
            {
              name            = "spiffe-csi-driver"
              image           = var.images.csi_driver
              imagePullPolicy = "IfNotPresent"
              args            = ["-workload-api-socket-dir", "/spire-agent-socket", "-plugin-name", "csi.spiffe.io", "-csi-socket-path", "/spiffe-csi/csi.sock"]
              env             = [{ name = "MY_NODE_NAME", valueFrom = { fieldRef = { fieldPath = "spec.nodeName" } } }]
              securityContext = { readOnlyRootFilesystem = true, capabilities = { drop = ["all"] }, privileged = true }
              volumeMounts    = [
                { name = "spire-agent-socket-dir", mountPath = "/spire-agent-socket", readOnly = true },
                { name = "spiffe-csi-socket-dir", mountPath = "/spiffe-csi" },
                { name = "mountpoint-dir", mountPath = "/var/lib/kubelet/pods", mountPropagation = "Bidirectional" },
              ]
            },
            {
              name            = "node-driver-registrar"
              image           = var.images.node_registrar
              imagePullPolicy = "IfNotPresent"
              args            = ["-csi-address", "/spiffe-csi/csi.sock", "-kubelet-registration-path", "/var/lib/kubelet/plugins/csi.spiffe.io/csi.sock", "-health-port", "9809"]
              volumeMounts    = [
                { name = "spiffe-csi-socket-dir", mountPath = "/spiffe-csi" },
                { name = "kubelet-plugin-registration-dir", mountPath = "/registration" },
              ]
              ports = [{ containerPort = 9809, name = "healthz" }]
            },
          ]
          volumes = [
            { name = "spire-config", configMap = { name = kubernetes_config_map.agent.metadata[0].name } },
            { name = "spire-bundle", configMap = { name = kubernetes_manifest.trust_bundle.manifest.metadata.name } },
            { name = "spire-token", projected = { sources = [{ serviceAccountToken = { path = "spire-agent", expirationSeconds = 7200, audience = "spire-server" } }] } },
            { name = "spire-agent-socket-dir", hostPath = { path = var.agent_socket_dir, type = "DirectoryOrCreate" } },
            { name = "spiffe-csi-socket-dir", hostPath = { path = "/var/lib/kubelet/plugins/csi.spiffe.io", type = "DirectoryOrCreate" } },
            { name = "mountpoint-dir", hostPath = { path = "/var/lib/kubelet/pods", type = "Directory" } },
            { name = "kubelet-plugin-registration-dir", hostPath = { path = "/var/lib/kubelet/plugins_registry", type = "Directory" } },
          ]
        }
      }
    }
  }

  wait {
    rollout = var.wait_for_rollout
  }

  depends_on = [
    kubernetes_manifest.agent_cluster_role_binding,
    kubernetes_manifest.csi_driver,
    kubernetes_manifest.server_service,
  ]
}

# --- spire-controller-manager registrations --------------------------------------------------

resource "meshplan_data" "crds_installed" {
  input = module.crds.ready
}

resource "kubernetes_manifest" "cluster_spiffe_id" {
  for_each = local.cluster_spiffe_ids
  manifest = {
    apiVersion = "spire.spiffe.io/v1alpha1"
    kind       = "ClusterSPIFFEID"
    metadata   = { name = each.key }
    spec       = merge(
      {
        spiffeIDTemplate  = each.value.spiffe_id_template
        podSelector       = { matchLabels = each.value.pod_selector }
        namespaceSelector = { matchLabels = each.value.namespace_selector }
      },
      length(each.value.federates_with) > 0 ? { federatesWith = each.value.federates_with } : {},
      try(each.value.dns_name_templates, null) == null ? {} : { dnsNameTemplates = each.value.dns_name_templates },
    )
  }
  # The webhook (failurePolicy Fail) rejects them until controller-manager, in the server pod, serves.
  depends_on = [meshplan_data.crds_installed, kubernetes_manifest.server]
}
