//! `aws_default_vpc`: adopts the region's default VPC (made with CreateDefaultVpc when there is
//! none, as in Terraform). Destroying it forgets it unless `force_destroy` is set. ID and import
//! ID: `vpc-…`.

use super::ec2::{filter, set_tags, tags_map};
use super::vpc::{fill_defaults, set_dns_attributes, vpc_attribute};
use super::vpc_ipv6::{ipv6_schema, metrics_enabled, plan_ipv6, read_ipv6, set_metrics, update_ipv6, wants_ipv6};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options, Tagging};
use crate::values::{blank_state, opt_str};
use aws_sdk_ec2::types::VpcAttributeName;
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value, INTENT_TAG};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct DefaultVpc;

async fn default_vpc(api: &Api<'_>) -> Result<Option<String>, AwsError> {
    let req = api.ec2.describe_vpcs().filters(filter("is-default", ["true"]));
    let out = api.call("DescribeVpcs", || req.clone().send()).await?;
    Ok(out.vpcs().first().and_then(|v| v.vpc_id()).map(str::to_string))
}

#[async_trait]
impl AwsResource for DefaultVpc {
    fn type_name(&self) -> &'static str {
        "aws_default_vpc"
    }

    fn schema(&self) -> Schema {
        let computed = Attribute::computed;
        ipv6_schema(Schema::new())
            .attr("arn", computed(Type::String))
            .attr("cidr_block", computed(Type::String))
            .attr("instance_tenancy", computed(Type::String))
            .attr("enable_dns_support", Attribute::optional(Type::Bool).default(true))
            .attr("enable_dns_hostnames", Attribute::optional(Type::Bool).default(true))
            .attr("force_destroy", Attribute::optional(Type::Bool).default(false))
            .attr("existing_default_vpc", computed(Type::Bool))
            .attr("main_route_table_id", computed(Type::String))
            .attr("default_route_table_id", computed(Type::String))
            .attr("default_security_group_id", computed(Type::String))
            .attr("default_network_acl_id", computed(Type::String))
            .attr("dhcp_options_id", computed(Type::String))
            .attr("owner_id", computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["InvalidVpcID.NotFound"]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let (id, existed) = match default_vpc(api).await? {
            Some(id) => (id, true),
            None => {
                let out = api.call("CreateDefaultVpc", || api.ec2.create_default_vpc().send()).await?;
                let id = out.vpc().and_then(|v| v.vpc_id()).unwrap_or_default().to_string();
                (id, false)
            }
        };
        let mut tags = req.tags.clone();
        // Adoption is found again as the default VPC: no intent tag on it.
        tags.remove(INTENT_TAG);
        set_tags(api, &id, &[], &tags).await?;
        if !existed {
            api.ctx.progress("no default VPC: made one with CreateDefaultVpc");
        }
        Ok(id)
    }

    /// DNS, metrics and IPv6 settings from what the VPC has now (repeatable).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let mut current = blank_state(
            &self.schema(),
            [
                ("enable_dns_support", Value::from(vpc_attribute(api, id, VpcAttributeName::EnableDnsSupport).await?)),
                (
                    "enable_dns_hostnames",
                    Value::from(vpc_attribute(api, id, VpcAttributeName::EnableDnsHostnames).await?),
                ),
            ],
        );
        set_dns_attributes(api, id, &current, planned).await?;
        set_metrics(api, id, Some(metrics_enabled(api, id).await?), planned).await?;
        // Adoption adds an IPv6 block when asked; it never removes one the VPC has.
        if !wants_ipv6(planned) {
            return Ok(());
        }
        if let Some(vpc) = super::described::vpc(api, id).await? {
            read_ipv6(&vpc, &mut current);
        }
        update_ipv6(api, id, &current, planned).await
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        plan_ipv6(planned, &Value::Null, prior);
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(vpc) = super::described::vpc(api, id).await? else { return Ok(None) };
        let owner = vpc.owner_id().unwrap_or_default();
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:vpc/{id}", api.partition(), api.region)));
        s.set("cidr_block", opt_str(vpc.cidr_block()));
        s.set("instance_tenancy", opt_str(vpc.instance_tenancy().map(|t| t.as_str())));
        s.set("dhcp_options_id", opt_str(vpc.dhcp_options_id()));
        s.set("owner_id", opt_str(vpc.owner_id()));
        s.set("enable_dns_support", Value::from(vpc_attribute(api, id, VpcAttributeName::EnableDnsSupport).await?));
        s.set("enable_dns_hostnames", Value::from(vpc_attribute(api, id, VpcAttributeName::EnableDnsHostnames).await?));
        s.set("enable_network_address_usage_metrics", Value::from(metrics_enabled(api, id).await?));
        read_ipv6(&vpc, s);
        if s.get("existing_default_vpc").is_null() {
            s.set("existing_default_vpc", Value::from(vpc.is_default().unwrap_or(false)));
        }
        if s.get_str("default_security_group_id").is_none() {
            fill_defaults(api, id, s).await?;
        }
        Ok(Some(tags_map(vpc.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        set_dns_attributes(api, id, prior, planned).await?;
        set_metrics(api, id, prior.get("enable_network_address_usage_metrics").as_bool(), planned).await?;
        update_ipv6(api, id, prior, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if state.get("force_destroy").as_bool() == Some(true) {
            api.call_settling("DeleteVpc", &["DependencyViolation"], || api.ec2.delete_vpc().vpc_id(id).send()).await?;
        }
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        default_vpc(api).await
    }
}
