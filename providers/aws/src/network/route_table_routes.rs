//! Inline `route` blocks of `aws_route_table` and `aws_default_route_table`. As in
//! Terraform (attribute-as-blocks), a table whose configuration has no `route` block does not
//! manage its routes (those of `aws_route` stay); with blocks, the table's routes are exactly
//! those: missing ones are created, changed targets replaced, others deleted. Local routes,
//! propagated routes and Gateway endpoint routes are never listed.

use crate::api::Api;
use crate::error::AwsError;
use crate::values::opt_str;
use aws_sdk_ec2::types::{Route, RouteOrigin};
use meshplan_provider::{Attribute, Block, Planned, Schema, Type, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The route fields of `aws_route_table` (Terraform's names).
pub(super) const TABLE_FIELDS: &[&str] = &[
    "carrier_gateway_id",
    "cidr_block",
    "core_network_arn",
    "destination_prefix_list_id",
    "egress_only_gateway_id",
    "gateway_id",
    "ipv6_cidr_block",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// The route fields of `aws_default_route_table`.
pub(super) const DEFAULT_FIELDS: &[&str] = &[
    "cidr_block",
    "core_network_arn",
    "destination_prefix_list_id",
    "egress_only_gateway_id",
    "gateway_id",
    "instance_id",
    "ipv6_cidr_block",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

const DESTINATIONS: [&str; 3] = ["cidr_block", "ipv6_cidr_block", "destination_prefix_list_id"];

pub(super) fn route_block(fields: &[&str]) -> Block {
    Block::set(fields.iter().fold(Schema::new(), |s, f| s.attr(f, Attribute::optional(Type::String))))
}

/// What AWS says a route's field is.
fn field(r: &Route, name: &str) -> Option<String> {
    let gateway = r.gateway_id();
    let endpoint = gateway.filter(|g| g.starts_with("vpce-"));
    match name {
        "cidr_block" => r.destination_cidr_block(),
        "ipv6_cidr_block" => r.destination_ipv6_cidr_block(),
        "destination_prefix_list_id" => r.destination_prefix_list_id(),
        "carrier_gateway_id" => r.carrier_gateway_id(),
        "core_network_arn" => r.core_network_arn(),
        "egress_only_gateway_id" => r.egress_only_internet_gateway_id(),
        // Terraform shows an endpoint target as vpc_endpoint_id.
        "gateway_id" => gateway.filter(|g| !g.starts_with("vpce-")),
        "vpc_endpoint_id" => endpoint,
        "instance_id" => r.instance_id(),
        "local_gateway_id" => r.local_gateway_id(),
        "nat_gateway_id" => r.nat_gateway_id(),
        "network_interface_id" => r.network_interface_id().filter(|_| r.instance_id().is_none()),
        "transit_gateway_id" => r.transit_gateway_id(),
        "vpc_peering_connection_id" => r.vpc_peering_connection_id(),
        _ => None,
    }
    .map(str::to_string)
}

/// The table's own routes, as `route` shows them.
pub(super) fn routes_value(routes: &[Route], fields: &[&str]) -> Value {
    let listed = routes.iter().filter(|r| {
        let local = r.gateway_id() == Some("local");
        let propagated = r.origin() == Some(&RouteOrigin::EnableVgwRoutePropagation);
        let endpoint =
            r.destination_prefix_list_id().is_some() && r.gateway_id().is_some_and(|g| g.starts_with("vpce-"));
        !(local || propagated || endpoint)
    });
    Value::List(listed.map(|r| Value::object(fields.iter().map(|f| (*f, opt_str(field(r, f).as_deref()))))).collect())
}

/// A route as its set fields, for order-free comparison.
type Canon = Vec<(String, String)>;

fn canon(v: &Value) -> Canon {
    v.as_object()
        .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
        .unwrap_or_default()
}

fn canon_set(v: &Value) -> BTreeSet<Canon> {
    v.as_list().map(|l| l.iter().map(canon).collect()).unwrap_or_default()
}

fn unconfigured(routes: &Value) -> bool {
    routes.is_null() || routes.as_list().is_some_and(|l| l.is_empty())
}

/// Without blocks the prior routes stay (unmanaged); with blocks equal to the prior ones as a
/// set, the prior shape stays.
pub(super) fn plan_routes(planned: &mut Planned, config: &Value, prior: Option<&Value>) {
    let Some(prior) = prior else { return };
    let wanted = planned.state.get("route");
    let keep = unconfigured(config.get("route"))
        || (wanted.is_wholly_known() && canon_set(wanted) == canon_set(prior.get("route")));
    if keep {
        planned.state.set("route", prior.get("route").clone());
    }
}

fn destination(route: &Value) -> Option<(&'static str, String)> {
    DESTINATIONS.iter().find_map(|d| Some((*d, route.get_str(d)?.to_string())))
}

fn by_destination(routes: &Value) -> BTreeMap<(&'static str, String), &Value> {
    routes.as_list().into_iter().flatten().filter_map(|r| Some((destination(r)?, r))).collect()
}

macro_rules! with_route_fields {
    ($req:expr, $r:expr) => {{
        let s = |k: &str| $r.get_str(k).map(str::to_string);
        $req.set_destination_cidr_block(s("cidr_block"))
            .set_destination_ipv6_cidr_block(s("ipv6_cidr_block"))
            .set_destination_prefix_list_id(s("destination_prefix_list_id"))
            .set_carrier_gateway_id(s("carrier_gateway_id"))
            .set_core_network_arn(s("core_network_arn"))
            .set_egress_only_internet_gateway_id(s("egress_only_gateway_id"))
            .set_gateway_id(s("gateway_id"))
            .set_instance_id(s("instance_id"))
            .set_local_gateway_id(s("local_gateway_id"))
            .set_nat_gateway_id(s("nat_gateway_id"))
            .set_network_interface_id(s("network_interface_id"))
            .set_transit_gateway_id(s("transit_gateway_id"))
            .set_vpc_endpoint_id(s("vpc_endpoint_id"))
            .set_vpc_peering_connection_id(s("vpc_peering_connection_id"))
    }};
}

/// Makes the table's routes go from `prior` to `planned` (both `route` values; the plan keeps
/// the prior routes when no block is configured, so that changes nothing).
pub(super) async fn sync_routes(api: &Api<'_>, table: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    if !planned.is_wholly_known() || canon_set(prior) == canon_set(planned) {
        return Ok(());
    }
    let (old, new) = (by_destination(prior), by_destination(planned));
    for ((kind, dest), _) in old.iter().filter(|(k, _)| !new.contains_key(*k)) {
        let req = api.ec2.delete_route().route_table_id(table);
        let req = match *kind {
            "cidr_block" => req.destination_cidr_block(dest),
            "ipv6_cidr_block" => req.destination_ipv6_cidr_block(dest),
            _ => req.destination_prefix_list_id(dest),
        };
        api.call("DeleteRoute", || req.clone().send()).await?;
    }
    for (key, route) in &new {
        match old.get(key) {
            Some(before) if canon(before) == canon(route) => {}
            Some(_) => {
                let req = with_route_fields!(api.ec2.replace_route().route_table_id(table), route);
                api.call("ReplaceRoute", || req.clone().send()).await?;
            }
            None => {
                let req = with_route_fields!(api.ec2.create_route().route_table_id(table), route);
                api.call("CreateRoute", || req.clone().send()).await?;
            }
        }
    }
    Ok(())
}

/// Whether a planned `route` names routes (none: the table's routes are not managed).
pub(super) fn names_routes(routes: &Value) -> bool {
    !unconfigured(routes)
}
