//! The resources that each own one JSON attribute of a queue: `aws_sqs_queue_policy`
//! (`Policy`), `aws_sqs_queue_redrive_policy` (`RedrivePolicy`) and
//! `aws_sqs_queue_redrive_allow_policy` (`RedriveAllowPolicy`). ID and import ID: the
//! queue's URL. Destroy clears the attribute. Setting it again is harmless, so after a crash
//! `find` reports it done when the queue holds an equivalent document; documents are
//! compared by meaning, never by text.

use super::{attributes, set_attributes, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{equivalent, keep_equivalent_prior, prefer_prior};
use crate::skeleton::{AwsResource, Create};
use aws_sdk_sqs::types::QueueAttributeName;
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

/// One queue attribute as a resource: Terraform's type and attribute names, SQS's attribute.
pub struct QueueAttribute {
    pub type_name: &'static str,
    pub attribute: &'static str,
    pub sqs: QueueAttributeName,
}

pub fn policy() -> QueueAttribute {
    QueueAttribute { type_name: "aws_sqs_queue_policy", attribute: "policy", sqs: QueueAttributeName::Policy }
}

pub fn redrive_policy() -> QueueAttribute {
    QueueAttribute {
        type_name: "aws_sqs_queue_redrive_policy",
        attribute: "redrive_policy",
        sqs: QueueAttributeName::RedrivePolicy,
    }
}

pub fn redrive_allow_policy() -> QueueAttribute {
    QueueAttribute {
        type_name: "aws_sqs_queue_redrive_allow_policy",
        attribute: "redrive_allow_policy",
        sqs: QueueAttributeName::RedriveAllowPolicy,
    }
}

impl QueueAttribute {
    async fn remote(&self, api: &Api<'_>, url: &str) -> Result<Option<String>, AwsError> {
        let attrs = attributes(api, url).await?;
        Ok(attrs.get(&self.sqs).filter(|p| !p.is_empty()).cloned())
    }

    async fn put(&self, api: &Api<'_>, url: &str, document: &str) -> Result<(), AwsError> {
        set_attributes(api, url, HashMap::from([(self.sqs.clone(), document.to_string())])).await
    }
}

#[async_trait]
impl AwsResource for QueueAttribute {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr(self.attribute, Attribute::required(Type::String))
            .attr("queue_url", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, self.attribute);
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let url = req.planned.get_str("queue_url").unwrap_or_default();
        self.put(api, url, req.planned.get_str(self.attribute).unwrap_or_default()).await?;
        Ok(url.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(remote) = self.remote(api, id).await? else { return Ok(None) };
        s.set("queue_url", Value::from(id));
        s.set(self.attribute, Value::from(prefer_prior(s.get_str(self.attribute), &remote)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        self.put(api, id, planned.get_str(self.attribute).unwrap_or_default()).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        self.put(api, id, "").await
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(url), Some(document)) = (planned.get_str("queue_url"), planned.get_str(self.attribute)) else {
            return Ok(None);
        };
        let remote = self.remote(api, url).await.or_not_found(NOT_FOUND)?.flatten();
        Ok(remote.filter(|r| equivalent(r, document)).map(|_| url.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("queue_url", Value::from(id))])
    }
}
