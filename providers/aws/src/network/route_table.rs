//! `aws_route_table` and `aws_default_route_table` (the VPC's main table, adopted).
//!
//! Routes: with `aws_route`, or inline `route` blocks (`route_table_routes.rs`).

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use super::route_table_routes::{names_routes, plan_routes, route_block, routes_value, sync_routes};
use super::route_table_routes::{DEFAULT_FIELDS, TABLE_FIELDS};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{adopt, find_by_content, missing_id};
use crate::resource::{import_via_read, read_after_write};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use aws_sdk_ec2::types::{ResourceType as Ec2Type, RouteTable as Ec2RouteTable};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct RouteTable;
pub struct DefaultRouteTable;

pub(super) const NOT_FOUND: &[&str] = &["InvalidRouteTableID.NotFound"];

fn base_schema() -> Schema {
    tags::with_tags(
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String)),
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

pub(super) async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Ec2RouteTable>, AwsError> {
    super::described::route_table(api, id).await
}

async fn read_table(api: &Api<'_>, state: &Value, id: &str, fields: &[&str]) -> Result<Option<Value>, AwsError> {
    let Some(rt) = describe(api, id).await? else { return Ok(None) };
    let mut s = state.clone();
    let owner = rt.owner_id().unwrap_or_default();
    s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:route-table/{id}", api.partition(), api.region)));
    s.set("owner_id", opt_str(rt.owner_id()));
    s.set("vpc_id", opt_str(rt.vpc_id()));
    s.set("route", routes_value(rt.routes(), fields));
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
            .block("route", route_block(TABLE_FIELDS))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        plan_routes(&mut planned, req.config, req.prior);
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        Ok(read_table(&api, state, id, TABLE_FIELDS).await?)
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
        sync_routes(&api, &id, &Value::List(vec![]), planned.get("route"))
            .await
            .map_err(|e| crate::resource::with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = located::route_table(&api, token).await? else { return Ok(None) };
        // Resume the create's propagations and routes (each step is idempotent).
        if let Some(rt) = describe(&api, &id).await? {
            sync_propagations(&api, &id, &propagating(&rt), planned.get("propagating_vgws")).await?;
            if names_routes(planned.get("route")) {
                sync_routes(&api, &id, &routes_value(rt.routes(), TABLE_FIELDS), planned.get("route")).await?;
            }
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
        sync_routes(&api, id, prior.get("route"), planned.get("route")).await?;
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
            .block("route", route_block(DEFAULT_FIELDS))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        plan_routes(&mut planned, req.config, req.prior);
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("default_route_table_id").or(state.get_str("id")) else { return Ok(None) };
        let mut seed = state.clone();
        seed.set("id", Value::from(id));
        seed.set("default_route_table_id", Value::from(id));
        Ok(read_table(&api, &seed, id, DEFAULT_FIELDS).await?)
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = planned.get_str("default_route_table_id").unwrap_or_default();
        let Some(current) = read_table(&api, planned, id, DEFAULT_FIELDS).await? else {
            return Err(api.invalid("default_route_table_id", format!("route table {id} does not exist")).into());
        };
        sync_tags(&api, id, &current, planned).await?;
        // Taking the table over: exactly the configured gateways propagate, as in Terraform.
        let propagating_now = crate::values::string_list(current.get("propagating_vgws"));
        sync_propagations(&api, id, &propagating_now, planned.get("propagating_vgws")).await?;
        // Without `route` blocks the table's routes are left as they are.
        if names_routes(planned.get("route")) {
            sync_routes(&api, id, current.get("route"), planned.get("route")).await?;
        }
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        let current = crate::values::string_list(prior.get("propagating_vgws"));
        sync_propagations(&api, id, &current, planned.get("propagating_vgws")).await?;
        sync_routes(&api, id, prior.get("route"), planned.get("route")).await?;
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
