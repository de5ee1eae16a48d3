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
