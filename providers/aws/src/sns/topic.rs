//! `aws_sns_topic`. ID and import ID: the topic's ARN. Attributes are SNS's topic
//! attributes under Terraform's names; the JSON ones are compared by meaning. CreateTopic
//! (idempotent by name) makes the topic with its FIFO settings and the intent tag; the other
//! attributes follow with SetTopicAttributes, an idempotent step `find` repeats.

use super::{attributes, set_attribute, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::policy_json::{keep_equivalent_prior, prefer_prior};
use crate::skeleton::{missing_id, AwsResource, Create, Naming, Options, Tagging};
use aws_sdk_sns::types::Tag;
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct Topic;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Text,
    Json,
    Number,
    /// Terraform's default is false.
    Flag,
}

/// Terraform's attribute, SNS's attribute and its kind.
const TABLE: &[(&str, &str, Kind)] = &[
    ("display_name", "DisplayName", Kind::Text),
    ("policy", "Policy", Kind::Json),
    ("delivery_policy", "DeliveryPolicy", Kind::Json),
    ("archive_policy", "ArchivePolicy", Kind::Json),
    ("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    ("signature_version", "SignatureVersion", Kind::Number),
    ("tracing_config", "TracingConfig", Kind::Text),
    ("fifo_topic", "FifoTopic", Kind::Flag),
    ("content_based_deduplication", "ContentBasedDeduplication", Kind::Flag),
    ("fifo_throughput_scope", "FifoThroughputScope", Kind::Text),
    ("application_failure_feedback_role_arn", "ApplicationFailureFeedbackRoleArn", Kind::Text),
    ("application_success_feedback_role_arn", "ApplicationSuccessFeedbackRoleArn", Kind::Text),
    ("application_success_feedback_sample_rate", "ApplicationSuccessFeedbackSampleRate", Kind::Number),
    ("firehose_failure_feedback_role_arn", "FirehoseFailureFeedbackRoleArn", Kind::Text),
    ("firehose_success_feedback_role_arn", "FirehoseSuccessFeedbackRoleArn", Kind::Text),
    ("firehose_success_feedback_sample_rate", "FirehoseSuccessFeedbackSampleRate", Kind::Number),
    ("http_failure_feedback_role_arn", "HTTPFailureFeedbackRoleArn", Kind::Text),
    ("http_success_feedback_role_arn", "HTTPSuccessFeedbackRoleArn", Kind::Text),
    ("http_success_feedback_sample_rate", "HTTPSuccessFeedbackSampleRate", Kind::Number),
    ("lambda_failure_feedback_role_arn", "LambdaFailureFeedbackRoleArn", Kind::Text),
    ("lambda_success_feedback_role_arn", "LambdaSuccessFeedbackRoleArn", Kind::Text),
    ("lambda_success_feedback_sample_rate", "LambdaSuccessFeedbackSampleRate", Kind::Number),
    ("sqs_failure_feedback_role_arn", "SQSFailureFeedbackRoleArn", Kind::Text),
    ("sqs_success_feedback_role_arn", "SQSSuccessFeedbackRoleArn", Kind::Text),
    ("sqs_success_feedback_sample_rate", "SQSSuccessFeedbackSampleRate", Kind::Number),
];

/// Optional+computed in Terraform (AWS fills them in).
const OPTIONAL_COMPUTED: &[&str] = &["policy", "signature_version", "tracing_config", "fifo_throughput_scope"];
/// Sent with CreateTopic; the rest are set afterwards.
const AT_CREATE: &[&str] = &["fifo_topic", "content_based_deduplication"];

/// A planned value as SNS's attribute text (`None`: unset).
fn text(v: &Value, kind: Kind) -> Option<String> {
    match kind {
        Kind::Number => v.as_i64().map(|n| n.to_string()),
        Kind::Flag => v.as_bool().map(|b| b.to_string()),
        Kind::Text | Kind::Json => v.as_str().map(str::to_string),
    }
}

fn is_fifo(planned: &Value) -> bool {
    planned.get("fifo_topic").as_bool() == Some(true)
}

/// A FIFO topic's name ends in `.fifo`; a generated one gets the suffix, as in Terraform.
fn topic_name(planned: &Value) -> String {
    let name = planned.get_str("name").unwrap_or_default();
    if is_fifo(planned) && !name.ends_with(".fifo") {
        format!("{name}.fifo")
    } else {
        name.to_string()
    }
}

async fn remote_tags(api: &Api<'_>, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = api.call("ListTagsForResource", || api.sns.list_tags_for_resource().resource_arn(arn).send()).await?;
    Ok(out.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect()
}

#[async_trait]
impl AwsResource for Topic {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner", Attribute::computed(Type::String))
            .attr("beginning_archive_time", Attribute::computed(Type::String));
        for &(name, _, kind) in TABLE {
            let ty = match kind {
                Kind::Number => Type::Number,
                Kind::Flag => Type::Bool,
                Kind::Text | Kind::Json => Type::String,
            };
            let mut a = if OPTIONAL_COMPUTED.contains(&name) {
                Attribute::optional_computed(ty)
            } else {
                Attribute::optional(ty)
            };
            if kind == Kind::Flag {
                a = a.default(false);
            }
            if name == "fifo_topic" {
                a = a.force_new();
            }
            s = s.attr(name, a);
        }
        s
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, naming: Some(Naming::with_prefix()), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        for attribute in ["policy", "delivery_policy", "archive_policy"] {
            keep_equivalent_prior(&mut planned.state, prior, attribute);
        }
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let mut attrs = HashMap::new();
        if is_fifo(p) {
            for &(name, attr, kind) in TABLE.iter().filter(|(n, ..)| AT_CREATE.contains(n)) {
                if let Some(v) = text(p.get(name), kind) {
                    attrs.insert(attr.to_string(), v);
                }
            }
        }
        let call =
            api.sns.create_topic().name(topic_name(p)).set_attributes(Some(attrs)).set_tags(Some(tag_list(&req.tags)));
        let created = api
            .create("CreateTopic", CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        created.id(|o| o.topic_arn()).ok_or_else(|| missing_id(api, "CreateTopic"))
    }

    /// Every configured attribute but those CreateTopic took (setting one again is harmless).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        for &(name, attr, kind) in TABLE.iter().filter(|(n, ..)| !AT_CREATE.contains(n)) {
            if let Some(v) = text(planned.get(name), kind) {
                set_attribute(api, id, attr, &v).await?;
            }
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let remote = attributes(api, id).await?;
        let get = |attr: &str| remote.get(attr).filter(|v| !v.is_empty());
        s.set("arn", Value::from(id));
        s.set("name", Value::from(id.rsplit(':').next().unwrap_or(id)));
        s.set("owner", Value::from(get("Owner").map(String::as_str).unwrap_or_default()));
        s.set(
            "beginning_archive_time",
            Value::from(get("BeginningArchiveTime").map(String::as_str).unwrap_or_default()),
        );
        for &(name, attr, kind) in TABLE {
            let value = match (kind, get(attr)) {
                (Kind::Number, Some(v)) => v.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
                (Kind::Flag, got) => Value::from(got.is_some_and(|v| v == "true")),
                (Kind::Text, Some(v)) => Value::from(v.as_str()),
                (Kind::Json, Some(v)) => Value::from(prefer_prior(s.get_str(name), v)),
                _ => Value::Null,
            };
            s.set(name, value);
        }
        remote_tags(api, id).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        for &(name, attr, kind) in TABLE {
            if name == "fifo_topic" || prior.get(name) == planned.get(name) || planned.get(name).is_unknown() {
                continue;
            }
            // An attribute taken out of the configuration is cleared.
            set_attribute(api, id, attr, &text(planned.get(name), kind).unwrap_or_default()).await?;
        }
        Ok(())
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        if !removed.is_empty() {
            let req = api.sns.untag_resource().resource_arn(id).set_tag_keys(Some(removed.to_vec()));
            api.call("UntagResource", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let req = api.sns.tag_resource().resource_arn(id).set_tags(Some(tag_list(changed)));
            api.call("TagResource", || req.clone().send()).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteTopic", || api.sns.delete_topic().topic_arn(id).send()).await?;
        Ok(())
    }

    /// The topic of the token-derived (or configured) name, ours when it carries the tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let account = api.account_id().await?;
        let arn = format!("arn:{}:sns:{}:{account}:{}", api.partition(), api.region, topic_name(planned));
        if attributes(api, &arn).await.or_not_found(NOT_FOUND)?.is_none() {
            return Ok(None);
        }
        let tags = remote_tags(api, &arn).await?;
        let ours = crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token);
        Ok(ours.then_some(arn))
    }
}
