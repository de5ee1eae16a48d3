//! `aws_s3_bucket_intelligent_tiering_configuration`: one named S3 Intelligent-Tiering
//! archive configuration of a bucket. ID and import ID: `bucket:name`, as in Terraform.
//! Crash safety: a PUT of the whole named configuration (idempotent); found when the bucket
//! has the planned name and tierings.

use super::doc::{blocks, int, num};
use super::named::split;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, map_value, one_block, string_map};
use aws_sdk_s3::types::{
    IntelligentTieringAccessTier, IntelligentTieringAndOperator, IntelligentTieringConfiguration,
    IntelligentTieringFilter, IntelligentTieringStatus, Tag, Tiering,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct IntelligentTiering;

const NOT_FOUND: &[&str] = &["NoSuchConfiguration", "NoSuchBucket", "NotFound"];

/// One condition alone, several under `And` (as Terraform sends it).
fn filter_of(f: &Value) -> Option<IntelligentTieringFilter> {
    let prefix = f.get_str("prefix").map(str::to_string);
    let tags: Vec<Tag> =
        string_map(f.get("tags")).iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    match (prefix, tags.len()) {
        (None, 0) => None,
        (Some(p), 0) => Some(IntelligentTieringFilter::builder().prefix(p).build()),
        (None, 1) => Some(IntelligentTieringFilter::builder().set_tag(tags.into_iter().next()).build()),
        (p, _) => Some(
            IntelligentTieringFilter::builder()
                .and(IntelligentTieringAndOperator::builder().set_prefix(p).set_tags(Some(tags)).build())
                .build(),
        ),
    }
}

fn filter_value(f: Option<&IntelligentTieringFilter>) -> Value {
    let Some(f) = f else { return Value::List(vec![]) };
    let (prefix, tags): (Option<&str>, Vec<&Tag>) = match f.and() {
        Some(a) => (a.prefix(), a.tags().iter().collect()),
        None => (f.prefix(), f.tag().into_iter().collect()),
    };
    block_list(Value::object([
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
        ("tags", if tags.is_empty() { Value::Null } else { map_value(tags.iter().map(|t| (t.key(), t.value()))) }),
    ]))
}

fn document(name: &str, p: &Value) -> Result<IntelligentTieringConfiguration, String> {
    let mut tierings = Vec::new();
    for t in blocks(p, "tiering") {
        tierings.push(
            Tiering::builder()
                .days(int(&t, "days").unwrap_or_default())
                .access_tier(IntelligentTieringAccessTier::from(t.get_str("access_tier").unwrap_or_default()))
                .build()
                .map_err(|e| e.to_string())?,
        );
    }
    IntelligentTieringConfiguration::builder()
        .id(name)
        .set_filter(filter_of(one_block(p.get("filter"))))
        .status(IntelligentTieringStatus::from(p.get_str("status").unwrap_or("Enabled")))
        .set_tierings(Some(tierings))
        .build()
        .map_err(|e| e.to_string())
}

async fn put(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let name = p.get_str("name").unwrap_or_default();
    let doc = document(name, p).map_err(|e| api.invalid("tiering", e))?;
    let req = api
        .s3
        .put_bucket_intelligent_tiering_configuration()
        .bucket(p.get_str("bucket").unwrap_or_default())
        .id(name)
        .intelligent_tiering_configuration(doc);
    api.call("PutBucketIntelligentTieringConfiguration", || req.clone().send()).await?;
    Ok(())
}

/// Tierings are a set: in the prior order when they are the same ones.
fn tierings_value(prior: &Value, tierings: &[Tiering]) -> Value {
    let remote: Vec<Value> = tierings
        .iter()
        .map(|t| Value::object([("access_tier", Value::from(t.access_tier().as_str())), ("days", num(Some(t.days())))]))
        .collect();
    let before = prior.as_list().cloned().unwrap_or_default();
    if before.len() == remote.len() && remote.iter().all(|t| before.contains(t)) {
        return prior.clone();
    }
    Value::List(remote)
}

#[async_trait]
impl AwsResource for IntelligentTiering {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_intelligent_tiering_configuration"
    }

    fn schema(&self) -> Schema {
        let filter = Schema::new()
            .attr("prefix", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(Type::map(Type::String)));
        let tiering = Schema::new()
            .attr("access_tier", Attribute::required(Type::String))
            .attr("days", Attribute::required(Type::Number));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("status", Attribute::optional(Type::String).default("Enabled"))
            .block("filter", Block::list(filter).max_items(1))
            .block("tiering", Block::set(tiering).min_items(1))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        let p = req.planned;
        Ok(format!("{}:{}", p.get_str("bucket").unwrap_or_default(), p.get_str("name").unwrap_or_default()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((bucket, name)) = split(id) else { return Ok(None) };
        let req = api.s3.get_bucket_intelligent_tiering_configuration().bucket(bucket).id(name);
        let out = api.call("GetBucketIntelligentTieringConfiguration", || req.clone().send()).await?;
        let Some(c) = out.intelligent_tiering_configuration() else { return Ok(None) };
        let tierings = tierings_value(s.get("tiering"), c.tierings());
        s.set("bucket", Value::from(bucket));
        s.set("name", Value::from(name));
        s.set("status", Value::from(c.status().as_str()));
        s.set("filter", filter_value(c.filter()));
        s.set("tiering", tierings);
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((bucket, name)) = split(id) else { return Ok(()) };
        let req = api.s3.delete_bucket_intelligent_tiering_configuration().bucket(bucket).id(name);
        api.call("DeleteBucketIntelligentTieringConfiguration", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        super::named::locate(self, api, planned, "tiering", NOT_FOUND).await
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        super::named::import_seed(id)
    }
}
