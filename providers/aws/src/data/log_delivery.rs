//! `aws_cloudfront_log_delivery_canonical_user_id`: the canonical user ID of the
//! `awslogsdelivery` account that writes CloudFront access logs to S3. No API call: AWS
//! publishes one ID for the China partition and one for every other region, and the
//! Terraform provider answers from the same two constants.

use crate::clients::{partition_of, AwsClients};
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct LogDeliveryCanonicalUserId;

const DEFAULT_ID: &str = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0";
const CHINA_ID: &str = "a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56";

/// The ID for `region`.
pub fn canonical_id(region: &str) -> &'static str {
    if partition_of(region) == "aws-cn" {
        CHINA_ID
    } else {
        DEFAULT_ID
    }
}

#[async_trait]
impl DataSource for LogDeliveryCanonicalUserId {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_log_delivery_canonical_user_id"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("region", Attribute::optional(Type::String))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let region = match config.get_str("region") {
            Some(r) => r.to_string(),
            None => ctx.client::<AwsClients>()?.region.clone(),
        };
        Ok(Value::object([("id", Value::from(canonical_id(&region))), ("region", config.get("region").clone())]))
    }
}

#[cfg(test)]
mod tests {
    use super::canonical_id;

    #[test]
    fn china_has_its_own_id() {
        assert_eq!(canonical_id("us-east-1"), super::DEFAULT_ID);
        assert_eq!(canonical_id("us-gov-west-1"), super::DEFAULT_ID);
        assert_eq!(canonical_id("cn-north-1"), super::CHINA_ID);
        assert_ne!(super::DEFAULT_ID, super::CHINA_ID);
    }
}
