//! `aws_caller_identity`, `aws_partition`, `aws_region`.

use crate::api::Api;
use crate::clients::{dns_suffix_of, partition_of};
use crate::values::opt_str;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct CallerIdentity;
pub struct Partition;
pub struct Region;

#[async_trait]
impl DataSource for CallerIdentity {
    fn type_name(&self) -> &'static str {
        "aws_caller_identity"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("account_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("user_id", Attribute::computed(Type::String))
    }
    async fn read(&self, ctx: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let out = api.call("GetCallerIdentity", || api.sts.get_caller_identity().send()).await?;
        Ok(Value::object([
            ("id", opt_str(out.account())),
            ("account_id", opt_str(out.account())),
            ("arn", opt_str(out.arn())),
            ("user_id", opt_str(out.user_id())),
        ]))
    }
}

#[async_trait]
impl DataSource for Partition {
    fn type_name(&self) -> &'static str {
        "aws_partition"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("partition", Attribute::computed(Type::String))
            .attr("dns_suffix", Attribute::computed(Type::String))
            .attr("reverse_dns_prefix", Attribute::computed(Type::String))
    }
    async fn read(&self, ctx: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let partition = partition_of(&api.region);
        let suffix = dns_suffix_of(partition);
        let reverse: Vec<&str> = suffix.split('.').rev().collect();
        Ok(Value::object([
            ("id", Value::from(partition)),
            ("partition", Value::from(partition)),
            ("dns_suffix", Value::from(suffix)),
            ("reverse_dns_prefix", Value::from(reverse.join("."))),
        ]))
    }
}

#[async_trait]
impl DataSource for Region {
    fn type_name(&self) -> &'static str {
        "aws_region"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("region", Attribute::optional_computed(Type::String))
            .attr("endpoint", Attribute::computed(Type::String))
            .attr("description", Attribute::computed(Type::String))
    }
    /// No API call: the region is the provider's (or the one named).
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let region = config.get_str("region").or(config.get_str("name")).unwrap_or(&api.region).to_string();
        let endpoint = format!("ec2.{region}.{}", dns_suffix_of(partition_of(&region)));
        Ok(Value::object([
            ("id", Value::from(region.as_str())),
            ("name", Value::from(region.as_str())),
            ("region", Value::from(region.as_str())),
            ("endpoint", Value::from(endpoint)),
            ("description", Value::from(region)),
        ]))
    }
}
