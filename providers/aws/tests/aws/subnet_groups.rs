//! aws_db_subnet_group, aws_elasticache_subnet_group and aws_redshift_subnet_group against
//! moto. moto has no ModifyCacheSubnetGroup, DeleteCacheSubnetGroup or
//! ModifyClusterSubnetGroup, and its ModifyDBSubnetGroup loses the group: those calls are
//! checked in `mocked_services.rs`.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000b7";

/// A VPC with two subnets in two zones (what every subnet group needs).
async fn subnets(h: &Harness) -> (String, Vec<Value>) {
    let vpc = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.7.0.0/16"))])).await;
    let mut ids = vec![];
    for (cidr, az) in [("10.7.1.0/24", "us-east-1a"), ("10.7.2.0/24", "us-east-1b"), ("10.7.3.0/24", "us-east-1c")] {
        let cfg = obj([
            ("vpc_id", vpc.get("id").clone()),
            ("cidr_block", Value::from(cidr)),
            ("availability_zone", Value::from(az)),
        ]);
        ids.push(h.create("aws_subnet", &cfg).await.get("id").clone());
    }
    ids.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    (s(&vpc, "id"), ids)
}

#[tokio::test]
async fn db_subnet_group_lifecycle() {
    let h = Harness::new().await;
    let (vpc, ids) = subnets(&h).await;
    let cfg = |description: Option<&str>, subnets: &[Value], team: &str| {
        let mut c = obj([
            ("name_prefix", Value::from("db-")),
            ("subnet_ids", Value::List(subnets.to_vec())),
            ("tags", tags([("team", team)])),
        ]);
        if let Some(d) = description {
            c.set("description", Value::from(d));
        }
        c
    };
    let t = "aws_db_subnet_group";
    let (planned, g) = h.create_with_token(t, &cfg(None, &ids[..2], "a"), TOKEN).await;
    assert_eq!(s(&g, "id"), "db-mp0000000000000000000000b7");
    assert_eq!(s(&g, "name"), s(&g, "id"));
    assert_eq!(s(&g, "description"), "Managed by Terraform");
    assert_eq!(s(&g, "vpc_id"), vpc);
    assert!(s(&g, "arn").ends_with(":subgrp:db-mp0000000000000000000000b7"), "{g}");
    assert_eq!(g.get("subnet_ids"), &Value::List(ids[..2].to_vec()));
    assert!(g.get("supported_network_types").as_list().is_some(), "{g}");
    assert_eq!(g.get("tags"), &tags([("team", "a")]));
    h.assert_no_changes(t, &g, &cfg(None, &ids[..2], "a")).await;
    // A set: the same subnets written in another order are no change.
    let reversed: Vec<Value> = ids[..2].iter().rev().cloned().collect();
    let (_, g_rev) =
        h.create_with_token(t, &cfg(Some("db-reversed"), &reversed, "a"), "mp-00000000000000000000000c").await;
    h.assert_no_changes(t, &g_rev, &cfg(Some("db-reversed"), &reversed, "a")).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some(s(&g, "id")));
    assert_eq!(h.find(t, "mp-ffffffffffffffffffffffff", &planned).await, None);

    // Tags change in place (description and subnets: mocked_services.rs).
    let g2 = h.update(t, &g, &cfg(None, &ids[..2], "b")).await;
    assert_eq!(g2.get("tags"), &tags([("team", "b")]));
    h.assert_no_changes(t, &g2, &cfg(None, &ids[..2], "b")).await;
    let mut renamed = cfg(None, &ids[..2], "b");
    renamed.set("name", Value::from("other"));
    h.assert_replaces(t, &g2, &renamed, "name").await;

    let imported = h.import(t, &s(&g2, "id")).await;
    assert_eq!(imported.get("subnet_ids"), g2.get("subnet_ids"));
    assert_eq!(imported.get("tags"), g2.get("tags"));
    assert_eq!(imported.get("description"), g2.get("description"));
    h.delete_and_confirm_gone(t, &g2).await;
    h.delete(t, &g2).await;
}

#[tokio::test]
async fn elasticache_subnet_group_lifecycle() {
    let h = Harness::new().await;
    let (vpc, ids) = subnets(&h).await;
    let t = "aws_elasticache_subnet_group";
    let cfg = |team: &str| {
        obj([
            ("name", Value::from("Cache")),
            ("subnet_ids", Value::List(ids[..2].to_vec())),
            ("tags", tags([("team", team)])),
        ])
    };
    let (planned, g) = h.create_with_token(t, &cfg("a"), TOKEN).await;
    // ElastiCache keeps names in lower case; the name as written stays in the state.
    assert_eq!(s(&g, "id"), "cache");
    assert_eq!(s(&g, "name"), "Cache");
    assert_eq!(s(&g, "vpc_id"), vpc);
    assert_eq!(s(&g, "description"), "Managed by Terraform");
    assert!(s(&g, "arn").ends_with(":subnetgroup:cache"), "{g}");
    assert_eq!(g.get("subnet_ids"), &Value::List(ids[..2].to_vec()));
    h.assert_no_changes(t, &g, &cfg("a")).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some("cache".to_string()));
    assert_eq!(h.find(t, "mp-ffffffffffffffffffffffff", &planned).await, None);
    // Tags change in place; the name forces a new group.
    let g2 = h.update(t, &g, &cfg("b")).await;
    assert_eq!(g2.get("tags"), &tags([("team", "b")]));
    h.assert_no_changes(t, &g2, &cfg("b")).await;
    let mut renamed = cfg("b");
    renamed.set("name", Value::from("other"));
    h.assert_replaces(t, &g2, &renamed, "name").await;
    let imported = h.import(t, "cache").await;
    assert_eq!(imported.get("subnet_ids"), g2.get("subnet_ids"));
    assert_eq!(imported.get("tags"), &tags([("team", "b")]));
    // Creating the same name again without our token is an error, not an adoption.
    let err = h
        .resource(t)
        .create(&h.ctx("aws_elasticache_subnet_group.again"), &h.plan(t, None, &cfg("b")).await.state)
        .await
        .unwrap_err();
    assert!(err.message.contains("CreateCacheSubnetGroup"), "{}", err.message);
}

#[tokio::test]
async fn redshift_subnet_group_lifecycle() {
    let h = Harness::new().await;
    let (_, ids) = subnets(&h).await;
    let t = "aws_redshift_subnet_group";
    let cfg = |team: &str| {
        obj([
            ("name", Value::from("warehouse")),
            ("description", Value::from("redshift")),
            ("subnet_ids", Value::List(ids[..2].to_vec())),
            ("tags", tags([("team", team)])),
        ])
    };
    let (planned, g) = h.create_with_token(t, &cfg("a"), TOKEN).await;
    assert_eq!(s(&g, "id"), "warehouse");
    assert_eq!(s(&g, "arn"), "arn:aws:redshift:us-east-1:123456789012:subnetgroup:warehouse");
    assert_eq!(s(&g, "description"), "redshift");
    assert_eq!(g.get("subnet_ids"), &Value::List(ids[..2].to_vec()));
    assert_eq!(g.get("tags"), &tags([("team", "a")]));
    h.assert_no_changes(t, &g, &cfg("a")).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some("warehouse".to_string()));
    assert_eq!(h.find(t, "mp-ffffffffffffffffffffffff", &planned).await, None);
    let g2 = h.update(t, &g, &cfg("b")).await;
    assert_eq!(g2.get("tags"), &tags([("team", "b")]));
    h.assert_no_changes(t, &g2, &cfg("b")).await;
    let mut renamed = cfg("b");
    renamed.set("name", Value::from("other"));
    h.assert_replaces(t, &g2, &renamed, "name").await;
    assert_eq!(h.import(t, "warehouse").await.get("subnet_ids"), g2.get("subnet_ids"));
    h.delete_and_confirm_gone(t, &g2).await;
    h.delete(t, &g2).await;
}
