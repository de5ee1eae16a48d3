#!/usr/bin/env bash
# CI test of modules/nsm against a kube-test-server: SPIRE single-cluster (k8s.nsm) + NSM basic
# from the fixture manifests; re-plan must be "No changes"; destroy leaves nothing.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"
work="$(mktemp -d)"
trap 'stop_servers; rm -rf "$work"' EXIT
start_server nsm "$work"
mkdir "$work/root" && cd "$work/root"
cat > main.mp.hcl <<HCL
variable "host" { type = string }
variable "token" {
  type      = string
  sensitive = true
}
variable "ca" { type = string }
provider "kubernetes" {
  host                   = var.host
  token                  = var.token
  cluster_ca_certificate = var.ca
}
module "nsm" {
  source          = "$repo/modules/nsm"
  cluster_name    = "nsm-test"
  spire_crds_path = "$repo/tests/fixtures/manifests/spire-crds.yaml"
  manifests_path  = "$repo/tests/fixtures/manifests/nsm-basic.yaml"
}
output "webhook_ready" { value = module.nsm.admission_webhook_ready }
HCL
export MESHPLAN_VAR_host="$(kc_server "$work/nsm.kubeconfig")"
export MESHPLAN_VAR_token="$(kc_token "$work/nsm.kubeconfig")"
export MESHPLAN_VAR_ca="$(kc_ca "$work/nsm.kubeconfig")"
timed apply "$MESHPLAN" apply -auto-approve
timed replan "$MESHPLAN" plan -detailed-exitcode
k() { kubectl --kubeconfig "$work/nsm.kubeconfig" "$@"; }
expect "ClusterSPIFFEID template" "$(k get clusterspiffeid nsm-workloads -o jsonpath='{.spec.spiffeIDTemplate}')" 'spiffe://k8s.nsm/ns/{{.PodMeta.Namespace}}/pod/{{.PodMeta.Name}}'
expect "ClusterSPIFFEID selector" "$(k get clusterspiffeid nsm-workloads -o jsonpath='{.spec.podSelector.matchLabels.spiffe\.io/spiffe-id}')" 'true'
expect "trust domain" "$(k get cm -n spire spire-server -o jsonpath='{.data.server\.conf}' | grep -o 'trust_domain *= "k8s.nsm"' | tr -s ' ')" 'trust_domain = "k8s.nsm"'
expect "no UpstreamAuthority" "$(k get cm -n spire spire-server -o jsonpath='{.data.server\.conf}' | grep -c UpstreamAuthority || true)" 0
check_spire_wiring "$work/nsm.kubeconfig"
expect "ClusterSPIFFEID nsm-workloads-webhook" "$(k get clusterspiffeid nsm-workloads-webhook -o jsonpath='{.spec.podSelector.matchLabels.app}/{.spec.dnsNameTemplates[0]}')" 'admission-webhook-k8s/admission-webhook-svc.{{.PodMeta.Namespace}}.svc'
expect "agent socket where NSM dials it" "$(k get cm -n spire spire-agent -o jsonpath='{.data.agent\.conf}' | grep -o 'socket_path *= "[^"]*"' | tr -s ' ')" 'socket_path = "/run/spire/sockets/agent.sock"'
expect "admission-webhook-k8s rolled out" "$(k get deploy -n nsm-system admission-webhook-k8s -o jsonpath='{.status.readyReplicas}')" 1
grep -q 'webhook_ready *= 1' apply.log && echo "ok   webhook_ready output" || { echo "FAIL webhook_ready output" >&2; exit 1; }
timed destroy "$MESHPLAN" destroy -auto-approve
expect "no namespaces left" "$(k get ns -o name | grep -cvE 'namespace/(default|kube-system|kube-public|kube-node-lease)$' || true)" 0
expect "no CRDs left" "$(k get crd -o name | wc -l)" 0
echo "PASS nsm"
