//! S3 Tables. moto 5.2.1 answers the table bucket, namespace and table calls but not the
//! policy calls (PutTableBucketPolicy, GetTableBucketPolicy, DeleteTableBucketPolicy answer
//! 500; the table policy calls 404), so the two policy types are replayed with
//! aws-smithy-mocks.

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
