//! `aws_autoscaling_group`'s `instance_refresh`: when the launch template (or mixed instances
//! policy, or an attribute named in `triggers`) changes, a refresh replaces the instances.
//! As Terraform, a refresh already running is cancelled first, and the apply does not wait
//! for the refresh to finish.

use crate::api::Api;
use crate::error::AwsError;
use crate::values::{one_block, string_list};
use aws_sdk_autoscaling::types::{
    AlarmSpecification, RefreshPreferences, RefreshStrategy, ScaleInProtectedInstances, StandbyInstances,
};
use meshplan_provider::Value;

/// Whether the change from `prior` to `planned` starts a refresh.
pub fn triggered(prior: &Value, planned: &Value) -> bool {
    let refresh = one_block(planned.get("instance_refresh"));
    if refresh.is_null() {
        return false;
    }
    let changed = |k: &str| prior.get(k) != planned.get(k);
    changed("launch_template")
        || changed("mixed_instances_policy")
        || string_list(refresh.get("triggers")).iter().any(|t| changed(t))
}

fn seconds(v: &Value, key: &str) -> Option<i32> {
    v.get_str(key).and_then(|s| s.parse().ok())
}

fn preferences_of(refresh: &Value) -> Option<RefreshPreferences> {
    let p = one_block(refresh.get("preferences"));
    if p.is_null() {
        return None;
    }
    let n = |k: &str| p.get(k).as_f64().map(|x| x as i32);
    let percentages: Vec<i32> = p
        .get("checkpoint_percentages")
        .as_list()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_f64())
        .map(|x| x as i32)
        .collect();
    let alarms = one_block(p.get("alarm_specification"));
    Some(
        RefreshPreferences::builder()
            .set_auto_rollback(p.get("auto_rollback").as_bool())
            .set_checkpoint_delay(seconds(p, "checkpoint_delay"))
            .set_checkpoint_percentages((!percentages.is_empty()).then_some(percentages))
            .set_instance_warmup(seconds(p, "instance_warmup"))
            .set_max_healthy_percentage(n("max_healthy_percentage"))
            .set_min_healthy_percentage(n("min_healthy_percentage"))
            .set_scale_in_protected_instances(
                p.get_str("scale_in_protected_instances").map(ScaleInProtectedInstances::from),
            )
            .set_skip_matching(p.get("skip_matching").as_bool())
            .set_standby_instances(p.get_str("standby_instances").map(StandbyInstances::from))
            .set_alarm_specification(
                (!alarms.is_null())
                    .then(|| AlarmSpecification::builder().set_alarms(Some(string_list(alarms.get("alarms")))).build()),
            )
            .build(),
    )
}

pub async fn start(api: &Api<'_>, name: &str, planned: &Value) -> Result<(), AwsError> {
    let refresh = one_block(planned.get("instance_refresh"));
    let req = api
        .autoscaling
        .start_instance_refresh()
        .auto_scaling_group_name(name)
        .set_strategy(refresh.get_str("strategy").map(RefreshStrategy::from))
        .set_preferences(preferences_of(refresh));
    match api.call("StartInstanceRefresh", || req.clone().send()).await {
        Err(e) if e.code() == Some("InstanceRefreshInProgress") => {
            let cancel = api.autoscaling.cancel_instance_refresh().auto_scaling_group_name(name);
            api.call("CancelInstanceRefresh", || cancel.clone().send()).await?;
            let settling = &["InstanceRefreshInProgress"];
            api.call_settling("StartInstanceRefresh", settling, || req.clone().send()).await?;
            Ok(())
        }
        other => other.map(|_| ()),
    }
}
