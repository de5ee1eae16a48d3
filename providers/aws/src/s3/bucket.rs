//! `aws_s3_bucket`. ID and import ID: the bucket name.
//!
//! Like Terraform's v4+ provider, policy, versioning, public access block and
//! ownership controls are separate resources.

use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, string_map};
use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag, Tagging};
use meshplan_provider::INTENT_TAG;
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::collections::BTreeMap;

pub struct Bucket;

pub const NO_BUCKET: &[&str] = &["NoSuchBucket", "NotFound"];

/// The bucket's tags, or `None` when it has none.
async fn remote_tags(api: &Api<'_>, bucket: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let tagging = api
        .call("GetBucketTagging", || api.s3.get_bucket_tagging().bucket(bucket).send())
        .await
        .or_not_found(&["NoSuchTagSet", "NoSuchTagSetError"])?;
    Ok(tagging
        .map(|t| t.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
        .unwrap_or_default())
}

/// The bucket `bucket` when it is ours: owned by us (HeadBucket answers) and not carrying
/// another create's token. S3 cannot tag a bucket in CreateBucket itself, so a bucket of
/// this name without the intent tag is one whose create stopped before tagging.
async fn located(api: &Api<'_>, bucket: &str, token: &str) -> Result<Option<String>, AwsError> {
    if api.call("HeadBucket", || api.s3.head_bucket().bucket(bucket).send()).await.or_not_found(NO_BUCKET)?.is_none() {
        return Ok(None);
    }
    let ours = remote_tags(api, bucket).await?.get(INTENT_TAG).is_none_or(|t| t == token);
    Ok(ours.then(|| bucket.to_string()))
}

/// Replaces the bucket's tag set (S3 has no per-key tagging), keeping the intent tag.
async fn put_tags(api: &Api<'_>, bucket: &str, tags: &BTreeMap<String, String>) -> Result<(), AwsError> {
    let mut tags = tags.clone();
    if !tags.contains_key(INTENT_TAG) {
        if let Some(token) = remote_tags(api, bucket).await?.remove(INTENT_TAG) {
            tags.insert(INTENT_TAG.to_string(), token);
        }
    }
    let tags = &tags;
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
                .attr("bucket_prefix", Attribute::optional_computed(Type::String).force_new())
                .attr("object_lock_enabled", Attribute::optional_computed(Type::Bool).force_new())
                .attr("hosted_zone_id", Attribute::computed(Type::String))
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

    /// Two calls: HeadBucket (existence, region) and GetBucketTagging; a third,
    /// GetObjectLockConfiguration, unless the state already says object lock is off (it can
    /// only be turned on at create time here).
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(bucket) = state.get_str("bucket").or(state.get_str("id")) else { return Ok(None) };
        let head =
            api.call("HeadBucket", || api.s3.head_bucket().bucket(bucket).send()).await.or_not_found(NO_BUCKET)?;
        let Some(head) = head else { return Ok(None) };
        let region = head.bucket_region().unwrap_or(&api.region).to_string();
        let remote = remote_tags(&api, bucket).await?;
        let mut s = state.clone();
        s.set("id", Value::from(bucket));
        s.set("bucket", Value::from(bucket));
        s.set("arn", Value::from(format!("arn:{}:s3:::{bucket}", api.partition())));
        s.set("region", Value::from(region.as_str()));
        s.set("bucket_domain_name", Value::from(format!("{bucket}.s3.amazonaws.com")));
        s.set("bucket_regional_domain_name", Value::from(format!("{bucket}.s3.{region}.amazonaws.com")));
        s.set("hosted_zone_id", super::zones::website_zone(&region).map(Value::from).unwrap_or(Value::Null));
        if s.get("object_lock_enabled").as_bool() != Some(false) {
            s.set("object_lock_enabled", Value::from(object_lock_enabled(&api, bucket).await?));
        }
        if s.get("bucket_prefix").is_unknown() {
            s.set("bucket_prefix", Value::Null);
        }
        tags::set_from_remote(&api, &mut s, remote);
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let bucket = bucket_name(planned, &token);
        // us-east-1 is the one region that rejects an explicit location constraint.
        let location = (api.region != "us-east-1").then(|| {
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::from(api.region.as_str()))
                .build()
        });
        let lock = planned.get("object_lock_enabled").as_bool().filter(|on| *on);
        let req = api
            .s3
            .create_bucket()
            .bucket(&bucket)
            .set_create_bucket_configuration(location)
            .set_object_lock_enabled_for_bucket(lock);
        let call = CreateCall { conflicts: &["BucketAlreadyOwnedByYou"], ..Default::default() };
        api.create("CreateBucket", call, || req.clone().send(), || located(&api, &bucket, &token)).await?;
        self.finish(ctx, &api, planned, &bucket, &token).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let bucket = bucket_name(planned, token);
        match located(&api, &bucket, token).await? {
            Some(_) => self.finish(ctx, &api, planned, &bucket, token).await.map(Some),
            None => Ok(None),
        }
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
        import_via_read(
            self,
            ctx,
            id,
            blank_state(&self.schema(), [("id", Value::from(id)), ("bucket", Value::from(id))]),
        )
        .await
    }
}

/// Configured, `bucket_prefix` + the create's token, or derived from the token alone (so
/// find can look it up).
fn bucket_name(planned: &Value, token: &str) -> String {
    if let Some(bucket) = planned.get_str("bucket") {
        return bucket.to_string();
    }
    let prefix = planned.get_str("bucket_prefix").unwrap_or("meshplan-");
    // 26 lowercase characters of the token (no dash), as Terraform's 26-character suffix.
    format!("{prefix}{}", token.replace('-', ""))
}

/// Whether object lock is on (S3 answers "not found" for a bucket without it).
async fn object_lock_enabled(api: &Api<'_>, bucket: &str) -> Result<bool, AwsError> {
    let req = api.s3.get_object_lock_configuration().bucket(bucket);
    let out = api
        .call("GetObjectLockConfiguration", || req.clone().send())
        .await
        .or_not_found(&["ObjectLockConfigurationNotFoundError", "NoSuchBucket"])?;
    let on = out.and_then(|o| o.object_lock_configuration).and_then(|c| c.object_lock_enabled);
    Ok(on.is_some_and(|e| e.as_str() == "Enabled"))
}

impl Bucket {
    /// Tags the new bucket (with the intent tag, the only way S3 can carry it); safe to
    /// repeat, so find resumes an interrupted create with it.
    async fn finish(
        &self,
        ctx: &Ctx,
        api: &Api<'_>,
        planned: &Value,
        bucket: &str,
        token: &str,
    ) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(bucket));
        state.set("bucket", Value::from(bucket));
        put_tags(api, bucket, &tags::desired_with_intent(api, planned, token))
            .await
            .map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
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
            .filter_map(|(k, v)| {
                ObjectIdentifier::builder()
                    .set_key(k.map(str::to_string))
                    .set_version_id(v.map(str::to_string))
                    .build()
                    .ok()
            })
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let delete = Delete::builder()
            .set_objects(Some(ids))
            .quiet(true)
            .build()
            .map_err(|e| api.invalid("force_destroy", e.to_string()))?;
        api.call("DeleteObjects", || api.s3.delete_objects().bucket(bucket).delete(delete.clone()).send()).await?;
    }
}
