//! The VPN types terraform-aws-modules/vpc declares, against moto: aws_customer_gateway,
//! aws_vpn_gateway (attached in the resource), aws_vpn_gateway_attachment.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000b1";

#[tokio::test]
async fn customer_gateway_lifecycle() {
    let h = Harness::new().await;
    const C: &str = "aws_customer_gateway";
    let cfg = |name: &str| {
        obj([
            ("bgp_asn", Value::from("65000")),
            ("ip_address", Value::from("203.0.113.12")),
            ("type", Value::from("ipsec.1")),
            ("tags", tags([("Name", name)])),
        ])
    };
    let (planned, g) = h.create_with_token(C, &cfg("office"), TOKEN).await;
    assert!(s(&g, "id").starts_with("cgw-"), "{g}");
    assert!(s(&g, "arn").ends_with(&format!(":customer-gateway/{}", s(&g, "id"))));
    assert_eq!((g.get("bgp_asn"), g.get("ip_address")), (&Value::from("65000"), &Value::from("203.0.113.12")));
    h.assert_no_changes(C, &g, &cfg("office")).await;
    assert_eq!(h.find(C, TOKEN, &planned).await.as_ref(), Some(&g));
    assert_eq!(h.find(C, "mp-ffffffffffffffffffffffff", &planned).await, None);
    let g = h.update(C, &g, &cfg("hq")).await;
    assert_eq!(g.get("tags"), &tags([("Name", "hq")]));
    let mut moved = cfg("hq");
    moved.set("ip_address", Value::from("203.0.113.13"));
    h.assert_replaces(C, &g, &moved, "ip_address").await;
    let imported = h.import(C, &s(&g, "id")).await;
    assert_eq!((imported.get("bgp_asn"), imported.get("type")), (g.get("bgp_asn"), g.get("type")));
    h.delete_and_confirm_gone(C, &g).await;
    h.delete(C, &g).await;
    assert_eq!(h.find(C, TOKEN, &planned).await, None, "a deleted gateway is not found");
}

#[tokio::test]
async fn vpn_gateway_attached_in_the_resource_and_by_attachment() {
    let h = Harness::new().await;
    const G: &str = "aws_vpn_gateway";
    const A: &str = "aws_vpn_gateway_attachment";
    let v1 = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.20.0.0/16"))])).await;
    let v2 = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.21.0.0/16"))])).await;
    let cfg = |v: &Value| {
        obj([
            ("vpc_id", v.get("id").clone()),
            ("amazon_side_asn", Value::from("64512")),
            ("tags", tags([("Name", "vgw")])),
        ])
    };
    let (planned, g) = h.create_with_token(G, &cfg(&v1), TOKEN).await;
    assert!(s(&g, "id").starts_with("vgw-"), "{g}");
    assert_eq!((g.get("vpc_id"), g.get("amazon_side_asn")), (v1.get("id"), &Value::from("64512")));
    assert!(s(&g, "arn").ends_with(&format!(":vpn-gateway/{}", s(&g, "id"))));
    h.assert_no_changes(G, &g, &cfg(&v1)).await;
    assert_eq!(h.find(G, TOKEN, &planned).await.as_ref(), Some(&g));
    assert_eq!(h.find(G, "mp-ffffffffffffffffffffffff", &planned).await, None);
    // Another VPC: detached and attached in place.
    let g = h.update(G, &g, &cfg(&v2)).await;
    assert_eq!(g.get("vpc_id"), v2.get("id"));
    h.assert_no_changes(G, &g, &cfg(&v2)).await;
    let mut asn = cfg(&v2);
    asn.set("amazon_side_asn", Value::from("64513"));
    h.assert_replaces(G, &g, &asn, "amazon_side_asn").await;
    let imported = h.import(G, &s(&g, "id")).await;
    assert_eq!(imported.get("vpc_id"), v2.get("id"));
    h.delete_and_confirm_gone(G, &g).await;
    h.delete(G, &g).await;

    // A detached gateway, attached by aws_vpn_gateway_attachment.
    let lone = h.create(G, &obj([])).await;
    assert_eq!(lone.get("vpc_id"), &Value::Null);
    let acfg = obj([("vpc_id", v1.get("id").clone()), ("vpn_gateway_id", lone.get("id").clone())]);
    let a = h.create(A, &acfg).await;
    assert!(s(&a, "id").starts_with("vpn-attachment-"), "{a}");
    h.assert_no_changes(A, &a, &acfg).await;
    let planned = h.plan(A, None, &acfg).await.state;
    assert_eq!(h.find(A, "mp-1", &planned).await.as_ref().map(|f| f.get("id")), Some(a.get("id")));
    let imported = h.import(A, &format!("{}/{}", s(&v1, "id"), s(&lone, "id"))).await;
    assert_eq!(imported.get("id"), a.get("id"));
    h.assert_replaces(
        A,
        &a,
        &obj([("vpc_id", v2.get("id").clone()), ("vpn_gateway_id", lone.get("id").clone())]),
        "vpc_id",
    )
    .await;
    h.delete_and_confirm_gone(A, &a).await;
    h.delete(A, &a).await;
    assert!(h.find(A, "mp-1", &planned).await.is_none(), "detached: nothing to adopt");
    h.delete_and_confirm_gone(G, &lone).await;
}
