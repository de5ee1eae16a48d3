//! aws_cloudformation_stack against moto, which runs the template's resources for real
//! (an SQS queue here, checked through the stack's outputs and with the SQS API).

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000d9";

const TEMPLATE: &str = r#"{
  "Parameters": {
    "QueueName": {"Type": "String"},
    "Timeout": {"Type": "Number", "Default": "30"}
  },
  "Resources": {
    "Queue": {
      "Type": "AWS::SQS::Queue",
      "Properties": {"QueueName": {"Ref": "QueueName"}, "VisibilityTimeout": {"Ref": "Timeout"}}
    }
  },
  "Outputs": {
    "QueueUrl": {"Value": {"Ref": "Queue"}},
    "QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}
  }
}"#;

fn params(pairs: &[(&str, &str)]) -> Value {
    Value::object(pairs.iter().map(|(k, v)| (*k, Value::from(*v))))
}

#[tokio::test]
async fn stack_lifecycle_with_a_real_queue() {
    let h = Harness::new().await;
    let t = "aws_cloudformation_stack";
    let cfg = |p: Value, team: &str| {
        obj([
            ("name", Value::from("queues")),
            ("template_body", Value::from(TEMPLATE)),
            ("parameters", p),
            ("tags", tags([("team", team)])),
        ])
    };
    let first = params(&[("QueueName", "cfn-jobs")]);
    let (planned, stack) = h.create_with_token(t, &cfg(first.clone(), "a"), TOKEN).await;
    let id = s(&stack, "id");
    assert!(id.starts_with("arn:aws:cloudformation:us-east-1:123456789012:stack/queues/"), "{id}");
    let url = s(stack.get("outputs"), "QueueUrl");
    assert!(url.ends_with("/cfn-jobs"), "{stack}");
    assert!(s(stack.get("outputs"), "QueueArn").ends_with(":cfn-jobs"), "{stack}");
    assert_eq!(stack.get("parameters"), &first, "template defaults are not shown when unconfigured");
    assert_eq!(s(&stack, "template_body"), TEMPLATE);
    assert_eq!(stack.get("tags"), &tags([("team", "a")]));
    h.assert_no_changes(t, &stack, &cfg(first.clone(), "a")).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some(id.clone()));
    assert_eq!(h.find(t, "mp-ffffffffffffffffffffffff", &planned).await, None);

    // A parameter change updates the stack in place, and with it the queue.
    let second = params(&[("QueueName", "cfn-jobs"), ("Timeout", "45")]);
    let stack2 = h.update(t, &stack, &cfg(second.clone(), "b")).await;
    assert_eq!(stack2.get("parameters"), &second);
    assert_eq!(stack2.get("tags"), &tags([("team", "b")]));
    h.assert_no_changes(t, &stack2, &cfg(second.clone(), "b")).await;
    let attrs = h
        .clients()
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout)
        .send()
        .await
        .expect("the stack's queue");
    assert_eq!(attrs.attributes().unwrap()[&aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout], "45");
    let mut renamed = cfg(second.clone(), "b");
    renamed.set("name", Value::from("other"));
    h.assert_replaces(t, &stack2, &renamed, "name").await;

    for import_id in [id.as_str(), "queues"] {
        let imported = h.import(t, import_id).await;
        assert_eq!(s(&imported, "id"), id);
        assert_eq!(s(imported.get("outputs"), "QueueUrl"), url);
    }
    h.delete_and_confirm_gone(t, &stack2).await;
    h.delete(t, &stack2).await;

    // Neither template_body nor template_url: refused at plan time, at the attribute.
    let err = h.plan_result(t, None, &obj([("name", Value::from("x"))])).await.unwrap_err();
    assert!(err.message.contains("template_body"), "{}", err.message);
}
