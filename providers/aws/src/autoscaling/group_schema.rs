//! `aws_autoscaling_group`'s schema, as hashicorp/aws 5.x declares it.

use meshplan_provider::{Attribute, Block, Schema, Type};

fn o(t: Type) -> Attribute {
    Attribute::optional(t)
}
fn oc(t: Type) -> Attribute {
    Attribute::optional_computed(t)
}
fn strings() -> Type {
    Type::set(Type::String)
}
fn one(s: Schema) -> Block {
    Block::list(s).max_items(1)
}

pub fn schema() -> Schema {
    Schema::new()
        .attr("arn", Attribute::computed(Type::String))
        .attr("availability_zones", oc(strings()))
        .attr("capacity_rebalance", o(Type::Bool))
        .attr("context", o(Type::String))
        .attr("default_cooldown", oc(Type::Number))
        .attr("default_instance_warmup", o(Type::Number))
        .attr("desired_capacity", oc(Type::Number))
        .attr("desired_capacity_type", o(Type::String))
        .attr("enabled_metrics", o(strings()))
        .attr("force_delete", o(Type::Bool).default(false))
        .attr("force_delete_warm_pool", o(Type::Bool).default(false))
        .attr("health_check_grace_period", o(Type::Number).default(300))
        .attr("health_check_type", oc(Type::String))
        .attr("ignore_failed_scaling_activities", o(Type::Bool).default(false))
        .attr("launch_configuration", o(Type::String))
        .attr("load_balancers", oc(strings()))
        .attr("max_instance_lifetime", o(Type::Number))
        .attr("max_size", Attribute::required(Type::Number))
        .attr("metrics_granularity", o(Type::String).default("1Minute"))
        .attr("min_elb_capacity", o(Type::Number))
        .attr("min_size", Attribute::required(Type::Number))
        .attr("placement_group", o(Type::String))
        .attr("predicted_capacity", Attribute::computed(Type::Number))
        .attr("protect_from_scale_in", o(Type::Bool).default(false))
        .attr("service_linked_role_arn", oc(Type::String))
        .attr("suspended_processes", o(strings()))
        .attr("target_group_arns", oc(strings()))
        .attr("termination_policies", o(Type::list(Type::String)))
        .attr("vpc_zone_identifier", oc(strings()))
        .attr("wait_for_capacity_timeout", o(Type::String).default("10m"))
        .attr("wait_for_elb_capacity", o(Type::Number))
        .attr("warm_pool_size", Attribute::computed(Type::Number))
        .block(
            "availability_zone_distribution",
            one(Schema::new().attr("capacity_distribution_strategy", o(Type::String))),
        )
        .block(
            "capacity_reservation_specification",
            one(Schema::new().attr("capacity_reservation_preference", oc(Type::String)).block(
                "capacity_reservation_target",
                one(Schema::new()
                    .attr("capacity_reservation_ids", o(Type::list(Type::String)))
                    .attr("capacity_reservation_resource_group_arns", o(Type::list(Type::String)))),
            )),
        )
        .block(
            "initial_lifecycle_hook",
            Block::set(
                Schema::new()
                    .attr("default_result", oc(Type::String))
                    .attr("heartbeat_timeout", o(Type::Number))
                    .attr("lifecycle_transition", Attribute::required(Type::String))
                    .attr("name", Attribute::required(Type::String))
                    .attr("notification_metadata", o(Type::String))
                    .attr("notification_target_arn", o(Type::String))
                    .attr("role_arn", o(Type::String)),
            ),
        )
        .block(
            "instance_maintenance_policy",
            one(Schema::new()
                .attr("max_healthy_percentage", Attribute::required(Type::Number))
                .attr("min_healthy_percentage", Attribute::required(Type::Number))),
        )
        .block("instance_refresh", one(instance_refresh()))
        .block("launch_template", one(template_spec("id", "name", "version")))
        .block("mixed_instances_policy", one(mixed_instances_policy()))
        .block(
            "tag",
            Block::set(
                Schema::new()
                    .attr("key", Attribute::required(Type::String))
                    .attr("propagate_at_launch", Attribute::required(Type::Bool))
                    .attr("value", Attribute::required(Type::String)),
            ),
        )
        .block(
            "traffic_source",
            Block::set(
                Schema::new().attr("identifier", Attribute::required(Type::String)).attr("type", o(Type::String)),
            ),
        )
        .block(
            "warm_pool",
            one(Schema::new()
                .attr("max_group_prepared_capacity", o(Type::Number))
                .attr("min_size", o(Type::Number))
                .attr("pool_state", o(Type::String))
                .block("instance_reuse_policy", one(Schema::new().attr("reuse_on_scale_in", o(Type::Bool))))),
        )
}

/// A launch template reference: `id`/`name`/`version` on the group, `launch_template_*` in
/// a mixed instances policy.
pub fn template_spec(id: &str, name: &str, version: &str) -> Schema {
    Schema::new().attr(id, oc(Type::String)).attr(name, oc(Type::String)).attr(version, oc(Type::String))
}

fn instance_refresh() -> Schema {
    let preferences = Schema::new()
        .attr("auto_rollback", o(Type::Bool))
        .attr("checkpoint_delay", o(Type::String))
        .attr("checkpoint_percentages", o(Type::list(Type::Number)))
        .attr("instance_warmup", o(Type::String))
        .attr("max_healthy_percentage", o(Type::Number))
        .attr("min_healthy_percentage", o(Type::Number))
        .attr("scale_in_protected_instances", o(Type::String))
        .attr("skip_matching", o(Type::Bool))
        .attr("standby_instances", o(Type::String))
        .block("alarm_specification", one(Schema::new().attr("alarms", o(Type::list(Type::String)))));
    Schema::new()
        .attr("strategy", Attribute::required(Type::String))
        .attr("triggers", o(strings()))
        .block("preferences", one(preferences))
}

fn mixed_instances_policy() -> Schema {
    let distribution = Schema::new()
        .attr("on_demand_allocation_strategy", oc(Type::String))
        .attr("on_demand_base_capacity", oc(Type::Number))
        .attr("on_demand_percentage_above_base_capacity", oc(Type::Number))
        .attr("spot_allocation_strategy", oc(Type::String))
        .attr("spot_instance_pools", oc(Type::Number))
        .attr("spot_max_price", o(Type::String));
    let spec = || template_spec("launch_template_id", "launch_template_name", "version");
    let over = Schema::new()
        .attr("instance_type", o(Type::String))
        .attr("weighted_capacity", o(Type::String))
        .block("instance_requirements", one(instance_requirements()))
        .block("launch_template_specification", one(spec()));
    Schema::new().block("instances_distribution", one(distribution)).block(
        "launch_template",
        one(Schema::new()
            .block("launch_template_specification", one(spec()).min_items(1))
            .block("override", Block::list(over)))
        .min_items(1),
    )
}

/// Attribute-based instance selection: declared so configurations validate; refused when set
/// (see `check`), as on aws_launch_template.
fn instance_requirements() -> Schema {
    let sets = [
        "accelerator_manufacturers",
        "accelerator_names",
        "accelerator_types",
        "allowed_instance_types",
        "cpu_manufacturers",
        "excluded_instance_types",
        "instance_generations",
        "local_storage_types",
    ];
    let numbers = [
        "max_spot_price_as_percentage_of_optimal_on_demand_price",
        "on_demand_max_price_percentage_over_lowest_price",
        "spot_max_price_percentage_over_lowest_price",
    ];
    let ranges = [
        "accelerator_count",
        "accelerator_total_memory_mib",
        "baseline_ebs_bandwidth_mbps",
        "memory_gib_per_vcpu",
        "memory_mib",
        "network_bandwidth_gbps",
        "network_interface_count",
        "total_local_storage_gb",
        "vcpu_count",
    ];
    let s = sets.into_iter().fold(Schema::new(), |s, n| s.attr(n, o(strings())));
    let s = numbers.into_iter().fold(s, |s, n| s.attr(n, o(Type::Number)));
    let range = || Schema::new().attr("max", o(Type::Number)).attr("min", o(Type::Number));
    let s = ranges.into_iter().fold(s, |s, n| s.block(n, one(range())));
    s.attr("bare_metal", o(Type::String))
        .attr("burstable_performance", o(Type::String))
        .attr("local_storage", o(Type::String))
        .attr("require_hibernate_support", o(Type::Bool))
}
