//! `aws_vpc_endpoint`'s schema (Terraform's names and flags) and its read-back from
//! DescribeVpcEndpoints (plus the Gateway endpoint's prefix list).

use super::ec2::filter;
use crate::api::Api;
use crate::error::AwsError;
use crate::policy_json::prefer_prior;
use crate::values::{list_value, opt_str, string_list};
use aws_sdk_ec2::types::VpcEndpoint as Endpoint;
use meshplan_provider::{Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;

pub(super) fn schema() -> Schema {
    let set = || Type::set(Type::String);
    let dns_entry = Type::Object(BTreeMap::from([
        ("dns_name".to_string(), Type::String),
        ("hosted_zone_id".to_string(), Type::String),
    ]));
    Schema::new()
        .attr("vpc_id", Attribute::required(Type::String).force_new())
        .attr("service_name", Attribute::optional(Type::String).force_new())
        .attr("vpc_endpoint_type", Attribute::optional(Type::String).default("Gateway").force_new())
        .attr("resource_configuration_arn", Attribute::optional(Type::String).force_new())
        .attr("service_network_arn", Attribute::optional(Type::String).force_new())
        .attr("service_region", Attribute::optional_computed(Type::String).force_new())
        .attr("auto_accept", Attribute::optional(Type::Bool))
        .attr("policy", Attribute::optional_computed(Type::String))
        .attr("private_dns_enabled", Attribute::optional_computed(Type::Bool))
        .attr("ip_address_type", Attribute::optional_computed(Type::String))
        .attr("route_table_ids", Attribute::optional_computed(set()))
        .attr("security_group_ids", Attribute::optional_computed(set()))
        .attr("subnet_ids", Attribute::optional_computed(set()))
        .attr("arn", Attribute::computed(Type::String))
        .attr("cidr_blocks", Attribute::computed(Type::list(Type::String)))
        .attr("dns_entry", Attribute::computed(Type::list(dns_entry)))
        .attr("network_interface_ids", Attribute::computed(set()))
        .attr("owner_id", Attribute::computed(Type::String))
        .attr("prefix_list_id", Attribute::computed(Type::String))
        .attr("requester_managed", Attribute::computed(Type::Bool))
        .attr("state", Attribute::computed(Type::String))
        .block(
            "dns_options",
            Block::list(
                Schema::new()
                    .attr("dns_record_ip_type", Attribute::optional_computed(Type::String))
                    .attr("private_dns_only_for_inbound_resolver_endpoint", Attribute::optional(Type::Bool)),
            )
            .max_items(1),
        )
        .block(
            "subnet_configuration",
            Block::set(
                Schema::new()
                    .attr("ipv4", Attribute::optional(Type::String))
                    .attr("ipv6", Attribute::optional(Type::String))
                    .attr("subnet_id", Attribute::optional(Type::String)),
            ),
        )
}

fn sorted<'a>(items: impl Iterator<Item = &'a str>) -> Value {
    let mut v: Vec<&str> = items.collect();
    v.sort_unstable();
    list_value(v)
}

/// Fills `s` from the described endpoint.
pub(super) async fn read_endpoint(api: &Api<'_>, e: &Endpoint, s: &mut Value) -> Result<(), AwsError> {
    let id = e.vpc_endpoint_id().unwrap_or_default();
    let owner = e.owner_id().unwrap_or_default();
    s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:vpc-endpoint/{id}", api.partition(), api.region)));
    s.set("owner_id", opt_str(e.owner_id()));
    s.set("vpc_id", opt_str(e.vpc_id()));
    s.set("service_name", opt_str(e.service_name()));
    s.set("service_region", opt_str(e.service_region().or(Some(api.region.as_str()))));
    s.set("resource_configuration_arn", opt_str(e.resource_configuration_arn()));
    s.set("service_network_arn", opt_str(e.service_network_arn()));
    let kind = e.vpc_endpoint_type().map(|t| t.as_str().to_string());
    s.set("vpc_endpoint_type", opt_str(kind.as_deref()));
    // AWS answers `available`; the SDK's shared enum spells it `Available`.
    s.set("state", opt_str(e.state().map(|t| t.as_str().to_ascii_lowercase()).as_deref()));
    s.set("requester_managed", Value::from(e.requester_managed().unwrap_or(false)));
    s.set("private_dns_enabled", Value::from(e.private_dns_enabled().unwrap_or(false)));
    s.set("ip_address_type", opt_str(e.ip_address_type().map(|t| t.as_str())));
    s.set("route_table_ids", sorted(e.route_table_ids().iter().map(String::as_str)));
    s.set("subnet_ids", sorted(e.subnet_ids().iter().map(String::as_str)));
    s.set("security_group_ids", sorted(e.groups().iter().filter_map(|g| g.group_id())));
    s.set("network_interface_ids", sorted(e.network_interface_ids().iter().map(String::as_str)));
    let entries = e
        .dns_entries()
        .iter()
        .map(|d| Value::object([("dns_name", opt_str(d.dns_name())), ("hosted_zone_id", opt_str(d.hosted_zone_id()))]));
    s.set("dns_entry", Value::List(entries.collect()));
    if let Some(text) = e.policy_document() {
        s.set("policy", Value::from(prefer_prior(s.get_str("policy"), text)));
    }
    // Computed blocks in Terraform; here read back only when configured, so an unset block
    // plans no change.
    if !s.get("dns_options").as_list().is_none_or(|l| l.is_empty()) {
        let o = e.dns_options();
        let old = crate::values::one_block(s.get("dns_options")).clone();
        let inbound = o.and_then(|o| o.private_dns_only_for_inbound_resolver_endpoint());
        // Read back when configured; an answer without it (moto's) keeps the configured value.
        let configured = old.get("private_dns_only_for_inbound_resolver_endpoint");
        let inbound = match inbound {
            Some(b) if !configured.is_null() => Some(Value::from(b)),
            Some(_) => None,
            None => Some(crate::values::finalize(configured.clone())),
        };
        s.set(
            "dns_options",
            Value::List(vec![Value::object([
                ("dns_record_ip_type", opt_str(o.and_then(|o| o.dns_record_ip_type()).map(|t| t.as_str()))),
                ("private_dns_only_for_inbound_resolver_endpoint", inbound.unwrap_or(Value::Null)),
            ])]),
        );
    }
    let (prefix_list, cidrs) = match kind.as_deref() {
        Some("Gateway") => gateway_prefix_list(api, e.service_name().unwrap_or_default()).await?,
        _ => (None, vec![]),
    };
    s.set("prefix_list_id", opt_str(prefix_list.as_deref()));
    s.set("cidr_blocks", list_value(cidrs));
    Ok(())
}

/// The AWS-managed prefix list a Gateway endpoint's service routes to, and its CIDRs.
async fn gateway_prefix_list(api: &Api<'_>, service: &str) -> Result<(Option<String>, Vec<String>), AwsError> {
    let req = api.ec2.describe_prefix_lists().filters(filter("prefix-list-name", [service]));
    let out = api.call("DescribePrefixLists", || req.clone().send()).await?;
    Ok(match out.prefix_lists().first() {
        Some(pl) => (pl.prefix_list_id().map(str::to_string), pl.cidrs().to_vec()),
        None => (None, vec![]),
    })
}

/// The IDs to add and to remove for a set argument (unknown planned: no change).
pub(super) fn set_diff(prior: &Value, planned: &Value, key: &str) -> (Option<Vec<String>>, Option<Vec<String>>) {
    if planned.get(key).is_unknown() {
        return (None, None);
    }
    let (old, new) = (string_list(prior.get(key)), string_list(planned.get(key)));
    let add: Vec<String> = new.iter().filter(|i| !old.contains(i)).cloned().collect();
    let remove: Vec<String> = old.iter().filter(|i| !new.contains(i)).cloned().collect();
    (Some(add).filter(|v| !v.is_empty()), Some(remove).filter(|v| !v.is_empty()))
}
