//! Data sources aws_iam_policy (by ARN, name, path prefix), aws_service_principal and
//! aws_cloudfront_log_delivery_canonical_user_id.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

#[tokio::test]
async fn iam_policy_by_arn_name_and_path_prefix() {
    let h = Harness::new().await;
    let document =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}"#;
    let mine = h
        .create(
            "aws_iam_policy",
            &obj([
                ("name", Value::from("list-buckets")),
                ("path", Value::from("/team/")),
                ("description", Value::from("lists")),
                ("policy", Value::from(document)),
                ("tags", tags([("team", "mesh")])),
            ]),
        )
        .await;
    let arn = s(&mine, "arn");

    let by_arn = h.data("aws_iam_policy", &obj([("arn", Value::from(arn.as_str()))])).await;
    assert_eq!(by_arn.get("id"), &Value::from(arn.as_str()));
    assert_eq!(by_arn.get("name"), &Value::from("list-buckets"));
    assert_eq!(by_arn.get("path"), &Value::from("/team/"));
    assert_eq!(by_arn.get("description"), &Value::from("lists"));
    assert!(s(&by_arn, "policy").contains("s3:ListBucket"), "{by_arn}");
    assert_eq!(by_arn.get("policy_id"), mine.get("policy_id"));
    assert_eq!(by_arn.get("tags"), &tags([("team", "mesh")]));

    let by_name = h.data("aws_iam_policy", &obj([("name", Value::from("list-buckets"))])).await;
    assert_eq!(by_name.get("arn"), &Value::from(arn.as_str()));
    let by_prefix = h.data("aws_iam_policy", &obj([("path_prefix", Value::from("/team/"))])).await;
    assert_eq!(by_prefix.get("arn"), &Value::from(arn.as_str()));
    // An AWS managed policy, as iam-user's example names it.
    let managed = h.data("aws_iam_policy", &obj([("name", Value::from("AmazonS3ReadOnlyAccess"))])).await;
    assert_eq!(managed.get("arn"), &Value::from("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"));
    assert!(s(&managed, "policy").contains("s3:Get"), "{managed}");

    let ds = h.data_source("aws_iam_policy");
    let ctx = h.ctx("data.aws_iam_policy.none");
    let none = crate::support::complete(&ds.schema(), &obj([("name", Value::from("no-such-policy"))]));
    let err = ds.read(&ctx, &none).await.unwrap_err();
    assert!(err.message.contains("0 IAM policies match"), "{}", err.message);
    assert!(err.hint.is_some());
    let bad =
        crate::support::complete(&ds.schema(), &obj([("arn", Value::from("arn:aws:iam::123456789012:policy/nope"))]));
    assert!(ds.read(&ctx, &bad).await.is_err());
}

#[tokio::test]
async fn service_principal_names() {
    let h = Harness::new().await;
    let here = h.data("aws_service_principal", &obj([("service_name", Value::from("s3"))])).await;
    assert_eq!(here.get("name"), &Value::from("s3.amazonaws.com"));
    assert_eq!(here.get("id"), &Value::from("s3.us-east-1.amazonaws.com"));
    assert_eq!(here.get("region"), &Value::from("us-east-1"));
    assert_eq!(here.get("suffix"), &Value::from("amazonaws.com"));
    let china = h
        .data(
            "aws_service_principal",
            &obj([("service_name", Value::from("s3")), ("region", Value::from("cn-north-1"))]),
        )
        .await;
    assert_eq!(china.get("name"), &Value::from("s3.amazonaws.com.cn"));
    assert_eq!(china.get("id"), &Value::from("s3.cn-north-1.amazonaws.com.cn"));
    let eks_china = h
        .data(
            "aws_service_principal",
            &obj([("service_name", Value::from("eks")), ("region", Value::from("cn-north-1"))]),
        )
        .await;
    assert_eq!(eks_china.get("name"), &Value::from("eks.amazonaws.com"));
    let iso = h
        .data(
            "aws_service_principal",
            &obj([("service_name", Value::from("logs")), ("region", Value::from("us-iso-east-1"))]),
        )
        .await;
    assert_eq!(iso.get("name"), &Value::from("logs.c2s.ic.gov"));
}

#[tokio::test]
async fn cloudfront_log_delivery_canonical_user_id() {
    let h = Harness::new().await;
    let here = h.data("aws_cloudfront_log_delivery_canonical_user_id", &obj([])).await;
    assert_eq!(here.get("id"), &Value::from("c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0"));
    let china = h
        .data("aws_cloudfront_log_delivery_canonical_user_id", &obj([("region", Value::from("cn-northwest-1"))]))
        .await;
    assert_eq!(china.get("id"), &Value::from("a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56"));
}
