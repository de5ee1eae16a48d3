//! `aws_nat_gateway`'s secondary addresses: Elastic IPs of a public gateway
//! (AssociateNatGatewayAddress / DisassociateNatGatewayAddress) and private IPs of a private
//! one (AssignPrivateNatGatewayAddress / UnassignPrivateNatGatewayAddress, by address or
//! count). Each change waits until no address is in transition.

use crate::api::Api;
use crate::error::AwsError;
use crate::values::{get_i32, list_value, string_list};
use crate::waiter::Poll;
use aws_sdk_ec2::operation::create_nat_gateway::builders::CreateNatGatewayFluentBuilder;
use aws_sdk_ec2::types::{NatGateway, NatGatewayAddress};
use meshplan_provider::{Attribute, Planned, Schema, Type, Value};
use std::time::Duration;

pub(super) fn with_secondary(schema: Schema) -> Schema {
    schema
        .attr("secondary_allocation_ids", Attribute::optional(Type::set(Type::String)))
        .attr("secondary_private_ip_address_count", Attribute::optional_computed(Type::Number))
        .attr("secondary_private_ip_addresses", Attribute::optional_computed(Type::set(Type::String)))
}

fn known_list(v: &Value, key: &str) -> Option<Vec<String>> {
    let value = v.get(key);
    (value.is_wholly_known() && !value.is_null()).then(|| string_list(value)).filter(|l| !l.is_empty())
}

pub(super) fn with_create_arguments(req: CreateNatGatewayFluentBuilder, p: &Value) -> CreateNatGatewayFluentBuilder {
    req.set_secondary_allocation_ids(known_list(p, "secondary_allocation_ids"))
        .set_secondary_private_ip_addresses(known_list(p, "secondary_private_ip_addresses"))
        .set_secondary_private_ip_address_count(get_i32(p, "secondary_private_ip_address_count").filter(|n| *n > 0))
}

/// The gateway's primary address (the first when AWS does not say).
pub(super) fn primary(nat: &NatGateway) -> Option<&NatGatewayAddress> {
    let all = nat.nat_gateway_addresses();
    all.iter().find(|a| a.is_primary() == Some(true)).or_else(|| all.first())
}

fn secondaries(nat: &NatGateway) -> Vec<&NatGatewayAddress> {
    let all = nat.nat_gateway_addresses();
    let first = all.iter().position(|a| a.is_primary() == Some(true)).unwrap_or(0);
    all.iter().enumerate().filter(|(i, _)| *i != first).map(|(_, a)| a).collect()
}

pub(super) fn read_secondary(nat: &NatGateway, s: &mut Value) {
    let second = secondaries(nat);
    let mut allocations: Vec<&str> = second.iter().filter_map(|a| a.allocation_id()).collect();
    let mut ips: Vec<&str> = second.iter().filter_map(|a| a.private_ip()).collect();
    allocations.sort_unstable();
    ips.sort_unstable();
    // Optional only (Terraform's): none reads as unset when unset.
    if !(allocations.is_empty() && s.get("secondary_allocation_ids").is_null()) {
        s.set("secondary_allocation_ids", list_value(allocations));
    }
    s.set("secondary_private_ip_address_count", Value::from(ips.len() as i64));
    s.set("secondary_private_ip_addresses", list_value(ips));
}

/// Plan-time: what one argument changes, the others derived from it follow after apply.
pub(super) fn plan_secondary(planned: &mut Planned, config: &Value, prior: Option<&Value>) {
    let Some(prior) = prior else { return };
    let state = &planned.state;
    let changed = |k: &str| !config.get(k).is_null() && state.get(k) != prior.get(k);
    let allocations = changed("secondary_allocation_ids");
    let (count, addresses) = (changed("secondary_private_ip_address_count"), changed("secondary_private_ip_addresses"));
    if (allocations || count) && config.get("secondary_private_ip_addresses").is_null() {
        planned.state.set("secondary_private_ip_addresses", Value::Unknown);
    }
    if (allocations || addresses) && config.get("secondary_private_ip_address_count").is_null() {
        planned.state.set("secondary_private_ip_address_count", Value::Unknown);
    }
}

fn diff(prior: &Value, planned: &Value, key: &str) -> (Vec<String>, Vec<String>) {
    if !planned.get(key).is_wholly_known() {
        return (vec![], vec![]);
    }
    let (old, new) = (string_list(prior.get(key)), string_list(planned.get(key)));
    let add = new.iter().filter(|i| !old.contains(i)).cloned().collect();
    let remove = old.iter().filter(|i| !new.contains(i)).cloned().collect();
    (add, remove)
}

/// In place: brings the secondary addresses from `prior` to `planned`.
pub(super) async fn update_secondary(
    api: &Api<'_>,
    id: &str,
    prior: &Value,
    planned: &Value,
    timeout: Duration,
) -> Result<(), AwsError> {
    let (add, remove) = diff(prior, planned, "secondary_allocation_ids");
    if !remove.is_empty() {
        let nat = super::described::nat_gateway(api, id).await?;
        let associations: Vec<String> = nat
            .iter()
            .flat_map(|n| n.nat_gateway_addresses())
            .filter(|a| a.allocation_id().is_some_and(|x| remove.iter().any(|r| r == x)))
            .filter_map(|a| a.association_id().map(str::to_string))
            .collect();
        let req = api.ec2.disassociate_nat_gateway_address().nat_gateway_id(id).set_association_ids(Some(associations));
        api.call("DisassociateNatGatewayAddress", || req.clone().send()).await?;
        settle(api, id, timeout).await?;
    }
    if !add.is_empty() {
        let req = api.ec2.associate_nat_gateway_address().nat_gateway_id(id).set_allocation_ids(Some(add));
        api.call("AssociateNatGatewayAddress", || req.clone().send()).await?;
        settle(api, id, timeout).await?;
    }
    let public = planned.get_str("connectivity_type") != Some("private");
    if public {
        return Ok(());
    }
    let (add, remove) = diff(prior, planned, "secondary_private_ip_addresses");
    let by_address = !add.is_empty() || !remove.is_empty();
    if !remove.is_empty() {
        let req =
            api.ec2.unassign_private_nat_gateway_address().nat_gateway_id(id).set_private_ip_addresses(Some(remove));
        api.call("UnassignPrivateNatGatewayAddress", || req.clone().send()).await?;
        settle(api, id, timeout).await?;
    }
    if !add.is_empty() {
        let req = api.ec2.assign_private_nat_gateway_address().nat_gateway_id(id).set_private_ip_addresses(Some(add));
        api.call("AssignPrivateNatGatewayAddress", || req.clone().send()).await?;
        settle(api, id, timeout).await?;
    }
    // By count only when the addresses themselves are not named.
    let (old, new) =
        (get_i32(prior, "secondary_private_ip_address_count"), get_i32(planned, "secondary_private_ip_address_count"));
    if by_address || old == new {
        return Ok(());
    }
    let (old, new) = (old.unwrap_or(0), new.unwrap_or(0));
    if new > old {
        let req = api.ec2.assign_private_nat_gateway_address().nat_gateway_id(id).private_ip_address_count(new - old);
        api.call("AssignPrivateNatGatewayAddress", || req.clone().send()).await?;
    } else {
        // The last addresses go.
        let mut ips = string_list(prior.get("secondary_private_ip_addresses"));
        let gone = ips.split_off(ips.len().saturating_sub((old - new) as usize));
        let req =
            api.ec2.unassign_private_nat_gateway_address().nat_gateway_id(id).set_private_ip_addresses(Some(gone));
        api.call("UnassignPrivateNatGatewayAddress", || req.clone().send()).await?;
    }
    settle(api, id, timeout).await
}

/// Waits until no address of the gateway is assigning, associating, unassigning or disassociating.
async fn settle(api: &Api<'_>, id: &str, timeout: Duration) -> Result<(), AwsError> {
    api.wait_for("the NAT gateway's addresses", timeout, || async {
        let nat = super::described::nat_gateway(api, id).await?;
        let moving = nat
            .iter()
            .flat_map(|n| n.nat_gateway_addresses())
            .filter_map(|a| a.status().map(|s| s.as_str().to_string()))
            .find(|s| s.ends_with("ing"));
        Ok(match moving {
            None => Poll::Ready(()),
            Some(s) => Poll::Pending(s),
        })
    })
    .await
}
