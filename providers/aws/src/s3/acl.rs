//! `aws_s3_bucket_acl`: a canned `acl` (the module's `private` / `log-delivery-write`) or an
//! explicit `access_control_policy` (owner and grants, `acl_policy.rs`). S3 has no way to
//! read a canned ACL back, so the written one is kept while the bucket exists; explicit
//! grants are read back. Destroy forgets it, as in Terraform. ID and import ID:
//! `bucket[,owner][,acl]`.

use super::acl_policy;
use super::bucket::NO_BUCKET;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use aws_sdk_s3::types::BucketCannedAcl;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct BucketAcl;

/// S3's canned ACLs: what tells `bucket,acl` from `bucket,owner` (as Terraform does).
const CANNED: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "aws-exec-read",
    "authenticated-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
];

/// `bucket`, `bucket,acl`, `bucket,owner` or `bucket,owner,acl` → (bucket, owner, acl).
fn split(id: &str) -> (&str, Option<&str>, Option<&str>) {
    let parts: Vec<&str> = id.split(',').collect();
    match parts.as_slice() {
        [b, o, a] => (b, Some(o), Some(a)),
        [b, a] if CANNED.contains(a) => (b, None, Some(a)),
        [b, o] => (b, Some(o), None),
        _ => (id, None, None),
    }
}

async fn put(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    let policy = acl_policy::request(api, planned)?;
    let acl = planned.get_str("acl");
    if acl.is_none() && policy.is_none() {
        return Err(
            api.invalid("acl", "set `acl` (a canned ACL such as \"private\") or an access_control_policy block")
        );
    }
    let req = api
        .s3
        .put_bucket_acl()
        .bucket(planned.get_str("bucket").unwrap_or_default())
        .set_expected_bucket_owner(planned.get_str("expected_bucket_owner").map(str::to_string))
        .set_acl(acl.map(BucketCannedAcl::from))
        .set_access_control_policy(policy);
    api.call("PutBucketAcl", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for BucketAcl {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_acl"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .attr("acl", Attribute::optional(Type::String))
            .block("access_control_policy", acl_policy::block())
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_BUCKET
    }

    /// PutBucketAcl is idempotent.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        let p = req.planned;
        let parts = [p.get_str("bucket"), p.get_str("expected_bucket_owner"), p.get_str("acl")];
        Ok(parts.into_iter().flatten().collect::<Vec<_>>().join(","))
    }

    /// The bucket must still exist and answer GetBucketAcl; the canned name is the written one.
    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bucket, owner, acl) = split(id);
        let req = api.s3.get_bucket_acl().bucket(bucket).set_expected_bucket_owner(owner.map(str::to_string));
        let Some(out) = api.call("GetBucketAcl", || req.clone().send()).await.or_not_found(NO_BUCKET)? else {
            return Ok(None);
        };
        // Explicit grants are managed only where configured (the block is optional+computed).
        if s.get("access_control_policy").as_list().is_some_and(|l| !l.is_empty()) {
            acl_policy::read(s, &out);
        }
        s.set("bucket", Value::from(bucket));
        s.set("expected_bucket_owner", owner.map(Value::from).unwrap_or(Value::Null));
        if s.get("acl").is_null() {
            s.set("acl", acl.map(Value::from).unwrap_or(Value::Null));
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, _api: &Api<'_>, _id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        Ok(())
    }

    /// Idempotent content: writing it again is what a resumed create does.
    async fn locate(&self, _api: &Api<'_>, _token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        Ok(None)
    }
}
