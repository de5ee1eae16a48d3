//! `aws_route_table` and `aws_default_route_table` (the VPC's main table, adopted).
//!
//! Routes are managed with `aws_route`; here `route` is read-only (see README).

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{adopt, find_by_content, missing_id};
use crate::resource::{import_via_read, read_after_write};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use aws_sdk_ec2::types::{ResourceType as Ec2Type, Route, RouteTable as Ec2RouteTable};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::collections::BTreeMap;

pub struct RouteTable;
pub struct DefaultRouteTable;

pub(super) const NOT_FOUND: &[&str] = &["InvalidRouteTableID.NotFound"];

fn route_object_type() -> Type {
    let fields = [
        "cidr_block",
        "ipv6_cidr_block",
        "gateway_id",
        "nat_gateway_id",
        "vpc_peering_connection_id",
        "transit_gateway_id",
        "network_interface_id",
        "egress_only_gateway_id",
        "vpc_endpoint_id",
    ];
    Type::Object(fields.iter().map(|f| (f.to_string(), Type::String)).collect::<BTreeMap<_, _>>())
}

fn base_schema() -> Schema {
    tags::with_tags(
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("route", Attribute::computed(Type::list(route_object_type()))),
    )
}

/// The gateways propagating routes into the table.
fn propagating(rt: &Ec2RouteTable) -> Vec<String> {
    let mut ids: Vec<String> =
        rt.propagating_vgws().iter().filter_map(|p| p.gateway_id()).map(str::to_string).collect();
    ids.sort();
    ids
}

/// Enables and disables route propagation so that exactly `want` propagate (unknown or
/// null: none, as for a new table).
async fn sync_propagations(api: &Api<'_>, id: &str, current: &[String], want: &Value) -> Result<(), AwsError> {
    let want = crate::values::string_list(want);
    for gone in current.iter().filter(|g| !want.contains(g)) {
        let req = api.ec2.disable_vgw_route_propagation().route_table_id(id).gateway_id(gone);
        api.call("DisableVgwRoutePropagation", || req.clone().send()).await?;
    }
    for new in want.iter().filter(|g| !current.contains(g)) {
        super::route_propagation::enable(api, id, new).await?;
    }
    Ok(())
}

/// The non-local routes, as Terraform shows them in `route`.
fn routes_value(routes: &[Route]) -> Value {
    Value::List(
        routes
            .iter()
            .filter(|r| r.gateway_id() != Some("local"))
            .map(|r| {
                Value::object([
                    ("cidr_block", opt_str(r.destination_cidr_block())),
                    ("ipv6_cidr_block", opt_str(r.destination_ipv6_cidr_block())),
                    ("gateway_id", opt_str(r.gateway_id())),
                    ("nat_gateway_id", opt_str(r.nat_gateway_id())),
                    ("vpc_peering_connection_id", opt_str(r.vpc_peering_connection_id())),
                    ("transit_gateway_id", opt_str(r.transit_gateway_id())),
                    ("network_interface_id", opt_str(r.network_interface_id())),
                    ("egress_only_gateway_id", opt_str(r.egress_only_internet_gateway_id())),
                    ("vpc_endpoint_id", Value::Null),
                ])
            })
            .collect(),
    )
}

pub(super) async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Ec2RouteTable>, AwsError> {
    super::described::route_table(api, id).await
}

async fn read_table(api: &Api<'_>, state: &Value, id: &str) -> Result<Option<Value>, AwsError> {
    let Some(rt) = describe(api, id).await? else { return Ok(None) };
    let mut s = state.clone();
    let owner = rt.owner_id().unwrap_or_default();
    s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:route-table/{id}", api.partition(), api.region)));
    s.set("owner_id", opt_str(rt.owner_id()));
    s.set("vpc_id", opt_str(rt.vpc_id()));
    s.set("route", routes_value(rt.routes()));
    let vgws = propagating(&rt);
    // The default table's argument is optional only: no propagation reads as unset.
    if !(vgws.is_empty()
        && state.get("propagating_vgws").is_null()
        && state.get("default_route_table_id").as_str().is_some())
    {
        s.set("propagating_vgws", crate::values::list_value(&vgws));
    }
    tags::set_from_remote(api, &mut s, tags_map(rt.tags()));
    Ok(Some(s))
}

#[async_trait]
impl ResourceType for RouteTable {
    fn type_name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> Schema {
        base_schema()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("propagating_vgws", Attribute::optional_computed(Type::set(Type::String)))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        Ok(read_table(&api, state, id).await?)
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let req = api
            .ec2
            .create_route_table()
            .client_token(&token)
            .set_vpc_id(get_string(planned, "vpc_id"))
            .set_tag_specifications(
                tag_spec(Ec2Type::RouteTable, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]),
            );
        let created = api
            .create(
                "CreateRouteTable",
                CreateCall::default(),
                || req.clone().send(),
                || located::route_table(&api, &token),
            )
            .await?;
        let id = created
            .id(|out| out.route_table().and_then(|r| r.route_table_id()))
            .ok_or_else(|| missing_id(ctx, "CreateRouteTable"))?;
        let mut state = planned.clone();
        state.set("id", Value::from(id.as_str()));
        sync_propagations(&api, &id, &[], planned.get("propagating_vgws"))
            .await
            .map_err(|e| crate::resource::with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = located::route_table(&api, token).await? else { return Ok(None) };
        // Resume the create's propagations (enabling one twice is harmless).
        if let Some(rt) = describe(&api, &id).await? {
            sync_propagations(&api, &id, &propagating(&rt), planned.get("propagating_vgws")).await?;
        }
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        adopt(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        let current = crate::values::string_list(prior.get("propagating_vgws"));
        if !planned.get("propagating_vgws").is_unknown() {
            sync_propagations(&api, id, &current, planned.get("propagating_vgws")).await?;
        }
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        api.call_settling("DeleteRouteTable", &["DependencyViolation"], || {
            api.ec2.delete_route_table().route_table_id(id).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

/// Adopts the VPC's main route table: create takes it over, delete forgets it
/// (AWS deletes it with the VPC).
#[async_trait]
impl ResourceType for DefaultRouteTable {
    fn type_name(&self) -> &'static str {
        "aws_default_route_table"
    }

    fn schema(&self) -> Schema {
        base_schema()
            .attr("default_route_table_id", Attribute::required(Type::String).force_new())
            .attr("vpc_id", Attribute::computed(Type::String))
            .attr("propagating_vgws", Attribute::optional(Type::set(Type::String)))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("default_route_table_id").or(state.get_str("id")) else { return Ok(None) };
        let mut seed = state.clone();
        seed.set("id", Value::from(id));
        seed.set("default_route_table_id", Value::from(id));
        Ok(read_table(&api, &seed, id).await?)
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = planned.get_str("default_route_table_id").unwrap_or_default();
        let Some(current) = read_table(&api, planned, id).await? else {
            return Err(api.invalid("default_route_table_id", format!("route table {id} does not exist")).into());
        };
        sync_tags(&api, id, &current, planned).await?;
        // Taking the table over: exactly the configured gateways propagate, as in Terraform.
        let propagating_now = crate::values::string_list(current.get("propagating_vgws"));
        sync_propagations(&api, id, &propagating_now, planned.get("propagating_vgws")).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        let current = crate::values::string_list(prior.get("propagating_vgws"));
        sync_propagations(&api, id, &current, planned.get("propagating_vgws")).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, _ctx: &Ctx, _state: &Value) -> Result<(), ProviderError> {
        Ok(())
    }

    /// Taking the main table over only writes tags: done when they are the planned ones,
    /// otherwise the create (idempotent) runs again.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let desired = tags::desired(&api, planned);
        find_by_content(self, ctx, planned, |s| crate::values::string_map(s.get("tags_all")) == desired).await
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let seed = blank_state(&self.schema(), [("id", Value::from(id)), ("default_route_table_id", Value::from(id))]);
        import_via_read(self, ctx, id, seed).await
    }
}
