//! S3 Tables. moto 5.2.1 answers the table bucket, namespace and table calls but not the
//! policy calls (PutTableBucketPolicy, GetTableBucketPolicy, DeleteTableBucketPolicy answer
//! 500; the table policy calls 404), so the two policy types are replayed with
//! aws-smithy-mocks, and so is the table bucket, whose read needs GetTableBucketEncryption and
//! GetTableBucketMaintenanceConfiguration (moto answers both with 500).

use crate::mocked_services::{ctx, interceptor, plan, resource, sdk};
use crate::support::obj;
use aws_sdk_s3tables::error::ErrorMetadata;
use aws_sdk_s3tables::operation::delete_table_bucket_policy::{
    DeleteTableBucketPolicyError, DeleteTableBucketPolicyOutput,
};
use aws_sdk_s3tables::operation::delete_table_policy::{DeleteTablePolicyError, DeleteTablePolicyOutput};
use aws_sdk_s3tables::operation::get_table_bucket_policy::{GetTableBucketPolicyError, GetTableBucketPolicyOutput};
use aws_sdk_s3tables::operation::get_table_policy::{GetTablePolicyError, GetTablePolicyOutput};
use aws_sdk_s3tables::operation::put_table_bucket_policy::PutTableBucketPolicyOutput;
use aws_sdk_s3tables::operation::put_table_policy::PutTablePolicyOutput;
use aws_sdk_s3tables::types::error::NotFoundException;
use aws_sdk_s3tables::Client;
use aws_smithy_mocks::{create_mock_http_client, mock, Rule};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000f1";
const BUCKET: &str = "arn:aws:s3tables:us-east-1:123456789012:bucket/analytics";
/// The same policy twice: compact as the config writes it, reformatted as AWS answers it.
const READ_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3tables:GetTableData","Resource":"*"}]}"#;
const READ_ONLY_AWS: &str = r#"{"Statement":[{"Action":"s3tables:GetTableData","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Resource":"*"}],"Version":"2012-10-17"}"#;
const READ_WRITE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":["s3tables:GetTableData","s3tables:PutTableData"],"Resource":"*"}]}"#;

fn client(rules: &[&Rule]) -> Client {
    Client::from_conf(
        aws_sdk_s3tables::config::Builder::from(&sdk())
            .http_client(create_mock_http_client())
            .interceptor(interceptor(rules))
            .build(),
    )
}

fn not_found() -> NotFoundException {
    NotFoundException::builder()
        .message("The specified resource does not exist.")
        .meta(ErrorMetadata::builder().code("NotFoundException").build())
        .build()
}

#[tokio::test]
async fn table_bucket_policy_lifecycle() {
    let put = mock!(Client::put_table_bucket_policy)
        .match_requests(|r| r.table_bucket_arn() == Some(BUCKET))
        .then_output(|| PutTableBucketPolicyOutput::builder().build());
    let get = mock!(Client::get_table_bucket_policy)
        .sequence()
        .output(|| GetTableBucketPolicyOutput::builder().resource_policy(READ_ONLY_AWS).build().unwrap())
        .times(5) // the create's read-back, find's lookup and read-back, the refresh, the import's read
        .output(|| GetTableBucketPolicyOutput::builder().resource_policy(READ_WRITE).build().unwrap())
        .error(|| GetTableBucketPolicyError::NotFoundException(not_found()))
        .repeatedly()
        .build();
    let delete = mock!(Client::delete_table_bucket_policy)
        .sequence()
        .output(|| DeleteTableBucketPolicyOutput::builder().build())
        .error(|| DeleteTableBucketPolicyError::NotFoundException(not_found()))
        .build();
    let c = client(&[&put, &get, &delete]);
    let ctx = ctx("aws_s3tables_table_bucket_policy.p", |cl| cl.s3tables = c).with_idempotency_token(TOKEN);
    let rt = resource("aws_s3tables_table_bucket_policy");
    let config =
        |policy: &str| obj([("table_bucket_arn", Value::from(BUCKET)), ("resource_policy", Value::from(policy))]);

    let planned = plan(&rt, &ctx, None, &config(READ_ONLY)).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(state.get("id"), &Value::from(BUCKET));
    assert_eq!(state.get("resource_policy"), &Value::from(READ_ONLY), "an equivalent answer keeps the configured text");
    let found = rt.find(&ctx, TOKEN, &planned).await.unwrap().expect("found by its equivalent policy");
    assert_eq!(found.get("id"), &Value::from(BUCKET));

    let refreshed = rt.read(&ctx, &state).await.unwrap().expect("still there");
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &config(READ_ONLY)).await, refreshed, "a clean re-plan");
    let imported = rt.import(&ctx, BUCKET).await.unwrap();
    assert_eq!(imported.get("table_bucket_arn"), &Value::from(BUCKET));
    assert!(rt.import(&ctx, "analytics").await.is_err(), "an import ID that is not an ARN is refused");

    let changed = plan(&rt, &ctx, Some(&refreshed), &config(READ_WRITE)).await;
    let updated = rt.update(&ctx, &refreshed, &changed).await.unwrap();
    assert_eq!(put.num_calls(), 2);
    assert_eq!(updated.get("resource_policy"), &Value::from(READ_WRITE));

    rt.delete(&ctx, &updated).await.unwrap();
    rt.delete(&ctx, &updated).await.expect("a second delete is harmless");
    assert!(rt.read(&ctx, &updated).await.unwrap().is_none());
}

#[tokio::test]
async fn table_policy_lifecycle() {
    let id = format!("{BUCKET};sales;orders");
    let is_table = |arn: Option<&str>, ns: Option<&str>, name: Option<&str>| {
        arn == Some(BUCKET) && ns == Some("sales") && name == Some("orders")
    };
    let put = mock!(Client::put_table_policy)
        .match_requests(move |r| is_table(r.table_bucket_arn(), r.namespace(), r.name()))
        .then_output(|| PutTablePolicyOutput::builder().build());
    let get = mock!(Client::get_table_policy)
        .match_requests(move |r| is_table(r.table_bucket_arn(), r.namespace(), r.name()))
        .sequence()
        .output(|| GetTablePolicyOutput::builder().resource_policy(READ_ONLY_AWS).build().unwrap())
        .times(5)
        .output(|| GetTablePolicyOutput::builder().resource_policy(READ_WRITE).build().unwrap())
        .error(|| GetTablePolicyError::NotFoundException(not_found()))
        .repeatedly()
        .build();
    let delete = mock!(Client::delete_table_policy)
        .sequence()
        .output(|| DeleteTablePolicyOutput::builder().build())
        .error(|| DeleteTablePolicyError::NotFoundException(not_found()))
        .build();
    let c = client(&[&put, &get, &delete]);
    let ctx = ctx("aws_s3tables_table_policy.p", |cl| cl.s3tables = c).with_idempotency_token(TOKEN);
    let rt = resource("aws_s3tables_table_policy");
    let config = |policy: &str| {
        obj([
            ("table_bucket_arn", Value::from(BUCKET)),
            ("namespace", Value::from("sales")),
            ("name", Value::from("orders")),
            ("resource_policy", Value::from(policy)),
        ])
    };

    let planned = plan(&rt, &ctx, None, &config(READ_ONLY)).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(state.get("id"), &Value::from(id.as_str()));
    assert_eq!(state.get("resource_policy"), &Value::from(READ_ONLY));
    let found = rt.find(&ctx, TOKEN, &planned).await.unwrap().expect("found by its equivalent policy");
    assert_eq!(found.get("id"), &Value::from(id.as_str()));

    let refreshed = rt.read(&ctx, &state).await.unwrap().expect("still there");
    assert_eq!(plan(&rt, &ctx, Some(&refreshed), &config(READ_ONLY)).await, refreshed, "a clean re-plan");
    let imported = rt.import(&ctx, &id).await.unwrap();
    assert_eq!(imported.get("namespace"), &Value::from("sales"));
    assert_eq!(imported.get("name"), &Value::from("orders"));
    assert_eq!(imported.get("table_bucket_arn"), &Value::from(BUCKET));
    let bad = rt.import(&ctx, "sales;orders").await.unwrap_err();
    assert!(format!("{bad:?}").contains("table_bucket_arn;namespace;name"), "{bad:?}");

    let changed = plan(&rt, &ctx, Some(&refreshed), &config(READ_WRITE)).await;
    let updated = rt.update(&ctx, &refreshed, &changed).await.unwrap();
    assert_eq!(put.num_calls(), 2);
    assert_eq!(updated.get("resource_policy"), &Value::from(READ_WRITE));

    rt.delete(&ctx, &updated).await.unwrap();
    rt.delete(&ctx, &updated).await.expect("a second delete is harmless");
    assert!(rt.read(&ctx, &updated).await.unwrap().is_none());
}

mod table_bucket {
    use super::*;
    use aws_sdk_s3tables::operation::create_table_bucket::CreateTableBucketOutput;
    use aws_sdk_s3tables::operation::delete_table_bucket::{DeleteTableBucketError, DeleteTableBucketOutput};
    use aws_sdk_s3tables::operation::get_table_bucket::{GetTableBucketError, GetTableBucketOutput};
    use aws_sdk_s3tables::operation::get_table_bucket_encryption::GetTableBucketEncryptionOutput;
    use aws_sdk_s3tables::operation::get_table_bucket_maintenance_configuration::GetTableBucketMaintenanceConfigurationOutput;
    use aws_sdk_s3tables::operation::list_table_buckets::ListTableBucketsOutput;
    use aws_sdk_s3tables::operation::put_table_bucket_maintenance_configuration::PutTableBucketMaintenanceConfigurationOutput;
    use aws_sdk_s3tables::types::{
        EncryptionConfiguration, IcebergUnreferencedFileRemovalSettings, MaintenanceStatus, SseAlgorithm,
        TableBucketMaintenanceConfigurationValue, TableBucketMaintenanceSettings, TableBucketMaintenanceType,
        TableBucketSummary,
    };
    use aws_smithy_types::DateTime;

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/k-1";

    fn maintenance(status: &str, days: i32) -> GetTableBucketMaintenanceConfigurationOutput {
        let settings =
            IcebergUnreferencedFileRemovalSettings::builder().unreferenced_days(days).non_current_days(10).build();
        let value = TableBucketMaintenanceConfigurationValue::builder()
            .status(MaintenanceStatus::from(status))
            .settings(TableBucketMaintenanceSettings::IcebergUnreferencedFileRemoval(settings))
            .build();
        GetTableBucketMaintenanceConfigurationOutput::builder()
            .table_bucket_arn(BUCKET)
            .configuration(TableBucketMaintenanceType::IcebergUnreferencedFileRemoval, value)
            .build()
            .unwrap()
    }

    fn config(days: i64) -> Value {
        obj([
            ("name", Value::from("analytics")),
            (
                "encryption_configuration",
                Value::object([("sse_algorithm", Value::from("aws:kms")), ("kms_key_arn", Value::from(KEY))]),
            ),
            (
                "maintenance_configuration",
                Value::object([(
                    "iceberg_unreferenced_file_removal",
                    Value::object([
                        (
                            "settings",
                            Value::object([
                                ("non_current_days", Value::from(10i64)),
                                ("unreferenced_days", Value::from(days)),
                            ]),
                        ),
                        ("status", Value::from("enabled")),
                    ]),
                )]),
            ),
        ])
    }

    #[tokio::test]
    async fn table_bucket_lifecycle() {
        let create = mock!(Client::create_table_bucket)
            .match_requests(|r| {
                r.name() == Some("analytics")
                    && r.encryption_configuration().is_some_and(|e| e.kms_key_arn() == Some(KEY))
            })
            .then_output(|| CreateTableBucketOutput::builder().arn(BUCKET).build().unwrap());
        let get = mock!(Client::get_table_bucket)
            .sequence()
            .output(|| {
                GetTableBucketOutput::builder()
                    .arn(BUCKET)
                    .name("analytics")
                    .owner_account_id("123456789012")
                    .created_at(DateTime::from_secs(1_765_000_000))
                    .build()
                    .unwrap()
            })
            .times(5) // the create's read-back, find's, the refresh, the import's, the update's read-back
            .error(|| GetTableBucketError::NotFoundException(not_found()))
            .repeatedly()
            .build();
        let encryption = mock!(Client::get_table_bucket_encryption).then_output(|| {
            let e = EncryptionConfiguration::builder()
                .sse_algorithm(SseAlgorithm::AwsKms)
                .kms_key_arn(KEY)
                .build()
                .unwrap();
            GetTableBucketEncryptionOutput::builder().encryption_configuration(e).build()
        });
        let get_maintenance = mock!(Client::get_table_bucket_maintenance_configuration)
            .sequence()
            .output(|| maintenance("enabled", 3))
            .times(4)
            .output(|| maintenance("enabled", 7))
            .repeatedly()
            .build();
        let put_maintenance = mock!(Client::put_table_bucket_maintenance_configuration)
            .match_requests(|r| {
                r.table_bucket_arn() == Some(BUCKET)
                    && r.r#type() == Some(&TableBucketMaintenanceType::IcebergUnreferencedFileRemoval)
            })
            .then_output(|| PutTableBucketMaintenanceConfigurationOutput::builder().build());
        let list = mock!(Client::list_table_buckets).then_output(|| {
            let b = TableBucketSummary::builder()
                .arn(BUCKET)
                .name("analytics")
                .owner_account_id("123456789012")
                .created_at(DateTime::from_secs(1_765_000_000))
                .build()
                .unwrap();
            ListTableBucketsOutput::builder().table_buckets(b).build().unwrap()
        });
        let delete = mock!(Client::delete_table_bucket)
            .sequence()
            .output(|| DeleteTableBucketOutput::builder().build())
            .error(|| DeleteTableBucketError::NotFoundException(not_found()))
            .build();
        let c = client(&[&create, &get, &encryption, &get_maintenance, &put_maintenance, &list, &delete]);
        let ctx = ctx("aws_s3tables_table_bucket.b", |cl| cl.s3tables = c).with_idempotency_token(TOKEN);
        let rt = resource("aws_s3tables_table_bucket");

        let planned = plan(&rt, &ctx, None, &config(3)).await;
        let state = rt.create(&ctx, &planned).await.unwrap();
        assert_eq!(state.get("id"), &Value::from(BUCKET));
        assert_eq!(state.get("arn"), &Value::from(BUCKET));
        assert_eq!(state.get("owner_account_id"), &Value::from("123456789012"));
        assert_eq!(state.get("encryption_configuration").get_str("kms_key_arn"), Some(KEY));
        assert_eq!(put_maintenance.num_calls(), 1, "the maintenance settings follow the create");
        let found = rt.find(&ctx, TOKEN, &planned).await.unwrap().expect("found by name and encryption");
        assert_eq!(found.get("id"), &Value::from(BUCKET));

        let refreshed = rt.read(&ctx, &state).await.unwrap().expect("still there");
        assert_eq!(plan(&rt, &ctx, Some(&refreshed), &config(3)).await, refreshed, "a clean re-plan");
        let imported = rt.import(&ctx, BUCKET).await.unwrap();
        assert_eq!(imported.get("name"), &Value::from("analytics"));
        assert!(rt.import(&ctx, "analytics").await.is_err(), "an import ID that is not an ARN is refused");

        let changed = plan(&rt, &ctx, Some(&refreshed), &config(7)).await;
        let updated = rt.update(&ctx, &refreshed, &changed).await.unwrap();
        assert_eq!(put_maintenance.num_calls(), 3, "the create's, find's (it finishes the follow-ups), the update's");
        let removal = updated.get("maintenance_configuration").get("iceberg_unreferenced_file_removal");
        assert_eq!(removal.get("settings").get("unreferenced_days"), &Value::from(7i64));

        rt.delete(&ctx, &updated).await.unwrap();
        rt.delete(&ctx, &updated).await.expect("a second delete is harmless");
        assert!(rt.read(&ctx, &updated).await.unwrap().is_none());
    }
}
