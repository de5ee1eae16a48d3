//! `aws_prefix_list`: an AWS-managed prefix list (a service's, e.g. S3's) by `prefix_list_id`,
//! `name` or filters; exactly one must match, as in Terraform.

use super::network::{filter_block, filters};
use crate::api::Api;
use crate::error::AwsError;
use crate::values::{list_value, opt_str};
use aws_sdk_ec2::types::Filter;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct PrefixListData;

#[async_trait]
impl DataSource for PrefixListData {
    fn type_name(&self) -> &'static str {
        "aws_prefix_list"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("prefix_list_id", Attribute::optional(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("cidr_blocks", Attribute::computed(Type::list(Type::String)))
            .block("filter", filter_block())
            .block("timeouts", Block::single(Schema::new().attr("read", Attribute::optional(Type::String))))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let mut fs = filters(config);
        if let Some(name) = config.get_str("name") {
            fs.push(Filter::builder().name("prefix-list-name").values(name).build());
        }
        let id = config.get_str("prefix_list_id").map(|i| vec![i.to_string()]);
        let req = api.ec2.describe_prefix_lists().set_prefix_list_ids(id).set_filters((!fs.is_empty()).then_some(fs));
        let out = api.call("DescribePrefixLists", || req.clone().send()).await?;
        let [pl] = out.prefix_lists() else {
            let what = if out.prefix_lists().is_empty() { "no prefix list" } else { "several prefix lists" };
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message: format!("{what} matched; name one with prefix_list_id, name or filter"),
                attribute: None,
            }
            .into());
        };
        let mut s = config.clone();
        s.set("id", opt_str(pl.prefix_list_id()));
        s.set("name", opt_str(pl.prefix_list_name()));
        s.set("cidr_blocks", list_value(pl.cidrs()));
        Ok(s)
    }
}
