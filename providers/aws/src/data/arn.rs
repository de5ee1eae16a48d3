//! `aws_arn` (a pure function of its input: an ARN's parts) and `aws_canonical_user_id` (the
//! S3 canonical ID of the credentials' account, from ListBuckets' owner).

use crate::api::Api;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct Arn;
pub struct CanonicalUserId;

/// `arn:partition:service:region:account:resource` (the resource may hold further colons).
pub fn parse_arn(arn: &str) -> Result<[&str; 5], String> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(region), Some(account), Some(resource)) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(format!("{arn:?} is not an ARN: expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"));
    };
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return Err(format!("{arn:?} is not an ARN: partition, service and resource must not be empty"));
    }
    Ok([partition, service, region, account, resource])
}

#[async_trait]
impl DataSource for Arn {
    fn type_name(&self) -> &'static str {
        "aws_arn"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::required(Type::String))
            .attr("account", Attribute::computed(Type::String))
            .attr("partition", Attribute::computed(Type::String))
            .attr("region", Attribute::computed(Type::String))
            .attr("resource", Attribute::computed(Type::String))
            .attr("service", Attribute::computed(Type::String))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let arn = config.get_str("arn").unwrap_or_default();
        let [partition, service, region, account, resource] = parse_arn(arn).map_err(|m| {
            ProviderError::new(format!("{}: {m}", ctx.address))
                .at_attribute("arn")
                .with_hint("an ARN looks like arn:aws:iam::123456789012:role/name")
        })?;
        Ok(Value::object([
            ("id", Value::from(arn)),
            ("arn", Value::from(arn)),
            ("account", Value::from(account)),
            ("partition", Value::from(partition)),
            ("region", Value::from(region)),
            ("resource", Value::from(resource)),
            ("service", Value::from(service)),
        ]))
    }
}

#[async_trait]
impl DataSource for CanonicalUserId {
    fn type_name(&self) -> &'static str {
        "aws_canonical_user_id"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("display_name", Attribute::computed(Type::String))
    }
    async fn read(&self, ctx: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let out = api.call("ListBuckets", || api.s3.list_buckets().max_buckets(1).send()).await?;
        let owner = out.owner();
        Ok(Value::object([
            ("id", owner.and_then(|o| o.id()).map(Value::from).unwrap_or(Value::Null)),
            ("display_name", owner.and_then(|o| o.display_name()).map(Value::from).unwrap_or(Value::Null)),
        ]))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_arn;

    #[test]
    fn arns_split_into_their_parts() {
        assert_eq!(
            parse_arn("arn:aws:iam::123456789012:role/app").unwrap(),
            ["aws", "iam", "", "123456789012", "role/app"]
        );
        assert_eq!(
            parse_arn("arn:aws-us-gov:logs:us-gov-west-1:1:log-group:/x:*").unwrap(),
            ["aws-us-gov", "logs", "us-gov-west-1", "1", "log-group:/x:*"]
        );
        assert!(parse_arn("arn:aws:s3").is_err());
        assert!(parse_arn("not-an-arn:aws:s3:::b").is_err());
        assert!(parse_arn("arn:aws:s3:::").is_err());
    }
}
