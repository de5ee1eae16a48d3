//! Data sources against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

#[tokio::test]
async fn identity_partition_region_zones() {
    let h = Harness::new().await;
    let me = h.data("aws_caller_identity", &obj([])).await;
    assert_eq!(s(&me, "account_id").len(), 12);
    let p = h.data("aws_partition", &obj([])).await;
    assert_eq!(s(&p, "partition"), "aws");
    assert_eq!(s(&p, "dns_suffix"), "amazonaws.com");
    let r = h.data("aws_region", &obj([])).await;
    assert_eq!(s(&r, "name"), "us-east-1");
    let azs = h.data("aws_availability_zones", &obj([("state", Value::from("available"))])).await;
    let names = azs.get("names").as_list().unwrap();
    assert!(names.len() >= 3 && names[0] == Value::from("us-east-1a"), "{names:?}");
    let first_id = azs.get("zone_ids").as_list().unwrap()[0].clone();
    let fewer = h.data("aws_availability_zones", &obj([("exclude_zone_ids", Value::List(vec![first_id]))])).await;
    let fewer = fewer.get("names").as_list().unwrap();
    assert_eq!(fewer.len(), names.len() - 1);
    assert!(!fewer.contains(&Value::from("us-east-1a")), "{fewer:?}");
}

#[tokio::test]
async fn vpc_and_subnets_lookup() {
    let h = Harness::new().await;
    let v = h
        .create("aws_vpc", &obj([("cidr_block", Value::from("10.2.0.0/16")), ("tags", tags([("Name", "foo")]))]))
        .await;
    for (i, cidr) in ["10.2.1.0/24", "10.2.2.0/24"].iter().enumerate() {
        let tier = if i == 0 { "private" } else { "public" };
        h.create(
            "aws_subnet",
            &obj([
                ("vpc_id", v.get("id").clone()),
                ("cidr_block", Value::from(*cidr)),
                ("tags", tags([("tier", tier)])),
            ]),
        )
        .await;
    }
    let found = h.data("aws_vpc", &obj([("tags", tags([("Name", "foo")]))])).await;
    assert_eq!(found.get("id"), v.get("id"));
    assert_eq!(found.get("main_route_table_id"), v.get("main_route_table_id"));
    assert_eq!(found.get("enable_dns_support"), &Value::from(true));
    assert_eq!(found.get("enable_dns_hostnames"), v.get("enable_dns_hostnames"));
    let assoc = &found.get("cidr_block_associations").as_list().expect("associations")[0];
    assert_eq!(assoc.get("cidr_block"), &Value::from("10.2.0.0/16"));
    assert!(assoc.get_str("association_id").is_some_and(|a| a.starts_with("vpc-cidr-assoc-")), "{assoc:?}");
    let default = h.data("aws_vpc", &obj([("default", Value::from(true))])).await;
    assert_ne!(default.get("id"), v.get("id"));
    let filter = obj([("name", Value::from("vpc-id")), ("values", Value::List(vec![v.get("id").clone()]))]);
    let all = h.data("aws_subnets", &obj([("filter", Value::List(vec![filter.clone()]))])).await;
    assert_eq!(all.get("ids").as_list().unwrap().len(), 2);
    let private = h
        .data("aws_subnets", &obj([("filter", Value::List(vec![filter])), ("tags", tags([("tier", "private")]))]))
        .await;
    assert_eq!(private.get("ids").as_list().unwrap().len(), 1);
}
