//! `aws_route`: one route in a route table.
//!
//! ID and import ID: `<route_table_id>_<destination>` (Terraform's import syntax; see README).

use super::route_table::describe;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::resource::adopt;
use crate::resource::{import_via_read, read_after_write};
use crate::values::{blank_state, get_string, opt_str};
use aws_sdk_ec2::types::Route as Ec2Route;
use meshplan_provider::{async_trait, Attribute, Ctx, ProviderError, ResourceType, Schema, Type, Value};

pub struct Route;

/// Where a route can point; exactly one is set.
const TARGETS: [&str; 10] = [
    "carrier_gateway_id",
    "core_network_arn",
    "local_gateway_id",
    "gateway_id",
    "nat_gateway_id",
    "vpc_peering_connection_id",
    "transit_gateway_id",
    "network_interface_id",
    "egress_only_gateway_id",
    "vpc_endpoint_id",
];

const NOT_FOUND: &[&str] = &["InvalidRoute.NotFound", "InvalidRouteTableID.NotFound"];

/// Where a route goes: exactly one is set.
const DESTINATIONS: [&str; 3] = ["destination_cidr_block", "destination_ipv6_cidr_block", "destination_prefix_list_id"];

fn destination(state: &Value) -> Option<&str> {
    DESTINATIONS.iter().find_map(|d| state.get_str(d))
}

fn goes_to(r: &Ec2Route, dest: &str) -> bool {
    [r.destination_cidr_block(), r.destination_ipv6_cidr_block(), r.destination_prefix_list_id()].contains(&Some(dest))
}

fn target_of(r: &Ec2Route, target: &str) -> Option<String> {
    match target {
        "carrier_gateway_id" => r.carrier_gateway_id(),
        "core_network_arn" => r.core_network_arn(),
        "local_gateway_id" => r.local_gateway_id(),
        "gateway_id" => r.gateway_id(),
        "nat_gateway_id" => r.nat_gateway_id(),
        "vpc_peering_connection_id" => r.vpc_peering_connection_id(),
        "transit_gateway_id" => r.transit_gateway_id(),
        "network_interface_id" => r.network_interface_id(),
        "egress_only_gateway_id" => r.egress_only_internet_gateway_id(),
        _ => None,
    }
    .map(str::to_string)
}

/// The ID of the route in the planned table with the planned destination and target.
async fn located(api: &Api<'_>, planned: &Value) -> Result<Option<String>, AwsError> {
    let (Some(table), Some(dest)) = (planned.get_str("route_table_id"), destination(planned)) else { return Ok(None) };
    let Some(rt) = describe(api, table).await? else { return Ok(None) };
    let same = rt.routes().iter().any(|r| {
        goes_to(r, dest)
            && TARGETS
                .iter()
                .filter(|t| **t != "vpc_endpoint_id")
                // AWS names the ENI of an instance route itself.
                .filter(|t| **t != "network_interface_id" || planned.get_str(t).is_some())
                .all(|t| target_of(r, t).as_deref() == planned.get_str(t))
    });
    Ok(same.then(|| format!("{table}_{dest}")))
}

#[async_trait]
impl ResourceType for Route {
    fn type_name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("route_table_id", Attribute::required(Type::String).force_new())
            .attr("destination_cidr_block", Attribute::optional(Type::String).force_new())
            .attr("destination_ipv6_cidr_block", Attribute::optional(Type::String).force_new())
            .attr("destination_prefix_list_id", Attribute::optional(Type::String).force_new())
            .attr("instance_owner_id", Attribute::computed(Type::String))
            .attr("origin", Attribute::computed(Type::String))
            .attr("state", Attribute::computed(Type::String))
            .attr("instance_id", Attribute::computed(Type::String));
        for t in TARGETS {
            s = s.attr(t, Attribute::optional(Type::String));
        }
        // Unset: the ENI AWS names for an instance route, as in Terraform.
        s.attr("network_interface_id", Attribute::optional_computed(Type::String))
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(table), Some(dest)) = (state.get_str("route_table_id"), destination(state)) else { return Ok(None) };
        let Some(rt) = describe(&api, table).await? else { return Ok(None) };
        let Some(r) = rt.routes().iter().find(|r| goes_to(r, dest)) else {
            return Ok(None);
        };
        let mut s = state.clone();
        s.set("id", Value::from(format!("{table}_{dest}")));
        s.set("destination_cidr_block", opt_str(r.destination_cidr_block()));
        s.set("destination_ipv6_cidr_block", opt_str(r.destination_ipv6_cidr_block()));
        s.set("destination_prefix_list_id", opt_str(r.destination_prefix_list_id()));
        s.set("instance_owner_id", opt_str(r.instance_owner_id()));
        for t in TARGETS {
            s.set(t, target_of(r, t).map(Value::from).unwrap_or(Value::Null));
        }
        s.set("origin", opt_str(r.origin().map(|o| o.as_str())));
        s.set("state", opt_str(r.state().map(|o| o.as_str())));
        s.set("instance_id", opt_str(r.instance_id()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .ec2
            .create_route()
            .set_route_table_id(get_string(planned, "route_table_id"))
            .set_destination_cidr_block(get_string(planned, "destination_cidr_block"))
            .set_destination_ipv6_cidr_block(get_string(planned, "destination_ipv6_cidr_block"))
            .set_destination_prefix_list_id(get_string(planned, "destination_prefix_list_id"))
            .set_carrier_gateway_id(get_string(planned, "carrier_gateway_id"))
            .set_core_network_arn(get_string(planned, "core_network_arn"))
            .set_local_gateway_id(get_string(planned, "local_gateway_id"))
            .set_gateway_id(get_string(planned, "gateway_id"))
            .set_nat_gateway_id(get_string(planned, "nat_gateway_id"))
            .set_vpc_peering_connection_id(get_string(planned, "vpc_peering_connection_id"))
            .set_transit_gateway_id(get_string(planned, "transit_gateway_id"))
            .set_network_interface_id(get_string(planned, "network_interface_id"))
            .set_egress_only_internet_gateway_id(get_string(planned, "egress_only_gateway_id"))
            .set_vpc_endpoint_id(get_string(planned, "vpc_endpoint_id"));
        // A just-created NAT gateway or peering connection may not be routable yet. A route has
        // no tags: the route with our destination and target is ours (RouteAlreadyExists too).
        let call = CreateCall {
            settling: &[
                "InvalidNatGatewayID.NotFound",
                "InvalidVpcPeeringConnectionID.NotFound",
                "InvalidGatewayID.NotFound",
            ],
            conflicts: &["RouteAlreadyExists"],
        };
        api.create("CreateRoute", call, || req.clone().send(), || located(&api, planned)).await?;
        let mut state = planned.clone();
        if let (Some(table), Some(dest)) = (planned.get_str("route_table_id"), destination(planned)) {
            state.set("id", Value::from(format!("{table}_{dest}")));
        }
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located(&api, planned).await? {
            Some(_) => adopt(self, ctx, planned.clone()).await,
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .ec2
            .replace_route()
            .set_route_table_id(get_string(planned, "route_table_id"))
            .set_destination_cidr_block(get_string(planned, "destination_cidr_block"))
            .set_destination_ipv6_cidr_block(get_string(planned, "destination_ipv6_cidr_block"))
            .set_destination_prefix_list_id(get_string(planned, "destination_prefix_list_id"))
            .set_carrier_gateway_id(get_string(planned, "carrier_gateway_id"))
            .set_core_network_arn(get_string(planned, "core_network_arn"))
            .set_local_gateway_id(get_string(planned, "local_gateway_id"))
            .set_gateway_id(get_string(planned, "gateway_id"))
            .set_nat_gateway_id(get_string(planned, "nat_gateway_id"))
            .set_vpc_peering_connection_id(get_string(planned, "vpc_peering_connection_id"))
            .set_transit_gateway_id(get_string(planned, "transit_gateway_id"))
            .set_network_interface_id(get_string(planned, "network_interface_id"))
            .set_egress_only_internet_gateway_id(get_string(planned, "egress_only_gateway_id"))
            .set_vpc_endpoint_id(get_string(planned, "vpc_endpoint_id"));
        api.call("ReplaceRoute", || req.clone().send()).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .ec2
            .delete_route()
            .set_route_table_id(get_string(state, "route_table_id"))
            .set_destination_cidr_block(get_string(state, "destination_cidr_block"))
            .set_destination_ipv6_cidr_block(get_string(state, "destination_ipv6_cidr_block"))
            .set_destination_prefix_list_id(get_string(state, "destination_prefix_list_id"));
        api.call("DeleteRoute", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((table, dest)) = id.split_once('_') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected ROUTETABLEID_DESTINATION, got {id:?}"),
            }
            .into());
        };
        let dest_attr = match dest {
            d if d.starts_with("pl-") => "destination_prefix_list_id",
            d if d.contains(':') => "destination_ipv6_cidr_block",
            _ => "destination_cidr_block",
        };
        let seed =
            blank_state(&self.schema(), [("route_table_id", Value::from(table)), (dest_attr, Value::from(dest))]);
        import_via_read(self, ctx, id, seed).await
    }
}
