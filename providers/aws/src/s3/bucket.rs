//! `aws_s3_bucket`. ID and import ID: the bucket name.
//!
//! Like Terraform's v4+ provider, policy, versioning, public access block and
//! ownership controls are separate resources.

use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, string_map};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag, Tagging};
use meshplan_provider::{async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value};
use std::collections::BTreeMap;

pub struct Bucket;

pub const NO_BUCKET: &[&str] = &["NoSuchBucket", "NotFound"];

async fn put_tags(api: &Api<'_>, bucket: &str, tags: &BTreeMap<String, String>) -> Result<(), AwsError> {
    if tags.is_empty() {
        api.call("DeleteBucketTagging", || api.s3.delete_bucket_tagging().bucket(bucket).send()).await?;
        return Ok(());
    }
    let set: Vec<Tag> = tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    let tagging = Tagging::builder().set_tag_set(Some(set)).build().map_err(|e| api.invalid("tags", e.to_string()))?;
    api.call("PutBucketTagging", || api.s3.put_bucket_tagging().bucket(bucket).tagging(tagging.clone()).send()).await?;
    Ok(())
}

#[async_trait]
impl ResourceType for Bucket {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("bucket", Attribute::optional_computed(Type::String).force_new())
                .attr("force_destroy", Attribute::optional(Type::Bool).default(false))
                .attr("arn", Attribute::computed(Type::String))
                .attr("region", Attribute::computed(Type::String))
                .attr("bucket_domain_name", Attribute::computed(Type::String))
                .attr("bucket_regional_domain_name", Attribute::computed(Type::String)),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    /// Two calls: HeadBucket (existence, region) and GetBucketTagging.
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(bucket) = state.get_str("bucket").or(state.get_str("id")) else { return Ok(None) };
        let head = api.call("HeadBucket", || api.s3.head_bucket().bucket(bucket).send()).await.or_not_found(NO_BUCKET)?;
        let Some(head) = head else { return Ok(None) };
        let region = head.bucket_region().unwrap_or(&api.region).to_string();
        let tagging = api
            .call("GetBucketTagging", || api.s3.get_bucket_tagging().bucket(bucket).send())
            .await
            .or_not_found(&["NoSuchTagSet", "NoSuchTagSetError"])?;
        let remote: BTreeMap<String, String> =
            tagging.map(|t| t.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()).unwrap_or_default();
        let mut s = state.clone();
        s.set("id", Value::from(bucket));
        s.set("bucket", Value::from(bucket));
        s.set("arn", Value::from(format!("arn:{}:s3:::{bucket}", api.partition())));
        s.set("region", Value::from(region.as_str()));
        s.set("bucket_domain_name", Value::from(format!("{bucket}.s3.amazonaws.com")));
        s.set("bucket_regional_domain_name", Value::from(format!("{bucket}.s3.{region}.amazonaws.com")));
        tags::set_from_remote(&api, &mut s, remote);
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let bucket = planned.get_str("bucket").map(str::to_string).unwrap_or_else(|| crate::iam::generated_name("meshplan-"));
        // us-east-1 is the one region that rejects an explicit location constraint.
        let location = (api.region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::from(api.region.as_str())).build()
        });
        let req = api.s3.create_bucket().bucket(&bucket).set_create_bucket_configuration(location);
        api.call("CreateBucket", || req.clone().send()).await?;
        let mut state = planned.clone();
        state.set("id", Value::from(bucket.as_str()));
        state.set("bucket", Value::from(bucket.as_str()));
        let desired = tags::desired(&api, planned);
        if !desired.is_empty() {
            put_tags(&api, &bucket, &desired).await.map_err(|e| with_partial(e, &state))?;
        }
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let desired = tags::desired(&api, planned);
        if desired != string_map(prior.get("tags_all")) {
            put_tags(&api, prior.get_str("bucket").unwrap_or_default(), &desired).await?;
        }
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let bucket = state.get_str("bucket").unwrap_or_default();
        if state.get("force_destroy").as_bool() == Some(true) {
            empty_bucket(&api, bucket).await?;
        }
        api.call("DeleteBucket", || api.s3.delete_bucket().bucket(bucket).send()).await.or_not_found(NO_BUCKET)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id)), ("bucket", Value::from(id))])).await
    }
}

/// Deletes every object version and delete marker, a page (≤1000) at a time.
async fn empty_bucket(api: &Api<'_>, bucket: &str) -> Result<(), AwsError> {
    loop {
        let Some(page) = api
            .call("ListObjectVersions", || api.s3.list_object_versions().bucket(bucket).send())
            .await
            .or_not_found(NO_BUCKET)?
        else {
            return Ok(());
        };
        let ids: Vec<ObjectIdentifier> = page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(page.delete_markers().iter().map(|m| (m.key(), m.version_id())))
            .filter_map(|(k, v)| ObjectIdentifier::builder().set_key(k.map(str::to_string)).set_version_id(v.map(str::to_string)).build().ok())
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder().set_objects(Some(ids)).quiet(true).build().map_err(|e| api.invalid("force_destroy", e.to_string()))?;
        api.call("DeleteObjects", || api.s3.delete_objects().bucket(bucket).delete(delete.clone()).send()).await?;
    }
}
