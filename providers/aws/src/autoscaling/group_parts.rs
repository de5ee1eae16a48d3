//! `aws_autoscaling_group`'s nested blocks, both ways: configuration → Auto Scaling request
//! types, and a described group → state values.

use crate::values::{block_list, get_i32, get_string, one_block, opt_str, string_list};
use aws_sdk_autoscaling::types::{
    AutoScalingGroup, AvailabilityZoneDistribution, CapacityDistributionStrategy, CapacityReservationPreference,
    CapacityReservationSpecification, CapacityReservationTarget, InstanceMaintenancePolicy, InstancesDistribution,
    LaunchTemplate, LaunchTemplateOverrides, LaunchTemplateSpecification, LifecycleHookSpecification,
    MixedInstancesPolicy, Tag, TrafficSourceIdentifier,
};
use meshplan_provider::Value;

fn num_i32(v: Option<i32>) -> Value {
    v.map(|x| Value::from(i64::from(x))).unwrap_or(Value::Null)
}

fn flag(v: Option<bool>) -> Value {
    v.map(Value::from).unwrap_or(Value::Null)
}

fn items(v: &Value) -> Vec<Value> {
    v.as_list().map(|l| l.to_vec()).unwrap_or_default()
}

/// `{id|name, version}` under the given attribute names.
fn spec_of(v: &Value, id: &str, name: &str) -> Option<LaunchTemplateSpecification> {
    (!v.is_null()).then(|| {
        let id = get_string(v, id).filter(|s| !s.is_empty());
        // The API takes the ID or the name, not both (the name is read back beside the ID).
        let name = if id.is_some() { None } else { get_string(v, name) };
        LaunchTemplateSpecification::builder()
            .set_launch_template_id(id)
            .set_launch_template_name(name)
            .set_version(get_string(v, "version").filter(|s| !s.is_empty()))
            .build()
    })
}

fn spec_value(s: Option<&LaunchTemplateSpecification>, id: &str, name: &str) -> Value {
    match s {
        None => Value::List(vec![]),
        Some(s) => block_list(Value::object([
            (id, opt_str(s.launch_template_id())),
            (name, opt_str(s.launch_template_name())),
            ("version", opt_str(s.version())),
        ])),
    }
}

pub fn launch_template_of(planned: &Value) -> Option<LaunchTemplateSpecification> {
    spec_of(one_block(planned.get("launch_template")), "id", "name")
}

pub fn launch_template_value(g: &AutoScalingGroup) -> Value {
    spec_value(g.launch_template(), "id", "name")
}

pub fn mixed_policy_of(planned: &Value) -> Option<MixedInstancesPolicy> {
    let p = one_block(planned.get("mixed_instances_policy"));
    if p.is_null() {
        return None;
    }
    let d = one_block(p.get("instances_distribution"));
    let distribution = (!d.is_null()).then(|| {
        InstancesDistribution::builder()
            .set_on_demand_allocation_strategy(get_string(d, "on_demand_allocation_strategy"))
            .set_on_demand_base_capacity(get_i32(d, "on_demand_base_capacity"))
            .set_on_demand_percentage_above_base_capacity(get_i32(d, "on_demand_percentage_above_base_capacity"))
            .set_spot_allocation_strategy(get_string(d, "spot_allocation_strategy"))
            .set_spot_instance_pools(get_i32(d, "spot_instance_pools"))
            .set_spot_max_price(get_string(d, "spot_max_price"))
            .build()
    });
    let lt = one_block(p.get("launch_template"));
    let overrides: Vec<LaunchTemplateOverrides> = items(lt.get("override"))
        .iter()
        .map(|o| {
            LaunchTemplateOverrides::builder()
                .set_instance_type(get_string(o, "instance_type"))
                .set_weighted_capacity(get_string(o, "weighted_capacity"))
                .set_launch_template_specification(spec_of(
                    one_block(o.get("launch_template_specification")),
                    "launch_template_id",
                    "launch_template_name",
                ))
                .build()
        })
        .collect();
    let template = LaunchTemplate::builder()
        .set_launch_template_specification(spec_of(
            one_block(lt.get("launch_template_specification")),
            "launch_template_id",
            "launch_template_name",
        ))
        .set_overrides((!overrides.is_empty()).then_some(overrides))
        .build();
    Some(MixedInstancesPolicy::builder().launch_template(template).set_instances_distribution(distribution).build())
}

pub fn mixed_policy_value(g: &AutoScalingGroup) -> Value {
    let Some(p) = g.mixed_instances_policy() else { return Value::List(vec![]) };
    let distribution = p.instances_distribution().map(|d| {
        block_list(Value::object([
            ("on_demand_allocation_strategy", opt_str(d.on_demand_allocation_strategy())),
            ("on_demand_base_capacity", num_i32(d.on_demand_base_capacity())),
            ("on_demand_percentage_above_base_capacity", num_i32(d.on_demand_percentage_above_base_capacity())),
            ("spot_allocation_strategy", opt_str(d.spot_allocation_strategy())),
            ("spot_instance_pools", num_i32(d.spot_instance_pools())),
            ("spot_max_price", Value::from(d.spot_max_price().unwrap_or_default())),
        ]))
    });
    let spec = |s| spec_value(s, "launch_template_id", "launch_template_name");
    let template = p.launch_template().map(|t| {
        let overrides = t
            .overrides()
            .iter()
            .map(|o| {
                Value::object([
                    ("instance_type", opt_str(o.instance_type())),
                    ("weighted_capacity", opt_str(o.weighted_capacity())),
                    ("instance_requirements", Value::List(vec![])),
                    ("launch_template_specification", spec(o.launch_template_specification())),
                ])
            })
            .collect();
        block_list(Value::object([
            ("launch_template_specification", spec(t.launch_template_specification())),
            ("override", Value::List(overrides)),
        ]))
    });
    block_list(Value::object([
        ("instances_distribution", distribution.unwrap_or(Value::List(vec![]))),
        ("launch_template", template.unwrap_or(Value::List(vec![]))),
    ]))
}

pub fn hooks_of(planned: &Value) -> Vec<LifecycleHookSpecification> {
    items(planned.get("initial_lifecycle_hook"))
        .iter()
        .map(|h| {
            LifecycleHookSpecification::builder()
                .set_lifecycle_hook_name(get_string(h, "name"))
                .set_lifecycle_transition(get_string(h, "lifecycle_transition"))
                .set_heartbeat_timeout(get_i32(h, "heartbeat_timeout"))
                .set_default_result(get_string(h, "default_result"))
                .set_notification_metadata(get_string(h, "notification_metadata"))
                .set_notification_target_arn(get_string(h, "notification_target_arn"))
                .set_role_arn(get_string(h, "role_arn"))
                .build()
        })
        .collect()
}

/// The `tag` blocks (plus `extra`, the intent tag) as Auto Scaling tags of group `name`.
pub fn tags_of(planned: &Value, name: &str, extra: Option<(&str, &str)>) -> Vec<Tag> {
    let tag = |k: &str, v: &str, propagate: bool| {
        Tag::builder()
            .resource_id(name)
            .resource_type("auto-scaling-group")
            .key(k)
            .value(v)
            .propagate_at_launch(propagate)
            .build()
    };
    let mut out: Vec<Tag> = items(planned.get("tag"))
        .iter()
        .map(|t| {
            tag(
                t.get_str("key").unwrap_or_default(),
                t.get_str("value").unwrap_or_default(),
                t.get("propagate_at_launch").as_bool().unwrap_or(false),
            )
        })
        .collect();
    if let Some((k, v)) = extra {
        out.push(tag(k, v, false));
    }
    out
}

/// The group's tags as `tag` blocks, without the intent tag; in the prior order when the same.
pub fn tag_value(g: &AutoScalingGroup, prior: &Value) -> Value {
    let remote: Vec<Value> = g
        .tags()
        .iter()
        .filter(|t| t.key() != Some(meshplan_provider::INTENT_TAG))
        .map(|t| {
            Value::object([
                ("key", opt_str(t.key())),
                ("value", Value::from(t.value().unwrap_or_default())),
                ("propagate_at_launch", Value::from(t.propagate_at_launch().unwrap_or(false))),
            ])
        })
        .collect();
    same_set_or(prior.get("tag"), remote)
}

/// `remote` unless it holds the same items as `prior` (sets: order means nothing).
pub fn same_set_or(prior: &Value, remote: Vec<Value>) -> Value {
    let before = items(prior);
    let same = before.len() == remote.len() && before.iter().all(|p| remote.contains(p));
    Value::List(if same { before } else { remote })
}

pub fn hooks_value(prior: &Value) -> Value {
    // DescribeAutoScalingGroups does not list hooks; initial hooks are create-only (force-new
    // in Terraform's sense of "set at create"): they stay as configured.
    Value::List(items(prior.get("initial_lifecycle_hook")))
}

pub fn traffic_of(planned: &Value) -> Vec<TrafficSourceIdentifier> {
    items(planned.get("traffic_source"))
        .iter()
        .map(|t| {
            TrafficSourceIdentifier::builder()
                .set_identifier(get_string(t, "identifier"))
                .set_type(get_string(t, "type"))
                .build()
        })
        .collect()
}

pub fn traffic_value(g: &AutoScalingGroup, prior: &Value) -> Value {
    // Load balancers and target groups also appear as traffic sources: only the kinds the
    // configuration names through `traffic_source` are listed there.
    let configured: Vec<String> =
        items(prior.get("traffic_source")).iter().filter_map(|t| get_string(t, "identifier")).collect();
    let remote = g
        .traffic_sources()
        .iter()
        .filter(|t| t.identifier().is_some_and(|i| configured.iter().any(|c| c == i)))
        .map(|t| Value::object([("identifier", opt_str(t.identifier())), ("type", opt_str(t.r#type()))]))
        .collect();
    same_set_or(prior.get("traffic_source"), remote)
}

pub fn maintenance_of(planned: &Value) -> Option<InstanceMaintenancePolicy> {
    let m = one_block(planned.get("instance_maintenance_policy"));
    (!m.is_null()).then(|| {
        InstanceMaintenancePolicy::builder()
            .set_min_healthy_percentage(get_i32(m, "min_healthy_percentage"))
            .set_max_healthy_percentage(get_i32(m, "max_healthy_percentage"))
            .build()
    })
}

pub fn maintenance_value(g: &AutoScalingGroup) -> Value {
    match g.instance_maintenance_policy() {
        Some(m) if m.min_healthy_percentage().is_some_and(|p| p >= 0) => block_list(Value::object([
            ("min_healthy_percentage", num_i32(m.min_healthy_percentage())),
            ("max_healthy_percentage", num_i32(m.max_healthy_percentage())),
        ])),
        _ => Value::List(vec![]),
    }
}

pub fn az_distribution_of(planned: &Value) -> Option<AvailabilityZoneDistribution> {
    let d = one_block(planned.get("availability_zone_distribution"));
    (!d.is_null()).then(|| {
        AvailabilityZoneDistribution::builder()
            .set_capacity_distribution_strategy(
                d.get_str("capacity_distribution_strategy").map(CapacityDistributionStrategy::from),
            )
            .build()
    })
}

pub fn az_distribution_value(g: &AutoScalingGroup, prior: &Value) -> Value {
    match g.availability_zone_distribution() {
        Some(d) => block_list(Value::object([(
            "capacity_distribution_strategy",
            opt_str(d.capacity_distribution_strategy().map(|s| s.as_str())),
        )])),
        None => Value::List(items(prior.get("availability_zone_distribution"))),
    }
}

pub fn capacity_reservation_of(planned: &Value) -> Option<CapacityReservationSpecification> {
    let c = one_block(planned.get("capacity_reservation_specification"));
    (!c.is_null()).then(|| {
        let t = one_block(c.get("capacity_reservation_target"));
        let target = (!t.is_null()).then(|| {
            CapacityReservationTarget::builder()
                .set_capacity_reservation_ids(Some(string_list(t.get("capacity_reservation_ids"))))
                .set_capacity_reservation_resource_group_arns(Some(string_list(
                    t.get("capacity_reservation_resource_group_arns"),
                )))
                .build()
        });
        CapacityReservationSpecification::builder()
            .set_capacity_reservation_preference(
                c.get_str("capacity_reservation_preference").map(CapacityReservationPreference::from),
            )
            .set_capacity_reservation_target(target)
            .build()
    })
}

pub fn capacity_reservation_value(g: &AutoScalingGroup, prior: &Value) -> Value {
    let Some(c) = g.capacity_reservation_specification() else {
        return Value::List(items(prior.get("capacity_reservation_specification")));
    };
    let target = c.capacity_reservation_target().map(|t| {
        let list = |v: &[String]| Value::List(v.iter().map(|s| Value::from(s.as_str())).collect());
        block_list(Value::object([
            ("capacity_reservation_ids", list(t.capacity_reservation_ids())),
            ("capacity_reservation_resource_group_arns", list(t.capacity_reservation_resource_group_arns())),
        ]))
    });
    block_list(Value::object([
        ("capacity_reservation_preference", opt_str(c.capacity_reservation_preference().map(|p| p.as_str()))),
        ("capacity_reservation_target", target.unwrap_or(Value::List(vec![]))),
    ]))
}

pub fn warm_pool_value(g: &AutoScalingGroup) -> Value {
    let Some(w) = g.warm_pool_configuration() else { return Value::List(vec![]) };
    let reuse = w
        .instance_reuse_policy()
        .map(|r| block_list(Value::object([("reuse_on_scale_in", flag(r.reuse_on_scale_in()))])));
    block_list(Value::object([
        ("max_group_prepared_capacity", num_i32(w.max_group_prepared_capacity())),
        ("min_size", num_i32(w.min_size())),
        ("pool_state", opt_str(w.pool_state().map(|s| s.as_str()))),
        ("instance_reuse_policy", reuse.unwrap_or(Value::List(vec![]))),
    ]))
}
