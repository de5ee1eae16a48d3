//! `aws_autoscaling_group`. ID and import ID: the group's name. CreateAutoScalingGroup has
//! no client token: the name is chosen from the intent token when unset (or from
//! `name_prefix`), and the group carries the intent tag (not propagated to instances), so a
//! resent create finds the group instead of failing on AlreadyExists or making a second.
//! After the create: metrics collection, suspended processes, the warm pool, then the wait
//! for `min_size` healthy InService instances (`wait_for_capacity_timeout`, "0" skips it).

use super::group_parts::*;
use super::group_schema;
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Naming, Options};
use crate::values::{get_i32, get_string, opt_str, string_list};
use crate::waiter::Poll;
use aws_sdk_autoscaling::types::{AutoScalingGroup, InstanceReusePolicy, LifecycleState, WarmPoolState};
use meshplan_provider::{async_trait, ProviderError, Schema, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Group;

const IN_PROGRESS: &[&str] = &["ScalingActivityInProgress", "ResourceInUse"];

pub async fn describe(api: &Api<'_>, name: &str) -> Result<Option<AutoScalingGroup>, AwsError> {
    let req = api.autoscaling.describe_auto_scaling_groups().auto_scaling_group_names(name);
    let out = api.call("DescribeAutoScalingGroups", || req.clone().send()).await?;
    Ok(out.auto_scaling_groups().iter().find(|g| g.auto_scaling_group_name() == Some(name)).cloned())
}

fn csv(v: &Value) -> Option<String> {
    let items = string_list(v);
    (!items.is_empty()).then(|| items.join(","))
}

/// `wait_for_capacity_timeout`: a Go duration; "0" turns the wait off.
fn capacity_timeout(api: &Api<'_>, planned: &Value) -> Result<Option<Duration>, AwsError> {
    let text = planned.get_str("wait_for_capacity_timeout").unwrap_or("10m");
    let d =
        meshplan_provider::duration::parse_duration(text).map_err(|e| api.invalid("wait_for_capacity_timeout", e))?;
    Ok((!d.is_zero()).then_some(d))
}

/// Waits until `want` instances are InService and healthy (and, with `wait_for_elb_capacity`,
/// no fewer than that).
async fn wait_for_capacity(api: &Api<'_>, name: &str, planned: &Value) -> Result<(), AwsError> {
    let Some(timeout) = capacity_timeout(api, planned)? else { return Ok(()) };
    let want = get_i32(planned, "wait_for_elb_capacity")
        .or(get_i32(planned, "min_elb_capacity"))
        .or(get_i32(planned, "desired_capacity"))
        .or(get_i32(planned, "min_size"))
        .unwrap_or(0)
        .max(0) as usize;
    api.wait_for("Auto Scaling group capacity", timeout, || async {
        let Some(g) = describe(api, name).await? else {
            return Ok(Poll::Failed { status: "gone".into(), reason: Some("the group disappeared".into()) });
        };
        let ready = g
            .instances()
            .iter()
            .filter(|i| i.lifecycle_state() == Some(&LifecycleState::InService) && i.health_status() == Some("Healthy"))
            .count();
        Ok(if ready >= want {
            Poll::Ready(())
        } else {
            Poll::Pending(format!("{ready} of {want} instances in service"))
        })
    })
    .await
}

/// Metrics, suspended processes and the warm pool as planned; each call is repeatable.
async fn sync_extras(api: &Api<'_>, name: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let (old, new) = (string_list(prior.get("enabled_metrics")), string_list(planned.get("enabled_metrics")));
    let off: Vec<String> = old.iter().filter(|m| !new.contains(m)).cloned().collect();
    if !off.is_empty() {
        let req = api.autoscaling.disable_metrics_collection().auto_scaling_group_name(name).set_metrics(Some(off));
        api.call("DisableMetricsCollection", || req.clone().send()).await?;
    }
    if !new.is_empty() && (new != old || prior.get("metrics_granularity") != planned.get("metrics_granularity")) {
        let granularity = planned.get_str("metrics_granularity").unwrap_or("1Minute");
        let req = api
            .autoscaling
            .enable_metrics_collection()
            .auto_scaling_group_name(name)
            .set_metrics(Some(new))
            .granularity(granularity);
        api.call("EnableMetricsCollection", || req.clone().send()).await?;
    }
    let (old, new) = (string_list(prior.get("suspended_processes")), string_list(planned.get("suspended_processes")));
    let resume: Vec<String> = old.iter().filter(|p| !new.contains(p)).cloned().collect();
    if !resume.is_empty() {
        let req = api.autoscaling.resume_processes().auto_scaling_group_name(name).set_scaling_processes(Some(resume));
        api.call("ResumeProcesses", || req.clone().send()).await?;
    }
    if !new.is_empty() && new != old {
        let req = api.autoscaling.suspend_processes().auto_scaling_group_name(name).set_scaling_processes(Some(new));
        api.call("SuspendProcesses", || req.clone().send()).await?;
    }
    if prior.get("warm_pool") != planned.get("warm_pool") {
        let w = crate::values::one_block(planned.get("warm_pool"));
        if w.is_null() {
            let force = planned.get("force_delete_warm_pool").as_bool();
            let req = api.autoscaling.delete_warm_pool().auto_scaling_group_name(name).set_force_delete(force);
            api.call("DeleteWarmPool", || req.clone().send()).await?;
        } else {
            let reuse = crate::values::one_block(w.get("instance_reuse_policy"));
            let req = api
                .autoscaling
                .put_warm_pool()
                .auto_scaling_group_name(name)
                .set_max_group_prepared_capacity(get_i32(w, "max_group_prepared_capacity"))
                .set_min_size(get_i32(w, "min_size"))
                .set_pool_state(w.get_str("pool_state").map(WarmPoolState::from))
                .set_instance_reuse_policy((!reuse.is_null()).then(|| {
                    InstanceReusePolicy::builder()
                        .set_reuse_on_scale_in(reuse.get("reuse_on_scale_in").as_bool())
                        .build()
                }));
            api.call("PutWarmPool", || req.clone().send()).await?;
        }
    }
    Ok(())
}

/// Attaches what `planned` adds and detaches what it drops, for one kind of traffic source.
async fn sync_attachments(api: &Api<'_>, name: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let diff = |key: &str| {
        let (old, new) = (string_list(prior.get(key)), string_list(planned.get(key)));
        let add: Vec<String> = new.iter().filter(|x| !old.contains(x)).cloned().collect();
        let remove: Vec<String> = old.into_iter().filter(|x| !new.contains(x)).collect();
        (add, remove)
    };
    if !planned.get("target_group_arns").is_unknown() {
        let (add, remove) = diff("target_group_arns");
        if !remove.is_empty() {
            let req = api.autoscaling.detach_load_balancer_target_groups().auto_scaling_group_name(name);
            let req = req.set_target_group_arns(Some(remove));
            api.call("DetachLoadBalancerTargetGroups", || req.clone().send()).await?;
        }
        if !add.is_empty() {
            let req = api.autoscaling.attach_load_balancer_target_groups().auto_scaling_group_name(name);
            let req = req.set_target_group_arns(Some(add));
            api.call("AttachLoadBalancerTargetGroups", || req.clone().send()).await?;
        }
    }
    if !planned.get("load_balancers").is_unknown() {
        let (add, remove) = diff("load_balancers");
        if !remove.is_empty() {
            let req = api.autoscaling.detach_load_balancers().auto_scaling_group_name(name);
            api.call("DetachLoadBalancers", || req.clone().set_load_balancer_names(Some(remove.clone())).send())
                .await?;
        }
        if !add.is_empty() {
            let req = api.autoscaling.attach_load_balancers().auto_scaling_group_name(name);
            api.call("AttachLoadBalancers", || req.clone().set_load_balancer_names(Some(add.clone())).send()).await?;
        }
    }
    Ok(())
}

#[async_trait]
impl AwsResource for Group {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_group"
    }

    fn schema(&self) -> Schema {
        group_schema::schema()
    }

    fn options(&self) -> Options {
        Options {
            naming: Some(Naming::with_prefix()),
            timeouts: &["delete", "update"],
            default_timeout: Duration::from_secs(10 * 60),
            ..Options::default()
        }
    }

    /// A missing group is an empty DescribeAutoScalingGroups answer, or ValidationError on
    /// the calls that name it.
    fn not_found(&self) -> &'static [&'static str] {
        &["ValidationError:not found", "ValidationError:AutoScalingGroup name not found"]
    }

    fn check(&self, address: &str, config: &Value) -> Result<(), ProviderError> {
        let policy = crate::values::one_block(config.get("mixed_instances_policy"));
        let lt = crate::values::one_block(policy.get("launch_template"));
        let uses_requirements = lt
            .get("override")
            .as_list()
            .into_iter()
            .flatten()
            .any(|o| o.get("instance_requirements").as_list().is_some_and(|l| !l.is_empty()));
        if uses_requirements {
            return Err(ProviderError::new(format!(
                "{address}: mixed_instances_policy override `instance_requirements` is not supported yet"
            ))
            .with_hint("list instance types with `instance_type` overrides instead"));
        }
        if !config.get("launch_configuration").is_null() {
            return Err(ProviderError::new(format!("{address}: launch configurations are not supported"))
                .with_hint("AWS retired launch configurations for new accounts: use `launch_template`"));
        }
        Ok(())
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let name = req.name().to_string();
        let hooks = hooks_of(p);
        let traffic = traffic_of(p);
        let call = api
            .autoscaling
            .create_auto_scaling_group()
            .auto_scaling_group_name(&name)
            .set_min_size(get_i32(p, "min_size"))
            .set_max_size(get_i32(p, "max_size"))
            .set_desired_capacity(get_i32(p, "desired_capacity"))
            .set_desired_capacity_type(get_string(p, "desired_capacity_type"))
            .set_default_cooldown(get_i32(p, "default_cooldown"))
            .set_default_instance_warmup(get_i32(p, "default_instance_warmup"))
            .set_health_check_type(get_string(p, "health_check_type"))
            .set_health_check_grace_period(get_i32(p, "health_check_grace_period"))
            .set_availability_zones(non_empty(string_list(p.get("availability_zones"))))
            .set_vpc_zone_identifier(csv(p.get("vpc_zone_identifier")))
            .set_launch_template(launch_template_of(p))
            .set_mixed_instances_policy(mixed_policy_of(p))
            .set_load_balancer_names(non_empty(string_list(p.get("load_balancers"))))
            .set_target_group_arns(non_empty(string_list(p.get("target_group_arns"))))
            .set_termination_policies(non_empty(string_list(p.get("termination_policies"))))
            .set_placement_group(get_string(p, "placement_group"))
            .set_new_instances_protected_from_scale_in(p.get("protect_from_scale_in").as_bool())
            .set_service_linked_role_arn(get_string(p, "service_linked_role_arn"))
            .set_max_instance_lifetime(get_i32(p, "max_instance_lifetime"))
            .set_capacity_rebalance(p.get("capacity_rebalance").as_bool())
            .set_context(get_string(p, "context"))
            .set_lifecycle_hook_specification_list(non_empty(hooks))
            .set_traffic_sources(non_empty(traffic))
            .set_instance_maintenance_policy(maintenance_of(p))
            .set_availability_zone_distribution(az_distribution_of(p))
            .set_capacity_reservation_specification(capacity_reservation_of(p))
            .set_tags(Some(tags_of(p, &name, Some((INTENT_TAG, req.token)))));
        let conflicts = CreateCall { conflicts: &["AlreadyExists"], ..CreateCall::default() };
        api.create("CreateAutoScalingGroup", conflicts, || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        Ok(name)
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let none = Value::empty_object();
        sync_extras(api, id, &none, planned).await?;
        wait_for_capacity(api, id, planned).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(None) };
        if g.status().is_some_and(|st| st.starts_with("Delete")) {
            return Ok(None);
        }
        let prior = s.clone();
        let n = |x: Option<i32>| x.map(|v| Value::from(i64::from(v))).unwrap_or(Value::Null);
        let ordered = |key: &str, remote: &[String]| crate::iam::oidc_provider::in_prior_order(prior.get(key), remote);
        s.set("name", Value::from(id));
        s.set("arn", opt_str(g.auto_scaling_group_arn()));
        s.set("min_size", n(g.min_size()));
        s.set("max_size", n(g.max_size()));
        s.set("desired_capacity", n(g.desired_capacity()));
        s.set("desired_capacity_type", opt_str(g.desired_capacity_type()));
        s.set("default_cooldown", n(g.default_cooldown()));
        s.set("default_instance_warmup", n(g.default_instance_warmup()));
        s.set("health_check_type", opt_str(g.health_check_type()));
        s.set("health_check_grace_period", n(g.health_check_grace_period()));
        s.set("availability_zones", ordered("availability_zones", g.availability_zones()));
        let subnets: Vec<String> = g
            .vpc_zone_identifier()
            .unwrap_or_default()
            .split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect();
        s.set("vpc_zone_identifier", ordered("vpc_zone_identifier", &subnets));
        s.set("launch_template", launch_template_value(&g));
        s.set("mixed_instances_policy", mixed_policy_value(&g));
        s.set("load_balancers", ordered("load_balancers", g.load_balancer_names()));
        s.set("target_group_arns", ordered("target_group_arns", g.target_group_arns()));
        let policies = g.termination_policies();
        let default_only = policies == ["Default"] && prior.get("termination_policies").is_null();
        s.set(
            "termination_policies",
            if policies.is_empty() || default_only {
                prior.get("termination_policies").clone()
            } else {
                crate::values::list_value(policies)
            },
        );
        s.set("placement_group", opt_str(g.placement_group()));
        s.set("protect_from_scale_in", Value::from(g.new_instances_protected_from_scale_in().unwrap_or(false)));
        s.set("service_linked_role_arn", opt_str(g.service_linked_role_arn()));
        // Not reported: the prior value.
        if let Some(lifetime) = g.max_instance_lifetime() {
            s.set("max_instance_lifetime", Value::from(i64::from(lifetime)));
        }
        // An unset flag reads back false: that is no change (as SDKv2's zero values).
        let rebalance = g.capacity_rebalance().filter(|on| *on || !prior.get("capacity_rebalance").is_null());
        s.set("capacity_rebalance", rebalance.map(Value::from).unwrap_or(Value::Null));
        s.set("context", opt_str(g.context()));
        s.set("predicted_capacity", Value::from(i64::from(g.predicted_capacity().unwrap_or(0))));
        s.set("warm_pool_size", Value::from(i64::from(g.warm_pool_size().unwrap_or(0))));
        let metrics: Vec<String> = g.enabled_metrics().iter().filter_map(|m| m.metric().map(str::to_string)).collect();
        let metrics_value = if metrics.is_empty() && prior.get("enabled_metrics").is_null() {
            Value::Null
        } else {
            ordered("enabled_metrics", &metrics)
        };
        s.set("enabled_metrics", metrics_value);
        let suspended: Vec<String> =
            g.suspended_processes().iter().filter_map(|p| p.process_name().map(str::to_string)).collect();
        let suspended_value = if suspended.is_empty() && prior.get("suspended_processes").is_null() {
            Value::Null
        } else {
            ordered("suspended_processes", &suspended)
        };
        s.set("suspended_processes", suspended_value);
        s.set("tag", tag_value(&g, &prior));
        s.set("initial_lifecycle_hook", hooks_value(&prior));
        s.set("traffic_source", traffic_value(&g, &prior));
        s.set("instance_maintenance_policy", maintenance_value(&g));
        s.set("availability_zone_distribution", az_distribution_value(&g, &prior));
        s.set("capacity_reservation_specification", capacity_reservation_value(&g, &prior));
        s.set("warm_pool", warm_pool_value(&g));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, p: &Value) -> Result<(), AwsError> {
        let changed = |k: &str| prior.get(k) != p.get(k);
        let settings = [
            "min_size",
            "max_size",
            "desired_capacity",
            "desired_capacity_type",
            "default_cooldown",
            "default_instance_warmup",
            "health_check_type",
            "health_check_grace_period",
            "availability_zones",
            "vpc_zone_identifier",
            "launch_template",
            "mixed_instances_policy",
            "termination_policies",
            "placement_group",
            "protect_from_scale_in",
            "service_linked_role_arn",
            "max_instance_lifetime",
            "capacity_rebalance",
            "context",
            "instance_maintenance_policy",
            "availability_zone_distribution",
            "capacity_reservation_specification",
        ];
        if settings.iter().any(|k| changed(k)) {
            let req = api
                .autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(id)
                .set_min_size(get_i32(p, "min_size"))
                .set_max_size(get_i32(p, "max_size"))
                .set_desired_capacity(get_i32(p, "desired_capacity").filter(|_| changed("desired_capacity")))
                .set_desired_capacity_type(get_string(p, "desired_capacity_type"))
                .set_default_cooldown(get_i32(p, "default_cooldown"))
                .set_default_instance_warmup(get_i32(p, "default_instance_warmup"))
                .set_health_check_type(get_string(p, "health_check_type"))
                .set_health_check_grace_period(get_i32(p, "health_check_grace_period"))
                .set_availability_zones(
                    non_empty(string_list(p.get("availability_zones"))).filter(|_| changed("availability_zones")),
                )
                .set_vpc_zone_identifier(csv(p.get("vpc_zone_identifier")).filter(|_| changed("vpc_zone_identifier")))
                .set_launch_template(launch_template_of(p))
                .set_mixed_instances_policy(mixed_policy_of(p))
                .set_termination_policies(
                    Some(string_list(p.get("termination_policies"))).filter(|_| changed("termination_policies")),
                )
                .set_placement_group(get_string(p, "placement_group"))
                .set_new_instances_protected_from_scale_in(p.get("protect_from_scale_in").as_bool())
                .set_service_linked_role_arn(get_string(p, "service_linked_role_arn"))
                .set_max_instance_lifetime(get_i32(p, "max_instance_lifetime"))
                .set_capacity_rebalance(p.get("capacity_rebalance").as_bool())
                .set_context(get_string(p, "context"))
                .set_instance_maintenance_policy(maintenance_of(p))
                .set_availability_zone_distribution(az_distribution_of(p))
                .set_capacity_reservation_specification(capacity_reservation_of(p));
            api.call_settling("UpdateAutoScalingGroup", IN_PROGRESS, || req.clone().send()).await?;
        }
        if changed("tag") {
            let (old, new) = (tags_of(prior, id, None), tags_of(p, id, None));
            let removed: Vec<_> = old.iter().filter(|t| !new.iter().any(|n| n.key() == t.key())).cloned().collect();
            if !removed.is_empty() {
                let req = api.autoscaling.delete_tags().set_tags(Some(removed));
                api.call("DeleteTags", || req.clone().send()).await?;
            }
            if !new.is_empty() {
                let req = api.autoscaling.create_or_update_tags().set_tags(Some(new));
                api.call("CreateOrUpdateTags", || req.clone().send()).await?;
            }
        }
        sync_attachments(api, id, prior, p).await?;
        sync_extras(api, id, prior, p).await?;
        if super::group_refresh::triggered(prior, p) {
            super::group_refresh::start(api, id, p).await?;
        }
        if changed("min_size") || changed("desired_capacity") {
            wait_for_capacity(api, id, p).await?;
        }
        Ok(())
    }

    /// Without `force_delete`, the group is first emptied (sizes to 0) as Terraform does, so
    /// instances are terminated in order; then deleted and waited for.
    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let force = state.get("force_delete").as_bool() == Some(true);
        if describe(api, id).await?.is_none() {
            return Ok(());
        }
        if state.get("warm_pool").as_list().is_some_and(|l| !l.is_empty()) {
            let req = api.autoscaling.delete_warm_pool().auto_scaling_group_name(id).force_delete(true);
            let _ = api.call("DeleteWarmPool", || req.clone().send()).await;
        }
        if !force {
            let req = api
                .autoscaling
                .update_auto_scaling_group()
                .auto_scaling_group_name(id)
                .min_size(0)
                .max_size(0)
                .desired_capacity(0);
            api.call_settling("UpdateAutoScalingGroup", IN_PROGRESS, || req.clone().send()).await?;
            api.wait_for("Auto Scaling group to drain", timeout, || async {
                Ok(match describe(api, id).await? {
                    None => Poll::Ready(()),
                    Some(g) if g.instances().is_empty() => Poll::Ready(()),
                    Some(g) => Poll::Pending(format!("{} instances left", g.instances().len())),
                })
            })
            .await?;
        }
        let req = api.autoscaling.delete_auto_scaling_group().auto_scaling_group_name(id).force_delete(force);
        api.call_settling("DeleteAutoScalingGroup", IN_PROGRESS, || req.clone().send()).await?;
        api.wait_for("Auto Scaling group to be deleted", timeout, || async {
            Ok(match describe(api, id).await? {
                None => Poll::Ready(()),
                Some(g) => Poll::Pending(g.status().unwrap_or("deleting").to_string()),
            })
        })
        .await
    }

    /// The group of this create: the planned (token-derived) name, carrying the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        let ours = describe(api, name).await?.is_some_and(|g| {
            crate::intent::carries(g.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token)
        });
        Ok(ours.then(|| name.to_string()))
    }
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    (!v.is_empty()).then_some(v)
}
