//! `aws_vpcs`, `aws_security_group`, `aws_security_groups`: EC2 lookups by filter and tags.

use super::network::{filter_block, filters};
use crate::api::Api;
use crate::error::AwsError;
use crate::values::{list_value, map_value};
use aws_sdk_ec2::types::{Filter, SecurityGroup};
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct Vpcs;
pub struct SecurityGroupData;
pub struct SecurityGroups;

/// `filter` blocks and a lookup `tags` map; `ids` (and more) computed.
fn list_schema() -> Schema {
    Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
        .attr("ids", Attribute::computed(Type::list(Type::String)))
        .block("filter", filter_block())
}

fn some(fs: Vec<Filter>) -> Option<Vec<Filter>> {
    (!fs.is_empty()).then_some(fs)
}

async fn groups(api: &Api<'_>, ids: Option<Vec<String>>, fs: Vec<Filter>) -> Result<Vec<SecurityGroup>, AwsError> {
    let (mut all, mut token) = (Vec::new(), None::<String>);
    loop {
        let req = api
            .ec2
            .describe_security_groups()
            .set_group_ids(ids.clone())
            .set_filters(some(fs.clone()))
            .set_next_token(token.clone());
        let out = api.call("DescribeSecurityGroups", || req.clone().send()).await?;
        all.extend(out.security_groups().iter().cloned());
        match out.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(all),
        }
    }
}

fn group_arn(api: &Api<'_>, g: &SecurityGroup) -> String {
    let (owner, id) = (g.owner_id().unwrap_or_default(), g.group_id().unwrap_or_default());
    format!("arn:{}:ec2:{}:{owner}:security-group/{id}", api.partition(), api.region)
}

#[async_trait]
impl DataSource for Vpcs {
    fn type_name(&self) -> &'static str {
        "aws_vpcs"
    }
    fn schema(&self) -> Schema {
        list_schema()
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let req = api.ec2.describe_vpcs().set_filters(some(filters(config)));
        let out = api.call("DescribeVpcs", || req.clone().send()).await?;
        let mut ids: Vec<&str> = out.vpcs().iter().filter_map(|v| v.vpc_id()).collect();
        ids.sort();
        let mut s = config.clone();
        s.set("id", Value::from(api.region.as_str()));
        s.set("ids", list_value(ids));
        if s.get("tags").is_null() {
            s.set("tags", Value::empty_object());
        }
        Ok(s)
    }
}

#[async_trait]
impl DataSource for SecurityGroups {
    fn type_name(&self) -> &'static str {
        "aws_security_groups"
    }
    fn schema(&self) -> Schema {
        list_schema()
            .attr("arns", Attribute::computed(Type::list(Type::String)))
            .attr("vpc_ids", Attribute::computed(Type::list(Type::String)))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let mut found = groups(&api, None, filters(config)).await?;
        found.sort_by(|a, b| a.group_id().cmp(&b.group_id()));
        let mut s = config.clone();
        s.set("id", Value::from(api.region.as_str()));
        s.set("ids", list_value(found.iter().filter_map(|g| g.group_id())));
        s.set("arns", list_value(found.iter().map(|g| group_arn(&api, g))));
        s.set("vpc_ids", list_value(found.iter().filter_map(|g| g.vpc_id())));
        if s.get("tags").is_null() {
            s.set("tags", Value::empty_object());
        }
        Ok(s)
    }
}

#[async_trait]
impl DataSource for SecurityGroupData {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("vpc_id", Attribute::optional_computed(Type::String))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
            .attr("arn", Attribute::computed(Type::String))
            .attr("description", Attribute::computed(Type::String))
            .block("filter", filter_block())
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let mut fs = filters(config);
        for (attr, name) in [("name", "group-name"), ("vpc_id", "vpc-id")] {
            if let Some(v) = config.get_str(attr) {
                fs.push(Filter::builder().name(name).values(v).build());
            }
        }
        let found = groups(&api, config.get_str("id").map(|id| vec![id.to_string()]), fs).await?;
        let [g] = found.as_slice() else {
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!("the search matched {} security groups; it must match exactly one", found.len()),
                attribute: None,
            }
            .into());
        };
        let mut s = config.clone();
        s.set("id", Value::from(g.group_id().unwrap_or_default()));
        s.set("name", Value::from(g.group_name().unwrap_or_default()));
        s.set("vpc_id", Value::from(g.vpc_id().unwrap_or_default()));
        s.set("description", Value::from(g.description().unwrap_or_default()));
        s.set("arn", Value::from(group_arn(&api, g)));
        s.set("tags", map_value(crate::network::user_tags(g.tags())));
        Ok(s)
    }
}
