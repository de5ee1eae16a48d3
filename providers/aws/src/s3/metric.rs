//! `aws_s3_bucket_metric`: one named CloudWatch request-metrics configuration of a bucket.
//! ID and import ID: `bucket:name`, as in Terraform. Crash safety: a PUT of the whole named
//! configuration (idempotent); found when the bucket has the planned name and filter.

use super::named::split;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, map_value, one_block, string_map};
use aws_sdk_s3::types::{MetricsAndOperator, MetricsConfiguration, MetricsFilter, Tag};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Metric;

const NOT_FOUND: &[&str] = &["NoSuchConfiguration", "NoSuchBucket", "NotFound"];

/// The filter as S3 wants it: one condition alone, several under `And` (as Terraform).
pub fn filter_of(f: &Value) -> Option<MetricsFilter> {
    if f.is_null() {
        return None;
    }
    let prefix = f.get_str("prefix").map(str::to_string);
    let access_point = f.get_str("access_point").map(str::to_string);
    let tags: Vec<Tag> =
        string_map(f.get("tags")).iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    let count = usize::from(prefix.is_some()) + usize::from(access_point.is_some()) + tags.len();
    Some(match (count, prefix, access_point) {
        (0, _, _) => return None,
        (1, Some(p), _) => MetricsFilter::Prefix(p),
        (1, _, Some(a)) => MetricsFilter::AccessPointArn(a),
        (1, None, None) => MetricsFilter::Tag(tags.into_iter().next()?),
        (_, p, a) => MetricsFilter::And(
            MetricsAndOperator::builder().set_prefix(p).set_access_point_arn(a).set_tags(Some(tags)).build(),
        ),
    })
}

pub fn filter_value(f: Option<&MetricsFilter>) -> Value {
    let (prefix, access_point, tags): (Option<&str>, Option<&str>, Vec<&Tag>) = match f {
        Some(MetricsFilter::Prefix(p)) => (Some(p), None, vec![]),
        Some(MetricsFilter::AccessPointArn(a)) => (None, Some(a), vec![]),
        Some(MetricsFilter::Tag(t)) => (None, None, vec![t]),
        Some(MetricsFilter::And(a)) => (a.prefix(), a.access_point_arn(), a.tags().iter().collect()),
        _ => return Value::List(vec![]),
    };
    block_list(Value::object([
        ("access_point", access_point.map(Value::from).unwrap_or(Value::Null)),
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
        ("tags", if tags.is_empty() { Value::Null } else { map_value(tags.iter().map(|t| (t.key(), t.value()))) }),
    ]))
}

async fn put(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let name = p.get_str("name").unwrap_or_default();
    let doc = MetricsConfiguration::builder()
        .id(name)
        .set_filter(filter_of(one_block(p.get("filter"))))
        .build()
        .map_err(|e| api.invalid("name", e.to_string()))?;
    let req = api
        .s3
        .put_bucket_metrics_configuration()
        .bucket(p.get_str("bucket").unwrap_or_default())
        .id(name)
        .metrics_configuration(doc);
    api.call("PutBucketMetricsConfiguration", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Metric {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_metric"
    }

    fn schema(&self) -> Schema {
        let filter = Schema::new()
            .attr("access_point", Attribute::optional(Type::String))
            .attr("prefix", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(Type::map(Type::String)));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .block("filter", Block::list(filter).max_items(1))
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
        let req = api.s3.get_bucket_metrics_configuration().bucket(bucket).id(name);
        let out = api.call("GetBucketMetricsConfiguration", || req.clone().send()).await?;
        let Some(c) = out.metrics_configuration() else { return Ok(None) };
        s.set("bucket", Value::from(bucket));
        s.set("name", Value::from(name));
        s.set("filter", filter_value(c.filter()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((bucket, name)) = split(id) else { return Ok(()) };
        let req = api.s3.delete_bucket_metrics_configuration().bucket(bucket).id(name);
        api.call("DeleteBucketMetricsConfiguration", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        super::named::locate(self, api, planned, "filter", NOT_FOUND).await
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        super::named::import_seed(id)
    }
}
