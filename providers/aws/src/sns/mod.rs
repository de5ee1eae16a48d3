//! SNS: topics and their access policies.

mod topic;
mod topic_policy;

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::collections::HashMap;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(topic::Topic)), Arc::new(Managed(topic_policy::TopicPolicy))]
}

/// SNS's code for "no such topic".
const NOT_FOUND: &[&str] = &["NotFound", "NotFoundException"];

/// Every attribute of the topic `arn`.
async fn attributes(api: &Api<'_>, arn: &str) -> Result<HashMap<String, String>, AwsError> {
    let req = api.sns.get_topic_attributes().topic_arn(arn);
    let out = api.call("GetTopicAttributes", || req.clone().send()).await?;
    Ok(out.attributes().cloned().unwrap_or_default())
}

/// SetTopicAttributes takes one attribute per call.
async fn set_attribute(api: &Api<'_>, arn: &str, name: &str, value: &str) -> Result<(), AwsError> {
    let req = api.sns.set_topic_attributes().topic_arn(arn).attribute_name(name).attribute_value(value);
    api.call("SetTopicAttributes", || req.clone().send()).await?;
    Ok(())
}
