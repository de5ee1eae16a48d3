//! VPC Block Public Access: `aws_vpc_block_public_access_options` (the region's one setting;
//! ID: the region; delete turns it `off`, as in Terraform) and
//! `aws_vpc_block_public_access_exclusion` (a VPC or subnet let through; tagged with the
//! intent token). Both changes are asynchronous: each waits for its `*-complete` state.

use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::waiter::Poll;
use aws_sdk_ec2::types::{
    InternetGatewayBlockMode, InternetGatewayExclusionMode, ResourceType as Ec2Type, VpcBlockPublicAccessExclusion,
};
use meshplan_provider::{async_trait, Attribute, ProviderError, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct BlockOptions;
pub struct Exclusion;

const WAIT: Duration = Duration::from_secs(600);

async fn set_mode(api: &Api<'_>, mode: &str, timeout: Duration) -> Result<(), AwsError> {
    let req = api
        .ec2
        .modify_vpc_block_public_access_options()
        .internet_gateway_block_mode(InternetGatewayBlockMode::from(mode));
    api.call("ModifyVpcBlockPublicAccessOptions", || req.clone().send()).await?;
    api.wait_for("VPC Block Public Access options", timeout, || async {
        let out = api
            .call("DescribeVpcBlockPublicAccessOptions", || api.ec2.describe_vpc_block_public_access_options().send())
            .await?;
        let state = out.vpc_block_public_access_options().and_then(|o| o.state()).map(|s| s.as_str().to_string());
        Ok(match state.as_deref() {
            Some("update-complete" | "default-state") => Poll::Ready(()),
            other => Poll::Pending(other.unwrap_or("unknown").to_string()),
        })
    })
    .await
}

#[async_trait]
impl AwsResource for BlockOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_block_public_access_options"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("internet_gateway_block_mode", Attribute::required(Type::String))
            .attr("aws_account_id", Attribute::computed(Type::String))
            .attr("aws_region", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { timeouts: &["create", "update", "delete"], default_timeout: WAIT, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &[]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let mode = req.planned.get_str("internet_gateway_block_mode").unwrap_or_default();
        let timeout = crate::waiter::timeout_of(req.planned, "create", WAIT).unwrap_or(WAIT);
        set_mode(api, mode, timeout).await?;
        Ok(api.region.to_string())
    }

    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let out = api
            .call("DescribeVpcBlockPublicAccessOptions", || api.ec2.describe_vpc_block_public_access_options().send())
            .await?;
        let Some(o) = out.vpc_block_public_access_options() else { return Ok(None) };
        s.set(
            "internet_gateway_block_mode",
            crate::values::opt_str(o.internet_gateway_block_mode().map(|m| m.as_str())),
        );
        s.set("aws_account_id", crate::values::opt_str(o.aws_account_id()));
        s.set("aws_region", crate::values::opt_str(o.aws_region().or(Some(api.region.as_str()))));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let timeout = crate::waiter::timeout_of(planned, "update", WAIT).unwrap_or(WAIT);
        set_mode(api, planned.get_str("internet_gateway_block_mode").unwrap_or_default(), timeout).await
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        set_mode(api, "off", timeout).await
    }

    /// The setting always exists: the create is done when it has the planned mode.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let mut s = planned.clone();
        self.read(api, "", &mut s).await?;
        let done = s.get("internet_gateway_block_mode") == planned.get("internet_gateway_block_mode");
        Ok(done.then(|| api.region.to_string()))
    }
}

async fn describe_exclusion(api: &Api<'_>, id: &str) -> Result<Option<VpcBlockPublicAccessExclusion>, AwsError> {
    let req = api.ec2.describe_vpc_block_public_access_exclusions().exclusion_ids(id);
    let out = crate::api::NotFound::or_not_found(
        api.call("DescribeVpcBlockPublicAccessExclusions", || req.clone().send()).await,
        EXCLUSION_NOT_FOUND,
    )?;
    Ok(out.and_then(|o| {
        o.vpc_block_public_access_exclusions()
            .iter()
            .find(|e| e.exclusion_id() == Some(id) && !exclusion_gone(e))
            .cloned()
    }))
}

fn exclusion_gone(e: &VpcBlockPublicAccessExclusion) -> bool {
    matches!(e.state().map(|s| s.as_str()), Some("delete-complete" | "delete-in-progress"))
}

/// Waits until the exclusion is in `target` (`None`: gone).
async fn wait_exclusion(api: &Api<'_>, id: &str, target: Option<&str>, timeout: Duration) -> Result<(), AwsError> {
    api.wait_for("the VPC Block Public Access exclusion", timeout, || async {
        let e = describe_exclusion(api, id).await?;
        let state = e.as_ref().and_then(|e| e.state()).map(|s| s.as_str().to_string());
        Ok(match (state.as_deref(), target) {
            (None, None) => Poll::Ready(()),
            (Some(s), Some(t)) if s == t => Poll::Ready(()),
            (Some(s), _) if s.ends_with("-failed") => {
                Poll::Failed { status: s.to_string(), reason: e.and_then(|e| e.reason().map(str::to_string)) }
            }
            (s, _) => Poll::Pending(s.unwrap_or("gone").to_string()),
        })
    })
    .await
}

const EXCLUSION_NOT_FOUND: &[&str] = &["InvalidVpcBlockPublicAccessExclusionId.NotFound"];

#[async_trait]
impl AwsResource for Exclusion {
    fn type_name(&self) -> &'static str {
        "aws_vpc_block_public_access_exclusion"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("internet_gateway_exclusion_mode", Attribute::required(Type::String))
            .attr("vpc_id", Attribute::optional(Type::String).force_new())
            .attr("subnet_id", Attribute::optional(Type::String).force_new())
            .attr("resource_arn", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Ec2,
            timeouts: &["create", "update", "delete"],
            default_timeout: WAIT,
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        EXCLUSION_NOT_FOUND
    }

    fn check(&self, address: &str, config: &Value) -> Result<(), ProviderError> {
        let (vpc, subnet) = (config.get("vpc_id"), config.get("subnet_id"));
        if vpc.is_null() == subnet.is_null() {
            return Err(ProviderError::new(format!(
                "{address}: exactly one of \"vpc_id\" and \"subnet_id\" must be set"
            ))
            .at_attribute("vpc_id")
            .with_hint("an exclusion applies to one VPC or one subnet"));
        }
        Ok(())
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let mode = p.get_str("internet_gateway_exclusion_mode").unwrap_or_default();
        let call = api
            .ec2
            .create_vpc_block_public_access_exclusion()
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode))
            .set_vpc_id(crate::values::get_string(p, "vpc_id"))
            .set_subnet_id(crate::values::get_string(p, "subnet_id"))
            .set_tag_specifications(tag_spec(Ec2Type::VpcBlockPublicAccessExclusion, &req.tags).map(|t| vec![t]));
        let op = "CreateVpcBlockPublicAccessExclusion";
        let created =
            api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p)).await?;
        created
            .id(|out| out.vpc_block_public_access_exclusion().and_then(|e| e.exclusion_id()))
            .ok_or_else(|| missing_id(api, op))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        wait_exclusion(api, id, Some("create-complete"), timeout).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(e) = describe_exclusion(api, id).await? else { return Ok(None) };
        s.set(
            "internet_gateway_exclusion_mode",
            crate::values::opt_str(e.internet_gateway_exclusion_mode().map(|m| m.as_str())),
        );
        s.set("resource_arn", crate::values::opt_str(e.resource_arn()));
        // The ARN names what is excluded: `…:vpc/vpc-…` or `…:subnet/subnet-…`.
        let target = e.resource_arn().and_then(|a| a.rsplit_once(':')).map(|(_, r)| r).and_then(|r| r.split_once('/'));
        match target {
            Some(("vpc", vpc)) => s.set("vpc_id", Value::from(vpc)),
            Some(("subnet", subnet)) => s.set("subnet_id", Value::from(subnet)),
            _ => {}
        }
        Ok(Some(tags_map(e.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let mode = planned.get_str("internet_gateway_exclusion_mode").unwrap_or_default();
        if prior.get_str("internet_gateway_exclusion_mode") == Some(mode) {
            return Ok(());
        }
        let req = api
            .ec2
            .modify_vpc_block_public_access_exclusion()
            .exclusion_id(id)
            .internet_gateway_exclusion_mode(InternetGatewayExclusionMode::from(mode));
        api.call("ModifyVpcBlockPublicAccessExclusion", || req.clone().send()).await?;
        let timeout = crate::waiter::timeout_of(planned, "update", WAIT).unwrap_or(WAIT);
        wait_exclusion(api, id, Some("update-complete"), timeout).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.delete_vpc_block_public_access_exclusion().exclusion_id(id);
        api.call("DeleteVpcBlockPublicAccessExclusion", || req.clone().send()).await?;
        wait_exclusion(api, id, None, timeout).await
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api
            .ec2
            .describe_vpc_block_public_access_exclusions()
            .filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeVpcBlockPublicAccessExclusions", || req.clone().send()).await?;
        Ok(out
            .vpc_block_public_access_exclusions()
            .iter()
            .filter(|e| !exclusion_gone(e))
            .filter(|e| crate::intent::carries(e.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|e| e.exclusion_id().map(str::to_string)))
    }
}
