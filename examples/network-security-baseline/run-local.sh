#!/usr/bin/env bash
# CI test: applies this example against a local kube-test-server, checks the result with
# kubectl, re-plans (must be "No changes"), destroys, and checks nothing is left.
#   MESHPLAN=/path/to/meshplan KUBE_TEST_SERVER=/path/to/kube-test-server ./run-local.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"

work="$(mktemp -d)"
trap 'stop_servers; rm -rf "$work"' EXIT
start_server foo "$work"
cp -r "$here" "$work/example" && cd "$work/example"
# Module sources and fixtures are relative to the repo.
sed -i "s#\.\./\.\./modules#$repo/modules#g" main.mp.hcl

export MESHPLAN_VAR_host="$(kc_server "$work/foo.kubeconfig")"
export MESHPLAN_VAR_token="$(kc_token "$work/foo.kubeconfig")"
export MESHPLAN_VAR_cluster_ca_certificate="$(kc_ca "$work/foo.kubeconfig")"
vars=(-var "crds_path=$repo/tests/fixtures/manifests/aws-crds.yaml"
      -var 'pod_security_group_ids=["sg-0123456789abcdef0"]'
      -var "awspca_arn=arn:aws:acm-pca:us-west-2:000000000000:certificate-authority/11111111-2222-3333-4444-555555555555")

timed apply "$MESHPLAN" apply -auto-approve "${vars[@]}"
timed replan "$MESHPLAN" plan -detailed-exitcode "${vars[@]}"

k() { kubectl --kubeconfig "$work/foo.kubeconfig" "$@"; }
for ns in sleep helloworld; do
  expect "default-deny in $ns" "$(k get networkpolicy default-deny -n $ns -o jsonpath='{.spec.policyTypes}')" '["Ingress","Egress"]'
  expect "dns egress in $ns" "$(k get networkpolicy allow-dns-access -n $ns -o jsonpath='{.spec.egress[0].ports[*].protocol}')" 'UDP TCP'
done
expect "allow from sleep" "$(k get networkpolicy allow-helloworld-from-sleep -n helloworld -o jsonpath='{.spec.ingress[0].ports[0].port}')" '5000'
expect "SecurityGroupPolicy" "$(k get securitygrouppolicy helloworld-sgp -n helloworld -o jsonpath='{.spec.securityGroups.groupIds[0]}')" 'sg-0123456789abcdef0'
expect "AWSPCAClusterIssuer" "$(k get awspcaclusterissuer aws-pca-issuer -o jsonpath='{.spec.region}')" 'us-west-2'

timed destroy "$MESHPLAN" destroy -auto-approve "${vars[@]}"
expect "no namespaces left" "$(k get ns -o name | grep -cvE 'namespace/(default|kube-system|kube-public|kube-node-lease)$' || true)" '0'
expect "no CRDs left" "$(k get crd -o name | wc -l)" '0'
echo "PASS network-security-baseline"
