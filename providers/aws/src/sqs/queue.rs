//! `aws_sqs_queue`. ID and import ID: the queue's URL. Attributes are SQS's queue attributes
//! under Terraform's names; the three JSON ones (`policy`, `redrive_policy`,
//! `redrive_allow_policy`) are compared by meaning. CreateQueue is idempotent by name and
//! carries the intent tag; `find` looks the token-derived name up and checks the tag.

use super::{attributes, set_attributes, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::policy_json::{keep_equivalent_prior, prefer_prior};
use crate::skeleton::{missing_id, AwsResource, Create, Naming, Options, Tagging};
use aws_sdk_sqs::types::QueueAttributeName as A;
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct Queue;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Number(Option<i64>),
    Bool(Option<bool>),
    Text,
    Json,
}

/// Terraform's attribute, SQS's attribute, its kind and Terraform's default (none:
/// optional+computed, AWS decides).
fn table() -> [(&'static str, A, Kind); 15] {
    [
        ("delay_seconds", A::DelaySeconds, Kind::Number(Some(0))),
        ("max_message_size", A::MaximumMessageSize, Kind::Number(Some(262_144))),
        ("message_retention_seconds", A::MessageRetentionPeriod, Kind::Number(Some(345_600))),
        ("receive_wait_time_seconds", A::ReceiveMessageWaitTimeSeconds, Kind::Number(Some(0))),
        ("visibility_timeout_seconds", A::VisibilityTimeout, Kind::Number(Some(30))),
        ("kms_data_key_reuse_period_seconds", A::KmsDataKeyReusePeriodSeconds, Kind::Number(None)),
        ("fifo_queue", A::FifoQueue, Kind::Bool(Some(false))),
        ("content_based_deduplication", A::ContentBasedDeduplication, Kind::Bool(Some(false))),
        ("sqs_managed_sse_enabled", A::SqsManagedSseEnabled, Kind::Bool(None)),
        ("kms_master_key_id", A::KmsMasterKeyId, Kind::Text),
        ("deduplication_scope", A::DeduplicationScope, Kind::Text),
        ("fifo_throughput_limit", A::FifoThroughputLimit, Kind::Text),
        ("policy", A::Policy, Kind::Json),
        ("redrive_policy", A::RedrivePolicy, Kind::Json),
        ("redrive_allow_policy", A::RedriveAllowPolicy, Kind::Json),
    ]
}

/// Terraform's optional+computed attributes (no default); the rest default as in the table.
const OPTIONAL_COMPUTED: &[&str] = &[
    "kms_data_key_reuse_period_seconds",
    "sqs_managed_sse_enabled",
    "deduplication_scope",
    "fifo_throughput_limit",
    "policy",
    "redrive_policy",
    "redrive_allow_policy",
];

/// A planned value as SQS's attribute text (`None`: unset).
fn text(v: &Value, kind: Kind) -> Option<String> {
    match kind {
        Kind::Number(_) => v.as_i64().map(|n| n.to_string()),
        Kind::Bool(_) => v.as_bool().map(|b| b.to_string()),
        Kind::Text | Kind::Json => v.as_str().map(str::to_string),
    }
}

/// A FIFO queue's name ends in `.fifo`; a generated one gets the suffix, as in Terraform.
fn queue_name(planned: &Value) -> String {
    let name = planned.get_str("name").unwrap_or_default();
    if planned.get("fifo_queue").as_bool() == Some(true) && !name.ends_with(".fifo") {
        format!("{name}.fifo")
    } else {
        name.to_string()
    }
}

fn name_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap_or(url)
}

async fn remote_tags(api: &Api<'_>, url: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = api.call("ListQueueTags", || api.sqs.list_queue_tags().queue_url(url).send()).await?;
    Ok(out.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
}

#[async_trait]
impl AwsResource for Queue {
    fn type_name(&self) -> &'static str {
        "aws_sqs_queue"
    }

    fn schema(&self) -> Schema {
        let mut s =
            Schema::new().attr("arn", Attribute::computed(Type::String)).attr("url", Attribute::computed(Type::String));
        for (name, _, kind) in table() {
            let ty = match kind {
                Kind::Number(_) => Type::Number,
                Kind::Bool(_) => Type::Bool,
                Kind::Text | Kind::Json => Type::String,
            };
            let mut a = if OPTIONAL_COMPUTED.contains(&name) {
                Attribute::optional_computed(ty)
            } else {
                Attribute::optional(ty)
            };
            match kind {
                Kind::Number(Some(d)) => a = a.default(d),
                Kind::Bool(Some(d)) => a = a.default(d),
                _ => {}
            }
            if name == "fifo_queue" {
                a = a.force_new();
            }
            s = s.attr(name, a);
        }
        s
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Custom,
            naming: Some(Naming::with_prefix()),
            timeouts: &["create", "update", "delete"],
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        for attribute in ["policy", "redrive_policy", "redrive_allow_policy"] {
            keep_equivalent_prior(&mut planned.state, prior, attribute);
        }
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let fifo = p.get("fifo_queue").as_bool() == Some(true);
        let mut attrs = HashMap::new();
        for (name, attr, kind) in table() {
            // A standard queue takes no FIFO attributes, not even "false".
            if !fifo && matches!(name, "fifo_queue" | "content_based_deduplication") {
                continue;
            }
            if let Some(v) = text(p.get(name), kind) {
                attrs.insert(attr, v);
            }
        }
        let tags: HashMap<String, String> = req.tags.clone().into_iter().collect();
        let call = api.sqs.create_queue().queue_name(queue_name(p)).set_attributes(Some(attrs)).set_tags(Some(tags));
        let conflicts = CreateCall { conflicts: &["QueueAlreadyExists", "QueueNameExists"], ..CreateCall::default() };
        let created =
            api.create("CreateQueue", conflicts, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        created.id(|o| o.queue_url()).ok_or_else(|| missing_id(api, "CreateQueue"))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let remote = attributes(api, id).await?;
        s.set("url", Value::from(id));
        s.set("name", Value::from(name_of(id)));
        s.set("arn", Value::from(remote.get(&A::QueueArn).map(String::as_str).unwrap_or_default()));
        for (name, attr, kind) in table() {
            let got = remote.get(&attr).filter(|v| !v.is_empty());
            let value = match (kind, got) {
                (Kind::Number(_), Some(v)) => v.parse::<i64>().map(Value::from).unwrap_or(Value::Null),
                (Kind::Bool(_), Some(v)) => Value::from(v == "true"),
                (Kind::Text, Some(v)) => Value::from(v.as_str()),
                (Kind::Json, Some(v)) => Value::from(prefer_prior(s.get_str(name), v)),
                (Kind::Number(Some(d)), None) => Value::from(d),
                (Kind::Bool(Some(d)), None) => Value::from(d),
                _ => Value::Null,
            };
            s.set(name, value);
        }
        remote_tags(api, id).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let mut attrs = HashMap::new();
        for (name, attr, kind) in table() {
            if name == "fifo_queue" || prior.get(name) == planned.get(name) || planned.get(name).is_unknown() {
                continue;
            }
            // An attribute taken out of the configuration is cleared.
            attrs.insert(attr, text(planned.get(name), kind).unwrap_or_default());
        }
        set_attributes(api, id, attrs).await
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        if !removed.is_empty() {
            let req = api.sqs.untag_queue().queue_url(id).set_tag_keys(Some(removed.to_vec()));
            api.call("UntagQueue", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let tags: HashMap<String, String> = changed.clone().into_iter().collect();
            let req = api.sqs.tag_queue().queue_url(id).set_tags(Some(tags));
            api.call("TagQueue", || req.clone().send()).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteQueue", || api.sqs.delete_queue().queue_url(id).send()).await?;
        Ok(())
    }

    /// The queue of the token-derived (or configured) name, ours when it carries the tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let name = queue_name(planned);
        let req = api.sqs.get_queue_url().queue_name(&name);
        let Some(out) = api.call("GetQueueUrl", || req.clone().send()).await.or_not_found(NOT_FOUND)? else {
            return Ok(None);
        };
        let Some(url) = out.queue_url() else { return Ok(None) };
        let tags = remote_tags(api, url).await?;
        let ours = crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token);
        Ok(ours.then(|| url.to_string()))
    }
}
