//! `aws_internet_gateway` (created and attached to `vpc_id` in one resource, as in Terraform).

use super::ec2::{tag_spec, tags_map};
use super::located;
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::opt_str;
use aws_sdk_ec2::types::ResourceType as Ec2Type;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct InternetGateway;

const NOT_FOUND: &[&str] = &["InvalidInternetGatewayID.NotFound"];
/// Detaching while the VPC still has public addresses mapped fails until they are released.
const SETTLING: &[&str] = &["DependencyViolation"];

#[async_trait]
impl AwsResource for InternetGateway {
    fn type_name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("vpc_id", Attribute::optional(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let spec = tag_spec(Ec2Type::InternetGateway, &req.tags);
        let call = api.ec2.create_internet_gateway().set_tag_specifications(spec.map(|t| vec![t]));
        let created = api
            .create(
                "CreateInternetGateway",
                CreateCall::default(),
                || call.clone().send(),
                || located::internet_gateway(api, req.token),
            )
            .await?;
        created
            .id(|out| out.internet_gateway().and_then(|g| g.internet_gateway_id()))
            .ok_or_else(|| missing_id(api, "CreateInternetGateway"))
    }

    /// The attach, skipped when already done (find resumes an interrupted create).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some(vpc) = planned.get_str("vpc_id") else { return Ok(()) };
        let gateway = super::described::internet_gateway(api, id).await?;
        if !gateway.is_some_and(|g| g.attachments().iter().any(|a| a.vpc_id() == Some(vpc))) {
            attach(api, id, vpc).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(igw) = super::described::internet_gateway(api, id).await? else { return Ok(None) };
        let owner = igw.owner_id().unwrap_or_default();
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:internet-gateway/{id}", api.partition(), api.region)));
        s.set("owner_id", opt_str(igw.owner_id()));
        s.set("vpc_id", opt_str(igw.attachments().first().and_then(|a| a.vpc_id())));
        Ok(Some(tags_map(igw.tags())))
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        located::internet_gateway(api, token).await
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("vpc_id") != planned.get("vpc_id") {
            if let Some(old) = prior.get_str("vpc_id") {
                detach(api, id, old).await?;
            }
            if let Some(new) = planned.get_str("vpc_id") {
                attach(api, id, new).await?;
            }
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if let Some(vpc) = state.get_str("vpc_id") {
            match detach(api, id, vpc).await {
                Err(e) if !e.code().is_some_and(|c| c == "Gateway.NotAttached" || NOT_FOUND.contains(&c)) => {
                    return Err(e)
                }
                _ => {}
            }
        }
        api.call_settling("DeleteInternetGateway", SETTLING, || {
            api.ec2.delete_internet_gateway().internet_gateway_id(id).send()
        })
        .await?;
        Ok(())
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
