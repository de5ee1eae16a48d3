//! aws_autoscaling_group_tag against moto.

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
