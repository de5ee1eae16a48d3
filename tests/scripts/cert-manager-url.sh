#!/usr/bin/env bash
# CI test of modules/cert-manager in the seed's chain mode, with the install manifests read by
# URL + sha256 (data "http" with expected_sha256) from a local HTTP server; a wrong sha256 must
# fail the plan.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"
work="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$repo/tests/fixtures/manifests" >"$work/http.log" 2>&1 &
http_pid=$!
trap 'kill $http_pid 2>/dev/null; stop_servers; rm -rf "$work"' EXIT
start_server cm "$work"
sha="$(sha256sum "$repo/tests/fixtures/manifests/cert-manager.yaml" | cut -d' ' -f1)"
mkdir "$work/root" && cd "$work/root"
cat > main.mp.hcl <<HCL
variable "host" { type = string }
variable "token" {
  type      = string
  sensitive = true
}
variable "ca" { type = string }
variable "sha" { type = string }
provider "kubernetes" {
  host                   = var.host
  token                  = var.token
  cluster_ca_certificate = var.ca
}
module "cm" {
  source           = "$repo/modules/cert-manager"
  manifests_url    = "http://127.0.0.1:$port/cert-manager.yaml"
  manifests_sha256 = var.sha
}
HCL
export MESHPLAN_VAR_host="$(kc_server "$work/cm.kubeconfig")"
export MESHPLAN_VAR_token="$(kc_token "$work/cm.kubeconfig")"
export MESHPLAN_VAR_ca="$(kc_ca "$work/cm.kubeconfig")"
# python's http.server can take seconds to listen on a loaded machine: wait for it.
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
timed apply "$MESHPLAN" apply -auto-approve -var "sha=$sha"
timed replan "$MESHPLAN" plan -detailed-exitcode -var "sha=$sha"
k() { kubectl --kubeconfig "$work/cm.kubeconfig" "$@"; }
expect "Issuer selfsigned" "$(k get issuer -n cert-manager selfsigned -o jsonpath='{.spec.selfSigned}')" '{}'
expect "Certificate selfsigned-ca" "$(k get certificate -n cert-manager selfsigned-ca -o jsonpath='{.spec.isCA}/{.spec.duration}/{.spec.commonName}/{.spec.subject.organizations[0]}/{.spec.secretName}')" 'true/21600h/certmanager-ca/cert-manager/selfsigned-ca'
expect "ClusterIssuer selfsigned-ca" "$(k get clusterissuer selfsigned-ca -o jsonpath='{.spec.ca.secretName}')" 'selfsigned-ca'
expect "Certificate cacerts" "$(k get certificate -n istio-system cacerts -o jsonpath='{.spec.isCA}/{.spec.duration}/{.spec.renewBefore}')" 'true/1440h/360h'
if "$MESHPLAN" plan -var "sha=$(printf '0%.0s' $(seq 64))" >wrong.log 2>&1; then echo "FAIL wrong sha256 accepted" >&2; exit 1; fi
grep -q 'expected_sha256' wrong.log && echo "ok   wrong sha256 rejected"
timed destroy "$MESHPLAN" destroy -auto-approve -var "sha=$sha"
expect "no namespaces left" "$(k get ns -o name | grep -cvE 'namespace/(default|kube-system|kube-public|kube-node-lease)$' || true)" 0
expect "no CRDs left" "$(k get crd -o name | wc -l)" 0
echo "PASS cert-manager-url"
