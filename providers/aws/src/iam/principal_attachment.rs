//! `aws_iam_user_policy_attachment` and `aws_iam_group_policy_attachment`: a managed policy
//! attached to a user or group. ID and import ID: `<user|group>/<policy_arn>`.
//!
//! Crash safety: Attach*Policy is idempotent and an attachment has no tags, so it is found by
//! its content (the planned policy attached to the planned principal).

use super::common::NOT_FOUND;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Whose policies: the attribute naming the principal tells the two types apart.
#[derive(Clone, Copy)]
pub enum Principal {
    User,
    Group,
}

pub struct PolicyAttachment(pub Principal);

impl PolicyAttachment {
    fn key(&self) -> &'static str {
        match self.0 {
            Principal::User => "user",
            Principal::Group => "group",
        }
    }

    async fn attached(&self, api: &Api<'_>, who: &str) -> Result<Vec<String>, AwsError> {
        let mut arns = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let (page, next) = match self.0 {
                Principal::User => {
                    let req = api.iam.list_attached_user_policies().user_name(who).set_marker(marker.clone());
                    let out = api.call("ListAttachedUserPolicies", || req.clone().send()).await?;
                    let next = out.marker().filter(|_| out.is_truncated()).map(str::to_string);
                    (out.attached_policies().to_vec(), next)
                }
                Principal::Group => {
                    let req = api.iam.list_attached_group_policies().group_name(who).set_marker(marker.clone());
                    let out = api.call("ListAttachedGroupPolicies", || req.clone().send()).await?;
                    let next = out.marker().filter(|_| out.is_truncated()).map(str::to_string);
                    (out.attached_policies().to_vec(), next)
                }
            };
            arns.extend(page.iter().filter_map(|p| p.policy_arn().map(str::to_string)));
            match next {
                Some(m) => marker = Some(m),
                None => return Ok(arns),
            }
        }
    }
}

fn split(id: &str) -> Option<(&str, &str)> {
    id.split_once('/').filter(|(who, arn)| !who.is_empty() && arn.starts_with("arn:"))
}

#[async_trait]
impl AwsResource for PolicyAttachment {
    fn type_name(&self) -> &'static str {
        match self.0 {
            Principal::User => "aws_iam_user_policy_attachment",
            Principal::Group => "aws_iam_group_policy_attachment",
        }
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr(self.key(), Attribute::required(Type::String).force_new())
            .attr("policy_arn", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let who = req.planned.get_str(self.key()).unwrap_or_default();
        let arn = req.planned.get_str("policy_arn").unwrap_or_default();
        // A principal made a moment ago is not always visible yet.
        match self.0 {
            Principal::User => {
                let call = api.iam.attach_user_policy().user_name(who).policy_arn(arn);
                api.call_settling("AttachUserPolicy", NOT_FOUND, || call.clone().send()).await?;
            }
            Principal::Group => {
                let call = api.iam.attach_group_policy().group_name(who).policy_arn(arn);
                api.call_settling("AttachGroupPolicy", NOT_FOUND, || call.clone().send()).await?;
            }
        }
        Ok(format!("{who}/{arn}"))
    }

    /// Not attached (or no such principal) reads as gone.
    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((who, arn)) = split(id) else { return Ok(None) };
        if !self.attached(api, who).await?.iter().any(|a| a == arn) {
            return Ok(None);
        }
        s.set(self.key(), Value::from(who));
        s.set("policy_arn", Value::from(arn));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((who, arn)) = split(id) else { return Ok(()) };
        match self.0 {
            Principal::User => {
                let call = api.iam.detach_user_policy().user_name(who).policy_arn(arn);
                api.call("DetachUserPolicy", || call.clone().send()).await?;
            }
            Principal::Group => {
                let call = api.iam.detach_group_policy().group_name(who).policy_arn(arn);
                api.call("DetachGroupPolicy", || call.clone().send()).await?;
            }
        }
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(who), Some(arn)) = (planned.get_str(self.key()), planned.get_str("policy_arn")) else {
            return Ok(None);
        };
        match self.attached(api, who).await {
            Ok(arns) if arns.iter().any(|a| a == arn) => Ok(Some(format!("{who}/{arn}"))),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        match split(id) {
            Some(_) => Ok(vec![("id", Value::from(id))]),
            None => Err(format!("expected {}/POLICY_ARN, got {id:?}", self.key().to_uppercase())),
        }
    }
}
