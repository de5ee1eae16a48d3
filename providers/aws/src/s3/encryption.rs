//! `aws_s3_bucket_server_side_encryption_configuration`: a bucket's default encryption. ID and
//! import ID: the bucket name (`bucket,owner` with `expected_bucket_owner`).

use super::bucket::NO_BUCKET;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, one_block};
use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Encryption;

fn split(id: &str) -> (&str, Option<&str>) {
    match id.split_once(',') {
        Some((bucket, owner)) => (bucket, Some(owner)),
        None => (id, None),
    }
}

fn rules_of(planned: &Value) -> Vec<ServerSideEncryptionRule> {
    let rules = planned.get("rule").as_list().cloned().unwrap_or_default();
    rules
        .iter()
        .map(|r| {
            let default = one_block(r.get("apply_server_side_encryption_by_default"));
            let by_default = default.get_str("sse_algorithm").and_then(|alg| {
                ServerSideEncryptionByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(alg))
                    .set_kms_master_key_id(default.get_str("kms_master_key_id").map(str::to_string))
                    .build()
                    .ok()
            });
            ServerSideEncryptionRule::builder()
                .set_apply_server_side_encryption_by_default(by_default)
                .set_bucket_key_enabled(r.get("bucket_key_enabled").as_bool())
                .build()
        })
        .collect()
}

async fn put(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    let config = ServerSideEncryptionConfiguration::builder().set_rules(Some(rules_of(planned))).build();
    let config = config.map_err(|e| api.invalid("rule", e.to_string()))?;
    let req = api
        .s3
        .put_bucket_encryption()
        .bucket(planned.get_str("bucket").unwrap_or_default())
        .set_expected_bucket_owner(planned.get_str("expected_bucket_owner").map(str::to_string))
        .server_side_encryption_configuration(config);
    api.call("PutBucketEncryption", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Encryption {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_server_side_encryption_configuration"
    }

    fn schema(&self) -> Schema {
        let by_default = Schema::new()
            .attr("sse_algorithm", Attribute::required(Type::String))
            .attr("kms_master_key_id", Attribute::optional(Type::String));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .block(
                "rule",
                Block::set(
                    Schema::new()
                        .attr("bucket_key_enabled", Attribute::optional(Type::Bool))
                        .block("apply_server_side_encryption_by_default", Block::list(by_default).max_items(1)),
                )
                .min_items(1),
            )
    }

    fn not_found(&self) -> &'static [&'static str] {
        &["ServerSideEncryptionConfigurationNotFoundError", "NoSuchBucket"]
    }

    /// PutBucketEncryption is idempotent.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        let bucket = req.planned.get_str("bucket").unwrap_or_default();
        Ok(match req.planned.get_str("expected_bucket_owner") {
            Some(owner) => format!("{bucket},{owner}"),
            None => bucket.to_string(),
        })
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bucket, owner) = split(id);
        let req = api.s3.get_bucket_encryption().bucket(bucket).set_expected_bucket_owner(owner.map(str::to_string));
        let out = api.call("GetBucketEncryption", || req.clone().send()).await?;
        let Some(config) = out.server_side_encryption_configuration() else { return Ok(None) };
        let configured_key =
            s.get("rule").as_list().and_then(|l| l.first()).map(|r| r.get("bucket_key_enabled").clone());
        let rules: Vec<Value> = config
            .rules()
            .iter()
            .map(|r| {
                let default = r.apply_server_side_encryption_by_default().map(|d| {
                    Value::object([
                        ("sse_algorithm", Value::from(d.sse_algorithm().as_str())),
                        ("kms_master_key_id", d.kms_master_key_id().map(Value::from).unwrap_or(Value::Null)),
                    ])
                });
                // Unset stays unset: AWS reports false for a bucket key never asked for.
                let key = match (r.bucket_key_enabled(), configured_key.clone()) {
                    (Some(false), Some(Value::Null) | None) => Value::Null,
                    (Some(b), _) => Value::from(b),
                    (None, _) => Value::Null,
                };
                Value::object([
                    ("bucket_key_enabled", key),
                    ("apply_server_side_encryption_by_default", block_list(default.unwrap_or(Value::Null))),
                ])
            })
            .collect();
        s.set("bucket", Value::from(bucket));
        s.set("expected_bucket_owner", owner.map(Value::from).unwrap_or(Value::Null));
        s.set("rule", Value::List(rules));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (bucket, owner) = split(id);
        let req = api.s3.delete_bucket_encryption().bucket(bucket).set_expected_bucket_owner(owner.map(str::to_string));
        match api.call("DeleteBucketEncryption", || req.clone().send()).await {
            Err(e) if e.code().is_some_and(|c| NO_BUCKET.contains(&c)) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Content: ours when the bucket's configuration is the planned one.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(bucket) = planned.get_str("bucket") else { return Ok(None) };
        let mut s = planned.clone();
        match self.read(api, bucket, &mut s).await {
            Ok(Some(_)) if s.get("rule") == planned.get("rule") => Ok(Some(bucket.to_string())),
            Err(e) if !e.code().is_some_and(|c| self.not_found().contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
