//! `aws_cloudformation_stack`. ID: the stack ID (its ARN); import ID: the name or the ID.
//! CreateStack carries the create's token as its ClientRequestToken and as the intent tag;
//! `find` describes the stack by name and checks the tag. The create waits for
//! CREATE_COMPLETE (a rollback is an error naming the failed resources, and the stack stays
//! in the state, tainted), updates for UPDATE_COMPLETE, deletes for DELETE_COMPLETE, each
//! bounded by its `timeouts` entry. Tags are the stack's and change with UpdateStack.

use super::stack_status::{describe, wait};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{list_value, map_value, string_list, string_map};
use aws_sdk_cloudformation::types::{Capability, OnFailure, Parameter, Tag};
use meshplan_provider::duration::timeout_of;
use meshplan_provider::{async_trait, Attribute, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Stack;

fn parameters(planned: &Value) -> Vec<Parameter> {
    string_map(planned.get("parameters"))
        .into_iter()
        .map(|(k, v)| Parameter::builder().parameter_key(k).parameter_value(v).build())
        .collect()
}

fn capabilities(planned: &Value) -> Option<Vec<Capability>> {
    let list = string_list(planned.get("capabilities"));
    (!list.is_empty()).then(|| list.iter().map(|c| Capability::from(c.as_str())).collect())
}

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

fn text(planned: &Value, key: &str) -> Option<String> {
    planned.get_str(key).map(str::to_string)
}

/// Whether two template (or policy) texts say the same: equal, or equal as JSON.
fn same_document(a: &str, b: &str) -> bool {
    if a.trim() == b.trim() {
        return true;
    }
    match (serde_json::from_str::<serde_json::Value>(a), serde_json::from_str::<serde_json::Value>(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The document read back, or the prior text when it says the same.
fn keep_prior(prior: Option<&str>, remote: &str) -> String {
    match prior {
        Some(p) if same_document(p, remote) => p.to_string(),
        _ => remote.to_string(),
    }
}

#[async_trait]
impl AwsResource for Stack {
    fn type_name(&self) -> &'static str {
        "aws_cloudformation_stack"
    }

    fn schema(&self) -> Schema {
        let set = || Type::set(Type::String);
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("template_body", Attribute::optional_computed(Type::String))
            .attr("template_url", Attribute::optional(Type::String))
            .attr("parameters", Attribute::optional_computed(Type::map(Type::String)))
            .attr("capabilities", Attribute::optional(set()))
            .attr("on_failure", Attribute::optional(Type::String).force_new())
            .attr("disable_rollback", Attribute::optional(Type::Bool).force_new())
            .attr("timeout_in_minutes", Attribute::optional(Type::Number).force_new())
            .attr("policy_body", Attribute::optional_computed(Type::String))
            .attr("policy_url", Attribute::optional(Type::String))
            .attr("iam_role_arn", Attribute::optional(Type::String))
            .attr("notification_arns", Attribute::optional(set()).force_new())
            .attr("outputs", Attribute::computed(Type::map(Type::String)))
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Custom,
            timeouts: &["create", "update", "delete"],
            default_timeout: Duration::from_secs(75 * 60),
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        // "does not exist" comes as a ValidationError, told apart by `describe`.
        &[]
    }

    fn check(&self, address: &str, config: &Value) -> Result<(), ProviderError> {
        let invalid = |attribute: &str, message: &str| -> ProviderError {
            AwsError::Invalid { address: address.into(), message: message.into(), attribute: Some(attribute.into()) }
                .into()
        };
        if !config.get("on_failure").is_null() && !config.get("disable_rollback").is_null() {
            return Err(invalid("on_failure", "\"on_failure\" conflicts with \"disable_rollback\": set one of them"));
        }
        if !config.get("template_body").is_null() && !config.get("template_url").is_null() {
            return Err(invalid("template_url", "\"template_url\" conflicts with \"template_body\": set one of them"));
        }
        if config.get("template_body").is_null() && config.get("template_url").is_null() {
            return Err(invalid("template_body", "one of \"template_body\" or \"template_url\" must be set"));
        }
        Ok(())
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let call = api
            .cloudformation
            .create_stack()
            .stack_name(p.get_str("name").unwrap_or_default())
            .client_request_token(req.token)
            .set_template_body(text(p, "template_body"))
            .set_template_url(text(p, "template_url"))
            .set_parameters(Some(parameters(p)))
            .set_capabilities(capabilities(p))
            .set_on_failure(text(p, "on_failure").map(|f| OnFailure::from(f.as_str())))
            .set_disable_rollback(p.get("disable_rollback").as_bool())
            .set_timeout_in_minutes(p.get("timeout_in_minutes").as_i64().and_then(|n| i32::try_from(n).ok()))
            .set_stack_policy_body(text(p, "policy_body"))
            .set_stack_policy_url(text(p, "policy_url"))
            .set_role_arn(text(p, "iam_role_arn"))
            .set_notification_arns(Some(string_list(p.get("notification_arns"))))
            .set_tags(Some(tag_list(&req.tags)));
        let conflicts = CreateCall { conflicts: &["AlreadyExistsException"], ..CreateCall::default() };
        let created =
            api.create("CreateStack", conflicts, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        created.id(|o| o.stack_id()).ok_or_else(|| missing_id(api, "CreateStack"))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        wait(api, id, "CREATE", timeout).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(stack) = describe(api, id).await? else { return Ok(None) };
        let stack_id = stack.stack_id().unwrap_or(id).to_string();
        s.set("id", Value::from(stack_id.as_str()));
        s.set("name", Value::from(stack.stack_name().unwrap_or_default()));
        let remote_params: BTreeMap<String, String> = stack
            .parameters()
            .iter()
            .filter_map(|p| Some((p.parameter_key()?.to_string(), p.parameter_value().unwrap_or_default().to_string())))
            .collect();
        // Parameters the template defaults are not drift from a configuration naming others.
        let configured = string_map(s.get("parameters"));
        let params: BTreeMap<String, String> = if s.get("parameters").as_object().is_some() {
            remote_params.into_iter().filter(|(k, _)| configured.contains_key(k)).collect()
        } else {
            remote_params
        };
        s.set("parameters", map_value(&params));
        let outputs = stack
            .outputs()
            .iter()
            .filter_map(|o| Some((o.output_key()?.to_string(), o.output_value().unwrap_or_default().to_string())));
        s.set("outputs", map_value(outputs.collect::<BTreeMap<_, _>>()));
        let mut caps: Vec<&str> = stack.capabilities().iter().map(|c| c.as_str()).collect();
        caps.sort();
        s.set(
            "capabilities",
            if caps.is_empty() && s.get("capabilities").is_null() { Value::Null } else { list_value(caps) },
        );
        let mut arns: Vec<&str> = stack.notification_arns().iter().map(String::as_str).collect();
        arns.sort();
        s.set(
            "notification_arns",
            if arns.is_empty() && s.get("notification_arns").is_null() { Value::Null } else { list_value(arns) },
        );
        s.set("iam_role_arn", stack.role_arn().map(Value::from).unwrap_or(Value::Null));
        if !s.get("timeout_in_minutes").is_null() || stack.timeout_in_minutes().is_some() {
            s.set(
                "timeout_in_minutes",
                stack.timeout_in_minutes().map(|n| Value::from(n as i64)).unwrap_or(Value::Null),
            );
        }
        // disable_rollback is read back only when configured (it conflicts with on_failure).
        if !s.get("disable_rollback").is_null() {
            s.set("disable_rollback", Value::from(stack.disable_rollback().unwrap_or(false)));
        }
        let req = api.cloudformation.get_template().stack_name(&stack_id);
        let template = api.call("GetTemplate", || req.clone().send()).await?;
        let body = template.template_body().unwrap_or_default();
        s.set("template_body", Value::from(keep_prior(s.get_str("template_body"), body)));
        let req = api.cloudformation.get_stack_policy().stack_name(&stack_id);
        let policy = api.call("GetStackPolicy", || req.clone().send()).await?;
        let policy = policy.stack_policy_body().unwrap_or_default();
        s.set(
            "policy_body",
            if policy.is_empty() { Value::Null } else { Value::from(keep_prior(s.get_str("policy_body"), policy)) },
        );
        if s.get("policy_body").is_null() && s.get("policy_url").is_null() {
            s.set("policy_body", Value::Null);
        }
        Ok(Some(stack.tags().iter().filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string()))).collect()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let timeout =
            timeout_of(planned, "update", self.options().default_timeout).map_err(|m| api.invalid("timeouts", m))?;
        let p = planned;
        // A changed URL is fetched again; else the body as planned (or the one in place).
        let url = text(p, "template_url").filter(|_| prior.get("template_url") != p.get("template_url"));
        let body = if url.is_some() { None } else { text(p, "template_body") };
        let policy_url = text(p, "policy_url").filter(|_| prior.get("policy_url") != p.get("policy_url"));
        let policy_body = if policy_url.is_some() { None } else { text(p, "policy_body") };
        let call = api
            .cloudformation
            .update_stack()
            .stack_name(id)
            .set_template_body(body.clone())
            .set_template_url(url.clone())
            .set_use_previous_template((body.is_none() && url.is_none()).then_some(true))
            .set_parameters(Some(parameters(p)))
            .set_capabilities(capabilities(p))
            .set_stack_policy_body(policy_body)
            .set_stack_policy_url(policy_url)
            .set_role_arn(text(p, "iam_role_arn"))
            .set_tags(Some(tag_list(&crate::tags::desired(api, p))));
        match api.call("UpdateStack", || call.clone().send()).await {
            Ok(_) => wait(api, id, "UPDATE", timeout).await,
            // Only something CloudFormation does not track changed (nothing to do).
            Err(e) if e.to_string().contains("No updates are to be performed") => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// UpdateStack in [`AwsResource::update`] already wrote the tags.
    async fn set_tags(
        &self,
        _api: &Api<'_>,
        _id: &str,
        _removed: &[String],
        _changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        if describe(api, id).await?.is_none() {
            return Ok(());
        }
        api.call("DeleteStack", || api.cloudformation.delete_stack().stack_name(id).send()).await?;
        wait(api, id, "DELETE", timeout).await
    }

    /// The stack of the planned name, ours when it carries the token.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        let Some(stack) = describe(api, name).await? else { return Ok(None) };
        let tags = stack.tags().iter().filter_map(|t| Some((t.key()?, t.value()?)));
        Ok(crate::intent::carries(tags, token).then(|| stack.stack_id().unwrap_or(name).to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_compare_by_meaning_when_json() {
        assert!(same_document("{\"a\": 1, \"b\": 2}", "{\"b\":2,\"a\":1}"));
        assert!(same_document("Resources: {}\n", "Resources: {}"));
        assert!(!same_document("{\"a\": 1}", "{\"a\": 2}"));
        assert_eq!(keep_prior(Some("{ \"a\": 1 }"), "{\"a\":1}"), "{ \"a\": 1 }");
        assert_eq!(keep_prior(Some("{\"a\": 2}"), "{\"a\":1}"), "{\"a\":1}");
    }
}
