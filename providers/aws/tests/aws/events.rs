//! aws_cloudwatch_event_rule and aws_cloudwatch_event_target against moto (Karpenter's
//! interruption rules in eks v20: an event pattern, an SQS queue target).

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000eb";
const RULE: &str = "aws_cloudwatch_event_rule";
const TARGET: &str = "aws_cloudwatch_event_target";
const PATTERN: &str = r#"{"source":["aws.ec2"],"detail-type":["EC2 Spot Instance Interruption Warning"]}"#;

#[tokio::test]
async fn rule_and_target_lifecycle() {
    let h = Harness::new().await;
    let cfg = |description: &str, pattern: &str| {
        obj([
            ("name_prefix", Value::from("karpenter-spot-")),
            ("description", Value::from(description)),
            ("event_pattern", Value::from(pattern)),
            ("tags", tags([("team", "mesh")])),
        ])
    };
    let (planned, r) = h.create_with_token(RULE, &cfg("spot", PATTERN), TOKEN).await;
    assert_eq!(s(&r, "name"), "karpenter-spot-mp0000000000000000000000eb");
    assert_eq!(s(&r, "id"), s(&r, "name"), "on the default bus the ID is the name");
    assert!(s(&r, "arn").ends_with(":rule/karpenter-spot-mp0000000000000000000000eb"), "{r}");
    assert_eq!(r.get("event_bus_name"), &Value::from("default"));
    assert_eq!(r.get("state"), &Value::Null, "unconfigured state is not read back");
    h.assert_no_changes(RULE, &r, &cfg("spot", PATTERN)).await;
    // The same pattern written otherwise: no change.
    let reordered = r#"{ "detail-type": ["EC2 Spot Instance Interruption Warning"], "source": ["aws.ec2"] }"#;
    h.assert_no_changes(RULE, &r, &cfg("spot", reordered)).await;
    assert_eq!(h.find(RULE, TOKEN, &planned).await.map(|f| s(&f, "id")), Some(s(&r, "id")));
    assert_eq!(h.find(RULE, "mp-ffffffffffffffffffffffff", &planned).await, None);

    let mut disabled = cfg("spot interruptions", PATTERN);
    disabled.set("state", Value::from("DISABLED"));
    let r2 = h.update(RULE, &r, &disabled).await;
    assert_eq!(r2.get("description"), &Value::from("spot interruptions"));
    assert_eq!(r2.get("state"), &Value::from("DISABLED"));
    h.assert_no_changes(RULE, &r2, &disabled).await;
    let mut other_bus = disabled.clone();
    other_bus.set("event_bus_name", Value::from("other"));
    h.assert_replaces(RULE, &r2, &other_bus, "event_bus_name").await;
    let imported = h.import(RULE, &s(&r2, "id")).await;
    assert_eq!(imported.get("description"), &Value::from("spot interruptions"));
    assert_eq!(imported.get("tags"), &tags([("team", "mesh")]));

    // A target: an SQS queue ARN (moto does not check it exists), ID from the token.
    let queue = "arn:aws:sqs:us-east-1:123456789012:karpenter";
    let tcfg = |input: &str| {
        obj([
            ("rule", r2.get("name").clone()),
            ("arn", Value::from(queue)),
            ("input", Value::from(input)),
            ("retry_policy", Value::List(vec![obj([("maximum_retry_attempts", Value::from(3i64))])])),
        ])
    };
    let (tplanned, t) = h.create_with_token(TARGET, &tcfg(r#"{"a":1}"#), TOKEN).await;
    assert_eq!(s(&t, "target_id"), "meshplan-mp-0000000000000000000000eb");
    assert_eq!(s(&t, "id"), format!("{}-meshplan-mp-0000000000000000000000eb", s(&r2, "name")));
    h.assert_no_changes(TARGET, &t, &tcfg(r#"{"a":1}"#)).await;
    assert_eq!(h.find(TARGET, TOKEN, &tplanned).await.map(|f| s(&f, "id")), Some(s(&t, "id")));
    let t2 = h.update(TARGET, &t, &tcfg(r#"{"a":2}"#)).await;
    assert_eq!(t2.get("input"), &Value::from(r#"{"a":2}"#));
    h.assert_no_changes(TARGET, &t2, &tcfg(r#"{"a":2}"#)).await;
    let mut renamed = tcfg(r#"{"a":2}"#);
    renamed.set("target_id", Value::from("other"));
    h.assert_replaces(TARGET, &t2, &renamed, "target_id").await;
    let imported = h.import(TARGET, &format!("{}/{}", s(&r2, "name"), s(&t2, "target_id"))).await;
    assert_eq!(imported.get("arn"), &Value::from(queue));
    assert_eq!(imported.get("id"), t2.get("id"));
    assert!(h.resource(TARGET).import(&h.ctx("aws_cloudwatch_event_target.x"), "nonsense").await.is_err());
    h.delete_and_confirm_gone(TARGET, &t2).await;
    h.delete(TARGET, &t2).await;

    h.delete_and_confirm_gone(RULE, &r2).await;
    h.delete(RULE, &r2).await;
}
