//! A launch template version's `LaunchTemplateData` as `aws_launch_template` attributes.

use crate::iam::oidc_provider::in_prior_order;
use crate::values::{blank_state, block_list, opt_str};
use aws_sdk_ec2::types as t;
use aws_smithy_types::date_time::Format;
use meshplan_provider::{Schema, Value};

fn n(x: Option<i32>) -> Value {
    x.map(|x| Value::from(i64::from(x))).unwrap_or(Value::Null)
}

fn bo(x: Option<bool>) -> Value {
    x.map(Value::from).unwrap_or(Value::Null)
}

/// Terraform's tri-state booleans are strings.
fn tri(x: Option<bool>) -> Value {
    x.map(|b| Value::from(b.to_string())).unwrap_or(Value::Null)
}

fn en<E: AsRef<str>>(x: Option<&E>) -> Value {
    opt_str(x.map(AsRef::as_ref))
}

fn sub<'a>(schema: &'a Schema, name: &str) -> &'a Schema {
    &schema.blocks[name].schema
}

/// One block object: every attribute of its schema, null unless given.
fn obj<const N: usize>(schema: &Schema, name: &str, pairs: [(&'static str, Value); N]) -> Value {
    blank_state(sub(schema, name), pairs)
}

/// A `max_items = 1` block read back: `[obj]` or `[]`.
fn one<T, const N: usize>(
    schema: &Schema,
    name: &str,
    x: Option<&T>,
    pairs: impl FnOnce(&T) -> [(&'static str, Value); N],
) -> Value {
    block_list(x.map(|x| obj(schema, name, pairs(x))).unwrap_or(Value::Null))
}

fn nth<'a>(prior: &'a Value, key: &str, i: usize) -> &'a Value {
    static NULL: Value = Value::Null;
    prior.get(key).as_list().and_then(|l| l.get(i)).unwrap_or(&NULL)
}

/// Sets `state`'s template attributes from `d`; `state` holds the prior values (for the order of sets).
pub fn fill(schema: &Schema, state: &mut Value, d: &t::ResponseLaunchTemplateData) {
    let prior = state.clone();
    let set = |key: &str, remote: &[String]| in_prior_order(prior.get(key), remote);
    let sets = [
        ("security_group_names", set("security_group_names", d.security_groups())),
        ("vpc_security_group_ids", set("vpc_security_group_ids", d.security_group_ids())),
    ];
    for (k, v) in sets {
        state.set(k, v);
    }
    let scalars = [
        ("disable_api_stop", bo(d.disable_api_stop())),
        ("disable_api_termination", bo(d.disable_api_termination())),
        ("ebs_optimized", tri(d.ebs_optimized())),
        ("image_id", opt_str(d.image_id())),
        ("instance_initiated_shutdown_behavior", en(d.instance_initiated_shutdown_behavior())),
        ("instance_type", en(d.instance_type())),
        ("kernel_id", opt_str(d.kernel_id())),
        ("key_name", opt_str(d.key_name())),
        ("ram_disk_id", opt_str(d.ram_disk_id())),
        ("user_data", opt_str(d.user_data())),
    ];
    for (k, v) in scalars {
        state.set(k, v);
    }
    let devices = d.block_device_mappings().iter().map(|m| block_device(sub(schema, "block_device_mappings"), m));
    state.set("block_device_mappings", Value::List(devices.collect()));
    state.set(
        "capacity_reservation_specification",
        one(schema, "capacity_reservation_specification", d.capacity_reservation_specification(), |c| {
            let inner = sub(schema, "capacity_reservation_specification");
            [
                ("capacity_reservation_preference", en(c.capacity_reservation_preference())),
                (
                    "capacity_reservation_target",
                    one(inner, "capacity_reservation_target", c.capacity_reservation_target(), |r| {
                        [
                            ("capacity_reservation_id", opt_str(r.capacity_reservation_id())),
                            (
                                "capacity_reservation_resource_group_arn",
                                opt_str(r.capacity_reservation_resource_group_arn()),
                            ),
                        ]
                    }),
                ),
            ]
        }),
    );
    state.set(
        "cpu_options",
        one(schema, "cpu_options", d.cpu_options(), |c| {
            [
                ("amd_sev_snp", en(c.amd_sev_snp())),
                ("core_count", n(c.core_count())),
                ("threads_per_core", n(c.threads_per_core())),
            ]
        }),
    );
    state.set(
        "credit_specification",
        one(schema, "credit_specification", d.credit_specification(), |c| [("cpu_credits", opt_str(c.cpu_credits()))]),
    );
    state.set(
        "enclave_options",
        one(schema, "enclave_options", d.enclave_options(), |e| [("enabled", bo(e.enabled()))]),
    );
    state.set(
        "hibernation_options",
        one(schema, "hibernation_options", d.hibernation_options(), |h| [("configured", bo(h.configured()))]),
    );
    state.set(
        "iam_instance_profile",
        one(schema, "iam_instance_profile", d.iam_instance_profile(), |p| {
            [("arn", opt_str(p.arn())), ("name", opt_str(p.name()))]
        }),
    );
    state.set(
        "instance_market_options",
        one(schema, "instance_market_options", d.instance_market_options(), |m| {
            let inner = sub(schema, "instance_market_options");
            [
                ("market_type", en(m.market_type())),
                (
                    "spot_options",
                    one(inner, "spot_options", m.spot_options(), |o| {
                        [
                            ("block_duration_minutes", n(o.block_duration_minutes())),
                            ("instance_interruption_behavior", en(o.instance_interruption_behavior())),
                            ("max_price", opt_str(o.max_price())),
                            ("spot_instance_type", en(o.spot_instance_type())),
                            (
                                "valid_until",
                                opt_str(o.valid_until().and_then(|t| t.fmt(Format::DateTime).ok()).as_deref()),
                            ),
                        ]
                    }),
                ),
            ]
        }),
    );
    let licenses = d.license_specifications().iter().map(|l| {
        obj(schema, "license_specification", [("license_configuration_arn", opt_str(l.license_configuration_arn()))])
    });
    state.set("license_specification", Value::List(licenses.collect()));
    state.set(
        "maintenance_options",
        one(schema, "maintenance_options", d.maintenance_options(), |m| [("auto_recovery", en(m.auto_recovery()))]),
    );
    state.set(
        "metadata_options",
        one(schema, "metadata_options", d.metadata_options(), |m| {
            [
                ("http_endpoint", en(m.http_endpoint())),
                ("http_protocol_ipv6", en(m.http_protocol_ipv6())),
                ("http_put_response_hop_limit", n(m.http_put_response_hop_limit())),
                ("http_tokens", en(m.http_tokens())),
                ("instance_metadata_tags", en(m.instance_metadata_tags())),
            ]
        }),
    );
    state.set("monitoring", one(schema, "monitoring", d.monitoring(), |m| [("enabled", bo(m.enabled()))]));
    let interfaces =
        d.network_interfaces().iter().enumerate().map(|(i, ni)| {
            network_interface(sub(schema, "network_interfaces"), nth(&prior, "network_interfaces", i), ni)
        });
    state.set("network_interfaces", Value::List(interfaces.collect()));
    state.set(
        "placement",
        one(schema, "placement", d.placement(), |p| {
            [
                ("affinity", opt_str(p.affinity())),
                ("availability_zone", opt_str(p.availability_zone())),
                ("group_name", opt_str(p.group_name())),
                ("host_id", opt_str(p.host_id())),
                ("host_resource_group_arn", opt_str(p.host_resource_group_arn())),
                ("partition_number", n(p.partition_number())),
                ("spread_domain", opt_str(p.spread_domain())),
                ("tenancy", en(p.tenancy())),
            ]
        }),
    );
    state.set(
        "private_dns_name_options",
        one(schema, "private_dns_name_options", d.private_dns_name_options(), |p| {
            [
                ("enable_resource_name_dns_a_record", bo(p.enable_resource_name_dns_a_record())),
                ("enable_resource_name_dns_aaaa_record", bo(p.enable_resource_name_dns_aaaa_record())),
                ("hostname_type", en(p.hostname_type())),
            ]
        }),
    );
    // The template's own tags are not a launch-time tag specification (moto lists them there).
    let specs =
        d.tag_specifications().iter().filter(|s| s.resource_type().map(|r| r.as_str()) != Some("launch-template"));
    let specs = specs.map(|s| {
        let tags =
            s.tags().iter().filter_map(|t| Some((t.key()?.to_string(), Value::from(t.value().unwrap_or_default()))));
        obj(
            schema,
            "tag_specifications",
            [("resource_type", en(s.resource_type())), ("tags", Value::Object(tags.collect()))],
        )
    });
    state.set("tag_specifications", Value::List(specs.collect()));
}

fn block_device(schema: &Schema, m: &t::LaunchTemplateBlockDeviceMapping) -> Value {
    blank_state(
        schema,
        [
            ("device_name", opt_str(m.device_name())),
            ("no_device", opt_str(m.no_device())),
            ("virtual_name", opt_str(m.virtual_name())),
            (
                "ebs",
                one(schema, "ebs", m.ebs(), |e| {
                    [
                        ("delete_on_termination", tri(e.delete_on_termination())),
                        ("encrypted", tri(e.encrypted())),
                        ("iops", n(e.iops())),
                        ("kms_key_id", opt_str(e.kms_key_id())),
                        ("snapshot_id", opt_str(e.snapshot_id())),
                        ("throughput", n(e.throughput())),
                        ("volume_initialization_rate", n(e.volume_initialization_rate())),
                        ("volume_size", n(e.volume_size())),
                        ("volume_type", en(e.volume_type())),
                    ]
                }),
            ),
        ],
    )
}

fn network_interface(
    schema: &Schema,
    prior: &Value,
    ni: &t::LaunchTemplateInstanceNetworkInterfaceSpecification,
) -> Value {
    let set = |key: &str, remote: Vec<String>| in_prior_order(prior.get(key), &remote);
    let owned = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let ipv4: Vec<&str> = ni.private_ip_addresses().iter().filter_map(|a| a.private_ip_address()).collect();
    let ipv4_prefixes: Vec<&str> = ni.ipv4_prefixes().iter().filter_map(|p| p.ipv4_prefix()).collect();
    let ipv6: Vec<&str> = ni.ipv6_addresses().iter().filter_map(|a| a.ipv6_address()).collect();
    let ipv6_prefixes: Vec<&str> = ni.ipv6_prefixes().iter().filter_map(|p| p.ipv6_prefix()).collect();
    blank_state(
        schema,
        [
            ("associate_carrier_ip_address", tri(ni.associate_carrier_ip_address())),
            ("associate_public_ip_address", tri(ni.associate_public_ip_address())),
            ("delete_on_termination", tri(ni.delete_on_termination())),
            ("description", opt_str(ni.description())),
            ("device_index", n(ni.device_index())),
            ("interface_type", opt_str(ni.interface_type())),
            ("ipv4_address_count", n(ni.secondary_private_ip_address_count())),
            ("ipv4_addresses", set("ipv4_addresses", owned(&ipv4))),
            ("ipv4_prefix_count", n(ni.ipv4_prefix_count())),
            ("ipv4_prefixes", set("ipv4_prefixes", owned(&ipv4_prefixes))),
            ("ipv6_address_count", n(ni.ipv6_address_count())),
            ("ipv6_addresses", set("ipv6_addresses", owned(&ipv6))),
            ("ipv6_prefix_count", n(ni.ipv6_prefix_count())),
            ("ipv6_prefixes", set("ipv6_prefixes", owned(&ipv6_prefixes))),
            ("network_card_index", n(ni.network_card_index())),
            ("network_interface_id", opt_str(ni.network_interface_id())),
            ("primary_ipv6", tri(ni.primary_ipv6())),
            ("private_ip_address", opt_str(ni.private_ip_address())),
            ("security_groups", set("security_groups", ni.groups().to_vec())),
            ("subnet_id", opt_str(ni.subnet_id())),
            (
                "connection_tracking_specification",
                one(schema, "connection_tracking_specification", ni.connection_tracking_specification(), |c| {
                    [
                        ("tcp_established_timeout", n(c.tcp_established_timeout())),
                        ("udp_stream_timeout", n(c.udp_stream_timeout())),
                        ("udp_timeout", n(c.udp_timeout())),
                    ]
                }),
            ),
            (
                "ena_srd_specification",
                one(schema, "ena_srd_specification", ni.ena_srd_specification(), |e| {
                    let inner = sub(schema, "ena_srd_specification");
                    [
                        ("ena_srd_enabled", bo(e.ena_srd_enabled())),
                        (
                            "ena_srd_udp_specification",
                            one(inner, "ena_srd_udp_specification", e.ena_srd_udp_specification(), |u| {
                                [("ena_srd_udp_enabled", bo(u.ena_srd_udp_enabled()))]
                            }),
                        ),
                    ]
                }),
            ),
        ],
    )
}
