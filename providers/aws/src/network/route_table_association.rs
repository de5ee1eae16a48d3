//! `aws_route_table_association`: a subnet (or gateway) bound to a route table.
//!
//! Import ID: `<subnet_id>/<route_table_id>` or `<gateway_id>/<route_table_id>`.

use super::route_table::describe;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::resource::{adopt, missing_id};
use crate::resource::{import_via_read, read_after_write};
use crate::values::{blank_state, get_string, opt_str};
use meshplan_provider::{async_trait, Attribute, Ctx, ProviderError, ResourceType, Schema, Type, Value};

pub struct RouteTableAssociation;

const NOT_FOUND: &[&str] = &["InvalidAssociationID.NotFound"];

/// The ID of the planned table's association with the planned subnet or gateway.
async fn located(api: &Api<'_>, planned: &Value) -> Result<Option<String>, AwsError> {
    let Some(table) = planned.get_str("route_table_id") else { return Ok(None) };
    let Some(target) = planned.get_str("subnet_id").or(planned.get_str("gateway_id")) else { return Ok(None) };
    let Some(rt) = describe(api, table).await? else { return Ok(None) };
    Ok(rt
        .associations()
        .iter()
        .find(|a| a.subnet_id().or(a.gateway_id()) == Some(target))
        .and_then(|a| a.route_table_association_id())
        .map(str::to_string))
}

#[async_trait]
impl ResourceType for RouteTableAssociation {
    fn type_name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("subnet_id", Attribute::optional(Type::String).force_new())
            .attr("gateway_id", Attribute::optional(Type::String).force_new())
            .attr("route_table_id", Attribute::required(Type::String))
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(table) = state.get_str("route_table_id") else { return Ok(None) };
        let Some(rt) = describe(&api, table).await? else { return Ok(None) };
        let wanted_id = state.get_str("id");
        let target = state.get_str("subnet_id").or(state.get_str("gateway_id"));
        let found = rt.associations().iter().find(|a| match wanted_id {
            Some(id) => a.route_table_association_id() == Some(id),
            None => a.subnet_id().or(a.gateway_id()) == target && target.is_some(),
        });
        let Some(a) = found else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", opt_str(a.route_table_association_id()));
        s.set("subnet_id", opt_str(a.subnet_id()));
        s.set("gateway_id", opt_str(a.gateway_id()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .ec2
            .associate_route_table()
            .set_route_table_id(get_string(planned, "route_table_id"))
            .set_subnet_id(get_string(planned, "subnet_id"))
            .set_gateway_id(get_string(planned, "gateway_id"));
        // No tags: the association of our subnet (gateway) with our table is ours, also when
        // a resend after a lost answer says Resource.AlreadyAssociated.
        let call =
            CreateCall { settling: &["InvalidRouteTableID.NotFound"], conflicts: &["Resource.AlreadyAssociated"] };
        let created = api.create("AssociateRouteTable", call, || req.clone().send(), || located(&api, planned)).await?;
        let id = created.id(|out| out.association_id()).ok_or_else(|| missing_id(ctx, "AssociateRouteTable"))?;
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = located(&api, planned).await? else { return Ok(None) };
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        adopt(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .ec2
            .replace_route_table_association()
            .set_association_id(get_string(prior, "id"))
            .set_route_table_id(get_string(planned, "route_table_id"));
        let out = api.call("ReplaceRouteTableAssociation", || req.clone().send()).await?;
        let mut state = planned.clone();
        state.set("id", opt_str(out.new_association_id()));
        read_after_write(self, ctx, state).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        api.call("DisassociateRouteTable", || api.ec2.disassociate_route_table().association_id(id).send())
            .await
            .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((target, table)) = id.split_once('/') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected SUBNETID/ROUTETABLEID, got {id:?}"),
            }
            .into());
        };
        let target_attr = if target.starts_with("subnet-") { "subnet_id" } else { "gateway_id" };
        let seed =
            blank_state(&self.schema(), [("route_table_id", Value::from(table)), (target_attr, Value::from(target))]);
        import_via_read(self, ctx, id, seed).await
    }
}
