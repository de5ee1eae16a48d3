//! `aws_launch_template`'s schema, as in the Terraform provider (5.100.0).

use meshplan_provider::{Attribute, Block, Schema, Type};

fn opt(t: Type) -> Attribute {
    Attribute::optional(t)
}

fn oc(t: Type) -> Attribute {
    Attribute::optional_computed(t)
}

fn strs() -> Type {
    Type::set(Type::String)
}

/// A block Terraform nests as a list of at most one item.
fn one(s: Schema) -> Block {
    Block::list(s).max_items(1)
}

/// `{ min, max }` ranges of `instance_requirements`; `min` is required where AWS needs it.
fn range(min_required: bool) -> Block {
    let min = if min_required { Attribute::required(Type::Number) } else { opt(Type::Number) };
    let b = Block::list(Schema::new().attr("min", min).attr("max", opt(Type::Number))).max_items(1);
    if min_required {
        b.min_items(1)
    } else {
        b
    }
}

pub fn schema() -> Schema {
    use Type::{Bool, Number, String as Str};
    Schema::new()
        .attr("arn", Attribute::computed(Str))
        .attr("default_version", oc(Number))
        .attr("latest_version", Attribute::computed(Number))
        .attr("update_default_version", opt(Bool))
        .attr("description", opt(Str))
        .attr("disable_api_stop", opt(Bool))
        .attr("disable_api_termination", opt(Bool))
        .attr("ebs_optimized", opt(Str))
        .attr("image_id", opt(Str))
        .attr("instance_initiated_shutdown_behavior", opt(Str))
        .attr("instance_type", opt(Str))
        .attr("kernel_id", opt(Str))
        .attr("key_name", opt(Str))
        .attr("ram_disk_id", opt(Str))
        .attr("security_group_names", opt(strs()))
        .attr("user_data", opt(Str))
        .attr("vpc_security_group_ids", opt(strs()))
        .block("block_device_mappings", Block::list(block_device()))
        .block(
            "capacity_reservation_specification",
            one(Schema::new().attr("capacity_reservation_preference", opt(Str)).block(
                "capacity_reservation_target",
                one(Schema::new()
                    .attr("capacity_reservation_id", opt(Str))
                    .attr("capacity_reservation_resource_group_arn", opt(Str))),
            )),
        )
        .block(
            "cpu_options",
            one(Schema::new()
                .attr("amd_sev_snp", opt(Str))
                .attr("core_count", opt(Number))
                .attr("threads_per_core", opt(Number))),
        )
        .block("credit_specification", one(Schema::new().attr("cpu_credits", opt(Str))))
        .block("elastic_gpu_specifications", Block::list(Schema::new().attr("type", Attribute::required(Str))))
        .block("elastic_inference_accelerator", one(Schema::new().attr("type", Attribute::required(Str))))
        .block("enclave_options", one(Schema::new().attr("enabled", opt(Bool))))
        .block("hibernation_options", one(Schema::new().attr("configured", Attribute::required(Bool))))
        .block("iam_instance_profile", one(Schema::new().attr("arn", opt(Str)).attr("name", opt(Str))))
        .block(
            "instance_market_options",
            one(Schema::new().attr("market_type", opt(Str)).block(
                "spot_options",
                one(Schema::new()
                    .attr("block_duration_minutes", opt(Number))
                    .attr("instance_interruption_behavior", opt(Str))
                    .attr("max_price", opt(Str))
                    .attr("spot_instance_type", opt(Str))
                    .attr("valid_until", oc(Str))),
            )),
        )
        .block("instance_requirements", one(instance_requirements()))
        .block(
            "license_specification",
            Block::set(Schema::new().attr("license_configuration_arn", Attribute::required(Str))),
        )
        .block("maintenance_options", one(Schema::new().attr("auto_recovery", opt(Str))))
        .block(
            "metadata_options",
            one(Schema::new()
                .attr("http_endpoint", oc(Str))
                .attr("http_protocol_ipv6", oc(Str))
                .attr("http_put_response_hop_limit", oc(Number))
                .attr("http_tokens", oc(Str))
                .attr("instance_metadata_tags", oc(Str))),
        )
        .block("monitoring", one(Schema::new().attr("enabled", opt(Bool))))
        .block("network_interfaces", Block::list(network_interface()))
        .block(
            "placement",
            one(Schema::new()
                .attr("affinity", opt(Str))
                .attr("availability_zone", opt(Str))
                .attr("group_name", opt(Str))
                .attr("host_id", opt(Str))
                .attr("host_resource_group_arn", opt(Str))
                .attr("partition_number", opt(Number))
                .attr("spread_domain", opt(Str))
                .attr("tenancy", opt(Str))),
        )
        .block(
            "private_dns_name_options",
            one(Schema::new()
                .attr("enable_resource_name_dns_a_record", opt(Bool))
                .attr("enable_resource_name_dns_aaaa_record", opt(Bool))
                .attr("hostname_type", opt(Str))),
        )
        .block(
            "tag_specifications",
            Block::list(Schema::new().attr("resource_type", opt(Str)).attr("tags", opt(Type::map(Str)))),
        )
}

fn block_device() -> Schema {
    use Type::{Number, String as Str};
    Schema::new().attr("device_name", opt(Str)).attr("no_device", opt(Str)).attr("virtual_name", opt(Str)).block(
        "ebs",
        one(Schema::new()
            .attr("delete_on_termination", opt(Str))
            .attr("encrypted", opt(Str))
            .attr("iops", oc(Number))
            .attr("kms_key_id", opt(Str))
            .attr("snapshot_id", opt(Str))
            .attr("throughput", oc(Number))
            .attr("volume_initialization_rate", oc(Number))
            .attr("volume_size", oc(Number))
            .attr("volume_type", oc(Str))),
    )
}

fn network_interface() -> Schema {
    use Type::{Bool, Number, String as Str};
    Schema::new()
        .attr("associate_carrier_ip_address", opt(Str))
        .attr("associate_public_ip_address", opt(Str))
        .attr("delete_on_termination", opt(Str))
        .attr("description", opt(Str))
        .attr("device_index", opt(Number))
        .attr("interface_type", opt(Str))
        .attr("ipv4_address_count", opt(Number))
        .attr("ipv4_addresses", opt(strs()))
        .attr("ipv4_prefix_count", opt(Number))
        .attr("ipv4_prefixes", opt(strs()))
        .attr("ipv6_address_count", opt(Number))
        .attr("ipv6_addresses", opt(strs()))
        .attr("ipv6_prefix_count", opt(Number))
        .attr("ipv6_prefixes", opt(strs()))
        .attr("network_card_index", opt(Number))
        .attr("network_interface_id", opt(Str))
        .attr("primary_ipv6", opt(Str))
        .attr("private_ip_address", opt(Str))
        .attr("security_groups", opt(strs()))
        .attr("subnet_id", opt(Str))
        .block(
            "connection_tracking_specification",
            one(Schema::new()
                .attr("tcp_established_timeout", opt(Number))
                .attr("udp_stream_timeout", opt(Number))
                .attr("udp_timeout", opt(Number))),
        )
        .block(
            "ena_srd_specification",
            one(Schema::new()
                .attr("ena_srd_enabled", opt(Bool))
                .block("ena_srd_udp_specification", one(Schema::new().attr("ena_srd_udp_enabled", opt(Bool))))),
        )
}

fn instance_requirements() -> Schema {
    use Type::{Bool, Number, String as Str};
    let mut s = Schema::new();
    for set in [
        "accelerator_manufacturers",
        "accelerator_names",
        "accelerator_types",
        "allowed_instance_types",
        "cpu_manufacturers",
        "excluded_instance_types",
        "instance_generations",
        "local_storage_types",
    ] {
        s = s.attr(set, opt(strs()));
    }
    for text in ["bare_metal", "burstable_performance", "local_storage"] {
        s = s.attr(text, opt(Str));
    }
    for n in [
        "max_spot_price_as_percentage_of_optimal_on_demand_price",
        "on_demand_max_price_percentage_over_lowest_price",
        "spot_max_price_percentage_over_lowest_price",
    ] {
        s = s.attr(n, opt(Number));
    }
    s = s.attr("require_hibernate_support", opt(Bool));
    for r in [
        "accelerator_count",
        "accelerator_total_memory_mib",
        "baseline_ebs_bandwidth_mbps",
        "memory_gib_per_vcpu",
        "network_bandwidth_gbps",
        "network_interface_count",
        "total_local_storage_gb",
    ] {
        s = s.block(r, range(false));
    }
    s.block("memory_mib", range(true)).block("vcpu_count", range(true))
}

/// Blocks the schema declares (so the community modules' dynamic blocks load) but the
/// create does not send yet: a non-empty one is refused at plan time.
pub const UNSUPPORTED_BLOCKS: &[&str] =
    &["elastic_gpu_specifications", "elastic_inference_accelerator", "instance_requirements"];
