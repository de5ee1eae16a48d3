//! `aws_s3_bucket_notification`: a bucket's event notifications to SNS topics, SQS queues and
//! Lambda functions (and EventBridge), one document. ID and import ID: the bucket name.
//! Crash safety: a whole-document PUT ([`super::doc`]); found when the bucket notifies the
//! planned targets. Destroy writes an empty document, as Terraform does.

use super::doc::{blocks, split, string_set};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::string_list;
use aws_sdk_s3::types::{
    Event, EventBridgeConfiguration, FilterRule, FilterRuleName, LambdaFunctionConfiguration,
    NotificationConfiguration, NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter, TopicConfiguration,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Notification;

const NO_BUCKET: &[&str] = &["NoSuchBucket", "NotFound"];
/// The three target kinds: block name, ARN attribute.
const KINDS: [(&str, &str); 3] =
    [("topic", "topic_arn"), ("queue", "queue_arn"), ("lambda_function", "lambda_function_arn")];

fn target_schema(arn: &str) -> Schema {
    let arn_attr = if arn == "lambda_function_arn" {
        Attribute::optional(Type::String)
    } else {
        Attribute::required(Type::String)
    };
    Schema::new()
        .attr("events", Attribute::required(Type::set(Type::String)))
        .attr("filter_prefix", Attribute::optional(Type::String))
        .attr("filter_suffix", Attribute::optional(Type::String))
        .attr("id", Attribute::optional_computed(Type::String))
        .attr(arn, arn_attr)
}

fn filter_of(t: &Value) -> Option<NotificationConfigurationFilter> {
    let rules: Vec<FilterRule> = [("prefix", "filter_prefix"), ("suffix", "filter_suffix")]
        .iter()
        .filter_map(|(name, key)| {
            t.get_str(key).map(|v| FilterRule::builder().name(FilterRuleName::from(*name)).value(v).build())
        })
        .collect();
    (!rules.is_empty()).then(|| {
        NotificationConfigurationFilter::builder()
            .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
            .build()
    })
}

fn events(t: &Value) -> Vec<Event> {
    string_list(t.get("events")).iter().map(|e| Event::from(e.as_str())).collect()
}

fn document(p: &Value) -> Result<NotificationConfiguration, String> {
    let mut topics = Vec::new();
    for t in blocks(p, "topic") {
        topics.push(
            TopicConfiguration::builder()
                .set_id(t.get_str("id").map(str::to_string))
                .topic_arn(t.get_str("topic_arn").unwrap_or_default())
                .set_events(Some(events(&t)))
                .set_filter(filter_of(&t))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    let mut queues = Vec::new();
    for t in blocks(p, "queue") {
        queues.push(
            QueueConfiguration::builder()
                .set_id(t.get_str("id").map(str::to_string))
                .queue_arn(t.get_str("queue_arn").unwrap_or_default())
                .set_events(Some(events(&t)))
                .set_filter(filter_of(&t))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    let mut lambdas = Vec::new();
    for t in blocks(p, "lambda_function") {
        lambdas.push(
            LambdaFunctionConfiguration::builder()
                .set_id(t.get_str("id").map(str::to_string))
                .lambda_function_arn(t.get_str("lambda_function_arn").unwrap_or_default())
                .set_events(Some(events(&t)))
                .set_filter(filter_of(&t))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    let eventbridge = p.get("eventbridge").as_bool().unwrap_or(false);
    Ok(NotificationConfiguration::builder()
        .set_topic_configurations(Some(topics))
        .set_queue_configurations(Some(queues))
        .set_lambda_function_configurations(Some(lambdas))
        .set_event_bridge_configuration(eventbridge.then(|| EventBridgeConfiguration::builder().build()))
        .build())
}

async fn put(api: &Api<'_>, bucket: &str, doc: NotificationConfiguration) -> Result<(), AwsError> {
    let req = api.s3.put_bucket_notification_configuration().bucket(bucket).notification_configuration(doc);
    api.call("PutBucketNotificationConfiguration", || req.clone().send()).await?;
    Ok(())
}

/// One target as state: the prior block (same position) keeps its event order.
fn target_value(
    prior: &Value,
    arn_key: &str,
    id: Option<&str>,
    arn: Option<&str>,
    evs: &[Event],
    filter: Option<&NotificationConfigurationFilter>,
) -> Value {
    let rule = |name: &str| {
        filter
            .and_then(|f| f.key())
            .and_then(|k| {
                k.filter_rules().iter().find(|r| r.name().is_some_and(|n| n.as_str().eq_ignore_ascii_case(name)))
            })
            .and_then(|r| r.value())
            .map(Value::from)
            .unwrap_or(Value::Null)
    };
    let evs: Vec<String> = evs.iter().map(|e| e.as_str().to_string()).collect();
    Value::object([
        ("events", string_set(prior.get("events"), &evs)),
        ("filter_prefix", rule("prefix")),
        ("filter_suffix", rule("suffix")),
        ("id", id.map(Value::from).unwrap_or(Value::Null)),
        (arn_key, arn.map(Value::from).unwrap_or(Value::Null)),
    ])
}

#[async_trait]
impl AwsResource for Notification {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_notification"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("eventbridge", Attribute::optional(Type::Bool).default(false));
        for (block, arn) in KINDS {
            s = s.block(block, Block::list(target_schema(arn)));
        }
        s
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_BUCKET
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let bucket = req.planned.get_str("bucket").unwrap_or_default();
        put(api, bucket, document(req.planned).map_err(|e| api.invalid("bucket", e))?).await?;
        Ok(bucket.to_string())
    }

    /// No target and no EventBridge reads as gone (what destroy leaves).
    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let bucket = split(id).0;
        let req = api.s3.get_bucket_notification_configuration().bucket(bucket);
        let out = api.call("GetBucketNotificationConfiguration", || req.clone().send()).await?;
        let eventbridge = out.event_bridge_configuration().is_some();
        if out.topic_configurations().is_empty()
            && out.queue_configurations().is_empty()
            && out.lambda_function_configurations().is_empty()
            && !eventbridge
        {
            return Ok(None);
        }
        let prior = |kind: &str, i: usize| blocks(s, kind).get(i).cloned().unwrap_or(Value::Null);
        let topics: Vec<Value> = out
            .topic_configurations()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                target_value(&prior("topic", i), "topic_arn", t.id(), Some(t.topic_arn()), t.events(), t.filter())
            })
            .collect();
        let queues: Vec<Value> = out
            .queue_configurations()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                target_value(&prior("queue", i), "queue_arn", t.id(), Some(t.queue_arn()), t.events(), t.filter())
            })
            .collect();
        let lambdas: Vec<Value> = out
            .lambda_function_configurations()
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let p = prior("lambda_function", i);
                target_value(&p, "lambda_function_arn", t.id(), Some(t.lambda_function_arn()), t.events(), t.filter())
            })
            .collect();
        s.set("bucket", Value::from(bucket));
        s.set("eventbridge", Value::from(eventbridge));
        s.set("topic", Value::List(topics));
        s.set("queue", Value::List(queues));
        s.set("lambda_function", Value::List(lambdas));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, split(id).0, document(planned).map_err(|e| api.invalid("bucket", e))?).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        put(api, split(id).0, NotificationConfiguration::builder().build()).await
    }

    /// Content: ours when the bucket notifies exactly the planned targets (ARNs).
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(bucket) = planned.get_str("bucket") else { return Ok(None) };
        let arns = |v: &Value| -> Vec<Option<String>> {
            KINDS
                .iter()
                .flat_map(|(kind, key)| blocks(v, kind).into_iter().map(|t| t.get_str(key).map(str::to_string)))
                .collect()
        };
        let mut s = planned.clone();
        match self.read(api, bucket, &mut s).await {
            Ok(Some(_)) if arns(&s) == arns(planned) => Ok(Some(bucket.to_string())),
            Err(e) if !e.code().is_some_and(|c| NO_BUCKET.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
