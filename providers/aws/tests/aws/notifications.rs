//! aws_sns_topic, aws_sns_topic_policy and aws_lambda_permission (what s3-bucket's
//! notification module declares), aws_s3_account_public_access_block and the CloudFront
//! log delivery ID against moto. The function is made with the SDK (moto needs docker only
//! to invoke it). moto answers few topic attributes: the delivery-status ones are checked
//! in mocked_services.rs.

use crate::support::{obj, s, tags, Harness};
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000c3";

fn topic_policy(arn: &str, sid: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Principal":{{"Service":"s3.amazonaws.com"}},"Action":"SNS:Publish","Resource":"{arn}"}}]}}"#
    )
}

#[tokio::test]
async fn topic_and_policy_lifecycle() {
    let h = Harness::new().await;
    let t = "aws_sns_topic";
    let cfg = |display: &str, team: &str| {
        obj([
            ("name_prefix", Value::from("events-")),
            ("display_name", Value::from(display)),
            ("kms_master_key_id", Value::from("alias/aws/sns")),
            ("tags", tags([("team", team)])),
        ])
    };
    let (planned, topic) = h.create_with_token(t, &cfg("Events", "a"), TOKEN).await;
    let arn = s(&topic, "id");
    assert_eq!(arn, "arn:aws:sns:us-east-1:123456789012:events-mp0000000000000000000000c3");
    assert_eq!(s(&topic, "arn"), arn);
    assert_eq!(s(&topic, "name"), "events-mp0000000000000000000000c3");
    assert_eq!(s(&topic, "display_name"), "Events");
    assert_eq!(s(&topic, "kms_master_key_id"), "alias/aws/sns");
    assert_eq!(topic.get("fifo_topic"), &Value::from(false));
    assert_eq!(s(&topic, "owner"), "123456789012");
    assert_eq!(topic.get("tags"), &tags([("team", "a")]));
    h.assert_no_changes(t, &topic, &cfg("Events", "a")).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some(arn.clone()));
    assert_eq!(h.find(t, "mp-ffffffffffffffffffffffff", &planned).await, None);

    let topic2 = h.update(t, &topic, &cfg("Bucket events", "b")).await;
    assert_eq!(s(&topic2, "display_name"), "Bucket events");
    assert_eq!(topic2.get("tags"), &tags([("team", "b")]));
    h.assert_no_changes(t, &topic2, &cfg("Bucket events", "b")).await;
    let mut fifo = cfg("Bucket events", "b");
    fifo.set("fifo_topic", Value::from(true));
    h.assert_replaces(t, &topic2, &fifo, "fifo_topic").await;
    let imported = h.import(t, &arn).await;
    assert_eq!(imported.get("display_name"), topic2.get("display_name"));
    assert_eq!(imported.get("tags"), topic2.get("tags"));

    // The policy, as its own resource.
    let p = "aws_sns_topic_policy";
    let pcfg = |sid: &str| obj([("arn", Value::from(arn.as_str())), ("policy", Value::from(topic_policy(&arn, sid)))]);
    let (pplanned, policy) = h.create_with_token(p, &pcfg("S3"), TOKEN).await;
    assert_eq!(s(&policy, "id"), arn);
    assert_eq!(s(&policy, "owner"), "123456789012");
    h.assert_no_changes(p, &policy, &pcfg("S3")).await;
    assert_eq!(h.find(p, TOKEN, &pplanned).await.map(|f| s(&f, "id")), Some(arn.clone()));
    let policy2 = h.update(p, &policy, &pcfg("Other")).await;
    assert!(s(&policy2, "policy").contains("Other"), "{policy2}");
    h.assert_replaces(
        p,
        &policy2,
        &obj([
            ("arn", Value::from("arn:aws:sns:us-east-1:123456789012:x")),
            ("policy", Value::from(topic_policy(&arn, "Other"))),
        ]),
        "arn",
    )
    .await;
    assert!(s(&h.import(p, &arn).await, "policy").contains("Other"));
    // Destroy puts SNS's default policy back, which reads as no policy of ours.
    h.delete_and_confirm_gone(p, &policy2).await;
    h.delete(p, &policy2).await;
    let back = h.read(t, &topic2).await.expect("topic");
    assert!(s(&back, "policy").contains("__default_policy_ID"), "{back}");

    h.delete_and_confirm_gone(t, &topic2).await;
    h.delete(t, &topic2).await;

    // FIFO: a generated name gets the suffix.
    let f = h.create(t, &obj([("name_prefix", Value::from("jobs-")), ("fifo_topic", Value::from(true))])).await;
    assert!(s(&f, "name").ends_with(".fifo"), "{f}");
    assert_eq!(f.get("fifo_topic"), &Value::from(true));
    h.delete(t, &f).await;
}

/// A function to grant on: an IAM role for it, then CreateFunction with an empty zip.
async fn function(h: &Harness, name: &str) -> String {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"lambda.amazonaws.com"}}]}"#;
    let role =
        h.create("aws_iam_role", &obj([("name", Value::from(name)), ("assume_role_policy", Value::from(trust))])).await;
    // The end-of-central-directory record alone is a valid, empty zip archive.
    let mut zip = b"PK\x05\x06".to_vec();
    zip.extend([0u8; 18]);
    let out = h
        .clients()
        .lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::Python312)
        .handler("index.handler")
        .role(s(&role, "arn"))
        .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
        .send()
        .await
        .expect("CreateFunction");
    out.function_arn().expect("function ARN").to_string()
}

#[tokio::test]
async fn lambda_permission_lifecycle() {
    let h = Harness::new().await;
    let function_arn = function(&h, "notify").await;
    let t = "aws_lambda_permission";
    let cfg = |source: &str| {
        obj([
            ("statement_id_prefix", Value::from("AllowS3-")),
            ("action", Value::from("lambda:InvokeFunction")),
            ("function_name", Value::from("notify")),
            ("principal", Value::from("s3.amazonaws.com")),
            ("source_arn", Value::from(source)),
            ("source_account", Value::from("123456789012")),
        ])
    };
    let (planned, perm) = h.create_with_token(t, &cfg("arn:aws:s3:::uploads"), TOKEN).await;
    assert_eq!(s(&perm, "id"), "AllowS3-mp0000000000000000000000c3");
    assert_eq!(s(&perm, "statement_id"), s(&perm, "id"));
    assert_eq!(s(&perm, "principal"), "s3.amazonaws.com");
    assert_eq!(s(&perm, "source_arn"), "arn:aws:s3:::uploads");
    assert_eq!(s(&perm, "source_account"), "123456789012");
    h.assert_no_changes(t, &perm, &cfg("arn:aws:s3:::uploads")).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some(s(&perm, "id")));
    assert_eq!(h.find(t, "mp-ffffffffffffffffffffffff", &planned).await, None);
    // Every argument forces a new statement.
    h.assert_replaces(t, &perm, &cfg("arn:aws:s3:::other"), "source_arn").await;

    let imported = h.import(t, &format!("notify/{}", s(&perm, "id"))).await;
    assert_eq!(imported.get("source_arn"), perm.get("source_arn"));
    assert_eq!(imported.get("action"), &Value::from("lambda:InvokeFunction"));
    assert_eq!(imported.get("function_name"), &Value::from("notify"));

    // An account principal, by its function ARN; both statements live in one policy.
    let by_account = obj([
        ("statement_id", Value::from("AllowAccount")),
        ("action", Value::from("lambda:InvokeFunction")),
        ("function_name", Value::from(function_arn.as_str())),
        ("principal", Value::from("111122223333")),
    ]);
    let acct = h.create(t, &by_account).await;
    assert_eq!(s(&acct, "id"), "AllowAccount");
    h.assert_no_changes(t, &acct, &by_account).await;
    h.delete_and_confirm_gone(t, &acct).await;
    h.delete(t, &acct).await;

    h.delete_and_confirm_gone(t, &perm).await;
    h.delete(t, &perm).await;

    // statement_id and statement_id_prefix together are refused at plan time.
    let mut both = cfg("arn:aws:s3:::uploads");
    both.set("statement_id", Value::from("x"));
    let err = h.plan_result(t, None, &both).await.unwrap_err();
    assert!(err.message.contains("conflicts"), "{}", err.message);
}

#[tokio::test]
async fn account_public_access_block_lifecycle() {
    let h = Harness::new().await;
    let t = "aws_s3_account_public_access_block";
    let cfg =
        |policy: bool| obj([("block_public_acls", Value::from(true)), ("block_public_policy", Value::from(policy))]);
    let (planned, b) = h.create_with_token(t, &cfg(true), TOKEN).await;
    assert_eq!(s(&b, "id"), "123456789012", "the account comes from STS");
    assert_eq!(s(&b, "account_id"), "123456789012");
    assert_eq!(b.get("block_public_acls"), &Value::from(true));
    assert_eq!(b.get("ignore_public_acls"), &Value::from(false));
    h.assert_no_changes(t, &b, &cfg(true)).await;
    assert_eq!(h.find(t, TOKEN, &planned).await.map(|f| s(&f, "id")), Some("123456789012".to_string()));
    let b2 = h.update(t, &b, &cfg(false)).await;
    assert_eq!(b2.get("block_public_policy"), &Value::from(false));
    h.assert_no_changes(t, &b2, &cfg(false)).await;
    // Other settings are not what this create made.
    assert_eq!(h.find(t, TOKEN, &planned).await, None);
    let mut other = cfg(false);
    other.set("account_id", Value::from("111122223333"));
    h.assert_replaces(t, &b2, &other, "account_id").await;
    assert_eq!(h.import(t, "123456789012").await.get("block_public_policy"), &Value::from(false));
    h.delete_and_confirm_gone(t, &b2).await;
    h.delete(t, &b2).await;
}

#[tokio::test]
async fn cloudfront_log_delivery_canonical_user_id() {
    let h = Harness::new().await;
    let d = "aws_cloudfront_log_delivery_canonical_user_id";
    let here = h.data(d, &obj([])).await;
    assert_eq!(s(&here, "id"), "c4c1ede66af53448b93c283ce9448c4ba468c9432aa01d700d3878632f77d2d0");
    let china = h.data(d, &obj([("region", Value::from("cn-northwest-1"))])).await;
    assert_eq!(s(&china, "id"), "a52cb28745c0c06e84ec548334e44bfa7fc2a85c54af20cd59e4969344b7af56");
}
