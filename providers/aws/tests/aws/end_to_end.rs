//! The issue's end-to-end configuration, driven through the provider in dependency
//! order: two peered VPCs per region pattern (same region and cross region), NAT,
//! routes, security groups, an EKS cluster with a node group, the OIDC provider and an
//! IRSA role whose trust policy comes from aws_iam_policy_document, and an S3 bucket
//! with objects. Apply → plan shows no changes → destroy → moto holds none of it.
//!
//! Run with `--nocapture` to see the apply time and the API calls of one refresh.

use crate::support::{complete, obj, tags, Harness};
use meshplan_provider::{Client, Ctx, PlanRequest, Value};
use std::collections::BTreeMap;
use std::time::Instant;

struct Applied {
    client: Client,
    type_name: String,
    config: Value,
    state: Value,
}

/// What an apply left behind, in creation order.
struct Stack<'a> {
    h: &'a Harness,
    applied: Vec<Applied>,
}

impl Stack<'_> {
    async fn apply_in(&mut self, client: &Client, type_name: &str, config: Value) -> Value {
        let rt = self.h.resource(type_name);
        let config = complete(&rt.schema(), &config);
        let ctx = Ctx::new(client.clone(), format!("{type_name}.e2e"));
        let planned = rt.plan(&ctx, PlanRequest { prior: None, config: &config }).await.unwrap();
        let state = rt.create(&ctx, &planned.state).await.unwrap_or_else(|e| panic!("{type_name}: {}", e.message));
        self.applied.push(Applied {
            client: client.clone(),
            type_name: type_name.into(),
            config,
            state: state.clone(),
        });
        state
    }

    async fn apply(&mut self, type_name: &str, config: Value) -> Value {
        let client = self.h.client.clone();
        self.apply_in(&client, type_name, config).await
    }

    /// Refreshes everything and plans it again: no changes, and the calls it took.
    async fn refresh_and_plan(&self) -> BTreeMap<String, (u64, u64)> {
        let mut calls: BTreeMap<String, (u64, u64)> = BTreeMap::new();
        for a in &self.applied {
            let rt = self.h.resource(&a.type_name);
            let ctx = Ctx::new(a.client.clone(), format!("{}.e2e", a.type_name));
            let counter = &a.client.downcast_ref::<meshplan_provider_aws::AwsClients>().unwrap().calls;
            counter.reset();
            let refreshed =
                rt.read(&ctx, &a.state).await.unwrap().unwrap_or_else(|| panic!("{} vanished", a.type_name));
            let entry = calls.entry(a.type_name.clone()).or_default();
            entry.0 += 1;
            entry.1 += counter.total();
            let planned = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &a.config }).await.unwrap();
            assert_eq!(planned.state, refreshed, "{}: plan shows changes after apply", a.type_name);
        }
        calls
    }

    /// Refreshes everything at once, 10 in flight per provider instance as the engine
    /// does; returns the API calls it took.
    async fn refresh_in_parallel(&self) -> u64 {
        let counters: Vec<_> = [&self.h.client].into_iter().chain(self.applied.iter().map(|a| &a.client)).collect();
        let counter_of = |c: &Client| c.downcast_ref::<meshplan_provider_aws::AwsClients>().unwrap().calls.clone();
        for c in &counters {
            counter_of(c).reset();
        }
        let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(10));
        let mut set = tokio::task::JoinSet::new();
        for a in &self.applied {
            let (rt, limit, state) = (self.h.resource(&a.type_name), limit.clone(), a.state.clone());
            let ctx = Ctx::new(a.client.clone(), format!("{}.e2e", a.type_name));
            set.spawn(async move {
                let _permit = limit.acquire().await.unwrap();
                rt.read(&ctx, &state).await.unwrap().expect("still there")
            });
        }
        while let Some(r) = set.join_next().await {
            r.unwrap();
        }
        // Two provider instances (east, west): count each once.
        let east = counter_of(&self.h.client).total();
        let west = self
            .applied
            .iter()
            .map(|a| &a.client)
            .find(|c| !std::sync::Arc::ptr_eq(c, &self.h.client))
            .map(|c| counter_of(c).total())
            .unwrap_or(0);
        east + west
    }

    async fn destroy(self) {
        for a in self.applied.iter().rev() {
            let ctx = Ctx::new(a.client.clone(), format!("{}.e2e", a.type_name));
            self.h
                .resource(&a.type_name)
                .delete(&ctx, &a.state)
                .await
                .unwrap_or_else(|e| panic!("destroy {}: {}", a.type_name, e.message));
        }
    }
}

fn list(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| Value::from(*i)).collect())
}

/// One VPC with a public and a private subnet, IGW, NAT gateway and both route tables.
/// Returns (vpc, private route table).
async fn network(stack: &mut Stack<'_>, client: &Client, name: &str, cidr_prefix: &str, az: &str) -> (Value, Value) {
    let vpc = stack
        .apply_in(
            client,
            "aws_vpc",
            obj([("cidr_block", Value::from(format!("{cidr_prefix}.0.0/16"))), ("tags", tags([("Name", name)]))]),
        )
        .await;
    let id = vpc.get("id").clone();
    let subnet = |n: u8, public: bool| {
        obj([
            ("vpc_id", id.clone()),
            ("cidr_block", Value::from(format!("{cidr_prefix}.{n}.0/24"))),
            ("availability_zone", Value::from(az)),
            ("map_public_ip_on_launch", Value::from(public)),
        ])
    };
    let public = stack.apply_in(client, "aws_subnet", subnet(1, true)).await;
    let private = stack.apply_in(client, "aws_subnet", subnet(2, false)).await;
    let igw = stack.apply_in(client, "aws_internet_gateway", obj([("vpc_id", id.clone())])).await;
    let eip = stack.apply_in(client, "aws_eip", obj([("domain", Value::from("vpc"))])).await;
    let nat = stack
        .apply_in(
            client,
            "aws_nat_gateway",
            obj([("allocation_id", eip.get("id").clone()), ("subnet_id", public.get("id").clone())]),
        )
        .await;
    let mut private_rt = Value::Null;
    for (sn, target) in
        [(&public, ("gateway_id", igw.get("id").clone())), (&private, ("nat_gateway_id", nat.get("id").clone()))]
    {
        let rt = stack.apply_in(client, "aws_route_table", obj([("vpc_id", id.clone())])).await;
        stack
            .apply_in(
                client,
                "aws_route",
                obj([
                    ("route_table_id", rt.get("id").clone()),
                    ("destination_cidr_block", Value::from("0.0.0.0/0")),
                    target,
                ]),
            )
            .await;
        stack
            .apply_in(
                client,
                "aws_route_table_association",
                obj([("subnet_id", sn.get("id").clone()), ("route_table_id", rt.get("id").clone())]),
            )
            .await;
        private_rt = rt;
    }
    (vpc, private_rt)
}

async fn peer_routes_and_sg(
    stack: &mut Stack<'_>,
    client: &Client,
    vpc: &Value,
    rt: &Value,
    peer_cidr: &str,
    pcx: &Value,
) {
    stack
        .apply_in(
            client,
            "aws_route",
            obj([
                ("route_table_id", rt.get("id").clone()),
                ("destination_cidr_block", Value::from(peer_cidr)),
                ("vpc_peering_connection_id", pcx.get("id").clone()),
            ]),
        )
        .await;
    let all = obj([
        ("protocol", Value::from("-1")),
        ("from_port", Value::from(0i64)),
        ("to_port", Value::from(0i64)),
        ("cidr_blocks", list(&[peer_cidr])),
    ]);
    stack
        .apply_in(
            client,
            "aws_security_group",
            obj([
                ("name", Value::from(format!("from-{peer_cidr}").replace('/', "_"))),
                ("vpc_id", vpc.get("id").clone()),
                ("ingress", Value::List(vec![all.clone()])),
                ("egress", Value::List(vec![all])),
            ]),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn end_to_end_apply_plan_destroy() {
    let h = Harness::new().await;
    let west = h.alias("us-west-2").await;
    let east = h.client.clone();
    let mut stack = Stack { h: &h, applied: vec![] };
    let started = Instant::now();

    // Network: foo and bar in us-east-1 (same-region peering), baz in us-west-2 (cross-region).
    let (foo, foo_rt) = network(&mut stack, &east, "foo", "10.2", "us-east-1a").await;
    let (bar, bar_rt) = network(&mut stack, &east, "bar", "10.3", "us-east-1b").await;
    let (baz, baz_rt) = network(&mut stack, &west, "baz", "10.4", "us-west-2a").await;
    let dns = Value::List(vec![obj([("allow_remote_vpc_dns_resolution", Value::from(true))])]);
    let foo_bar = stack
        .apply(
            "aws_vpc_peering_connection",
            obj([
                ("vpc_id", foo.get("id").clone()),
                ("peer_vpc_id", bar.get("id").clone()),
                ("auto_accept", Value::from(true)),
                ("requester", dns.clone()),
                ("accepter", dns.clone()),
            ]),
        )
        .await;
    let foo_baz = stack
        .apply(
            "aws_vpc_peering_connection",
            obj([
                ("vpc_id", foo.get("id").clone()),
                ("peer_vpc_id", baz.get("id").clone()),
                ("peer_region", Value::from("us-west-2")),
            ]),
        )
        .await;
    stack
        .apply_in(
            &west,
            "aws_vpc_peering_connection_accepter",
            obj([("vpc_peering_connection_id", foo_baz.get("id").clone()), ("auto_accept", Value::from(true))]),
        )
        .await;
    peer_routes_and_sg(&mut stack, &east, &foo, &foo_rt, "10.3.0.0/16", &foo_bar).await;
    peer_routes_and_sg(&mut stack, &east, &bar, &bar_rt, "10.2.0.0/16", &foo_bar).await;
    peer_routes_and_sg(&mut stack, &east, &foo, &foo_rt, "10.4.0.0/16", &foo_baz).await;
    peer_routes_and_sg(&mut stack, &west, &baz, &baz_rt, "10.2.0.0/16", &foo_baz).await;

    // IAM + EKS.
    let trust = |service: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{{"Service":"{service}"}}}}]}}"#
        )
    };
    let cluster_role = stack
        .apply(
            "aws_iam_role",
            obj([
                ("name", Value::from("EKS-Cluster-Role")),
                ("assume_role_policy", Value::from(trust("eks.amazonaws.com"))),
            ]),
        )
        .await;
    stack
        .apply(
            "aws_iam_role_policy_attachment",
            obj([
                ("role", Value::from("EKS-Cluster-Role")),
                ("policy_arn", Value::from("arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")),
            ]),
        )
        .await;
    let node_role = stack
        .apply(
            "aws_iam_role",
            obj([
                ("name", Value::from("EKS-NodeGroup-Role")),
                ("assume_role_policy", Value::from(trust("ec2.amazonaws.com"))),
            ]),
        )
        .await;
    for p in ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"] {
        stack
            .apply(
                "aws_iam_role_policy_attachment",
                obj([
                    ("role", Value::from("EKS-NodeGroup-Role")),
                    ("policy_arn", Value::from(format!("arn:aws:iam::aws:policy/{p}"))),
                ]),
            )
            .await;
    }
    let subnets = h
        .data(
            "aws_subnets",
            &obj([(
                "filter",
                Value::List(vec![obj([
                    ("name", Value::from("vpc-id")),
                    ("values", Value::List(vec![foo.get("id").clone()])),
                ])]),
            )]),
        )
        .await;
    let cluster = stack
        .apply(
            "aws_eks_cluster",
            obj([
                ("name", Value::from("foo-eks-cluster")),
                ("role_arn", cluster_role.get("arn").clone()),
                ("version", Value::from("1.29")),
                ("vpc_config", Value::List(vec![obj([("subnet_ids", subnets.get("ids").clone())])])),
            ]),
        )
        .await;
    stack
        .apply(
            "aws_eks_node_group",
            obj([
                ("cluster_name", Value::from("foo-eks-cluster")),
                ("node_group_name", Value::from("general")),
                ("node_role_arn", node_role.get("arn").clone()),
                ("subnet_ids", subnets.get("ids").clone()),
                ("instance_types", list(&["m5.large"])),
                (
                    "scaling_config",
                    Value::List(vec![obj([
                        ("desired_size", Value::from(2i64)),
                        ("min_size", Value::from(2i64)),
                        ("max_size", Value::from(2i64)),
                    ])]),
                ),
            ]),
        )
        .await;
    let issuer = cluster.get("identity").as_list().unwrap()[0].get("oidc").as_list().unwrap()[0]
        .get_str("issuer")
        .unwrap()
        .to_string();
    let oidc = stack
        .apply(
            "aws_iam_openid_connect_provider",
            obj([
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
    let doc = h
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
    stack
        .apply(
            "aws_iam_role",
            obj([("name", Value::from("EKS-EBS-CSI-Role")), ("assume_role_policy", doc.get("json").clone())]),
        )
        .await;

    // S3.
    stack
        .apply("aws_s3_bucket", obj([("bucket", Value::from("foo-oidc")), ("tags", tags([("Name", "foo-oidc")]))]))
        .await;
    for (key, body) in [
        (".well-known/openid-configuration", r#"{"issuer":"https://s3-us-east-1.amazonaws.com/foo-oidc"}"#),
        ("keys.json", r#"{"keys":[]}"#),
    ] {
        stack
            .apply(
                "aws_s3_object",
                obj([("bucket", Value::from("foo-oidc")), ("key", Value::from(key)), ("content", Value::from(body))]),
            )
            .await;
    }
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::foo-oidc/*"}]}"#;
    stack
        .apply("aws_s3_bucket_policy", obj([("bucket", Value::from("foo-oidc")), ("policy", Value::from(policy))]))
        .await;
    stack
        .apply(
            "aws_s3_bucket_public_access_block",
            obj([("bucket", Value::from("foo-oidc")), ("block_public_acls", Value::from(true))]),
        )
        .await;
    let apply_time = started.elapsed();

    let calls = stack.refresh_and_plan().await;
    let resources = stack.applied.len();
    let total_calls: u64 = calls.values().map(|c| c.1).sum();
    eprintln!("end-to-end: {resources} resources applied in {apply_time:?} (sequential, one at a time)");
    eprintln!("refresh: {total_calls} API calls for {resources} resources");
    for (t, (n, c)) in &calls {
        eprintln!("  {t:<40} {n:>2} resources, {:.1} calls each", *c as f64 / *n as f64);
    }

    let parallel_calls = stack.refresh_in_parallel().await;
    eprintln!("parallel refresh (10 in flight per provider): {parallel_calls} API calls for {resources} resources");

    stack.destroy().await;

    // The emulator holds none of it.
    let c = h.clients();
    let vpcs = c.ec2.describe_vpcs().send().await.unwrap();
    assert!(vpcs.vpcs().iter().all(|v| v.is_default() == Some(true)), "only default VPCs remain");
    let west_clients = west.downcast_ref::<meshplan_provider_aws::AwsClients>().unwrap();
    assert!(west_clients.ec2.describe_vpcs().send().await.unwrap().vpcs().iter().all(|v| v.is_default() == Some(true)));
    assert!(c
        .ec2
        .describe_nat_gateways()
        .send()
        .await
        .unwrap()
        .nat_gateways()
        .iter()
        .all(|n| n.state().map(|s| s.as_str()) == Some("deleted")));
    assert!(c.ec2.describe_addresses().send().await.unwrap().addresses().is_empty());
    assert!(c.eks.list_clusters().send().await.unwrap().clusters().is_empty());
    assert!(c.iam.list_roles().send().await.unwrap().roles().iter().all(|r| !r.role_name().starts_with("EKS-")));
    assert!(c.iam.list_open_id_connect_providers().send().await.unwrap().open_id_connect_provider_list().is_empty());
    assert!(c.s3.list_buckets().send().await.unwrap().buckets().is_empty());
    let pcx = c.ec2.describe_vpc_peering_connections().send().await.unwrap();
    assert!(pcx
        .vpc_peering_connections()
        .iter()
        .all(|p| p.status().and_then(|s| s.code()).map(|c| c.as_str()) == Some("deleted")));
}
