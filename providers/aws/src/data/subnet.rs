//! `aws_subnet`: one subnet by ID, attributes or filters.

use super::network::{filter_block, filters};
use crate::api::Api;
use crate::error::AwsError;
use crate::values::{map_value, opt_str};
use aws_sdk_ec2::types::Filter;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct SubnetData;

/// Lookup arguments and their EC2 filter names.
const LOOKUPS: &[(&str, &str)] = &[
    ("availability_zone", "availability-zone"),
    ("availability_zone_id", "availability-zone-id"),
    ("cidr_block", "cidr-block"),
    ("ipv6_cidr_block", "ipv6-cidr-block-association.ipv6-cidr-block"),
    ("state", "state"),
    ("vpc_id", "vpc-id"),
];

#[async_trait]
impl DataSource for SubnetData {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }
    fn schema(&self) -> Schema {
        let mut schema = Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("default_for_az", Attribute::optional_computed(Type::Bool))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
            .block("filter", filter_block());
        for (attr, _) in LOOKUPS {
            schema = schema.attr(attr, Attribute::optional_computed(Type::String));
        }
        for (attr, ty) in [
            ("arn", Type::String),
            ("assign_ipv6_address_on_creation", Type::Bool),
            ("available_ip_address_count", Type::Number),
            ("customer_owned_ipv4_pool", Type::String),
            ("enable_dns64", Type::Bool),
            ("enable_lni_at_device_index", Type::Number),
            ("enable_resource_name_dns_a_record_on_launch", Type::Bool),
            ("enable_resource_name_dns_aaaa_record_on_launch", Type::Bool),
            ("ipv6_cidr_block_association_id", Type::String),
            ("ipv6_native", Type::Bool),
            ("map_customer_owned_ip_on_launch", Type::Bool),
            ("map_public_ip_on_launch", Type::Bool),
            ("outpost_arn", Type::String),
            ("owner_id", Type::String),
            ("private_dns_hostname_type_on_launch", Type::String),
        ] {
            schema = schema.attr(attr, Attribute::computed(ty));
        }
        schema
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let mut fs = filters(config);
        for (attr, name) in LOOKUPS {
            if let Some(v) = config.get_str(attr) {
                fs.push(Filter::builder().name(*name).values(v).build());
            }
        }
        if let Some(d) = config.get("default_for_az").as_bool() {
            fs.push(Filter::builder().name("default-for-az").values(d.to_string()).build());
        }
        let req = api
            .ec2
            .describe_subnets()
            .set_subnet_ids(config.get_str("id").map(|id| vec![id.to_string()]))
            .set_filters((!fs.is_empty()).then_some(fs));
        let out = api.call("DescribeSubnets", || req.clone().send()).await?;
        let [sn] = out.subnets() else {
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!("the search matched {} subnets; it must match exactly one", out.subnets().len()),
                attribute: None,
            }
            .into());
        };
        let ipv6 = sn.ipv6_cidr_block_association_set().first();
        let dns = sn.private_dns_name_options_on_launch();
        let mut s = config.clone();
        let b = |v: Option<bool>| Value::from(v.unwrap_or(false));
        s.set("id", opt_str(sn.subnet_id()));
        s.set("arn", opt_str(sn.subnet_arn()));
        s.set("availability_zone", opt_str(sn.availability_zone()));
        s.set("availability_zone_id", opt_str(sn.availability_zone_id()));
        s.set("cidr_block", opt_str(sn.cidr_block()));
        s.set("vpc_id", opt_str(sn.vpc_id()));
        s.set("state", opt_str(sn.state().map(|x| x.as_str())));
        s.set("owner_id", opt_str(sn.owner_id()));
        s.set("default_for_az", b(sn.default_for_az()));
        s.set("map_public_ip_on_launch", b(sn.map_public_ip_on_launch()));
        s.set("assign_ipv6_address_on_creation", b(sn.assign_ipv6_address_on_creation()));
        s.set("map_customer_owned_ip_on_launch", b(sn.map_customer_owned_ip_on_launch()));
        s.set("customer_owned_ipv4_pool", Value::from(sn.customer_owned_ipv4_pool().unwrap_or_default()));
        s.set("outpost_arn", Value::from(sn.outpost_arn().unwrap_or_default()));
        s.set("enable_dns64", b(sn.enable_dns64()));
        s.set("ipv6_native", b(sn.ipv6_native()));
        s.set("enable_lni_at_device_index", Value::from(i64::from(sn.enable_lni_at_device_index().unwrap_or(0))));
        s.set("available_ip_address_count", Value::from(i64::from(sn.available_ip_address_count().unwrap_or(0))));
        s.set("ipv6_cidr_block", Value::from(ipv6.and_then(|a| a.ipv6_cidr_block()).unwrap_or_default()));
        s.set("ipv6_cidr_block_association_id", Value::from(ipv6.and_then(|a| a.association_id()).unwrap_or_default()));
        s.set(
            "enable_resource_name_dns_a_record_on_launch",
            b(dns.and_then(|d| d.enable_resource_name_dns_a_record())),
        );
        s.set(
            "enable_resource_name_dns_aaaa_record_on_launch",
            b(dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())),
        );
        let host_type = dns.and_then(|d| d.hostname_type()).map(|h| h.as_str()).unwrap_or("ip-name");
        s.set("private_dns_hostname_type_on_launch", Value::from(host_type));
        s.set("tags", map_value(crate::network::user_tags(sn.tags())));
        Ok(s)
    }
}
