//! `aws_s3_account_public_access_block`: the account's S3 Block Public Access settings.
//! ID and import ID: the account ID (STS's answer when `account_id` is unset). There is one
//! such setting per account, and PutPublicAccessBlock is idempotent, so `find` after a crash
//! reports the create done when the account holds the planned settings. Destroy deletes the
//! configuration (everything public-access-wise is then allowed again, as in Terraform).

use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use aws_sdk_s3control::types::PublicAccessBlockConfiguration;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct AccountPublicAccessBlock;

const NOT_FOUND: &[&str] = &["NoSuchPublicAccessBlockConfiguration"];
const FLAGS: [&str; 4] = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

/// The configuration's four settings, in [`FLAGS`] order.
async fn remote(api: &Api<'_>, account: &str) -> Result<Option<[bool; 4]>, AwsError> {
    let req = api.s3control.get_public_access_block().account_id(account);
    let Some(out) = api.call("GetPublicAccessBlock", || req.clone().send()).await.or_not_found(NOT_FOUND)? else {
        return Ok(None);
    };
    let Some(c) = out.public_access_block_configuration() else { return Ok(None) };
    Ok(Some([
        c.block_public_acls().unwrap_or(false),
        c.block_public_policy().unwrap_or(false),
        c.ignore_public_acls().unwrap_or(false),
        c.restrict_public_buckets().unwrap_or(false),
    ]))
}

fn wanted(planned: &Value) -> [bool; 4] {
    FLAGS.map(|f| planned.get(f).as_bool().unwrap_or(false))
}

async fn account(api: &Api<'_>, planned: &Value) -> Result<String, AwsError> {
    match planned.get_str("account_id") {
        Some(id) => Ok(id.to_string()),
        None => api.account_id().await,
    }
}

async fn put(api: &Api<'_>, account: &str, planned: &Value) -> Result<(), AwsError> {
    let [acls, policy, ignore, restrict] = wanted(planned);
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(acls)
        .block_public_policy(policy)
        .ignore_public_acls(ignore)
        .restrict_public_buckets(restrict)
        .build();
    let req = api.s3control.put_public_access_block().account_id(account).public_access_block_configuration(config);
    api.call("PutPublicAccessBlock", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for AccountPublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_account_public_access_block"
    }

    fn schema(&self) -> Schema {
        FLAGS
            .iter()
            .fold(Schema::new().attr("account_id", Attribute::optional_computed(Type::String).force_new()), |s, f| {
                s.attr(f, Attribute::optional(Type::Bool).default(false))
            })
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let account = account(api, req.planned).await?;
        put(api, &account, req.planned).await?;
        Ok(account)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(flags) = remote(api, id).await? else { return Ok(None) };
        s.set("account_id", Value::from(id));
        for (f, v) in FLAGS.iter().zip(flags) {
            s.set(f, Value::from(v));
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.s3control.delete_public_access_block().account_id(id);
        api.call("DeletePublicAccessBlock", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let account = account(api, planned).await?;
        Ok(remote(api, &account).await?.filter(|r| *r == wanted(planned)).map(|_| account))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("account_id", Value::from(id))])
    }
}
