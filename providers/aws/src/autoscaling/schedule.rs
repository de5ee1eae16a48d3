//! `aws_autoscaling_schedule`: a scheduled scaling action of an Auto Scaling group. ID: the
//! action's name; import ID: `<group>/<action>`. PutScheduledUpdateGroupAction is an upsert,
//! so a resent create writes the same action; `find` knows it by its planned content.

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{get_i32, get_string, opt_str};
use aws_sdk_autoscaling::types::ScheduledUpdateGroupAction as Action;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Schedule;

fn time(api: &Api<'_>, v: &Value, key: &str) -> Result<Option<DateTime>, AwsError> {
    match v.get_str(key) {
        None | Some("") => Ok(None),
        Some(t) => DateTime::from_str(t, Format::DateTime)
            .map(Some)
            .map_err(|_| api.invalid(key, format!("{t:?} is not a time in RFC 3339 form (2006-01-02T15:04:05Z)"))),
    }
}

fn time_value(t: Option<&DateTime>) -> Value {
    opt_str(t.and_then(|t| t.fmt(Format::DateTime).ok()).as_deref())
}

async fn put(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let req = api
        .autoscaling
        .put_scheduled_update_group_action()
        .set_auto_scaling_group_name(get_string(p, "autoscaling_group_name"))
        .set_scheduled_action_name(get_string(p, "scheduled_action_name"))
        .set_desired_capacity(get_i32(p, "desired_capacity"))
        .set_min_size(get_i32(p, "min_size"))
        .set_max_size(get_i32(p, "max_size"))
        .set_start_time(time(api, p, "start_time")?)
        .set_end_time(time(api, p, "end_time")?)
        .set_recurrence(get_string(p, "recurrence").filter(|r| !r.is_empty()))
        .set_time_zone(get_string(p, "time_zone").filter(|z| !z.is_empty()));
    api.call("PutScheduledUpdateGroupAction", || req.clone().send()).await?;
    Ok(())
}

async fn describe(api: &Api<'_>, group: &str, name: &str) -> Result<Option<Action>, AwsError> {
    let req = api.autoscaling.describe_scheduled_actions().auto_scaling_group_name(group).scheduled_action_names(name);
    let out = api.call("DescribeScheduledActions", || req.clone().send()).await?;
    Ok(out.scheduled_update_group_actions().iter().find(|a| a.scheduled_action_name() == Some(name)).cloned())
}

#[async_trait]
impl AwsResource for Schedule {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_schedule"
    }

    fn schema(&self) -> Schema {
        let oc = |t: Type| Attribute::optional_computed(t);
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("autoscaling_group_name", Attribute::required(Type::String).force_new())
            .attr("scheduled_action_name", Attribute::required(Type::String).force_new())
            .attr("desired_capacity", oc(Type::Number))
            .attr("min_size", oc(Type::Number))
            .attr("max_size", oc(Type::Number))
            .attr("start_time", oc(Type::String))
            .attr("end_time", oc(Type::String))
            .attr("recurrence", oc(Type::String))
            .attr("time_zone", oc(Type::String))
    }

    /// A missing group: ValidationError naming it.
    fn not_found(&self) -> &'static [&'static str] {
        &[]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        Ok(req.planned.get_str("scheduled_action_name").unwrap_or_default().to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(group) = s.get_str("autoscaling_group_name").map(str::to_string) else { return Ok(None) };
        let found = match describe(api, &group, id).await {
            Err(e) if e.code() == Some("ValidationError") => return Ok(None),
            other => other?,
        };
        let Some(a) = found else { return Ok(None) };
        let n = |x: Option<i32>| x.map(|x| Value::from(i64::from(x))).unwrap_or(Value::Null);
        s.set("arn", opt_str(a.scheduled_action_arn()));
        s.set("scheduled_action_name", Value::from(id));
        s.set("desired_capacity", n(a.desired_capacity()));
        s.set("min_size", n(a.min_size()));
        s.set("max_size", n(a.max_size()));
        s.set("start_time", time_value(a.start_time()));
        s.set("end_time", time_value(a.end_time()));
        s.set("recurrence", opt_str(a.recurrence()));
        s.set("time_zone", opt_str(a.time_zone()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let group = state.get_str("autoscaling_group_name").unwrap_or_default();
        let req = api.autoscaling.delete_scheduled_action().auto_scaling_group_name(group).scheduled_action_name(id);
        match api.call("DeleteScheduledAction", || req.clone().send()).await {
            // Already gone (or its group is): nothing to delete.
            Err(e) if e.code() == Some("ValidationError") => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The action is ours when it exists with the planned sizes and times.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("scheduled_action_name") else { return Ok(None) };
        let mut s = planned.clone();
        if self.read(api, name, &mut s).await?.is_none() {
            return Ok(None);
        }
        let keys = ["desired_capacity", "min_size", "max_size", "recurrence", "start_time", "end_time"];
        let same = keys.iter().all(|k| planned.get(k).is_unknown() || planned.get(k) == s.get(k));
        Ok(same.then(|| name.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (group, name) = id.split_once('/').ok_or_else(|| format!("expected GROUP/ACTION, got {id:?}"))?;
        Ok(vec![("id", Value::from(name)), ("autoscaling_group_name", Value::from(group))])
    }
}
