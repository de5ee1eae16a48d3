//! `aws_s3_bucket_logging`: server access logs of a bucket into another. ID and import ID:
//! the bucket name (`bucket,owner` with `expected_bucket_owner`). Log delivery is granted by
//! the target bucket's policy (`target_grant`, the legacy ACL way, is not supported).

use super::bucket::NO_BUCKET;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, one_block};
use aws_sdk_s3::types::{
    BucketLoggingStatus, LoggingEnabled, PartitionDateSource, PartitionedPrefix, SimplePrefix, TargetObjectKeyFormat,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Logging;

fn split(id: &str) -> (&str, Option<&str>) {
    match id.split_once(',') {
        Some((bucket, owner)) => (bucket, Some(owner)),
        None => (id, None),
    }
}

async fn put(
    api: &Api<'_>,
    bucket: &str,
    owner: Option<&str>,
    enabled: Option<LoggingEnabled>,
) -> Result<(), AwsError> {
    let status = BucketLoggingStatus::builder().set_logging_enabled(enabled).build();
    let req = api
        .s3
        .put_bucket_logging()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(str::to_string))
        .bucket_logging_status(status);
    api.call("PutBucketLogging", || req.clone().send()).await?;
    Ok(())
}

fn enabled(planned: &Value) -> Result<LoggingEnabled, String> {
    let format = one_block(planned.get("target_object_key_format"));
    let key_format = (!format.is_null()).then(|| {
        let partitioned = one_block(format.get("partitioned_prefix"));
        let simple = format.get("simple_prefix").as_list().is_some_and(|l| !l.is_empty());
        TargetObjectKeyFormat::builder()
            .set_partitioned_prefix((!partitioned.is_null()).then(|| {
                PartitionedPrefix::builder()
                    .set_partition_date_source(
                        partitioned.get_str("partition_date_source").map(PartitionDateSource::from),
                    )
                    .build()
            }))
            .set_simple_prefix(simple.then(|| SimplePrefix::builder().build()))
            .build()
    });
    LoggingEnabled::builder()
        .target_bucket(planned.get_str("target_bucket").unwrap_or_default())
        .target_prefix(planned.get_str("target_prefix").unwrap_or_default())
        .set_target_object_key_format(key_format)
        .build()
        .map_err(|e| e.to_string())
}

#[async_trait]
impl AwsResource for Logging {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_logging"
    }

    fn schema(&self) -> Schema {
        let partitioned = Schema::new().attr("partition_date_source", Attribute::required(Type::String));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .attr("target_bucket", Attribute::required(Type::String))
            .attr("target_prefix", Attribute::required(Type::String))
            .block(
                "target_object_key_format",
                Block::list(
                    Schema::new()
                        .block("partitioned_prefix", Block::list(partitioned).max_items(1))
                        .block("simple_prefix", Block::list(Schema::new()).max_items(1)),
                )
                .max_items(1),
            )
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_BUCKET
    }

    /// PutBucketLogging is idempotent.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let bucket = p.get_str("bucket").unwrap_or_default();
        let owner = p.get_str("expected_bucket_owner");
        put(api, bucket, owner, Some(enabled(p).map_err(|e| api.invalid("target_bucket", e))?)).await?;
        Ok(owner.map(|o| format!("{bucket},{o}")).unwrap_or_else(|| bucket.to_string()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bucket, owner) = split(id);
        let req = api.s3.get_bucket_logging().bucket(bucket).set_expected_bucket_owner(owner.map(str::to_string));
        let out = api.call("GetBucketLogging", || req.clone().send()).await?;
        let Some(l) = out.logging_enabled() else { return Ok(None) };
        s.set("bucket", Value::from(bucket));
        s.set("expected_bucket_owner", owner.map(Value::from).unwrap_or(Value::Null));
        s.set("target_bucket", Value::from(l.target_bucket()));
        s.set("target_prefix", Value::from(l.target_prefix()));
        let format = l.target_object_key_format().map(|f| {
            let partitioned = f.partitioned_prefix().map(|p| {
                Value::object([(
                    "partition_date_source",
                    p.partition_date_source().map(|d| Value::from(d.as_str())).unwrap_or(Value::Null),
                )])
            });
            Value::object([
                ("partitioned_prefix", block_list(partitioned.unwrap_or(Value::Null))),
                ("simple_prefix", block_list(f.simple_prefix().map(|_| Value::empty_object()).unwrap_or(Value::Null))),
            ])
        });
        s.set("target_object_key_format", block_list(format.unwrap_or(Value::Null)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let (bucket, owner) = split(id);
        put(api, bucket, owner, Some(enabled(planned).map_err(|e| api.invalid("target_bucket", e))?)).await
    }

    /// An empty logging status turns logging off.
    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (bucket, owner) = split(id);
        put(api, bucket, owner, None).await
    }

    /// Content: ours when the bucket logs where the plan says.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(bucket) = planned.get_str("bucket") else { return Ok(None) };
        let mut s = planned.clone();
        match self.read(api, bucket, &mut s).await {
            Ok(Some(_))
                if s.get("target_bucket") == planned.get("target_bucket")
                    && s.get("target_prefix") == planned.get("target_prefix") =>
            {
                Ok(Some(bucket.to_string()))
            }
            Err(e) if !e.code().is_some_and(|c| NO_BUCKET.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
