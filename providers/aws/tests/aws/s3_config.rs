//! The S3 bucket sub-configurations (what terraform-aws-modules/s3-bucket declares) and the
//! data sources aws_arn / aws_canonical_user_id against moto: create, clean re-plan,
//! in-place update, replacement, import, find, delete twice.

use crate::support::{obj, s, Harness};
use meshplan_provider::Value;

fn list(v: Vec<Value>) -> Value {
    Value::List(v)
}

fn strs(items: &[&str]) -> Value {
    Value::List(items.iter().map(|i| Value::from(*i)).collect())
}

#[tokio::test]
async fn lifecycle_rules_with_filters_transitions_and_expirations() {
    let h = Harness::new().await;
    let b = h.create("aws_s3_bucket", &obj([("bucket", Value::from("lifecycle"))])).await;
    let rule = |days: i64| {
        obj([
            ("id", Value::from("logs")),
            ("status", Value::from("Enabled")),
            ("filter", list(vec![obj([("prefix", Value::from("logs/"))])])),
            ("expiration", list(vec![obj([("days", Value::from(days))])])),
            (
                "transition",
                list(vec![obj([("days", Value::from(30i64)), ("storage_class", Value::from("STANDARD_IA"))])]),
            ),
            ("noncurrent_version_expiration", list(vec![obj([("noncurrent_days", Value::from(90i64))])])),
            ("abort_incomplete_multipart_upload", list(vec![obj([("days_after_initiation", Value::from(7i64))])])),
        ])
    };
    let tagged = obj([
        ("id", Value::from("tagged")),
        ("status", Value::from("Disabled")),
        (
            "filter",
            list(vec![obj([("tag", list(vec![obj([("key", Value::from("tier")), ("value", Value::from("tmp"))])]))])]),
        ),
        ("expiration", list(vec![obj([("days", Value::from(1i64))])])),
    ]);
    // What terraform-aws-modules/s3-bucket writes for a rule without a filter: `filter {}`.
    let everything = obj([
        ("id", Value::from("uploads")),
        ("status", Value::from("Enabled")),
        ("filter", list(vec![obj([])])),
        ("abort_incomplete_multipart_upload", list(vec![obj([("days_after_initiation", Value::from(2i64))])])),
    ]);
    let cfg = |days: i64| {
        obj([("bucket", b.get("id").clone()), ("rule", list(vec![rule(days), tagged.clone(), everything.clone()]))])
    };
    let (planned, l) = h.create_with_token("aws_s3_bucket_lifecycle_configuration", &cfg(365), "mp-1").await;
    assert_eq!(s(&l, "id"), "lifecycle");
    let rules = l.get("rule").as_list().unwrap().clone();
    assert_eq!(rules.len(), 3);
    assert_eq!(rules[0].get("filter").as_list().unwrap()[0].get("prefix"), &Value::from("logs/"));
    assert_eq!(
        rules[1].get("filter").as_list().unwrap()[0].get("tag").as_list().unwrap()[0].get("key"),
        &Value::from("tier")
    );
    h.assert_no_changes("aws_s3_bucket_lifecycle_configuration", &l, &cfg(365)).await;
    assert!(h.find("aws_s3_bucket_lifecycle_configuration", "mp-1", &planned).await.is_some());
    let l2 = h.update("aws_s3_bucket_lifecycle_configuration", &l, &cfg(30)).await;
    assert_eq!(
        l2.get("rule").as_list().unwrap()[0].get("expiration").as_list().unwrap()[0].get("days"),
        &Value::from(30i64)
    );
    h.assert_no_changes("aws_s3_bucket_lifecycle_configuration", &l2, &cfg(30)).await;
    h.assert_replaces("aws_s3_bucket_lifecycle_configuration", &l2, &obj([("bucket", Value::from("other"))]), "bucket")
        .await;
    let imported = h.import("aws_s3_bucket_lifecycle_configuration", "lifecycle").await;
    assert_eq!(imported.get("rule"), l2.get("rule"));
    // A bad date is an error at `rule`, before anything is sent.
    let mut bad = cfg(30);
    bad.set(
        "rule",
        list(vec![obj([
            ("id", Value::from("x")),
            ("status", Value::from("Enabled")),
            ("expiration", list(vec![obj([("date", Value::from("soon"))])])),
        ])]),
    );
    let planned_bad = h.plan("aws_s3_bucket_lifecycle_configuration", None, &bad).await.state;
    let err = h.resource("aws_s3_bucket_lifecycle_configuration").create(&h.ctx("x"), &planned_bad).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("rule"), "{}", err.message);
    h.delete_and_confirm_gone("aws_s3_bucket_lifecycle_configuration", &l2).await;
    h.delete("aws_s3_bucket_lifecycle_configuration", &l2).await;
    assert!(h.find("aws_s3_bucket_lifecycle_configuration", "mp-1", &planned).await.is_none());
}

#[tokio::test]
async fn cors_rules() {
    let h = Harness::new().await;
    let b = h.create("aws_s3_bucket", &obj([("bucket", Value::from("site"))])).await;
    let cfg = |origins: &[&str]| {
        obj([
            ("bucket", b.get("id").clone()),
            (
                "cors_rule",
                list(vec![obj([
                    ("allowed_methods", strs(&["PUT", "GET"])),
                    ("allowed_origins", strs(origins)),
                    ("allowed_headers", strs(&["*"])),
                    ("max_age_seconds", Value::from(3000i64)),
                ])]),
            ),
        ])
    };
    let (planned, c) =
        h.create_with_token("aws_s3_bucket_cors_configuration", &cfg(&["https://a.example"]), "mp-1").await;
    assert_eq!(s(&c, "id"), "site");
    let rule = &c.get("cors_rule").as_list().unwrap()[0];
    assert_eq!(rule.get("allowed_methods"), &strs(&["PUT", "GET"]), "a set: in the configured order");
    assert_eq!(rule.get("max_age_seconds"), &Value::from(3000i64));
    h.assert_no_changes("aws_s3_bucket_cors_configuration", &c, &cfg(&["https://a.example"])).await;
    assert!(h.find("aws_s3_bucket_cors_configuration", "mp-1", &planned).await.is_some());
    let c2 = h.update("aws_s3_bucket_cors_configuration", &c, &cfg(&["https://b.example", "https://a.example"])).await;
    assert_eq!(
        c2.get("cors_rule").as_list().unwrap()[0].get("allowed_origins"),
        &strs(&["https://b.example", "https://a.example"])
    );
    h.assert_replaces("aws_s3_bucket_cors_configuration", &c2, &obj([("bucket", Value::from("x"))]), "bucket").await;
    // Without a prior order, sets read back sorted.
    let imported = h.import("aws_s3_bucket_cors_configuration", "site").await;
    let irule = &imported.get("cors_rule").as_list().unwrap()[0];
    assert_eq!(irule.get("allowed_origins"), &strs(&["https://a.example", "https://b.example"]));
    assert_eq!(irule.get("max_age_seconds"), &Value::from(3000i64));
    h.delete_and_confirm_gone("aws_s3_bucket_cors_configuration", &c2).await;
    h.delete("aws_s3_bucket_cors_configuration", &c2).await;
}

#[tokio::test]
async fn arn_parts_and_canonical_user_id() {
    let h = Harness::new().await;
    let a = h.data("aws_arn", &obj([("arn", Value::from("arn:aws:iam::123456789012:role/app"))])).await;
    assert_eq!(a.get("partition"), &Value::from("aws"));
    assert_eq!(a.get("service"), &Value::from("iam"));
    assert_eq!(a.get("region"), &Value::from(""));
    assert_eq!(a.get("account"), &Value::from("123456789012"));
    assert_eq!(a.get("resource"), &Value::from("role/app"));
    let ds = h.data_source("aws_arn");
    let cfg = crate::support::complete(&ds.schema(), &obj([("arn", Value::from("nope"))]));
    let err = ds.read(&h.ctx("data.aws_arn.x"), &cfg).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("arn"));
    assert!(err.hint.is_some());

    let c = h.data("aws_canonical_user_id", &obj([])).await;
    assert!(s(&c, "id").len() >= 32, "{c}");
}

/// One value setting through its whole life against mocked S3 calls: create, clean
/// re-plan, find, in-place update, replacement, import, delete twice.
async fn one_value_setting(ctx: &meshplan_provider::Ctx, type_name: &str, key: &str, first: &str, second: &str) {
    use crate::mocks::plan_create;
    use meshplan_provider::{PlanRequest, Provider};
    let rt =
        meshplan_provider_aws::AwsProvider.resource_types().into_iter().find(|r| r.type_name() == type_name).unwrap();
    let cfg = |v: &str| {
        crate::support::complete(&rt.schema(), &obj([("bucket", Value::from("paid")), (key, Value::from(v))]))
    };
    let planned = plan_create(&rt, ctx, &cfg(first)).await;
    let state = rt.create(ctx, &planned).await.unwrap();
    assert_eq!(s(&state, "id"), "paid");
    assert_eq!(state.get(key), &Value::from(first));
    let refreshed = rt.read(ctx, &state).await.unwrap().unwrap();
    assert_eq!(
        rt.plan(ctx, PlanRequest { prior: Some(&refreshed), config: &cfg(first) }).await.unwrap().state,
        refreshed
    );
    assert!(rt.find(ctx, "mp-1", &planned).await.unwrap().is_some());
    let planned2 = rt.plan(ctx, PlanRequest { prior: Some(&refreshed), config: &cfg(second) }).await.unwrap();
    assert!(!planned2.replaces());
    let updated = rt.update(ctx, &refreshed, &planned2.state).await.unwrap();
    assert_eq!(updated.get(key), &Value::from(second));
    let other = crate::support::complete(&rt.schema(), &obj([("bucket", Value::from("x")), (key, Value::from(first))]));
    assert!(rt.plan(ctx, PlanRequest { prior: Some(&updated), config: &other }).await.unwrap().replaces());
    assert_eq!(rt.import(ctx, "paid").await.unwrap().get(key), &Value::from(second));
    rt.delete(ctx, &updated).await.unwrap();
    rt.delete(ctx, &updated).await.unwrap();
}

/// moto has no request-payment API: the calls are checked against aws-smithy-mocks.
#[tokio::test]
async fn request_payment_configuration() {
    use aws_sdk_s3::operation::get_bucket_request_payment::GetBucketRequestPaymentOutput;
    use aws_sdk_s3::operation::put_bucket_request_payment::PutBucketRequestPaymentOutput;
    use aws_sdk_s3::types::Payer;
    use aws_sdk_s3::Client as S3;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    let put = mock!(S3::put_bucket_request_payment)
        .match_requests(|r| r.bucket() == Some("paid"))
        .then_output(|| PutBucketRequestPaymentOutput::builder().build());
    let get = mock!(S3::get_bucket_request_payment)
        .sequence()
        .output(|| GetBucketRequestPaymentOutput::builder().payer(Payer::Requester).build())
        .times(3)
        .output(|| GetBucketRequestPaymentOutput::builder().payer(Payer::BucketOwner).build())
        .repeatedly()
        .build();
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &get]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = crate::mocks::ctx_with(eks, Some(s3), "aws_s3_bucket_request_payment_configuration.p");
    one_value_setting(&ctx, "aws_s3_bucket_request_payment_configuration", "payer", "Requester", "BucketOwner").await;
    assert_eq!(put.num_calls(), 4, "create, update, two deletes (each a PUT of BucketOwner)");
}

/// moto's GetBucketAccelerateConfiguration answer has the wrong XML root (as its versioning
/// one): checked against aws-smithy-mocks.
#[tokio::test]
async fn accelerate_configuration() {
    use aws_sdk_s3::operation::get_bucket_accelerate_configuration::GetBucketAccelerateConfigurationOutput;
    use aws_sdk_s3::operation::put_bucket_accelerate_configuration::PutBucketAccelerateConfigurationOutput;
    use aws_sdk_s3::types::BucketAccelerateStatus;
    use aws_sdk_s3::Client as S3;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    let put = mock!(S3::put_bucket_accelerate_configuration)
        .then_output(|| PutBucketAccelerateConfigurationOutput::builder().build());
    let get = mock!(S3::get_bucket_accelerate_configuration)
        .sequence()
        .output(|| GetBucketAccelerateConfigurationOutput::builder().status(BucketAccelerateStatus::Enabled).build())
        .times(3)
        .output(|| GetBucketAccelerateConfigurationOutput::builder().status(BucketAccelerateStatus::Suspended).build())
        .repeatedly()
        .build();
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &get]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = crate::mocks::ctx_with(eks, Some(s3), "aws_s3_bucket_accelerate_configuration.a");
    one_value_setting(&ctx, "aws_s3_bucket_accelerate_configuration", "status", "Enabled", "Suspended").await;
    assert_eq!(put.num_calls(), 4, "create, update, two deletes (each a PUT of Suspended)");
}

#[tokio::test]
async fn website_with_routing_rules() {
    let h = Harness::new().await;
    let b = h.create("aws_s3_bucket", &obj([("bucket", Value::from("www"))])).await;
    let cfg = |index: &str| {
        obj([
            ("bucket", b.get("id").clone()),
            ("index_document", list(vec![obj([("suffix", Value::from(index))])])),
            ("error_document", list(vec![obj([("key", Value::from("error.html"))])])),
            (
                "routing_rule",
                list(vec![obj([
                    ("condition", list(vec![obj([("key_prefix_equals", Value::from("docs/"))])])),
                    ("redirect", list(vec![obj([("replace_key_prefix_with", Value::from("documents/"))])])),
                ])]),
            ),
        ])
    };
    let (planned, w) = h.create_with_token("aws_s3_bucket_website_configuration", &cfg("index.html"), "mp-1").await;
    assert_eq!(s(&w, "id"), "www");
    assert_eq!(s(&w, "website_domain"), "s3-website-us-east-1.amazonaws.com");
    assert_eq!(s(&w, "website_endpoint"), "www.s3-website-us-east-1.amazonaws.com");
    assert_eq!(
        s(&w, "routing_rules"),
        r#"[{"Condition":{"KeyPrefixEquals":"docs/"},"Redirect":{"ReplaceKeyPrefixWith":"documents/"}}]"#
    );
    h.assert_no_changes("aws_s3_bucket_website_configuration", &w, &cfg("index.html")).await;
    assert!(h.find("aws_s3_bucket_website_configuration", "mp-1", &planned).await.is_some());
    let w2 = h.update("aws_s3_bucket_website_configuration", &w, &cfg("home.html")).await;
    assert_eq!(w2.get("index_document").as_list().unwrap()[0].get("suffix"), &Value::from("home.html"));
    assert!(h.find("aws_s3_bucket_website_configuration", "mp-1", &planned).await.is_none(), "another index");
    h.assert_replaces("aws_s3_bucket_website_configuration", &w2, &obj([("bucket", Value::from("x"))]), "bucket").await;
    assert_eq!(
        h.import("aws_s3_bucket_website_configuration", "www").await.get("routing_rule"),
        w2.get("routing_rule")
    );
    // routing_rules JSON as an argument: a plan-time error at the attribute.
    let rt = h.resource("aws_s3_bucket_website_configuration");
    let mut json = cfg("index.html");
    json.set("routing_rules", Value::from("[]"));
    let json = crate::support::complete(&rt.schema(), &json);
    let err = rt.plan(&h.ctx("x"), meshplan_provider::PlanRequest { prior: None, config: &json }).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("routing_rules"));
    h.delete_and_confirm_gone("aws_s3_bucket_website_configuration", &w2).await;
    h.delete("aws_s3_bucket_website_configuration", &w2).await;
}

#[tokio::test]
async fn notification_to_queues_and_topics() {
    let h = Harness::new().await;
    let b = h.create("aws_s3_bucket", &obj([("bucket", Value::from("events"))])).await;
    let queue = "arn:aws:sqs:us-east-1:123456789012:uploads";
    let topic = "arn:aws:sns:us-east-1:123456789012:deletes";
    let cfg = |suffix: &str| {
        obj([
            ("bucket", b.get("id").clone()),
            (
                "queue",
                list(vec![obj([
                    ("id", Value::from("uploads")),
                    ("queue_arn", Value::from(queue)),
                    ("events", strs(&["s3:ObjectCreated:Put", "s3:ObjectCreated:Copy"])),
                    ("filter_prefix", Value::from("in/")),
                    ("filter_suffix", Value::from(suffix)),
                ])]),
            ),
            (
                "topic",
                list(vec![obj([
                    ("id", Value::from("deletes")),
                    ("topic_arn", Value::from(topic)),
                    ("events", strs(&["s3:ObjectRemoved:*"])),
                ])]),
            ),
        ])
    };
    let (planned, n) = h.create_with_token("aws_s3_bucket_notification", &cfg(".csv"), "mp-1").await;
    assert_eq!(s(&n, "id"), "events");
    let q = &n.get("queue").as_list().unwrap()[0];
    assert_eq!(q.get("queue_arn"), &Value::from(queue));
    assert_eq!(q.get("filter_suffix"), &Value::from(".csv"));
    assert_eq!(n.get("topic").as_list().unwrap()[0].get("events"), &strs(&["s3:ObjectRemoved:*"]));
    assert_eq!(n.get("eventbridge"), &Value::from(false));
    h.assert_no_changes("aws_s3_bucket_notification", &n, &cfg(".csv")).await;
    assert!(h.find("aws_s3_bucket_notification", "mp-1", &planned).await.is_some());
    let n2 = h.update("aws_s3_bucket_notification", &n, &cfg(".json")).await;
    assert_eq!(n2.get("queue").as_list().unwrap()[0].get("filter_suffix"), &Value::from(".json"));
    h.assert_no_changes("aws_s3_bucket_notification", &n2, &cfg(".json")).await;
    h.assert_replaces("aws_s3_bucket_notification", &n2, &obj([("bucket", Value::from("x"))]), "bucket").await;
    let imported = h.import("aws_s3_bucket_notification", "events").await;
    assert_eq!(imported.get("topic").as_list().unwrap()[0].get("topic_arn"), &Value::from(topic));
    // Destroy writes an empty document; moto answers the GET of one with an empty body the
    // SDK cannot parse, so "gone" is checked as the engine sees a deleted bucket's setting.
    h.delete("aws_s3_bucket_notification", &n2).await;
    h.delete("aws_s3_bucket_notification", &n2).await;
    h.delete("aws_s3_bucket", &b).await;
    assert!(h.read("aws_s3_bucket_notification", &n2).await.is_none());
}

#[tokio::test]
async fn object_lock_default_retention() {
    let h = Harness::new().await;
    // A bucket made with object lock on (aws_s3_bucket has no object_lock_enabled yet).
    h.clients().s3.create_bucket().bucket("locked").object_lock_enabled_for_bucket(true).send().await.unwrap();
    let rt = h.resource("aws_s3_bucket_object_lock_configuration");
    assert!(rt.schema().attributes["token"].sensitive);
    let cfg = |days: i64| {
        obj([
            ("bucket", Value::from("locked")),
            (
                "rule",
                list(vec![obj([(
                    "default_retention",
                    list(vec![obj([("mode", Value::from("GOVERNANCE")), ("days", Value::from(days))])]),
                )])]),
            ),
        ])
    };
    let (planned, l) = h.create_with_token("aws_s3_bucket_object_lock_configuration", &cfg(30), "mp-1").await;
    assert_eq!(s(&l, "id"), "locked");
    assert_eq!(l.get("object_lock_enabled"), &Value::from("Enabled"));
    h.assert_no_changes("aws_s3_bucket_object_lock_configuration", &l, &cfg(30)).await;
    assert!(h.find("aws_s3_bucket_object_lock_configuration", "mp-1", &planned).await.is_some());
    let l2 = h.update("aws_s3_bucket_object_lock_configuration", &l, &cfg(7)).await;
    let retention = &l2.get("rule").as_list().unwrap()[0].get("default_retention").as_list().unwrap()[0].clone();
    assert_eq!(retention.get("days"), &Value::from(7i64));
    assert!(h.find("aws_s3_bucket_object_lock_configuration", "mp-1", &planned).await.is_none(), "30 days is gone");
    h.assert_replaces("aws_s3_bucket_object_lock_configuration", &l2, &obj([("bucket", Value::from("x"))]), "bucket")
        .await;
    let imported = h.import("aws_s3_bucket_object_lock_configuration", "locked").await;
    assert_eq!(imported.get("rule"), l2.get("rule"));
    h.delete_and_confirm_gone("aws_s3_bucket_object_lock_configuration", &l2).await;
    h.delete("aws_s3_bucket_object_lock_configuration", &l2).await;
}

#[tokio::test]
async fn inventory_report() {
    let h = Harness::new().await;
    h.create("aws_s3_bucket", &obj([("bucket", Value::from("data"))])).await;
    h.create("aws_s3_bucket", &obj([("bucket", Value::from("reports"))])).await;
    let cfg = |frequency: &str| {
        obj([
            ("bucket", Value::from("data")),
            ("name", Value::from("weekly")),
            // moto keeps no IncludedObjectVersions (it answers All).
            ("included_object_versions", Value::from("All")),
            ("optional_fields", strs(&["Size", "ETag"])),
            ("filter", list(vec![obj([("prefix", Value::from("docs/"))])])),
            ("schedule", list(vec![obj([("frequency", Value::from(frequency))])])),
            (
                "destination",
                list(vec![obj([(
                    "bucket",
                    list(vec![obj([
                        ("bucket_arn", Value::from("arn:aws:s3:::reports")),
                        ("format", Value::from("CSV")),
                        ("prefix", Value::from("inventory")),
                    ])]),
                )])]),
            ),
        ])
    };
    let (planned, i) = h.create_with_token("aws_s3_bucket_inventory", &cfg("Weekly"), "mp-1").await;
    assert_eq!(s(&i, "id"), "data:weekly");
    assert_eq!(i.get("enabled"), &Value::from(true));
    assert_eq!(i.get("optional_fields"), &strs(&["Size", "ETag"]));
    h.assert_no_changes("aws_s3_bucket_inventory", &i, &cfg("Weekly")).await;
    assert!(h.find("aws_s3_bucket_inventory", "mp-1", &planned).await.is_some());
    let i2 = h.update("aws_s3_bucket_inventory", &i, &cfg("Daily")).await;
    assert_eq!(i2.get("schedule").as_list().unwrap()[0].get("frequency"), &Value::from("Daily"));
    h.assert_no_changes("aws_s3_bucket_inventory", &i2, &cfg("Daily")).await;
    h.assert_replaces("aws_s3_bucket_inventory", &i2, &cfg("Daily").tap("name", "other"), "name").await;
    let imported = h.import("aws_s3_bucket_inventory", "data:weekly").await;
    assert_eq!(imported.get("destination"), i2.get("destination"));
    assert!(h.resource("aws_s3_bucket_inventory").import(&h.ctx("x"), "data").await.is_err());
    h.delete_and_confirm_gone("aws_s3_bucket_inventory", &i2).await;
    h.delete("aws_s3_bucket_inventory", &i2).await;
}

trait Tap {
    fn tap(self, key: &str, v: &str) -> Value;
}

impl Tap for Value {
    fn tap(mut self, key: &str, v: &str) -> Value {
        self.set(key, Value::from(v));
        self
    }
}

/// moto has no metrics-configuration API: the calls are checked against aws-smithy-mocks,
/// with the filter sent as S3 wants it (one condition alone, several under And).
#[tokio::test]
async fn metric_configuration() {
    use crate::mocks::{ctx_with, plan_create};
    use aws_sdk_s3::operation::get_bucket_metrics_configuration::GetBucketMetricsConfigurationOutput;
    use aws_sdk_s3::operation::put_bucket_metrics_configuration::PutBucketMetricsConfigurationOutput;
    use aws_sdk_s3::types::{MetricsAndOperator, MetricsConfiguration, MetricsFilter, Tag};
    use aws_sdk_s3::Client as S3;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use meshplan_provider::{PlanRequest, Provider};
    let and = || {
        MetricsFilter::And(
            MetricsAndOperator::builder()
                .prefix("docs/")
                .tags(Tag::builder().key("tier").value("hot").build().unwrap())
                .build(),
        )
    };
    let conf = |f: MetricsFilter| {
        GetBucketMetricsConfigurationOutput::builder()
            .metrics_configuration(MetricsConfiguration::builder().id("docs").filter(f).build().unwrap())
            .build()
    };
    let put_and = mock!(S3::put_bucket_metrics_configuration)
        .match_requests(|r| matches!(r.metrics_configuration().and_then(|c| c.filter()), Some(MetricsFilter::And(_))))
        .then_output(|| PutBucketMetricsConfigurationOutput::builder().build());
    let put_prefix = mock!(S3::put_bucket_metrics_configuration)
        .match_requests(|r| matches!(r.metrics_configuration().and_then(|c| c.filter()), Some(MetricsFilter::Prefix(p)) if p == "logs/"))
        .then_output(|| PutBucketMetricsConfigurationOutput::builder().build());
    let get = mock!(S3::get_bucket_metrics_configuration)
        .sequence()
        .output(move || conf(and()))
        .times(3)
        .output(move || conf(MetricsFilter::Prefix("logs/".into())))
        .repeatedly()
        .build();
    let delete = mock!(S3::delete_bucket_metrics_configuration)
        .match_requests(|r| r.bucket() == Some("b") && r.id() == Some("docs"))
        .then_output(|| {
            aws_sdk_s3::operation::delete_bucket_metrics_configuration::DeleteBucketMetricsConfigurationOutput::builder(
            )
            .build()
        });
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put_and, &put_prefix, &get, &delete]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = ctx_with(eks, Some(s3), "aws_s3_bucket_metric.m");
    let rt = meshplan_provider_aws::AwsProvider
        .resource_types()
        .into_iter()
        .find(|r| r.type_name() == "aws_s3_bucket_metric")
        .unwrap();
    let cfg = |filter: Value| {
        crate::support::complete(
            &rt.schema(),
            &obj([("bucket", Value::from("b")), ("name", Value::from("docs")), ("filter", list(vec![filter]))]),
        )
    };
    let both = obj([("prefix", Value::from("docs/")), ("tags", obj([("tier", Value::from("hot"))]))]);
    let planned = plan_create(&rt, &ctx, &cfg(both.clone())).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(s(&state, "id"), "b:docs");
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(
        rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &cfg(both) }).await.unwrap().state,
        refreshed
    );
    assert!(rt.find(&ctx, "mp-1", &planned).await.unwrap().is_some());
    let prefix_only = cfg(obj([("prefix", Value::from("logs/"))]));
    let planned2 = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &prefix_only }).await.unwrap();
    assert!(!planned2.replaces());
    let updated = rt.update(&ctx, &refreshed, &planned2.state).await.unwrap();
    assert_eq!(updated.get("filter").as_list().unwrap()[0].get("prefix"), &Value::from("logs/"));
    let renamed =
        crate::support::complete(&rt.schema(), &obj([("bucket", Value::from("b")), ("name", Value::from("x"))]));
    assert!(rt.plan(&ctx, PlanRequest { prior: Some(&updated), config: &renamed }).await.unwrap().replaces());
    assert_eq!(rt.import(&ctx, "b:docs").await.unwrap().get("filter"), updated.get("filter"));
    assert!(rt.import(&ctx, "no-colon").await.is_err());
    rt.delete(&ctx, &updated).await.unwrap();
    assert_eq!((put_and.num_calls(), put_prefix.num_calls(), delete.num_calls()), (1, 1, 1));
}

#[tokio::test]
async fn replication_rules() {
    use aws_sdk_s3::types::{BucketVersioningStatus, VersioningConfiguration};
    let h = Harness::new().await;
    for name in ["primary", "replica"] {
        h.create("aws_s3_bucket", &obj([("bucket", Value::from(name))])).await;
        // Versioning set directly: moto's GetBucketVersioning answer does not parse (README).
        let on = VersioningConfiguration::builder().status(BucketVersioningStatus::Enabled).build();
        h.clients().s3.put_bucket_versioning().bucket(name).versioning_configuration(on).send().await.unwrap();
    }
    let role = "arn:aws:iam::123456789012:role/replication";
    let cfg = |class: &str| {
        obj([
            ("bucket", Value::from("primary")),
            ("role", Value::from(role)),
            (
                "rule",
                list(vec![obj([
                    ("id", Value::from("everything")),
                    ("priority", Value::from(1i64)),
                    ("status", Value::from("Enabled")),
                    // moto drops replication filters (answers Prefix ""): an empty filter here, the
                    // full mapping is the unit test's.
                    ("filter", list(vec![obj([])])),
                    ("delete_marker_replication", list(vec![obj([("status", Value::from("Disabled"))])])),
                    (
                        "destination",
                        list(vec![obj([
                            ("bucket", Value::from("arn:aws:s3:::replica")),
                            ("storage_class", Value::from(class)),
                        ])]),
                    ),
                ])]),
            ),
        ])
    };
    let rt = h.resource("aws_s3_bucket_replication_configuration");
    assert!(rt.schema().attributes["token"].sensitive);
    let (planned, r) = h.create_with_token("aws_s3_bucket_replication_configuration", &cfg("STANDARD"), "mp-1").await;
    assert_eq!(s(&r, "id"), "primary");
    assert_eq!(r.get("role"), &Value::from(role));
    h.assert_no_changes("aws_s3_bucket_replication_configuration", &r, &cfg("STANDARD")).await;
    assert!(h.find("aws_s3_bucket_replication_configuration", "mp-1", &planned).await.is_some());
    let r2 = h.update("aws_s3_bucket_replication_configuration", &r, &cfg("STANDARD_IA")).await;
    let dest = &r2.get("rule").as_list().unwrap()[0].get("destination").as_list().unwrap()[0].clone();
    assert_eq!(dest.get("storage_class"), &Value::from("STANDARD_IA"));
    h.assert_no_changes("aws_s3_bucket_replication_configuration", &r2, &cfg("STANDARD_IA")).await;
    h.assert_replaces("aws_s3_bucket_replication_configuration", &r2, &cfg("STANDARD_IA").tap("bucket", "x"), "bucket")
        .await;
    assert_eq!(h.import("aws_s3_bucket_replication_configuration", "primary").await.get("rule"), r2.get("rule"));
    h.delete_and_confirm_gone("aws_s3_bucket_replication_configuration", &r2).await;
    h.delete("aws_s3_bucket_replication_configuration", &r2).await;
    assert!(h.find("aws_s3_bucket_replication_configuration", "mp-1", &planned).await.is_none());
}

/// moto has no Intelligent-Tiering API: the calls are checked against aws-smithy-mocks.
#[tokio::test]
async fn intelligent_tiering_configuration() {
    use crate::mocks::{ctx_with, plan_create};
    use aws_sdk_s3::operation::delete_bucket_intelligent_tiering_configuration::DeleteBucketIntelligentTieringConfigurationOutput as DeleteOut;
    use aws_sdk_s3::operation::get_bucket_intelligent_tiering_configuration::GetBucketIntelligentTieringConfigurationOutput as GetOut;
    use aws_sdk_s3::operation::put_bucket_intelligent_tiering_configuration::PutBucketIntelligentTieringConfigurationOutput as PutOut;
    use aws_sdk_s3::types::{
        IntelligentTieringAccessTier as Tier, IntelligentTieringConfiguration, IntelligentTieringFilter,
        IntelligentTieringStatus, Tiering,
    };
    use aws_sdk_s3::Client as S3;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use meshplan_provider::{PlanRequest, Provider};
    let conf = |status: IntelligentTieringStatus| {
        GetOut::builder()
            .intelligent_tiering_configuration(
                IntelligentTieringConfiguration::builder()
                    .id("archive")
                    .status(status)
                    .filter(IntelligentTieringFilter::builder().prefix("docs/").build())
                    .tierings(Tiering::builder().days(180).access_tier(Tier::DeepArchiveAccess).build().unwrap())
                    .tierings(Tiering::builder().days(90).access_tier(Tier::ArchiveAccess).build().unwrap())
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let put = mock!(S3::put_bucket_intelligent_tiering_configuration)
        .match_requests(|r| r.intelligent_tiering_configuration().is_some_and(|c| c.tierings().len() == 2))
        .then_output(|| PutOut::builder().build());
    let get = mock!(S3::get_bucket_intelligent_tiering_configuration)
        .sequence()
        .output(move || conf(IntelligentTieringStatus::Enabled))
        .times(3)
        .output(move || conf(IntelligentTieringStatus::Disabled))
        .repeatedly()
        .build();
    let delete =
        mock!(S3::delete_bucket_intelligent_tiering_configuration).then_output(|| DeleteOut::builder().build());
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &get, &delete]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = ctx_with(eks, Some(s3), "aws_s3_bucket_intelligent_tiering_configuration.t");
    let rt = meshplan_provider_aws::AwsProvider
        .resource_types()
        .into_iter()
        .find(|r| r.type_name() == "aws_s3_bucket_intelligent_tiering_configuration")
        .unwrap();
    let tier = |access: &str, days: i64| obj([("access_tier", Value::from(access)), ("days", Value::from(days))]);
    let cfg = |status: &str| {
        crate::support::complete(
            &rt.schema(),
            &obj([
                ("bucket", Value::from("b")),
                ("name", Value::from("archive")),
                ("status", Value::from(status)),
                ("filter", list(vec![obj([("prefix", Value::from("docs/"))])])),
                ("tiering", list(vec![tier("ARCHIVE_ACCESS", 90), tier("DEEP_ARCHIVE_ACCESS", 180)])),
            ]),
        )
    };
    let planned = plan_create(&rt, &ctx, &cfg("Enabled")).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(s(&state, "id"), "b:archive");
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    // The tierings come back in another order: a set, no change.
    assert_eq!(
        rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &cfg("Enabled") }).await.unwrap().state,
        refreshed
    );
    assert!(rt.find(&ctx, "mp-1", &planned).await.unwrap().is_some());
    let planned2 = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &cfg("Disabled") }).await.unwrap();
    assert!(!planned2.replaces());
    let updated = rt.update(&ctx, &refreshed, &planned2.state).await.unwrap();
    assert_eq!(updated.get("status"), &Value::from("Disabled"));
    let renamed =
        crate::support::complete(&rt.schema(), &obj([("bucket", Value::from("b")), ("name", Value::from("x"))]));
    assert!(rt.plan(&ctx, PlanRequest { prior: Some(&updated), config: &renamed }).await.unwrap().replaces());
    let imported = rt.import(&ctx, "b:archive").await.unwrap();
    assert_eq!(imported.get("filter"), updated.get("filter"));
    assert!(rt.import(&ctx, "b").await.is_err());
    rt.delete(&ctx, &updated).await.unwrap();
    assert_eq!((put.num_calls(), delete.num_calls()), (2, 1));
}

/// moto has no analytics-configuration API: the calls are checked against aws-smithy-mocks.
#[tokio::test]
async fn analytics_configuration() {
    use crate::mocks::{ctx_with, plan_create};
    use aws_sdk_s3::operation::delete_bucket_analytics_configuration::DeleteBucketAnalyticsConfigurationOutput as DeleteOut;
    use aws_sdk_s3::operation::get_bucket_analytics_configuration::GetBucketAnalyticsConfigurationOutput as GetOut;
    use aws_sdk_s3::operation::put_bucket_analytics_configuration::PutBucketAnalyticsConfigurationOutput as PutOut;
    use aws_sdk_s3::types::{
        AnalyticsConfiguration, AnalyticsExportDestination, AnalyticsFilter, AnalyticsS3BucketDestination,
        AnalyticsS3ExportFileFormat, StorageClassAnalysis, StorageClassAnalysisDataExport,
        StorageClassAnalysisSchemaVersion,
    };
    use aws_sdk_s3::Client as S3;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use meshplan_provider::{PlanRequest, Provider};
    let conf = |prefix: &str| {
        let dest = AnalyticsS3BucketDestination::builder()
            .format(AnalyticsS3ExportFileFormat::Csv)
            .bucket("arn:aws:s3:::reports")
            .prefix("analytics")
            .build()
            .unwrap();
        let export = StorageClassAnalysisDataExport::builder()
            .output_schema_version(StorageClassAnalysisSchemaVersion::V1)
            .destination(AnalyticsExportDestination::builder().s3_bucket_destination(dest).build())
            .build()
            .unwrap();
        GetOut::builder()
            .analytics_configuration(
                AnalyticsConfiguration::builder()
                    .id("docs")
                    .filter(AnalyticsFilter::Prefix(prefix.into()))
                    .storage_class_analysis(StorageClassAnalysis::builder().data_export(export).build())
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let put = mock!(S3::put_bucket_analytics_configuration)
        .match_requests(|r| {
            matches!(r.analytics_configuration().and_then(|c| c.filter()), Some(AnalyticsFilter::Prefix(_)))
        })
        .then_output(|| PutOut::builder().build());
    let get = mock!(S3::get_bucket_analytics_configuration)
        .sequence()
        .output(move || conf("docs/"))
        .times(3)
        .output(move || conf("logs/"))
        .repeatedly()
        .build();
    let delete = mock!(S3::delete_bucket_analytics_configuration).then_output(|| DeleteOut::builder().build());
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&put, &get, &delete]);
    let eks = mock_client!(aws_sdk_eks, RuleMode::MatchAny, Vec::<&aws_smithy_mocks::Rule>::new());
    let ctx = ctx_with(eks, Some(s3), "aws_s3_bucket_analytics_configuration.a");
    let rt = meshplan_provider_aws::AwsProvider
        .resource_types()
        .into_iter()
        .find(|r| r.type_name() == "aws_s3_bucket_analytics_configuration")
        .unwrap();
    let cfg = |prefix: &str| {
        let dest = obj([("bucket_arn", Value::from("arn:aws:s3:::reports")), ("prefix", Value::from("analytics"))]);
        let export = obj([("destination", list(vec![obj([("s3_bucket_destination", list(vec![dest]))])]))]);
        crate::support::complete(
            &rt.schema(),
            &obj([
                ("bucket", Value::from("b")),
                ("name", Value::from("docs")),
                ("filter", list(vec![obj([("prefix", Value::from(prefix))])])),
                ("storage_class_analysis", list(vec![obj([("data_export", list(vec![export]))])])),
            ]),
        )
    };
    let planned = plan_create(&rt, &ctx, &cfg("docs/")).await;
    let state = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(s(&state, "id"), "b:docs");
    let refreshed = rt.read(&ctx, &state).await.unwrap().unwrap();
    assert_eq!(
        rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &cfg("docs/") }).await.unwrap().state,
        refreshed
    );
    assert!(rt.find(&ctx, "mp-1", &planned).await.unwrap().is_some());
    let planned2 = rt.plan(&ctx, PlanRequest { prior: Some(&refreshed), config: &cfg("logs/") }).await.unwrap();
    assert!(!planned2.replaces());
    let updated = rt.update(&ctx, &refreshed, &planned2.state).await.unwrap();
    assert_eq!(updated.get("filter").as_list().unwrap()[0].get("prefix"), &Value::from("logs/"));
    let renamed =
        crate::support::complete(&rt.schema(), &obj([("bucket", Value::from("b")), ("name", Value::from("x"))]));
    assert!(rt.plan(&ctx, PlanRequest { prior: Some(&updated), config: &renamed }).await.unwrap().replaces());
    assert_eq!(
        rt.import(&ctx, "b:docs").await.unwrap().get("storage_class_analysis"),
        updated.get("storage_class_analysis")
    );
    rt.delete(&ctx, &updated).await.unwrap();
    assert_eq!((put.num_calls(), delete.num_calls()), (2, 1));
}
