#!/usr/bin/env bash
# End to end: examples/eks-network-security against the local emulators (moto + a kube test
# server for EKS cluster netsec). plan (kubernetes parts deferred) → ONE apply → plan
# -detailed-exitcode must exit 0 → boto3 / kubectl checks (the pod security group's DNS and
# probe rules on both groups, the cluster role's VPC resource controller policy, the
# SecurityGroupPolicy naming that group, default deny + DNS + allow rules, the ACM Private CA
# ACTIVE with its root installed, the issuer plugin's IRSA role allowed the seed's actions on
# it, istio-csr wired to the AWSPCAClusterIssuer and the CA's root in its Secret, istiod's
# Certificate from that issuer) → the vpc-cni addon's planned
# configuration_values (network policy, pod ENI) → destroy → nothing left.
#   MESHPLAN=/path/to/meshplan MESHPLAN_EMULATORS=/path/to/meshplan-emulators \
#     tests/scripts/eks-network-security-emulators.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"
MESHPLAN_EMULATORS="${MESHPLAN_EMULATORS:-${CARGO_TARGET_DIR:-$repo/target}/debug/meshplan-emulators}"
export MESHPLAN_MOTO_LAUNCHER="${MESHPLAN_MOTO_LAUNCHER:-$repo/tests/emulators/moto_launcher.py}"
cluster=netsec

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

mkdir -p "$work/repo/examples" "$work/repo/tests"
cp -r "$repo/examples/eks-network-security" "$work/repo/examples/"
cp -r "$repo/modules" "$work/repo/"
cp -r "$repo/tests/fixtures" "$work/repo/tests/"
cd "$work/repo/examples/eks-network-security"
rm -f ./*.svg
cp "$emu/emulators.auto.mpvars" .
k() { kubectl --kubeconfig "$emu/$cluster.kubeconfig" "$@"; }

aws_check() {
  python3 - "$cluster" "$@" <<'PY'
import boto3, os, sys
url = os.environ["MOTO_URL"]
ec2 = boto3.client("ec2", endpoint_url=url)
eks = boto3.client("eks", endpoint_url=url)
iam = boto3.client("iam", endpoint_url=url)
pca = boto3.client("acm-pca", endpoint_url=url)
cluster, what = sys.argv[1], sys.argv[2]
def rules(sg):
    out = []
    for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]:
        ref = r.get("ReferencedGroupInfo", {}).get("GroupId") or r.get("CidrIpv4") or "?"
        out.append(("out" if r["IsEgress"] else "in", r["IpProtocol"], r.get("FromPort"), r.get("ToPort"), ref))
    return out
if what == "pod-sg":
    pod_sg, cluster_sg = sys.argv[3], sys.argv[4]
    name = lambda g: "cluster" if g == cluster_sg else ("pods" if g == pod_sg else g)
    pod = sorted(f"{d} {p} {f}-{t} {name(ref)}" for d, p, f, t, ref in rules(pod_sg))
    dns_in = sorted(f"{d} {p} {f}-{t} {name(ref)}" for d, p, f, t, ref in rules(cluster_sg) if ref == pod_sg)
    print(";".join(pod) + " | " + ";".join(dns_in))
elif what == "cluster-role-policies":
    role = eks.describe_cluster(name=cluster)["cluster"]["roleArn"].rsplit("/", 1)[1]
    print(",".join(sorted(p["PolicyArn"].split(":policy/")[1] for p in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])))
elif what == "pca":
    ca = pca.describe_certificate_authority(CertificateAuthorityArn=sys.argv[3])["CertificateAuthority"]
    print(ca["Status"], ca["Type"])
elif what == "pca-root":
    print(pca.get_certificate_authority_certificate(CertificateAuthorityArn=sys.argv[3])["Certificate"].strip())
elif what == "issuer-policy":
    doc = iam.get_role_policy(RoleName=f"{cluster}-aws-privateca-issuer", PolicyName="awspcaissuer")["PolicyDocument"]
    [st] = doc["Statement"]
    print(st["Sid"], ",".join(sorted(st["Action"])), st["Resource"] == sys.argv[3])
elif what == "left":
    n = len(eks.list_clusters()["clusters"])
    n += len([r for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")])
    n += len([v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")])
    n += len([g for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"] != "default"])
    n += len([c for c in pca.list_certificate_authorities()["CertificateAuthorities"] if c["Status"] != "DELETED"])
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
# The seed's verification (checks.mp.hcl), on what the kube test server simulates.
checks_pass istio_csr_available istio_uses_istio_csr

pod_sg="$("$MESHPLAN" output -raw pod_security_group_id)"
cluster_sg="$("$MESHPLAN" output -raw cluster_security_group_id)"
# The seed's MUSTs: 53 out to the cluster SG and 53 into it from the pods; probes from kubelet.
expect "pod SG rules | cluster SG's DNS rules from the pods" "$(aws_check pod-sg "$pod_sg" "$cluster_sg")" \
  "in tcp 5000-5000 cluster;out -1 -1--1 10.20.0.0/16;out tcp 53-53 cluster;out udp 53-53 cluster | in tcp 53-53 pods;in udp 53-53 pods"
expect "cluster role: VPC resource controller (branch ENIs)" "$(aws_check cluster-role-policies)" \
  "AmazonEKSClusterPolicy,AmazonEKSVPCResourceController"
expect "SecurityGroupPolicy: helloworld pods → the pod SG" \
  "$(k get securitygrouppolicy -n helloworld helloworld-sgp -o jsonpath='{.spec.podSelector.matchLabels.app} {.spec.securityGroups.groupIds[*]}')" \
  "helloworld $pod_sg"
for ns in sleep helloworld; do
  expect "$ns: default deny + DNS egress" "$(k get networkpolicy -n "$ns" -o jsonpath='{.items[*].metadata.name}' | tr ' ' '\n' | grep -E '^(default-deny|allow-dns-access)$' | sort | tr '\n' ' ')" \
    "allow-dns-access default-deny "
done
expect "helloworld admits sleep on 5000" \
  "$(k get networkpolicy -n helloworld allow-helloworld-from-sleep -o jsonpath='{.spec.ingress[0].from[0].podSelector.matchLabels.app} {.spec.ingress[0].ports[0].port}')" \
  "sleep 5000"

# The Private CA: ACTIVE with its root installed; the plugin's role may use exactly it.
pca_arn="$("$MESHPLAN" output -raw private_ca_arn)"
expect "private CA: active root" "$(aws_check pca "$pca_arn")" "ACTIVE ROOT"
expect "issuer plugin's IRSA policy: the seed's actions on the CA" "$(aws_check issuer-policy "$pca_arn")" \
  "awspcaissuer acm-pca:DescribeCertificateAuthority,acm-pca:GetCertificate,acm-pca:IssueCertificate True"
expect "issuer plugin's ServiceAccount → its role" \
  "$(k get sa -n cert-manager aws-privateca-issuer -o jsonpath='{.metadata.annotations.eks\.amazonaws\.com/role-arn}')" \
  "arn:aws:iam::123456789012:role/$cluster-aws-privateca-issuer"
expect "issuer plugin runs as that ServiceAccount" \
  "$(k get deploy -n cert-manager aws-privateca-issuer -o jsonpath='{.spec.template.spec.serviceAccountName}')" "aws-privateca-issuer"
expect "istiod's Certificate: from the AWSPCAClusterIssuer" \
  "$(k get certificate -n istio-system istiod -o jsonpath='{.spec.issuerRef.kind}/{.spec.issuerRef.name} {.spec.secretName}')" \
  "AWSPCAClusterIssuer/aws-pca-issuer istiod-tls"

# istio-csr: the issuer it names exists, and so does the root CA it mounts.
args="$(k get deploy -n cert-manager cert-manager-istio-csr -o jsonpath='{.spec.template.spec.containers[0].args[*]}')"
arg() { echo "$args" | tr ' ' '\n' | sed -n "s/^--$1=//p"; }
expect "istio-csr issuer = the AWSPCAClusterIssuer" \
  "$(k get "awspcaclusterissuers.$(arg issuer-group)" "$(arg issuer-name)" -o jsonpath='{.kind} {.spec.arn}')" \
  "$(arg issuer-kind) $pca_arn"
expect "istio-csr: preserved requests, 48h max" "$(arg preserve-certificate-requests) $(arg max-client-certificate-duration)" "true 48h"
secret="$(k get deploy -n cert-manager cert-manager-istio-csr -o jsonpath='{.spec.template.spec.volumes[0].secret.secretName}')"
expect "istio-csr root CA = Secret $secret's ca.pem = the Private CA's root" \
  "$(k get secret -n cert-manager "$secret" -o jsonpath='{.data.ca\.pem}' | base64 -d | sed '/^$/d')" "$(aws_check pca-root "$pca_arn")"
expect "istio-csr Service 443 → 6443" \
  "$(k get svc -n cert-manager cert-manager-istio-csr -o jsonpath='{.spec.ports[0].port}-{.spec.ports[0].targetPort}')" "443-6443"

# Step 4: Istio with istio-csr as its CA (the seed's IstioOperator and istiod overlays).
io() { k get istiooperator -n istio-system istio -o jsonpath="$1"; }
expect "Istio: caAddress = istio-csr's Service" "$(io '{.spec.values.global.caAddress}')" \
  "$(k get svc -n cert-manager cert-manager-istio-csr -o jsonpath='{.metadata.name}.{.metadata.namespace}.svc:{.spec.ports[0].port}')"
expect "Istio: istiod's CA server off" "$(io '{.spec.components.pilot.k8s.env[?(@.name=="ENABLE_CA_SERVER")].value}')" "false"
expect "Istio: istiod serves istio-csr's certificate, trusts the CA root" \
  "$(io '{.spec.components.pilot.k8s.overlays[0].name} {.spec.components.pilot.k8s.overlays[0].patches[*].value}' | grep -o -e 'istiod --tlsCertFile=/etc/cert-manager/tls/tls.crt --tlsKeyFile=/etc/cert-manager/tls/tls.key --caCertFile=/etc/cert-manager/ca/root-cert.pem' -e '"secretName":"istiod-tls"' -e '"name":"istio-ca-root-cert"' | wc -l)" 3
expect "Istio: HEALTHY" "$(io '{.status.status}')" HEALTHY

# Network policy enforcement and pod ENI are turned on by the vpc-cni addon in the same apply:
# moto has no addon API, so the planned addon (enable_addons) is checked.
"$MESHPLAN" plan -var enable_addons=true -out addons.tfplan >/dev/null
"$MESHPLAN" show -json addons.tfplan > addons.json
expect "vpc-cni configuration_values" "$(python3 -c '
import json
p = json.load(open("addons.json"))
[c] = [r for r in p["resource_changes"] if r["address"] == "module.eks.aws_eks_addon.vpc_cni[0]"]
v = json.loads(c["change"]["after"]["configuration_values"])
print(c["change"]["actions"], v["enableNetworkPolicy"], v["env"]["ENABLE_POD_ENI"], v["env"]["POD_SECURITY_GROUP_ENFORCING_MODE"])')" \
  "['create'] true true standard"

timed destroy "$MESHPLAN" destroy -auto-approve
expect "moto: nothing left" "$(aws_check left)" 0
expect "no app namespaces left" "$(k get ns -o name | grep -cE 'namespace/(sleep|helloworld|istio-system|cert-manager)$' || true)" 0
expect "no CRDs left" "$(k get crd -o name | wc -l)" 0
echo "PASS eks-network-security-emulators"
