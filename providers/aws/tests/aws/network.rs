//! Network resources against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

fn vpc_config(cidr: &str, tag_value: &str) -> Value {
    obj([("cidr_block", Value::from(cidr)), ("tags", tags([("Name", tag_value)]))])
}

#[tokio::test]
async fn vpc_lifecycle() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let cfg = vpc_config("10.2.0.0/16", "foo");
    let vpc = h.create("aws_vpc", &cfg).await;
    let id = s(&vpc, "id");
    assert!(id.starts_with("vpc-"));
    assert_eq!(vpc.get("tags_all"), &tags([("Name", "foo"), ("team", "mesh")]));
    assert_eq!(vpc.get("tags"), &tags([("Name", "foo")]));
    assert!(vpc.get_str("default_security_group_id").unwrap().starts_with("sg-"));
    assert!(vpc.get_str("main_route_table_id").unwrap().starts_with("rtb-"));
    // enable_dns_hostnames unset: known after apply, then what AWS has (Terraform's optional+computed).
    assert_eq!(h.plan("aws_vpc", None, &cfg).await.state.get("enable_dns_hostnames"), &Value::Unknown);
    assert_eq!(vpc.get("enable_dns_hostnames"), &Value::from(false));
    h.assert_no_changes("aws_vpc", &vpc, &cfg).await;

    // Update in place: tags and DNS hostnames.
    let mut cfg2 = vpc_config("10.2.0.0/16", "foo2");
    cfg2.set("enable_dns_hostnames", Value::from(true));
    let vpc2 = h.update("aws_vpc", &vpc, &cfg2).await;
    assert_eq!(vpc2.get("enable_dns_hostnames"), &Value::from(true));
    assert_eq!(vpc2.get("tags").get("Name"), &Value::from("foo2"));
    h.assert_no_changes("aws_vpc", &vpc2, &cfg2).await;
    let unset = h.plan("aws_vpc", Some(&vpc2), &vpc_config("10.2.0.0/16", "foo2")).await;
    assert_eq!(unset.state.get("enable_dns_hostnames"), &Value::from(true), "unset keeps what AWS has");

    // A changed CIDR replaces.
    h.assert_replaces("aws_vpc", &vpc2, &vpc_config("10.9.0.0/16", "foo2"), "cidr_block").await;

    // Tag drift out of band shows as an update.
    h.clients()
        .ec2
        .create_tags()
        .resources(&id)
        .tags(aws_sdk_ec2::types::Tag::builder().key("Name").value("hand-edited").build())
        .send()
        .await
        .unwrap();
    let drifted = h.read("aws_vpc", &vpc2).await.unwrap();
    assert_eq!(drifted.get("tags").get("Name"), &Value::from("hand-edited"));
    let plan = h.plan("aws_vpc", Some(&drifted), &cfg2).await;
    assert_eq!(plan.state.get("tags").get("Name"), &Value::from("foo2"));

    // Import by ID.
    let imported = h.import("aws_vpc", &id).await;
    assert_eq!(imported.get("cidr_block"), vpc2.get("cidr_block"));
    assert_eq!(imported.get("default_security_group_id"), vpc2.get("default_security_group_id"));
    assert_eq!(imported.get("tags").get("team"), &Value::Null, "default tags are not the resource's own");

    let calls = h.refresh_calls("aws_vpc", &vpc2).await;
    // DescribeVpcs and DescribeVpcAttribute for DNS support, DNS hostnames, usage metrics.
    assert_eq!(calls.values().sum::<u64>(), 4, "{calls:?}");

    // Out-of-band delete: the refresh reports it gone.
    h.clients().ec2.delete_vpc().vpc_id(&id).send().await.unwrap();
    assert!(h.read("aws_vpc", &vpc2).await.is_none());
    h.delete("aws_vpc", &vpc2).await; // already gone: not an error
}

async fn vpc(h: &Harness, cidr: &str) -> Value {
    h.create("aws_vpc", &obj([("cidr_block", Value::from(cidr))])).await
}

#[tokio::test]
async fn subnet_lifecycle() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.2.0.0/16").await;
    let cfg = |public: bool, name: &str| {
        obj([
            ("vpc_id", v.get("id").clone()),
            ("cidr_block", Value::from("10.2.1.0/24")),
            ("availability_zone", Value::from("us-east-1a")),
            ("map_public_ip_on_launch", Value::from(public)),
            ("tags", tags([("Name", name)])),
        ])
    };
    let sn = h.create("aws_subnet", &cfg(false, "private")).await;
    assert!(s(&sn, "id").starts_with("subnet-"));
    assert_eq!(s(&sn, "availability_zone"), "us-east-1a");
    h.assert_no_changes("aws_subnet", &sn, &cfg(false, "private")).await;
    let sn2 = h.update("aws_subnet", &sn, &cfg(true, "public")).await;
    assert_eq!(sn2.get("map_public_ip_on_launch"), &Value::from(true));
    h.assert_no_changes("aws_subnet", &sn2, &cfg(true, "public")).await;
    let mut moved = cfg(true, "public");
    moved.set("cidr_block", Value::from("10.2.2.0/24"));
    h.assert_replaces("aws_subnet", &sn2, &moved, "cidr_block").await;
    let imported = h.import("aws_subnet", &s(&sn, "id")).await;
    assert_eq!(imported.get("cidr_block"), sn2.get("cidr_block"));
    assert_eq!(imported.get("tags"), sn2.get("tags"));
    assert_eq!(h.refresh_calls("aws_subnet", &sn2).await.values().sum::<u64>(), 1);
    h.delete_and_confirm_gone("aws_subnet", &sn2).await;
}

#[tokio::test]
async fn internet_gateway_lifecycle() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.2.0.0/16").await;
    let cfg = |name: &str| obj([("vpc_id", v.get("id").clone()), ("tags", tags([("Name", name)]))]);
    let igw = h.create("aws_internet_gateway", &cfg("a")).await;
    assert!(s(&igw, "id").starts_with("igw-"));
    assert_eq!(igw.get("vpc_id"), v.get("id"));
    h.assert_no_changes("aws_internet_gateway", &igw, &cfg("a")).await;
    let igw2 = h.update("aws_internet_gateway", &igw, &cfg("b")).await;
    assert_eq!(igw2.get("tags"), &tags([("Name", "b")]));
    // Detach in place.
    let detached = h.update("aws_internet_gateway", &igw2, &obj([("tags", tags([("Name", "b")]))])).await;
    assert_eq!(detached.get("vpc_id"), &Value::Null);
    let imported = h.import("aws_internet_gateway", &s(&igw, "id")).await;
    assert_eq!(imported.get("tags"), detached.get("tags"));
    assert_eq!(h.refresh_calls("aws_internet_gateway", &detached).await.values().sum::<u64>(), 1);
    h.delete_and_confirm_gone("aws_internet_gateway", &igw2).await;
}

#[tokio::test]
async fn routing_with_nat_gateway() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.2.0.0/16").await;
    let vpc_id = v.get("id").clone();
    let sn =
        h.create("aws_subnet", &obj([("vpc_id", vpc_id.clone()), ("cidr_block", Value::from("10.2.1.0/24"))])).await;
    let igw = h.create("aws_internet_gateway", &obj([("vpc_id", vpc_id.clone())])).await;

    // EIP + NAT gateway (the waiter sees `available`).
    let eip = h.create("aws_eip", &obj([("domain", Value::from("vpc")), ("tags", tags([("Name", "nat")]))])).await;
    assert!(s(&eip, "id").starts_with("eipalloc-"));
    assert!(eip.get_str("public_ip").is_some());
    h.assert_no_changes("aws_eip", &eip, &obj([("domain", Value::from("vpc")), ("tags", tags([("Name", "nat")]))]))
        .await;
    let eip =
        h.update("aws_eip", &eip, &obj([("domain", Value::from("vpc")), ("tags", tags([("Name", "nat2")]))])).await;
    assert_eq!(h.import("aws_eip", &s(&eip, "id")).await.get("public_ip"), eip.get("public_ip"));
    let nat_cfg = |name: &str| {
        obj([
            ("allocation_id", eip.get("id").clone()),
            ("subnet_id", sn.get("id").clone()),
            ("tags", tags([("Name", name)])),
        ])
    };
    let nat = h.create("aws_nat_gateway", &nat_cfg("a")).await;
    assert!(s(&nat, "id").starts_with("nat-"));
    assert_eq!(nat.get("public_ip"), eip.get("public_ip"));
    h.assert_no_changes("aws_nat_gateway", &nat, &nat_cfg("a")).await;
    let nat = h.update("aws_nat_gateway", &nat, &nat_cfg("b")).await;
    let mut other_subnet = nat_cfg("b");
    other_subnet.set("subnet_id", Value::from("subnet-other"));
    h.assert_replaces("aws_nat_gateway", &nat, &other_subnet, "subnet_id").await;
    assert_eq!(h.import("aws_nat_gateway", &s(&nat, "id")).await.get("subnet_id"), nat.get("subnet_id"));

    // Route table, route to the IGW, then moved to the NAT gateway in place.
    let rt_cfg = |name: &str| obj([("vpc_id", vpc_id.clone()), ("tags", tags([("Name", name)]))]);
    let rt = h.create("aws_route_table", &rt_cfg("private")).await;
    h.assert_no_changes("aws_route_table", &rt, &rt_cfg("private")).await;
    let rt = h.update("aws_route_table", &rt, &rt_cfg("private2")).await;
    let route_cfg = |target: (&str, &Value)| {
        obj([
            ("route_table_id", rt.get("id").clone()),
            ("destination_cidr_block", Value::from("0.0.0.0/0")),
            (target.0, target.1.clone()),
        ])
    };
    let route = h.create("aws_route", &route_cfg(("gateway_id", igw.get("id")))).await;
    assert_eq!(s(&route, "id"), format!("{}_0.0.0.0/0", s(&rt, "id")));
    h.assert_no_changes("aws_route", &route, &route_cfg(("gateway_id", igw.get("id")))).await;
    let route = h.update("aws_route", &route, &route_cfg(("nat_gateway_id", nat.get("id")))).await;
    assert_eq!(route.get("nat_gateway_id"), nat.get("id"));
    assert_eq!(route.get("gateway_id"), &Value::Null);
    h.assert_no_changes("aws_route", &route, &route_cfg(("nat_gateway_id", nat.get("id")))).await;
    let mut other_dest = route_cfg(("nat_gateway_id", nat.get("id")));
    other_dest.set("destination_cidr_block", Value::from("10.3.0.0/16"));
    h.assert_replaces("aws_route", &route, &other_dest, "destination_cidr_block").await;
    let imported = h.import("aws_route", &format!("{}_0.0.0.0/0", s(&rt, "id"))).await;
    assert_eq!(imported.get("nat_gateway_id"), nat.get("id"));
    let rt = h.read("aws_route_table", &rt).await.unwrap();
    assert_eq!(rt.get("route").as_list().unwrap().len(), 1, "route table shows the aws_route: {}", rt.get("route"));

    // Association, moved to a second table in place.
    let rt2 = h.create("aws_route_table", &rt_cfg("other")).await;
    let assoc_cfg =
        |table: &Value| obj([("subnet_id", sn.get("id").clone()), ("route_table_id", table.get("id").clone())]);
    let assoc = h.create("aws_route_table_association", &assoc_cfg(&rt)).await;
    assert!(s(&assoc, "id").starts_with("rtbassoc-"));
    h.assert_no_changes("aws_route_table_association", &assoc, &assoc_cfg(&rt)).await;
    let assoc = h.update("aws_route_table_association", &assoc, &assoc_cfg(&rt2)).await;
    assert_eq!(assoc.get("route_table_id"), rt2.get("id"));
    let imported = h.import("aws_route_table_association", &format!("{}/{}", s(&sn, "id"), s(&rt2, "id"))).await;
    assert_eq!(imported.get("id"), assoc.get("id"));

    // Refresh costs.
    for (t, st) in [
        ("aws_route_table", &rt),
        ("aws_route", &route),
        ("aws_route_table_association", &assoc),
        ("aws_nat_gateway", &nat),
        ("aws_eip", &eip),
    ] {
        let calls = h.refresh_calls(t, st).await;
        assert_eq!(calls.values().sum::<u64>(), 1, "{t}: {calls:?}");
    }

    // Teardown in dependency order; each is gone afterwards.
    h.delete_and_confirm_gone("aws_route_table_association", &assoc).await;
    h.delete_and_confirm_gone("aws_route", &route).await;
    h.delete_and_confirm_gone("aws_route_table", &rt).await;
    h.delete_and_confirm_gone("aws_nat_gateway", &nat).await;
    h.delete_and_confirm_gone("aws_eip", &eip).await;
    h.delete_and_confirm_gone("aws_internet_gateway", &igw).await;
}

#[tokio::test]
async fn default_route_table_is_adopted_and_forgotten() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.2.0.0/16").await;
    let cfg =
        obj([("default_route_table_id", v.get("default_route_table_id").clone()), ("tags", tags([("Name", "main")]))]);
    let rt = h.create("aws_default_route_table", &cfg).await;
    assert_eq!(rt.get("id"), v.get("default_route_table_id"));
    assert_eq!(rt.get("vpc_id"), v.get("id"));
    h.assert_no_changes("aws_default_route_table", &rt, &cfg).await;
    let imported = h.import("aws_default_route_table", &s(&rt, "id")).await;
    assert_eq!(imported.get("tags"), &tags([("Name", "main")]));
    h.delete("aws_default_route_table", &rt).await;
    assert!(h.read("aws_default_route_table", &rt).await.is_some(), "the main table lives on with the VPC");
}

fn rule(proto: &str, port: i64, cidrs: &[&str], description: Option<&str>) -> Value {
    obj([
        ("protocol", Value::from(proto)),
        ("from_port", Value::from(port)),
        ("to_port", Value::from(port)),
        ("cidr_blocks", Value::List(cidrs.iter().map(|c| Value::from(*c)).collect())),
        ("description", description.map(Value::from).unwrap_or(Value::Null)),
    ])
}

#[tokio::test]
async fn security_group_lifecycle() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.2.0.0/16").await;
    let cfg = |ingress: Vec<Value>| {
        obj([
            ("name", Value::from("peer-all")),
            ("description", Value::from("allow the peer VPC")),
            ("vpc_id", v.get("id").clone()),
            ("ingress", Value::List(ingress)),
            ("egress", Value::List(vec![rule("-1", 0, &["0.0.0.0/0"], None)])),
            ("tags", tags([("Name", "peer-all")])),
        ])
    };
    // Two blocks on one port: AWS merges them; the plan must still be empty.
    let ingress = vec![
        rule("tcp", 15017, &["10.3.0.0/16"], Some("istiod")),
        rule("tcp", 15017, &["10.4.0.0/16"], Some("istiod")),
    ];
    let sg = h.create("aws_security_group", &cfg(ingress.clone())).await;
    assert!(s(&sg, "id").starts_with("sg-"));
    h.assert_no_changes("aws_security_group", &sg, &cfg(ingress.clone())).await;
    let raw = h.clients().ec2.describe_security_groups().group_ids(s(&sg, "id")).send().await.unwrap();
    let g = &raw.security_groups()[0];
    assert_eq!(g.ip_permissions_egress().len(), 1, "default egress replaced by the configured one");

    let mut more = ingress.clone();
    more.push(rule("-1", 0, &["10.3.0.0/16"], None));
    let sg2 = h.update("aws_security_group", &sg, &cfg(more.clone())).await;
    h.assert_no_changes("aws_security_group", &sg2, &cfg(more.clone())).await;
    let mut renamed = cfg(more.clone());
    renamed.set("name", Value::from("other"));
    h.assert_replaces("aws_security_group", &sg2, &renamed, "name").await;

    // Drift: a rule revoked by hand shows up, and the plan restores it.
    let perm = aws_sdk_ec2::types::IpPermission::builder()
        .ip_protocol("-1")
        .ip_ranges(aws_sdk_ec2::types::IpRange::builder().cidr_ip("10.3.0.0/16").build())
        .build();
    h.clients().ec2.revoke_security_group_ingress().group_id(s(&sg, "id")).ip_permissions(perm).send().await.unwrap();
    let drifted = h.read("aws_security_group", &sg2).await.unwrap();
    assert_ne!(drifted.get("ingress"), sg2.get("ingress"));
    let plan = h.plan("aws_security_group", Some(&drifted), &cfg(more.clone())).await;
    assert_ne!(plan.state.get("ingress"), drifted.get("ingress"), "plan restores the rule");

    let imported = h.import("aws_security_group", &s(&sg, "id")).await;
    assert_eq!(imported.get("name"), &Value::from("peer-all"));
    assert_eq!(imported.get("egress").as_list().unwrap().len(), 1);
    assert_eq!(h.refresh_calls("aws_security_group", &sg2).await.values().sum::<u64>(), 1);
    h.delete_and_confirm_gone("aws_security_group", &sg2).await;
}

#[tokio::test]
async fn vpc_peering_same_region() {
    let h = Harness::new().await;
    let foo = vpc(&h, "10.2.0.0/16").await;
    let bar = vpc(&h, "10.3.0.0/16").await;
    let dns = Value::List(vec![obj([("allow_remote_vpc_dns_resolution", Value::from(true))])]);
    let cfg = |name: &str| {
        obj([
            ("vpc_id", foo.get("id").clone()),
            ("peer_vpc_id", bar.get("id").clone()),
            ("auto_accept", Value::from(true)),
            ("requester", dns.clone()),
            ("accepter", dns.clone()),
            ("tags", tags([("Name", name)])),
        ])
    };
    let pcx = h.create("aws_vpc_peering_connection", &cfg("foo-bar")).await;
    assert!(s(&pcx, "id").starts_with("pcx-"));
    assert_eq!(s(&pcx, "accept_status"), "active");
    assert_eq!(pcx.get("requester"), &dns);
    h.assert_no_changes("aws_vpc_peering_connection", &pcx, &cfg("foo-bar")).await;
    let pcx = h.update("aws_vpc_peering_connection", &pcx, &cfg("renamed")).await;
    let mut other = cfg("renamed");
    other.set("peer_vpc_id", Value::from("vpc-other"));
    h.assert_replaces("aws_vpc_peering_connection", &pcx, &other, "peer_vpc_id").await;

    // Options managed separately.
    let off = Value::List(vec![obj([("allow_remote_vpc_dns_resolution", Value::from(false))])]);
    let opts_cfg = |o: &Value| obj([("vpc_peering_connection_id", pcx.get("id").clone()), ("requester", o.clone())]);
    let opts = h.create("aws_vpc_peering_connection_options", &opts_cfg(&dns)).await;
    h.assert_no_changes("aws_vpc_peering_connection_options", &opts, &opts_cfg(&dns)).await;
    let opts = h.update("aws_vpc_peering_connection_options", &opts, &opts_cfg(&off)).await;
    assert_eq!(opts.get("requester"), &off);
    let imported = h.import("aws_vpc_peering_connection_options", &s(&pcx, "id")).await;
    assert_eq!(imported.get("requester"), &off);

    let imported = h.import("aws_vpc_peering_connection", &s(&pcx, "id")).await;
    assert_eq!(imported.get("peer_vpc_id"), bar.get("id"));
    assert_eq!(h.refresh_calls("aws_vpc_peering_connection", &pcx).await.values().sum::<u64>(), 1);
    h.delete_and_confirm_gone("aws_vpc_peering_connection", &pcx).await;
}

#[tokio::test]
async fn vpc_peering_cross_region_with_accepter() {
    let h = Harness::new().await;
    let west_client = h.alias("us-west-2").await;
    let west = meshplan_provider::Ctx::new(west_client.clone(), "aws_vpc_peering_connection_accepter.bar");
    let foo = vpc(&h, "10.2.0.0/16").await;
    let vpc_rt = h.resource("aws_vpc");
    let planned = h.plan("aws_vpc", None, &obj([("cidr_block", Value::from("10.3.0.0/16"))])).await;
    let bar = vpc_rt.create(&meshplan_provider::Ctx::new(west_client, "aws_vpc.bar"), &planned.state).await.unwrap();
    let pcx = h
        .create(
            "aws_vpc_peering_connection",
            &obj([
                ("vpc_id", foo.get("id").clone()),
                ("peer_vpc_id", bar.get("id").clone()),
                ("peer_region", Value::from("us-west-2")),
            ]),
        )
        .await;
    assert_eq!(s(&pcx, "accept_status"), "pending-acceptance");
    let accepter = h.resource("aws_vpc_peering_connection_accepter");
    let acc_cfg = crate::support::complete(
        &accepter.schema(),
        &obj([("vpc_peering_connection_id", pcx.get("id").clone()), ("auto_accept", Value::from(true))]),
    );
    let planned = accepter.plan(&west, meshplan_provider::PlanRequest { prior: None, config: &acc_cfg }).await.unwrap();
    let acc = accepter.create(&west, &planned.state).await.unwrap();
    assert_eq!(s(&acc, "accept_status"), "active");
    assert_eq!(acc.get("peer_vpc_id"), bar.get("id"));
    let refreshed = h.read("aws_vpc_peering_connection", &pcx).await.unwrap();
    assert_eq!(s(&refreshed, "accept_status"), "active");
    let imported = accepter.import(&west, &s(&pcx, "id")).await.unwrap();
    assert_eq!(imported.get("vpc_id"), foo.get("id"));
    h.delete_and_confirm_gone("aws_vpc_peering_connection", &refreshed).await;
}

#[tokio::test]
async fn security_group_rule_resources() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.2.0.0/16").await;
    let sg =
        h.create("aws_security_group", &obj([("name", Value::from("nodes")), ("vpc_id", v.get("id").clone())])).await;
    let cluster_sg =
        h.create("aws_security_group", &obj([("name", Value::from("cluster")), ("vpc_id", v.get("id").clone())])).await;
    // The foo/bar pattern: istiod ports from the cluster security group.
    let from_cluster = obj([
        ("security_group_id", sg.get("id").clone()),
        ("ip_protocol", Value::from("tcp")),
        ("from_port", Value::from(15017i64)),
        ("to_port", Value::from(15017i64)),
        ("referenced_security_group_id", cluster_sg.get("id").clone()),
        ("tags", tags([("Name", "istiod")])),
    ]);
    let webhook = h.create("aws_vpc_security_group_ingress_rule", &from_cluster).await;
    assert!(s(&webhook, "id").starts_with("sgr-"), "{webhook}");
    h.assert_no_changes("aws_vpc_security_group_ingress_rule", &webhook, &from_cluster).await;
    let imported = h.import("aws_vpc_security_group_ingress_rule", &s(&webhook, "id")).await;
    assert_eq!(imported.get("referenced_security_group_id"), cluster_sg.get("id"));
    // A group without inline blocks leaves rules managed by the rule resources alone.
    let nodes_cfg = obj([("name", Value::from("nodes")), ("vpc_id", v.get("id").clone())]);
    let sg_now = h.read("aws_security_group", &sg).await.expect("group exists");
    assert_eq!(sg_now.get("ingress").as_list().map(Vec::len), Some(1), "{sg_now}");
    h.assert_no_changes("aws_security_group", &sg_now, &nodes_cfg).await;

    // moto keeps descriptions of CIDR rules only, so the in-place update uses one.
    let cfg = |description: &str| {
        obj([
            ("security_group_id", sg.get("id").clone()),
            ("ip_protocol", Value::from("tcp")),
            ("from_port", Value::from(15012i64)),
            ("to_port", Value::from(15012i64)),
            ("cidr_ipv4", Value::from("10.3.0.0/16")),
            ("description", Value::from(description)),
        ])
    };
    let rule = h.create("aws_vpc_security_group_ingress_rule", &cfg("xds")).await;
    h.assert_no_changes("aws_vpc_security_group_ingress_rule", &rule, &cfg("xds")).await;
    let rule = h.update("aws_vpc_security_group_ingress_rule", &rule, &cfg("istiod xds")).await;
    assert_eq!(s(&rule, "description"), "istiod xds");
    let mut elsewhere = cfg("istiod xds");
    elsewhere.set("security_group_id", Value::from("sg-other"));
    h.assert_replaces("aws_vpc_security_group_ingress_rule", &rule, &elsewhere, "security_group_id").await;
    assert_eq!(h.refresh_calls("aws_vpc_security_group_ingress_rule", &rule).await.values().sum::<u64>(), 1);
    h.delete_and_confirm_gone("aws_vpc_security_group_ingress_rule", &webhook).await;

    let all_cfg = obj([
        ("security_group_id", sg.get("id").clone()),
        ("ip_protocol", Value::from("-1")),
        ("cidr_ipv4", Value::from("10.3.0.0/16")),
    ]);
    let egress = h.create("aws_vpc_security_group_egress_rule", &all_cfg).await;
    h.assert_no_changes("aws_vpc_security_group_egress_rule", &egress, &all_cfg).await;
    h.delete_and_confirm_gone("aws_vpc_security_group_egress_rule", &egress).await;
    h.delete_and_confirm_gone("aws_vpc_security_group_ingress_rule", &rule).await;
}

#[tokio::test]
async fn aws_errors_name_address_operation_and_code() {
    let h = Harness::new().await;
    let rt = h.resource("aws_subnet");
    let cfg = crate::support::complete(
        &rt.schema(),
        &obj([("vpc_id", Value::from("vpc-doesnotexist")), ("cidr_block", Value::from("10.0.0.0/24"))]),
    );
    let ctx = h.ctx("module.net.aws_subnet.private[0]");
    let planned = rt.plan(&ctx, meshplan_provider::PlanRequest { prior: None, config: &cfg }).await.unwrap();
    let err = rt.create(&ctx, &planned.state).await.unwrap_err();
    assert!(
        err.message.starts_with("module.net.aws_subnet.private[0]: CreateSubnet: InvalidVpcID.NotFound:"),
        "{}",
        err.message
    );
}

/// moto is not thread-safe and answers some parallel calls with 5xx; the retry layer
/// must absorb them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_creates_survive_moto() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.8.0.0/16").await;
    let rt = h.resource("aws_subnet");
    let mut tasks = vec![];
    for i in 0..16 {
        let cfg = crate::support::complete(
            &rt.schema(),
            &obj([
                ("vpc_id", v.get("id").clone()),
                ("cidr_block", Value::from(format!("10.8.{i}.0/24"))),
                ("tags", tags([("n", "x")])),
            ]),
        );
        let (rt, ctx) = (rt.clone(), h.ctx(&format!("aws_subnet.s[{i}]")));
        tasks.push(tokio::spawn(async move {
            let planned = rt.plan(&ctx, meshplan_provider::PlanRequest { prior: None, config: &cfg }).await?;
            rt.create(&ctx, &planned.state).await
        }));
    }
    let mut states = vec![];
    for t in tasks {
        let state = t.await.unwrap().unwrap_or_else(|e| panic!("{}", e.message));
        assert!(s(&state, "id").starts_with("subnet-"));
        states.push(state);
    }

    // A parallel refresh of all of them (and one deleted out of band) is coalesced
    // into one DescribeSubnets call filtered by ID.
    h.clients().ec2.delete_subnet().subnet_id(s(&states[0], "id")).send().await.unwrap();
    h.clients().calls.reset();
    let mut reads = vec![];
    for (i, state) in states.iter().enumerate() {
        let (rt, ctx, state) = (rt.clone(), h.ctx(&format!("aws_subnet.s[{i}]")), state.clone());
        reads.push(tokio::spawn(async move { rt.read(&ctx, &state).await }));
    }
    for (i, r) in reads.into_iter().enumerate() {
        let refreshed = r.await.unwrap().unwrap();
        assert_eq!(refreshed.is_none(), i == 0, "subnet {i}");
    }
    let calls = h.clients().calls.snapshot();
    assert!(calls.get("EC2.DescribeSubnets").copied().unwrap_or(0) <= 2, "{calls:?}");
}

/// The community modules' `timeouts {}` blocks on routes and security groups, and
/// `name_prefix` on security groups: accepted, round-tripped, and honoured (a bound too short
/// fails the operation; a bad duration fails the plan at the block).
#[tokio::test]
async fn timeouts_blocks_and_security_group_name_prefix() {
    let h = Harness::new().await;
    let vpc = h.create("aws_vpc", &vpc_config("10.40.0.0/16", "timeouts")).await;
    let vpc_id = vpc.get("id").clone();
    let timeouts = |create: &str| obj([("create", Value::from(create)), ("delete", Value::from("10m"))]);
    let cfg = obj([("name_prefix", Value::from("web-")), ("vpc_id", vpc_id.clone()), ("timeouts", timeouts("10m"))]);
    let token = "mp-0123456789abcdef0123456f";
    let (planned, sg) = h.create_with_token("aws_security_group", &cfg, token).await;
    assert_eq!(s(&sg, "name"), "web-mp0123456789abcdef0123456f");
    assert_eq!(sg.get("name_prefix"), &Value::from("web-"));
    assert_eq!(sg.get("timeouts").get_str("create"), Some("10m"));
    h.assert_no_changes("aws_security_group", &sg, &cfg).await;
    assert_eq!(h.find("aws_security_group", token, &planned).await.map(|f| s(&f, "id")), Some(s(&sg, "id")));

    // A bad duration is a plan-time error at the block.
    let rt = h.resource("aws_security_group");
    let bad = obj([("vpc_id", vpc_id.clone()), ("timeouts", timeouts("10 minutes"))]);
    let bad = h.plan_result("aws_security_group", None, &bad).await.unwrap_err();
    assert_eq!(bad.attribute.as_deref(), Some("timeouts"), "{bad}");
    // A bound the operation cannot meet fails it, naming the block.
    let igw = h.create("aws_internet_gateway", &obj([("vpc_id", vpc_id.clone())])).await;
    let rtab = h.create("aws_route_table", &obj([("vpc_id", vpc_id.clone())])).await;
    let route = |create: &str| {
        obj([
            ("route_table_id", rtab.get("id").clone()),
            ("destination_cidr_block", Value::from("0.0.0.0/0")),
            ("gateway_id", igw.get("id").clone()),
            ("timeouts", obj([("create", Value::from(create))])),
        ])
    };
    let planned = h.plan("aws_route", None, &route("1ns")).await;
    let err = h.resource("aws_route").create(&h.ctx("aws_route.r"), &planned.state).await.unwrap_err();
    assert!(err.to_string().contains("did not finish within 1ns (timeouts.create)"), "{err}");
    let r = h.create("aws_route", &route("5m")).await;
    h.assert_no_changes("aws_route", &r, &route("5m")).await;
    h.delete("aws_route", &r).await;
    rt.delete(&h.ctx("aws_security_group.sg"), &sg).await.unwrap();
}
