//! `aws_sqs_queue_policy`: a queue's `Policy` attribute as its own resource. ID and import
//! ID: the queue's URL. Destroy clears the policy. Setting the policy again is harmless, so
//! after a crash `find` reports it done when the queue holds an equivalent policy.

use super::{attributes, set_attributes, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{equivalent, keep_equivalent_prior, prefer_prior};
use crate::skeleton::{AwsResource, Create};
use aws_sdk_sqs::types::QueueAttributeName;
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct QueuePolicy;

async fn remote_policy(api: &Api<'_>, url: &str) -> Result<Option<String>, AwsError> {
    let attrs = attributes(api, url).await?;
    Ok(attrs.get(&QueueAttributeName::Policy).filter(|p| !p.is_empty()).cloned())
}

async fn put(api: &Api<'_>, url: &str, policy: &str) -> Result<(), AwsError> {
    set_attributes(api, url, HashMap::from([(QueueAttributeName::Policy, policy.to_string())])).await
}

#[async_trait]
impl AwsResource for QueuePolicy {
    fn type_name(&self) -> &'static str {
        "aws_sqs_queue_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("policy", Attribute::required(Type::String))
            .attr("queue_url", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "policy");
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let url = req.planned.get_str("queue_url").unwrap_or_default();
        put(api, url, req.planned.get_str("policy").unwrap_or_default()).await?;
        Ok(url.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(remote) = remote_policy(api, id).await? else { return Ok(None) };
        s.set("queue_url", Value::from(id));
        s.set("policy", Value::from(prefer_prior(s.get_str("policy"), &remote)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned.get_str("policy").unwrap_or_default()).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        put(api, id, "").await
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(url), Some(policy)) = (planned.get_str("queue_url"), planned.get_str("policy")) else {
            return Ok(None);
        };
        let remote = remote_policy(api, url).await.or_not_found(NOT_FOUND)?.flatten();
        Ok(remote.filter(|r| equivalent(r, policy)).map(|_| url.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("queue_url", Value::from(id))])
    }
}
