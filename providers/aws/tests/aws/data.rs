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

#[tokio::test]
async fn ssm_parameter_value_is_sensitive_and_insecure_value_only_for_plain_types() {
    let h = crate::support::Harness::new().await;
    let ssm = &h.clients().ssm;
    let put = |name: &str, value: &str, kind: aws_sdk_ssm::types::ParameterType| {
        ssm.put_parameter().name(name).value(value).r#type(kind).send()
    };
    put("/eks/ami", "ami-0123", aws_sdk_ssm::types::ParameterType::String).await.unwrap();
    put("/db/password", "hunter2", aws_sdk_ssm::types::ParameterType::SecureString).await.unwrap();
    let plain =
        h.data("aws_ssm_parameter", &crate::support::obj([("name", meshplan_provider::Value::from("/eks/ami"))])).await;
    assert_eq!(plain.get("value"), &meshplan_provider::Value::from("ami-0123"));
    assert_eq!(plain.get("insecure_value"), &meshplan_provider::Value::from("ami-0123"));
    assert_eq!(plain.get("type"), &meshplan_provider::Value::from("String"));
    assert_eq!(plain.get("version"), &meshplan_provider::Value::from(1i64));
    assert!(crate::support::s(&plain, "arn").ends_with(":parameter/eks/ami"), "{plain}");
    let secret = h
        .data("aws_ssm_parameter", &crate::support::obj([("name", meshplan_provider::Value::from("/db/password"))]))
        .await;
    assert_eq!(secret.get("value"), &meshplan_provider::Value::from("hunter2"), "decrypted by default");
    assert_eq!(secret.get("insecure_value"), &meshplan_provider::Value::Null);
    let ds = h.data_source("aws_ssm_parameter");
    assert!(ds.schema().attributes["value"].sensitive, "the value is marked sensitive");
    let cfg = crate::support::complete(
        &ds.schema(),
        &crate::support::obj([("name", meshplan_provider::Value::from("/nope"))]),
    );
    let err = ds.read(&h.ctx("data.aws_ssm_parameter.x"), &cfg).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("name"), "{}", err.message);
}
