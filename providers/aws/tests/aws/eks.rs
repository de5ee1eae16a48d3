//! EKS against moto: clusters and node groups become ACTIVE at once there (waits and
//! addons are covered in mocks.rs), plus the IRSA chain and the EKS token.

use crate::support::{obj, s, tags, Harness};
use base64::Engine;
use meshplan_provider::Value;

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| Value::from(*i)).collect())
}

async fn role(h: &Harness, name: &str, service: &str) -> Value {
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{{"Service":"{service}"}}}}]}}"#
    );
    h.create("aws_iam_role", &obj([("name", Value::from(name)), ("assume_role_policy", Value::from(trust))])).await
}

#[tokio::test]
async fn cluster_node_group_irsa_and_token() {
    let h = Harness::new().await;
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.2.0.0/16"))])).await;
    let mut subnets = vec![];
    for (cidr, az) in [("10.2.1.0/24", "us-east-1a"), ("10.2.2.0/24", "us-east-1b")] {
        let sn = h
            .create(
                "aws_subnet",
                &obj([
                    ("vpc_id", vpc.get("id").clone()),
                    ("cidr_block", Value::from(cidr)),
                    ("availability_zone", Value::from(az)),
                ]),
            )
            .await;
        subnets.push(sn.get("id").clone());
    }
    let cluster_role = role(&h, "EKS-Cluster-Role", "eks.amazonaws.com").await;
    let node_role = role(&h, "EKS-NodeGroup-Role", "ec2.amazonaws.com").await;

    let cfg = |team: &str, logs: &[&str]| {
        obj([
            ("name", Value::from("foo-eks-cluster")),
            ("role_arn", cluster_role.get("arn").clone()),
            ("version", Value::from("1.29")),
            ("vpc_config", Value::List(vec![obj([("subnet_ids", Value::List(subnets.clone()))])])),
            ("enabled_cluster_log_types", list(logs)),
            ("tags", tags([("team", team)])),
        ])
    };
    let c = h.create("aws_eks_cluster", &cfg("a", &["api"])).await;
    assert_eq!(s(&c, "status"), "ACTIVE");
    assert!(s(&c, "endpoint").starts_with("https://"));
    let ca = c.get("certificate_authority").as_list().unwrap()[0].get_str("data").unwrap().to_string();
    assert!(!ca.is_empty());
    let issuer = c.get("identity").as_list().unwrap()[0].get("oidc").as_list().unwrap()[0]
        .get_str("issuer")
        .unwrap()
        .to_string();
    assert!(issuer.starts_with("https://oidc.eks.us-east-1.amazonaws.com/id/"), "{issuer}");
    h.assert_no_changes("aws_eks_cluster", &c, &cfg("a", &["api"])).await;
    let c = h.update("aws_eks_cluster", &c, &cfg("b", &["api", "audit"])).await;
    assert_eq!(c.get("tags"), &tags([("team", "b")]));
    let mut other_role = cfg("b", &["api", "audit"]);
    other_role.set("role_arn", node_role.get("arn").clone());
    h.assert_replaces("aws_eks_cluster", &c, &other_role, "role_arn").await;
    let imported = h.import("aws_eks_cluster", "foo-eks-cluster").await;
    assert_eq!(imported.get("endpoint"), c.get("endpoint"));
    assert_eq!(h.refresh_calls("aws_eks_cluster", &c).await.values().sum::<u64>(), 1);

    // Data sources: the cluster, and a token that is a working presigned STS call.
    let data = h.data("aws_eks_cluster", &obj([("name", Value::from("foo-eks-cluster"))])).await;
    assert_eq!(data.get("endpoint"), c.get("endpoint"));
    assert_eq!(data.get("identity"), c.get("identity"));
    assert_eq!(
        data.get("vpc_config").as_list().unwrap()[0].get("vpc_id"),
        c.get("vpc_config").as_list().unwrap()[0].get("vpc_id")
    );
    let mut logs: Vec<&str> =
        data.get("enabled_cluster_log_types").as_list().unwrap().iter().filter_map(Value::as_str).collect();
    logs.sort();
    assert_eq!(logs, ["api", "audit"], "the data source reads the enabled log types");
    let auth = h.data("aws_eks_cluster_auth", &obj([("name", Value::from("foo-eks-cluster"))])).await;
    let auth_schema = h.data_source("aws_eks_cluster_auth").schema();
    assert!(auth_schema.attributes["token"].sensitive, "the token is declared sensitive");
    let token = auth.get("token").as_str().unwrap();
    let url = String::from_utf8(
        base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(token.strip_prefix("k8s-aws-v1.").unwrap()).unwrap(),
    )
    .unwrap();
    let expected_prefix = format!("{}/?Action=GetCallerIdentity&Version=2011-06-15&", h.moto.server.url());
    assert!(url.starts_with(&expected_prefix), "presigned against the configured sts endpoint: {url}");
    for part in [
        "X-Amz-Expires=60",
        "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id",
        "X-Amz-Credential=testing%2F",
        "%2Fus-east-1%2Fsts%2Faws4_request",
        "X-Amz-Signature=",
    ] {
        assert!(url.contains(part), "{part} missing in {url}");
    }
    // moto routes requests by their Authorization header, which a presigned GET lacks,
    // so the URL cannot be replayed against it; the signature itself is aws-sigv4's.

    // IRSA: OIDC provider for the issuer, and a role trusting one service account.
    let oidc = h
        .create(
            "aws_iam_openid_connect_provider",
            &obj([
                ("url", Value::from(issuer.as_str())),
                ("client_id_list", list(&["sts.amazonaws.com"])),
                ("thumbprint_list", list(&["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"])),
            ]),
        )
        .await;
    let host = issuer.trim_start_matches("https://");
    let cond = |var: &str, value: &str| {
        obj([
            ("test", Value::from("StringEquals")),
            ("variable", Value::from(format!("{host}:{var}"))),
            ("values", list(&[value])),
        ])
    };
    let trust = h
        .data(
            "aws_iam_policy_document",
            &obj([(
                "statement",
                Value::List(vec![obj([
                    ("actions", list(&["sts:AssumeRoleWithWebIdentity"])),
                    (
                        "principals",
                        Value::List(vec![obj([
                            ("type", Value::from("Federated")),
                            ("identifiers", Value::List(vec![oidc.get("arn").clone()])),
                        ])]),
                    ),
                    (
                        "condition",
                        Value::List(vec![
                            cond("sub", "system:serviceaccount:kube-system:ebs-csi-controller-sa"),
                            cond("aud", "sts.amazonaws.com"),
                        ]),
                    ),
                ])]),
            )]),
        )
        .await;
    let irsa_cfg = obj([("name", Value::from("EKS-EBS-CSI-Role")), ("assume_role_policy", trust.get("json").clone())]);
    let irsa = h.create("aws_iam_role", &irsa_cfg).await;
    assert!(s(&irsa, "assume_role_policy").contains(":sub"));
    h.assert_no_changes("aws_iam_role", &irsa, &irsa_cfg).await;

    // Node group with the dedicated SPIRE taint and label.
    let ng_cfg = |desired: i64, label: &str| {
        obj([
            ("cluster_name", Value::from("foo-eks-cluster")),
            ("node_group_name", Value::from("spire_server")),
            ("node_role_arn", node_role.get("arn").clone()),
            ("subnet_ids", Value::List(subnets.clone())),
            ("instance_types", list(&["m5.large"])),
            (
                "scaling_config",
                Value::List(vec![obj([
                    ("desired_size", Value::from(desired)),
                    ("min_size", Value::from(1i64)),
                    ("max_size", Value::from(3i64)),
                ])]),
            ),
            ("labels", tags([("dedicated", label)])),
            (
                "taint",
                Value::List(vec![obj([
                    ("key", Value::from("dedicated")),
                    ("value", Value::from("spire-server")),
                    ("effect", Value::from("NO_EXECUTE")),
                ])]),
            ),
        ])
    };
    let ng = h.create("aws_eks_node_group", &ng_cfg(1, "spire-server")).await;
    assert_eq!(s(&ng, "id"), "foo-eks-cluster:spire_server");
    assert_eq!(s(&ng, "status"), "ACTIVE");
    // `resources[0].autoscaling_groups[*].name`, which the eks modules read.
    let resources = ng.get("resources").as_list().expect("resources").clone();
    assert_eq!(resources.len(), 1, "{}", ng.get("resources"));
    assert!(resources[0].get("autoscaling_groups").as_list().is_some());
    h.assert_no_changes("aws_eks_node_group", &ng, &ng_cfg(1, "spire-server")).await;
    let ng = h.update("aws_eks_node_group", &ng, &ng_cfg(2, "spire")).await;
    assert_eq!(ng.get("scaling_config").as_list().unwrap()[0].get("desired_size"), &Value::from(2i64));
    assert_eq!(ng.get("labels"), &tags([("dedicated", "spire")]));
    let mut bigger = ng_cfg(2, "spire");
    bigger.set("instance_types", list(&["m5.xlarge"]));
    h.assert_replaces("aws_eks_node_group", &ng, &bigger, "instance_types").await;
    let imported = h.import("aws_eks_node_group", "foo-eks-cluster:spire_server").await;
    assert_eq!(imported.get("taint"), ng.get("taint"));
    assert_eq!(h.refresh_calls("aws_eks_node_group", &ng).await.values().sum::<u64>(), 1);

    h.delete_and_confirm_gone("aws_eks_node_group", &ng).await;
    h.delete_and_confirm_gone("aws_eks_cluster", &c).await;
    h.delete_and_confirm_gone("aws_iam_role", &irsa).await;
    h.delete_and_confirm_gone("aws_iam_openid_connect_provider", &oidc).await;
}

#[tokio::test]
async fn fargate_profile_lifecycle() {
    let h = Harness::new().await;
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.3.0.0/16"))])).await;
    let sn = h
        .create(
            "aws_subnet",
            &obj([
                ("vpc_id", vpc.get("id").clone()),
                ("cidr_block", Value::from("10.3.1.0/24")),
                ("availability_zone", Value::from("us-east-1a")),
            ]),
        )
        .await;
    let cluster_role = role(&h, "Fargate-Cluster-Role", "eks.amazonaws.com").await;
    let pod_role = role(&h, "Fargate-Pod-Role", "eks-fargate-pods.amazonaws.com").await;
    let cluster = h
        .create(
            "aws_eks_cluster",
            &obj([
                ("name", Value::from("fargate")),
                ("role_arn", cluster_role.get("arn").clone()),
                ("vpc_config", Value::List(vec![obj([("subnet_ids", Value::List(vec![sn.get("id").clone()]))])])),
            ]),
        )
        .await;
    let cfg = |team: &str| {
        obj([
            ("cluster_name", cluster.get("name").clone()),
            ("fargate_profile_name", Value::from("kube-system")),
            ("pod_execution_role_arn", pod_role.get("arn").clone()),
            ("subnet_ids", Value::List(vec![sn.get("id").clone()])),
            ("selector", Value::List(vec![obj([("namespace", Value::from("kube-system"))])])),
            ("tags", tags([("team", team)])),
            ("timeouts", obj([("create", Value::from("2m"))])),
        ])
    };
    let token = "mp-0000000000000000000000ee";
    let (planned, p) = h.create_with_token("aws_eks_fargate_profile", &cfg("a"), token).await;
    assert_eq!(s(&p, "id"), "fargate:kube-system");
    assert_eq!(s(&p, "status"), "ACTIVE");
    assert!(s(&p, "arn").contains(":fargateprofile/fargate/kube-system"), "{p}");
    h.assert_no_changes("aws_eks_fargate_profile", &p, &cfg("a")).await;
    assert_eq!(h.find("aws_eks_fargate_profile", token, &planned).await.map(|f| s(&f, "id")), Some(s(&p, "id")));
    assert_eq!(p.get("tags"), &tags([("team", "a")]));
    // (moto's TagResource knows clusters only: a tag change is planned in place, not sent here.)
    let retag = h.plan("aws_eks_fargate_profile", Some(&p), &cfg("b")).await;
    assert!(!retag.replaces(), "tags change in place");
    let p2 = p.clone();
    let mut other_ns = cfg("b");
    other_ns.set("selector", Value::List(vec![obj([("namespace", Value::from("apps"))])]));
    h.assert_replaces("aws_eks_fargate_profile", &p2, &other_ns, "selector").await;
    assert_eq!(
        h.import("aws_eks_fargate_profile", "fargate:kube-system").await.get("pod_execution_role_arn"),
        pod_role.get("arn")
    );
    h.delete_and_confirm_gone("aws_eks_fargate_profile", &p2).await;
}

/// The options terraform-aws-modules/eks sets: cluster encryption, service CIDR and IP family,
/// upgrade policy; node groups on a launch template, or with remote access.
#[tokio::test]
async fn cluster_options_and_node_group_launch_template_remote_access() {
    let h = Harness::new().await;
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.12.0.0/16"))])).await;
    let subnet_cfg = obj([
        ("vpc_id", vpc.get("id").clone()),
        ("cidr_block", Value::from("10.12.1.0/24")),
        ("availability_zone", Value::from("us-east-1a")),
    ]);
    let subnet = h.create("aws_subnet", &subnet_cfg).await;
    let subnets = Value::List(vec![subnet.get("id").clone()]);
    let cluster_role = role(&h, "opts-cluster", "eks.amazonaws.com").await;
    let node_role = role(&h, "opts-nodes", "ec2.amazonaws.com").await;
    let key = h.create("aws_kms_key", &obj([("description", Value::from("eks secrets"))])).await;

    let cfg = |support: &str, cidr: &str| {
        obj([
            ("name", Value::from("opts")),
            ("role_arn", cluster_role.get("arn").clone()),
            ("vpc_config", Value::List(vec![obj([("subnet_ids", subnets.clone())])])),
            (
                "encryption_config",
                obj([("resources", list(&["secrets"])), ("provider", obj([("key_arn", key.get("arn").clone())]))]),
            ),
            (
                "kubernetes_network_config",
                obj([("service_ipv4_cidr", Value::from(cidr)), ("ip_family", Value::from("ipv4"))]),
            ),
            (
                "access_config",
                obj([
                    ("authentication_mode", Value::from("API_AND_CONFIG_MAP")),
                    ("bootstrap_cluster_creator_admin_permissions", Value::from(false)),
                ]),
            ),
            ("upgrade_policy", obj([("support_type", Value::from(support))])),
        ])
    };
    let c = h.create("aws_eks_cluster", &cfg("STANDARD", "172.16.0.0/16")).await;
    let block = |v: &Value, name: &str| v.get(name).as_list().unwrap()[0].clone();
    assert_eq!(block(&c, "kubernetes_network_config").get("service_ipv4_cidr"), &Value::from("172.16.0.0/16"));
    assert_eq!(block(&c, "kubernetes_network_config").get("ip_family"), &Value::from("ipv4"));
    assert_eq!(block(&block(&c, "encryption_config"), "provider").get("key_arn"), key.get("arn"));
    assert_eq!(block(&c, "upgrade_policy").get("support_type"), &Value::from("STANDARD"));
    assert_eq!(block(&c, "access_config").get("bootstrap_cluster_creator_admin_permissions"), &Value::from(false));
    h.assert_no_changes("aws_eks_cluster", &c, &cfg("STANDARD", "172.16.0.0/16")).await;
    // moto does not keep the upgrade policy: the configured one stays in the state.
    let c = h.update("aws_eks_cluster", &c, &cfg("EXTENDED", "172.16.0.0/16")).await;
    assert_eq!(block(&c, "upgrade_policy").get("support_type"), &Value::from("EXTENDED"));
    h.assert_no_changes("aws_eks_cluster", &c, &cfg("EXTENDED", "172.16.0.0/16")).await;
    h.assert_replaces(
        "aws_eks_cluster",
        &c,
        &cfg("EXTENDED", "172.17.0.0/16"),
        "kubernetes_network_config[0].service_ipv4_cidr",
    )
    .await;
    let mut other_key = cfg("EXTENDED", "172.16.0.0/16");
    other_key.set("encryption_config", Value::List(vec![]));
    h.assert_replaces("aws_eks_cluster", &c, &other_key, "encryption_config").await;
    // Left out, the computed blocks keep what EKS reports.
    let mut bare = cfg("EXTENDED", "172.16.0.0/16");
    bare.set("kubernetes_network_config", Value::Null);
    bare.set("upgrade_policy", Value::Null);
    h.assert_no_changes("aws_eks_cluster", &c, &bare).await;
    let imported = h.import("aws_eks_cluster", "opts").await;
    assert_eq!(imported.get("encryption_config"), c.get("encryption_config"));
    assert_eq!(imported.get("kubernetes_network_config"), c.get("kubernetes_network_config"));

    // A node group on a launch template named by name: the ID is read back.
    let lt_cfg = obj([("name", Value::from("opts-nodes")), ("instance_type", Value::from("m5.large"))]);
    let lt = h.create("aws_launch_template", &lt_cfg).await;
    let scaling = Value::List(vec![obj([
        ("desired_size", Value::from(1i64)),
        ("min_size", Value::from(1i64)),
        ("max_size", Value::from(2i64)),
    ])]);
    let ng_cfg = |name: &str, extra: (&str, Value)| {
        let mut v = obj([
            ("cluster_name", Value::from("opts")),
            ("node_group_name", Value::from(name)),
            ("node_role_arn", node_role.get("arn").clone()),
            ("subnet_ids", subnets.clone()),
            ("scaling_config", scaling.clone()),
        ]);
        v.set(extra.0, extra.1);
        v
    };
    let with_lt = ng_cfg(
        "templated",
        ("launch_template", obj([("name", lt.get("name").clone()), ("version", Value::from("1"))])),
    );
    let ng = h.create("aws_eks_node_group", &with_lt).await;
    let spec = block(&ng, "launch_template");
    assert_eq!((spec.get("id"), spec.get("name")), (lt.get("id"), lt.get("name")), "{ng}");
    assert_eq!(spec.get("version"), &Value::from("1"));
    h.assert_no_changes("aws_eks_node_group", &ng, &with_lt).await;
    let mut by_id = with_lt.clone();
    by_id.set(
        "launch_template",
        Value::List(vec![obj([("id", Value::from("lt-0123")), ("version", Value::from("1"))])]),
    );
    h.assert_replaces("aws_eks_node_group", &ng, &by_id, "launch_template[0].id").await;
    let imported = h.import("aws_eks_node_group", "opts:templated").await;
    assert_eq!(imported.get("launch_template"), ng.get("launch_template"));
    h.delete_and_confirm_gone("aws_eks_node_group", &ng).await;

    let sg = h
        .create(
            "aws_security_group",
            &obj([
                ("name", Value::from("ssh")),
                ("description", Value::from("ssh")),
                ("vpc_id", vpc.get("id").clone()),
            ]),
        )
        .await;
    let remote = |key: &str| {
        ng_cfg(
            "ssh",
            (
                "remote_access",
                obj([
                    ("ec2_ssh_key", Value::from(key)),
                    ("source_security_group_ids", Value::List(vec![sg.get("id").clone()])),
                ]),
            ),
        )
    };
    let ng = h.create("aws_eks_node_group", &remote("ops")).await;
    let ra = block(&ng, "remote_access");
    assert_eq!(ra.get("ec2_ssh_key"), &Value::from("ops"));
    assert_eq!(ra.get("source_security_group_ids"), &Value::List(vec![sg.get("id").clone()]));
    h.assert_no_changes("aws_eks_node_group", &ng, &remote("ops")).await;
    h.assert_replaces("aws_eks_node_group", &ng, &remote("other"), "remote_access").await;
    h.delete_and_confirm_gone("aws_eks_node_group", &ng).await;
    h.delete_and_confirm_gone("aws_eks_cluster", &c).await;
}
