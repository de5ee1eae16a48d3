//! The configuration of an `aws_launch_template` as the EC2 API's `LaunchTemplateData`.

use crate::values::{get_i32, get_string, string_list};
use aws_sdk_ec2::types as t;
use meshplan_provider::Value;

/// The one object of a `max_items = 1` block, when given.
fn first<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).as_list().and_then(|l| l.first()).filter(|o| !o.is_null())
}

fn items<'a>(v: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    v.get(key).as_list().into_iter().flatten().filter(|o| !o.is_null())
}

fn s(v: &Value, key: &str) -> Option<String> {
    get_string(v, key).filter(|s| !s.is_empty())
}

fn b(v: &Value, key: &str) -> Option<bool> {
    v.get(key).as_bool()
}

/// Terraform's tri-state booleans are strings: `"true"`, `"false"` or unset (`""`).
fn tri(v: &Value, key: &str) -> Option<bool> {
    v.get_str(key).and_then(|s| s.parse().ok())
}

/// An empty list is not sent (the query protocol has no way to say "none").
fn some<T>(v: Vec<T>) -> Option<Vec<T>> {
    Some(v).filter(|v| !v.is_empty())
}

fn list(v: &Value, key: &str) -> Option<Vec<String>> {
    Some(string_list(v.get(key))).filter(|l| !l.is_empty())
}

pub fn request(c: &Value) -> t::RequestLaunchTemplateData {
    t::RequestLaunchTemplateData::builder()
        .set_disable_api_stop(b(c, "disable_api_stop"))
        .set_disable_api_termination(b(c, "disable_api_termination"))
        .set_ebs_optimized(tri(c, "ebs_optimized"))
        .set_image_id(s(c, "image_id"))
        .set_instance_initiated_shutdown_behavior(
            s(c, "instance_initiated_shutdown_behavior").map(|x| t::ShutdownBehavior::from(x.as_str())),
        )
        .set_instance_type(s(c, "instance_type").map(|x| t::InstanceType::from(x.as_str())))
        .set_kernel_id(s(c, "kernel_id"))
        .set_key_name(s(c, "key_name"))
        .set_ram_disk_id(s(c, "ram_disk_id"))
        .set_security_groups(list(c, "security_group_names"))
        .set_security_group_ids(list(c, "vpc_security_group_ids"))
        .set_user_data(s(c, "user_data"))
        .set_block_device_mappings(some(items(c, "block_device_mappings").map(block_device).collect()))
        .set_capacity_reservation_specification(first(c, "capacity_reservation_specification").map(|o| {
            t::LaunchTemplateCapacityReservationSpecificationRequest::builder()
                .set_capacity_reservation_preference(
                    s(o, "capacity_reservation_preference").map(|x| t::CapacityReservationPreference::from(x.as_str())),
                )
                .set_capacity_reservation_target(first(o, "capacity_reservation_target").map(|r| {
                    t::CapacityReservationTarget::builder()
                        .set_capacity_reservation_id(s(r, "capacity_reservation_id"))
                        .set_capacity_reservation_resource_group_arn(s(r, "capacity_reservation_resource_group_arn"))
                        .build()
                }))
                .build()
        }))
        .set_cpu_options(first(c, "cpu_options").map(|o| {
            t::LaunchTemplateCpuOptionsRequest::builder()
                .set_amd_sev_snp(s(o, "amd_sev_snp").map(|x| t::AmdSevSnpSpecification::from(x.as_str())))
                .set_core_count(get_i32(o, "core_count"))
                .set_threads_per_core(get_i32(o, "threads_per_core"))
                .build()
        }))
        .set_credit_specification(
            first(c, "credit_specification")
                .map(|o| t::CreditSpecificationRequest::builder().set_cpu_credits(s(o, "cpu_credits")).build()),
        )
        .set_enclave_options(
            first(c, "enclave_options")
                .map(|o| t::LaunchTemplateEnclaveOptionsRequest::builder().set_enabled(b(o, "enabled")).build()),
        )
        .set_hibernation_options(
            first(c, "hibernation_options").map(|o| {
                t::LaunchTemplateHibernationOptionsRequest::builder().set_configured(b(o, "configured")).build()
            }),
        )
        .set_iam_instance_profile(first(c, "iam_instance_profile").map(|o| {
            t::LaunchTemplateIamInstanceProfileSpecificationRequest::builder()
                .set_arn(s(o, "arn"))
                .set_name(s(o, "name"))
                .build()
        }))
        .set_instance_market_options(first(c, "instance_market_options").map(market_options))
        .set_license_specifications(some(
            items(c, "license_specification")
                .map(|o| {
                    t::LaunchTemplateLicenseConfigurationRequest::builder()
                        .set_license_configuration_arn(s(o, "license_configuration_arn"))
                        .build()
                })
                .collect(),
        ))
        .set_maintenance_options(first(c, "maintenance_options").map(|o| {
            t::LaunchTemplateInstanceMaintenanceOptionsRequest::builder()
                .set_auto_recovery(s(o, "auto_recovery").map(|x| t::LaunchTemplateAutoRecoveryState::from(x.as_str())))
                .build()
        }))
        .set_metadata_options(first(c, "metadata_options").map(|o| {
            t::LaunchTemplateInstanceMetadataOptionsRequest::builder()
                .set_http_endpoint(
                    s(o, "http_endpoint").map(|x| t::LaunchTemplateInstanceMetadataEndpointState::from(x.as_str())),
                )
                .set_http_protocol_ipv6(
                    s(o, "http_protocol_ipv6").map(|x| t::LaunchTemplateInstanceMetadataProtocolIpv6::from(x.as_str())),
                )
                .set_http_put_response_hop_limit(get_i32(o, "http_put_response_hop_limit"))
                .set_http_tokens(s(o, "http_tokens").map(|x| t::LaunchTemplateHttpTokensState::from(x.as_str())))
                .set_instance_metadata_tags(
                    s(o, "instance_metadata_tags")
                        .map(|x| t::LaunchTemplateInstanceMetadataTagsState::from(x.as_str())),
                )
                .build()
        }))
        .set_monitoring(
            first(c, "monitoring")
                .map(|o| t::LaunchTemplatesMonitoringRequest::builder().set_enabled(b(o, "enabled")).build()),
        )
        .set_network_interfaces(some(items(c, "network_interfaces").map(network_interface).collect()))
        .set_placement(first(c, "placement").map(|o| {
            t::LaunchTemplatePlacementRequest::builder()
                .set_affinity(s(o, "affinity"))
                .set_availability_zone(s(o, "availability_zone"))
                .set_group_name(s(o, "group_name"))
                .set_host_id(s(o, "host_id"))
                .set_host_resource_group_arn(s(o, "host_resource_group_arn"))
                .set_partition_number(get_i32(o, "partition_number"))
                .set_spread_domain(s(o, "spread_domain"))
                .set_tenancy(s(o, "tenancy").map(|x| t::Tenancy::from(x.as_str())))
                .build()
        }))
        .set_private_dns_name_options(first(c, "private_dns_name_options").map(|o| {
            t::LaunchTemplatePrivateDnsNameOptionsRequest::builder()
                .set_enable_resource_name_dns_a_record(b(o, "enable_resource_name_dns_a_record"))
                .set_enable_resource_name_dns_aaaa_record(b(o, "enable_resource_name_dns_aaaa_record"))
                .set_hostname_type(s(o, "hostname_type").map(|x| t::HostnameType::from(x.as_str())))
                .build()
        }))
        .set_tag_specifications(some(items(c, "tag_specifications").map(tag_specification).collect()))
        .build()
}

fn block_device(o: &Value) -> t::LaunchTemplateBlockDeviceMappingRequest {
    t::LaunchTemplateBlockDeviceMappingRequest::builder()
        .set_device_name(s(o, "device_name"))
        .set_no_device(s(o, "no_device"))
        .set_virtual_name(s(o, "virtual_name"))
        .set_ebs(first(o, "ebs").map(|e| {
            t::LaunchTemplateEbsBlockDeviceRequest::builder()
                .set_delete_on_termination(tri(e, "delete_on_termination"))
                .set_encrypted(tri(e, "encrypted"))
                .set_iops(get_i32(e, "iops"))
                .set_kms_key_id(s(e, "kms_key_id"))
                .set_snapshot_id(s(e, "snapshot_id"))
                .set_throughput(get_i32(e, "throughput"))
                .set_volume_initialization_rate(get_i32(e, "volume_initialization_rate"))
                .set_volume_size(get_i32(e, "volume_size"))
                .set_volume_type(s(e, "volume_type").map(|x| t::VolumeType::from(x.as_str())))
                .build()
        }))
        .build()
}

fn market_options(o: &Value) -> t::LaunchTemplateInstanceMarketOptionsRequest {
    t::LaunchTemplateInstanceMarketOptionsRequest::builder()
        .set_market_type(s(o, "market_type").map(|x| t::MarketType::from(x.as_str())))
        .set_spot_options(first(o, "spot_options").map(|p| {
            t::LaunchTemplateSpotMarketOptionsRequest::builder()
                .set_block_duration_minutes(get_i32(p, "block_duration_minutes"))
                .set_instance_interruption_behavior(
                    s(p, "instance_interruption_behavior").map(|x| t::InstanceInterruptionBehavior::from(x.as_str())),
                )
                .set_max_price(s(p, "max_price"))
                .set_spot_instance_type(s(p, "spot_instance_type").map(|x| t::SpotInstanceType::from(x.as_str())))
                .set_valid_until(s(p, "valid_until").and_then(|x| {
                    aws_smithy_types::DateTime::from_str(&x, aws_smithy_types::date_time::Format::DateTime).ok()
                }))
                .build()
        }))
        .build()
}

fn network_interface(o: &Value) -> t::LaunchTemplateInstanceNetworkInterfaceSpecificationRequest {
    let strings = |key: &str| string_list(o.get(key));
    t::LaunchTemplateInstanceNetworkInterfaceSpecificationRequest::builder()
        .set_associate_carrier_ip_address(tri(o, "associate_carrier_ip_address"))
        .set_associate_public_ip_address(tri(o, "associate_public_ip_address"))
        .set_delete_on_termination(tri(o, "delete_on_termination"))
        .set_description(s(o, "description"))
        .set_device_index(get_i32(o, "device_index"))
        .set_interface_type(s(o, "interface_type"))
        .set_secondary_private_ip_address_count(get_i32(o, "ipv4_address_count"))
        .set_private_ip_addresses(some(
            strings("ipv4_addresses")
                .into_iter()
                .map(|a| t::PrivateIpAddressSpecification::builder().private_ip_address(a).build())
                .collect(),
        ))
        .set_ipv4_prefix_count(get_i32(o, "ipv4_prefix_count"))
        .set_ipv4_prefixes(some(
            strings("ipv4_prefixes")
                .into_iter()
                .map(|p| t::Ipv4PrefixSpecificationRequest::builder().ipv4_prefix(p).build())
                .collect(),
        ))
        .set_ipv6_address_count(get_i32(o, "ipv6_address_count"))
        .set_ipv6_addresses(some(
            strings("ipv6_addresses")
                .into_iter()
                .map(|a| t::InstanceIpv6AddressRequest::builder().ipv6_address(a).build())
                .collect(),
        ))
        .set_ipv6_prefix_count(get_i32(o, "ipv6_prefix_count"))
        .set_ipv6_prefixes(some(
            strings("ipv6_prefixes")
                .into_iter()
                .map(|p| t::Ipv6PrefixSpecificationRequest::builder().ipv6_prefix(p).build())
                .collect(),
        ))
        .set_network_card_index(get_i32(o, "network_card_index"))
        .set_network_interface_id(s(o, "network_interface_id"))
        .set_primary_ipv6(tri(o, "primary_ipv6"))
        .set_private_ip_address(s(o, "private_ip_address"))
        .set_groups(list(o, "security_groups"))
        .set_subnet_id(s(o, "subnet_id"))
        .set_connection_tracking_specification(first(o, "connection_tracking_specification").map(|c| {
            t::ConnectionTrackingSpecificationRequest::builder()
                .set_tcp_established_timeout(get_i32(c, "tcp_established_timeout"))
                .set_udp_stream_timeout(get_i32(c, "udp_stream_timeout"))
                .set_udp_timeout(get_i32(c, "udp_timeout"))
                .build()
        }))
        .set_ena_srd_specification(first(o, "ena_srd_specification").map(|e| {
            t::EnaSrdSpecificationRequest::builder()
                .set_ena_srd_enabled(b(e, "ena_srd_enabled"))
                .set_ena_srd_udp_specification(first(e, "ena_srd_udp_specification").map(|u| {
                    t::EnaSrdUdpSpecificationRequest::builder()
                        .set_ena_srd_udp_enabled(b(u, "ena_srd_udp_enabled"))
                        .build()
                }))
                .build()
        }))
        .build()
}

fn tag_specification(o: &Value) -> t::LaunchTemplateTagSpecificationRequest {
    let tags = crate::values::string_map(o.get("tags"))
        .into_iter()
        .map(|(k, v)| t::Tag::builder().key(k).value(v).build())
        .collect();
    t::LaunchTemplateTagSpecificationRequest::builder()
        .set_resource_type(s(o, "resource_type").map(|x| t::ResourceType::from(x.as_str())))
        .set_tags(some(tags))
        .build()
}
