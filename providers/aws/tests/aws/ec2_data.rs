//! EC2 lookups against moto: data aws_ec2_instance_type_offerings, aws_vpc_endpoint_service.

use crate::support::{obj, s, Harness};
use meshplan_provider::Value;

fn strs<const N: usize>(items: [&str; N]) -> Value {
    Value::List(items.iter().map(|s| Value::from(*s)).collect())
}

#[tokio::test]
async fn instance_type_offerings_by_zone() {
    let h = Harness::new().await;
    const D: &str = "aws_ec2_instance_type_offerings";
    let cfg = |t: &str| {
        obj([
            ("location_type", Value::from("availability-zone")),
            ("filter", Value::List(vec![obj([("name", Value::from("instance-type")), ("values", strs([t]))])])),
        ])
    };
    let d = h.data(D, &cfg("m5.large")).await;
    assert_eq!(s(&d, "id"), "us-east-1");
    let list =
        |k: &str| d.get(k).as_list().unwrap().iter().filter_map(Value::as_str).map(str::to_string).collect::<Vec<_>>();
    let (types, zones, kinds) = (list("instance_types"), list("locations"), list("location_types"));
    assert!(!types.is_empty() && types.iter().all(|t| t == "m5.large"), "{d}");
    assert_eq!((zones.len(), kinds.len()), (types.len(), types.len()), "the lists line up");
    assert!(zones.contains(&"us-east-1a".to_string()) && kinds.iter().all(|k| k == "availability-zone"), "{d}");
    let none = h.data(D, &cfg("x9.nonexistent")).await;
    assert_eq!(none.get("instance_types"), &Value::List(vec![]));
}

#[tokio::test]
async fn endpoint_service_lookup() {
    let h = Harness::new().await;
    const D: &str = "aws_vpc_endpoint_service";
    let s3 = h.data(D, &obj([("service", Value::from("s3")), ("service_type", Value::from("Gateway"))])).await;
    assert_eq!(s(&s3, "service_name"), "com.amazonaws.us-east-1.s3");
    assert_eq!(s(&s3, "service_type"), "Gateway");
    assert_eq!(s3.get("id"), s3.get("service_id"));
    assert!(s(&s3, "arn").contains(":vpc-endpoint-service/"), "{s3}");
    let ecr = h.data(D, &obj([("service_name", Value::from("com.amazonaws.us-east-1.ecr.api"))])).await;
    assert_eq!(s(&ecr, "service_type"), "Interface");
    let err = h
        .data_source(D)
        .read(
            &h.ctx("data.aws_vpc_endpoint_service.x"),
            &crate::support::complete(&h.data_source(D).schema(), &obj([("service", Value::from("nope"))])),
        )
        .await
        .unwrap_err();
    assert!(!err.message.is_empty());
}

#[tokio::test]
async fn instance_type_hardware() {
    let h = Harness::new().await;
    let t = h.data("aws_ec2_instance_type", &obj([("instance_type", Value::from("m5.large"))])).await;
    assert_eq!(s(&t, "id"), "m5.large");
    assert_eq!((t.get("default_vcpus"), t.get("memory_size")), (&Value::from(2i64), &Value::from(8192i64)), "{t}");
    assert!(t.get("supported_architectures").as_list().unwrap().contains(&Value::from("x86_64")), "{t}");
    assert!(t.get("maximum_network_interfaces").as_f64().is_some_and(|n| n >= 2.0), "{t}");
    assert!(t.get("current_generation").as_bool().is_some(), "{t}");
    let err = h
        .data_source("aws_ec2_instance_type")
        .read(
            &h.ctx("data.aws_ec2_instance_type.x"),
            &crate::support::complete(
                &h.data_source("aws_ec2_instance_type").schema(),
                &obj([("instance_type", Value::from("x9.nonexistent"))]),
            ),
        )
        .await;
    assert!(err.is_err(), "an unknown type is an error");
}
