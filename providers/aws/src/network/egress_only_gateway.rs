//! `aws_egress_only_internet_gateway`: IPv6 outbound-only gateway of a VPC.

use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use aws_sdk_ec2::types::ResourceType as Ec2Type;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct EgressOnlyGateway;

#[async_trait]
impl AwsResource for EgressOnlyGateway {
    fn type_name(&self) -> &'static str {
        "aws_egress_only_internet_gateway"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("vpc_id", Attribute::required(Type::String).force_new())
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidEgressOnlyInternetGatewayId.NotFound", "InvalidGatewayID.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let call = api
            .ec2
            .create_egress_only_internet_gateway()
            .vpc_id(req.planned.get_str("vpc_id").unwrap_or_default())
            .client_token(req.token)
            .set_tag_specifications(tag_spec(Ec2Type::EgressOnlyInternetGateway, &req.tags).map(|t| vec![t]));
        let op = "CreateEgressOnlyInternetGateway";
        let created =
            api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, req.planned));
        created
            .await?
            .id(|out| out.egress_only_internet_gateway().and_then(|g| g.egress_only_internet_gateway_id()))
            .ok_or_else(|| missing_id(api, op))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let req = api.ec2.describe_egress_only_internet_gateways().egress_only_internet_gateway_ids(id);
        let out = api.call("DescribeEgressOnlyInternetGateways", || req.clone().send()).await?;
        let Some(gw) =
            out.egress_only_internet_gateways().iter().find(|g| g.egress_only_internet_gateway_id() == Some(id))
        else {
            return Ok(None);
        };
        // Detached (deleted) gateways linger without an attachment.
        let Some(vpc) = gw.attachments().first().and_then(|a| a.vpc_id()) else { return Ok(None) };
        s.set("vpc_id", Value::from(vpc));
        Ok(Some(tags_map(gw.tags())))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.delete_egress_only_internet_gateway().egress_only_internet_gateway_id(id);
        api.call("DeleteEgressOnlyInternetGateway", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req =
            api.ec2.describe_egress_only_internet_gateways().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeEgressOnlyInternetGateways", || req.clone().send()).await?;
        Ok(out
            .egress_only_internet_gateways()
            .iter()
            .filter(|g| crate::intent::carries(g.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|g| g.egress_only_internet_gateway_id().map(str::to_string)))
    }
}
