//! aws_cloudwatch_log_group against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000dd";

#[tokio::test]
async fn log_group_lifecycle() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let cfg = |days: i64, name: &str| {
        obj([
            ("name_prefix", Value::from("/aws/eks/demo-")),
            ("retention_in_days", Value::from(days)),
            ("tags", tags([("Name", name)])),
        ])
    };
    let (planned, g) = h.create_with_token("aws_cloudwatch_log_group", &cfg(7, "logs"), TOKEN).await;
    assert_eq!(s(&g, "name"), "/aws/eks/demo-mp0000000000000000000000dd");
    assert_eq!(s(&g, "id"), s(&g, "name"));
    assert!(s(&g, "arn").ends_with(":log-group:/aws/eks/demo-mp0000000000000000000000dd"), "{g}");
    assert_eq!(g.get("retention_in_days"), &Value::from(7i64));
    assert_eq!(g.get("log_group_class"), &Value::from("STANDARD"));
    assert_eq!(g.get("tags_all"), &tags([("Name", "logs"), ("team", "mesh")]));
    h.assert_no_changes("aws_cloudwatch_log_group", &g, &cfg(7, "logs")).await;
    assert_eq!(h.find("aws_cloudwatch_log_group", TOKEN, &planned).await.as_ref(), Some(&g));
    assert_eq!(h.find("aws_cloudwatch_log_group", "mp-ffffffffffffffffffffffff", &planned).await, None);

    let g2 = h.update("aws_cloudwatch_log_group", &g, &cfg(30, "renamed")).await;
    assert_eq!(g2.get("retention_in_days"), &Value::from(30i64));
    assert_eq!(g2.get("tags"), &tags([("Name", "renamed")]));
    h.assert_no_changes("aws_cloudwatch_log_group", &g2, &cfg(30, "renamed")).await;
    h.assert_replaces("aws_cloudwatch_log_group", &g2, &obj([("name", Value::from("/other"))]), "name").await;
    let imported = h.import("aws_cloudwatch_log_group", &s(&g2, "id")).await;
    assert_eq!(imported.get("retention_in_days"), &Value::from(30i64));
    assert_eq!(imported.get("tags"), &tags([("Name", "renamed")]));
    h.delete_and_confirm_gone("aws_cloudwatch_log_group", &g2).await;
    h.delete("aws_cloudwatch_log_group", &g2).await;

    // skip_destroy: destroy leaves the group.
    let kept = h
        .create("aws_cloudwatch_log_group", &obj([("name", Value::from("/keep")), ("skip_destroy", Value::from(true))]))
        .await;
    h.delete("aws_cloudwatch_log_group", &kept).await;
    assert!(h.read("aws_cloudwatch_log_group", &kept).await.is_some());
}
