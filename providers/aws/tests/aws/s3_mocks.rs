//! aws_s3_bucket_versioning's `expected_bucket_owner` and `mfa` with aws-smithy-mocks (moto's
//! GetBucketVersioning answer has the wrong XML root, see mocks.rs): both reach every
//! PutBucketVersioning, the owner also the read, and the ID is Terraform's `bucket,owner`.

use crate::mocks::{ctx_with, plan_create};
use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::operation::put_bucket_versioning::PutBucketVersioningOutput;
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDelete, MfaDeleteStatus};
use aws_sdk_s3::Client as S3;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use meshplan_provider::{Provider, Value};
use meshplan_provider_aws::AwsProvider;

use crate::support::obj;

const OWNER: &str = "111122223333";

#[tokio::test]
async fn versioning_with_expected_owner_and_mfa() {
    let put = mock!(S3::put_bucket_versioning)
        .match_requests(|r| {
            r.expected_bucket_owner() == Some(OWNER)
                && r.mfa() == Some("arn:aws:iam::111122223333:mfa/root 123456")
                && r.versioning_configuration().and_then(|c| c.mfa_delete()) == Some(&MfaDelete::Enabled)
        })
        .then_output(|| PutBucketVersioningOutput::builder().build());
    let suspend = mock!(S3::put_bucket_versioning)
        .match_requests(|r| {
            r.expected_bucket_owner() == Some(OWNER)
                && r.versioning_configuration().and_then(|c| c.status()) == Some(&BucketVersioningStatus::Suspended)
        })
        .then_output(|| PutBucketVersioningOutput::builder().build());
    let get = mock!(S3::get_bucket_versioning)
        .match_requests(|r| r.expected_bucket_owner() == Some(OWNER))
        .then_output(|| {
            GetBucketVersioningOutput::builder()
                .status(BucketVersioningStatus::Enabled)
                .mfa_delete(MfaDeleteStatus::Enabled)
                .build()
        });
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &suspend, &get]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = ctx_with(eks, Some(s3), "aws_s3_bucket_versioning.audit");
    let rt = AwsProvider.resource_types().into_iter().find(|r| r.type_name() == "aws_s3_bucket_versioning").unwrap();
    let config = obj([
        ("bucket", Value::from("audit")),
        ("expected_bucket_owner", Value::from(OWNER)),
        ("mfa", Value::from("arn:aws:iam::111122223333:mfa/root 123456")),
        (
            "versioning_configuration",
            Value::List(vec![obj([("status", Value::from("Enabled")), ("mfa_delete", Value::from("Enabled"))])]),
        ),
    ]);
    let state = rt.create(&ctx, &plan_create(&rt, &ctx, &config).await).await.expect("create");
    assert_eq!(put.num_calls(), 1);
    assert_eq!(state.get("id"), &Value::from(format!("audit,{OWNER}")));
    assert_eq!(state.get("mfa"), config.get("mfa"), "kept from the configuration, never read");
    let imported = rt.import(&ctx, &format!("audit,{OWNER}")).await.expect("import");
    assert_eq!(imported.get("bucket"), &Value::from("audit"));
    assert_eq!(imported.get("expected_bucket_owner"), &Value::from(OWNER));
    rt.delete(&ctx, &state).await.expect("delete");
    assert_eq!(suspend.num_calls(), 1, "destroy suspends, with the owner check");
}
