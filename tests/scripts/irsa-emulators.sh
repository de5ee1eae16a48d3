#!/usr/bin/env bash
# End to end: examples/irsa against the local emulators (moto + a kube test server for EKS
# cluster demo-eks-oidc-test). plan (kubernetes parts deferred) → ONE apply → plan
# -detailed-exitcode must exit 0 → boto3 / kubectl checks (aws-node IRSA role, its trust
# policy, no CNI policy on the node role, the OIDC provider, the aws-node ServiceAccount
# annotation, aws-node's restartedAt, aws-auth) → a renamed role re-annotates and restarts
# aws-node → destroy → nothing left (EKS's aws-node objects stay, without our keys).
#   MESHPLAN=/path/to/meshplan MESHPLAN_EMULATORS=/path/to/meshplan-emulators \
#     tests/scripts/irsa-emulators.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"
MESHPLAN_EMULATORS="${MESHPLAN_EMULATORS:-${CARGO_TARGET_DIR:-$repo/target}/debug/meshplan-emulators}"
export MESHPLAN_MOTO_LAUNCHER="${MESHPLAN_MOTO_LAUNCHER:-$repo/tests/emulators/moto_launcher.py}"
cluster=demo-eks-oidc-test

work="$(mktemp -d)"
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

emu="$work/emulators"
"$MESHPLAN_EMULATORS" --out "$emu" --cluster "$cluster" 2>"$work/emulators.log" &
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
cp -r "$repo/examples/irsa" "$work/repo/examples/"
cp -r "$repo/modules" "$work/repo/"
cp -r "$repo/tests/fixtures" "$work/repo/tests/"
cd "$work/repo/examples/irsa"
rm -f ./*.svg
cp "$emu/emulators.auto.mpvars" .

aws_check() {
  python3 - "$cluster" "$@" <<'PY'
import boto3, json, os, sys, urllib.parse
url = os.environ["MOTO_URL"]
ec2 = boto3.client("ec2", endpoint_url=url)
eks = boto3.client("eks", endpoint_url=url)
iam = boto3.client("iam", endpoint_url=url)
logs = boto3.client("logs", endpoint_url=url)
cluster, what = sys.argv[1], sys.argv[2]
role = cluster + "-aws-node"
def trust_of(role):
    doc = role["AssumeRolePolicyDocument"]
    return json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc
def trust(r):
    return trust_of(iam.get_role(RoleName=r)["Role"])
if what == "role-arn":
    print(iam.get_role(RoleName=role)["Role"]["Arn"])
elif what == "node-role-arn":
    ng = eks.list_nodegroups(clusterName=cluster)["nodegroups"]
    print(eks.describe_nodegroup(clusterName=cluster, nodegroupName=ng[0])["nodegroup"]["nodeRole"])
elif what == "node-role-policies":
    ng = eks.list_nodegroups(clusterName=cluster)["nodegroups"]
    node_role = eks.describe_nodegroup(clusterName=cluster, nodegroupName=ng[0])["nodegroup"]["nodeRole"].rsplit("/", 1)[1]
    print(",".join(sorted(p["PolicyArn"].split(":policy/")[1] for p in iam.list_attached_role_policies(RoleName=node_role)["AttachedPolicies"])))
elif what == "role":
    st = trust(role)["Statement"][0]
    pols = sorted(p["PolicyArn"].split(":policy/")[1] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])
    print(st["Action"], st["Principal"]["Federated"] == iam.list_open_id_connect_providers()["OpenIDConnectProviderList"][0]["Arn"], ",".join(pols))
elif what == "trust":
    issuer = eks.describe_cluster(name=cluster)["cluster"]["identity"]["oidc"]["issuer"].replace("https://", "")
    cond = trust(role)["Statement"][0]["Condition"]["StringEquals"]
    print(",".join(sorted((k.rsplit(":", 1)[0] == issuer and "issuer" or k.rsplit(":", 1)[0]) + ":" + k.rsplit(":", 1)[1] + "=" + (v if isinstance(v, str) else v[0]) for k, v in cond.items())))
elif what == "oidc":
    issuer = eks.describe_cluster(name=cluster)["cluster"]["identity"]["oidc"]["issuer"]
    ps = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    p = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=ps[0]["Arn"])
    print(len(ps), p["Url"] == issuer.replace("https://", ""), ",".join(p["ClientIDList"]))
elif what == "flow-logs":
    vpc = [v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")][0]["VpcId"]
    fl = ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [vpc]}])["FlowLogs"]
    group = cluster + "-vpc-flow-logs-cw-group"
    groups = logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    role = iam.get_role(RoleName=cluster + "-vpc-flow-logs")["Role"]
    print(len(fl), fl[0]["TrafficType"], group in (fl[0].get("LogGroupName"), fl[0].get("LogDestination", "").split("log-group:")[-1].removesuffix(":*")), fl[0]["DeliverLogsPermissionArn"] == role["Arn"],
          [g["retentionInDays"] for g in groups], trust_of(role)["Statement"][0]["Principal"]["Service"])
elif what == "left":
    n = len(eks.list_clusters()["clusters"])
    n += len([r for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")])
    n += len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
    n += len([v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")])
    n += len(ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["pending", "available"]}])["NatGateways"])
    n += len(ec2.describe_addresses()["Addresses"])
    n += len(ec2.describe_flow_logs()["FlowLogs"])
    n += len(logs.describe_log_groups()["logGroups"])
    print(n)
PY
}

"$MESHPLAN" init >/dev/null
timed plan "$MESHPLAN" plan
grep -E '^(Plan|Deferred):' plan.log
timed apply "$MESHPLAN" apply -auto-approve
grep -E '^Apply complete' apply.log
no_check_warnings apply.log
timed replan "$MESHPLAN" plan -detailed-exitcode
# The seed's verification (checks.mp.hcl); a kube test server runs no pods, so the pods' env
# check holds for none (README.md "Verification").
checks_pass aws_node_service_account_role aws_node_restarted_for_the_role aws_node_pods_carry_aws_role_arn
echo "graph: $("$MESHPLAN" graph | grep -cE '^  "[^"]+" \[') nodes, $("$MESHPLAN" graph | grep -c -- '->') edges"

k() { kubectl --kubeconfig "$emu/$cluster.kubeconfig" "$@"; }

role_arn="$(aws_check role-arn)"
expect "VPC flow logs to the seed's log group, written by their own role" "$(aws_check flow-logs)" \
  "1 ALL True True [30] vpc-flow-logs.amazonaws.com"
expect "aws_node_role_arn output = the role" "$("$MESHPLAN" output -raw aws_node_role_arn)" "$role_arn"
expect "IRSA role" "$(aws_check role)" "sts:AssumeRoleWithWebIdentity True AmazonEKS_CNI_Policy"
expect "IRSA trust (:aud, :sub)" "$(aws_check trust)" \
  "issuer:aud=sts.amazonaws.com,issuer:sub=system:serviceaccount:kube-system:aws-node"
expect "OIDC provider for the issuer" "$(aws_check oidc)" "1 True sts.amazonaws.com"
# The seed's coredns-ContainerCreating symptom is aws-node without CNI rights: they must come
# from its IRSA role (above), and the node role must not lend them to every pod.
expect "node role: no AmazonEKS_CNI_Policy" "$(aws_check node-role-policies)" \
  "AmazonEC2ContainerRegistryReadOnly,AmazonEKSWorkerNodePolicy"
sa_role() { k get sa -n kube-system aws-node -o jsonpath='{.metadata.annotations.eks\.amazonaws\.com/role-arn}'; }
restarted_at() { k get ds -n kube-system aws-node -o jsonpath='{.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}'; }
expect "aws-node annotation = role ARN" "$(sa_role)" "$role_arn"
# The seed's `kubectl rollout restart daemonset/aws-node`: a restartedAt on the pod template.
first_restart="$(restarted_at)"
expect "aws-node restarted (restartedAt is an RFC 3339 time)" \
  "$(echo "$first_restart" | grep -cE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$')" 1
map_roles() {
  k get cm -n kube-system aws-auth -o jsonpath='{.data.mapRoles}' | python3 -c '
import sys, yaml
for r in yaml.safe_load(sys.stdin):
    print(r["rolearn"], r["username"], ",".join(r["groups"]))'
}
expect "aws-auth maps the node role" "$(map_roles)" \
  "$(aws_check node-role-arn) system:node:{{EC2PrivateDNSName}} system:bootstrappers,system:nodes"

# What EKS shows when the webhook did not inject the role: an aws-node pod without
# AWS_ROLE_ARN (made by hand: the test server runs none). The pods' check warns.
k apply -f - >/dev/null <<'POD'
apiVersion: v1
kind: Pod
metadata: {name: aws-node-uninjected, namespace: kube-system, labels: {k8s-app: aws-node}}
spec: {containers: [{name: aws-node, image: example.invalid/aws-node:fixture, env: [{name: AWS_REGION, value: us-east-1}]}]}
POD
"$MESHPLAN" plan -no-color -detailed-exitcode >broken-plan.log 2>&1 || { cat broken-plan.log >&2; exit 1; }
check_warns aws_node_pods_carry_aws_role_arn broken-plan.log
k delete pod -n kube-system aws-node-uninjected >/dev/null

# A new role ARN (renamed role) re-annotates aws-node and restarts it again.
sleep 1 # restartedAt has whole seconds
timed rename "$MESHPLAN" apply -auto-approve -var aws_node_role_name=$cluster-aws-node-2
new_arn="$("$MESHPLAN" output -raw aws_node_role_arn)"
expect "new role ARN" "${new_arn##*/}" "$cluster-aws-node-2"
expect "aws-node annotation = the new role ARN" "$(sa_role)" "$new_arn"
[ "$(restarted_at)" != "$first_restart" ] && [ -n "$(restarted_at)" ] || { echo "FAIL aws-node not restarted after the role changed: '$(restarted_at)'" >&2; exit 1; }
echo "ok   aws-node restarted after the role changed ($first_restart -> $(restarted_at))"
no_check_warnings rename.log
timed replan2 "$MESHPLAN" plan -detailed-exitcode -var aws_node_role_name=$cluster-aws-node-2

timed destroy "$MESHPLAN" destroy -auto-approve -var aws_node_role_name=$cluster-aws-node-2
expect "moto: nothing left" "$(aws_check left)" 0
# aws-node is EKS's: destroy gives our keys back and leaves the objects.
expect "aws-node ServiceAccount kept, without the role annotation" \
  "$(k get sa -n kube-system aws-node -o name)|$(sa_role)" "serviceaccount/aws-node|"
expect "aws-node DaemonSet kept, without restartedAt" "$(k get ds -n kube-system aws-node -o name)|$(restarted_at)" \
  "daemonset.apps/aws-node|"
expect "no aws-auth ConfigMap left" "$(k get cm -n kube-system -o name | grep -c '^configmap/aws-auth$' || true)" 0
echo "PASS irsa-emulators"
