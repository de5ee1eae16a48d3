//! `aws_cloudfront_log_delivery_canonical_user_id`: the canonical user ID of CloudFront's log
//! delivery account (`awslogsdelivery`), to grant in a log bucket's ACL. AWS documents one ID
//! for the China regions and one for every other; no AWS call.

use crate::api::Api;
use crate::clients::partition_of;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct LogDeliveryCanonicalUserId;

const CHINA: &str = "a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56";
const DEFAULT: &str = "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0";

#[async_trait]
impl DataSource for LogDeliveryCanonicalUserId {
    fn type_name(&self) -> &'static str {
        "aws_cloudfront_log_delivery_canonical_user_id"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("id", Attribute::computed(Type::String)).attr("region", Attribute::optional(Type::String))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let region = config.get_str("region").unwrap_or(&api.region);
        let id = if partition_of(region) == "aws-cn" { CHINA } else { DEFAULT };
        let mut out = config.clone();
        out.set("id", Value::from(id));
        Ok(out)
    }
}
