//! `aws_vpn_gateway` (attached to `vpc_id` in the same resource, as in Terraform) and
//! `aws_vpn_gateway_attachment` (the attachment on its own).

use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_string, opt_str};
use crate::waiter::Poll;
use aws_sdk_ec2::types::{AttachmentStatus, GatewayType, ResourceType as Ec2Type, VpnGateway as Vgw, VpnState};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct VpnGateway;
pub struct VpnGatewayAttachment;

const NOT_FOUND: &[&str] = &["InvalidVpnGatewayID.NotFound"];

fn live(g: &Vgw) -> bool {
    !matches!(g.state(), Some(VpnState::Deleted | VpnState::Deleting))
}

async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Vgw>, AwsError> {
    let req = api.ec2.describe_vpn_gateways().vpn_gateway_ids(id);
    let out = api.call("DescribeVpnGateways", || req.clone().send()).await?;
    Ok(out.vpn_gateways().iter().find(|g| g.vpn_gateway_id() == Some(id) && live(g)).cloned())
}

/// The VPC the gateway is attached to (attaching counts: it gets there on its own).
fn attached_vpc(g: &Vgw) -> Option<&str> {
    g.vpc_attachments()
        .iter()
        .find(|a| matches!(a.state(), Some(AttachmentStatus::Attached | AttachmentStatus::Attaching)))
        .and_then(|a| a.vpc_id())
}

async fn wait_attachment(api: &Api<'_>, id: &str, vpc: &str, attached: bool) -> Result<(), AwsError> {
    let what = if attached { "VPN gateway to attach" } else { "VPN gateway to detach" };
    api.wait_for(what, Duration::from_secs(600), || async {
        let g = describe(api, id).await?;
        let state = g.as_ref().and_then(|g| g.vpc_attachments().iter().find(|a| a.vpc_id() == Some(vpc)).cloned());
        let state = state.and_then(|a| a.state().cloned());
        Ok(match (attached, state) {
            (true, Some(AttachmentStatus::Attached)) => Poll::Ready(()),
            (false, None | Some(AttachmentStatus::Detached)) => Poll::Ready(()),
            (_, s) => Poll::Pending(s.map(|s| s.as_str().to_string()).unwrap_or_else(|| "none".into())),
        })
    })
    .await
}

/// Resent after a lost answer, the attach meets an attached gateway: done when it is this VPC.
async fn attach(api: &Api<'_>, id: &str, vpc: &str) -> Result<(), AwsError> {
    if describe(api, id).await?.as_ref().and_then(attached_vpc) != Some(vpc) {
        let req = api.ec2.attach_vpn_gateway().vpn_gateway_id(id).vpc_id(vpc);
        api.call_idempotent("AttachVpnGateway", &["VpnGatewayAttachmentLimitExceeded"], || req.clone().send()).await?;
    }
    wait_attachment(api, id, vpc, true).await
}

async fn detach(api: &Api<'_>, id: &str, vpc: &str) -> Result<(), AwsError> {
    let req = api.ec2.detach_vpn_gateway().vpn_gateway_id(id).vpc_id(vpc);
    match api.call("DetachVpnGateway", || req.clone().send()).await {
        Err(e) if e.code().is_some_and(|c| c == "InvalidVpnGatewayAttachment.NotFound" || NOT_FOUND.contains(&c)) => {
            return Ok(())
        }
        other => other?,
    };
    wait_attachment(api, id, vpc, false).await
}

#[async_trait]
impl AwsResource for VpnGateway {
    fn type_name(&self) -> &'static str {
        "aws_vpn_gateway"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("amazon_side_asn", Attribute::optional_computed(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("availability_zone", Attribute::optional(Type::String).force_new())
            .attr("vpc_id", Attribute::optional_computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let asn = p.get_str("amazon_side_asn").map(|a| a.parse::<i64>());
        let asn = asn.transpose().map_err(|_| api.invalid("amazon_side_asn", "not a number"))?;
        let call = api
            .ec2
            .create_vpn_gateway()
            .r#type(GatewayType::Ipsec1)
            .set_amazon_side_asn(asn)
            .set_availability_zone(get_string(p, "availability_zone"))
            .set_tag_specifications(tag_spec(Ec2Type::VpnGateway, &req.tags).map(|t| vec![t]));
        let op = "CreateVpnGateway";
        let created = api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p));
        created.await?.id(|out| out.vpn_gateway().and_then(|g| g.vpn_gateway_id())).ok_or_else(|| missing_id(api, op))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        match planned.get_str("vpc_id") {
            Some(vpc) => attach(api, id, vpc).await,
            None => Ok(()),
        }
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(None) };
        let account = api.account_id().await?;
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{account}:vpn-gateway/{id}", api.partition(), api.region)));
        s.set("amazon_side_asn", opt_str(g.amazon_side_asn().map(|a| a.to_string()).as_deref()));
        s.set("availability_zone", opt_str(g.availability_zone()));
        s.set("vpc_id", opt_str(attached_vpc(&g)));
        Ok(Some(tags_map(g.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("vpc_id") != planned.get("vpc_id") && !planned.get("vpc_id").is_unknown() {
            if let Some(old) = prior.get_str("vpc_id") {
                detach(api, id, old).await?;
            }
            if let Some(new) = planned.get_str("vpc_id") {
                attach(api, id, new).await?;
            }
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if let Some(vpc) = describe(api, id).await?.as_ref().and_then(attached_vpc).map(str::to_string) {
            detach(api, id, &vpc).await?;
        }
        let req = api.ec2.delete_vpn_gateway().vpn_gateway_id(id);
        api.call_settling("DeleteVpnGateway", &["IncorrectState"], || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_vpn_gateways().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeVpnGateways", || req.clone().send()).await?;
        Ok(out
            .vpn_gateways()
            .iter()
            .filter(|g| live(g))
            .filter(|g| crate::intent::carries(g.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|g| g.vpn_gateway_id().map(str::to_string)))
    }
}

/// Terraform's ID: `vpn-attachment-` + the hash of `<vpc>-<gateway>` (Terraform's hashcode, CRC-32).
fn attachment_id(vpc: &str, vgw: &str) -> String {
    format!("vpn-attachment-{:x}", hashcode(&format!("{vpc}-{vgw}")))
}

/// Terraform's `create.StringHashcode`: the CRC-32 (IEEE) of the text (a 64-bit int in Go,
/// so never negative).
fn hashcode(s: &str) -> u32 {
    let mut crc = !0u32;
    for b in s.bytes() {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[async_trait]
impl AwsResource for VpnGatewayAttachment {
    fn type_name(&self) -> &'static str {
        "aws_vpn_gateway_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("vpn_gateway_id", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let (vpc, vgw) = (req.planned.get_str("vpc_id").unwrap_or_default(), req.planned.get_str("vpn_gateway_id"));
        let vgw = vgw.unwrap_or_default();
        attach(api, vgw, vpc).await?;
        Ok(attachment_id(vpc, vgw))
    }

    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (Some(vpc), Some(vgw)) = (s.get_str("vpc_id"), s.get_str("vpn_gateway_id")) else { return Ok(None) };
        let attached = describe(api, vgw).await?.as_ref().and_then(attached_vpc) == Some(vpc);
        Ok(attached.then(BTreeMap::new))
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (Some(vpc), Some(vgw)) = (state.get_str("vpc_id"), state.get_str("vpn_gateway_id")) else { return Ok(()) };
        detach(api, vgw, vpc).await
    }

    /// An attachment is found by its content: the gateway attached to the VPC.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(vpc), Some(vgw)) = (planned.get_str("vpc_id"), planned.get_str("vpn_gateway_id")) else {
            return Ok(None);
        };
        let attached = describe(api, vgw).await?.as_ref().and_then(attached_vpc) == Some(vpc);
        Ok(attached.then(|| attachment_id(vpc, vgw)))
    }

    /// Terraform cannot import it; here `<vpc_id>/<vpn_gateway_id>` can.
    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (vpc, vgw) = id.split_once('/').ok_or_else(|| format!("expected VPC/VPN_GATEWAY, got {id:?}"))?;
        Ok(vec![
            ("id", Value::from(attachment_id(vpc, vgw))),
            ("vpc_id", Value::from(vpc)),
            ("vpn_gateway_id", Value::from(vgw)),
        ])
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn attachment_ids_are_terraforms() {
        // The CRC-32 check value.
        assert_eq!(super::hashcode("123456789"), 0xCBF4_3926);
        assert_eq!(
            super::attachment_id("vpc-1", "vgw-2"),
            format!("vpn-attachment-{:x}", super::hashcode("vpc-1-vgw-2"))
        );
    }
}
