//! `aws_s3_bucket_analytics_configuration`: one named storage-class analysis of a bucket.
//! ID and import ID: `bucket:name`, as in Terraform. Crash safety: a PUT of the whole named
//! configuration (idempotent); found when the bucket has the planned name and filter.

use super::named::split;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, map_value, one_block, string_map};
use aws_sdk_s3::types::{
    AnalyticsAndOperator, AnalyticsConfiguration, AnalyticsExportDestination, AnalyticsFilter,
    AnalyticsS3BucketDestination, AnalyticsS3ExportFileFormat, StorageClassAnalysis, StorageClassAnalysisDataExport,
    StorageClassAnalysisSchemaVersion, Tag,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Analytics;

const NOT_FOUND: &[&str] = &["NoSuchConfiguration", "NoSuchBucket", "NotFound"];

/// One condition alone, several under `And` (as Terraform sends it).
fn filter_of(f: &Value) -> Option<AnalyticsFilter> {
    let prefix = f.get_str("prefix").map(str::to_string);
    let tags: Vec<Tag> =
        string_map(f.get("tags")).iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    match (prefix, tags.len()) {
        (None, 0) => None,
        (Some(p), 0) => Some(AnalyticsFilter::Prefix(p)),
        (None, 1) => tags.into_iter().next().map(AnalyticsFilter::Tag),
        (p, _) => {
            Some(AnalyticsFilter::And(AnalyticsAndOperator::builder().set_prefix(p).set_tags(Some(tags)).build()))
        }
    }
}

fn filter_value(f: Option<&AnalyticsFilter>) -> Value {
    let (prefix, tags): (Option<&str>, Vec<&Tag>) = match f {
        Some(AnalyticsFilter::Prefix(p)) => (Some(p), vec![]),
        Some(AnalyticsFilter::Tag(t)) => (None, vec![t]),
        Some(AnalyticsFilter::And(a)) => (a.prefix(), a.tags().iter().collect()),
        _ => return Value::List(vec![]),
    };
    block_list(Value::object([
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
        ("tags", if tags.is_empty() { Value::Null } else { map_value(tags.iter().map(|t| (t.key(), t.value()))) }),
    ]))
}

fn document(name: &str, p: &Value) -> Result<AnalyticsConfiguration, String> {
    let e = |x: aws_smithy_types::error::operation::BuildError| x.to_string();
    let export = one_block(one_block(p.get("storage_class_analysis")).get("data_export"));
    let dest = one_block(one_block(export.get("destination")).get("s3_bucket_destination"));
    let data_export = if export.is_null() {
        None
    } else {
        let bucket = AnalyticsS3BucketDestination::builder()
            .format(AnalyticsS3ExportFileFormat::from(dest.get_str("format").unwrap_or("CSV")))
            .set_bucket_account_id(dest.get_str("bucket_account_id").map(str::to_string))
            .bucket(dest.get_str("bucket_arn").unwrap_or_default())
            .set_prefix(dest.get_str("prefix").map(str::to_string))
            .build()
            .map_err(e)?;
        Some(
            StorageClassAnalysisDataExport::builder()
                .output_schema_version(StorageClassAnalysisSchemaVersion::from(
                    export.get_str("output_schema_version").unwrap_or("V_1"),
                ))
                .destination(AnalyticsExportDestination::builder().s3_bucket_destination(bucket).build())
                .build()
                .map_err(e)?,
        )
    };
    AnalyticsConfiguration::builder()
        .id(name)
        .set_filter(filter_of(one_block(p.get("filter"))))
        .storage_class_analysis(StorageClassAnalysis::builder().set_data_export(data_export).build())
        .build()
        .map_err(e)
}

fn analysis_value(a: Option<&StorageClassAnalysis>) -> Value {
    let Some(export) = a.and_then(|a| a.data_export()) else { return Value::List(vec![]) };
    let dest = export.destination().and_then(|d| d.s3_bucket_destination()).map(|d| {
        Value::object([(
            "s3_bucket_destination",
            block_list(Value::object([
                ("bucket_account_id", d.bucket_account_id().map(Value::from).unwrap_or(Value::Null)),
                ("bucket_arn", Value::from(d.bucket())),
                ("format", Value::from(d.format().as_str())),
                ("prefix", d.prefix().map(Value::from).unwrap_or(Value::Null)),
            ])),
        )])
    });
    block_list(Value::object([(
        "data_export",
        block_list(Value::object([
            ("output_schema_version", Value::from(export.output_schema_version().as_str())),
            ("destination", block_list(dest.unwrap_or(Value::Null))),
        ])),
    )]))
}

async fn put(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let name = p.get_str("name").unwrap_or_default();
    let doc = document(name, p).map_err(|e| api.invalid("storage_class_analysis", e))?;
    let req = api
        .s3
        .put_bucket_analytics_configuration()
        .bucket(p.get_str("bucket").unwrap_or_default())
        .id(name)
        .analytics_configuration(doc);
    api.call("PutBucketAnalyticsConfiguration", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Analytics {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_analytics_configuration"
    }

    fn schema(&self) -> Schema {
        let one = |s: Schema| Block::list(s).min_items(1).max_items(1);
        let filter = Schema::new()
            .attr("prefix", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(Type::map(Type::String)));
        let bucket = Schema::new()
            .attr("bucket_account_id", Attribute::optional(Type::String))
            .attr("bucket_arn", Attribute::required(Type::String))
            .attr("format", Attribute::optional(Type::String).default("CSV"))
            .attr("prefix", Attribute::optional(Type::String));
        let export = Schema::new()
            .attr("output_schema_version", Attribute::optional(Type::String).default("V_1"))
            .block("destination", one(Schema::new().block("s3_bucket_destination", one(bucket))));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .block("filter", Block::list(filter).max_items(1))
            .block("storage_class_analysis", Block::list(Schema::new().block("data_export", one(export))).max_items(1))
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
        let req = api.s3.get_bucket_analytics_configuration().bucket(bucket).id(name);
        let out = api.call("GetBucketAnalyticsConfiguration", || req.clone().send()).await?;
        let Some(c) = out.analytics_configuration() else { return Ok(None) };
        s.set("bucket", Value::from(bucket));
        s.set("name", Value::from(name));
        s.set("filter", filter_value(c.filter()));
        s.set("storage_class_analysis", analysis_value(c.storage_class_analysis()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((bucket, name)) = split(id) else { return Ok(()) };
        let req = api.s3.delete_bucket_analytics_configuration().bucket(bucket).id(name);
        api.call("DeleteBucketAnalyticsConfiguration", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        super::named::locate(self, api, planned, "filter", NOT_FOUND).await
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        super::named::import_seed(id)
    }
}
