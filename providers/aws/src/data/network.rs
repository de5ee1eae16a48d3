//! `aws_availability_zones`, `aws_vpc`, `aws_subnets`.

use crate::api::Api;
use crate::error::AwsError;
use crate::network::{main_route_table_id, vpc_attribute};
use crate::values::{list_value, map_value, opt_str, string_list, string_map};
use aws_sdk_ec2::types::{Filter, VpcAttributeName};
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct AvailabilityZones;
pub struct VpcData;
pub struct Subnets;

fn association_type() -> Type {
    Type::Object(["association_id", "cidr_block", "state"].into_iter().map(|k| (k.to_string(), Type::String)).collect())
}

pub(super) fn filter_block() -> Block {
    Block::set(
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("values", Attribute::required(Type::set(Type::String))),
    )
}

/// `filter { name, values }` blocks plus `tags` as EC2 filters.
pub(super) fn filters(config: &Value) -> Vec<Filter> {
    let mut out: Vec<Filter> = config
        .get("filter")
        .as_list()
        .into_iter()
        .flatten()
        .map(|f| {
            Filter::builder()
                .set_name(f.get_str("name").map(str::to_string))
                .set_values(Some(string_list(f.get("values"))))
                .build()
        })
        .collect();
    for (k, v) in string_map(config.get("tags")) {
        out.push(Filter::builder().name(format!("tag:{k}")).values(v).build());
    }
    out
}

#[async_trait]
impl DataSource for AvailabilityZones {
    fn type_name(&self) -> &'static str {
        "aws_availability_zones"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("state", Attribute::optional(Type::String))
            .attr("all_availability_zones", Attribute::optional(Type::Bool))
            .attr("exclude_names", Attribute::optional(Type::set(Type::String)))
            .attr("exclude_zone_ids", Attribute::optional(Type::set(Type::String)))
            .attr("names", Attribute::computed(Type::list(Type::String)))
            .attr("zone_ids", Attribute::computed(Type::list(Type::String)))
            .attr("group_names", Attribute::computed(Type::set(Type::String)))
            .block("filter", filter_block())
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let mut fs = filters(config);
        if let Some(state) = config.get_str("state") {
            fs.push(Filter::builder().name("state").values(state).build());
        }
        let req = api
            .ec2
            .describe_availability_zones()
            .set_filters((!fs.is_empty()).then_some(fs))
            .set_all_availability_zones(config.get("all_availability_zones").as_bool());
        let out = api.call("DescribeAvailabilityZones", || req.clone().send()).await?;
        let (names, ids) = (string_list(config.get("exclude_names")), string_list(config.get("exclude_zone_ids")));
        let excluded = |list: &[String], v: Option<&str>| list.iter().any(|e| Some(e.as_str()) == v);
        let mut zones: Vec<_> = out
            .availability_zones()
            .iter()
            .filter(|z| !excluded(&names, z.zone_name()) && !excluded(&ids, z.zone_id()))
            .collect();
        zones.sort_by(|a, b| a.zone_name().cmp(&b.zone_name()));
        let mut groups: Vec<&str> = zones.iter().filter_map(|z| z.group_name()).collect();
        groups.sort();
        groups.dedup();
        let mut s = config.clone();
        s.set("id", Value::from(api.region.as_str()));
        s.set("names", list_value(zones.iter().filter_map(|z| z.zone_name())));
        s.set("zone_ids", list_value(zones.iter().filter_map(|z| z.zone_id())));
        s.set("group_names", list_value(groups));
        Ok(s)
    }
}

#[async_trait]
impl DataSource for VpcData {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("default", Attribute::optional_computed(Type::Bool))
            .attr("cidr_block", Attribute::optional_computed(Type::String))
            .attr("state", Attribute::optional_computed(Type::String))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("instance_tenancy", Attribute::computed(Type::String))
            .attr("dhcp_options_id", Attribute::computed(Type::String))
            .attr("main_route_table_id", Attribute::computed(Type::String))
            .attr("enable_dns_support", Attribute::computed(Type::Bool))
            .attr("enable_dns_hostnames", Attribute::computed(Type::Bool))
            .attr("enable_network_address_usage_metrics", Attribute::computed(Type::Bool))
            .attr("ipv6_association_id", Attribute::computed(Type::String))
            .attr("ipv6_cidr_block", Attribute::computed(Type::String))
            .attr("cidr_block_associations", Attribute::computed(Type::list(association_type())))
            .block("filter", filter_block())
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let mut fs = filters(config);
        for (attr, name) in [("cidr_block", "cidr"), ("state", "state")] {
            if let Some(v) = config.get_str(attr) {
                fs.push(Filter::builder().name(name).values(v).build());
            }
        }
        if let Some(d) = config.get("default").as_bool() {
            fs.push(Filter::builder().name("is-default").values(d.to_string()).build());
        }
        let req = api
            .ec2
            .describe_vpcs()
            .set_vpc_ids(config.get_str("id").map(|id| vec![id.to_string()]))
            .set_filters((!fs.is_empty()).then_some(fs));
        let out = api.call("DescribeVpcs", || req.clone().send()).await?;
        let vpcs = out.vpcs();
        if vpcs.len() != 1 {
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!("the search matched {} VPCs; it must match exactly one", vpcs.len()),
                attribute: None,
            }
            .into());
        }
        let v = &vpcs[0];
        let id = v.vpc_id().unwrap_or_default();
        let owner = v.owner_id().unwrap_or_default();
        let mut s = config.clone();
        s.set("id", Value::from(id));
        s.set("default", Value::from(v.is_default().unwrap_or(false)));
        s.set("cidr_block", opt_str(v.cidr_block()));
        s.set("state", opt_str(v.state().map(|x| x.as_str())));
        s.set("tags", map_value(crate::network::user_tags(v.tags())));
        s.set("arn", Value::from(format!("arn:{}:ec2:{}:{owner}:vpc/{id}", api.partition(), api.region)));
        s.set("owner_id", opt_str(v.owner_id()));
        s.set("instance_tenancy", opt_str(v.instance_tenancy().map(|x| x.as_str())));
        s.set("dhcp_options_id", opt_str(v.dhcp_options_id()));
        let associations = v.cidr_block_association_set().iter().map(|a| {
            Value::object([
                ("association_id", opt_str(a.association_id())),
                ("cidr_block", opt_str(a.cidr_block())),
                ("state", opt_str(a.cidr_block_state().and_then(|st| st.state()).map(|st| st.as_str()))),
            ])
        });
        s.set("cidr_block_associations", Value::List(associations.collect()));
        let ipv6 = v.ipv6_cidr_block_association_set().first();
        s.set("ipv6_association_id", opt_str(ipv6.and_then(|a| a.association_id())));
        s.set("ipv6_cidr_block", opt_str(ipv6.and_then(|a| a.ipv6_cidr_block())));
        s.set("main_route_table_id", opt_str(main_route_table_id(&api, id).await?.as_deref()));
        s.set("enable_dns_support", Value::from(vpc_attribute(&api, id, VpcAttributeName::EnableDnsSupport).await?));
        let metrics = vpc_attribute(&api, id, VpcAttributeName::EnableNetworkAddressUsageMetrics).await?;
        s.set("enable_network_address_usage_metrics", Value::from(metrics));
        s.set(
            "enable_dns_hostnames",
            Value::from(vpc_attribute(&api, id, VpcAttributeName::EnableDnsHostnames).await?),
        );
        Ok(s)
    }
}

#[async_trait]
impl DataSource for Subnets {
    fn type_name(&self) -> &'static str {
        "aws_subnets"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::map(Type::String)))
            .attr("ids", Attribute::computed(Type::list(Type::String)))
            .block("filter", filter_block())
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let fs = filters(config);
        let mut ids = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let req = api
                .ec2
                .describe_subnets()
                .set_filters((!fs.is_empty()).then(|| fs.clone()))
                .set_next_token(token.clone());
            let out = api.call("DescribeSubnets", || req.clone().send()).await?;
            ids.extend(out.subnets().iter().filter_map(|s| s.subnet_id()).map(str::to_string));
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        ids.sort();
        let mut s = config.clone();
        s.set("id", Value::from(api.region.as_str()));
        s.set("ids", list_value(ids));
        Ok(s)
    }
}
