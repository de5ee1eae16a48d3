#!/usr/bin/env bash
# End to end: examples/eks-anywhere-irsa against the local emulators (moto, and a kube test
# server standing in for the EKS Anywhere cluster, reached with its admin kubeconfig). plan → ONE apply → plan -detailed-exitcode must exit 0 →
# boto3 checks (the issuer's discovery document and JWKS in S3, the public-read bucket
# policy, the IAM OIDC provider, the s3-echoer role's trust), the key files and kubectl checks
# (pod-identity-webhook wiring, s3-echoer ServiceAccount and Job) → destroy →
# nothing left.
#   MESHPLAN=/path/to/meshplan MESHPLAN_EMULATORS=/path/to/meshplan-emulators \
#     tests/scripts/eks-anywhere-irsa-emulators.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/scripts/lib.sh"
MESHPLAN_EMULATORS="${MESHPLAN_EMULATORS:-${CARGO_TARGET_DIR:-$repo/target}/debug/meshplan-emulators}"
export MESHPLAN_MOTO_LAUNCHER="${MESHPLAN_MOTO_LAUNCHER:-$repo/tests/emulators/moto_launcher.py}"
region=us-west-2
bucket=aws-irsa-oidc-meshplan-example

work="$(mktemp -d)"
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; wait "$emu_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

emu="$work/emulators"
"$MESHPLAN_EMULATORS" --out "$emu" --region "$region" --cluster eksa 2>"$work/emulators.log" &
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
cp -r "$repo/examples/eks-anywhere-irsa" "$work/repo/examples/"
cp -r "$repo/modules" "$work/repo/"
cp -r "$repo/tests/fixtures" "$work/repo/tests/"
cd "$work/repo/examples/eks-anywhere-irsa"
rm -f ./*.svg
cp "$emu/emulators.auto.mpvars" .
# The seed takes it from `openssl s_client` against S3; offline any 40 hex digits do.
echo 'oidc_thumbprint = "0123456789abcdef0123456789abcdef01234567"' >test.auto.mpvars
echo "kubeconfig_path = \"$emu/eksa.kubeconfig\"" >>test.auto.mpvars

aws_check() {
  python3 - "$bucket" "$@" <<'PY'
import base64, boto3, json, os, sys, urllib.parse
url = os.environ["MOTO_URL"]
s3 = boto3.client("s3", endpoint_url=url)
iam = boto3.client("iam", endpoint_url=url)
bucket, what = sys.argv[1], sys.argv[2]
def obj(key):
    return json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
def trust(r):
    doc = iam.get_role(RoleName=r)["Role"]["AssumeRolePolicyDocument"]
    return json.loads(urllib.parse.unquote(doc)) if isinstance(doc, str) else doc
if what == "discovery":
    d = obj(".well-known/openid-configuration")
    print(d["issuer"], d["jwks_uri"], ",".join(d.get("id_token_signing_alg_values_supported", [])))
elif what == "jwks":
    ks = obj("keys.json")["keys"]
    print(len(ks), ",".join(sorted(k["alg"] + "/" + k["kty"] + "/" + k.get("use", "") for k in ks)),
          sorted(k["kid"] for k in ks)[0] == "", len({k["n"] for k in ks}))
elif what == "jwks-matches-pub":
    from cryptography.hazmat.primitives.serialization import load_pem_public_key
    pub = load_pem_public_key(open(sys.argv[3], "rb").read()).public_numbers()
    b64 = lambda i: base64.urlsafe_b64encode(i.to_bytes((i.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()
    print(all(k["n"] == b64(pub.n) and k["e"] == b64(pub.e) for k in obj("keys.json")["keys"]))
elif what == "policy":
    st = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    for s in st:
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        res = s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]]
        print(s["Effect"], json.dumps(s["Principal"]), ",".join(acts), ",".join(sorted(r.split(":::", 1)[1] for r in res)))
elif what == "public-access-block":
    c = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    print(c["BlockPublicAcls"], c["IgnorePublicAcls"], c["BlockPublicPolicy"], c["RestrictPublicBuckets"])
elif what == "oidc":
    ps = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    p = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=ps[0]["Arn"])
    print(len(ps), p["Url"], ",".join(p["ClientIDList"]), ps[0]["Arn"])
elif what == "role":
    st = trust("s3-echoer")["Statement"][0]
    cond = st["Condition"]["StringEquals"]
    pols = sorted(p["PolicyArn"].split(":policy/")[1] for p in iam.list_attached_role_policies(RoleName="s3-echoer")["AttachedPolicies"])
    print(st["Action"], st["Principal"]["Federated"], ",".join(pols))
    print(",".join(sorted(k + "=" + (v if isinstance(v, str) else v[0]) for k, v in cond.items())))
elif what == "left":
    n = len([b for b in s3.list_buckets()["Buckets"]])
    n += len([r for r in iam.list_roles()["Roles"] if not r["Path"].startswith("/aws-service-role/")])
    n += len(iam.list_open_id_connect_providers()["OpenIDConnectProviderList"])
    print(n)
PY
}

"$MESHPLAN" init >/dev/null
timed plan "$MESHPLAN" plan
grep -E '^Plan:' plan.log
timed apply "$MESHPLAN" apply -auto-approve
grep -E '^Apply complete' apply.log
no_check_warnings apply.log
timed replan "$MESHPLAN" plan -detailed-exitcode
# The seed's verification (checks.mp.hcl): the documents served where STS reads them.
checks_pass oidc_discovery_document oidc_jwks s3_tester_job
echo "graph: $("$MESHPLAN" graph | grep -cE '^  "[^"]+" \[') nodes, $("$MESHPLAN" graph | grep -c -- '->') edges"

issuer="https://s3-$region.amazonaws.com/$bucket"
expect "issuer output" "$("$MESHPLAN" output -raw issuer)" "$issuer"
expect "discovery: issuer (no trailing /), jwks_uri, RS256" "$(aws_check discovery)" "$issuer $issuer/keys.json RS256"
expect "JWKS: two RS256 keys, one with the empty kid, same key" "$(aws_check jwks)" "2 RS256/RSA/sig,RS256/RSA/sig True 1"
expect "JWKS = keys/oidc-issuer.pub" "$(aws_check jwks-matches-pub keys/oidc-issuer.pub)" "True"
expect "keys/oidc-issuer.key mode 0600, RSA 2048" \
  "$(stat -c %a keys/oidc-issuer.key) $(openssl pkey -in keys/oidc-issuer.key -noout -text | head -1 | tr -d '()')" "600 Private-Key: 2048 bit, 2 primes"
expect "bucket policy: public GetObject on the two documents" "$(aws_check policy)" \
  "Allow \"*\" s3:GetObject $bucket/.well-known/openid-configuration,$bucket/keys.json"
expect "public access block (ACLs blocked, policy allowed)" "$(aws_check public-access-block)" "True True False False"
oidc="$(aws_check oidc)"
provider_arn="$(echo "$oidc" | awk '{print $4}')"
expect "OIDC provider: URL, client" "$(echo "$oidc" | awk '{print $1, $2, $3}')" "1 s3-$region.amazonaws.com/$bucket sts.amazonaws.com"
expect "oidc_provider_arn output" "$("$MESHPLAN" output -raw oidc_provider_arn)" "$provider_arn"
expect "s3-echoer role" "$(aws_check role)" \
  "sts:AssumeRoleWithWebIdentity $provider_arn AmazonS3FullAccess
s3-$region.amazonaws.com/$bucket:aud=sts.amazonaws.com,s3-$region.amazonaws.com/$bucket:sub=system:serviceaccount:default:s3-echoer"

# pod-identity-webhook: the objects point at each other, and the API server would trust the
# certificate the webhook serves.
k() { kubectl --kubeconfig "$emu/eksa.kubeconfig" "$@"; }
k get mutatingwebhookconfiguration pod-identity-webhook -o json >mwc.json
k get -n kube-system service pod-identity-webhook -o json >svc.json
k get -n kube-system deployment pod-identity-webhook -o json >deploy.json
k get -n kube-system secret pod-identity-webhook -o json >secret.json
k get clusterrolebinding pod-identity-webhook -o json >crb.json
k get -n kube-system rolebinding pod-identity-webhook -o json >rb.json
python3 - <<'PY' >webhook-wiring.txt
import base64, json, posixpath
mwc, svc, dep, sec, crb, rb = (json.load(open(f + ".json")) for f in ["mwc", "svc", "deploy", "secret", "crb", "rb"])
wh = mwc["webhooks"][0]
ref = wh["clientConfig"]["service"]
pod = dep["spec"]["template"]
c = pod["spec"]["containers"][0]
checks = {
    "webhook → Service": (ref["name"], ref["namespace"]) == (svc["metadata"]["name"], svc["metadata"]["namespace"]),
    "webhook: pods on CREATE": wh["rules"][0]["resources"] == ["pods"] and wh["rules"][0]["operations"] == ["CREATE"],
    "Service selects the webhook pods": all(pod["metadata"]["labels"].get(k) == v for k, v in svc["spec"]["selector"].items()),
    "Service targets the container port": svc["spec"]["ports"][0]["targetPort"] in [p.get("name") for p in c["ports"]] + [p["containerPort"] for p in c["ports"]],
    "caBundle = the served certificate": base64.b64decode(wh["clientConfig"]["caBundle"]) == base64.b64decode(sec["data"]["tls.crt"]),
    "RBAC binds the pods' ServiceAccount": all(s["name"] == pod["spec"]["serviceAccountName"] for s in crb["subjects"] + rb["subjects"]),
}
mounts = {v["name"]: v["secret"]["secretName"] for v in pod["spec"]["volumes"] if "secret" in v}
for flag in ("--tls-cert=", "--tls-key="):
    path = next(a[len(flag):] for a in c["command"] if a.startswith(flag))
    m = next(m for m in c["volumeMounts"] if path.startswith(m["mountPath"].rstrip("/") + "/"))
    key = posixpath.relpath(path, m["mountPath"])
    checks[f"{flag} is in the Secret"] = mounts.get(m["name"]) == sec["metadata"]["name"] and key in sec["data"]
for name, ok in checks.items():
    print(("ok " if ok else "FAIL ") + name)
PY
cat webhook-wiring.txt
expect "webhook wiring" "$(grep -c '^ok ' webhook-wiring.txt) $(grep -c '^FAIL ' webhook-wiring.txt || true)" "8 0"
k get -n kube-system secret pod-identity-webhook -o jsonpath='{.data.tls\.crt}' | base64 -d >webhook.crt
expect "serving certificate names the Service" "$(openssl x509 -in webhook.crt -noout -ext subjectAltName | grep -o 'DNS:pod-identity-webhook.kube-system.svc,')" "DNS:pod-identity-webhook.kube-system.svc,"
expect "s3-echoer ServiceAccount → role" "$(k get sa -n default s3-echoer -o jsonpath='{.metadata.annotations.eks\.amazonaws\.com/role-arn}')" "$("$MESHPLAN" output -raw s3_echoer_role_arn)"
expect "s3-tester-job runs as s3-echoer" "$(k get job -n default s3-tester-job -o jsonpath='{.spec.template.spec.serviceAccountName} {.spec.template.spec.containers[0].env[?(@.name=="AWS_DEFAULT_REGION")].value}')" "s3-echoer $region"

# The check catches a JWKS that is not where it is looked for: read from a wrong path, it
# warns (the plan still succeeds). (Deleting keys.json instead would not do: the plan then
# makes it again, and Terraform defers a check's read until after pending changes.)
cp checks.mp.hcl checks.mp.hcl.good
sed -i 's#oidc_documents_url}/keys.json"#oidc_documents_url}/wrong/keys.json"#' checks.mp.hcl
expect "the JWKS check now reads a wrong path" "$(grep -c 'wrong/keys.json' checks.mp.hcl)" 1
"$MESHPLAN" plan -no-color -detailed-exitcode >broken-plan.log 2>&1 || { cat broken-plan.log >&2; exit 1; }
check_warns oidc_jwks broken-plan.log
expect "the broken JWKS check says what is wrong" "$(tr -d ' \n' <broken-plan.log | grep -c 'help:theJWKSisnotservedathttp://[^(]*/wrong/keys.json[^(]*(HTTP404)')" 1
mv checks.mp.hcl.good checks.mp.hcl

timed destroy "$MESHPLAN" destroy -auto-approve
expect "moto: nothing left" "$(aws_check left)" 0
expect "no key files left" "$(find keys -type f 2>/dev/null | wc -l)" 0
expect "no webhook left" "$(k get mutatingwebhookconfiguration -o name | wc -l) $(k get sa -n default s3-echoer -o name 2>/dev/null | wc -l)" "0 0"
echo "PASS eks-anywhere-irsa-emulators"
