//! `aws_cloudwatch_event_rule`. ID and import ID: the rule's name, `bus/name` off the
//! default bus. `event_pattern` is compared by meaning. PutRule is an upsert by name and
//! carries the intent tag; `find` describes the token-derived name and checks the tag.
//! `state` and the deprecated `is_enabled` are read back only when configured, as Terraform
//! suppresses their differences otherwise.

use super::{parse_rule_id, rule_id, DEFAULT_BUS, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{keep_equivalent_prior, prefer_prior};
use crate::skeleton::{AwsResource, Create, Naming, Options, Tagging};
use crate::values::opt_str;
use aws_sdk_eventbridge::operation::describe_rule::DescribeRuleOutput;
use aws_sdk_eventbridge::types::{RuleState, Tag};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Rule;

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect()
}

async fn describe(api: &Api<'_>, bus: &str, name: &str) -> Result<DescribeRuleOutput, AwsError> {
    let req = api.events.describe_rule().name(name).event_bus_name(bus);
    api.call("DescribeRule", || req.clone().send()).await
}

async fn remote_tags(api: &Api<'_>, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = api.call("ListTagsForResource", || api.events.list_tags_for_resource().resource_arn(arn).send()).await?;
    Ok(out.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

/// The state a configuration asks for: `state`, else `is_enabled` (default enabled).
fn wanted_state(planned: &Value) -> RuleState {
    match planned.get_str("state") {
        Some(s) => RuleState::from(s),
        None if planned.get("is_enabled").as_bool() == Some(false) => RuleState::Disabled,
        None => RuleState::Enabled,
    }
}

/// PutRule with every setting (it replaces the rule's definition, tags aside).
async fn put(
    api: &Api<'_>,
    planned: &Value,
    name: &str,
    tags: Option<&BTreeMap<String, String>>,
) -> Result<String, AwsError> {
    let req = api
        .events
        .put_rule()
        .name(name)
        .event_bus_name(planned.get_str("event_bus_name").unwrap_or(DEFAULT_BUS))
        .set_description(planned.get_str("description").map(str::to_string))
        .set_event_pattern(planned.get_str("event_pattern").map(str::to_string))
        .set_schedule_expression(planned.get_str("schedule_expression").map(str::to_string))
        .set_role_arn(planned.get_str("role_arn").map(str::to_string))
        .state(wanted_state(planned))
        .set_tags(tags.map(tag_list));
    let out = api.call("PutRule", || req.clone().send()).await?;
    Ok(out.rule_arn().unwrap_or_default().to_string())
}

#[async_trait]
impl AwsResource for Rule {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_rule"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("event_bus_name", Attribute::optional(Type::String).default(DEFAULT_BUS).force_new())
            .attr("event_pattern", Attribute::optional(Type::String))
            .attr("force_destroy", Attribute::optional(Type::Bool).default(false))
            .attr("is_enabled", Attribute::optional(Type::Bool))
            .attr("role_arn", Attribute::optional(Type::String))
            .attr("schedule_expression", Attribute::optional(Type::String))
            .attr("state", Attribute::optional(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, naming: Some(Naming::with_prefix()), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "event_pattern");
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        // PutRule is an upsert by name: resending it after a lost answer makes no second rule.
        put(api, req.planned, req.name(), Some(&req.tags)).await?;
        Ok(rule_id(req.planned.get_str("event_bus_name").unwrap_or(DEFAULT_BUS), req.name()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bus, name) = parse_rule_id(id);
        let r = describe(api, bus, name).await?;
        let arn = r.arn().unwrap_or_default().to_string();
        s.set("name", Value::from(name));
        s.set("event_bus_name", Value::from(r.event_bus_name().unwrap_or(bus)));
        s.set("arn", Value::from(arn.as_str()));
        s.set("description", opt_str(r.description().filter(|d| !d.is_empty())));
        s.set("schedule_expression", opt_str(r.schedule_expression()));
        s.set("role_arn", opt_str(r.role_arn()));
        let pattern = r.event_pattern().map(|p| prefer_prior(s.get_str("event_pattern"), p));
        s.set("event_pattern", pattern.map(Value::from).unwrap_or(Value::Null));
        let state = r.state().map(|st| st.as_str()).unwrap_or("ENABLED");
        if !s.get("state").is_null() {
            s.set("state", Value::from(state));
        }
        if !s.get("is_enabled").is_null() {
            s.set("is_enabled", Value::from(state != "DISABLED"));
        }
        remote_tags(api, &arn).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned, parse_rule_id(id).1, None).await.map(|_| ())
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let (bus, name) = parse_rule_id(id);
        let arn = describe(api, bus, name).await?.arn().unwrap_or_default().to_string();
        if !removed.is_empty() {
            let req = api.events.untag_resource().resource_arn(&arn).set_tag_keys(Some(removed.to_vec()));
            api.call("UntagResource", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let req = api.events.tag_resource().resource_arn(&arn).set_tags(Some(tag_list(changed)));
            api.call("TagResource", || req.clone().send()).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (bus, name) = parse_rule_id(id);
        let force = state.get("force_destroy").as_bool() == Some(true);
        let req = api.events.delete_rule().name(name).event_bus_name(bus).force(force);
        api.call("DeleteRule", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        let bus = planned.get_str("event_bus_name").unwrap_or(DEFAULT_BUS);
        let Some(r) = describe(api, bus, name).await.or_not_found(NOT_FOUND)? else { return Ok(None) };
        let tags = remote_tags(api, r.arn().unwrap_or_default()).await?;
        let ours = crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token);
        Ok(ours.then(|| rule_id(bus, name)))
    }
}
