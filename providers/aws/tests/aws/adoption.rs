//! Crash safety of creates: every create carries the engine's idempotency token, `find`
//! finds exactly what that create made (and nothing else), reads never show the intent tag,
//! and a create whose answer is lost ends with exactly one object.

use crate::support::lossy::{lossy_ctx, LoseResponses};
use crate::support::{complete, obj, provider_config, s, tags, Harness};
use meshplan_provider::{PlanRequest, Value, INTENT_TAG};

const TOKEN: &str = "mp-0123456789abcdef01234567";
const OTHER: &str = "mp-fedcba9876543210fedcba98";

/// The checks every token-carrying type passes: find(token) is the create's state, another
/// token finds nothing, the intent tag never shows, a re-plan is clean, and after delete
/// nothing is found.
async fn check_adoption(h: &Harness, type_name: &str, config: &Value) -> Value {
    let (planned, state) = h.create_with_token(type_name, config, TOKEN).await;
    if let Some(all) = state.get("tags_all").as_object() {
        assert!(!all.contains_key(INTENT_TAG), "{type_name}: tags_all shows the intent tag: {state}");
    }
    assert!(state.get("tags").get(INTENT_TAG).is_null(), "{type_name}: tags show the intent tag");
    let found =
        h.find(type_name, TOKEN, &planned).await.unwrap_or_else(|| panic!("{type_name}: not found by its token"));
    assert_eq!(found, state, "{type_name}: find differs from create");
    assert_eq!(h.find(type_name, OTHER, &planned).await, None, "{type_name}: found by another create's token");
    h.assert_no_changes(type_name, &found, config).await;
    state
}

async fn check_gone(h: &Harness, type_name: &str, config: &Value, state: &Value) {
    let planned = h.plan(type_name, None, config).await.state;
    h.delete(type_name, state).await;
    assert_eq!(h.find(type_name, TOKEN, &planned).await, None, "{type_name}: found after delete");
    h.delete(type_name, state).await; // a delete resent after a lost answer: NotFound is success
}

#[tokio::test]
async fn network_types_are_found_by_their_token() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let vpc_cfg = obj([
        ("cidr_block", Value::from("10.2.0.0/16")),
        ("enable_dns_hostnames", Value::from(true)),
        ("tags", tags([("Name", "foo")])),
    ]);
    let vpc = check_adoption(&h, "aws_vpc", &vpc_cfg).await;
    let vpc_id = vpc.get("id").clone();
    let subnet_cfg = obj([
        ("vpc_id", vpc_id.clone()),
        ("cidr_block", Value::from("10.2.1.0/24")),
        ("map_public_ip_on_launch", Value::from(true)),
    ]);
    let subnet = check_adoption(&h, "aws_subnet", &subnet_cfg).await;
    let igw_cfg = obj([("vpc_id", vpc_id.clone())]);
    let igw = check_adoption(&h, "aws_internet_gateway", &igw_cfg).await;
    let eip_cfg = obj([("domain", Value::from("vpc"))]);
    let eip = check_adoption(&h, "aws_eip", &eip_cfg).await;
    let nat_cfg = obj([("subnet_id", subnet.get("id").clone()), ("allocation_id", eip.get("id").clone())]);
    let nat = check_adoption(&h, "aws_nat_gateway", &nat_cfg).await;
    let rt_cfg = obj([("vpc_id", vpc_id.clone()), ("tags", tags([("Name", "private")]))]);
    let rt = check_adoption(&h, "aws_route_table", &rt_cfg).await;
    let sg_cfg = obj([
        ("vpc_id", vpc_id.clone()),
        ("ingress", Value::List(vec![rule("tcp", 443, "10.3.0.0/16")])),
        ("egress", Value::List(vec![rule("-1", 0, "0.0.0.0/0")])),
    ]);
    let sg = check_adoption(&h, "aws_security_group", &sg_cfg).await;
    assert!(s(&sg, "name").ends_with(TOKEN), "an unnamed group is named after the token: {sg}");
    let rule_cfg = obj([
        ("security_group_id", sg.get("id").clone()),
        ("ip_protocol", Value::from("tcp")),
        ("from_port", Value::from(15017i64)),
        ("to_port", Value::from(15017i64)),
        ("cidr_ipv4", Value::from("10.4.0.0/16")),
    ]);
    let sg_rule = check_adoption(&h, "aws_vpc_security_group_ingress_rule", &rule_cfg).await;

    // Content-identified: found by what they connect, whatever the token.
    let route_cfg = obj([
        ("route_table_id", rt.get("id").clone()),
        ("destination_cidr_block", Value::from("0.0.0.0/0")),
        ("nat_gateway_id", nat.get("id").clone()),
    ]);
    let (planned, route) = h.create_with_token("aws_route", &route_cfg, TOKEN).await;
    assert_eq!(h.find("aws_route", OTHER, &planned).await.as_ref(), Some(&route));
    let mut elsewhere = planned.clone();
    elsewhere.set("nat_gateway_id", Value::Null);
    elsewhere.set("gateway_id", igw.get("id").clone());
    assert_eq!(h.find("aws_route", TOKEN, &elsewhere).await, None, "a route to another target is not ours");
    let assoc_cfg = obj([("route_table_id", rt.get("id").clone()), ("subnet_id", subnet.get("id").clone())]);
    let (planned_assoc, assoc) = h.create_with_token("aws_route_table_association", &assoc_cfg, TOKEN).await;
    assert_eq!(h.find("aws_route_table_association", TOKEN, &planned_assoc).await.as_ref(), Some(&assoc));

    check_gone(&h, "aws_route_table_association", &assoc_cfg, &assoc).await;
    check_gone(&h, "aws_route", &route_cfg, &route).await;
    check_gone(&h, "aws_vpc_security_group_ingress_rule", &rule_cfg, &sg_rule).await;
    check_gone(&h, "aws_security_group", &sg_cfg, &sg).await;
    check_gone(&h, "aws_route_table", &rt_cfg, &rt).await;
    check_gone(&h, "aws_nat_gateway", &nat_cfg, &nat).await;
    check_gone(&h, "aws_eip", &eip_cfg, &eip).await;
    check_gone(&h, "aws_internet_gateway", &igw_cfg, &igw).await;
    check_gone(&h, "aws_subnet", &subnet_cfg, &subnet).await;
    check_gone(&h, "aws_vpc", &vpc_cfg, &vpc).await;
}

fn rule(proto: &str, port: i64, cidr: &str) -> Value {
    obj([
        ("protocol", Value::from(proto)),
        ("from_port", Value::from(port)),
        ("to_port", Value::from(port)),
        ("cidr_blocks", Value::List(vec![Value::from(cidr)])),
    ])
}

#[tokio::test]
async fn peering_is_found_by_its_token() {
    let h = Harness::new().await;
    let foo = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.2.0.0/16"))])).await;
    let bar = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.3.0.0/16"))])).await;
    let dns = Value::List(vec![obj([("allow_remote_vpc_dns_resolution", Value::from(true))])]);
    let cfg = obj([
        ("vpc_id", foo.get("id").clone()),
        ("peer_vpc_id", bar.get("id").clone()),
        ("auto_accept", Value::from(true)),
        ("requester", dns.clone()),
        ("tags", tags([("Name", "foo-bar")])),
    ]);
    let pcx = check_adoption(&h, "aws_vpc_peering_connection", &cfg).await;
    assert_eq!(s(&pcx, "accept_status"), "active");
    check_gone(&h, "aws_vpc_peering_connection", &cfg, &pcx).await;
}

const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"eks.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
const POLICY: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}]}"#;

#[tokio::test]
async fn iam_types_are_found_by_their_token() {
    let h = Harness::new().await;
    let role_cfg = obj([("assume_role_policy", Value::from(TRUST)), ("tags", tags([("Name", "cluster")]))]);
    let role = check_adoption(&h, "aws_iam_role", &role_cfg).await;
    assert!(s(&role, "name").ends_with(TOKEN), "an unnamed role is named after the token: {role}");
    let policy_cfg = obj([("name", Value::from("describe")), ("policy", Value::from(POLICY))]);
    let policy = check_adoption(&h, "aws_iam_policy", &policy_cfg).await;
    let oidc_cfg = obj([
        ("url", Value::from("https://oidc.eks.us-east-1.amazonaws.com/id/ABC")),
        ("client_id_list", Value::List(vec![Value::from("sts.amazonaws.com")])),
        ("thumbprint_list", Value::List(vec![Value::from("9e99a48a9960b14926bb7f3b02e22da2b0ab7280")])),
    ]);
    let oidc = check_adoption(&h, "aws_iam_openid_connect_provider", &oidc_cfg).await;

    let att_cfg = obj([("role", role.get("name").clone()), ("policy_arn", policy.get("arn").clone())]);
    let (planned_att, att) = h.create_with_token("aws_iam_role_policy_attachment", &att_cfg, TOKEN).await;
    assert_eq!(h.find("aws_iam_role_policy_attachment", TOKEN, &planned_att).await.as_ref(), Some(&att));
    let inline_cfg =
        obj([("role", role.get("name").clone()), ("name", Value::from("inline")), ("policy", Value::from(POLICY))]);
    let (planned_inline, inline) = h.create_with_token("aws_iam_role_policy", &inline_cfg, TOKEN).await;
    assert_eq!(h.find("aws_iam_role_policy", TOKEN, &planned_inline).await.as_ref(), Some(&inline));
    let mut other_doc = planned_inline.clone();
    other_doc.set("policy", Value::from(TRUST));
    assert_eq!(h.find("aws_iam_role_policy", TOKEN, &other_doc).await, None, "another document is not ours");

    check_gone(&h, "aws_iam_role_policy", &inline_cfg, &inline).await;
    check_gone(&h, "aws_iam_role_policy_attachment", &att_cfg, &att).await;
    check_gone(&h, "aws_iam_openid_connect_provider", &oidc_cfg, &oidc).await;
    check_gone(&h, "aws_iam_policy", &policy_cfg, &policy).await;
    check_gone(&h, "aws_iam_role", &role_cfg, &role).await;
}

#[tokio::test]
async fn an_existing_role_with_our_token_is_adopted_and_without_it_is_an_error() {
    let h = Harness::new().await;
    let cfg = obj([("name", Value::from("nodes")), ("assume_role_policy", Value::from(TRUST))]);
    let (_, first) = h.create_with_token("aws_iam_role", &cfg, TOKEN).await;
    // The same create resent (its answer lost, the state not written): EntityAlreadyExists
    // for a role that carries our token is that create's role.
    let (_, again) = h.create_with_token("aws_iam_role", &cfg, TOKEN).await;
    assert_eq!(again.get("arn"), first.get("arn"));
    // Another create of the same name is a real conflict.
    let planned = h.plan("aws_iam_role", None, &cfg).await.state;
    let ctx = h.ctx("aws_iam_role.test").with_idempotency_token(OTHER);
    let err = h.resource("aws_iam_role").create(&ctx, &planned).await.expect_err("a foreign role is not adopted");
    assert!(err.message.contains("EntityAlreadyExists"), "{}", err.message);
}

#[tokio::test]
async fn s3_bucket_is_found_by_name_and_token() {
    let h = Harness::new().await;
    let cfg = obj([("bucket", Value::from("irsa-discovery")), ("tags", tags([("Name", "oidc")]))]);
    let bucket = check_adoption(&h, "aws_s3_bucket", &cfg).await;
    let pab_cfg = obj([("bucket", bucket.get("id").clone()), ("block_public_acls", Value::from(true))]);
    let (planned, pab) = h.create_with_token("aws_s3_bucket_public_access_block", &pab_cfg, TOKEN).await;
    assert_eq!(h.find("aws_s3_bucket_public_access_block", TOKEN, &planned).await.as_ref(), Some(&pab));
    // A tag update keeps the intent tag (S3 replaces the whole tag set).
    let updated = h
        .update(
            "aws_s3_bucket",
            &bucket,
            &obj([("bucket", Value::from("irsa-discovery")), ("tags", tags([("Name", "renamed")]))]),
        )
        .await;
    assert!(updated.get("tags_all").get(INTENT_TAG).is_null());
    let planned = h.plan("aws_s3_bucket", None, &cfg).await.state;
    assert!(h.find("aws_s3_bucket", TOKEN, &planned).await.is_some(), "the intent tag survived the update");
    assert_eq!(h.find("aws_s3_bucket", OTHER, &planned).await, None);
    check_gone(&h, "aws_s3_bucket", &cfg, &bucket).await;
}

/// Plans `config` for a create with the harness's provider, through a lossy context.
async fn create_losing(h: &Harness, lossy: &LoseResponses, type_name: &str, config: &Value, token: &str) -> Value {
    let rt = h.resource(type_name);
    let ctx =
        lossy_ctx(&provider_config(&h.moto.server.url(), "us-east-1"), lossy, &Harness::addr(type_name), token).await;
    let config = complete(&rt.schema(), config);
    let planned = rt.plan(&ctx, PlanRequest { prior: None, config: &config }).await.expect("plan").state;
    rt.create(&ctx, &planned).await.unwrap_or_else(|e| panic!("create {type_name} through lost answers: {e}"))
}

#[tokio::test]
async fn creates_whose_answers_are_lost_make_one_object() {
    let h = Harness::new().await;
    let lossy = LoseResponses::new(&[
        ("CreateVpc", 1),
        ("ModifyVpcAttribute", 1),
        ("CreateSubnet", 1),
        ("CreateInternetGateway", 1),
        ("AttachInternetGateway", 1),
        ("CreateSecurityGroup", 1),
        ("AuthorizeSecurityGroupIngress", 2),
        ("RevokeSecurityGroupEgress", 1),
        ("CreateRouteTable", 1),
        ("CreateRoute", 1),
        ("AssociateRouteTable", 1),
        ("CreateRole", 1),
        ("CreateBucket", 1),
    ]);
    let vpc = create_losing(
        &h,
        &lossy,
        "aws_vpc",
        &obj([("cidr_block", Value::from("10.2.0.0/16")), ("enable_dns_hostnames", Value::from(true))]),
        "mp-000000000000000000000001",
    )
    .await;
    assert_eq!(vpc.get("enable_dns_hostnames"), &Value::from(true));
    let vpc_id = vpc.get("id").clone();
    let subnet = create_losing(
        &h,
        &lossy,
        "aws_subnet",
        &obj([("vpc_id", vpc_id.clone()), ("cidr_block", Value::from("10.2.1.0/24"))]),
        "mp-000000000000000000000002",
    )
    .await;
    let igw = create_losing(
        &h,
        &lossy,
        "aws_internet_gateway",
        &obj([("vpc_id", vpc_id.clone())]),
        "mp-000000000000000000000003",
    )
    .await;
    assert_eq!(igw.get("vpc_id"), &vpc_id, "attached once, despite the lost answer");
    let sg_cfg = obj([
        ("vpc_id", vpc_id.clone()),
        ("name", Value::from("nodes")),
        ("ingress", Value::List(vec![rule("tcp", 443, "10.3.0.0/16")])),
    ]);
    let sg = create_losing(&h, &lossy, "aws_security_group", &sg_cfg, "mp-000000000000000000000004").await;
    let rt =
        create_losing(&h, &lossy, "aws_route_table", &obj([("vpc_id", vpc_id.clone())]), "mp-000000000000000000000005")
            .await;
    let route_cfg = obj([
        ("route_table_id", rt.get("id").clone()),
        ("destination_cidr_block", Value::from("0.0.0.0/0")),
        ("gateway_id", igw.get("id").clone()),
    ]);
    create_losing(&h, &lossy, "aws_route", &route_cfg, "mp-000000000000000000000006").await;
    let assoc_cfg = obj([("route_table_id", rt.get("id").clone()), ("subnet_id", subnet.get("id").clone())]);
    let assoc =
        create_losing(&h, &lossy, "aws_route_table_association", &assoc_cfg, "mp-000000000000000000000007").await;
    assert!(s(&assoc, "id").starts_with("rtbassoc-"), "{assoc}");
    let role = create_losing(
        &h,
        &lossy,
        "aws_iam_role",
        &obj([("name", Value::from("r")), ("assume_role_policy", Value::from(TRUST))]),
        "mp-000000000000000000000008",
    )
    .await;
    create_losing(
        &h,
        &lossy,
        "aws_s3_bucket",
        &obj([("bucket", Value::from("lossy-bucket"))]),
        "mp-000000000000000000000009",
    )
    .await;
    let lost = lossy.lost();
    for op in [
        "CreateVpc",
        "ModifyVpcAttribute",
        "CreateSubnet",
        "CreateInternetGateway",
        "AttachInternetGateway",
        "CreateSecurityGroup",
        "CreateRouteTable",
        "CreateRoute",
        "AssociateRouteTable",
        "CreateRole",
        "CreateBucket",
    ] {
        assert!(lost.iter().any(|l| l == op), "the answer of {op} was not lost: {lost:?}");
    }

    // Exactly one of each, as listed by the API itself.
    let ec2 = &h.clients().ec2;
    let vpcs = ec2.describe_vpcs().send().await.unwrap();
    assert_eq!(vpcs.vpcs().iter().filter(|v| v.is_default() != Some(true)).count(), 1, "VPCs: {:?}", vpcs.vpcs());
    let subnets = ec2.describe_subnets().filters(filter("vpc-id", &vpc_id)).send().await.unwrap();
    assert_eq!(subnets.subnets().len(), 1);
    let igws = ec2.describe_internet_gateways().send().await.unwrap();
    assert_eq!(igws.internet_gateways().len(), 1);
    let sgs = ec2.describe_security_groups().filters(filter("vpc-id", &vpc_id)).send().await.unwrap();
    assert_eq!(sgs.security_groups().iter().filter(|g| g.group_name() != Some("default")).count(), 1);
    let group = sgs.security_groups().iter().find(|g| g.group_id() == sg.get_str("id")).expect("our group");
    assert_eq!(group.ip_permissions().len(), 1, "{:?}", group.ip_permissions());
    assert!(
        group.ip_permissions_egress().is_empty(),
        "the default egress was revoked: {:?}",
        group.ip_permissions_egress()
    );
    let rts = ec2.describe_route_tables().filters(filter("vpc-id", &vpc_id)).send().await.unwrap();
    assert_eq!(rts.route_tables().len(), 2, "the main table and ours");
    let roles = h.clients().iam.list_roles().send().await.unwrap();
    assert_eq!(roles.roles().iter().filter(|r| r.role_name() == s(&role, "name")).count(), 1);
    let buckets = h.clients().s3.list_buckets().send().await.unwrap();
    assert_eq!(buckets.buckets().len(), 1);
}

fn filter(name: &str, value: &Value) -> aws_sdk_ec2::types::Filter {
    aws_sdk_ec2::types::Filter::builder().name(name).values(value.as_str().unwrap()).build()
}
