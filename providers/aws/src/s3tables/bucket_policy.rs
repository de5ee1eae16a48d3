//! `aws_s3tables_table_bucket_policy`: a table bucket's resource policy. ID and import ID: the
//! table bucket's ARN (`table_bucket_arn`). Putting the policy again is harmless, so `locate`
//! reports the create done when the bucket holds an equivalent policy.

use super::NOT_FOUND;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{equivalent, keep_equivalent_prior, prefer_prior};
use crate::skeleton::{AwsResource, Create};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct TableBucketPolicy;

/// The bucket's policy; `None` when the bucket or its policy is gone.
async fn remote(api: &Api<'_>, arn: &str) -> Result<Option<String>, AwsError> {
    let req = api.s3tables.get_table_bucket_policy().table_bucket_arn(arn);
    let out = api.call("GetTableBucketPolicy", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.map(|o| o.resource_policy().to_string()))
}

async fn put(api: &Api<'_>, arn: &str, policy: &str) -> Result<(), AwsError> {
    let req = api.s3tables.put_table_bucket_policy().table_bucket_arn(arn).resource_policy(policy);
    api.call("PutTableBucketPolicy", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for TableBucketPolicy {
    fn type_name(&self) -> &'static str {
        "aws_s3tables_table_bucket_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("resource_policy", Attribute::required(Type::String))
            .attr("table_bucket_arn", Attribute::required(Type::String).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "resource_policy");
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let arn = req.planned.get_str("table_bucket_arn").unwrap_or_default();
        put(api, arn, req.planned.get_str("resource_policy").unwrap_or_default()).await?;
        Ok(arn.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(policy) = remote(api, id).await? else { return Ok(None) };
        s.set("table_bucket_arn", Value::from(id));
        s.set("resource_policy", Value::from(prefer_prior(s.get_str("resource_policy"), &policy)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned.get_str("resource_policy").unwrap_or_default()).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.s3tables.delete_table_bucket_policy().table_bucket_arn(id);
        api.call("DeleteTableBucketPolicy", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(arn), Some(policy)) = (planned.get_str("table_bucket_arn"), planned.get_str("resource_policy"))
        else {
            return Ok(None);
        };
        let found = remote(api, arn).await?;
        Ok(found.filter(|r| equivalent(r, policy)).map(|_| arn.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        if !id.starts_with("arn:") {
            return Err(format!(
                "import ID {id:?} is not a table bucket ARN (arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME)"
            ));
        }
        Ok(vec![("id", Value::from(id)), ("table_bucket_arn", Value::from(id))])
    }
}
