//! aws_launch_template against moto: the eks modules' form, versions on update, find, import.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-00000000000000000000abcd";
const LT: &str = "aws_launch_template";

fn strs<const N: usize>(items: [&str; N]) -> Value {
    Value::List(items.iter().map(|s| Value::from(*s)).collect())
}

fn n(x: i64) -> Value {
    Value::from(x)
}

async fn group(h: &Harness, vpc: &Value, name: &str) -> Value {
    let cfg = obj([("name", Value::from(name)), ("description", Value::from(name)), ("vpc_id", vpc.get("id").clone())]);
    h.create("aws_security_group", &cfg).await
}

/// What terraform-aws-modules/eks's node groups write (EKS-optimised AMI, IMDSv2, gp3 root).
fn template(sgs: Value, instance_type: &str, name: &str) -> Value {
    obj([
        ("name_prefix", Value::from("nodes-")),
        ("description", Value::from("node group")),
        ("image_id", Value::from("ami-04681a1dbd79675a5")),
        ("instance_type", Value::from(instance_type)),
        ("key_name", Value::from("ops")),
        ("user_data", Value::from("IyEvYmluL2Jhc2gKZWNobyBoaQo=")),
        ("update_default_version", Value::from(true)),
        ("vpc_security_group_ids", sgs),
        (
            "block_device_mappings",
            Value::List(vec![obj([
                ("device_name", Value::from("/dev/xvda")),
                (
                    "ebs",
                    obj([
                        ("volume_size", n(50)),
                        ("volume_type", Value::from("gp3")),
                        ("iops", n(3000)),
                        ("throughput", n(150)),
                        ("encrypted", Value::from("true")),
                        ("delete_on_termination", Value::from("true")),
                    ]),
                ),
            ])]),
        ),
        ("credit_specification", obj([("cpu_credits", Value::from("unlimited"))])),
        (
            "metadata_options",
            obj([
                ("http_endpoint", Value::from("enabled")),
                ("http_tokens", Value::from("required")),
                ("http_put_response_hop_limit", n(2)),
                ("instance_metadata_tags", Value::from("disabled")),
            ]),
        ),
        ("monitoring", obj([("enabled", Value::from(true))])),
        ("placement", obj([("availability_zone", Value::from("us-east-1a"))])),
        (
            "tag_specifications",
            Value::List(vec![
                obj([("resource_type", Value::from("instance")), ("tags", tags([("Name", name)]))]),
                obj([("resource_type", Value::from("volume")), ("tags", tags([("Name", name)]))]),
            ]),
        ),
        ("tags", tags([("Name", "lt")])),
    ])
}

#[tokio::test]
async fn launch_template_versions_find_import() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let v = h.create("aws_vpc", &obj([("cidr_block", Value::from("10.9.0.0/16"))])).await;
    let (sg1, sg2) = (group(&h, &v, "nodes").await, group(&h, &v, "peers").await);
    let sgs = Value::List(vec![sg1.get("id").clone(), sg2.get("id").clone()]);
    let cfg = template(sgs.clone(), "t3.medium", "node");

    let (planned, lt) = h.create_with_token(LT, &cfg, TOKEN).await;
    assert!(s(&lt, "id").starts_with("lt-"), "{lt}");
    assert_eq!(s(&lt, "name"), "nodes-mp00000000000000000000abcd", "name_prefix + the token");
    assert!(s(&lt, "arn").ends_with(&format!(":launch-template/{}", s(&lt, "id"))), "{lt}");
    assert_eq!((lt.get("latest_version"), lt.get("default_version")), (&n(1), &n(1)));
    assert_eq!(lt.get("vpc_security_group_ids"), &sgs);
    let ebs = &lt.get("block_device_mappings").as_list().unwrap()[0].get("ebs").as_list().unwrap()[0];
    assert_eq!((ebs.get("volume_size"), ebs.get("volume_type")), (&n(50), &Value::from("gp3")));
    assert_eq!(ebs.get("encrypted"), &Value::from("true"));
    assert_eq!(lt.get("metadata_options").as_list().unwrap()[0].get("http_tokens"), &Value::from("required"));
    // The template's own tags (and the intent tag) are not launch-time tag specifications.
    assert_eq!(lt.get("tag_specifications").as_list().map(Vec::len), Some(2), "{lt}");
    assert_eq!(lt.get("tags_all"), &tags([("Name", "lt"), ("team", "mesh")]));
    h.assert_no_changes(LT, &lt, &cfg).await;

    // After a crash: found by the token's name and intent tag; another token finds nothing.
    assert_eq!(h.find(LT, TOKEN, &planned).await.as_ref(), Some(&lt));
    assert_eq!(h.find(LT, "mp-ffffffffffffffffffffffff", &planned).await, None);

    // Tags alone: no new version.
    let mut retagged = cfg.clone();
    retagged.set("tags", tags([("Name", "lt2")]));
    let lt = h.update(LT, &lt, &retagged).await;
    assert_eq!((lt.get("latest_version"), lt.get("tags")), (&n(1), &tags([("Name", "lt2")])));
    h.assert_no_changes(LT, &lt, &retagged).await;

    // Launch data: a new version, made the default (update_default_version).
    let mut bigger = template(sgs.clone(), "t3.large", "node");
    bigger.set("tags", tags([("Name", "lt2")]));
    let plan = h.plan(LT, Some(&lt), &bigger).await;
    assert_eq!(
        (plan.state.get("latest_version"), plan.state.get("default_version")),
        (&Value::Unknown, &Value::Unknown)
    );
    let lt = h.update(LT, &lt, &bigger).await;
    assert_eq!((lt.get("latest_version"), lt.get("default_version")), (&n(2), &n(2)));
    assert_eq!(lt.get("instance_type"), &Value::from("t3.large"));
    h.assert_no_changes(LT, &lt, &bigger).await;

    // Network interfaces instead of security group IDs; the default stays where it was told.
    let mut eni = bigger.clone();
    eni.set("vpc_security_group_ids", Value::Null);
    eni.set("update_default_version", Value::Null);
    eni.set("default_version", n(1));
    eni.set(
        "network_interfaces",
        Value::List(vec![obj([
            ("device_index", n(0)),
            ("associate_public_ip_address", Value::from("false")),
            ("delete_on_termination", Value::from("true")),
            ("security_groups", strs([&s(&sg2, "id"), &s(&sg1, "id")])),
        ])]),
    );
    let lt = h.update(LT, &lt, &eni).await;
    assert_eq!((lt.get("latest_version"), lt.get("default_version")), (&n(3), &n(1)));
    let ni = &lt.get("network_interfaces").as_list().unwrap()[0];
    assert_eq!(ni.get("security_groups"), &strs([&s(&sg2, "id"), &s(&sg1, "id")]), "the set keeps its order");
    assert_eq!(ni.get("associate_public_ip_address"), &Value::from("false"));
    h.assert_no_changes(LT, &lt, &eni).await;

    let mut renamed = eni.clone();
    renamed.set("name", Value::from("other"));
    h.assert_replaces(LT, &lt, &renamed, "name").await;

    let imported = h.import(LT, &s(&lt, "id")).await;
    for key in ["name", "arn", "image_id", "instance_type", "network_interfaces", "block_device_mappings", "tags"] {
        assert_eq!(imported.get(key), lt.get(key), "{key}");
    }
    assert_eq!((imported.get("latest_version"), imported.get("default_version")), (&n(3), &n(1)));

    h.delete_and_confirm_gone(LT, &lt).await;
    h.delete(LT, &lt).await;
}

#[tokio::test]
async fn launch_template_refuses_blocks_it_does_not_send() {
    let h = Harness::new().await;
    let cfg = obj([
        ("name", Value::from("mixed")),
        ("instance_requirements", obj([("memory_mib", obj([("min", n(1024))])), ("vcpu_count", obj([("min", n(2))]))])),
    ]);
    let planned = h.plan(LT, None, &cfg).await.state;
    let err = h.resource(LT).create(&h.ctx("aws_launch_template.mixed"), &planned).await.unwrap_err();
    assert!(err.message.contains("instance_requirements") && err.message.contains("not supported"), "{}", err.message);
    assert!(h.find(LT, "mp-1", &planned).await.is_none(), "nothing was made");
}
