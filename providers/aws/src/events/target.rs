//! `aws_cloudwatch_event_target`. ID: Terraform's `rule-target_id` (`bus-rule-target_id` off
//! the default bus); import ID: `rule/target_id` or `bus/rule/target_id`. An unset `target_id`
//! is derived from the intent token, and PutTargets is an upsert by ID, so a resent create
//! makes no second target and `find` lists the rule's targets for that ID. Supported target
//! settings: `input`, `input_path`, `role_arn`, `input_transformer`, `retry_policy`,
//! `dead_letter_config`, `sqs_target` (the service-specific blocks are not, see
//! schema-differences.md).

use super::{DEFAULT_BUS, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, get_i32, get_string, one_block, opt_str, string_map};
use aws_sdk_eventbridge::types::{DeadLetterConfig, InputTransformer, RetryPolicy, SqsParameters, Target as SdkTarget};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Target;

/// (bus, rule, target_id) of a state (or of the import seed).
fn key(s: &Value) -> (String, String, String) {
    let bus = s.get_str("event_bus_name").unwrap_or(DEFAULT_BUS).to_string();
    (bus, s.get_str("rule").unwrap_or_default().to_string(), s.get_str("target_id").unwrap_or_default().to_string())
}

fn id_of(bus: &str, rule: &str, target: &str) -> String {
    if bus == DEFAULT_BUS {
        format!("{rule}-{target}")
    } else {
        format!("{bus}-{rule}-{target}")
    }
}

async fn find(api: &Api<'_>, bus: &str, rule: &str, target: &str) -> Result<Option<SdkTarget>, AwsError> {
    let mut next: Option<String> = None;
    loop {
        let req = api.events.list_targets_by_rule().rule(rule).event_bus_name(bus).set_next_token(next.clone());
        let out = api.call("ListTargetsByRule", || req.clone().send()).await?;
        if let Some(t) = out.targets().iter().find(|t| t.id() == target) {
            return Ok(Some(t.clone()));
        }
        match out.next_token() {
            Some(t) if !t.is_empty() => next = Some(t.to_string()),
            _ => return Ok(None),
        }
    }
}

fn to_target(api: &Api<'_>, p: &Value, id: &str) -> Result<SdkTarget, AwsError> {
    let bad =
        |attr: &'static str| move |e: aws_smithy_types::error::operation::BuildError| api.invalid(attr, e.to_string());
    let transformer = one_block(p.get("input_transformer"));
    let transformer = if transformer.is_null() {
        None
    } else {
        let paths = string_map(transformer.get("input_paths"));
        Some(
            InputTransformer::builder()
                .set_input_paths_map((!paths.is_empty()).then(|| paths.into_iter().collect()))
                .set_input_template(get_string(transformer, "input_template"))
                .build()
                .map_err(bad("input_transformer"))?,
        )
    };
    let retry = one_block(p.get("retry_policy"));
    let retry = (!retry.is_null()).then(|| {
        RetryPolicy::builder()
            .set_maximum_event_age_in_seconds(get_i32(retry, "maximum_event_age_in_seconds"))
            .set_maximum_retry_attempts(get_i32(retry, "maximum_retry_attempts"))
            .build()
    });
    let dlq = one_block(p.get("dead_letter_config"));
    let dlq = (!dlq.is_null()).then(|| DeadLetterConfig::builder().set_arn(get_string(dlq, "arn")).build());
    let sqs = one_block(p.get("sqs_target"));
    let sqs = (!sqs.is_null())
        .then(|| SqsParameters::builder().set_message_group_id(get_string(sqs, "message_group_id")).build());
    SdkTarget::builder()
        .id(id)
        .arn(p.get_str("arn").unwrap_or_default())
        .set_input(get_string(p, "input"))
        .set_input_path(get_string(p, "input_path"))
        .set_role_arn(get_string(p, "role_arn"))
        .set_input_transformer(transformer)
        .set_retry_policy(retry)
        .set_dead_letter_config(dlq)
        .set_sqs_parameters(sqs)
        .build()
        .map_err(bad("arn"))
}

async fn put(api: &Api<'_>, p: &Value, bus: &str, rule: &str, target: &str) -> Result<(), AwsError> {
    let t = to_target(api, p, target)?;
    let req = api.events.put_targets().rule(rule).event_bus_name(bus).targets(t);
    let out = api.call("PutTargets", || req.clone().send()).await?;
    if let Some(f) = out.failed_entries().first() {
        return Err(AwsError::Api {
            address: api.address.to_string(),
            operation: "PutTargets",
            code: f.error_code().unwrap_or("FailedEntry").to_string(),
            message: f.error_message().unwrap_or_default().to_string(),
            status: None,
        });
    }
    Ok(())
}

#[async_trait]
impl AwsResource for Target {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_target"
    }

    fn schema(&self) -> Schema {
        let one = |s: Schema| Block::list(s).max_items(1);
        Schema::new()
            .attr("arn", Attribute::required(Type::String))
            .attr("rule", Attribute::required(Type::String).force_new())
            .attr("target_id", Attribute::optional_computed(Type::String).force_new())
            .attr("event_bus_name", Attribute::optional(Type::String).default(DEFAULT_BUS).force_new())
            .attr("force_destroy", Attribute::optional(Type::Bool).default(false))
            .attr("input", Attribute::optional(Type::String))
            .attr("input_path", Attribute::optional(Type::String))
            .attr("role_arn", Attribute::optional(Type::String))
            .block("dead_letter_config", one(Schema::new().attr("arn", Attribute::optional(Type::String))))
            .block(
                "input_transformer",
                one(Schema::new()
                    .attr("input_paths", Attribute::optional(Type::map(Type::String)))
                    .attr("input_template", Attribute::required(Type::String))),
            )
            .block(
                "retry_policy",
                one(Schema::new()
                    .attr("maximum_event_age_in_seconds", Attribute::optional(Type::Number))
                    .attr("maximum_retry_attempts", Attribute::optional(Type::Number))),
            )
            .block("sqs_target", one(Schema::new().attr("message_group_id", Attribute::optional(Type::String))))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let (bus, rule, target) = key(req.planned);
        let target = if target.is_empty() { crate::intent::generated_name("meshplan-", req.token) } else { target };
        put(api, req.planned, &bus, &rule, &target).await?;
        Ok(id_of(&bus, &rule, &target))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bus, rule, mut target) = key(s);
        if target.is_empty() {
            // Right after the create: the ID holds the generated target ID.
            let prefix = id_of(&bus, &rule, "");
            target = id.strip_prefix(&prefix).unwrap_or(id).to_string();
        }
        let Some(t) = find(api, &bus, &rule, &target).await? else { return Ok(None) };
        s.set("target_id", Value::from(t.id()));
        s.set("arn", Value::from(t.arn()));
        s.set("input", opt_str(t.input()));
        s.set("input_path", opt_str(t.input_path()));
        s.set("role_arn", opt_str(t.role_arn()));
        let transformer = t.input_transformer().map(|x| {
            let paths =
                x.input_paths_map().map(|m| m.iter().map(|(k, v)| (k.clone(), Value::from(v.as_str()))).collect());
            Value::object([
                ("input_paths", paths.map(Value::Object).unwrap_or(Value::Null)),
                ("input_template", Value::from(x.input_template())),
            ])
        });
        s.set("input_transformer", block_list(transformer.unwrap_or(Value::Null)));
        let retry = t.retry_policy().map(|r| {
            let n = |v: Option<i32>| v.map(|v| Value::from(i64::from(v))).unwrap_or(Value::Null);
            Value::object([
                ("maximum_event_age_in_seconds", n(r.maximum_event_age_in_seconds())),
                ("maximum_retry_attempts", n(r.maximum_retry_attempts())),
            ])
        });
        s.set("retry_policy", block_list(retry.unwrap_or(Value::Null)));
        let dlq = t.dead_letter_config().map(|d| Value::object([("arn", opt_str(d.arn()))]));
        s.set("dead_letter_config", block_list(dlq.unwrap_or(Value::Null)));
        let sqs = t.sqs_parameters().map(|q| Value::object([("message_group_id", opt_str(q.message_group_id()))]));
        s.set("sqs_target", block_list(sqs.unwrap_or(Value::Null)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let (bus, rule, target) = key(prior);
        put(api, planned, &bus, &rule, &target).await
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (bus, rule, target) = key(state);
        let force = state.get("force_destroy").as_bool() == Some(true);
        let req = api.events.remove_targets().rule(rule).event_bus_name(bus).ids(target).force(force);
        api.call("RemoveTargets", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (bus, rule, target) = key(planned);
        let target = if target.is_empty() { crate::intent::generated_name("meshplan-", token) } else { target };
        let found = find(api, &bus, &rule, &target).await.or_not_found(NOT_FOUND)?.flatten();
        Ok(found.map(|_| id_of(&bus, &rule, &target)))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        // rsplitn: a bus given by ARN holds `/` itself.
        let mut parts = id.rsplitn(3, '/');
        let (target, rule, bus) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default(), parts.next());
        if target.is_empty() || rule.is_empty() {
            return Err(format!("{id:?}: want rule/target_id or event_bus_name/rule/target_id"));
        }
        let bus = bus.unwrap_or(DEFAULT_BUS);
        Ok(vec![
            ("id", Value::from(id_of(bus, rule, target))),
            ("event_bus_name", Value::from(bus)),
            ("rule", Value::from(rule)),
            ("target_id", Value::from(target)),
        ])
    }
}
