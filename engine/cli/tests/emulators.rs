//! The examples that need AWS and Kubernetes, end to end through the real binary against
//! local emulators (tests/emulators: moto + kube test servers that moto's EKS clusters point
//! at): plan → ONE apply → a plan with no changes → checks with independent clients (boto3,
//! kubectl) → destroy → the emulators hold none of the example's objects. Nothing leaves
//! 127.0.0.1. `-- --nocapture` prints the apply wall times.

use meshplan_emulators::{Emulators, Options};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Run {
    emu: Emulators,
    dir: PathBuf,
    _tmp: tempfile::TempDir,
}

impl Run {
    /// A copy of `examples/<example>` with the emulators' variables file in it.
    fn new(example: &str, clusters: &[&str]) -> Run {
        Run::with_options(example, &Options::clusters(clusters))
    }

    fn with_options(example: &str, options: &Options) -> Run {
        let emu = Emulators::start(options).unwrap_or_else(|e| panic!("starting the emulators: {e}"));
        let src: PathBuf = [env!("CARGO_MANIFEST_DIR"), "..", "..", "examples", example].iter().collect();
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join(example);
        copy_dir(&src, &dir);
        emu.write_mpvars(&dir).unwrap();
        Run { emu, dir, _tmp: tmp }
    }

    fn meshplan(&self, args: &[&str]) -> (i32, String) {
        let out = Command::new(env!("CARGO_BIN_EXE_meshplan"))
            .current_dir(&self.dir)
            .args(args)
            .arg("-no-color")
            .envs(self.emu.env())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains("panicked"), "{text}");
        (out.status.code().unwrap_or(-1), text)
    }

    fn ok(&self, args: &[&str]) -> String {
        let (code, text) = self.meshplan(args);
        assert_eq!(code, 0, "meshplan {args:?} failed:\n{text}");
        text
    }

    fn boto3_json(&self, script: &str) -> Value {
        let out = self.emu.boto3(script).unwrap_or_else(|e| panic!("{e}"));
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("boto3 output is not JSON ({e}): {out}"))
    }

    fn kubectl_json(&self, cluster: &str, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.extend(["-o", "json"]);
        let (ok, out) = self.emu.kubectl(cluster, &all);
        assert!(ok, "kubectl {args:?}: {out}");
        serde_json::from_str(&out).unwrap()
    }

    /// Apply, then a plan that must find nothing to do; returns the apply's wall time.
    fn apply_and_replan(&self) -> std::time::Duration {
        let started = Instant::now();
        let text = self.ok(&["apply", "-auto-approve"]);
        let took = started.elapsed();
        assert!(text.contains("Apply complete!"), "{text}");
        assert_no_check_warnings(&text);
        let (code, text) = self.meshplan(&["plan", "-detailed-exitcode"]);
        assert_eq!(code, 0, "a plan right after apply must find nothing to do:\n{text}");
        // `check` blocks' data sources are read again during apply: no change.
        assert!(text.contains("No changes."), "{text}");
        assert_no_check_warnings(&text);
        took
    }

    fn destroy(&self) {
        let text = self.ok(&["destroy", "-auto-approve"]);
        assert!(text.contains("Destroy complete!") || text.contains("destroyed"), "{text}");
        let list = self.ok(&["state", "list"]);
        assert!(list.trim().is_empty(), "state not empty after destroy: {list}");
    }
}

/// The example's `check` blocks passed: no failed assertion, no failed scoped read.
fn assert_no_check_warnings(text: &str) {
    assert!(!text.contains("Check block assertion failed"), "a check failed:\n{text}");
    let failed_read = text.match_indices("check \"").any(|(i, m)| {
        text[i + m.len()..].split_once('"').is_some_and(|(name, rest)| !name.contains(' ') && rest.starts_with(':'))
    });
    assert!(!failed_read, "a check's data source failed:\n{text}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if e.file_name() == ".meshplan" || p.extension().is_some_and(|x| x == "svg") {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// What of an example is left in moto: non-default VPCs, subnets, live NAT gateways, EIPs,
/// live peering connections, non-default security groups, EKS clusters, OIDC providers,
/// customer roles, buckets.
const AWS_LEFTOVERS: &str = r#"
ec2, iam = client('ec2'), client('iam')
left = {
  'vpcs': [v['VpcId'] for v in ec2.describe_vpcs()['Vpcs'] if not v.get('IsDefault')],
  'subnets': [s['SubnetId'] for s in ec2.describe_subnets()['Subnets'] if not s.get('DefaultForAz')],
  'nat_gateways': [n['NatGatewayId'] for n in ec2.describe_nat_gateways()['NatGateways'] if n['State'] != 'deleted'],
  'eips': [a['AllocationId'] for a in ec2.describe_addresses()['Addresses']],
  'peerings': [p['VpcPeeringConnectionId'] for p in ec2.describe_vpc_peering_connections()['VpcPeeringConnections'] if p['Status']['Code'] not in ('deleted', 'rejected')],
  'security_groups': [g['GroupId'] for g in ec2.describe_security_groups()['SecurityGroups'] if g['GroupName'] != 'default'],
  'eks_clusters': client('eks').list_clusters()['clusters'],
  'oidc_providers': [p['Arn'] for p in iam.list_open_id_connect_providers()['OpenIDConnectProviderList']],
  'roles': [r['RoleName'] for r in iam.list_roles()['Roles'] if not r['Path'].startswith('/aws-service-role/')],
  'buckets': [b['Name'] for b in client('s3').list_buckets()['Buckets']],
}
print(json.dumps({k: v for k, v in left.items() if v}))
"#;

#[test]
fn aws_network_against_moto() {
    let run = Run::new("aws-network", &[]);
    let plan = run.ok(&["plan"]);
    assert!(plan.contains("aws_vpc_peering_connection.this will be created"), "{plan}");
    assert!(!plan.contains("deferred"), "nothing is deferred here:\n{plan}");

    let took = run.apply_and_replan();
    eprintln!("aws-network: apply took {took:?}");

    let net = run.boto3_json(
        r#"
ec2 = client('ec2')
vpcs = {t['Value']: v for v in ec2.describe_vpcs()['Vpcs'] for t in v.get('Tags', []) if t['Key'] == 'Name'}
pcx = [p for p in ec2.describe_vpc_peering_connections()['VpcPeeringConnections'] if p['Status']['Code'] == 'active']
out = {'vpcs': {n: v['CidrBlock'] for n, v in vpcs.items()}, 'peering': len(pcx), 'routes': {}, 'subnets': {}, 'nat': {}, 'sg443': {}}
for name, v in vpcs.items():
    f = [{'Name': 'vpc-id', 'Values': [v['VpcId']]}]
    out['subnets'][name] = sorted(s['CidrBlock'] for s in ec2.describe_subnets(Filters=f)['Subnets'])
    out['nat'][name] = [n['State'] for n in ec2.describe_nat_gateways(Filters=f)['NatGateways']]
    out['routes'][name] = sorted(r['DestinationCidrBlock'] + '>' + ('pcx' if r.get('VpcPeeringConnectionId') else 'nat' if r.get('NatGatewayId') else 'igw' if r.get('GatewayId', '').startswith('igw-') else 'local')
                                 for t in ec2.describe_route_tables(Filters=f)['RouteTables'] for r in t['Routes'])
    sg = [g for g in ec2.describe_security_groups(Filters=f)['SecurityGroups'] if g['GroupName'] == name + '-workloads'][0]
    out['sg443'][name] = [ip['CidrIp'] for p in sg['IpPermissions'] if p.get('FromPort') == 443 for ip in p['IpRanges']]
print(json.dumps(out))
"#,
    );
    assert_eq!(net["vpcs"], serde_json::json!({"foo": "10.10.0.0/16", "bar": "10.20.0.0/16"}), "{net}");
    assert_eq!(net["peering"], 1, "{net}");
    assert_eq!(
        net["subnets"]["foo"],
        serde_json::json!(["10.10.0.0/24", "10.10.1.0/24", "10.10.100.0/24", "10.10.101.0/24"]),
        "{net}"
    );
    assert_eq!(net["nat"]["bar"], serde_json::json!(["available"]), "{net}");
    // Public and private tables: default routes to the IGW / NAT, the peer via the peering.
    let routes = net["routes"]["foo"].as_array().unwrap();
    for want in ["0.0.0.0/0>igw", "0.0.0.0/0>nat", "10.20.0.0/16>pcx"] {
        assert!(routes.iter().any(|r| r == want), "foo lacks route {want}: {net}");
    }
    assert_eq!(
        routes.iter().filter(|r| *r == "10.20.0.0/16>pcx").count(),
        2,
        "both of foo's tables route to bar: {net}"
    );
    assert_eq!(net["sg443"]["bar"], serde_json::json!(["10.10.0.0/16"]), "{net}");

    run.destroy();
    let left = run.boto3_json(AWS_LEFTOVERS);
    assert_eq!(left, serde_json::json!({}), "moto still holds objects of the example");
}

const K8S_ADDRESSES: [&str; 5] = [
    "kubernetes_namespace.app",
    "kubernetes_namespace.platform",
    "kubernetes_manifest.workload_identity_crd",
    "kubernetes_manifest.app_identity",
    "kubernetes_service_account.app",
];

/// How long the emulated cluster accepts an EKS token in `eks_irsa_cluster_and_objects_in_one_apply`.
const TOKEN_TTL: Duration = Duration::from_secs(3);

/// A test-only addition to eks-irsa: the kubernetes provider is configured only some seconds
/// after the cluster exists (its `host` passes through a `time_sleep`), longer than the
/// cluster accepts a token. A token made once per run (`data.aws_eks_cluster_auth`, read when
/// the cluster is) is refused by then: only tokens the provider makes or renews on demand
/// (`exec`) get through.
const TOKEN_AGES: &str = r#"
resource "time_sleep" "token_ages" {
  create_duration = "5s"
  triggers        = { host = aws_eks_cluster.this.endpoint }
}
"#;
const TOKEN_AGES_OVERRIDE: &str = r#"
provider "kubernetes" {
  host = time_sleep.token_ages.triggers["host"]
}
"#;

#[test]
fn eks_irsa_cluster_and_objects_in_one_apply() {
    let run = Run::with_options("eks-irsa", &Options::clusters(&["irsa-demo"]).with_eks_token_ttl(TOKEN_TTL));
    std::fs::write(run.dir.join("token_ages.mp.hcl"), TOKEN_AGES).unwrap();
    std::fs::write(run.dir.join("token_ages_override.mp.hcl"), TOKEN_AGES_OVERRIDE).unwrap();
    let cluster = run.emu.cluster("irsa-demo");

    // Plan: the kubernetes provider's inputs are unknown until the cluster exists.
    let plan = run.ok(&["plan"]);
    for address in K8S_ADDRESSES {
        let line = plan
            .lines()
            .find(|l| l.contains(&format!("# {address} ")))
            .unwrap_or_else(|| panic!("{address} not in the plan:\n{plan}"));
        assert!(line.contains("will be created (deferred: provider kubernetes"), "{line}");
    }
    let eks_line = plan.lines().find(|l| l.contains("# aws_eks_cluster.this ")).unwrap();
    assert!(!eks_line.contains("deferred"), "{eks_line}");
    assert!(
        run.emu.kubectl("irsa-demo", &["get", "namespace", "payments"]).1.contains("NotFound"),
        "plan must not touch the cluster"
    );

    let took = run.apply_and_replan();
    eprintln!("eks-irsa: ONE apply (AWS + in-cluster objects) took {took:?}");
    assert!(took > TOKEN_TTL, "the apply ({took:?}) must outlast the token lifetime ({TOKEN_TTL:?})");
    // The example's check (checks.mp.hcl) was judged, and passed.
    run.ok(&["plan", "-out=checks.tfplan"]);
    let shown: Value = serde_json::from_str(&run.ok(&["show", "-json", "checks.tfplan"])).unwrap();
    let checks = shown["checks"].as_array().cloned().unwrap_or_default();
    let status: Vec<_> = checks.iter().map(|c| (c["address"]["to_display"].clone(), c["status"].clone())).collect();
    assert_eq!(status, vec![(Value::from("check.service_account_names_the_role"), Value::from("pass"))], "{shown}");

    // AWS side, read with boto3.
    let aws = run.boto3_json(
        r#"
iam, eks = client('iam'), client('eks')
role = iam.get_role(RoleName='irsa-demo-payments-api')['Role']
c = eks.describe_cluster(name='irsa-demo')['cluster']
print(json.dumps({'role_arn': role['Arn'], 'trust': role['AssumeRolePolicyDocument'], 'endpoint': c['endpoint'],
                  'issuer': c['identity']['oidc']['issuer'],
                  'oidc': [p['Arn'] for p in iam.list_open_id_connect_providers()['OpenIDConnectProviderList']],
                  'inline': iam.list_role_policies(RoleName='irsa-demo-payments-api')['PolicyNames']}))
"#,
    );
    assert_eq!(aws["endpoint"], cluster.server.url.as_str(), "the cluster's endpoint is the kube test server's");
    let issuer_host = aws["issuer"].as_str().unwrap().trim_start_matches("https://").to_string();
    let statement = &aws["trust"]["Statement"][0];
    assert_eq!(statement["Action"], "sts:AssumeRoleWithWebIdentity", "{aws}");
    assert_eq!(statement["Principal"]["Federated"], aws["oidc"][0], "{aws}");
    let equals = &statement["Condition"]["StringEquals"];
    assert_eq!(equals[format!("{issuer_host}:sub")], "system:serviceaccount:payments:payments-api", "{aws}");
    assert_eq!(equals[format!("{issuer_host}:aud")], "sts.amazonaws.com", "{aws}");
    assert_eq!(aws["inline"], serde_json::json!(["bucket-read"]), "{aws}");
    let role_arn = aws["role_arn"].as_str().unwrap();

    // Cluster side, read with kubectl (admin kubeconfig of the test server).
    let sa = run.kubectl_json(
        "irsa-demo",
        &["get", "serviceaccount", "payments-api", "-n", "payments", "--show-managed-fields"],
    );
    assert_eq!(sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"], role_arn, "{sa}");
    let ns = run.kubectl_json("irsa-demo", &["get", "namespace", "payments"]);
    assert_eq!(ns["metadata"]["labels"]["istio-injection"], "enabled", "{ns}");
    run.kubectl_json("irsa-demo", &["get", "namespace", "platform"]);
    let crd = run.kubectl_json("irsa-demo", &["get", "crd", "workloadidentities.meshplan.dev"]);
    assert_eq!(crd["spec"]["names"]["kind"], "WorkloadIdentity", "{crd}");
    let wi =
        run.kubectl_json("irsa-demo", &["get", "workloadidentities.meshplan.dev", "payments-api", "-n", "payments"]);
    assert_eq!(wi["spec"]["roleArn"], role_arn, "{wi}");
    // The objects were written by meshplan's field manager (not by an admin client).
    assert!(sa["metadata"]["managedFields"].as_array().unwrap().iter().any(|m| m["manager"] == "meshplan"), "{sa}");

    run.destroy();
    let left = run.boto3_json(AWS_LEFTOVERS);
    assert_eq!(left, serde_json::json!({}), "moto still holds objects of the example");
    for args in [
        &["get", "namespace", "payments"][..],
        &["get", "namespace", "platform"],
        &["get", "crd", "workloadidentities.meshplan.dev"],
        &["get", "serviceaccount", "payments-api", "-n", "payments"],
    ] {
        let (ok, out) = run.emu.kubectl("irsa-demo", args);
        assert!(!ok && out.contains("NotFound"), "kubectl {args:?} after destroy: {out}");
    }
}
