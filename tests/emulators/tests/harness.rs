//! The harness itself: moto's EKS answers with the kube test server's endpoint and CA, and
//! that server accepts an EKS token only when moto's STS does; everything stops on drop.

use meshplan_emulators::{Emulators, Options};

/// A token as `aws eks get-token` makes it (boto3's presigner), for the cluster `name`.
const TOKEN: &str = r#"
import base64
sts = client('sts')
params = {'method': 'GET', 'url': endpoint + '/?Action=GetCallerIdentity&Version=2011-06-15',
          'body': {}, 'headers': {'x-k8s-aws-id': NAME}, 'context': {}}
url = sts._request_signer.generate_presigned_url(params, region_name=region, expires_in=60, operation_name='')
print('k8s-aws-v1.' + base64.urlsafe_b64encode(url.encode()).decode().rstrip('='))
"#;

#[test]
fn eks_clusters_point_at_kube_test_servers() {
    let emu = Emulators::start(&Options::clusters(&["foo", "bar"])).unwrap();
    let described = emu
        .boto3(
            r#"
import base64
eks = client('eks')
for name in ['foo', 'other']:
    eks.create_cluster(name=name, roleArn='arn:aws:iam::123456789012:role/eks', resourcesVpcConfig={})
    c = eks.describe_cluster(name=name)['cluster']
    print(json.dumps({'name': name, 'endpoint': c['endpoint'], 'ca': base64.b64decode(c['certificateAuthority']['data']).decode(errors='replace')}))
"#,
        )
        .unwrap();
    let lines: Vec<serde_json::Value> = described.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let foo = emu.cluster("foo");
    assert_eq!(lines[0]["endpoint"], foo.server.url.as_str());
    assert_eq!(lines[0]["ca"], foo.server.ca_pem.as_str());
    // Names outside the mapping keep moto's made-up values.
    assert!(lines[1]["endpoint"].as_str().unwrap().ends_with(".eks.amazonaws.com/"), "{}", lines[1]);

    // The EKS token is replayed against moto's STS. (moto does not check SigV4 signatures, so
    // a token signed for another cluster name would pass STS too; the server's own shape
    // checks are tested in kube-test-server's eks_auth.rs.)
    let token = emu.boto3(&TOKEN.replace("NAME", "'foo'")).unwrap().trim().to_string();
    let (ok, out) = emu.kubectl("foo", &["--token", &token, "get", "namespace", "default", "-o", "name"]);
    assert!(ok, "{out}");
    assert_eq!(out.trim(), "namespace/default");
    let (ok, out) = emu.kubectl("foo", &["--token", "k8s-aws-v1.aHR0cHM6Ly9leGFtcGxlLmNvbS8", "get", "namespace"]);
    assert!(
        !ok && out.contains("Unauthorized"),
        "a token that is no presigned GetCallerIdentity must be refused: {out}"
    );

    // IAM's AWS-managed policies are loaded (EKS examples attach them).
    let policy = emu.boto3("print(client('iam').get_policy(PolicyArn='arn:aws:iam::aws:policy/AmazonEKSClusterPolicy')['Policy']['PolicyName'])").unwrap();
    assert_eq!(policy.trim(), "AmazonEKSClusterPolicy");

    let port = emu.moto().port();
    let kube_addr = foo.server.addr;
    drop(emu);
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err(), "moto still listening after drop");
    assert!(std::net::TcpStream::connect(kube_addr).is_err(), "kube test server still listening after drop");
}

#[test]
fn eks_clusters_have_a_cluster_security_group_and_aws_load_balancers() {
    let emu = Emulators::start(&Options::clusters(&["sg"])).unwrap();
    let out = emu
        .boto3(
            r#"
ec2, eks = client('ec2'), client('eks')
vpc = ec2.create_vpc(CidrBlock='10.9.0.0/16')['Vpc']['VpcId']
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock='10.9.1.0/24')['Subnet']['SubnetId']
c = eks.create_cluster(name='sg', roleArn='arn:aws:iam::123456789012:role/eks', resourcesVpcConfig={'subnetIds': [subnet]})['cluster']
sg_id = eks.describe_cluster(name='sg')['cluster']['resourcesVpcConfig']['clusterSecurityGroupId']
sg = ec2.describe_security_groups(GroupIds=[sg_id])['SecurityGroups'][0]
eks.delete_cluster(name='sg')
left = [g['GroupId'] for g in ec2.describe_security_groups(Filters=[{'Name': 'vpc-id', 'Values': [vpc]}])['SecurityGroups'] if g['GroupName'] != 'default']
print(json.dumps({'vpc': sg['VpcId'] == vpc, 'name': sg['GroupName'].startswith('eks-cluster-sg-sg-'), 'left': left}))
"#,
        )
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v, serde_json::json!({"vpc": true, "name": true, "left": []}), "{out}");

    let service = "apiVersion: v1\nkind: Service\nmetadata: {name: lb, namespace: default}\nspec: {type: LoadBalancer, ports: [{port: 8443}]}\n";
    let path = std::env::temp_dir().join(format!("emulators-lb-{}.yaml", std::process::id()));
    std::fs::write(&path, service).unwrap();
    let (ok, out) = emu.kubectl("sg", &["apply", "-f", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert!(ok, "{out}");
    let (ok, out) =
        emu.kubectl("sg", &["wait", "--for=jsonpath={.status.loadBalancer.ingress}", "service/lb", "--timeout=30s"]);
    assert!(ok, "{out}");
    let (_, host) = emu.kubectl(
        "sg",
        &[
            "get",
            "service",
            "lb",
            "-o",
            "jsonpath={.status.loadBalancer.ingress[0].hostname}/{.status.loadBalancer.ingress[0].ip}",
        ],
    );
    assert!(
        host.trim().ends_with(&format!(".{}.elb.amazonaws.com/", emu.region())),
        "EKS load balancers have a DNS name and no ip: {host}"
    );
}

#[test]
fn variables_file_names_every_endpoint() {
    let emu = Emulators::start(&Options::clusters(&[])).unwrap();
    let vars = emu.mpvars();
    for service in meshplan_emulators::SERVICES {
        assert!(vars.contains(&format!("{service} = \"{}\"", emu.moto().url())), "{vars}");
    }
    assert!(vars.contains("region = \"us-east-1\""), "{vars}");
}

/// The fault proxy in front of real moto: a lost response means moto did create the object
/// although the client saw an error; throttling means it did not; the inventory sees both.
#[test]
fn fault_proxy_in_front_of_moto_and_the_inventory() {
    use meshplan_emulators::{FaultConfig, FaultProxy, StateRecord};
    let emu = Emulators::start(&Options::clusters(&[])).unwrap();
    assert!(emu.inventory().unwrap().is_empty(), "a fresh moto holds none of our objects: {:?}", emu.inventory());
    let script = |proxy: &FaultProxy, cidr: &str| {
        format!(
            r#"
import botocore.config
c = boto3.client('ec2', endpoint_url={url:?}, region_name=region, aws_access_key_id='test', aws_secret_access_key='test',
                 config=botocore.config.Config(retries={{'total_max_attempts': 1, 'mode': 'standard'}}))
try:
    c.create_vpc(CidrBlock={cidr:?}, TagSpecifications=[{{'ResourceType': 'vpc', 'Tags': [{{'Key': 'Name', 'Value': 'dup'}}]}}])
    print('created')
except Exception as e:
    print(type(e).__name__, getattr(e, 'response', {{}}).get('Error', {{}}).get('Code'))
print(len(c.describe_vpcs()['Vpcs']))
"#,
            url = proxy.url()
        )
    };
    let lost =
        FaultProxy::start(&emu.moto().url(), FaultConfig { lost_response: 1.0, ..FaultConfig::default() }).unwrap();
    let out = emu.boto3(&script(&lost, "10.1.0.0/16")).unwrap();
    assert!(out.starts_with("ClientError InternalError\n"), "{out}");
    let throttled =
        FaultProxy::start(&emu.moto().url(), FaultConfig { throttle: 1.0, ..FaultConfig::default() }).unwrap();
    let out = emu.boto3(&script(&throttled, "10.2.0.0/16")).unwrap();
    assert!(out.starts_with("ClientError RequestLimitExceeded\n"), "{out}");
    let ok = FaultProxy::start(&emu.moto().url(), FaultConfig::default()).unwrap();
    assert!(emu.boto3(&script(&ok, "10.3.0.0/16")).unwrap().starts_with("created\n"));

    let inv = emu.inventory().unwrap();
    let vpcs: Vec<_> = inv.objects.iter().filter(|o| o.kind == "vpc").collect();
    let cidrs: Vec<_> = vpcs.iter().map(|o| o.fields["cidr"].as_str().unwrap()).collect();
    assert_eq!(cidrs, ["10.1.0.0/16", "10.3.0.0/16"], "{inv:?}\n{:?}", lost.stats());
    assert!(vpcs.iter().all(|v| v.tags["Name"] == "dup" && v.key == "vpc:dup"));
    // Only the second is in "state": the first is an orphan, and both are one resource.
    let state = [StateRecord {
        address: "aws_vpc.a".into(),
        type_name: "aws_vpc".into(),
        attributes: serde_json::json!({"id": vpcs[1].id}),
    }];
    let audit = meshplan_emulators::audit(&inv, &state);
    assert_eq!(audit.orphans.len(), 1, "{audit}");
    assert_eq!(audit.orphans[0].id, vpcs[0].id);
    assert_eq!(audit.duplicate_count(), 1, "{audit}");
    assert_eq!((lost.stats().lost_responses, throttled.stats().throttles, ok.stats().forwarded_mutating), (1, 1, 1));
}
