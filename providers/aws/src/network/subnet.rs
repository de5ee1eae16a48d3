//! `aws_subnet`.

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use super::subnet_attributes::{modify_attributes, read_attributes, update_ipv6, with_attributes};
use crate::api::{Api, CreateCall, NotFound};
use crate::intent;
use crate::resource::missing_id;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use aws_sdk_ec2::types::ResourceType as Ec2Type;
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct Subnet;

const NOT_FOUND: &[&str] = &["InvalidSubnetID.NotFound"];

#[async_trait]
impl ResourceType for Subnet {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(with_attributes(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("vpc_id", Attribute::required(Type::String).force_new())
                // Unset: an IPv6-only subnet (`ipv6_native`).
                .attr("cidr_block", Attribute::optional(Type::String).force_new())
                .attr("availability_zone", Attribute::optional_computed(Type::String).force_new())
                .attr("availability_zone_id", Attribute::optional_computed(Type::String).force_new())
                .attr("ipv6_native", Attribute::optional(Type::Bool).default(false).force_new())
                .attr("outpost_arn", Attribute::optional(Type::String).force_new())
                .attr("owner_id", Attribute::computed(Type::String)),
        ))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let config = req.config;
        // Terraform's ConflictsWith: one way to name the zone.
        if !config.get("availability_zone").is_null() && !config.get("availability_zone_id").is_null() {
            return Err(ProviderError::new(format!(
                "{}: \"availability_zone\" and \"availability_zone_id\" cannot both be set",
                ctx.address
            ))
            .at_attribute("availability_zone_id")
            .with_hint("name the zone by one of them"));
        }
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(sn) = super::described::subnet(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        s.set("arn", opt_str(sn.subnet_arn()));
        s.set("vpc_id", opt_str(sn.vpc_id()));
        s.set("cidr_block", opt_str(sn.cidr_block()));
        s.set("availability_zone", opt_str(sn.availability_zone()));
        s.set("availability_zone_id", opt_str(sn.availability_zone_id()));
        read_attributes(&sn, &mut s);
        s.set("owner_id", opt_str(sn.owner_id()));
        tags::set_from_remote(&api, &mut s, tags_map(sn.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let req = api
            .ec2
            .create_subnet()
            .set_vpc_id(get_string(planned, "vpc_id"))
            .set_cidr_block(get_string(planned, "cidr_block"))
            .set_availability_zone(get_string(planned, "availability_zone"))
            .set_availability_zone_id(get_string(planned, "availability_zone_id"))
            .set_ipv6_cidr_block(get_string(planned, "ipv6_cidr_block"))
            .set_ipv6_native(planned.get("ipv6_native").as_bool().filter(|n| *n))
            .set_outpost_arn(get_string(planned, "outpost_arn"))
            .set_tag_specifications(
                tag_spec(Ec2Type::Subnet, &tags::desired_with_intent(&api, planned, &token)).map(|t| vec![t]),
            );
        let created = api
            .create("CreateSubnet", CreateCall::default(), || req.clone().send(), || located::subnet(&api, &token))
            .await?;
        let id = created
            .id(|out| out.subnet().and_then(|s| s.subnet_id()))
            .ok_or_else(|| missing_id(ctx, "CreateSubnet"))?;
        self.finish(ctx, &api, planned, &id).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located::subnet(&api, token).await? {
            Some(id) => self.finish(ctx, &api, planned, &id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        update_ipv6(&api, id, prior, planned).await?;
        modify_attributes(&api, id, prior, planned).await?;
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        api.call_settling("DeleteSubnet", &["DependencyViolation"], || api.ec2.delete_subnet().subnet_id(id).send())
            .await
            .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

impl Subnet {
    /// The steps after CreateSubnet, each safe to repeat (find resumes an interrupted create).
    async fn finish(&self, ctx: &Ctx, api: &Api<'_>, planned: &Value, id: &str) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        // What a new subnet has: every flag off; IPv6-native subnets assign IPv6 addresses.
        let native = planned.get("ipv6_native").as_bool() == Some(true);
        let defaults = blank_state(&self.schema(), [("assign_ipv6_address_on_creation", Value::from(native))]);
        modify_attributes(api, id, &defaults, planned).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}
