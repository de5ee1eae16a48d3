//! SQS: queues, their access policies and their redrive (dead-letter) policies.

mod queue;
mod queue_policy;

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::Managed;
use aws_sdk_sqs::types::QueueAttributeName;
use meshplan_provider::ResourceType;
use std::collections::HashMap;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(Managed(queue::Queue)),
        Arc::new(Managed(queue_policy::policy())),
        Arc::new(Managed(queue_policy::redrive_policy())),
        Arc::new(Managed(queue_policy::redrive_allow_policy())),
    ]
}

/// SQS's codes for "no such queue" (JSON protocol, then the query protocol's).
const NOT_FOUND: &[&str] = &["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue"];

/// Every attribute of the queue at `url`.
async fn attributes(api: &Api<'_>, url: &str) -> Result<HashMap<QueueAttributeName, String>, AwsError> {
    let req = api.sqs.get_queue_attributes().queue_url(url).attribute_names(QueueAttributeName::All);
    let out = api.call("GetQueueAttributes", || req.clone().send()).await?;
    Ok(out.attributes().cloned().unwrap_or_default())
}

async fn set_attributes(api: &Api<'_>, url: &str, attrs: HashMap<QueueAttributeName, String>) -> Result<(), AwsError> {
    if attrs.is_empty() {
        return Ok(());
    }
    let req = api.sqs.set_queue_attributes().queue_url(url).set_attributes(Some(attrs));
    api.call("SetQueueAttributes", || req.clone().send()).await?;
    Ok(())
}
