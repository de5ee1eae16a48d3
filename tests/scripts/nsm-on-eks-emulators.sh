#!/usr/bin/env bash
# End to end: examples/nsm-on-eks against the local emulators (moto + a kube test server for
# EKS cluster nsm-test). A subnet that is NOT default-for-az is added to moto's default VPC
# first, to show the example picks the default-for-az ones only. plan (kubernetes parts
# deferred) → ONE apply → plan -detailed-exitcode must exit 0 → boto3 / kubectl checks →
# destroy → nothing left.
#   MESHPLAN=/path/to/meshplan MESHPLAN_EMULATORS=/path/to/meshplan-emulators \
#     tests/scripts/nsm-on-eks-emulators.sh
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
"$MESHPLAN_EMULATORS" --out "$emu" --cluster nsm-test 2>"$work/emulators.log" &
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
cp -r "$repo/examples/nsm-on-eks" "$work/repo/examples/"
cp -r "$repo/modules" "$work/repo/"
cp -r "$repo/tests/fixtures" "$work/repo/tests/"
cd "$work/repo/examples/nsm-on-eks"
rm -f ./*.svg
cp "$emu/emulators.auto.mpvars" .
echo 'kubeconfig_path = "nsm-test.kubeconfig"' >test.auto.mpvars

aws_check() {
  python3 - "$@" <<'PY'
import boto3, json, os, sys, urllib.parse
url = os.environ["MOTO_URL"]
ec2 = boto3.client("ec2", endpoint_url=url)
eks = boto3.client("eks", endpoint_url=url)
iam = boto3.client("iam", endpoint_url=url)
what = sys.argv[1]
def trust(role):
    doc = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    return json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc
if what == "extra-subnet":
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    s = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="172.31.250.0/24")["Subnet"]
    print(s["SubnetId"])
elif what == "default-for-az":
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    ids = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}, {"Name": "default-for-az", "Values": ["true"]}])["Subnets"]]
    print(",".join(sorted(ids)))
elif what == "cluster-subnets":
    print(",".join(sorted(eks.describe_cluster(name="nsm-test")["cluster"]["resourcesVpcConfig"]["subnetIds"])))
elif what == "cluster-role":
    print(eks.describe_cluster(name="nsm-test")["cluster"]["roleArn"].rsplit("/", 1)[1])
elif what == "nodegroup":
    ng = eks.describe_nodegroup(clusterName="nsm-test", nodegroupName="nsm-test-nodes")["nodegroup"]
    sc = ng["scalingConfig"]
    print(ng["instanceTypes"][0], sc["minSize"], sc["maxSize"], sc["desiredSize"], ng["nodeRole"].rsplit("/", 1)[1], ",".join(sorted(ng["subnets"])))
elif what == "role":
    r = sys.argv[2]
    st = trust(r)["Statement"][0]
    pols = sorted(p["PolicyArn"].split(":policy/")[1] for p in iam.list_attached_role_policies(RoleName=r)["AttachedPolicies"])
    print(st["Action"], json.dumps(st["Principal"], sort_keys=True), ",".join(pols))
elif what == "ebs-trust":
    cond = trust("EKS-EBS-CSI-Role")["Statement"][0]["Condition"]["StringEquals"]
    print(",".join(sorted(k.rsplit(":", 1)[1] + "=" + (v if isinstance(v, str) else v[0]) for k, v in cond.items())))
elif what == "oidc":
    issuer = eks.describe_cluster(name="nsm-test")["cluster"]["identity"]["oidc"]["issuer"]
    ps = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    p = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=ps[0]["Arn"])
    print(len(ps), p["Url"] == issuer.replace("https://", ""), ",".join(p["ClientIDList"]))
elif what == "left":
    n = len(eks.list_clusters()["clusters"])
    n += len([r for r in iam.list_roles()["Roles"] if r["RoleName"].startswith("EKS-")])
    n += len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
    print(n)
PY
}
extra="$(aws_check extra-subnet)"
want_subnets="$(aws_check default-for-az)"

"$MESHPLAN" init >/dev/null
timed plan "$MESHPLAN" plan
grep -E '^(Plan|Deferred):' plan.log
timed apply "$MESHPLAN" apply -auto-approve
grep -E '^Apply complete' apply.log
no_check_warnings apply.log
timed replan "$MESHPLAN" plan -detailed-exitcode
# The seed's verification (checks.mp.hcl), on what the kube test server simulates.
checks_pass nsm_admission_webhook_ready spire_server_ready test_pvc_bound
echo "graph: $("$MESHPLAN" graph | grep -cE '^  "[^"]+" \[') nodes, $("$MESHPLAN" graph | grep -c -- '->') edges"

k() { kubectl --kubeconfig "$emu/nsm-test.kubeconfig" "$@"; }

expect "cluster on the default-for-az subnets" "$(aws_check cluster-subnets)" "$want_subnets"
case ",$(aws_check cluster-subnets)," in *",$extra,"*) echo "FAIL non-default-for-az subnet $extra used" >&2; exit 1 ;; esac
expect "cluster role" "$(aws_check cluster-role)" "EKS-Cluster-Role"
expect "node group" "$(aws_check nodegroup)" "t3.medium 1 10 4 EKS-NodeGroup-Role $want_subnets"
expect "EKS-Cluster-Role" "$(aws_check role EKS-Cluster-Role)" 'sts:AssumeRole {"Service": "eks.amazonaws.com"} AmazonEKSClusterPolicy'
expect "EKS-NodeGroup-Role" "$(aws_check role EKS-NodeGroup-Role)" \
  'sts:AssumeRole {"Service": "ec2.amazonaws.com"} AmazonEC2ContainerRegistryReadOnly,AmazonEKSWorkerNodePolicy,AmazonEKS_CNI_Policy'
expect "EKS-EBS-CSI-Role policy" "$(aws_check role EKS-EBS-CSI-Role | awk '{print $1, $NF}')" "sts:AssumeRoleWithWebIdentity service-role/AmazonEBSCSIDriverPolicy"
expect "EKS-EBS-CSI-Role trust (:aud, :sub)" "$(aws_check ebs-trust)" \
  "aud=sts.amazonaws.com,sub=system:serviceaccount:kube-system:ebs-csi-controller-sa"
expect "OIDC provider for the issuer" "$(aws_check oidc)" "1 True sts.amazonaws.com"
expect "gp2 default class" "$(k get sc gp2 -o jsonpath='{.metadata.annotations.storageclass\.kubernetes\.io/is-default-class}')" "true"
# The seed's "Test PVC creation", with a pod that mounts the claim (gp2 binds on first use).
expect "test-pvc: 1Gi RWO, Bound" \
  "$(k get pvc -n default test-pvc -o jsonpath='{.spec.resources.requests.storage} {.spec.accessModes[0]} {.status.phase}')" \
  "1Gi ReadWriteOnce Bound"
# No class named: the default's (a real API server's admission writes gp2 in; ours leaves it empty).
pvc_class="$(k get pvc -n default test-pvc -o jsonpath='{.spec.storageClassName}')"
expect "test-pvc: the default class" "${pvc_class:-gp2}" gp2
expect "test-pvc consumer: Running, mounts test-pvc at /data" \
  "$(k get pod -n default test-pvc-consumer -o jsonpath='{.status.phase} {.spec.volumes[0].persistentVolumeClaim.claimName} {.spec.containers[0].volumeMounts[0].mountPath}')" \
  "Running test-pvc /data"
expect "ClusterSPIFFEID template" "$(k get clusterspiffeid nsm-workloads -o jsonpath='{.spec.spiffeIDTemplate}')" 'spiffe://k8s.nsm/ns/{{.PodMeta.Namespace}}/pod/{{.PodMeta.Name}}'
expect "ClusterSPIFFEID selector" "$(k get clusterspiffeid nsm-workloads -o jsonpath='{.spec.podSelector.matchLabels.spiffe\.io/spiffe-id}')" 'true'
expect "trust domain" "$(k get cm -n spire spire-server -o jsonpath='{.data.server\.conf}' | grep -o 'trust_domain *= "k8s.nsm"' | tr -s ' ')" 'trust_domain = "k8s.nsm"'
check_spire_wiring "$emu/nsm-test.kubeconfig"
expect "admission-webhook-k8s rolled out" "$(k get deploy -n nsm-system admission-webhook-k8s -o jsonpath='{.status.readyReplicas}')" 1

# The kubeconfig `aws eks update-kubeconfig` would leave: an exec user, no token in the file.
"$MESHPLAN" output -raw kubeconfig > user.kubeconfig
kv() { kubectl --kubeconfig user.kubeconfig config view -o jsonpath="$1"; }
expect "kubeconfig: cluster server" "$(kv '{.clusters[0].cluster.server}')" "$(kc_server "$emu/nsm-test.kubeconfig")"
expect "kubeconfig: exec aws eks get-token" "$(kv '{.users[0].user.exec.command} {.users[0].user.exec.args[*]}')" "aws --region us-east-1 eks get-token --cluster-name nsm-test --output json"
expect "kubeconfig: no stored token" "$(kv '{.users[0].user.token}')" ""
expect "kubeconfig_path: the same file, 0600" "$(cmp -s nsm-test.kubeconfig user.kubeconfig && stat -c %a nsm-test.kubeconfig)" 600
# It works: a second configuration reads it with config_path (the built-in aws eks get-token,
# tokens checked against moto's STS by the cluster) and reads the NSM namespace back.
mkdir -p kubeconfig-check
cat > kubeconfig-check/main.mp.hcl <<'HCL'
provider "kubernetes" {
  config_path = "../user.kubeconfig"
}
data "kubernetes_resource" "ns" {
  api_version = "v1"
  kind        = "Namespace"
  metadata {
    name = "nsm-system"
  }
}
output "uid" {
  value = data.kubernetes_resource.ns.object.metadata.uid
}
HCL
(cd kubeconfig-check && "$MESHPLAN" apply -auto-approve >/dev/null)
expect "kubeconfig reaches the cluster" "$(cd kubeconfig-check && "$MESHPLAN" output -raw uid)" "$(k get ns nsm-system -o jsonpath='{.metadata.uid}')"

timed destroy "$MESHPLAN" destroy -auto-approve
expect "moto: nothing left" "$(aws_check left)" 0
expect "no namespaces left" "$(k get ns -o name | grep -cvE 'namespace/(default|kube-system|kube-public|kube-node-lease)$' || true)" 0
expect "no CRDs left" "$(k get crd -o name | wc -l)" 0
expect "no test PVC or pod left" "$(k get pvc,pod -n default -o name | wc -l)" 0
expect "no StorageClasses left" "$(k get sc -o name | wc -l)" 0
expect "kubeconfig file removed" "$(ls nsm-test.kubeconfig 2>/dev/null | wc -l)" 0
echo "PASS nsm-on-eks-emulators"
