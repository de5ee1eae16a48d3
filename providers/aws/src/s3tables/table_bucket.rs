//! `aws_s3tables_table_bucket`. ID and import ID: the table bucket's ARN. Names are unique
//! per account and region, so a resent create that meets ConflictException looks the bucket
//! up by name and adopts it only when its encryption is the planned one.

use super::NOT_FOUND;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create};
use aws_sdk_s3tables::types::{
    EncryptionConfiguration, IcebergUnreferencedFileRemovalSettings, MaintenanceStatus, SseAlgorithm,
    TableBucketMaintenanceConfigurationValue, TableBucketMaintenanceSettings, TableBucketMaintenanceType,
};
use aws_smithy_types::date_time::Format;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct TableBucket;

fn object(fields: &[(&str, Type)]) -> Type {
    Type::Object(fields.iter().map(|(k, t)| (k.to_string(), t.clone())).collect())
}

/// The configured encryption, or an error naming the attribute when it is incomplete.
pub(super) fn encryption(api: &Api<'_>, planned: &Value) -> Result<Option<EncryptionConfiguration>, AwsError> {
    let e = planned.get("encryption_configuration");
    if e.is_null() {
        return Ok(None);
    }
    let Some(algorithm) = e.get_str("sse_algorithm") else {
        return Err(api.invalid("encryption_configuration", "sse_algorithm is required (AES256 or aws:kms)"));
    };
    if !matches!(algorithm, "AES256" | "aws:kms") {
        return Err(api.invalid("encryption_configuration", format!("sse_algorithm {algorithm:?}: AES256 or aws:kms")));
    }
    EncryptionConfiguration::builder()
        .sse_algorithm(SseAlgorithm::from(algorithm))
        .set_kms_key_arn(e.get_str("kms_key_arn").map(str::to_string))
        .build()
        .map(Some)
        .map_err(|err| api.invalid("encryption_configuration", err.to_string()))
}

pub(super) fn encryption_value(e: &EncryptionConfiguration) -> Value {
    Value::object([
        ("kms_key_arn", e.kms_key_arn().map(Value::from).unwrap_or(Value::Null)),
        ("sse_algorithm", Value::from(e.sse_algorithm().as_str())),
    ])
}

pub(super) fn status(api: &Api<'_>, at: &str, v: &Value) -> Result<MaintenanceStatus, AwsError> {
    match v.get_str("status") {
        Some(s @ ("enabled" | "disabled")) => Ok(MaintenanceStatus::from(s)),
        other => Err(api.invalid(at, format!("status {other:?}: enabled or disabled"))),
    }
}

pub(super) fn days(v: &Value, key: &str) -> Option<i32> {
    v.get("settings").get(key).as_i64().and_then(|n| i32::try_from(n).ok())
}

pub(super) fn number(n: Option<i32>) -> Value {
    n.map(|n| Value::from(i64::from(n))).unwrap_or(Value::Null)
}

async fn put_maintenance(api: &Api<'_>, arn: &str, planned: &Value) -> Result<(), AwsError> {
    let m = planned.get("maintenance_configuration").get("iceberg_unreferenced_file_removal");
    if m.is_null() {
        return Ok(());
    }
    let settings = IcebergUnreferencedFileRemovalSettings::builder()
        .set_unreferenced_days(days(m, "unreferenced_days"))
        .set_non_current_days(days(m, "non_current_days"))
        .build();
    let value = TableBucketMaintenanceConfigurationValue::builder()
        .status(status(api, "maintenance_configuration", m)?)
        .settings(TableBucketMaintenanceSettings::IcebergUnreferencedFileRemoval(settings))
        .build();
    let req = api
        .s3tables
        .put_table_bucket_maintenance_configuration()
        .table_bucket_arn(arn)
        .r#type(TableBucketMaintenanceType::IcebergUnreferencedFileRemoval)
        .value(value);
    api.call("PutTableBucketMaintenanceConfiguration", || req.clone().send()).await?;
    Ok(())
}

async fn remote_encryption(api: &Api<'_>, arn: &str) -> Result<Option<EncryptionConfiguration>, AwsError> {
    let req = api.s3tables.get_table_bucket_encryption().table_bucket_arn(arn);
    let out = api.call("GetTableBucketEncryption", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| o.encryption_configuration().cloned()))
}

#[async_trait]
impl AwsResource for TableBucket {
    fn type_name(&self) -> &'static str {
        "aws_s3tables_table_bucket"
    }

    fn schema(&self) -> Schema {
        let removal = object(&[
            ("settings", object(&[("non_current_days", Type::Number), ("unreferenced_days", Type::Number)])),
            ("status", Type::String),
        ]);
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("created_at", Attribute::computed(Type::String))
            .attr(
                "encryption_configuration",
                Attribute::optional(object(&[("kms_key_arn", Type::String), ("sse_algorithm", Type::String)])),
            )
            .attr(
                "maintenance_configuration",
                Attribute::optional_computed(object(&[("iceberg_unreferenced_file_removal", removal)])),
            )
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("owner_account_id", Attribute::computed(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let call = api
            .s3tables
            .create_table_bucket()
            .name(p.get_str("name").unwrap_or_default())
            .set_encryption_configuration(encryption(api, p)?);
        let conflicts = CreateCall { conflicts: &["ConflictException"], ..CreateCall::default() };
        let created = api
            .create("CreateTableBucket", conflicts, || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        created.id(|o| Some(o.arn())).ok_or_else(|| missing_id(api, "CreateTableBucket"))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _t: Duration) -> Result<(), AwsError> {
        put_maintenance(api, id, planned).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let req = api.s3tables.get_table_bucket().table_bucket_arn(id);
        let Some(b) = api.call("GetTableBucket", || req.clone().send()).await.or_not_found(NOT_FOUND)? else {
            return Ok(None);
        };
        s.set("arn", Value::from(b.arn()));
        s.set("name", Value::from(b.name()));
        s.set("owner_account_id", Value::from(b.owner_account_id()));
        s.set("created_at", Value::from(b.created_at().fmt(Format::DateTime).unwrap_or_default()));
        // AWS encrypts every bucket (AES256 unless told otherwise): unset stays unset.
        let e = remote_encryption(api, id).await?;
        let default =
            e.as_ref().is_some_and(|e| *e.sse_algorithm() == SseAlgorithm::Aes256 && e.kms_key_arn().is_none());
        if !(s.get("encryption_configuration").is_null() && (e.is_none() || default)) {
            s.set("encryption_configuration", e.as_ref().map(encryption_value).unwrap_or(Value::Null));
        }
        let req = api.s3tables.get_table_bucket_maintenance_configuration().table_bucket_arn(id);
        let out = api.call("GetTableBucketMaintenanceConfiguration", || req.clone().send()).await?;
        let removal = out.configuration().get(&TableBucketMaintenanceType::IcebergUnreferencedFileRemoval);
        let maintenance = removal.map(|v| {
            let settings = v.settings().and_then(|s| s.as_iceberg_unreferenced_file_removal().ok());
            Value::object([(
                "iceberg_unreferenced_file_removal",
                Value::object([
                    (
                        "settings",
                        Value::object([
                            ("non_current_days", number(settings.and_then(|x| x.non_current_days()))),
                            ("unreferenced_days", number(settings.and_then(|x| x.unreferenced_days()))),
                        ]),
                    ),
                    ("status", v.status().map(|x| Value::from(x.as_str())).unwrap_or(Value::Null)),
                ]),
            )])
        });
        s.set("maintenance_configuration", maintenance.unwrap_or(Value::Null));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("encryption_configuration") {
            match encryption(api, planned)? {
                Some(e) => {
                    let req =
                        api.s3tables.put_table_bucket_encryption().table_bucket_arn(id).encryption_configuration(e);
                    api.call("PutTableBucketEncryption", || req.clone().send()).await?;
                }
                None => {
                    let req = api.s3tables.delete_table_bucket_encryption().table_bucket_arn(id);
                    api.call("DeleteTableBucketEncryption", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
                }
            }
        }
        if changed("maintenance_configuration") {
            put_maintenance(api, id, planned).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.s3tables.delete_table_bucket().table_bucket_arn(id);
        api.call("DeleteTableBucket", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let name = planned.get_str("name").unwrap_or_default();
        let req = api.s3tables.list_table_buckets().prefix(name);
        let out = api.call("ListTableBuckets", || req.clone().send()).await?;
        let Some(arn) = out.table_buckets().iter().find(|b| b.name() == name).map(|b| b.arn().to_string()) else {
            return Ok(None);
        };
        // Adopted only with the planned encryption (unset: AWS's default, AES256).
        let want = encryption(api, planned)?;
        let have = remote_encryption(api, &arn).await?;
        let algorithm = |e: &Option<EncryptionConfiguration>| {
            e.as_ref().map(|e| (e.sse_algorithm().as_str().to_string(), e.kms_key_arn().map(str::to_string)))
        };
        let default = Some(("AES256".to_string(), None));
        let (want, have) = (algorithm(&want).or(default.clone()), algorithm(&have).or(default));
        Ok((want == have).then_some(arn))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        if !id.starts_with("arn:") || !id.contains(":bucket/") {
            return Err(format!(
                "import ID {id:?} is not a table bucket ARN (arn:aws:s3tables:REGION:ACCOUNT:bucket/NAME)"
            ));
        }
        Ok(vec![("id", Value::from(id)), ("arn", Value::from(id))])
    }
}
