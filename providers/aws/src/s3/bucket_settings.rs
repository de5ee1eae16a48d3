//! Per-bucket settings, each its own resource as in Terraform (ID and import ID: the
//! bucket name; `bucket,owner` for versioning with `expected_bucket_owner`): `aws_s3_bucket_policy`, `aws_s3_bucket_public_access_block`,
//! `aws_s3_bucket_versioning`, `aws_s3_bucket_ownership_controls`.

use super::bucket::NO_BUCKET;
use super::doc::{id_of, set_bucket, split};
use crate::api::{Api, NotFound};
use crate::policy_json::{keep_equivalent_prior, prefer_prior};
use crate::resource::{find_by_content, import_via_read, read_after_write};
use crate::values::{blank_state, block_list, one_block};
use aws_sdk_s3::types::{
    BucketVersioningStatus, MfaDelete, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, VersioningConfiguration,
};
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema,
    Type, Value,
};

pub struct BucketPolicy;
pub struct PublicAccessBlock;
pub struct Versioning;
pub struct OwnershipControlsResource;

fn bucket_of(state: &Value) -> Option<&str> {
    state.get_str("bucket").or(state.get_str("id"))
}

fn seed(schema: &Schema, bucket: &str) -> Value {
    blank_state(schema, [("id", Value::from(bucket)), ("bucket", Value::from(bucket))])
}

fn with_id(planned: &Value) -> Value {
    let mut s = planned.clone();
    s.set("id", planned.get("bucket").clone());
    s
}

#[async_trait]
impl ResourceType for BucketPolicy {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String))
    }
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        keep_equivalent_prior(&mut planned.state, req.prior, "policy");
        Ok(planned)
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(bucket) = bucket_of(state) else { return Ok(None) };
        let out = api
            .call("GetBucketPolicy", || api.s3.get_bucket_policy().bucket(bucket).send())
            .await
            .or_not_found(&["NoSuchBucketPolicy", "NoSuchBucket"])?;
        let Some(policy) = out.and_then(|o| o.policy) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(bucket));
        s.set("bucket", Value::from(bucket));
        s.set("policy", Value::from(prefer_prior(state.get_str("policy"), &policy)));
        Ok(Some(s))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.update(ctx, planned, planned).await
    }
    /// A setting is content, put idempotently: ours when it holds the planned value.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, &with_id(planned), |s| s.get("policy") == planned.get("policy")).await
    }
    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .s3
            .put_bucket_policy()
            .bucket(bucket_of(planned).unwrap_or_default())
            .policy(planned.get_str("policy").unwrap_or_default());
        // A principal created moments ago is "invalid" to S3 until IAM has propagated it.
        api.call_settling("PutBucketPolicy", &["MalformedPolicy:Invalid principal"], || req.clone().send()).await?;
        read_after_write(self, ctx, with_id(planned)).await
    }
    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let bucket = bucket_of(state).unwrap_or_default();
        api.call("DeleteBucketPolicy", || api.s3.delete_bucket_policy().bucket(bucket).send())
            .await
            .or_not_found(NO_BUCKET)?;
        Ok(())
    }
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, seed(&self.schema(), id)).await
    }
}

const PAB_FLAGS: [&str; 4] =
    ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"];

#[async_trait]
impl ResourceType for PublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }
    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new());
        for f in PAB_FLAGS {
            s = s.attr(f, Attribute::optional(Type::Bool).default(false));
        }
        s
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(bucket) = bucket_of(state) else { return Ok(None) };
        let out = api
            .call("GetPublicAccessBlock", || api.s3.get_public_access_block().bucket(bucket).send())
            .await
            .or_not_found(&["NoSuchPublicAccessBlockConfiguration", "NoSuchBucket"])?;
        let Some(c) = out.and_then(|o| o.public_access_block_configuration) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(bucket));
        s.set("bucket", Value::from(bucket));
        s.set("block_public_acls", Value::from(c.block_public_acls().unwrap_or(false)));
        s.set("block_public_policy", Value::from(c.block_public_policy().unwrap_or(false)));
        s.set("ignore_public_acls", Value::from(c.ignore_public_acls().unwrap_or(false)));
        s.set("restrict_public_buckets", Value::from(c.restrict_public_buckets().unwrap_or(false)));
        Ok(Some(s))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.update(ctx, planned, planned).await
    }
    /// A setting is content, put idempotently: ours when it holds the planned value.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, &with_id(planned), |s| PAB_FLAGS.iter().all(|f| s.get(f) == planned.get(f))).await
    }
    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let flag = |f: &str| planned.get(f).as_bool();
        let conf = PublicAccessBlockConfiguration::builder()
            .set_block_public_acls(flag("block_public_acls"))
            .set_block_public_policy(flag("block_public_policy"))
            .set_ignore_public_acls(flag("ignore_public_acls"))
            .set_restrict_public_buckets(flag("restrict_public_buckets"))
            .build();
        let req = api
            .s3
            .put_public_access_block()
            .bucket(bucket_of(planned).unwrap_or_default())
            .public_access_block_configuration(conf);
        api.call("PutPublicAccessBlock", || req.clone().send()).await?;
        read_after_write(self, ctx, with_id(planned)).await
    }
    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let bucket = bucket_of(state).unwrap_or_default();
        api.call("DeletePublicAccessBlock", || api.s3.delete_public_access_block().bucket(bucket).send())
            .await
            .or_not_found(NO_BUCKET)?;
        Ok(())
    }
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, seed(&self.schema(), id)).await
    }
}

#[async_trait]
impl ResourceType for Versioning {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            // The MFA device's serial and current code, sent with a change of `mfa_delete`;
            // never read back.
            .attr("mfa", Attribute::optional(Type::String))
            .block(
                "versioning_configuration",
                Block::list(
                    Schema::new()
                        .attr("status", Attribute::required(Type::String))
                        .attr("mfa_delete", Attribute::optional_computed(Type::String)),
                )
                .min_items(1)
                .max_items(1),
            )
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(id) = state.get_str("id") else { return Ok(None) };
        let (bucket, owner) = split(id);
        let req = api.s3.get_bucket_versioning().bucket(bucket).set_expected_bucket_owner(owner.map(str::to_string));
        let out = api.call("GetBucketVersioning", || req.clone().send()).await.or_not_found(NO_BUCKET)?;
        let Some(out) = out else { return Ok(None) };
        // A bucket that never had versioning reports no status: the resource is gone.
        let Some(status) = out.status() else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(id));
        set_bucket(&mut s, id);
        s.set(
            "versioning_configuration",
            block_list(Value::object([
                ("status", Value::from(status.as_str())),
                ("mfa_delete", Value::from(out.mfa_delete().map(|m| m.as_str()).unwrap_or("Disabled"))),
            ])),
        );
        Ok(Some(s))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.update(ctx, planned, planned).await
    }
    /// A setting is content, put idempotently: ours when it holds the planned value.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, &with_owner_id(planned), |s| {
            one_block(s.get("versioning_configuration")).get("status")
                == one_block(planned.get("versioning_configuration")).get("status")
        })
        .await
    }
    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let conf = one_block(planned.get("versioning_configuration"));
        let target = Target {
            bucket: bucket_of(planned).unwrap_or_default(),
            owner: planned.get_str("expected_bucket_owner"),
            mfa: planned.get_str("mfa"),
        };
        put_versioning(&api, &target, conf.get_str("status").unwrap_or("Enabled"), conf.get_str("mfa_delete")).await?;
        read_after_write(self, ctx, with_owner_id(planned)).await
    }
    /// As in Terraform: versioning cannot be switched off, only suspended.
    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let target = Target {
            bucket: bucket_of(state).unwrap_or_default(),
            owner: state.get_str("expected_bucket_owner"),
            mfa: state.get_str("mfa"),
        };
        match put_versioning(&api, &target, "Suspended", None).await {
            Err(e) if e.code().is_some_and(|c| NO_BUCKET.contains(&c)) => Ok(()),
            other => Ok(other?),
        }
    }
    /// `bucket` or `bucket,expected_bucket_owner`, as in Terraform.
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let mut seed = seed(&self.schema(), id);
        set_bucket(&mut seed, id);
        import_via_read(self, ctx, id, seed).await
    }
}

/// The ID with `expected_bucket_owner`: `bucket,owner` (else the bucket).
fn with_owner_id(planned: &Value) -> Value {
    let mut s = planned.clone();
    s.set("id", Value::from(id_of(planned)));
    s
}

/// Whose versioning a PutBucketVersioning changes, and the MFA it carries.
struct Target<'a> {
    bucket: &'a str,
    owner: Option<&'a str>,
    /// `SERIAL CODE`: S3 asks for it when `mfa_delete` changes.
    mfa: Option<&'a str>,
}

async fn put_versioning(
    api: &Api<'_>,
    target: &Target<'_>,
    status: &str,
    mfa_delete: Option<&str>,
) -> Result<(), crate::error::AwsError> {
    let conf = VersioningConfiguration::builder()
        .status(BucketVersioningStatus::from(status))
        .set_mfa_delete(mfa_delete.map(MfaDelete::from))
        .build();
    let req = api
        .s3
        .put_bucket_versioning()
        .bucket(target.bucket)
        .versioning_configuration(conf)
        .set_expected_bucket_owner(target.owner.map(str::to_string))
        .set_mfa(target.mfa.map(str::to_string));
    api.call("PutBucketVersioning", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl ResourceType for OwnershipControlsResource {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_ownership_controls"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new())
            .block(
                "rule",
                Block::list(Schema::new().attr("object_ownership", Attribute::required(Type::String)))
                    .min_items(1)
                    .max_items(1),
            )
    }
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(bucket) = bucket_of(state) else { return Ok(None) };
        let out = api
            .call("GetBucketOwnershipControls", || api.s3.get_bucket_ownership_controls().bucket(bucket).send())
            .await
            .or_not_found(&["OwnershipControlsNotFoundError", "NoSuchBucket"])?;
        let Some(rule) = out.and_then(|o| o.ownership_controls).and_then(|c| c.rules.into_iter().next()) else {
            return Ok(None);
        };
        let mut s = state.clone();
        s.set("id", Value::from(bucket));
        s.set("bucket", Value::from(bucket));
        s.set("rule", block_list(Value::object([("object_ownership", Value::from(rule.object_ownership().as_str()))])));
        Ok(Some(s))
    }
    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        self.update(ctx, planned, planned).await
    }
    /// A setting is content, put idempotently: ours when it holds the planned value.
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, &with_id(planned), |s| one_block(s.get("rule")) == one_block(planned.get("rule")))
            .await
    }
    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let ownership = one_block(planned.get("rule")).get_str("object_ownership").unwrap_or("BucketOwnerEnforced");
        let rule = OwnershipControlsRule::builder()
            .object_ownership(ObjectOwnership::from(ownership))
            .build()
            .map_err(|e| api.invalid("rule", e.to_string()))?;
        let controls =
            OwnershipControls::builder().rules(rule).build().map_err(|e| api.invalid("rule", e.to_string()))?;
        let req = api
            .s3
            .put_bucket_ownership_controls()
            .bucket(bucket_of(planned).unwrap_or_default())
            .ownership_controls(controls);
        api.call("PutBucketOwnershipControls", || req.clone().send()).await?;
        read_after_write(self, ctx, with_id(planned)).await
    }
    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let bucket = bucket_of(state).unwrap_or_default();
        api.call("DeleteBucketOwnershipControls", || api.s3.delete_bucket_ownership_controls().bucket(bucket).send())
            .await
            .or_not_found(NO_BUCKET)?;
        Ok(())
    }
    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, seed(&self.schema(), id)).await
    }
}
