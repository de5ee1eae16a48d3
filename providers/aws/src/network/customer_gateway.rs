//! `aws_customer_gateway`: the on-premises side of a site-to-site VPN. Every argument is
//! force-new, as in Terraform; a deleted gateway stays visible as `deleted` for a while.

use super::ec2::{filter, tag_spec, tags_map};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_string, opt_str};
use aws_sdk_ec2::types::{CustomerGateway as Cgw, GatewayType, ResourceType as Ec2Type};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct CustomerGateway;

fn live(g: &Cgw) -> bool {
    !matches!(g.state(), Some("deleted" | "deleting"))
}

async fn describe(api: &Api<'_>, id: &str) -> Result<Option<Cgw>, AwsError> {
    let req = api.ec2.describe_customer_gateways().customer_gateway_ids(id);
    let out = api.call("DescribeCustomerGateways", || req.clone().send()).await?;
    Ok(out.customer_gateways().iter().find(|g| g.customer_gateway_id() == Some(id) && live(g)).cloned())
}

#[async_trait]
impl AwsResource for CustomerGateway {
    fn type_name(&self) -> &'static str {
        "aws_customer_gateway"
    }

    fn schema(&self) -> Schema {
        let arg = || Attribute::optional(Type::String).force_new();
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("bgp_asn", arg())
            .attr("bgp_asn_extended", arg())
            .attr("certificate_arn", arg())
            .attr("device_name", arg())
            .attr("ip_address", arg())
            .attr("type", Attribute::required(Type::String).force_new())
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidCustomerGatewayID.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let asn = |key: &str| p.get_str(key).map(|a| a.parse::<i64>().map_err(|_| api.invalid(key, "not a number")));
        let bgp_asn = asn("bgp_asn").transpose()?.map(i32::try_from).transpose();
        let bgp_asn = bgp_asn.map_err(|_| api.invalid("bgp_asn", "above 2147483647: use bgp_asn_extended"))?;
        let call = api
            .ec2
            .create_customer_gateway()
            .r#type(GatewayType::from(p.get_str("type").unwrap_or("ipsec.1")))
            .set_bgp_asn(bgp_asn)
            .set_bgp_asn_extended(asn("bgp_asn_extended").transpose()?)
            .set_certificate_arn(get_string(p, "certificate_arn"))
            .set_device_name(get_string(p, "device_name"))
            .set_ip_address(get_string(p, "ip_address"))
            .set_tag_specifications(tag_spec(Ec2Type::CustomerGateway, &req.tags).map(|t| vec![t]));
        let op = "CreateCustomerGateway";
        let created = api.create(op, CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p));
        created
            .await?
            .id(|out| out.customer_gateway().and_then(|g| g.customer_gateway_id()))
            .ok_or_else(|| missing_id(api, op))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(None) };
        let account = api.account_id().await?;
        s.set(
            "arn",
            Value::from(format!("arn:{}:ec2:{}:{account}:customer-gateway/{id}", api.partition(), api.region)),
        );
        // AWS reports the extended ASN in bgp_asn too; each keeps the form it was given in.
        let extended = s.get_str("bgp_asn_extended").is_some();
        s.set("bgp_asn", if extended { Value::Null } else { opt_str(g.bgp_asn()) });
        s.set("bgp_asn_extended", if extended { opt_str(g.bgp_asn_extended().or(g.bgp_asn())) } else { Value::Null });
        s.set("certificate_arn", opt_str(g.certificate_arn()));
        // Fixed at create; an answer without it (moto's) keeps what was configured.
        if let Some(name) = g.device_name() {
            s.set("device_name", Value::from(name));
        }
        s.set("ip_address", opt_str(g.ip_address()));
        s.set("type", opt_str(g.r#type()));
        Ok(Some(tags_map(g.tags())))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.delete_customer_gateway().customer_gateway_id(id);
        api.call("DeleteCustomerGateway", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        let req = api.ec2.describe_customer_gateways().filters(filter(&format!("tag:{INTENT_TAG}"), [token]));
        let out = api.call("DescribeCustomerGateways", || req.clone().send()).await?;
        Ok(out
            .customer_gateways()
            .iter()
            .filter(|g| live(g))
            .filter(|g| crate::intent::carries(g.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .find_map(|g| g.customer_gateway_id().map(str::to_string)))
    }
}
