//! `aws_s3_bucket_object_lock_configuration`: the default retention of a bucket made with
//! object lock enabled, one document. ID and import ID: see [`super::doc`] (crash safety
//! there too). Destroy removes the default retention rule (object lock itself stays on, as
//! S3 allows no other way), as Terraform does; `token` (sensitive) is passed through.

use super::doc::{id_of, int, num, owner, set_bucket, split};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, one_block};
use aws_sdk_s3::types::{
    DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct ObjectLock;

const NO_CONFIG: &[&str] = &["ObjectLockConfigurationNotFoundError", "NoSuchBucket", "NotFound"];

fn rule_of(planned: &Value) -> Option<ObjectLockRule> {
    let rule = one_block(planned.get("rule"));
    let r = one_block(rule.get("default_retention"));
    (!rule.is_null()).then(|| {
        ObjectLockRule::builder()
            .default_retention(
                DefaultRetention::builder()
                    .set_mode(r.get_str("mode").map(ObjectLockRetentionMode::from))
                    .set_days(int(r, "days"))
                    .set_years(int(r, "years"))
                    .build(),
            )
            .build()
    })
}

async fn put(api: &Api<'_>, id: &str, planned: &Value, rule: Option<ObjectLockRule>) -> Result<(), AwsError> {
    let doc = ObjectLockConfiguration::builder()
        .object_lock_enabled(ObjectLockEnabled::from(planned.get_str("object_lock_enabled").unwrap_or("Enabled")))
        .set_rule(rule)
        .build();
    let (bucket, owner) = split(id);
    let req = api
        .s3
        .put_object_lock_configuration()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(str::to_string))
        .set_token(planned.get_str("token").map(str::to_string))
        .object_lock_configuration(doc);
    api.call("PutObjectLockConfiguration", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for ObjectLock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_object_lock_configuration"
    }

    fn schema(&self) -> Schema {
        let retention = Schema::new()
            .attr("days", Attribute::optional(Type::Number))
            .attr("mode", Attribute::optional(Type::String))
            .attr("years", Attribute::optional(Type::Number));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .attr("object_lock_enabled", Attribute::optional(Type::String).default("Enabled").force_new())
            .attr("token", Attribute::optional(Type::String).sensitive())
            .block(
                "rule",
                Block::list(Schema::new().block("default_retention", Block::list(retention).min_items(1).max_items(1)))
                    .max_items(1),
            )
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_CONFIG
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let id = id_of(req.planned);
        put(api, &id, req.planned, rule_of(req.planned)).await?;
        Ok(id)
    }

    /// A state that had a rule reads as gone once the rule is (what destroy leaves).
    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let req = api.s3.get_object_lock_configuration().bucket(split(id).0).set_expected_bucket_owner(owner(id));
        let out = api.call("GetObjectLockConfiguration", || req.clone().send()).await?;
        let Some(c) = out.object_lock_configuration() else { return Ok(None) };
        let had_rule = s.get("rule").as_list().is_some_and(|l| !l.is_empty());
        let rule = c.rule().and_then(|r| r.default_retention()).map(|d| {
            Value::object([(
                "default_retention",
                block_list(Value::object([
                    // Retention periods are positive: a 0 some servers send means unset.
                    ("days", num(d.days().filter(|n| *n > 0))),
                    ("mode", d.mode().map(|m| Value::from(m.as_str())).unwrap_or(Value::Null)),
                    ("years", num(d.years().filter(|n| *n > 0))),
                ])),
            )])
        });
        if rule.is_none() && had_rule {
            return Ok(None);
        }
        set_bucket(s, id);
        s.set("object_lock_enabled", c.object_lock_enabled().map(|e| Value::from(e.as_str())).unwrap_or(Value::Null));
        s.set("rule", block_list(rule.unwrap_or(Value::Null)));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned, rule_of(planned)).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        put(api, id, state, None).await
    }

    /// Content: ours when the bucket's default retention is the planned one.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let id = id_of(planned);
        let mut s = planned.clone();
        match self.read(api, &id, &mut s).await {
            Ok(Some(_)) if s.get("rule") == planned.get("rule") => Ok(Some(id)),
            Err(e) if !e.code().is_some_and(|c| NO_CONFIG.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
