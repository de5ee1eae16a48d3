//! aws_sqs_queue_redrive_allow_policy with aws-smithy-mocks: moto accepts RedriveAllowPolicy
//! but never returns it. SQS answers the document re-serialised; reading it back must
//! compare by meaning and keep the configured text.

use crate::kms_import::{interceptor, sdk};
use crate::mocks::plan_create;
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesOutput;
use aws_sdk_sqs::operation::set_queue_attributes::SetQueueAttributesOutput;
use aws_sdk_sqs::types::QueueAttributeName;
use aws_sdk_sqs::Client as Sqs;
use aws_smithy_mocks::{create_mock_http_client, mock};
use meshplan_provider::{Ctx, PlanRequest, Provider, Value};
use meshplan_provider_aws::{AwsClients, AwsProvider, Settings};
use std::sync::Arc;

use crate::support::{complete, obj};

const URL: &str = "http://127.0.0.1:9/123456789012/orders-dlq";
const SOURCE: &str = "arn:aws:sqs:us-east-1:123456789012:orders";

#[tokio::test]
async fn redrive_allow_policy_reads_back_by_meaning() {
    let configured = format!(r#"{{"redrivePermission":"byQueue","sourceQueueArns":["{SOURCE}"]}}"#);
    let reserialised = format!(r#"{{"sourceQueueArns": ["{SOURCE}"], "redrivePermission": "byQueue"}}"#);
    let set = mock!(Sqs::set_queue_attributes)
        .match_requests(move |r| {
            let doc = r.attributes().and_then(|a| a.get(&QueueAttributeName::RedriveAllowPolicy));
            r.queue_url() == Some(URL) && doc.is_some_and(|d| d.contains("byQueue"))
        })
        .then_output(|| SetQueueAttributesOutput::builder().build());
    let clear = mock!(Sqs::set_queue_attributes)
        .match_requests(|r| {
            r.attributes().and_then(|a| a.get(&QueueAttributeName::RedriveAllowPolicy)).map(String::as_str) == Some("")
        })
        .then_output(|| SetQueueAttributesOutput::builder().build());
    let get = mock!(Sqs::get_queue_attributes).then_output(move || {
        GetQueueAttributesOutput::builder()
            .attributes(QueueAttributeName::RedriveAllowPolicy, reserialised.clone())
            .attributes(QueueAttributeName::QueueArn, "arn:aws:sqs:us-east-1:123456789012:orders-dlq")
            .build()
    });
    let rules = [set, clear, get];
    let sdk = sdk();
    let mut clients = AwsClients::from_sdk_config(&sdk, &Settings::default());
    let conf = aws_sdk_sqs::Config::new(&sdk)
        .to_builder()
        .http_client(create_mock_http_client())
        .interceptor(interceptor(&rules));
    clients.sqs = Sqs::from_conf(conf.build());
    let ctx = Ctx::new(Arc::new(clients), "aws_sqs_queue_redrive_allow_policy.dlq");
    let rt = AwsProvider
        .resource_types()
        .into_iter()
        .find(|r| r.type_name() == "aws_sqs_queue_redrive_allow_policy")
        .unwrap();

    let config = obj([("queue_url", Value::from(URL)), ("redrive_allow_policy", Value::from(configured.as_str()))]);
    let planned = plan_create(&rt, &ctx, &config).await;
    let state = rt.create(&ctx, &planned).await.expect("create");
    assert_eq!(rules[0].num_calls(), 1);
    assert_eq!(state.get("id"), &Value::from(URL));
    assert_eq!(
        state.get("redrive_allow_policy"),
        &Value::from(configured.as_str()),
        "same meaning: the configured text"
    );
    let refreshed = rt.read(&ctx, &state).await.unwrap().expect("still there");
    let config = complete(&rt.schema(), &config);
    let replan = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &config }).await.unwrap();
    assert_eq!(replan.state, refreshed, "no change planned");
    let found = rt.find(&ctx.clone().with_idempotency_token("mp-1"), "mp-1", &planned).await.unwrap();
    assert_eq!(found.map(|f| f.get("id").clone()), Some(Value::from(URL)));
    let imported = rt.import(&ctx, URL).await.unwrap();
    assert_eq!(imported.get("queue_url"), &Value::from(URL));
    rt.delete(&ctx, &state).await.unwrap();
    assert_eq!(rules[1].num_calls(), 1, "destroy clears the attribute");
}
