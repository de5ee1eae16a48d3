//! `aws_vpc_ipv4_cidr_block_association`: a secondary IPv4 CIDR of a VPC. ID and import ID:
//! the association ID (`vpc-cidr-assoc-…`).

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options};
use crate::waiter::Poll;
use aws_sdk_ec2::types::{VpcCidrBlockAssociation, VpcCidrBlockStateCode as Code};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct CidrAssociation;

/// The association and its VPC, found among the associations of every VPC.
async fn describe(api: &Api<'_>, id: &str) -> Result<Option<(String, VpcCidrBlockAssociation)>, AwsError> {
    let req = api.ec2.describe_vpcs().filters(super::ec2::filter("cidr-block-association.association-id", [id]));
    let out = api.call("DescribeVpcs", || req.clone().send()).await?;
    Ok(out.vpcs().iter().find_map(|v| {
        let assoc = v.cidr_block_association_set().iter().find(|a| a.association_id() == Some(id))?;
        Some((v.vpc_id()?.to_string(), assoc.clone()))
    }))
}

fn code(a: &VpcCidrBlockAssociation) -> Option<&Code> {
    a.cidr_block_state().and_then(|s| s.state())
}

#[async_trait]
impl AwsResource for CidrAssociation {
    fn type_name(&self) -> &'static str {
        "aws_vpc_ipv4_cidr_block_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            // Unset: the IPAM pool picks a block of `ipv4_netmask_length`.
            .attr("cidr_block", Attribute::optional_computed(Type::String).force_new())
            .attr("ipv4_ipam_pool_id", Attribute::optional(Type::String).force_new())
            .attr("ipv4_netmask_length", Attribute::optional(Type::Number).force_new())
    }

    fn options(&self) -> Options {
        Options { timeouts: &["create", "delete"], default_timeout: Duration::from_secs(600), ..Options::default() }
    }

    fn check(&self, address: &str, config: &Value) -> Result<(), meshplan_provider::ProviderError> {
        if config.get("cidr_block").is_null() && config.get("ipv4_ipam_pool_id").is_null() {
            return Err(meshplan_provider::ProviderError::new(format!(
                "{address}: one of \"cidr_block\" and \"ipv4_ipam_pool_id\" must be set"
            ))
            .at_attribute("cidr_block")
            .with_hint("name the block, or an IPAM pool (with ipv4_netmask_length) to take one from"));
        }
        Ok(())
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidVpcCidrBlockAssociationID.NotFound", "InvalidVpcID.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let call = api
            .ec2
            .associate_vpc_cidr_block()
            .vpc_id(req.planned.get_str("vpc_id").unwrap_or_default())
            .set_cidr_block(crate::values::get_string(req.planned, "cidr_block"))
            .set_ipv4_ipam_pool_id(crate::values::get_string(req.planned, "ipv4_ipam_pool_id"))
            .set_ipv4_netmask_length(crate::values::get_i32(req.planned, "ipv4_netmask_length"));
        let op = "AssociateVpcCidrBlock";
        let created = api.create(
            op,
            crate::api::CreateCall::default(),
            || call.clone().send(),
            || self.locate(api, req.token, req.planned),
        );
        created
            .await?
            .id(|out| out.cidr_block_association().and_then(|a| a.association_id()))
            .ok_or_else(|| missing_id(api, op))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        api.wait_for("the CIDR block to be associated", timeout, || async {
            Ok(match describe(api, id).await?.as_ref().map(|(_, a)| code(a)) {
                Some(Some(Code::Associated)) => Poll::Ready(()),
                Some(Some(Code::Failed | Code::Failing)) => Poll::Failed { status: "failed".into(), reason: None },
                None => Poll::Pending("not visible yet".into()),
                Some(other) => Poll::Pending(other.map(|c| c.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((vpc, a)) = describe(api, id).await? else { return Ok(None) };
        if matches!(code(&a), Some(Code::Disassociated | Code::Disassociating | Code::Failed)) {
            return Ok(None);
        }
        s.set("vpc_id", Value::from(vpc));
        s.set("cidr_block", Value::from(a.cidr_block().unwrap_or_default()));
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.disassociate_vpc_cidr_block().association_id(id);
        api.call_settling("DisassociateVpcCidrBlock", &["DependencyViolation"], || req.clone().send()).await?;
        api.wait_for("the CIDR block to be disassociated", timeout, || async {
            Ok(match describe(api, id).await? {
                None => Poll::Ready(()),
                Some((_, a)) if matches!(code(&a), Some(Code::Disassociated)) => Poll::Ready(()),
                Some((_, a)) => Poll::Pending(code(&a).map(|c| c.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await
    }

    /// Untaggable: the VPC's live association of the planned CIDR is ours. (A block the IPAM
    /// pool picks is not known before the answer, so such a create cannot be found.)
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(vpc), Some(cidr)) = (planned.get_str("vpc_id"), planned.get_str("cidr_block")) else {
            return Ok(None);
        };
        let Some(v) = super::described::vpc(api, vpc).await? else { return Ok(None) };
        Ok(v.cidr_block_association_set()
            .iter()
            .filter(|a| a.cidr_block() == Some(cidr) && matches!(code(a), Some(Code::Associated | Code::Associating)))
            .find_map(|a| a.association_id().map(str::to_string)))
    }
}
