//! `aws_sns_topic_policy`: a topic's `Policy` attribute as its own resource. ID and import
//! ID: the topic's ARN. Destroy puts back the policy SNS gives a new topic (as Terraform
//! does), and a topic holding that default policy reads as having none. Setting the policy
//! again is harmless, so `find` reports it done when the topic holds an equivalent one.

use super::{attributes, set_attribute, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{equivalent, keep_equivalent_prior, prefer_prior};
use crate::skeleton::{AwsResource, Create};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct TopicPolicy;

/// The policy SNS attaches to a new topic: the owner account may do everything.
fn default_policy(arn: &str) -> String {
    let account = arn.split(':').nth(4).unwrap_or_default();
    let actions = [
        "SNS:GetTopicAttributes",
        "SNS:SetTopicAttributes",
        "SNS:AddPermission",
        "SNS:RemovePermission",
        "SNS:DeleteTopic",
        "SNS:Subscribe",
        "SNS:ListSubscriptionsByTopic",
        "SNS:Publish",
    ];
    serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": actions,
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}},
        }],
    })
    .to_string()
}

fn is_default(policy: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(policy).is_ok_and(|p| p["Id"] == "__default_policy_ID")
}

/// The topic's own policy and owner; `None` when the topic is gone or holds the default.
async fn remote(api: &Api<'_>, arn: &str) -> Result<Option<(String, String)>, AwsError> {
    let Some(attrs) = attributes(api, arn).await.or_not_found(NOT_FOUND)? else { return Ok(None) };
    let owner = attrs.get("Owner").cloned().unwrap_or_default();
    Ok(attrs.get("Policy").filter(|p| !p.is_empty() && !is_default(p)).map(|p| (p.clone(), owner)))
}

#[async_trait]
impl AwsResource for TopicPolicy {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::required(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String))
            .attr("owner", Attribute::computed(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "policy");
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let arn = req.planned.get_str("arn").unwrap_or_default();
        set_attribute(api, arn, "Policy", req.planned.get_str("policy").unwrap_or_default()).await?;
        Ok(arn.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((policy, owner)) = remote(api, id).await? else { return Ok(None) };
        s.set("arn", Value::from(id));
        s.set("owner", Value::from(owner));
        s.set("policy", Value::from(prefer_prior(s.get_str("policy"), &policy)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        set_attribute(api, id, "Policy", planned.get_str("policy").unwrap_or_default()).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        set_attribute(api, id, "Policy", &default_policy(id)).await
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(arn), Some(policy)) = (planned.get_str("arn"), planned.get_str("policy")) else {
            return Ok(None);
        };
        let found = remote(api, arn).await?;
        Ok(found.filter(|(r, _)| equivalent(r, policy)).map(|_| arn.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("arn", Value::from(id))])
    }
}
