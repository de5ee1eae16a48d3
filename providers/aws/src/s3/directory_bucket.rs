//! `aws_s3_directory_bucket` (S3 Express One Zone). ID and import ID: the bucket name
//! (`name--azid--x-s3`). Directory buckets take no tags; the name is configured, so after a
//! crash the bucket of that name is the one the create made (CreateBucket answers
//! BucketAlreadyOwnedByYou when it already is ours). Everything but `force_destroy` replaces.

use super::bucket::NO_BUCKET;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use aws_sdk_s3::types::{
    BucketInfo, BucketType, CreateBucketConfiguration, DataRedundancy, Delete, LocationInfo, LocationType,
    ObjectIdentifier,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct DirectoryBucket;

fn location(planned: &Value) -> Option<&Value> {
    planned.get("location").as_list().and_then(|l| l.first())
}

async fn exists(api: &Api<'_>, bucket: &str) -> Result<bool, AwsError> {
    let found = api.call("HeadBucket", || api.s3.head_bucket().bucket(bucket).send()).await.or_not_found(NO_BUCKET)?;
    Ok(found.is_some())
}

/// Deletes every object, a page (≤1000) at a time (directory buckets keep no versions).
async fn empty(api: &Api<'_>, bucket: &str) -> Result<(), AwsError> {
    loop {
        let Some(page) = api
            .call("ListObjectsV2", || api.s3.list_objects_v2().bucket(bucket).send())
            .await
            .or_not_found(NO_BUCKET)?
        else {
            return Ok(());
        };
        let ids: Vec<ObjectIdentifier> = page
            .contents()
            .iter()
            .filter_map(|o| ObjectIdentifier::builder().set_key(o.key().map(str::to_string)).build().ok())
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .build()
            .map_err(|e| api.invalid("force_destroy", e.to_string()))?;
        let req = api.s3.delete_objects().bucket(bucket).delete(delete);
        api.call("DeleteObjects", || req.clone().send()).await?;
    }
}

#[async_trait]
impl AwsResource for DirectoryBucket {
    fn type_name(&self) -> &'static str {
        "aws_s3_directory_bucket"
    }

    fn schema(&self) -> Schema {
        let location = Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("type", Attribute::optional_computed(Type::String).default("AvailabilityZone").force_new());
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr(
                "data_redundancy",
                Attribute::optional_computed(Type::String).default("SingleAvailabilityZone").force_new(),
            )
            .attr("force_destroy", Attribute::optional_computed(Type::Bool).default(false))
            .attr("type", Attribute::optional_computed(Type::String).default("Directory").force_new())
            .block("location", Block::list(location).force_new())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_BUCKET
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let bucket = p.get_str("bucket").unwrap_or_default();
        let Some(loc) = location(p) else {
            return Err(api.invalid("location", "a directory bucket needs its location block (the zone's ID)"));
        };
        let config = CreateBucketConfiguration::builder()
            .location(
                LocationInfo::builder()
                    .set_name(loc.get_str("name").map(str::to_string))
                    .r#type(LocationType::from(loc.get_str("type").unwrap_or("AvailabilityZone")))
                    .build(),
            )
            .bucket(
                BucketInfo::builder()
                    .data_redundancy(DataRedundancy::from(
                        p.get_str("data_redundancy").unwrap_or("SingleAvailabilityZone"),
                    ))
                    .r#type(BucketType::from(p.get_str("type").unwrap_or("Directory")))
                    .build(),
            )
            .build();
        let call = api.s3.create_bucket().bucket(bucket).create_bucket_configuration(config);
        let conflicts = CreateCall { conflicts: &["BucketAlreadyOwnedByYou"], ..Default::default() };
        api.create("CreateBucket", conflicts, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        Ok(bucket.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        if !exists(api, id).await? {
            return Ok(None);
        }
        let account = api.account_id().await?;
        s.set("bucket", Value::from(id));
        s.set("arn", Value::from(format!("arn:{}:s3express:{}:{account}:bucket/{id}", api.partition(), api.region)));
        // `bucket--azid--x-s3`: the zone is in the name (what an import knows).
        if location(s).is_none() {
            let zone = id.strip_suffix("--x-s3").and_then(|rest| rest.rsplit_once("--")).map(|(_, az)| az);
            let loc = Value::object([
                ("name", zone.map(Value::from).unwrap_or(Value::Null)),
                ("type", Value::from("AvailabilityZone")),
            ]);
            s.set("location", Value::List(vec![loc]));
        }
        for (k, default) in [("data_redundancy", "SingleAvailabilityZone"), ("type", "Directory")] {
            if s.get(k).is_null() || s.get(k).is_unknown() {
                s.set(k, Value::from(default));
            }
        }
        if s.get("force_destroy").is_null() || s.get("force_destroy").is_unknown() {
            s.set("force_destroy", Value::from(false));
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if state.get("force_destroy").as_bool() == Some(true) {
            empty(api, id).await?;
        }
        api.call("DeleteBucket", || api.s3.delete_bucket().bucket(id).send()).await?;
        Ok(())
    }

    /// No tags: the bucket of the configured name.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(bucket) = planned.get_str("bucket") else { return Ok(None) };
        Ok(exists(api, bucket).await?.then(|| bucket.to_string()))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("bucket", Value::from(id))])
    }
}
