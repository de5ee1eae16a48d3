//! The aws_vpc / aws_subnet arguments terraform-aws-modules/vpc sets (IPv6 blocks, network
//! address usage metrics, launch-time DNS settings) and aws_vpc_endpoint, against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000e1";

#[tokio::test]
async fn vpc_ipv6_block_and_usage_metrics() {
    let h = Harness::new().await;
    const V: &str = "aws_vpc";
    let cfg = |ipv6: bool, metrics: bool| {
        obj([
            ("cidr_block", Value::from("10.60.0.0/16")),
            ("assign_generated_ipv6_cidr_block", Value::from(ipv6)),
            ("enable_network_address_usage_metrics", Value::from(metrics)),
        ])
    };
    let planned = h.plan(V, None, &cfg(true, true)).await.state;
    assert_eq!(planned.get("ipv6_cidr_block"), &Value::Unknown, "known after apply");
    let vpc = h.create(V, &cfg(true, true)).await;
    let block = s(&vpc, "ipv6_cidr_block");
    assert!(block.contains("::/56"), "{vpc}");
    assert!(vpc.get_str("ipv6_association_id").is_some_and(|a| a.starts_with("vpc-cidr-assoc")), "{vpc}");
    assert_eq!(vpc.get("enable_network_address_usage_metrics"), &Value::from(true));
    assert_eq!(vpc.get("assign_generated_ipv6_cidr_block"), &Value::from(true));
    h.assert_no_changes(V, &vpc, &cfg(true, true)).await;

    // In place: the IPv6 block is given back and the metrics turned off.
    let off = h.plan(V, Some(&vpc), &cfg(false, false)).await;
    assert_eq!(off.state.get("ipv6_cidr_block"), &Value::Unknown);
    let vpc2 = h.update(V, &vpc, &cfg(false, false)).await;
    assert_eq!(vpc2.get("ipv6_cidr_block"), &Value::Null, "{vpc2}");
    assert_eq!(vpc2.get("ipv6_association_id"), &Value::Null);
    assert_eq!(vpc2.get("enable_network_address_usage_metrics"), &Value::from(false));
    h.assert_no_changes(V, &vpc2, &cfg(false, false)).await;
    // And asked for again.
    let vpc3 = h.update(V, &vpc2, &cfg(true, false)).await;
    assert!(s(&vpc3, "ipv6_cidr_block").contains("::/56"));
    h.assert_no_changes(V, &vpc3, &cfg(true, false)).await;

    let imported = h.import(V, &s(&vpc3, "id")).await;
    assert_eq!(imported.get("ipv6_cidr_block"), vpc3.get("ipv6_cidr_block"));
    assert_eq!(imported.get("assign_generated_ipv6_cidr_block"), &Value::from(true));
    h.delete_and_confirm_gone(V, &vpc3).await;
    h.delete(V, &vpc3).await;
}

#[tokio::test]
async fn subnet_ipv6_and_launch_settings() {
    let h = Harness::new().await;
    const S: &str = "aws_subnet";
    let vpc = h
        .create(
            "aws_vpc",
            &obj([
                ("cidr_block", Value::from("10.61.0.0/16")),
                ("assign_generated_ipv6_cidr_block", Value::from(true)),
            ]),
        )
        .await;
    // The /56's first /64.
    let block = s(&vpc, "ipv6_cidr_block").replace("/56", "/64");
    let cfg = |ipv6: Option<&str>, dns_a: bool| {
        obj([
            ("vpc_id", vpc.get("id").clone()),
            ("cidr_block", Value::from("10.61.1.0/24")),
            ("availability_zone", Value::from("us-east-1a")),
            ("ipv6_cidr_block", ipv6.map(Value::from).unwrap_or(Value::Null)),
            ("assign_ipv6_address_on_creation", Value::from(ipv6.is_some())),
            ("enable_resource_name_dns_a_record_on_launch", Value::from(dns_a)),
            ("tags", tags([("Name", "v6")])),
        ])
    };
    let (planned, sn) = h.create_with_token(S, &cfg(Some(&block), true), TOKEN).await;
    assert_eq!(sn.get("ipv6_cidr_block"), &Value::from(block.as_str()), "{sn}");
    assert!(sn.get_str("ipv6_cidr_block_association_id").is_some());
    assert_eq!(sn.get("assign_ipv6_address_on_creation"), &Value::from(true));
    assert_eq!(sn.get("enable_resource_name_dns_a_record_on_launch"), &Value::from(true));
    assert_eq!(sn.get("availability_zone_id"), &Value::from("use1-az6"), "read back");
    assert_eq!(sn.get("private_dns_hostname_type_on_launch"), &Value::from("ip-name"));
    h.assert_no_changes(S, &sn, &cfg(Some(&block), true)).await;
    assert_eq!(h.find(S, TOKEN, &planned).await.map(|f| f.get("id").clone()), Some(sn.get("id").clone()));

    // In place: the IPv6 block given back, the settings turned off.
    let sn2 = h.update(S, &sn, &cfg(None, false)).await;
    assert_eq!(sn2.get("ipv6_cidr_block"), &Value::Null, "{sn2}");
    assert_eq!(sn2.get("assign_ipv6_address_on_creation"), &Value::from(false));
    assert_eq!(sn2.get("enable_resource_name_dns_a_record_on_launch"), &Value::from(false));
    h.assert_no_changes(S, &sn2, &cfg(None, false)).await;

    let mut native = cfg(None, false);
    native.set("ipv6_native", Value::from(true));
    h.assert_replaces(S, &sn2, &native, "ipv6_native").await;
    // One way to name the zone.
    let mut both = cfg(None, false);
    both.set("availability_zone_id", Value::from("use1-az6"));
    let err = h.plan_result(S, None, &both).await.unwrap_err();
    assert!(err.to_string().contains("availability_zone_id"), "{err}");

    // The zone named by its ID.
    let by_id = obj([
        ("vpc_id", vpc.get("id").clone()),
        ("cidr_block", Value::from("10.61.2.0/24")),
        ("availability_zone_id", Value::from("use1-az2")),
    ]);
    assert_eq!(h.plan(S, None, &by_id).await.state.get("availability_zone"), &Value::Unknown);
    let zoned = h.create(S, &by_id).await;
    assert_eq!(zoned.get("availability_zone_id"), &Value::from("use1-az2"));
    assert!(zoned.get_str("availability_zone").is_some_and(|z| z.starts_with("us-east-1")), "{zoned}");
    h.delete_and_confirm_gone(S, &zoned).await;

    let imported = h.import(S, &s(&sn2, "id")).await;
    assert_eq!(imported.get("availability_zone_id"), &Value::from("use1-az6"));
    assert_eq!(imported.get("enable_dns64"), &Value::from(false));
    h.delete_and_confirm_gone(S, &sn2).await;
    h.delete(S, &sn2).await;
}

#[tokio::test]
async fn vpc_endpoints_gateway_and_interface() {
    let h = Harness::new().await;
    const E: &str = "aws_vpc_endpoint";
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.62.0.0/16"))])).await;
    let rt = h.create("aws_route_table", &obj([("vpc_id", vpc.get("id").clone())])).await;
    let rt2 = h.create("aws_route_table", &obj([("vpc_id", vpc.get("id").clone())])).await;
    // moto fails DeleteVpcEndpoints for a Gateway endpoint that still has route tables (it
    // deletes their routes by a CIDR it does not have): the tables are removed first here.
    let gw = |tables: &[&Value], policy: Option<&str>| {
        obj([
            ("vpc_id", vpc.get("id").clone()),
            ("service_name", Value::from("com.amazonaws.us-east-1.s3")),
            ("route_table_ids", Value::List(tables.iter().map(|t| t.get("id").clone()).collect())),
            ("policy", policy.map(Value::from).unwrap_or(Value::Null)),
            ("tags", tags([("Name", "s3")])),
        ])
    };
    let (planned, ep) = h.create_with_token(E, &gw(&[&rt, &rt2], None), TOKEN).await;
    assert!(s(&ep, "id").starts_with("vpce-"), "{ep}");
    assert_eq!(ep.get("vpc_endpoint_type"), &Value::from("Gateway"));
    assert_eq!(ep.get("state"), &Value::from("available"));
    assert!(s(&ep, "arn").ends_with(&format!(":vpc-endpoint/{}", s(&ep, "id"))));
    let mut ids = vec![s(&rt, "id"), s(&rt2, "id")];
    ids.sort();
    assert_eq!(ep.get("route_table_ids"), &Value::List(ids.into_iter().map(Value::from).collect()));
    h.assert_no_changes(E, &ep, &gw(&[&rt2, &rt], None)).await;
    assert_eq!(h.find(E, TOKEN, &planned).await.map(|f| f.get("id").clone()), Some(ep.get("id").clone()));
    assert_eq!(h.find(E, "mp-ffffffffffffffffffffffff", &planned).await, None);

    // In place: one route table fewer and a policy (equivalent JSON plans no change). (moto
    // adds no route for a table added later, then fails the delete on it: hence removal.)
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#;
    let ep2 = h.update(E, &ep, &gw(&[&rt], Some(policy))).await;
    assert_eq!(crate::support::s(&ep2, "policy"), policy);
    assert_eq!(ep2.get("route_table_ids"), &Value::List(vec![rt.get("id").clone()]));
    let spaced = policy.replace(",", ", ");
    h.assert_no_changes(E, &ep2, &gw(&[&rt], Some(&spaced))).await;
    let mut other = gw(&[&rt], None);
    other.set("service_name", Value::from("com.amazonaws.us-east-1.dynamodb"));
    h.assert_replaces(E, &ep2, &other, "service_name").await;
    let imported = h.import(E, &s(&ep2, "id")).await;
    assert_eq!(imported.get("route_table_ids"), ep2.get("route_table_ids"));
    assert_eq!(imported.get("tags"), &tags([("Name", "s3")]));
    assert!(s(&imported, "prefix_list_id").starts_with("pl-"), "the service's prefix list: {imported}");
    // (moto's DescribePrefixLists lists no CIDRs, so `cidr_blocks` stays empty here.)
    let ep2 = h.update(E, &ep2, &gw(&[], Some(policy))).await;
    assert_eq!(ep2.get("route_table_ids"), &Value::List(vec![]));
    // moto keeps a deleted endpoint listed (state `deleted`): gone all the same, and the wait ends.
    h.delete_and_confirm_gone(E, &ep2).await;
    h.delete(E, &ep2).await;
    assert_eq!(h.find(E, TOKEN, &planned).await, None, "a deleted endpoint is not adopted");

    // An Interface endpoint in a subnet, with a security group.
    let sn = h
        .create("aws_subnet", &obj([("vpc_id", vpc.get("id").clone()), ("cidr_block", Value::from("10.62.1.0/24"))]))
        .await;
    let sg =
        h.create("aws_security_group", &obj([("vpc_id", vpc.get("id").clone()), ("name", Value::from("ep"))])).await;
    let icfg = obj([
        ("vpc_id", vpc.get("id").clone()),
        ("service_name", Value::from("com.amazonaws.us-east-1.sqs")),
        ("vpc_endpoint_type", Value::from("Interface")),
        ("subnet_ids", Value::List(vec![sn.get("id").clone()])),
        ("security_group_ids", Value::List(vec![sg.get("id").clone()])),
        ("private_dns_enabled", Value::from(true)),
    ]);
    let iep = h.create(E, &icfg).await;
    assert_eq!(iep.get("vpc_endpoint_type"), &Value::from("Interface"));
    assert_eq!(iep.get("subnet_ids"), &Value::List(vec![sn.get("id").clone()]));
    assert_eq!(iep.get("security_group_ids"), &Value::List(vec![sg.get("id").clone()]));
    assert_eq!(iep.get("network_interface_ids").as_list().map(Vec::len), Some(1), "{iep}");
    assert!(!iep.get("dns_entry").as_list().unwrap().is_empty(), "{iep}");
    h.assert_no_changes(E, &iep, &icfg).await;
    h.delete_and_confirm_gone(E, &iep).await;
}

#[tokio::test]
async fn default_vpc_usage_metrics() {
    let h = Harness::new().await;
    const D: &str = "aws_default_vpc";
    let cfg = |on: bool| obj([("enable_network_address_usage_metrics", Value::from(on))]);
    let d = h.create(D, &cfg(true)).await;
    assert_eq!(d.get("enable_network_address_usage_metrics"), &Value::from(true));
    assert_eq!(d.get("assign_generated_ipv6_cidr_block"), &Value::from(false));
    h.assert_no_changes(D, &d, &cfg(true)).await;
    let d2 = h.update(D, &d, &cfg(false)).await;
    assert_eq!(d2.get("enable_network_address_usage_metrics"), &Value::from(false));
    h.delete(D, &d2).await;
}

#[tokio::test]
async fn route_tables_with_inline_routes() {
    let h = Harness::new().await;
    const T: &str = "aws_route_table";
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.63.0.0/16"))])).await;
    let vpc_id = vpc.get("id").clone();
    let igw = h.create("aws_internet_gateway", &obj([("vpc_id", vpc_id.clone())])).await;
    let vgw = h.create("aws_vpn_gateway", &obj([("vpc_id", vpc_id.clone())])).await;
    let route = |cidr: &str, gw: &Value| obj([("cidr_block", Value::from(cidr)), ("gateway_id", gw.get("id").clone())]);
    let cfg = |routes: Vec<Value>| obj([("vpc_id", vpc_id.clone()), ("route", Value::List(routes))]);
    let rt_routes = |state: &Value| {
        let mut r: Vec<(String, String)> =
            state.get("route").as_list().unwrap().iter().map(|r| (s(r, "cidr_block"), s(r, "gateway_id"))).collect();
        r.sort();
        r
    };
    let two = vec![route("0.0.0.0/0", &igw), route("10.99.0.0/16", &igw)];
    let table = h.create(T, &cfg(two.clone())).await;
    let (igw_id, vgw_id) = (s(&igw, "id"), s(&vgw, "id"));
    assert_eq!(
        rt_routes(&table),
        vec![("0.0.0.0/0".into(), igw_id.clone()), ("10.99.0.0/16".into(), igw_id.clone())],
        "the local route is not listed"
    );
    // The same routes in another order are no change.
    h.assert_no_changes(T, &table, &cfg(two.into_iter().rev().collect())).await;

    // In place: a target replaced (ReplaceRoute), a route deleted, another created.
    let next = vec![route("0.0.0.0/0", &vgw), route("10.98.0.0/16", &igw)];
    let table2 = h.update(T, &table, &cfg(next.clone())).await;
    assert_eq!(rt_routes(&table2), vec![("0.0.0.0/0".into(), vgw_id.clone()), ("10.98.0.0/16".into(), igw_id.clone())]);
    h.assert_no_changes(T, &table2, &cfg(next)).await;

    // Without blocks the routes are not managed: one made by aws_route stays, no change.
    let unmanaged = obj([("vpc_id", vpc_id.clone())]);
    let route_state = h
        .create(
            "aws_route",
            &obj([
                ("route_table_id", table2.get("id").clone()),
                ("destination_cidr_block", Value::from("10.97.0.0/16")),
                ("gateway_id", igw.get("id").clone()),
            ]),
        )
        .await;
    let refreshed = h.read(T, &table2).await.unwrap();
    assert_eq!(rt_routes(&refreshed).len(), 3, "{refreshed}");
    h.assert_no_changes(T, &table2, &unmanaged).await;
    h.delete("aws_route", &route_state).await;

    // The VPC's main table takes inline routes too.
    let d = h
        .create(
            "aws_default_route_table",
            &obj([
                ("default_route_table_id", vpc.get("default_route_table_id").clone()),
                ("route", Value::List(vec![route("0.0.0.0/0", &igw)])),
            ]),
        )
        .await;
    assert_eq!(rt_routes(&d), vec![("0.0.0.0/0".into(), igw_id.clone())]);
    let imported = h.import(T, &s(&table2, "id")).await;
    assert_eq!(rt_routes(&imported), rt_routes(&table2));
    h.delete_and_confirm_gone(T, &table2).await;
}

#[tokio::test]
async fn managed_prefix_lists_entries_and_the_data_source() {
    let h = Harness::new().await;
    const P: &str = "aws_ec2_managed_prefix_list";
    const N: &str = "aws_ec2_managed_prefix_list_entry";
    let entry = |cidr: &str, d: &str| obj([("cidr", Value::from(cidr)), ("description", Value::from(d))]);
    let cfg = |name: &str, entries: Vec<Value>| {
        obj([
            ("name", Value::from(name)),
            ("address_family", Value::from("IPv4")),
            ("max_entries", Value::from(5i64)),
            ("entry", Value::List(entries)),
            ("tags", tags([("Name", "pl")])),
        ])
    };
    let first = vec![entry("10.0.0.0/16", "VPC CIDR"), entry("10.1.0.0/16", "peer")];
    let (planned, pl) = h.create_with_token(P, &cfg("pl-sg", first.clone()), TOKEN).await;
    assert!(s(&pl, "id").starts_with("pl-"), "{pl}");
    assert!(s(&pl, "arn").ends_with(&format!(":prefix-list/{}", s(&pl, "id"))));
    assert_eq!(pl.get("entry").as_list().map(Vec::len), Some(2), "{pl}");
    h.assert_no_changes(P, &pl, &cfg("pl-sg", first.into_iter().rev().collect())).await;
    assert_eq!(h.find(P, TOKEN, &planned).await.map(|f| f.get("id").clone()), Some(pl.get("id").clone()));

    // In place: an entry removed, one added, one re-described; the name changed.
    let second = vec![entry("10.0.0.0/16", "the VPC"), entry("10.2.0.0/16", "new")];
    let pl2 = h.update(P, &pl, &cfg("pl-renamed", second.clone())).await;
    assert_eq!(pl2.get("name"), &Value::from("pl-renamed"));
    let cidrs: Vec<_> =
        pl2.get("entry").as_list().unwrap().iter().map(|e| (s(e, "cidr"), s(e, "description"))).collect();
    assert_eq!(cidrs, vec![("10.0.0.0/16".into(), "the VPC".into()), ("10.2.0.0/16".into(), "new".into())]);
    assert!(pl2.get("version").as_i64() > pl.get("version").as_i64(), "a new version");
    h.assert_no_changes(P, &pl2, &cfg("pl-renamed", second)).await;
    h.assert_replaces(
        P,
        &pl2,
        &{
            let mut c = cfg("pl-renamed", vec![]);
            c.set("address_family", Value::from("IPv6"));
            c
        },
        "address_family",
    )
    .await;

    // Entries managed one by one on a list without `entry` blocks.
    let bare = obj([
        ("name", Value::from("pl-bare")),
        ("address_family", Value::from("IPv4")),
        ("max_entries", Value::from(3i64)),
    ]);
    let list = h.create(P, &bare).await;
    let ecfg = obj([
        ("prefix_list_id", list.get("id").clone()),
        ("cidr", Value::from("192.168.0.0/24")),
        ("description", Value::from("office")),
    ]);
    let e = h.create(N, &ecfg).await;
    assert_eq!(e.get("id"), &Value::from(format!("{},192.168.0.0/24", s(&list, "id"))));
    h.assert_no_changes(N, &e, &ecfg).await;
    // The list's plan keeps the entry it does not manage.
    let refreshed = h.read(P, &list).await.unwrap();
    assert_eq!(refreshed.get("entry").as_list().map(Vec::len), Some(1));
    h.assert_no_changes(P, &refreshed, &bare).await;
    let imported = h.import(N, &s(&e, "id")).await;
    assert_eq!(imported.get("description"), &Value::from("office"));
    let planned_entry = h.plan(N, None, &ecfg).await.state;
    assert_eq!(h.find(N, "mp-2", &planned_entry).await.map(|f| f.get("id").clone()), Some(e.get("id").clone()));
    h.delete_and_confirm_gone(N, &e).await;
    h.delete(N, &e).await;

    // The data source finds AWS's own lists (moto has S3's).
    let data = h
        .data(
            "aws_prefix_list",
            &obj([(
                "filter",
                Value::List(vec![obj([
                    ("name", Value::from("prefix-list-name")),
                    ("values", Value::List(vec![Value::from("com.amazonaws.us-east-1.s3")])),
                ])]),
            )]),
        )
        .await;
    assert!(s(&data, "id").starts_with("pl-"), "{data}");
    assert_eq!(data.get("name"), &Value::from("com.amazonaws.us-east-1.s3"));
    let by_name = h.data("aws_prefix_list", &obj([("name", Value::from("com.amazonaws.us-east-1.dynamodb"))])).await;
    assert_ne!(by_name.get("id"), data.get("id"));

    h.delete_and_confirm_gone(P, &list).await;
    h.delete_and_confirm_gone(P, &pl2).await;
    h.delete(P, &pl2).await;
}

#[tokio::test]
async fn route_to_a_prefix_list_and_the_vpc_data_source_metrics() {
    let h = Harness::new().await;
    const R: &str = "aws_route";
    let vpc = h
        .create(
            "aws_vpc",
            &obj([
                ("cidr_block", Value::from("10.64.0.0/16")),
                ("enable_network_address_usage_metrics", Value::from(true)),
            ]),
        )
        .await;
    let data = h.data("aws_vpc", &obj([("id", vpc.get("id").clone())])).await;
    assert_eq!(data.get("enable_network_address_usage_metrics"), &Value::from(true));

    let igw = h.create("aws_internet_gateway", &obj([("vpc_id", vpc.get("id").clone())])).await;
    let table = h.create("aws_route_table", &obj([("vpc_id", vpc.get("id").clone())])).await;
    let pl = h
        .create(
            "aws_ec2_managed_prefix_list",
            &obj([
                ("name", Value::from("office")),
                ("address_family", Value::from("IPv4")),
                ("max_entries", Value::from(2i64)),
            ]),
        )
        .await;
    let cfg = obj([
        ("route_table_id", table.get("id").clone()),
        ("destination_prefix_list_id", pl.get("id").clone()),
        ("gateway_id", igw.get("id").clone()),
    ]);
    let route = h.create(R, &cfg).await;
    let id = format!("{}_{}", s(&table, "id"), s(&pl, "id"));
    assert_eq!(route.get("id"), &Value::from(id.as_str()));
    assert_eq!(route.get("destination_prefix_list_id"), pl.get("id"));
    assert_eq!(route.get("network_interface_id"), &Value::Null);
    h.assert_no_changes(R, &route, &cfg).await;
    let imported = h.import(R, &id).await;
    assert_eq!(imported.get("gateway_id"), igw.get("id"));
    h.delete_and_confirm_gone(R, &route).await;
    h.delete(R, &route).await;
}

/// The `timeouts` blocks Terraform gives aws_eip (read, update, delete) and
/// aws_internet_gateway (create, update, delete): kept in the state and honoured.
#[tokio::test]
async fn eip_and_internet_gateway_timeouts() {
    let h = Harness::new().await;
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.65.0.0/16"))])).await;
    let igw_cfg =
        |create: &str| obj([("vpc_id", vpc.get("id").clone()), ("timeouts", obj([("create", Value::from(create))]))]);
    let planned = h.plan("aws_internet_gateway", None, &igw_cfg("1ns")).await;
    let err = h.resource("aws_internet_gateway").create(&h.ctx("aws_internet_gateway.this"), &planned.state).await;
    assert!(err.unwrap_err().to_string().contains("did not finish within 1ns (timeouts.create)"));
    let igw = h.create("aws_internet_gateway", &igw_cfg("10m")).await;
    assert_eq!(igw.get("timeouts").get_str("create"), Some("10m"));
    h.assert_no_changes("aws_internet_gateway", &igw, &igw_cfg("10m")).await;

    let eip_cfg = |read: &str| obj([("domain", Value::from("vpc")), ("timeouts", obj([("read", Value::from(read))]))]);
    let eip = h.create("aws_eip", &eip_cfg("15m")).await;
    assert_eq!(eip.get("timeouts").get_str("read"), Some("15m"));
    h.assert_no_changes("aws_eip", &eip, &eip_cfg("15m")).await;
    let mut short = eip.clone();
    short.set("timeouts", obj([("read", Value::from("1ns"))]));
    let err = h.resource("aws_eip").read(&h.ctx("aws_eip.nat"), &short).await.unwrap_err();
    assert!(err.to_string().contains("did not finish within 1ns (timeouts.read)"), "{err}");
    let bad = h.plan_result("aws_eip", None, &eip_cfg("soon")).await.unwrap_err();
    assert_eq!(bad.attribute.as_deref(), Some("timeouts"), "{bad}");
    h.delete("aws_eip", &eip).await;
}

#[tokio::test]
async fn eip_attached_to_a_network_interface() {
    let h = Harness::new().await;
    const A: &str = "aws_eip";
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.66.0.0/16"))])).await;
    let sn = h
        .create("aws_subnet", &obj([("vpc_id", vpc.get("id").clone()), ("cidr_block", Value::from("10.66.1.0/24"))]))
        .await;
    let eni = |ip: &'static str| {
        let ec2 = h.clients().ec2.clone();
        let subnet = s(&sn, "id");
        async move {
            let out = ec2.create_network_interface().subnet_id(subnet).private_ip_address(ip).send().await.unwrap();
            out.network_interface().unwrap().network_interface_id().unwrap().to_string()
        }
    };
    let (eni1, eni2) = (eni("10.66.1.10").await, eni("10.66.1.20").await);
    let cfg = |eni: &str| obj([("domain", Value::from("vpc")), ("network_interface", Value::from(eni))]);
    let eip = h.create(A, &cfg(&eni1)).await;
    assert_eq!(eip.get("network_interface"), &Value::from(eni1.as_str()));
    assert!(eip.get_str("association_id").is_some(), "{eip}");
    assert_eq!(eip.get("private_ip"), &Value::from("10.66.1.10"));
    assert_eq!(eip.get("private_dns"), &Value::from("ip-10-66-1-10.ec2.internal"));
    assert_eq!(eip.get("vpc"), &Value::from(true));
    h.assert_no_changes(A, &eip, &cfg(&eni1)).await;
    // Unset keeps the attachment (optional+computed, as in Terraform).
    h.assert_no_changes(A, &eip, &obj([("domain", Value::from("vpc"))])).await;

    // In place: moved to another interface.
    let moved = h.update(A, &eip, &cfg(&eni2)).await;
    assert_eq!(moved.get("network_interface"), &Value::from(eni2.as_str()));
    assert_eq!(moved.get("private_ip"), &Value::from("10.66.1.20"));
    h.assert_no_changes(A, &moved, &cfg(&eni2)).await;
    let mut pooled = cfg(&eni2);
    pooled.set("public_ipv4_pool", Value::from("ipv4pool-ec2-012345"));
    h.assert_replaces(A, &moved, &pooled, "public_ipv4_pool").await;
    let imported = h.import(A, &s(&moved, "id")).await;
    assert_eq!(imported.get("network_interface"), &Value::from(eni2.as_str()));
    // Delete detaches it first.
    h.delete_and_confirm_gone(A, &moved).await;
    h.delete(A, &moved).await;
}
