#!/usr/bin/env bash
# End to end: examples/foo-bar-federation against the local emulators (moto + one kube test
# server per EKS cluster, foo-eks-cluster and bar-eks-cluster). plan (kubernetes parts
# deferred) → ONE apply (AWS objects in moto, in-cluster objects in both servers) → plan
# -detailed-exitcode must exit 0 → boto3 / kubectl checks → destroy → nothing left.
#   MESHPLAN=/path/to/meshplan MESHPLAN_EMULATORS=/path/to/meshplan-emulators \
#     tests/scripts/foo-bar-federation-emulators.sh
# The emulators use this checkout's tests/emulators/moto_launcher.py (distinct OIDC issuer per
# cluster) unless MESHPLAN_MOTO_LAUNCHER is set.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"
MESHPLAN_EMULATORS="${MESHPLAN_EMULATORS:-${CARGO_TARGET_DIR:-$repo/target}/debug/meshplan-emulators}"
export MESHPLAN_MOTO_LAUNCHER="${MESHPLAN_MOTO_LAUNCHER:-$repo/tests/emulators/moto_launcher.py}"

work="$(mktemp -d)"
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

emu="$work/emulators"
"$MESHPLAN_EMULATORS" --out "$emu" --cluster foo-eks-cluster --cluster bar-eks-cluster 2>"$work/emulators.log" &
emu_pid=$!
for _ in $(seq 300); do
  [ -f "$emu/ready" ] && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulators.log" >&2; exit 1; }
  sleep 0.2
done
[ -f "$emu/ready" ] || { cat "$work/emulators.log" >&2; echo "emulators did not start" >&2; exit 1; }
# shellcheck disable=SC1091
source "$emu/env.sh"

# The example with the repository layout it refers to (../../modules, ../../tests/fixtures).
mkdir -p "$work/repo/examples" "$work/repo/tests"
cp -r "$repo/examples/foo-bar-federation" "$work/repo/examples/"
cp -r "$repo/modules" "$work/repo/"
cp -r "$repo/tests/fixtures" "$work/repo/tests/"
cd "$work/repo/examples/foo-bar-federation"
rm -f ./*.svg
cp "$emu/emulators.auto.mpvars" .
# The optional AWS Load Balancer Controller, from our fixtures.
cat > lbc.auto.mpvars <<'V'
aws_load_balancer_controller = {
  iam_policy_path = "../../tests/fixtures/manifests/aws-load-balancer-controller-iam-policy.json"
  manifests_path  = "../../tests/fixtures/manifests/aws-load-balancer-controller.yaml"
}
V

"$MESHPLAN" init >/dev/null
timed plan "$MESHPLAN" plan
grep -E '^(Plan|Deferred):' plan.log
timed apply "$MESHPLAN" apply -auto-approve
grep -E '^Apply complete' apply.log
no_check_warnings apply.log
timed replan "$MESHPLAN" plan -detailed-exitcode
# The seed's verification (checks.mp.hcl): what the kube test servers simulate.
checks_pass foo_cacerts_ready bar_cacerts_ready foo_bundle_endpoint bar_bundle_endpoint cross_cluster_curl helloworld_v2_on_bar
echo "graph: $("$MESHPLAN" graph | grep -cE '^  "[^"]+" \[') nodes, $("$MESHPLAN" graph | grep -c -- '->') edges"

# Istio before the workloads: cacerts is issued (Ready) before the control plane, the control
# plane is HEALTHY (istiod and the sidecar injector webhook up) before the demo namespaces and
# workloads, on both sides. The waits are in state (the wait block only); the order in the graph.
wait_block() { "$MESHPLAN" state show -no-color "$1" | sed -n '/^ *wait *= {/,/^        }/p' | tr -d ' \n'; }
for c in foo bar; do
  expect "$c: cacerts waited for Ready" "$(wait_block "module.mesh.module.cert_manager_$c.kubernetes_manifest.cacerts" | grep -o '"condition"=\[{status="True"type="Ready"},\]')" '"condition"=[{status="True"type="Ready"},]'
  expect "$c: control plane waited for HEALTHY" "$(wait_block "module.mesh.module.istio_$c.kubernetes_manifest.control_plane" | grep -o '"status.status"="HEALTHY"')" '"status.status"="HEALTHY"'
  "$MESHPLAN" graph | python3 "$repo/tests/scripts/graph-path.py" \
    "module.mesh.module.cert_manager_$c.kubernetes_manifest.cacerts=>module.mesh.module.istio_$c.kubernetes_manifest.control_plane" \
    "module.mesh.module.istio_$c.kubernetes_manifest.control_plane=>module.demo.kubernetes_namespace.$c" \
    "module.mesh.module.istio_$c.kubernetes_manifest.control_plane=>module.demo.kubernetes_manifest.${c}_helloworld" \
    "module.mesh.module.istio_$c.kubernetes_manifest.control_plane=>module.demo.kubernetes_manifest.${c}_sleep"
done
# ClusterFederatedTrustDomains after their side's controller-manager (its webhook admits them).
"$MESHPLAN" graph | python3 "$repo/tests/scripts/graph-path.py" \
  "module.mesh.module.spire_foo.kubernetes_manifest.server=>module.mesh.module.federation.kubernetes_manifest.on_a" \
  "module.mesh.module.spire_bar.kubernetes_manifest.server=>module.mesh.module.federation.kubernetes_manifest.on_b"

foo() { kubectl --kubeconfig "$emu/foo-eks-cluster.kubeconfig" "$@"; }
bar() { kubectl --kubeconfig "$emu/bar-eks-cluster.kubeconfig" "$@"; }

# AWS, read back with boto3 from moto.
aws_check() {
  python3 - "$@" <<'PY'
import boto3, json, os, sys
url = os.environ["MOTO_URL"]
ec2 = boto3.client("ec2", endpoint_url=url)
eks = boto3.client("eks", endpoint_url=url)
iam = boto3.client("iam", endpoint_url=url)
what = sys.argv[1]
if what == "vpcs":
    cidrs = sorted(v["CidrBlock"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:example", "Values": ["foo-bar-federation"]}])["Vpcs"])
    print(",".join(cidrs))
elif what == "peering":
    p = ec2.describe_vpc_peering_connections()["VpcPeeringConnections"]
    p = [x for x in p if x["Status"]["Code"] == "active"]
    print(len(p), p[0]["RequesterVpcInfo"]["CidrBlock"], p[0]["AccepterVpcInfo"]["CidrBlock"])
elif what == "clusters":
    print(",".join(sorted(eks.list_clusters()["clusters"])))
elif what == "nodegroups":
    c = sys.argv[2]
    ng = eks.describe_nodegroup(clusterName=c, nodegroupName="spire_server")["nodegroup"]
    print(json.dumps({"labels": ng.get("labels"), "taints": ng.get("taints"), "size": ng["scalingConfig"]["desiredSize"]}, sort_keys=True))
elif what == "ebs-trust":
    doc = iam.get_role(RoleName=sys.argv[2] + "-ebs-csi-driver")["Role"]["AssumeRolePolicyDocument"]
    if isinstance(doc, str):
        import urllib.parse; doc = json.loads(urllib.parse.unquote(doc))
    cond = doc["Statement"][0]["Condition"]["StringEquals"]
    print(",".join(sorted(k.rsplit(":", 1)[1] + "=" + (v if isinstance(v, str) else v[0]) for k, v in cond.items())))
elif what == "node-sg":
    # The security groups managed nodes get (their launch template's: the cluster SG and the
    # peering module's SG of the VPC): how many, and what they admit.
    ng = eks.describe_nodegroup(clusterName=sys.argv[2], nodegroupName="spire_server")["nodegroup"]
    lt = ng["launchTemplate"]
    data = ec2.describe_launch_template_versions(LaunchTemplateId=lt["id"], Versions=[lt["version"]])["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    sgs = data["SecurityGroupIds"]
    cluster_sg = eks.describe_cluster(name=sys.argv[2])["cluster"]["resourcesVpcConfig"]["clusterSecurityGroupId"]
    groups = ec2.describe_security_groups(GroupIds=sgs)["SecurityGroups"]
    perms = [(g["GroupId"], p) for g in groups for p in g["IpPermissions"]]
    rules = sorted(f"{p['IpProtocol']}:{p.get('FromPort', '')}:{r['CidrIpv4'] if 'CidrIpv4' in r else r.get('CidrIp')}" for _, p in perms for r in p.get("IpRanges", []))
    rules += sorted(f"{p['IpProtocol']}:{p.get('FromPort', '')}:self" for sg, p in perms for g in p.get("UserIdGroupPairs", []) if g["GroupId"] == sg)
    print(len(sgs), "cluster-sg" if cluster_sg in sgs else "no-cluster-sg", ",".join(rules))
elif what == "left":
    n = len(ec2.describe_vpcs(Filters=[{"Name": "tag:example", "Values": ["foo-bar-federation"]}])["Vpcs"])
    n += len(eks.list_clusters()["clusters"])
    n += len([r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith(("foo-eks", "bar-eks"))])
    print(n)
PY
}
lbc_check() {
  python3 - "$1" <<'PY'
import boto3, json, os, sys, urllib.parse
iam = boto3.client("iam", endpoint_url=os.environ["MOTO_URL"])
role = sys.argv[1] + "-aws-load-balancer-controller"
r = iam.get_role(RoleName=role)["Role"]
doc = r["AssumeRolePolicyDocument"]
doc = json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc
cond = doc["Statement"][0]["Condition"]["StringEquals"]
sub = [v for k, v in cond.items() if k.endswith(":sub")][0]
print(r["Arn"], sub if isinstance(sub, str) else sub[0], ",".join(iam.list_role_policies(RoleName=role)["PolicyNames"]))
PY
}
expect "VPCs" "$(aws_check vpcs)" "10.2.0.0/16,10.3.0.0/16"
expect "peering active foo→bar" "$(aws_check peering)" "1 10.2.0.0/16 10.3.0.0/16"
expect "EKS clusters" "$(aws_check clusters)" "bar-eks-cluster,foo-eks-cluster"
expect "bar's spire_server node group" "$(aws_check nodegroups bar-eks-cluster)" \
  '{"labels": {"dedicated": "spire-server"}, "size": 1, "taints": [{"effect": "NO_EXECUTE", "key": "dedicated", "value": "spire-server"}]}'
# Peer traffic reaches the nodes: the other VPC is admitted on the SG the nodes carry.
expect "foo's nodes carry the peer SG and admit bar's VPC" "$(aws_check node-sg foo-eks-cluster)" "2 cluster-sg -1::10.3.0.0/16"
expect "bar's nodes carry the peer SG and admit foo's VPC" "$(aws_check node-sg bar-eks-cluster)" "2 cluster-sg -1::10.2.0.0/16"
expect "EBS CSI IRSA trust (:aud, :sub)" "$(aws_check ebs-trust foo-eks-cluster)" \
  "aud=sts.amazonaws.com,sub=system:serviceaccount:kube-system:ebs-csi-controller-sa"

# What crosses between the clusters.
# EKS load balancers report only a hostname (the emulators' kube test servers do the same).
foo_lb="$(lb_address "$emu/foo-eks-cluster.kubeconfig" spire spire-server-bundle-endpoint)"
bar_lb="$(lb_address "$emu/bar-eks-cluster.kubeconfig" spire spire-server-bundle-endpoint)"
expect "foo's endpoint is an ELB hostname" "$(echo "$foo_lb" | grep -c '\.elb\.amazonaws\.com$')" 1
# 8443/15443/15012/15017 stay inside the peered VPCs: internal load balancers only.
expect "foo's bundle endpoint LB is internal" "$(echo "$foo_lb" | grep -c '^internal-')" 1
expect "bar's bundle endpoint LB is internal" "$(echo "$bar_lb" | grep -c '^internal-')" 1
expect "bar's east-west gateway LB is internal" "$(bar get istiooperator -n istio-system eastwest -o jsonpath='{.spec.components.ingressGateways[0].k8s.serviceAnnotations.service\.beta\.kubernetes\.io/aws-load-balancer-scheme}')" internal
check_spire_wiring "$emu/foo-eks-cluster.kubeconfig"
check_spire_wiring "$emu/bar-eks-cluster.kubeconfig"
expect "bar's CFTD foo.com endpoint" "$(bar get clusterfederatedtrustdomain foo-com -o jsonpath='{.spec.bundleEndpointURL}')" "https://$foo_lb:8443"
expect "bar's CFTD foo.com endpoint id" "$(bar get clusterfederatedtrustdomain foo-com -o jsonpath='{.spec.bundleEndpointProfile.endpointSPIFFEID}')" "spiffe://foo.com/spire/server"
expect "foo's CFTD bar.com endpoint" "$(foo get clusterfederatedtrustdomain bar-com -o jsonpath='{.spec.bundleEndpointURL}')" "https://$bar_lb:8443"
foo get secret -n cert-manager selfsigned-ca -o jsonpath='{.data.ca\.crt}' | base64 -d > foo-root.pem
bar get clusterfederatedtrustdomain foo-com -o jsonpath='{.spec.trustDomainBundle}' > foo-bundle.json
python3 - foo-bundle.json > foo-bundle-x5c.pem <<'PY'
import json, sys, textwrap
for k in json.load(open(sys.argv[1]))["keys"]:
    assert k["use"] == "x509-svid", k
    for c in k["x5c"]:
        print("-----BEGIN CERTIFICATE-----\n" + "\n".join(textwrap.wrap(c, 64)) + "\n-----END CERTIFICATE-----")
PY
expect "bar's bundle for foo.com = foo's root" "$(openssl x509 -in foo-bundle-x5c.pem -noout -fingerprint -sha256)" "$(openssl x509 -in foo-root.pem -noout -fingerprint -sha256)"
foo get secret -n istio-system istio-remote-secret-bar-eks-cluster -o jsonpath='{.data.bar-eks-cluster}' | base64 -d > bar-remote.kubeconfig
expect "foo's remote secret points at bar's EKS endpoint" "$(kubectl --kubeconfig bar-remote.kubeconfig config view -o jsonpath='{.clusters[0].cluster.server}')" "$(kc_server "$emu/bar-eks-cluster.kubeconfig")"
expect "foo's remote kubeconfig reaches bar" "$(kubectl --kubeconfig bar-remote.kubeconfig get sa -n istio-system istio-reader-service-account -o name)" "serviceaccount/istio-reader-service-account"
bar get secret -n istio-system istio-remote-secret-foo-eks-cluster -o jsonpath='{.data.foo-eks-cluster}' | base64 -d > foo-remote.kubeconfig
expect "bar's remote secret points at foo's EKS endpoint" "$(kubectl --kubeconfig foo-remote.kubeconfig config view -o jsonpath='{.clusters[0].cluster.server}')" "$(kc_server "$emu/foo-eks-cluster.kubeconfig")"
expect "Istio spire template" "$(foo get istiooperator -n istio-system istio-control-plane -o jsonpath='{.spec.values.sidecarInjectorWebhook.templates.spire}' | grep -c csi.spiffe.io)" 1
# The seed's north-south gateway: istio-ingressgateway mounts the SPIFFE socket (checked by
# check_spire_wiring) and federates; istiod's CA rotates every 720h (cert-rotation.yaml).
for c in foo bar; do
  k() { kubectl --kubeconfig "$emu/$c-eks-cluster.kubeconfig" "$@"; }
  expect "$c: ingress gateway federates" "$(k get istiooperator -n istio-system istio-control-plane -o jsonpath='{.spec.components.ingressGateways[?(@.name=="istio-ingressgateway")].k8s.podAnnotations.spiffe\.io/federatesWith}')" "$([ $c = foo ] && echo bar.com || echo foo.com)"
  expect "$c: cacerts rotation" "$(k get certificate -n istio-system cacerts -o jsonpath='{.spec.duration} {.spec.renewBefore}')" "720h 360h"
done
# bar's Gateway + VirtualService (helloworld-gateway.yaml): /hello on the ingress gateway → helloworld:5000.
expect "bar: Gateway selects the ingress gateway" "$(bar get gateway.networking.istio.io -n helloworld helloworld-gateway -o jsonpath='{.spec.selector.istio} {.spec.servers[0].port.number} {.spec.servers[0].port.protocol}')" "ingressgateway 80 HTTP"
expect "bar: VirtualService routes /hello" "$(bar get virtualservice -n helloworld helloworld -o jsonpath='{.spec.gateways[0]} {.spec.http[0].match[0].uri.exact} {.spec.http[0].route[0].destination.host}:{.spec.http[0].route[0].destination.port.number}')" "helloworld-gateway /hello helloworld:$(bar get svc -n helloworld helloworld -o jsonpath='{.spec.ports[0].port}')"
expect "foo: no north-south Gateway" "$(foo get gateway.networking.istio.io -n helloworld -o name | wc -l)" 0
expect "spire-server on the dedicated nodes" "$(bar get statefulset -n spire spire-server -o jsonpath='{.spec.template.spec.nodeSelector.dedicated}')" "spire-server"

# The seed's demo and storage setup, on both clusters.
# The AWS Load Balancer Controller in each cluster: its IRSA role is the one its
# ServiceAccount names, and its Deployment runs as that ServiceAccount for its own cluster/VPC.
for c in foo bar; do
  k() { kubectl --kubeconfig "$emu/$c-eks-cluster.kubeconfig" "$@"; }
  read -r lbc_arn lbc_sub lbc_policies <<<"$(lbc_check "$c-eks-cluster")"
  expect "$c: LB controller role trusts its ServiceAccount, has its policy" "$lbc_sub $lbc_policies" \
    "system:serviceaccount:kube-system:aws-load-balancer-controller aws-load-balancer-controller"
  expect "$c: LB controller ServiceAccount annotated with the role" \
    "$(k get sa -n kube-system aws-load-balancer-controller -o jsonpath='{.metadata.annotations.eks\.amazonaws\.com/role-arn}')" "$lbc_arn"
  expect "$c: LB controller runs as it, for its cluster" \
    "$(k get deploy -n kube-system aws-load-balancer-controller -o jsonpath='{.spec.template.spec.serviceAccountName} {.spec.template.spec.containers[0].args[0]}')" \
    "aws-load-balancer-controller --cluster-name=$c-eks-cluster"
done
# The verification Job: foo's sleep identity, curls helloworld for both versions and bar's
# bundle endpoint, stops its sidecar; the apply waited for it to complete.
job_script="$(foo get job -n sleep cross-cluster-curl -o jsonpath='{.spec.template.spec.containers[0].command[2]}')"
expect "foo: verification Job curls helloworld and bar's bundle endpoint" \
  "$(for p in 'http://helloworld.helloworld:5000/hello' "https://$bar_lb:8443" quitquitquit; do echo "$job_script" | grep -qF -- "$p" && echo "$p"; done | wc -l)" 3
expect "foo: verification Job federates like sleep" "$(foo get job -n sleep cross-cluster-curl -o jsonpath='{.spec.template.metadata.annotations.spiffe\.io/federatesWith} {.spec.template.metadata.annotations.inject\.istio\.io/templates} {.status.succeeded}')" "bar.com sidecar,spire 1"
expect "foo: helloworld deployments" "$(foo get deploy -n helloworld -o jsonpath='{.items[*].metadata.name}')" "helloworld-v1"
expect "bar: helloworld deployments" "$(bar get deploy -n helloworld -o jsonpath='{.items[*].metadata.name}')" "helloworld-v2"
expect "foo: helloworld-v1 pods federate with bar.com" "$(foo get deploy -n helloworld helloworld-v1 -o jsonpath='{.spec.template.metadata.annotations.spiffe\.io/federatesWith}')" "bar.com"
expect "bar: helloworld-v2 pods federate with foo.com" "$(bar get deploy -n helloworld helloworld-v2 -o jsonpath='{.spec.template.metadata.annotations.spiffe\.io/federatesWith}')" "foo.com"
for c in foo bar; do
  k() { kubectl --kubeconfig "$emu/$c-eks-cluster.kubeconfig" "$@"; }
  expect "$c: injection-enabled namespaces" "$(k get ns -l istio-injection=enabled -o jsonpath='{.items[*].metadata.name}')" "helloworld sleep"
  expect "$c: Service helloworld port" "$(k get svc -n helloworld helloworld -o jsonpath='{.spec.ports[0].port} {.spec.selector.app}')" "5000 helloworld"
  expect "$c: sleep templates" "$(k get deploy -n sleep sleep -o jsonpath='{.spec.template.metadata.annotations.inject\.istio\.io/templates}')" "sidecar,spire"
  expect "$c: default StorageClass" "$(k get sc -o jsonpath='{range .items[?(@.metadata.annotations.storageclass\.kubernetes\.io/is-default-class=="true")]}{.metadata.name} {end}')" "gp3 "
  expect "$c: gp3 class" "$(k get sc gp3 -o jsonpath='{.provisioner} {.parameters.type} {.parameters.encrypted} {.volumeBindingMode}')" "ebs.csi.aws.com gp3 true WaitForFirstConsumer"
done

timed destroy "$MESHPLAN" destroy -auto-approve
expect "moto: nothing left" "$(aws_check left)" 0
for c in foo bar; do
  k() { kubectl --kubeconfig "$emu/$c-eks-cluster.kubeconfig" "$@"; }
  expect "$c: no namespaces left" "$(k get ns -o name | grep -cvE 'namespace/(default|kube-system|kube-public|kube-node-lease)$' || true)" 0
  expect "$c: no CRDs left" "$(k get crd -o name | wc -l)" 0
  expect "$c: no StorageClasses left" "$(k get sc -o name | wc -l)" 0
done
echo "PASS foo-bar-federation-emulators"
