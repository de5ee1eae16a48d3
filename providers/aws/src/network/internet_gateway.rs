//! `aws_internet_gateway` (created and attached to `vpc_id` in one resource, as in Terraform).

use super::ec2::{sync_tags, tag_spec, tags_map};
use super::located;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::missing_id;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, opt_str};
use aws_sdk_ec2::types::ResourceType as Ec2Type;
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct InternetGateway;

const NOT_FOUND: &[&str] = &["InvalidInternetGatewayID.NotFound"];
/// Detaching while the VPC still has public addresses mapped fails until they are released.
const SETTLING: &[&str] = &["DependencyViolation"];

#[async_trait]
impl ResourceType for InternetGateway {
    fn type_name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("vpc_id", Attribute::optional(Type::String))
                .attr("owner_id", Attribute::computed(Type::String)),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let Some(igw) = super::described::internet_gateway(&api, id).await? else { return Ok(None) };
        let mut s = state.clone();
        let owner = igw.owner_id().unwrap_or_default();
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:internet-gateway/{id}", api.partition(), api.region)));
        s.set("owner_id", opt_str(igw.owner_id()));
        s.set("vpc_id", opt_str(igw.attachments().first().and_then(|a| a.vpc_id())));
        tags::set_from_remote(&api, &mut s, tags_map(igw.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let spec = tag_spec(Ec2Type::InternetGateway, &tags::desired_with_intent(&api, planned, &token));
        let req = api.ec2.create_internet_gateway().set_tag_specifications(spec.map(|t| vec![t]));
        let created = api
            .create(
                "CreateInternetGateway",
                CreateCall::default(),
                || req.clone().send(),
                || located::internet_gateway(&api, &token),
            )
            .await?;
        let id = created
            .id(|out| out.internet_gateway().and_then(|g| g.internet_gateway_id()))
            .ok_or_else(|| missing_id(ctx, "CreateInternetGateway"))?;
        self.finish(ctx, &api, planned, &id).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located::internet_gateway(&api, token).await? {
            Some(id) => self.finish(ctx, &api, planned, &id).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let id = prior.get_str("id").unwrap_or_default();
        if prior.get("vpc_id") != planned.get("vpc_id") {
            if let Some(old) = prior.get_str("vpc_id") {
                detach(&api, id, old).await?;
            }
            if let Some(new) = planned.get_str("vpc_id") {
                attach(&api, id, new).await?;
            }
        }
        sync_tags(&api, id, prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let id = state.get_str("id").unwrap_or_default();
        if let Some(vpc) = state.get_str("vpc_id") {
            match detach(&api, id, vpc).await {
                Err(e) if !e.code().is_some_and(|c| c == "Gateway.NotAttached" || NOT_FOUND.contains(&c)) => {
                    return Err(e.into())
                }
                _ => {}
            }
        }
        api.call_settling("DeleteInternetGateway", SETTLING, || {
            api.ec2.delete_internet_gateway().internet_gateway_id(id).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id))])).await
    }
}

/// Resent after a lost answer, AttachInternetGateway says Resource.AlreadyAssociated: done
/// when the gateway is attached to `vpc` (and a real conflict otherwise).
async fn attach(api: &Api<'_>, id: &str, vpc: &str) -> Result<(), AwsError> {
    let sent = api
        .call_idempotent("AttachInternetGateway", &["Resource.AlreadyAssociated"], || {
            api.ec2.attach_internet_gateway().internet_gateway_id(id).vpc_id(vpc).send()
        })
        .await?;
    if sent.is_none() {
        let gateway = super::described::internet_gateway(api, id).await?;
        if !gateway.is_some_and(|g| g.attachments().iter().any(|a| a.vpc_id() == Some(vpc))) {
            return Err(api.invalid("vpc_id", format!("internet gateway {id} is attached to another VPC")));
        }
    }
    Ok(())
}

async fn detach(api: &Api<'_>, id: &str, vpc: &str) -> Result<(), AwsError> {
    api.call_settling("DetachInternetGateway", SETTLING, || {
        api.ec2.detach_internet_gateway().internet_gateway_id(id).vpc_id(vpc).send()
    })
    .await?;
    Ok(())
}

impl InternetGateway {
    /// The attach after CreateInternetGateway, skipped when already done (find resumes an
    /// interrupted create).
    async fn finish(&self, ctx: &Ctx, api: &Api<'_>, planned: &Value, id: &str) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(id));
        if let Some(vpc) = planned.get_str("vpc_id") {
            let attached = super::described::internet_gateway(api, id).await.map_err(|e| with_partial(e, &state))?;
            let already = attached.is_some_and(|g| g.attachments().iter().any(|a| a.vpc_id() == Some(vpc)));
            if !already {
                attach(api, id, vpc).await.map_err(|e| with_partial(e, &state))?;
            }
        }
        read_after_write(self, ctx, state).await
    }
}
