//! aws_s3_directory_bucket with aws-smithy-mocks: moto 5.2.1 has no directory buckets.
//! The create carries the zone and bucket type, the ARN is S3 Express's, an import finds the
//! zone in the name, and `force_destroy` empties the bucket first.

use crate::kms_import::{interceptor, sdk};
use crate::mocks::plan_create;
use aws_sdk_s3::operation::create_bucket::CreateBucketOutput;
use aws_sdk_s3::operation::delete_bucket::DeleteBucketOutput;
use aws_sdk_s3::operation::delete_objects::DeleteObjectsOutput;
use aws_sdk_s3::operation::head_bucket::HeadBucketOutput;
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::types::{BucketType, DataRedundancy, LocationType, Object};
use aws_sdk_s3::Client as S3;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_sdk_sts::Client as Sts;
use aws_smithy_mocks::{create_mock_http_client, mock};
use meshplan_provider::{Ctx, PlanRequest, Provider, Value};
use meshplan_provider_aws::{AwsClients, AwsProvider, Settings};
use std::sync::Arc;

use crate::support::{complete, obj};

const BUCKET: &str = "logs--use1-az4--x-s3";

#[tokio::test]
async fn directory_bucket_lifecycle() {
    let create = mock!(S3::create_bucket)
        .match_requests(|r| {
            let c = r.create_bucket_configuration();
            r.bucket() == Some(BUCKET)
                && c.and_then(|c| c.location()).and_then(|l| l.name()) == Some("use1-az4")
                && c.and_then(|c| c.location()).and_then(|l| l.r#type()) == Some(&LocationType::AvailabilityZone)
                && c.and_then(|c| c.bucket()).and_then(|b| b.r#type()) == Some(&BucketType::Directory)
                && c.and_then(|c| c.bucket()).and_then(|b| b.data_redundancy())
                    == Some(&DataRedundancy::SingleAvailabilityZone)
        })
        .then_output(|| CreateBucketOutput::builder().location("/logs--use1-az4--x-s3").build());
    let head = mock!(S3::head_bucket).then_output(|| HeadBucketOutput::builder().build());
    let list = mock!(S3::list_objects_v2)
        .sequence()
        .output(|| ListObjectsV2Output::builder().contents(Object::builder().key("a.log").build()).build())
        .output(|| ListObjectsV2Output::builder().build())
        .build();
    let delete_objects = mock!(S3::delete_objects)
        .match_requests(|r| r.delete().is_some_and(|d| d.objects().iter().any(|o| o.key() == "a.log")))
        .then_output(|| DeleteObjectsOutput::builder().build());
    let delete = mock!(S3::delete_bucket).then_output(|| DeleteBucketOutput::builder().build());
    let identity = mock!(Sts::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder().account("123456789012").arn("arn:aws:iam::123456789012:root").build()
    });
    let s3_rules = [create, head, list, delete_objects, delete];
    let sdk = sdk();
    let mut clients = AwsClients::from_sdk_config(&sdk, &Settings::default());
    let s3 = aws_sdk_s3::Config::new(&sdk)
        .to_builder()
        .http_client(create_mock_http_client())
        .interceptor(interceptor(&s3_rules))
        .disable_s3_express_session_auth(true)
        .build();
    clients.s3 = S3::from_conf(s3);
    let sts = aws_sdk_sts::Config::new(&sdk)
        .to_builder()
        .http_client(create_mock_http_client())
        .interceptor(interceptor(std::slice::from_ref(&identity)))
        .build();
    clients.sts = Sts::from_conf(sts);
    let ctx = Ctx::new(Arc::new(clients), "aws_s3_directory_bucket.logs");
    let rt = AwsProvider.resource_types().into_iter().find(|r| r.type_name() == "aws_s3_directory_bucket").unwrap();

    let config = obj([
        ("bucket", Value::from(BUCKET)),
        ("force_destroy", Value::from(true)),
        ("location", Value::List(vec![obj([("name", Value::from("use1-az4"))])])),
    ]);
    let planned = plan_create(&rt, &ctx, &config).await;
    let state = rt.create(&ctx, &planned).await.expect("create");
    assert_eq!(s3_rules[0].num_calls(), 1, "CreateBucket with the zone and the bucket type");
    assert_eq!(state.get("id"), &Value::from(BUCKET));
    assert_eq!(state.get("arn"), &Value::from(format!("arn:aws:s3express:us-east-1:123456789012:bucket/{BUCKET}")));
    assert_eq!(state.get("data_redundancy"), &Value::from("SingleAvailabilityZone"));
    assert_eq!(state.get("type"), &Value::from("Directory"));
    let refreshed = rt.read(&ctx, &state).await.unwrap().expect("exists");
    let full = complete(&rt.schema(), &config);
    let replan = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &full }).await.unwrap();
    assert_eq!(replan.state, refreshed, "no changes");
    let other_zone = complete(
        &rt.schema(),
        &obj([
            ("bucket", Value::from(BUCKET)),
            ("location", Value::List(vec![obj([("name", Value::from("use1-az5"))])])),
        ]),
    );
    let replan = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &other_zone }).await.unwrap();
    assert!(replan.replaces(), "another zone is another bucket");
    let found = rt.find(&ctx.clone().with_idempotency_token("mp-1"), "mp-1", &planned).await.unwrap();
    assert_eq!(found.map(|f| f.get("id").clone()), Some(Value::from(BUCKET)));
    let imported = rt.import(&ctx, BUCKET).await.unwrap();
    assert_eq!(imported.get("location").as_list().unwrap()[0].get("name"), &Value::from("use1-az4"));
    rt.delete(&ctx, &state).await.expect("delete");
    assert_eq!(s3_rules[3].num_calls(), 1, "force_destroy empties the bucket first");
    assert_eq!(s3_rules[4].num_calls(), 1);
}
