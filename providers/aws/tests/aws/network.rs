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
    h.assert_no_changes("aws_vpc", &vpc, &cfg).await;

    // Update in place: tags and DNS hostnames.
    let mut cfg2 = vpc_config("10.2.0.0/16", "foo2");
    cfg2.set("enable_dns_hostnames", Value::from(true));
    let vpc2 = h.update("aws_vpc", &vpc, &cfg2).await;
    assert_eq!(vpc2.get("enable_dns_hostnames"), &Value::from(true));
    assert_eq!(vpc2.get("tags").get("Name"), &Value::from("foo2"));
    h.assert_no_changes("aws_vpc", &vpc2, &cfg2).await;

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
    assert_eq!(calls.values().sum::<u64>(), 3, "{calls:?}");

    // Out-of-band delete: the refresh reports it gone.
    h.clients().ec2.delete_vpc().vpc_id(&id).send().await.unwrap();
    assert!(h.read("aws_vpc", &vpc2).await.is_none());
    h.delete("aws_vpc", &vpc2).await; // already gone: not an error
}
