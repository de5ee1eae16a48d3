//! `aws_s3_bucket_inventory`: one named inventory report of a bucket. ID and import ID:
//! `bucket:name`, as in Terraform. Crash safety: a PUT of the whole named configuration
//! (idempotent); found when the bucket has the planned name with the planned destination.

use super::doc::{blocks, string_set};
use super::named::split;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, one_block, string_list};
use aws_sdk_s3::types::{
    InventoryConfiguration, InventoryDestination, InventoryEncryption, InventoryFilter, InventoryFormat,
    InventoryFrequency, InventoryIncludedObjectVersions, InventoryOptionalField, InventoryS3BucketDestination,
    InventorySchedule, Ssekms, Sses3,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Inventory;

const NOT_FOUND: &[&str] = &["NoSuchConfiguration", "NoSuchBucket", "NotFound"];

fn opt(v: &Value, k: &str) -> Option<String> {
    v.get_str(k).map(str::to_string)
}

fn document(name: &str, p: &Value) -> Result<InventoryConfiguration, String> {
    let b = one_block(one_block(p.get("destination")).get("bucket"));
    let enc = one_block(b.get("encryption"));
    let kms = one_block(enc.get("sse_kms"));
    let encryption = (!enc.is_null()).then(|| -> Result<_, String> {
        Ok(InventoryEncryption::builder()
            .set_ssekms(
                kms.get_str("key_id")
                    .map(|k| Ssekms::builder().key_id(k).build())
                    .transpose()
                    .map_err(|e| e.to_string())?,
            )
            .set_sses3(blocks(enc, "sse_s3").first().map(|_| Sses3::builder().build()))
            .build())
    });
    let destination = InventoryS3BucketDestination::builder()
        .set_account_id(opt(b, "account_id"))
        .bucket(b.get_str("bucket_arn").unwrap_or_default())
        .format(InventoryFormat::from(b.get_str("format").unwrap_or("CSV")))
        .set_prefix(opt(b, "prefix"))
        .set_encryption(encryption.transpose()?)
        .build()
        .map_err(|e| e.to_string())?;
    let filter = one_block(p.get("filter"));
    let schedule = one_block(p.get("schedule"));
    InventoryConfiguration::builder()
        .id(name)
        .is_enabled(p.get("enabled").as_bool().unwrap_or(true))
        .included_object_versions(InventoryIncludedObjectVersions::from(
            p.get_str("included_object_versions").unwrap_or("All"),
        ))
        .set_optional_fields(
            Some(
                string_list(p.get("optional_fields"))
                    .iter()
                    .map(|f| InventoryOptionalField::from(f.as_str()))
                    .collect::<Vec<_>>(),
            )
            .filter(|f| !f.is_empty()),
        )
        .destination(InventoryDestination::builder().s3_bucket_destination(destination).build())
        .set_filter(
            filter
                .get_str("prefix")
                .map(|px| InventoryFilter::builder().prefix(px).build())
                .transpose()
                .map_err(|e| e.to_string())?,
        )
        .schedule(
            InventorySchedule::builder()
                .frequency(InventoryFrequency::from(schedule.get_str("frequency").unwrap_or("Weekly")))
                .build()
                .map_err(|e| e.to_string())?,
        )
        .build()
        .map_err(|e| e.to_string())
}

async fn put(api: &Api<'_>, p: &Value) -> Result<(), AwsError> {
    let name = p.get_str("name").unwrap_or_default();
    let doc = document(name, p).map_err(|e| api.invalid("destination", e))?;
    let req = api
        .s3
        .put_bucket_inventory_configuration()
        .bucket(p.get_str("bucket").unwrap_or_default())
        .id(name)
        .inventory_configuration(doc);
    api.call("PutBucketInventoryConfiguration", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Inventory {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_inventory"
    }

    fn schema(&self) -> Schema {
        let kms = Schema::new().attr("key_id", Attribute::required(Type::String));
        let encryption = Schema::new()
            .block("sse_kms", Block::list(kms).max_items(1))
            .block("sse_s3", Block::list(Schema::new()).max_items(1));
        let bucket = Schema::new()
            .attr("account_id", Attribute::optional(Type::String))
            .attr("bucket_arn", Attribute::required(Type::String))
            .attr("format", Attribute::required(Type::String))
            .attr("prefix", Attribute::optional(Type::String))
            .block("encryption", Block::list(encryption).max_items(1));
        let one = |s: Schema| Block::list(s).min_items(1).max_items(1);
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("enabled", Attribute::optional(Type::Bool).default(true))
            .attr("included_object_versions", Attribute::required(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("optional_fields", Attribute::optional(Type::set(Type::String)))
            .block("destination", one(Schema::new().block("bucket", one(bucket))))
            .block("filter", Block::list(Schema::new().attr("prefix", Attribute::optional(Type::String))).max_items(1))
            .block("schedule", one(Schema::new().attr("frequency", Attribute::required(Type::String))))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        Ok(format!(
            "{}:{}",
            req.planned.get_str("bucket").unwrap_or_default(),
            req.planned.get_str("name").unwrap_or_default()
        ))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((bucket, name)) = split(id) else { return Ok(None) };
        let req = api.s3.get_bucket_inventory_configuration().bucket(bucket).id(name);
        let out = api.call("GetBucketInventoryConfiguration", || req.clone().send()).await?;
        let Some(c) = out.inventory_configuration() else { return Ok(None) };
        let d = c.destination().and_then(|d| d.s3_bucket_destination());
        let enc = d.and_then(|d| d.encryption()).map(|e| {
            Value::object([
                (
                    "sse_kms",
                    block_list(
                        e.ssekms().map(|k| Value::object([("key_id", Value::from(k.key_id()))])).unwrap_or(Value::Null),
                    ),
                ),
                ("sse_s3", block_list(e.sses3().map(|_| Value::empty_object()).unwrap_or(Value::Null))),
            ])
        });
        let dest = d.map(|d| {
            Value::object([(
                "bucket",
                block_list(Value::object([
                    ("account_id", d.account_id().map(Value::from).unwrap_or(Value::Null)),
                    ("bucket_arn", Value::from(d.bucket())),
                    ("format", Value::from(d.format().as_str())),
                    ("prefix", d.prefix().map(Value::from).unwrap_or(Value::Null)),
                    ("encryption", block_list(enc.unwrap_or(Value::Null))),
                ])),
            )])
        });
        let fields: Vec<String> = c.optional_fields().iter().map(|f| f.as_str().to_string()).collect();
        s.set("bucket", Value::from(bucket));
        s.set("name", Value::from(name));
        s.set("enabled", Value::from(c.is_enabled()));
        s.set("included_object_versions", Value::from(c.included_object_versions().as_str()));
        s.set("optional_fields", string_set(s.get("optional_fields"), &fields));
        s.set("destination", block_list(dest.unwrap_or(Value::Null)));
        s.set(
            "filter",
            block_list(c.filter().map(|f| Value::object([("prefix", Value::from(f.prefix()))])).unwrap_or(Value::Null)),
        );
        s.set(
            "schedule",
            block_list(
                c.schedule()
                    .map(|sc| Value::object([("frequency", Value::from(sc.frequency().as_str()))]))
                    .unwrap_or(Value::Null),
            ),
        );
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((bucket, name)) = split(id) else { return Ok(()) };
        let req = api.s3.delete_bucket_inventory_configuration().bucket(bucket).id(name);
        api.call("DeleteBucketInventoryConfiguration", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        super::named::locate(self, api, planned, "destination", NOT_FOUND).await
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        super::named::import_seed(id)
    }
}
