#!/usr/bin/env bash
# CI test: two kube-test-servers as foo and bar; one apply of cert-manager (generated roots) +
# SPIRE + federation + Istio on both, with the fixture manifests; re-plan must be "No changes";
# kubectl checks of what crosses between the clusters; destroy must leave nothing behind.
#   MESHPLAN=/path/to/meshplan KUBE_TEST_SERVER=/path/to/kube-test-server ./run-local.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"

work="$(mktemp -d)"
trap 'stop_servers; rm -rf "$work"' EXIT
start_server foo "$work"
# bar's load balancers report an AWS-style hostname and no ip, foo's an ip: both must work.
start_server bar "$work" --aws-load-balancers
cp -r "$here" "$work/example" && cd "$work/example"
sed -i "s#\.\./\.\./modules#$repo/modules#g" main.mp.hcl

for c in foo bar; do
  export MESHPLAN_VAR_${c}_host="$(kc_server "$work/$c.kubeconfig")"
  export MESHPLAN_VAR_${c}_token="$(kc_token "$work/$c.kubeconfig")"
  export MESHPLAN_VAR_${c}_ca="$(kc_ca "$work/$c.kubeconfig")"
done
export MESHPLAN_VAR_manifests_dir="$repo/tests/fixtures/manifests"
# kube-test-server has no nodes labelled dedicated=spire-server; its controllers ignore
# scheduling, so the seed's selector stays.

timed plan "$MESHPLAN" plan
timed apply "$MESHPLAN" apply -auto-approve
grep -E '^Apply complete' apply.log
no_check_warnings apply.log
timed replan "$MESHPLAN" plan -detailed-exitcode
# The seed's verification (checks.mp.hcl), on what the kube test servers simulate.
checks_pass foo_cacerts_ready bar_cacerts_ready bar_federates_with_foo_bundle_endpoint
# Each side's ClusterFederatedTrustDomain goes through its controller-manager's webhook
# (failurePolicy Fail): only after that side's spire-server pod (with controller-manager) is up.
"$MESHPLAN" graph | python3 "$repo/tests/scripts/graph-path.py" \
  "module.spire_foo.kubernetes_manifest.server=>module.federation.kubernetes_manifest.on_a" \
  "module.spire_bar.kubernetes_manifest.server=>module.federation.kubernetes_manifest.on_b"

foo() { kubectl --kubeconfig "$work/foo.kubeconfig" "$@"; }
bar() { kubectl --kubeconfig "$work/bar.kubeconfig" "$@"; }

# 1. Bundle endpoints crossed: each side's ClusterFederatedTrustDomain names the other's endpoint.
foo_lb="$(lb_address "$work/foo.kubeconfig" spire spire-server-bundle-endpoint)"
bar_lb="$(lb_address "$work/bar.kubeconfig" spire spire-server-bundle-endpoint)"
expect "bar's endpoint is a hostname" "$(echo "$bar_lb" | grep -c '\.elb\.amazonaws\.com$')" 1
expect "bar's CFTD foo.com endpoint" "$(bar get clusterfederatedtrustdomain foo-com -o jsonpath='{.spec.bundleEndpointURL}')" "https://$foo_lb:8443"
expect "bar's CFTD foo.com endpoint id" "$(bar get clusterfederatedtrustdomain foo-com -o jsonpath='{.spec.bundleEndpointProfile.endpointSPIFFEID}')" "spiffe://foo.com/spire/server"
expect "foo's CFTD bar.com endpoint" "$(foo get clusterfederatedtrustdomain bar-com -o jsonpath='{.spec.bundleEndpointURL}')" "https://$bar_lb:8443"
expect "foo's server.conf federates with bar.com" "$(foo get cm -n spire spire-server -o jsonpath='{.data.server\.conf}' | grep -c "federates_with \"bar.com\"")" 1
expect "foo's server.conf bar endpoint" "$(foo get cm -n spire spire-server -o jsonpath='{.data.server\.conf}' | grep -o "https://$bar_lb:8443")" "https://$bar_lb:8443"

# 2. Bundles crossed: the X.509 authority in bar's CFTD for foo.com is foo's root CA, the one
# in foo's Secret selfsigned-ca, and it verifies a certificate issued from foo's root key.
foo get secret -n cert-manager selfsigned-ca -o jsonpath='{.data.ca\.crt}' | base64 -d > foo-root.pem
foo get secret -n cert-manager selfsigned-ca -o jsonpath='{.data.tls\.key}' | base64 -d > foo-root.key
bar get clusterfederatedtrustdomain foo-com -o jsonpath='{.spec.trustDomainBundle}' > foo-bundle.json
python3 - foo-bundle.json > foo-bundle-x5c.pem <<'PY'
import json, sys, textwrap
b = json.load(open(sys.argv[1]))
for k in b["keys"]:
    assert k["use"] == "x509-svid", k
    for c in k["x5c"]:
        print("-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(c, 64)) + "\n-----END CERTIFICATE-----")
PY
expect "bundle authority = foo root" "$(openssl x509 -in foo-bundle-x5c.pem -noout -fingerprint -sha256)" "$(openssl x509 -in foo-root.pem -noout -fingerprint -sha256)"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout inter.key -subj "/O=SPIFFE/CN=spire-server foo.com" -out inter.csr 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE\nsubjectAltName=URI:spiffe://foo.com\n' > inter.ext
openssl x509 -req -in inter.csr -CA foo-root.pem -CAkey foo-root.key -CAcreateserial -days 1 -extfile inter.ext -out inter.pem 2>/dev/null
expect "foo-style intermediate verifies against the bundle" "$(openssl verify -CAfile foo-bundle-x5c.pem inter.pem)" "inter.pem: OK"
expect "bar's bundle is not foo's" "$(foo get clusterfederatedtrustdomain bar-com -o jsonpath='{.spec.trustDomainBundle}' | grep -c "$(head -2 foo-root.pem | tail -1 | cut -c1-40)" || true)" 0

# 3. Remote secrets: foo's secret for bar is a kubeconfig that reaches bar with bar's reader token.
expect "remote secret label" "$(foo get secret -n istio-system istio-remote-secret-bar-eks-cluster -o jsonpath='{.metadata.labels.istio/multiCluster}')" "true"
expect "remote secret annotation" "$(foo get secret -n istio-system istio-remote-secret-bar-eks-cluster -o jsonpath='{.metadata.annotations.networking\.istio\.io/cluster}')" "bar-eks-cluster"
foo get secret -n istio-system istio-remote-secret-bar-eks-cluster -o jsonpath='{.data.bar-eks-cluster}' | base64 -d > bar-remote.kubeconfig
expect "remote kubeconfig server" "$(kubectl --kubeconfig bar-remote.kubeconfig config view -o jsonpath='{.clusters[0].cluster.server}')" "$(kc_server "$work/bar.kubeconfig")"
expect "remote kubeconfig reaches bar" "$(kubectl --kubeconfig bar-remote.kubeconfig get sa -n istio-system istio-reader-service-account -o name)" "serviceaccount/istio-reader-service-account"

# 4. SPIRE's wiring inside each cluster (sockets, webhook, consumers).
check_spire_wiring "$work/foo.kubeconfig"
check_spire_wiring "$work/bar.kubeconfig"

# 5. The seed's objects, spot checks.
expect "Istio trustDomainAliases" "$(foo get istiooperator -n istio-system istio-control-plane -o jsonpath='{.spec.meshConfig.trustDomainAliases}')" '["bar.com"]'
expect "east-west federatesWith" "$(bar get istiooperator -n istio-system eastwest -o jsonpath='{.spec.components.ingressGateways[0].k8s.podAnnotations.spiffe\.io/federatesWith}')" "foo.com"
expect "PeerAuthentication STRICT" "$(foo get peerauthentication -n istio-system default -o jsonpath='{.spec.mtls.mode}')" "STRICT"
expect "cross-network-gateway" "$(foo get gateway -n istio-system cross-network-gateway -o jsonpath='{.spec.servers[0].tls.mode}')" "AUTO_PASSTHROUGH"
expect "ClusterSPIFFEID federatesWith" "$(bar get clusterspiffeid istio -o jsonpath='{.spec.federatesWith}')" '["foo.com"]'
expect "cacerts" "$(foo get certificate -n istio-system cacerts -o jsonpath='{.spec.duration}/{.spec.renewBefore}/{.spec.issuerRef.name}')" "1440h/360h/selfsigned-ca"
expect "spire-server ready" "$(foo get statefulset -n spire spire-server -o jsonpath='{.status.readyReplicas}')" 1
expect "CSIDriver" "$(bar get csidriver csi.spiffe.io -o name)" "csidriver.storage.k8s.io/csi.spiffe.io"

timed destroy "$MESHPLAN" destroy -auto-approve
for c in foo bar; do
  k() { kubectl --kubeconfig "$work/$c.kubeconfig" "$@"; }
  expect "$c: no namespaces left" "$(k get ns -o name | grep -cvE 'namespace/(default|kube-system|kube-public|kube-node-lease)$' || true)" 0
  expect "$c: no CRDs left" "$(k get crd -o name | wc -l)" 0
  expect "$c: no cluster objects left" "$(k get clusterroles,clusterrolebindings,csidrivers,validatingwebhookconfigurations -o name | grep -c spire || true)" 0
done
echo "PASS spire-federation-local"
