//! Types on the generic skeleton (`src/skeleton`) against moto: what the adaptor gives every
//! type (tags with default_tags, name_prefix from the intent token, timeouts, import, find,
//! not-found) and each type's own calls.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::{PlanRequest, Value};

const TOKEN: &str = "mp-00000000000000000000abcd";

fn default_tags() -> impl FnOnce(&mut Value) {
    |c: &mut Value| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))
}

async fn vpc(h: &Harness, cidr: &str) -> Value {
    h.create("aws_vpc", &obj([("cidr_block", Value::from(cidr))])).await
}

async fn role(h: &Harness, name: &str) -> Value {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    h.create("aws_iam_role", &obj([("name", Value::from(name)), ("assume_role_policy", Value::from(trust))])).await
}

#[tokio::test]
async fn instance_profile_name_prefix_tags_update_import_find() {
    let h = Harness::with_config(default_tags()).await;
    let (r1, r2) = (role(&h, "nodes").await, role(&h, "workers").await);
    let cfg = |role: &Value, name: &str| {
        obj([
            ("name_prefix", Value::from("prof-")),
            ("role", role.get("name").clone()),
            ("tags", tags([("Name", name)])),
        ])
    };
    let planned = h.plan("aws_iam_instance_profile", None, &cfg(&r1, "a")).await.state;
    assert_eq!(planned.get("name"), &Value::Unknown, "the name is chosen at create");
    let (planned, p) = h.create_with_token("aws_iam_instance_profile", &cfg(&r1, "a"), TOKEN).await;
    // name_prefix + the token without dashes: the same create always arrives at the same name.
    assert_eq!(s(&p, "name"), "prof-mp00000000000000000000abcd");
    assert_eq!(s(&p, "id"), s(&p, "name"));
    assert!(s(&p, "arn").ends_with(":instance-profile/prof-mp00000000000000000000abcd"), "{p}");
    assert_eq!(p.get("path"), &Value::from("/"));
    assert_eq!(p.get("role"), r1.get("name"));
    assert_eq!(p.get("tags_all"), &tags([("Name", "a"), ("team", "mesh")]));
    assert_eq!(p.get("tags"), &tags([("Name", "a")]), "default tags and the intent tag are not the resource's own");
    h.assert_no_changes("aws_iam_instance_profile", &p, &cfg(&r1, "a")).await;

    // After a crash: found by the token-derived name and the intent tag; another token finds nothing.
    assert_eq!(h.find("aws_iam_instance_profile", TOKEN, &planned).await.as_ref(), Some(&p));
    assert_eq!(h.find("aws_iam_instance_profile", "mp-ffffffffffffffffffffffff", &planned).await, None);

    // Another role and other tags: in place.
    let p2 = h.update("aws_iam_instance_profile", &p, &cfg(&r2, "b")).await;
    assert_eq!(p2.get("role"), r2.get("name"));
    assert_eq!(p2.get("tags_all"), &tags([("Name", "b"), ("team", "mesh")]));
    h.assert_no_changes("aws_iam_instance_profile", &p2, &cfg(&r2, "b")).await;
    h.assert_replaces("aws_iam_instance_profile", &p2, &obj([("name", Value::from("other"))]), "name").await;

    let imported = h.import("aws_iam_instance_profile", &s(&p2, "name")).await;
    assert_eq!(imported.get("arn"), p2.get("arn"));
    assert_eq!(imported.get("role"), r2.get("name"));
    assert_eq!(imported.get("tags"), &tags([("Name", "b")]));

    // Delete takes the role out first; then gone, and deleting again is harmless.
    h.delete_and_confirm_gone("aws_iam_instance_profile", &p2).await;
    h.delete("aws_iam_instance_profile", &p2).await;
    let err = h.resource("aws_iam_instance_profile").import(&h.ctx("x"), "nope").await.unwrap_err();
    assert!(err.message.contains("does not exist"), "{}", err.message);
}

#[tokio::test]
async fn unnamed_objects_are_named_from_the_token() {
    let h = Harness::new().await;
    let r = role(&h, "inline").await;
    let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    let cfg = obj([("role", r.get("name").clone()), ("policy", Value::from(doc))]);
    let (_, rp) = h.create_with_token("aws_iam_role_policy", &cfg, TOKEN).await;
    assert_eq!(s(&rp, "name"), "meshplan-mp00000000000000000000abcd");
    assert_eq!(s(&rp, "id"), format!("inline:{}", s(&rp, "name")));
    h.assert_no_changes("aws_iam_role_policy", &rp, &cfg).await;
    h.delete_and_confirm_gone("aws_iam_role_policy", &rp).await;
}

#[tokio::test]
async fn egress_only_gateway_lifecycle() {
    let h = Harness::with_config(default_tags()).await;
    let v = vpc(&h, "10.4.0.0/16").await;
    let cfg = |name: &str| obj([("vpc_id", v.get("id").clone()), ("tags", tags([("Name", name)]))]);
    let (planned, gw) = h.create_with_token("aws_egress_only_internet_gateway", &cfg("e"), TOKEN).await;
    assert!(s(&gw, "id").starts_with("eigw-"), "{gw}");
    assert_eq!(gw.get("vpc_id"), v.get("id"));
    assert_eq!(gw.get("tags_all"), &tags([("Name", "e"), ("team", "mesh")]));
    h.assert_no_changes("aws_egress_only_internet_gateway", &gw, &cfg("e")).await;
    assert_eq!(h.find("aws_egress_only_internet_gateway", TOKEN, &planned).await.as_ref(), Some(&gw));
    assert_eq!(h.find("aws_egress_only_internet_gateway", "mp-ffffffffffffffffffffffff", &planned).await, None);
    let gw2 = h.update("aws_egress_only_internet_gateway", &gw, &cfg("f")).await;
    assert_eq!(gw2.get("tags"), &tags([("Name", "f")]));
    let other = vpc(&h, "10.5.0.0/16").await;
    h.assert_replaces("aws_egress_only_internet_gateway", &gw2, &obj([("vpc_id", other.get("id").clone())]), "vpc_id")
        .await;
    let imported = h.import("aws_egress_only_internet_gateway", &s(&gw2, "id")).await;
    assert_eq!(imported.get("vpc_id"), v.get("id"));
    h.delete_and_confirm_gone("aws_egress_only_internet_gateway", &gw2).await;
    h.delete("aws_egress_only_internet_gateway", &gw2).await;
}

#[tokio::test]
async fn dhcp_options_and_association() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.6.0.0/16").await;
    let cfg = obj([
        ("domain_name", Value::from("corp.internal")),
        ("domain_name_servers", Value::List(vec![Value::from("10.0.0.2"), Value::from("AmazonProvidedDNS")])),
        ("ntp_servers", Value::List(vec![Value::from("10.0.0.3")])),
        ("tags", tags([("Name", "dhcp")])),
    ]);
    let (planned, d) = h.create_with_token("aws_vpc_dhcp_options", &cfg, TOKEN).await;
    assert!(s(&d, "id").starts_with("dopt-"));
    assert_eq!(d.get("domain_name"), &Value::from("corp.internal"));
    assert_eq!(d.get("domain_name_servers").as_list().map(Vec::len), Some(2));
    assert!(s(&d, "arn").contains(":dhcp-options/dopt-"));
    assert_eq!(d.get("netbios_node_type"), &Value::Null);
    h.assert_no_changes("aws_vpc_dhcp_options", &d, &cfg).await;
    assert_eq!(h.find("aws_vpc_dhcp_options", TOKEN, &planned).await.as_ref(), Some(&d));
    let mut other = cfg.clone();
    other.set("domain_name", Value::from("other.internal"));
    h.assert_replaces("aws_vpc_dhcp_options", &d, &other, "domain_name").await;

    let acfg = obj([("vpc_id", v.get("id").clone()), ("dhcp_options_id", d.get("id").clone())]);
    let a = h.create("aws_vpc_dhcp_options_association", &acfg).await;
    assert_eq!(s(&a, "id"), format!("{}-{}", s(&d, "id"), s(&v, "id")));
    h.assert_no_changes("aws_vpc_dhcp_options_association", &a, &acfg).await;
    let imported = h.import("aws_vpc_dhcp_options_association", &s(&v, "id")).await;
    assert_eq!(imported.get("dhcp_options_id"), d.get("id"));
    assert!(h.resource("aws_vpc_dhcp_options_association").import(&h.ctx("x"), "dopt-1").await.is_err());
    // Deleting the association puts the VPC back on the default options: then it reads as gone.
    h.delete_and_confirm_gone("aws_vpc_dhcp_options_association", &a).await;
    h.delete_and_confirm_gone("aws_vpc_dhcp_options", &d).await;

    // The vpc module's `netbios_node_type = ""` is unset (EC2 refuses an empty value) and
    // re-plans clean.
    let empty = obj([("domain_name", Value::from("corp.internal")), ("netbios_node_type", Value::from(""))]);
    let e = h.create("aws_vpc_dhcp_options", &empty).await;
    assert_eq!(e.get("netbios_node_type"), &Value::from(""));
    h.assert_no_changes("aws_vpc_dhcp_options", &e, &empty).await;
    h.delete_and_confirm_gone("aws_vpc_dhcp_options", &e).await;
}

#[tokio::test]
async fn ec2_tag_on_an_object_made_elsewhere() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.7.0.0/16").await;
    let cfg = |value: &str| {
        obj([("resource_id", v.get("id").clone()), ("key", Value::from("Owner")), ("value", Value::from(value))])
    };
    let t = h.create("aws_ec2_tag", &cfg("alice")).await;
    assert_eq!(s(&t, "id"), format!("{},Owner", s(&v, "id")));
    h.assert_no_changes("aws_ec2_tag", &t, &cfg("alice")).await;
    let t2 = h.update("aws_ec2_tag", &t, &cfg("bob")).await;
    assert_eq!(t2.get("value"), &Value::from("bob"));
    h.assert_replaces(
        "aws_ec2_tag",
        &t2,
        &obj([("resource_id", v.get("id").clone()), ("key", Value::from("K")), ("value", Value::from("bob"))]),
        "key",
    )
    .await;
    assert_eq!(h.import("aws_ec2_tag", &s(&t2, "id")).await.get("value"), &Value::from("bob"));
    assert!(h.resource("aws_ec2_tag").import(&h.ctx("x"), "no-comma").await.is_err());
    // The found tag must hold the planned value to be ours.
    let planned = h.plan("aws_ec2_tag", None, &cfg("bob")).await.state;
    assert!(h.find("aws_ec2_tag", TOKEN, &planned).await.is_some());
    let planned_other = h.plan("aws_ec2_tag", None, &cfg("carol")).await.state;
    assert!(h.find("aws_ec2_tag", TOKEN, &planned_other).await.is_none());
    h.delete_and_confirm_gone("aws_ec2_tag", &t2).await;
}

#[tokio::test]
async fn cidr_block_association_waits_and_bad_timeouts_are_plan_errors() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.8.0.0/16").await;
    let cfg = |timeout: &str| {
        obj([
            ("vpc_id", v.get("id").clone()),
            ("cidr_block", Value::from("10.9.0.0/16")),
            ("timeouts", obj([("create", Value::from(timeout))])),
        ])
    };
    let a = h.create("aws_vpc_ipv4_cidr_block_association", &cfg("5m")).await;
    assert!(s(&a, "id").starts_with("vpc-cidr-assoc-"), "{a}");
    h.assert_no_changes("aws_vpc_ipv4_cidr_block_association", &a, &cfg("5m")).await;
    let imported = h.import("aws_vpc_ipv4_cidr_block_association", &s(&a, "id")).await;
    assert_eq!(imported.get("cidr_block"), &Value::from("10.9.0.0/16"));
    assert_eq!(imported.get("vpc_id"), v.get("id"));
    let planned = h.plan("aws_vpc_ipv4_cidr_block_association", None, &cfg("5m")).await.state;
    assert_eq!(
        h.find("aws_vpc_ipv4_cidr_block_association", TOKEN, &planned).await.map(|f| s(&f, "id")),
        Some(s(&a, "id"))
    );

    let rt = h.resource("aws_vpc_ipv4_cidr_block_association");
    let bad = crate::support::complete(&rt.schema(), &cfg("soon"));
    let err = rt.plan(&h.ctx("x"), PlanRequest { prior: None, config: &bad }).await.unwrap_err();
    assert!(err.message.contains("timeouts.create"), "{}", err.message);
    assert_eq!(err.attribute.as_deref(), Some("timeouts"));

    h.delete_and_confirm_gone("aws_vpc_ipv4_cidr_block_association", &a).await;
}

#[tokio::test]
async fn network_acl_rule_lifecycle() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.10.0.0/16").await;
    let acls = h
        .clients()
        .ec2
        .describe_network_acls()
        .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(s(&v, "id")).build())
        .send()
        .await
        .unwrap();
    let acl = acls.network_acls()[0].network_acl_id().unwrap().to_string();
    let cfg = obj([
        ("network_acl_id", Value::from(acl.as_str())),
        ("rule_number", Value::from(200i64)),
        ("protocol", Value::from("tcp")),
        ("rule_action", Value::from("allow")),
        ("cidr_block", Value::from("0.0.0.0/0")),
        ("from_port", Value::from(443i64)),
        ("to_port", Value::from(443i64)),
    ]);
    let (planned, r) = h.create_with_token("aws_network_acl_rule", &cfg, TOKEN).await;
    assert_eq!(s(&r, "id"), format!("{acl}:200:tcp:false"));
    assert_eq!(r.get("protocol"), &Value::from("tcp"), "the name written is kept for protocol 6");
    assert_eq!(r.get("egress"), &Value::from(false));
    h.assert_no_changes("aws_network_acl_rule", &r, &cfg).await;
    assert_eq!(h.find("aws_network_acl_rule", TOKEN, &planned).await.as_ref(), Some(&r));
    let mut deny = cfg.clone();
    deny.set("rule_action", Value::from("deny"));
    h.assert_replaces("aws_network_acl_rule", &r, &deny, "rule_action").await;
    let imported = h.import("aws_network_acl_rule", &format!("{acl}:200:tcp:false")).await;
    assert_eq!(imported.get("from_port"), &Value::from(443i64));
    assert_eq!(imported.get("cidr_block"), &Value::from("0.0.0.0/0"));
    h.delete_and_confirm_gone("aws_network_acl_rule", &r).await;
    h.delete("aws_network_acl_rule", &r).await;
}

#[tokio::test]
async fn legacy_security_group_rule_lifecycle() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.11.0.0/16").await;
    let sg =
        h.create("aws_security_group", &obj([("name", Value::from("web")), ("vpc_id", v.get("id").clone())])).await;
    let cfg = |description: &str| {
        obj([
            ("type", Value::from("ingress")),
            ("security_group_id", sg.get("id").clone()),
            ("protocol", Value::from("tcp")),
            ("from_port", Value::from(443i64)),
            ("to_port", Value::from(443i64)),
            ("cidr_blocks", Value::List(vec![Value::from("10.0.0.0/8"), Value::from("192.168.0.0/16")])),
            ("description", Value::from(description)),
        ])
    };
    let (planned, r) = h.create_with_token("aws_security_group_rule", &cfg("https"), TOKEN).await;
    assert!(s(&r, "id").starts_with("sgrule-"), "{r}");
    assert_eq!(r.get("security_group_rule_id"), &Value::from(""), "two AWS rules: no single rule ID");
    h.assert_no_changes("aws_security_group_rule", &r, &cfg("https")).await;
    assert_eq!(h.find("aws_security_group_rule", TOKEN, &planned).await.map(|f| s(&f, "id")), Some(s(&r, "id")));
    // A new description is an in-place update.
    let r2 = h.update("aws_security_group_rule", &r, &cfg("tls")).await;
    assert_eq!(r2.get("description"), &Value::from("tls"));
    h.assert_no_changes("aws_security_group_rule", &r2, &cfg("tls")).await;
    let mut port = cfg("tls");
    port.set("from_port", Value::from(8443i64));
    h.assert_replaces("aws_security_group_rule", &r2, &port, "from_port").await;
    let import_id = format!("{}_ingress_tcp_443_443_10.0.0.0/8_192.168.0.0/16", s(&sg, "id"));
    let imported = h.import("aws_security_group_rule", &import_id).await;
    assert_eq!(imported.get("id"), r2.get("id"), "the import ID names the same rule");
    // One rule revoked out of band: the resource is gone (it stands for both).
    h.clients()
        .ec2
        .revoke_security_group_ingress()
        .group_id(s(&sg, "id"))
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443)
        .cidr_ip("10.0.0.0/8")
        .send()
        .await
        .unwrap();
    assert!(h.read("aws_security_group_rule", &r2).await.is_none());
    h.delete("aws_security_group_rule", &r2).await;

    // A single rule gets AWS's rule ID.
    let mut one = cfg("one");
    one.set("cidr_blocks", Value::List(vec![Value::from("172.16.0.0/12")]));
    let single = h.create("aws_security_group_rule", &one).await;
    assert!(s(&single, "security_group_rule_id").starts_with("sgr-"), "{single}");
    h.delete_and_confirm_gone("aws_security_group_rule", &single).await;
}

#[tokio::test]
async fn lookups_vpcs_security_groups_session_context() {
    let h = Harness::new().await;
    let v =
        h.create("aws_vpc", &obj([("cidr_block", Value::from("10.12.0.0/16")), ("tags", tags([("tier", "x")]))])).await;
    let vpcs = h.data("aws_vpcs", &obj([("tags", tags([("tier", "x")]))])).await;
    assert_eq!(vpcs.get("ids"), &Value::List(vec![v.get("id").clone()]));
    let sg = h
        .create(
            "aws_security_group",
            &obj([("name", Value::from("db")), ("vpc_id", v.get("id").clone()), ("tags", tags([("tier", "x")]))]),
        )
        .await;
    let one = h.data("aws_security_group", &obj([("name", Value::from("db")), ("vpc_id", v.get("id").clone())])).await;
    assert_eq!(one.get("id"), sg.get("id"));
    assert_eq!(one.get("arn"), sg.get("arn"));
    assert_eq!(one.get("tags"), &tags([("tier", "x")]));
    let many = h.data("aws_security_groups", &obj([("tags", tags([("tier", "x")]))])).await;
    assert_eq!(many.get("ids"), &Value::List(vec![sg.get("id").clone()]));
    assert_eq!(many.get("vpc_ids"), &Value::List(vec![v.get("id").clone()]));
    let ds = h.data_source("aws_security_group");
    let cfg = crate::support::complete(&ds.schema(), &obj([("name", Value::from("nothing-like-this"))]));
    let err = ds.read(&h.ctx("data.aws_security_group.x"), &cfg).await.unwrap_err();
    assert!(err.message.contains("matched 0 security groups"), "{}", err.message);

    let r = role(&h, "deployer").await;
    let ctx = h
        .data(
            "aws_iam_session_context",
            &obj([("arn", Value::from("arn:aws:sts::123456789012:assumed-role/deployer/ci"))]),
        )
        .await;
    assert_eq!(ctx.get("issuer_arn"), r.get("arn"));
    assert_eq!(ctx.get("issuer_name"), &Value::from("deployer"));
    assert_eq!(ctx.get("session_name"), &Value::from("ci"));
    let plain = h.data("aws_iam_session_context", &obj([("arn", r.get("arn").clone())])).await;
    assert_eq!(plain.get("issuer_arn"), r.get("arn"), "a role's own ARN is its own issuer");
}

#[tokio::test]
async fn default_security_group_adoption_strips_rules() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.13.0.0/16").await;
    let rule = |port: i64| {
        obj([
            ("protocol", Value::from("tcp")),
            ("from_port", Value::from(port)),
            ("to_port", Value::from(port)),
            ("cidr_blocks", Value::List(vec![Value::from("10.0.0.0/8")])),
        ])
    };
    let cfg = |egress: Vec<Value>| {
        obj([
            ("vpc_id", v.get("id").clone()),
            ("ingress", Value::List(vec![rule(22)])),
            ("egress", Value::List(egress)),
            ("tags", tags([("Name", "default")])),
        ])
    };
    let g = h.create("aws_default_security_group", &cfg(vec![])).await;
    assert_eq!(g.get("id"), v.get("default_security_group_id"));
    assert_eq!(g.get("name"), &Value::from("default"));
    // AWS's own rules (self ingress, allow-all egress) are gone; the configured one is there.
    assert_eq!(g.get("ingress").as_list().map(Vec::len), Some(1), "{g}");
    assert_eq!(g.get("egress"), &Value::List(vec![]), "{g}");
    assert_eq!(g.get("tags"), &tags([("Name", "default")]));
    h.assert_no_changes("aws_default_security_group", &g, &cfg(vec![])).await;
    let g2 = h.update("aws_default_security_group", &g, &cfg(vec![rule(443)])).await;
    assert_eq!(g2.get("egress").as_list().map(Vec::len), Some(1));
    h.assert_no_changes("aws_default_security_group", &g2, &cfg(vec![rule(443)])).await;
    let imported = h.import("aws_default_security_group", &s(&g2, "id")).await;
    assert_eq!(imported.get("vpc_id"), v.get("id"));
    // Destroy forgets: the group (it cannot be deleted) is still there.
    h.delete("aws_default_security_group", &g2).await;
    assert!(h.read("aws_default_security_group", &g2).await.is_some());
}

#[tokio::test]
async fn flow_log_to_s3() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.14.0.0/16").await;
    let bucket = h.create("aws_s3_bucket", &obj([("bucket", Value::from("flow-logs"))])).await;
    let cfg = |name: &str| {
        obj([
            ("vpc_id", v.get("id").clone()),
            ("traffic_type", Value::from("ALL")),
            ("log_destination_type", Value::from("s3")),
            ("log_destination", bucket.get("arn").clone()),
            ("tags", tags([("Name", name)])),
        ])
    };
    let (planned, f) = h.create_with_token("aws_flow_log", &cfg("fl"), TOKEN).await;
    assert!(s(&f, "id").starts_with("fl-"), "{f}");
    assert!(s(&f, "arn").ends_with(&format!(":vpc-flow-log/{}", s(&f, "id"))), "{f}");
    assert_eq!(f.get("vpc_id"), v.get("id"));
    assert_eq!(f.get("subnet_id"), &Value::Null);
    assert_eq!(f.get("log_destination"), bucket.get("arn"));
    assert_eq!(f.get("max_aggregation_interval"), &Value::from(600i64));
    h.assert_no_changes("aws_flow_log", &f, &cfg("fl")).await;
    assert_eq!(h.find("aws_flow_log", TOKEN, &planned).await.map(|x| s(&x, "id")), Some(s(&f, "id")));
    let f2 = h.update("aws_flow_log", &f, &cfg("renamed")).await;
    assert_eq!(f2.get("tags"), &tags([("Name", "renamed")]));
    let mut reject = cfg("renamed");
    reject.set("traffic_type", Value::from("REJECT"));
    h.assert_replaces("aws_flow_log", &f2, &reject, "traffic_type").await;
    let imported = h.import("aws_flow_log", &s(&f2, "id")).await;
    assert_eq!(imported.get("log_destination_type"), &Value::from("s3"));
    assert_eq!(imported.get("vpc_id"), v.get("id"));
    h.delete_and_confirm_gone("aws_flow_log", &f2).await;
    h.delete("aws_flow_log", &f2).await;
}

async fn subnet(h: &Harness, v: &Value, cidr: &str) -> Value {
    h.create("aws_subnet", &obj([("vpc_id", v.get("id").clone()), ("cidr_block", Value::from(cidr))])).await
}

fn acl_entry(rule_no: i64, protocol: &str, port: i64) -> Value {
    obj([
        ("rule_no", Value::from(rule_no)),
        ("action", Value::from("allow")),
        ("protocol", Value::from(protocol)),
        ("from_port", Value::from(port)),
        ("to_port", Value::from(port)),
        ("cidr_block", Value::from("0.0.0.0/0")),
    ])
}

#[tokio::test]
async fn network_acl_entries_and_subnets() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.15.0.0/16").await;
    let (a, b) = (subnet(&h, &v, "10.15.1.0/24").await, subnet(&h, &v, "10.15.2.0/24").await);
    let cfg = |subnets: Vec<&Value>, ingress: Vec<Value>| {
        obj([
            ("vpc_id", v.get("id").clone()),
            ("subnet_ids", Value::List(subnets.into_iter().map(|s| s.get("id").clone()).collect())),
            ("ingress", Value::List(ingress)),
            ("egress", Value::List(vec![acl_entry(100, "-1", 0)])),
            ("tags", tags([("Name", "public")])),
        ])
    };
    let c1 = cfg(vec![&a], vec![acl_entry(100, "tcp", 443), acl_entry(110, "tcp", 80)]);
    let (planned, acl) = h.create_with_token("aws_network_acl", &c1, TOKEN).await;
    assert!(s(&acl, "id").starts_with("acl-"), "{acl}");
    assert_eq!(acl.get("subnet_ids"), &Value::List(vec![a.get("id").clone()]));
    assert_eq!(acl.get("ingress").as_list().map(Vec::len), Some(2), "{acl}");
    // Written as `tcp`, held as 6: no diff either way.
    h.assert_no_changes("aws_network_acl", &acl, &c1).await;
    assert_eq!(h.find("aws_network_acl", TOKEN, &planned).await.map(|x| s(&x, "id")), Some(s(&acl, "id")));

    let c2 = cfg(vec![&b], vec![acl_entry(100, "tcp", 443)]);
    let acl2 = h.update("aws_network_acl", &acl, &c2).await;
    assert_eq!(acl2.get("subnet_ids"), &Value::List(vec![b.get("id").clone()]));
    assert_eq!(acl2.get("ingress").as_list().map(Vec::len), Some(1));
    h.assert_no_changes("aws_network_acl", &acl2, &c2).await;
    let imported = h.import("aws_network_acl", &s(&acl2, "id")).await;
    assert_eq!(imported.get("egress").as_list().map(Vec::len), Some(1));
    assert_eq!(imported.get("tags"), &tags([("Name", "public")]));

    // Delete hands subnet b back to the default ACL first.
    h.delete_and_confirm_gone("aws_network_acl", &acl2).await;
    let default_id = h
        .clients()
        .ec2
        .describe_network_acls()
        .filters(aws_sdk_ec2::types::Filter::builder().name("association.subnet-id").values(s(&b, "id")).build())
        .send()
        .await
        .unwrap()
        .network_acls()[0]
        .network_acl_id()
        .unwrap()
        .to_string();

    // The default ACL: adoption replaces AWS's allow-all entries with the configured ones.
    let dcfg = |ingress: Vec<Value>| {
        obj([
            ("default_network_acl_id", Value::from(default_id.as_str())),
            ("ingress", Value::List(ingress)),
            ("egress", Value::List(vec![])),
        ])
    };
    let d = h.create("aws_default_network_acl", &dcfg(vec![acl_entry(100, "tcp", 22)])).await;
    assert_eq!(d.get("vpc_id"), v.get("id"));
    assert_eq!(d.get("ingress").as_list().map(Vec::len), Some(1), "{d}");
    assert_eq!(d.get("egress"), &Value::List(vec![]), "no egress block: no egress entries");
    assert_eq!(d.get("subnet_ids"), &Value::Null, "unmanaged unless configured");
    h.assert_no_changes("aws_default_network_acl", &d, &dcfg(vec![acl_entry(100, "tcp", 22)])).await;
    let d2 = h.update("aws_default_network_acl", &d, &dcfg(vec![])).await;
    assert_eq!(d2.get("ingress"), &Value::List(vec![]));
    h.delete("aws_default_network_acl", &d2).await;
    assert!(h.read("aws_default_network_acl", &d2).await.is_some(), "destroy forgets the default ACL");
}

#[tokio::test]
async fn default_vpc_is_adopted_and_forgotten() {
    let h = Harness::new().await;
    let cfg = |hostnames: bool| {
        obj([("enable_dns_hostnames", Value::from(hostnames)), ("tags", tags([("Name", "default")]))])
    };
    let v = h.create("aws_default_vpc", &cfg(true)).await;
    assert!(s(&v, "id").starts_with("vpc-"));
    assert_eq!(v.get("existing_default_vpc"), &Value::from(true), "moto's region has a default VPC");
    assert_eq!(v.get("enable_dns_hostnames"), &Value::from(true));
    assert!(s(&v, "default_security_group_id").starts_with("sg-"));
    assert_eq!(v.get("tags"), &tags([("Name", "default")]));
    h.assert_no_changes("aws_default_vpc", &v, &cfg(true)).await;
    let v2 = h.update("aws_default_vpc", &v, &cfg(false)).await;
    assert_eq!(v2.get("enable_dns_hostnames"), &Value::from(false));
    assert_eq!(h.import("aws_default_vpc", &s(&v2, "id")).await.get("cidr_block"), v2.get("cidr_block"));
    h.delete("aws_default_vpc", &v2).await;
    assert!(h.read("aws_default_vpc", &v2).await.is_some(), "without force_destroy the VPC stays");
}

#[tokio::test]
async fn subnet_and_ami_lookups() {
    let h = Harness::new().await;
    let v = vpc(&h, "10.16.0.0/16").await;
    let sn = h
        .create(
            "aws_subnet",
            &obj([
                ("vpc_id", v.get("id").clone()),
                ("cidr_block", Value::from("10.16.3.0/24")),
                ("availability_zone", Value::from("us-east-1b")),
                ("tags", tags([("tier", "private")])),
            ]),
        )
        .await;
    let by_id = h.data("aws_subnet", &obj([("id", sn.get("id").clone())])).await;
    assert_eq!(by_id.get("cidr_block"), &Value::from("10.16.3.0/24"));
    assert_eq!(by_id.get("availability_zone"), &Value::from("us-east-1b"));
    assert_eq!(by_id.get("vpc_id"), v.get("id"));
    assert_eq!(by_id.get("arn"), sn.get("arn"));
    assert_eq!(by_id.get("tags"), &tags([("tier", "private")]));
    let by_tags =
        h.data("aws_subnet", &obj([("vpc_id", v.get("id").clone()), ("tags", tags([("tier", "private")]))])).await;
    assert_eq!(by_tags.get("id"), sn.get("id"));

    // moto's built-in Amazon Linux images (owner 137112412989).
    let cfg = |regex: &str, most_recent: bool| {
        obj([
            ("owners", Value::List(vec![Value::from("137112412989")])),
            ("name_regex", Value::from(regex)),
            ("most_recent", Value::from(most_recent)),
        ])
    };
    let ami = h.data("aws_ami", &cfg("^amzn-ami-vpc-nat-2018", false)).await;
    assert_eq!(ami.get("id"), &Value::from("ami-00a36856283d67c39"));
    assert_eq!(ami.get("image_id"), ami.get("id"));
    assert_eq!(ami.get("owner_id"), &Value::from("137112412989"));
    assert!(s(&ami, "arn").ends_with(":image/ami-00a36856283d67c39"));
    let ds = h.data_source("aws_ami");
    let many = crate::support::complete(&ds.schema(), &cfg("^al2022-ami-", false));
    let err = ds.read(&h.ctx("data.aws_ami.x"), &many).await.unwrap_err();
    assert!(err.message.contains("set most_recent = true"), "{}", err.message);
    let newest = h.data("aws_ami", &cfg("^al2022-ami-", true)).await;
    assert!(s(&newest, "name").starts_with("al2022-ami-"));
    let bad = crate::support::complete(&ds.schema(), &cfg("([", true));
    let err = ds.read(&h.ctx("data.aws_ami.x"), &bad).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("name_regex"), "{}", err.message);
}
