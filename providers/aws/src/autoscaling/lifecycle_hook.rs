//! `aws_autoscaling_lifecycle_hook`. ID: the hook's name; import ID: `<group>/<hook>`.
//! PutLifecycleHook is an upsert, so a resent create writes the same hook and `find` knows
//! it by its planned content.

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{get_i32, get_string, opt_str};
use aws_sdk_autoscaling::types::LifecycleHook;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Hook;

async fn put(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let req = api
        .autoscaling
        .put_lifecycle_hook()
        .set_auto_scaling_group_name(get_string(p, "autoscaling_group_name"))
        .set_lifecycle_hook_name(get_string(p, "name"))
        .set_lifecycle_transition(get_string(p, "lifecycle_transition"))
        .set_default_result(get_string(p, "default_result"))
        .set_heartbeat_timeout(get_i32(p, "heartbeat_timeout"))
        .set_notification_metadata(get_string(p, "notification_metadata"))
        .set_notification_target_arn(get_string(p, "notification_target_arn"))
        .set_role_arn(get_string(p, "role_arn"));
    // A role made a moment ago may not be usable by Auto Scaling yet.
    api.call_settling("PutLifecycleHook", &["ValidationError:Unable to publish test message"], || req.clone().send())
        .await?;
    Ok(())
}

async fn describe(api: &Api<'_>, group: &str, name: &str) -> Result<Option<LifecycleHook>, AwsError> {
    let req = api.autoscaling.describe_lifecycle_hooks().auto_scaling_group_name(group).lifecycle_hook_names(name);
    let out = match api.call("DescribeLifecycleHooks", || req.clone().send()).await {
        // The group is gone, and the hook with it.
        Err(e) if e.code() == Some("ValidationError") => return Ok(None),
        other => other?,
    };
    Ok(out.lifecycle_hooks().iter().find(|h| h.lifecycle_hook_name() == Some(name)).cloned())
}

#[async_trait]
impl AwsResource for Hook {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_lifecycle_hook"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("autoscaling_group_name", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("lifecycle_transition", Attribute::required(Type::String))
            .attr("default_result", Attribute::optional_computed(Type::String))
            .attr("heartbeat_timeout", Attribute::optional(Type::Number))
            .attr("notification_metadata", Attribute::optional(Type::String))
            .attr("notification_target_arn", Attribute::optional(Type::String))
            .attr("role_arn", Attribute::optional(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        &[]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        Ok(req.planned.get_str("name").unwrap_or_default().to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(group) = s.get_str("autoscaling_group_name").map(str::to_string) else { return Ok(None) };
        let Some(h) = describe(api, &group, id).await? else { return Ok(None) };
        s.set("name", Value::from(id));
        s.set("lifecycle_transition", opt_str(h.lifecycle_transition()));
        s.set("default_result", opt_str(h.default_result()));
        // AWS reports its default heartbeat (3600) when none was set: keep an unset one unset.
        let heartbeat = h.heartbeat_timeout().map(|t| Value::from(i64::from(t)));
        let unset_default = s.get("heartbeat_timeout").is_null() && h.heartbeat_timeout() == Some(3600);
        s.set("heartbeat_timeout", if unset_default { Value::Null } else { heartbeat.unwrap_or(Value::Null) });
        s.set("notification_metadata", opt_str(h.notification_metadata()));
        s.set("notification_target_arn", opt_str(h.notification_target_arn()));
        s.set("role_arn", opt_str(h.role_arn()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let group = state.get_str("autoscaling_group_name").unwrap_or_default();
        let req = api.autoscaling.delete_lifecycle_hook().auto_scaling_group_name(group).lifecycle_hook_name(id);
        match api.call("DeleteLifecycleHook", || req.clone().send()).await {
            // The hook (or its group) is already gone.
            Err(e) if e.code() == Some("ValidationError") => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The hook is ours when it exists with the planned transition and target.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(group), Some(name)) = (planned.get_str("autoscaling_group_name"), planned.get_str("name")) else {
            return Ok(None);
        };
        let Some(h) = describe(api, group, name).await? else { return Ok(None) };
        let same = h.lifecycle_transition() == planned.get_str("lifecycle_transition")
            && h.notification_target_arn() == planned.get_str("notification_target_arn");
        Ok(same.then(|| name.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (group, name) = id.split_once('/').ok_or_else(|| format!("expected GROUP/HOOK, got {id:?}"))?;
        Ok(vec![("id", Value::from(name)), ("autoscaling_group_name", Value::from(group))])
    }
}
