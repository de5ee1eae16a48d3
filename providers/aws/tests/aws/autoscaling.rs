//! aws_autoscaling_group_tag and aws_autoscaling_schedule against moto.

use crate::support::{obj, s, Harness};
use meshplan_provider::Value;

#[tokio::test]
async fn autoscaling_group_tag_lifecycle() {
    let h = Harness::new().await;
    let asg = &h.clients().autoscaling;
    asg.create_launch_configuration()
        .launch_configuration_name("lc")
        .image_id("ami-04681a1dbd79675a5")
        .instance_type("t3.micro")
        .send()
        .await
        .unwrap();
    asg.create_auto_scaling_group()
        .auto_scaling_group_name("nodes")
        .launch_configuration_name("lc")
        .min_size(0)
        .max_size(1)
        .availability_zones("us-east-1a")
        .send()
        .await
        .unwrap();
    let cfg = |value: &str, propagate: bool| {
        obj([
            ("autoscaling_group_name", Value::from("nodes")),
            (
                "tag",
                Value::List(vec![obj([
                    ("key", Value::from("k8s.io/cluster-autoscaler/enabled")),
                    ("value", Value::from(value)),
                    ("propagate_at_launch", Value::from(propagate)),
                ])]),
            ),
        ])
    };
    let t = h.create("aws_autoscaling_group_tag", &cfg("true", false)).await;
    assert_eq!(s(&t, "id"), "nodes,k8s.io/cluster-autoscaler/enabled");
    h.assert_no_changes("aws_autoscaling_group_tag", &t, &cfg("true", false)).await;
    let t2 = h.update("aws_autoscaling_group_tag", &t, &cfg("false", true)).await;
    let tag = &t2.get("tag").as_list().unwrap()[0];
    assert_eq!(tag.get("value"), &Value::from("false"));
    assert_eq!(tag.get("propagate_at_launch"), &Value::from(true));
    let imported = h.import("aws_autoscaling_group_tag", &s(&t2, "id")).await;
    assert_eq!(imported.get("tag"), t2.get("tag"));
    let planned = h.plan("aws_autoscaling_group_tag", None, &cfg("false", true)).await.state;
    assert!(h.find("aws_autoscaling_group_tag", "mp-1", &planned).await.is_some());
    let other = h.plan("aws_autoscaling_group_tag", None, &cfg("other", true)).await.state;
    assert!(h.find("aws_autoscaling_group_tag", "mp-1", &other).await.is_none(), "another value is not ours");
    h.delete_and_confirm_gone("aws_autoscaling_group_tag", &t2).await;
}

#[tokio::test]
async fn autoscaling_schedule_lifecycle() {
    let h = Harness::new().await;
    let asg = &h.clients().autoscaling;
    asg.create_launch_configuration()
        .launch_configuration_name("lc-s")
        .image_id("ami-04681a1dbd79675a5")
        .instance_type("t3.micro")
        .send()
        .await
        .unwrap();
    asg.create_auto_scaling_group()
        .auto_scaling_group_name("workers")
        .launch_configuration_name("lc-s")
        .min_size(0)
        .max_size(3)
        .availability_zones("us-east-1a")
        .send()
        .await
        .unwrap();
    const S: &str = "aws_autoscaling_schedule";
    let cfg = |desired: i64, recurrence: &str| {
        obj([
            ("autoscaling_group_name", Value::from("workers")),
            ("scheduled_action_name", Value::from("night")),
            ("min_size", Value::from(0i64)),
            ("max_size", Value::from(3i64)),
            ("desired_capacity", Value::from(desired)),
            ("recurrence", Value::from(recurrence)),
            ("time_zone", Value::from("Etc/UTC")),
        ])
    };
    let (planned, a) = h.create_with_token(S, &cfg(0, "0 20 * * *"), "mp-00000000000000000000000a").await;
    assert_eq!(s(&a, "id"), "night");
    assert_eq!(a.get("desired_capacity"), &Value::from(0i64));
    // moto reports no ARN (AWS does): it reads back as null, never made up.
    assert_eq!(a.get("arn"), &Value::Null);
    h.assert_no_changes(S, &a, &cfg(0, "0 20 * * *")).await;
    // Untaggable: found by its content after a crash.
    assert!(h.find(S, "mp-1", &planned).await.is_some());
    let other = h.plan(S, None, &cfg(2, "0 20 * * *")).await.state;
    assert!(h.find(S, "mp-1", &other).await.is_none(), "other sizes are not ours");

    let a2 = h.update(S, &a, &cfg(1, "0 21 * * *")).await;
    assert_eq!((a2.get("desired_capacity"), a2.get("recurrence")), (&Value::from(1i64), &Value::from("0 21 * * *")));
    h.assert_no_changes(S, &a2, &cfg(1, "0 21 * * *")).await;
    let mut renamed = cfg(1, "0 21 * * *");
    renamed.set("scheduled_action_name", Value::from("morning"));
    h.assert_replaces(S, &a2, &renamed, "scheduled_action_name").await;

    let imported = h.import(S, "workers/night").await;
    assert_eq!((imported.get("recurrence"), imported.get("max_size")), (a2.get("recurrence"), a2.get("max_size")));
    assert!(h.resource(S).import(&h.ctx("x"), "night").await.is_err(), "the import ID names the group too");
    h.delete_and_confirm_gone(S, &a2).await;
    h.delete(S, &a2).await;
}

/// A VPC subnet and a launch template (made with the SDK) for groups to use.
async fn network_and_template(h: &Harness, name: &str) -> (String, String) {
    let ec2 = &h.clients().ec2;
    let vpc = ec2.create_vpc().cidr_block("10.60.0.0/16").send().await.unwrap();
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).unwrap().to_string();
    let subnet = ec2
        .create_subnet()
        .vpc_id(&vpc_id)
        .cidr_block("10.60.1.0/24")
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap();
    let subnet_id = subnet.subnet().and_then(|s| s.subnet_id()).unwrap().to_string();
    let data = aws_sdk_ec2::types::RequestLaunchTemplateData::builder()
        .image_id("ami-04681a1dbd79675a5")
        .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
        .build();
    let lt = ec2.create_launch_template().launch_template_name(name).launch_template_data(data).send().await.unwrap();
    (subnet_id, lt.launch_template().and_then(|t| t.launch_template_id()).unwrap().to_string())
}

#[tokio::test]
async fn autoscaling_group_lifecycle() {
    const G: &str = "aws_autoscaling_group";
    let h = Harness::new().await;
    let (subnet, template) = network_and_template(&h, "asg-lt").await;
    let cfg = |max: i64, env: &str, name: &str| {
        obj([
            ("name", Value::from(name)),
            ("min_size", Value::from(1i64)),
            ("max_size", Value::from(max)),
            ("vpc_zone_identifier", Value::List(vec![Value::from(subnet.as_str())])),
            (
                "launch_template",
                Value::List(vec![obj([("id", Value::from(template.as_str())), ("version", Value::from("$Latest"))])]),
            ),
            (
                "tag",
                Value::List(vec![
                    obj([
                        ("key", Value::from("Name")),
                        ("value", Value::from("workers")),
                        ("propagate_at_launch", Value::from(true)),
                    ]),
                    obj([
                        ("key", Value::from("env")),
                        ("value", Value::from(env)),
                        ("propagate_at_launch", Value::from(false)),
                    ]),
                ]),
            ),
            ("enabled_metrics", Value::List(vec![Value::from("GroupInServiceInstances")])),
            ("suspended_processes", Value::List(vec![Value::from("AZRebalance")])),
            ("termination_policies", Value::List(vec![Value::from("OldestInstance")])),
            ("wait_for_capacity_timeout", Value::from("2m")),
        ])
    };
    let (planned, g) = h.create_with_token(G, &cfg(2, "dev", "workers"), "mp-0123456789abcdef01234567").await;
    assert_eq!(s(&g, "id"), "workers");
    assert!(s(&g, "arn").starts_with("arn:aws:autoscaling:"), "{}", s(&g, "arn"));
    assert_eq!(g.get("desired_capacity"), &Value::from(1i64), "AWS's default: min_size");
    let live = h.clients().autoscaling.describe_auto_scaling_groups().auto_scaling_group_names("workers");
    let live = live.send().await.unwrap().auto_scaling_groups()[0].clone();
    assert_eq!(live.instances().len(), 1, "the apply waited for min_size instances");
    assert!(
        live.tags().iter().any(|t| t.key() == Some(meshplan_provider::INTENT_TAG)),
        "the group carries the intent tag"
    );
    assert_eq!(g.get("tag").as_list().unwrap().len(), 2, "the intent tag is not shown as a tag block");
    h.assert_no_changes(G, &g, &cfg(2, "dev", "workers")).await;

    // In place: sizes and tags.
    let g2 = h.update(G, &g, &cfg(3, "prod", "workers")).await;
    assert_eq!(g2.get("max_size"), &Value::from(3i64));
    let env = g2.get("tag").as_list().unwrap().iter().find(|t| t.get_str("key") == Some("env")).cloned().unwrap();
    assert_eq!(env.get("value"), &Value::from("prod"));
    h.assert_no_changes(G, &g2, &cfg(3, "prod", "workers")).await;
    h.assert_replaces(G, &g2, &cfg(3, "prod", "workers-2"), "name").await;

    // A lost create answer: found by its name and intent tag; another token is not ours.
    assert!(h.find(G, "mp-0123456789abcdef01234567", &planned).await.is_some());
    assert!(h.find(G, "mp-ffffffffffffffffffffffff", &planned).await.is_none());

    let imported = h.import(G, "workers").await;
    assert_eq!(imported.get("max_size"), &Value::from(3i64));
    assert_eq!(imported.get("launch_template"), g2.get("launch_template"));

    // A lifecycle hook on it.
    const HOOK: &str = "aws_autoscaling_lifecycle_hook";
    let hook = |timeout: i64| {
        obj([
            ("autoscaling_group_name", Value::from("workers")),
            ("name", Value::from("drain")),
            ("lifecycle_transition", Value::from("autoscaling:EC2_INSTANCE_TERMINATING")),
            ("default_result", Value::from("CONTINUE")),
            ("heartbeat_timeout", Value::from(timeout)),
            // moto ignores these two and answers fixed placeholder ARNs: configure those.
            ("notification_target_arn", Value::from("arn:aws:sqs:us-east-1:123456789012:my-queue")),
            ("role_arn", Value::from("arn:aws:iam::1234567890:role/my-auto-scaling-role")),
        ])
    };
    let hk = h.create(HOOK, &hook(300)).await;
    h.assert_no_changes(HOOK, &hk, &hook(300)).await;
    let hk2 = h.update(HOOK, &hk, &hook(600)).await;
    assert_eq!(hk2.get("heartbeat_timeout"), &Value::from(600i64));
    assert_eq!(h.import(HOOK, "workers/drain").await.get("heartbeat_timeout"), &Value::from(600i64));
    h.delete_and_confirm_gone(HOOK, &hk2).await;

    h.delete_and_confirm_gone(G, &g2).await;
    h.delete(G, &g2).await; // a second delete is harmless
}

#[tokio::test]
async fn autoscaling_group_unnamed_and_prefixed() {
    const G: &str = "aws_autoscaling_group";
    let h = Harness::new().await;
    let (subnet, template) = network_and_template(&h, "asg-lt-2").await;
    let cfg = obj([
        ("name_prefix", Value::from("nodes-")),
        ("min_size", Value::from(0i64)),
        ("max_size", Value::from(1i64)),
        ("vpc_zone_identifier", Value::List(vec![Value::from(subnet.as_str())])),
        ("launch_template", Value::List(vec![obj([("id", Value::from(template.as_str()))])])),
    ]);
    let g = h.create(G, &cfg).await;
    let name = s(&g, "name");
    assert!(name.starts_with("nodes-") && name.len() == "nodes-".len() + 26, "{name}");
    h.assert_no_changes(G, &g, &cfg).await;
    h.delete_and_confirm_gone(G, &g).await;
}
