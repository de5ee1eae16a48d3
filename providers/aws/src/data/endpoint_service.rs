//! `aws_vpc_endpoint_service`: one endpoint service by `service` (short name),
//! `service_name`, `service_type`, tags or filters; exactly one must match, as in Terraform.

use super::network::{filter_block, filters};
use crate::api::Api;
use crate::error::AwsError;
use crate::values::{list_value, map_value, opt_str, string_list};
use aws_sdk_ec2::types::Filter;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct VpcEndpointService;

#[async_trait]
impl DataSource for VpcEndpointService {
    fn type_name(&self) -> &'static str {
        "aws_vpc_endpoint_service"
    }

    fn schema(&self) -> Schema {
        let c = Attribute::computed;
        let strs = || Type::set(Type::String);
        Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("service", Attribute::optional(Type::String))
            .attr("service_name", Attribute::optional_computed(Type::String))
            .attr("service_type", Attribute::optional_computed(Type::String))
            .attr("service_regions", Attribute::optional(strs()))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
            .attr("acceptance_required", c(Type::Bool))
            .attr("arn", c(Type::String))
            .attr("availability_zones", c(strs()))
            .attr("base_endpoint_dns_names", c(strs()))
            .attr("manages_vpc_endpoints", c(Type::Bool))
            .attr("owner", c(Type::String))
            .attr("private_dns_name", c(Type::String))
            .attr("private_dns_names", c(strs()))
            .attr("region", c(Type::String))
            .attr("service_id", c(Type::String))
            .attr("supported_ip_address_types", c(strs()))
            .attr("vpc_endpoint_policy_supported", c(Type::Bool))
            .block("filter", filter_block())
            .block("timeouts", Block::single(Schema::new().attr("read", Attribute::optional(Type::String))))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let invalid = |message: String| AwsError::Invalid { address: ctx.address.clone(), message, attribute: None };
        // `service = "s3"` names com.amazonaws.<region>.s3.
        let name = match (config.get_str("service_name"), config.get_str("service")) {
            (Some(n), _) => Some(n.to_string()),
            (None, Some(short)) => Some(format!("com.amazonaws.{}.{short}", api.region)),
            (None, None) => None,
        };
        let mut fs = filters(config);
        if let Some(t) = config.get_str("service_type") {
            fs.push(Filter::builder().name("service-type").values(t).build());
        }
        let regions = string_list(config.get("service_regions"));
        let req = api
            .ec2
            .describe_vpc_endpoint_services()
            .set_service_names(name.clone().map(|n| vec![n]))
            .set_service_regions((!regions.is_empty()).then_some(regions))
            .set_filters((!fs.is_empty()).then_some(fs));
        let out = api.call("DescribeVpcEndpointServices", || req.clone().send()).await?;
        let found: Vec<_> =
            out.service_details().iter().filter(|d| name.is_none() || d.service_name() == name.as_deref()).collect();
        let [d] = found.as_slice() else {
            let what = if found.is_empty() { "no VPC endpoint service" } else { "several VPC endpoint services" };
            return Err(invalid(format!("{what} matched; name one with service_name (and service_type)")).into());
        };
        let account = api.account_id().await?;
        let id = d.service_id().unwrap_or_default();
        let mut s = config.clone();
        s.set("id", Value::from(id));
        s.set("service_id", Value::from(id));
        s.set("service_name", opt_str(d.service_name()));
        s.set("service_type", opt_str(d.service_type().first().and_then(|t| t.service_type()).map(|t| t.as_str())));
        s.set(
            "arn",
            Value::from(format!("arn:{}:ec2:{}:{account}:vpc-endpoint-service/{id}", api.partition(), api.region)),
        );
        s.set("acceptance_required", Value::from(d.acceptance_required().unwrap_or(false)));
        s.set("manages_vpc_endpoints", Value::from(d.manages_vpc_endpoints().unwrap_or(false)));
        s.set("vpc_endpoint_policy_supported", Value::from(d.vpc_endpoint_policy_supported().unwrap_or(false)));
        s.set("availability_zones", list_value(d.availability_zones()));
        s.set("base_endpoint_dns_names", list_value(d.base_endpoint_dns_names()));
        s.set("owner", opt_str(d.owner()));
        s.set("private_dns_name", opt_str(d.private_dns_name()));
        s.set("private_dns_names", list_value(d.private_dns_names().iter().filter_map(|p| p.private_dns_name())));
        s.set("region", Value::from(d.service_region().unwrap_or(api.region.as_str())));
        s.set("supported_ip_address_types", list_value(d.supported_ip_address_types().iter().map(|t| t.as_str())));
        let tags = d.tags().iter().filter_map(|t| Some((t.key()?, t.value().unwrap_or_default())));
        s.set("tags", map_value(tags));
        Ok(s)
    }
}
