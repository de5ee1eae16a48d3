//! `aws_cloudwatch_log_group`. ID and import ID: the group's name. `skip_destroy` leaves the
//! group (and its logs) in AWS on destroy, as in Terraform.

use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Naming, Options, Tagging};
use crate::values::get_i32;
use aws_sdk_cloudwatchlogs::types::{LogGroup as Group, LogGroupClass};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

pub struct LogGroup;

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

async fn describe(api: &Api<'_>, name: &str) -> Result<Option<Group>, AwsError> {
    let req = api.logs.describe_log_groups().log_group_name_prefix(name);
    let out = api.call("DescribeLogGroups", || req.clone().send()).await?;
    Ok(out.log_groups().iter().find(|g| g.log_group_name() == Some(name)).cloned())
}

/// The group's ARN without the `:*` AWS appends (Terraform's `arn`).
fn arn(g: &Group) -> String {
    g.arn().unwrap_or_default().trim_end_matches(":*").to_string()
}

async fn remote_tags(api: &Api<'_>, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = api.call("ListTagsForResource", || api.logs.list_tags_for_resource().resource_arn(arn).send()).await?;
    Ok(out.tags().map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
}

async fn set_retention(api: &Api<'_>, name: &str, days: Option<i32>) -> Result<(), AwsError> {
    match days.filter(|d| *d > 0) {
        Some(d) => {
            let req = api.logs.put_retention_policy().log_group_name(name).retention_in_days(d);
            api.call("PutRetentionPolicy", || req.clone().send()).await?;
        }
        None => {
            let req = api.logs.delete_retention_policy().log_group_name(name);
            api.call("DeleteRetentionPolicy", || req.clone().send()).await?;
        }
    }
    Ok(())
}

#[async_trait]
impl AwsResource for LogGroup {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("kms_key_id", Attribute::optional(Type::String))
            .attr("log_group_class", Attribute::optional_computed(Type::String).force_new())
            .attr("retention_in_days", Attribute::optional(Type::Number).default(0i64))
            .attr("skip_destroy", Attribute::optional(Type::Bool).default(false))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, naming: Some(Naming::with_prefix()), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let tags: HashMap<String, String> = req.tags.clone().into_iter().collect();
        let call = api
            .logs
            .create_log_group()
            .log_group_name(req.name())
            .set_kms_key_id(req.planned.get_str("kms_key_id").map(str::to_string))
            .set_log_group_class(req.planned.get_str("log_group_class").map(LogGroupClass::from))
            .set_tags((!tags.is_empty()).then_some(tags));
        let conflicts = CreateCall { conflicts: &["ResourceAlreadyExistsException"], ..CreateCall::default() };
        api.create("CreateLogGroup", conflicts, || call.clone().send(), || self.locate(api, req.token, req.planned))
            .await?;
        Ok(req.name().to_string())
    }

    /// Retention is a second call (repeatable).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if let Some(days) = get_i32(planned, "retention_in_days").filter(|d| *d > 0) {
            set_retention(api, id, Some(days)).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(None) };
        s.set("name", Value::from(id));
        s.set("arn", Value::from(arn(&g)));
        s.set("retention_in_days", Value::from(i64::from(g.retention_in_days().unwrap_or(0))));
        s.set("kms_key_id", g.kms_key_id().map(Value::from).unwrap_or(Value::Null));
        s.set("log_group_class", Value::from(g.log_group_class().map(|c| c.as_str()).unwrap_or("STANDARD")));
        remote_tags(api, &arn(&g)).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("retention_in_days") != planned.get("retention_in_days") {
            set_retention(api, id, get_i32(planned, "retention_in_days")).await?;
        }
        if prior.get("kms_key_id") != planned.get("kms_key_id") {
            match planned.get_str("kms_key_id") {
                Some(key) => {
                    let req = api.logs.associate_kms_key().log_group_name(id).kms_key_id(key);
                    api.call("AssociateKmsKey", || req.clone().send()).await?;
                }
                None => {
                    let req = api.logs.disassociate_kms_key().log_group_name(id);
                    api.call("DisassociateKmsKey", || req.clone().send()).await?;
                }
            }
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
        let Some(g) = describe(api, id).await? else { return Ok(()) };
        let arn = arn(&g);
        if !removed.is_empty() {
            let req = api.logs.untag_resource().resource_arn(&arn).set_tag_keys(Some(removed.to_vec()));
            api.call("UntagResource", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let tags: HashMap<String, String> = changed.clone().into_iter().collect();
            let req = api.logs.tag_resource().resource_arn(&arn).set_tags(Some(tags));
            api.call("TagResource", || req.clone().send()).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if state.get("skip_destroy").as_bool() == Some(true) {
            return Ok(());
        }
        api.call("DeleteLogGroup", || api.logs.delete_log_group().log_group_name(id).send()).await?;
        Ok(())
    }

    /// By the token-derived (or configured) name, ours when it carries the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        let Some(g) = describe(api, name).await? else { return Ok(None) };
        let tags = remote_tags(api, &arn(&g)).await?;
        let ours = crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token);
        Ok(ours.then(|| name.to_string()))
    }
}
