//! S3 resources against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::{PlanRequest, Value};

#[tokio::test]
async fn bucket_and_objects() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let cfg = |env: &str| {
        obj([
            ("bucket", Value::from("oidc-discovery")),
            ("force_destroy", Value::from(true)),
            ("tags", tags([("env", env)])),
        ])
    };
    let b = h.create("aws_s3_bucket", &cfg("dev")).await;
    assert_eq!(s(&b, "arn"), "arn:aws:s3:::oidc-discovery");
    assert_eq!(b.get("tags_all"), &tags([("env", "dev"), ("team", "mesh")]));
    h.assert_no_changes("aws_s3_bucket", &b, &cfg("dev")).await;
    let b = h.update("aws_s3_bucket", &b, &cfg("prod")).await;
    assert_eq!(b.get("tags"), &tags([("env", "prod")]));
    let mut renamed = cfg("prod");
    renamed.set("bucket", Value::from("other"));
    h.assert_replaces("aws_s3_bucket", &b, &renamed, "bucket").await;
    assert_eq!(h.import("aws_s3_bucket", "oidc-discovery").await.get("tags"), &tags([("env", "prod")]));
    assert_eq!(h.refresh_calls("aws_s3_bucket", &b).await.values().sum::<u64>(), 2);

    // Objects: content, drift (overwritten by hand), update, import.
    let key = ".well-known/openid-configuration";
    let obj_cfg = |body: &str| {
        obj([
            ("bucket", Value::from("oidc-discovery")),
            ("key", Value::from(key)),
            ("content", Value::from(body)),
            ("content_type", Value::from("application/json")),
        ])
    };
    let o = h.create("aws_s3_object", &obj_cfg(r#"{"issuer":"a"}"#)).await;
    assert_eq!(o.get("etag").as_str().map(str::len), Some(32));
    h.assert_no_changes("aws_s3_object", &o, &obj_cfg(r#"{"issuer":"a"}"#)).await;
    h.clients()
        .s3
        .put_object()
        .bucket("oidc-discovery")
        .key(key)
        .body(aws_sdk_s3::primitives::ByteStream::from_static(b"tampered"))
        .send()
        .await
        .unwrap();
    let drifted = h.read("aws_s3_object", &o).await.unwrap();
    let plan = h.plan("aws_s3_object", Some(&drifted), &obj_cfg(r#"{"issuer":"a"}"#)).await;
    assert_ne!(plan.state.get("etag"), drifted.get("etag"), "an overwritten object plans an upload");
    let o = h.update("aws_s3_object", &drifted, &obj_cfg(r#"{"issuer":"b"}"#)).await;
    h.assert_no_changes("aws_s3_object", &o, &obj_cfg(r#"{"issuer":"b"}"#)).await;
    let mut moved = obj_cfg("x");
    moved.set("key", Value::from("keys.json"));
    h.assert_replaces("aws_s3_object", &o, &moved, "key").await;
    let imported = h.import("aws_s3_object", &format!("oidc-discovery/{key}")).await;
    assert_eq!(imported.get("etag"), o.get("etag"));
    // HeadObject and GetObjectTagging (tags, default_tags).
    assert_eq!(h.refresh_calls("aws_s3_object", &o).await.values().sum::<u64>(), 2);

    // An object from a local file.
    let dir = std::env::temp_dir().join(format!("meshplan-aws-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("keys.json");
    std::fs::write(&file, r#"{"keys":[]}"#).unwrap();
    let from_file = h
        .create(
            "aws_s3_object",
            &obj([
                ("bucket", Value::from("oidc-discovery")),
                ("key", Value::from("keys.json")),
                ("source", Value::from(file.to_str().unwrap())),
            ]),
        )
        .await;
    std::fs::remove_dir_all(&dir).ok();
    assert!(from_file.get_str("etag").is_some());

    h.delete_and_confirm_gone("aws_s3_object", &o).await;
    // force_destroy empties the bucket (keys.json is still in it).
    h.delete_and_confirm_gone("aws_s3_bucket", &b).await;
}

#[tokio::test]
async fn bucket_settings() {
    let h = Harness::new().await;
    h.create("aws_s3_bucket", &obj([("bucket", Value::from("irsa"))])).await;
    let bucket = || ("bucket", Value::from("irsa"));

    let policy = |sid: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::irsa/*"}}]}}"#
        )
    };
    let pol = h.create("aws_s3_bucket_policy", &obj([bucket(), ("policy", Value::from(policy("PublicRead")))])).await;
    assert_eq!(s(&pol, "id"), "irsa");
    let spaced = policy("PublicRead").replace(',', ",\n  ");
    h.assert_no_changes("aws_s3_bucket_policy", &pol, &obj([bucket(), ("policy", Value::from(spaced))])).await;
    let pol = h.update("aws_s3_bucket_policy", &pol, &obj([bucket(), ("policy", Value::from(policy("Read2")))])).await;
    assert!(s(&h.import("aws_s3_bucket_policy", "irsa").await, "policy").contains("Read2"));

    let pab_cfg =
        |on: bool| obj([bucket(), ("block_public_acls", Value::from(on)), ("ignore_public_acls", Value::from(on))]);
    let pab = h.create("aws_s3_bucket_public_access_block", &pab_cfg(true)).await;
    h.assert_no_changes("aws_s3_bucket_public_access_block", &pab, &pab_cfg(true)).await;
    let pab = h.update("aws_s3_bucket_public_access_block", &pab, &pab_cfg(false)).await;
    assert_eq!(pab.get("block_public_acls"), &Value::from(false));
    assert_eq!(
        h.import("aws_s3_bucket_public_access_block", "irsa").await.get("ignore_public_acls"),
        &Value::from(false)
    );

    // aws_s3_bucket_versioning is tested with mocks (mocks.rs): moto's GetBucketVersioning
    // answer has the wrong XML root element, which the Rust SDK rightly rejects.

    let own_cfg = |o: &str| obj([bucket(), ("rule", Value::List(vec![obj([("object_ownership", Value::from(o))])]))]);
    let own = h.create("aws_s3_bucket_ownership_controls", &own_cfg("BucketOwnerEnforced")).await;
    h.assert_no_changes("aws_s3_bucket_ownership_controls", &own, &own_cfg("BucketOwnerEnforced")).await;
    let own = h.update("aws_s3_bucket_ownership_controls", &own, &own_cfg("BucketOwnerPreferred")).await;
    assert_eq!(h.import("aws_s3_bucket_ownership_controls", "irsa").await.get("rule"), own.get("rule"));

    for (t, st) in [
        ("aws_s3_bucket_policy", &pol),
        ("aws_s3_bucket_public_access_block", &pab),
        ("aws_s3_bucket_ownership_controls", &own),
    ] {
        assert_eq!(h.refresh_calls(t, st).await.values().sum::<u64>(), 1, "{t}");
        h.assert_replaces(
            t,
            st,
            &{
                let mut c = st.clone();
                c.set("bucket", Value::from("elsewhere"));
                c
            },
            "bucket",
        )
        .await;
    }
    h.delete_and_confirm_gone("aws_s3_bucket_policy", &pol).await;
    h.delete_and_confirm_gone("aws_s3_bucket_public_access_block", &pab).await;
    h.delete_and_confirm_gone("aws_s3_bucket_ownership_controls", &own).await;
}

#[tokio::test]
async fn object_headers_storage_class_and_arn() {
    let h = Harness::new().await;
    h.create("aws_s3_bucket", &obj([("bucket", Value::from("site")), ("force_destroy", Value::from(true))])).await;
    let cfg = |cache: &str| {
        obj([
            ("bucket", Value::from("site")),
            ("key", Value::from("index.html")),
            ("content", Value::from("<h1>hi</h1>")),
            ("cache_control", Value::from(cache)),
            ("content_disposition", Value::from("inline")),
            ("content_encoding", Value::from("identity")),
            ("content_language", Value::from("en")),
            ("website_redirect", Value::from("/home.html")),
            ("storage_class", Value::from("STANDARD_IA")),
            ("metadata", tags([("owner", "web"), ("build", "42")])),
        ])
    };
    let o = h.create("aws_s3_object", &cfg("max-age=60")).await;
    assert_eq!(s(&o, "arn"), "arn:aws:s3:::site/index.html");
    for (attr, want) in [
        ("cache_control", "max-age=60"),
        ("content_disposition", "inline"),
        ("content_encoding", "identity"),
        ("content_language", "en"),
        ("website_redirect", "/home.html"),
        ("storage_class", "STANDARD_IA"),
    ] {
        assert_eq!(s(&o, attr), want, "{attr} read back");
    }
    assert_eq!(o.get("metadata"), &tags([("build", "42"), ("owner", "web")]));
    h.assert_no_changes("aws_s3_object", &o, &cfg("max-age=60")).await;
    let o = h.update("aws_s3_object", &o, &cfg("no-cache")).await;
    assert_eq!(s(&o, "cache_control"), "no-cache");
    let imported = h.import("aws_s3_object", "site/index.html").await;
    assert_eq!(imported.get("cache_control"), &Value::from("no-cache"));
    assert_eq!(imported.get("storage_class"), &Value::from("STANDARD_IA"));

    // Unset: the default class, no headers.
    let plain = h
        .create(
            "aws_s3_object",
            &obj([("bucket", Value::from("site")), ("key", Value::from("plain.txt")), ("content", Value::from("x"))]),
        )
        .await;
    assert_eq!(s(&plain, "storage_class"), "STANDARD");
    assert!(plain.get("cache_control").is_null());
    assert!(plain.get("metadata").is_null());
    let mut upper =
        obj([("bucket", Value::from("site")), ("key", Value::from("plain.txt")), ("content", Value::from("x"))]);
    upper.set("metadata", tags([("Owner", "web")]));
    let rt = h.resource("aws_s3_object");
    let err = rt
        .plan(
            &h.ctx("aws_s3_object.x"),
            PlanRequest { prior: None, config: &crate::support::complete(&rt.schema(), &upper) },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("metadata key \"Owner\" must be lowercase"), "{err}");
    h.assert_no_changes(
        "aws_s3_object",
        &plain,
        &obj([("bucket", Value::from("site")), ("key", Value::from("plain.txt")), ("content", Value::from("x"))]),
    )
    .await;
}

#[tokio::test]
async fn bucket_encryption_configuration() {
    let h = crate::support::Harness::new().await;
    let b = h.create("aws_s3_bucket", &crate::support::obj([("bucket", Value::from("encrypted"))])).await;
    let cfg = |alg: &str, key: Option<&str>| {
        let mut default = crate::support::obj([("sse_algorithm", Value::from(alg))]);
        if let Some(k) = key {
            default.set("kms_master_key_id", Value::from(k));
        }
        crate::support::obj([
            ("bucket", b.get("id").clone()),
            (
                "rule",
                Value::List(vec![crate::support::obj([(
                    "apply_server_side_encryption_by_default",
                    Value::List(vec![default]),
                )])]),
            ),
        ])
    };
    let e = h.create("aws_s3_bucket_server_side_encryption_configuration", &cfg("aws:kms", Some("alias/s3"))).await;
    assert_eq!(e.get("id"), b.get("id"));
    let rule = &e.get("rule").as_list().unwrap()[0];
    let default = &rule.get("apply_server_side_encryption_by_default").as_list().unwrap()[0];
    assert_eq!(default.get("sse_algorithm"), &Value::from("aws:kms"));
    assert_eq!(default.get("kms_master_key_id"), &Value::from("alias/s3"));
    h.assert_no_changes("aws_s3_bucket_server_side_encryption_configuration", &e, &cfg("aws:kms", Some("alias/s3")))
        .await;
    let e2 = h.update("aws_s3_bucket_server_side_encryption_configuration", &e, &cfg("AES256", None)).await;
    let default2 =
        &e2.get("rule").as_list().unwrap()[0].get("apply_server_side_encryption_by_default").as_list().unwrap()[0]
            .clone();
    assert_eq!(default2.get("sse_algorithm"), &Value::from("AES256"));
    let imported = h.import("aws_s3_bucket_server_side_encryption_configuration", "encrypted").await;
    assert_eq!(imported.get("rule"), e2.get("rule"));
    let planned = h.plan("aws_s3_bucket_server_side_encryption_configuration", None, &cfg("AES256", None)).await.state;
    assert!(h.find("aws_s3_bucket_server_side_encryption_configuration", "mp-1", &planned).await.is_some());
    h.delete_and_confirm_gone("aws_s3_bucket_server_side_encryption_configuration", &e2).await;
}

#[tokio::test]
async fn bucket_logging_into_a_bucket_whose_policy_allows_it() {
    let h = Harness::new().await;
    let source = h.create("aws_s3_bucket", &obj([("bucket", Value::from("app"))])).await;
    let logs = h.create("aws_s3_bucket", &obj([("bucket", Value::from("app-logs"))])).await;
    let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"logging.s3.amazonaws.com"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::app-logs/*"}]}"#;
    h.create("aws_s3_bucket_policy", &obj([("bucket", logs.get("id").clone()), ("policy", Value::from(policy))])).await;
    let cfg = |prefix: &str| {
        obj([
            ("bucket", source.get("id").clone()),
            ("target_bucket", logs.get("id").clone()),
            ("target_prefix", Value::from(prefix)),
        ])
    };
    let l = h.create("aws_s3_bucket_logging", &cfg("access/")).await;
    assert_eq!(s(&l, "id"), "app");
    assert_eq!(l.get("target_bucket"), &Value::from("app-logs"));
    assert_eq!(l.get("target_object_key_format"), &Value::List(vec![]));
    h.assert_no_changes("aws_s3_bucket_logging", &l, &cfg("access/")).await;
    let l2 = h.update("aws_s3_bucket_logging", &l, &cfg("other/")).await;
    assert_eq!(l2.get("target_prefix"), &Value::from("other/"));
    assert_eq!(h.import("aws_s3_bucket_logging", "app").await.get("target_prefix"), &Value::from("other/"));
    let planned = h.plan("aws_s3_bucket_logging", None, &cfg("other/")).await.state;
    assert!(h.find("aws_s3_bucket_logging", "mp-1", &planned).await.is_some());
    assert!(h
        .find("aws_s3_bucket_logging", "mp-1", &h.plan("aws_s3_bucket_logging", None, &cfg("x/")).await.state)
        .await
        .is_none());
    h.delete_and_confirm_gone("aws_s3_bucket_logging", &l2).await;
}

#[tokio::test]
async fn bucket_canned_acl() {
    let h = Harness::new().await;
    let b = h.create("aws_s3_bucket", &obj([("bucket", Value::from("acl-bucket"))])).await;
    let cfg = |acl: &str| obj([("bucket", b.get("id").clone()), ("acl", Value::from(acl))]);
    let a = h.create("aws_s3_bucket_acl", &cfg("private")).await;
    assert_eq!(s(&a, "id"), "acl-bucket,private");
    h.assert_no_changes("aws_s3_bucket_acl", &a, &cfg("private")).await;
    let a2 = h.update("aws_s3_bucket_acl", &a, &cfg("log-delivery-write")).await;
    assert_eq!(a2.get("acl"), &Value::from("log-delivery-write"));
    let grants = h.clients().s3.get_bucket_acl().bucket("acl-bucket").send().await.unwrap();
    assert!(
        grants.grants().iter().any(|g| g.grantee().and_then(|x| x.uri()).is_some_and(|u| u.ends_with("/LogDelivery"))),
        "the canned ACL reached S3: {grants:?}"
    );
    assert_eq!(h.import("aws_s3_bucket_acl", "acl-bucket,private").await.get("acl"), &Value::from("private"));
    let rt = h.resource("aws_s3_bucket_acl");
    let planned = h.plan("aws_s3_bucket_acl", None, &obj([("bucket", b.get("id").clone())])).await.state;
    let err = rt.create(&h.ctx("aws_s3_bucket_acl.x"), &planned).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("acl"), "{}", err.message);
    // Destroy forgets; a deleted bucket reads as gone.
    h.delete("aws_s3_bucket_acl", &a2).await;
    h.delete("aws_s3_bucket", &b).await;
    assert!(h.read("aws_s3_bucket_acl", &a2).await.is_none());
}

/// `bucket_prefix` (+ the create's token), `object_lock_enabled` (set at create, read back,
/// replaces) and the region's website `hosted_zone_id`.
#[tokio::test]
async fn bucket_prefix_object_lock_and_hosted_zone() {
    let h = Harness::new().await;
    let token = "mp-0000000000000000000000b7";
    let cfg = |lock: bool| {
        obj([
            ("bucket_prefix", Value::from("audit-")),
            ("object_lock_enabled", Value::from(lock)),
            ("force_destroy", Value::from(true)),
        ])
    };
    let (planned, b) = h.create_with_token("aws_s3_bucket", &cfg(true), token).await;
    assert_eq!(s(&b, "bucket"), "audit-mp0000000000000000000000b7");
    assert_eq!(b.get("bucket_prefix"), &Value::from("audit-"));
    assert_eq!(b.get("object_lock_enabled"), &Value::from(true));
    assert_eq!(b.get("hosted_zone_id"), &Value::from("Z3AQBSTGFYJSTF"));
    h.assert_no_changes("aws_s3_bucket", &b, &cfg(true)).await;
    assert_eq!(h.find("aws_s3_bucket", token, &planned).await.map(|f| s(&f, "id")), Some(s(&b, "id")));
    h.assert_replaces("aws_s3_bucket", &b, &cfg(false), "object_lock_enabled").await;
    let imported = h.import("aws_s3_bucket", &s(&b, "id")).await;
    assert_eq!(imported.get("object_lock_enabled"), &Value::from(true));
    assert_eq!(imported.get("bucket_prefix"), &Value::Null);
    h.delete_and_confirm_gone("aws_s3_bucket", &b).await;

    // Unset: no object lock, read once and then no longer asked on refresh.
    let plain = h.create("aws_s3_bucket", &obj([("bucket", Value::from("plain-bucket"))])).await;
    assert_eq!(plain.get("object_lock_enabled"), &Value::from(false));
    assert_eq!(h.refresh_calls("aws_s3_bucket", &plain).await.values().sum::<u64>(), 2);
    h.assert_no_changes("aws_s3_bucket", &plain, &obj([("bucket", Value::from("plain-bucket"))])).await;
    h.delete("aws_s3_bucket", &plain).await;
    h.delete("aws_s3_bucket", &plain).await;

    // Another region, another zone.
    let west = h.alias("eu-west-1").await;
    let rt = h.resource("aws_s3_bucket");
    let ctx = meshplan_provider::Ctx::new(west, "aws_s3_bucket.eu");
    let config = crate::support::complete(&rt.schema(), &obj([("bucket", Value::from("eu-bucket"))]));
    let planned = rt.plan(&ctx, PlanRequest { prior: None, config: &config }).await.unwrap().state;
    let eu = rt.create(&ctx, &planned).await.unwrap();
    assert_eq!(eu.get("hosted_zone_id"), &Value::from("Z1BKCTXD74EZPE"));
    rt.delete(&ctx, &eu).await.unwrap();
}

/// `access_control_policy`: the owner and explicit grants reach S3 and are read back (with
/// S3's display names) in the configured order.
#[tokio::test]
async fn bucket_acl_access_control_policy() {
    let h = Harness::new().await;
    let b = h.create("aws_s3_bucket", &obj([("bucket", Value::from("acp-bucket"))])).await;
    // The bucket's own ACL owner (moto's differs from its ListBuckets owner).
    let current = h.clients().s3.get_bucket_acl().bucket("acp-bucket").send().await.unwrap();
    let owner = current.owner().and_then(|o| o.id()).expect("owner").to_string();
    let grant = |kind: &str, who: (&str, &str), permission: &str| {
        obj([
            ("permission", Value::from(permission)),
            ("grantee", Value::List(vec![obj([("type", Value::from(kind)), (who.0, Value::from(who.1))])])),
        ])
    };
    let cfg = |read_by_log_delivery: bool| {
        let mut grants = vec![grant("CanonicalUser", ("id", owner.as_str()), "FULL_CONTROL")];
        if read_by_log_delivery {
            grants.push(grant("Group", ("uri", "http://acs.amazonaws.com/groups/s3/LogDelivery"), "READ_ACP"));
        }
        obj([
            ("bucket", b.get("id").clone()),
            (
                "access_control_policy",
                Value::List(vec![obj([
                    ("grant", Value::List(grants)),
                    ("owner", Value::List(vec![obj([("id", Value::from(owner.as_str()))])])),
                ])]),
            ),
        ])
    };
    let a = h.create("aws_s3_bucket_acl", &cfg(true)).await;
    assert_eq!(s(&a, "id"), "acp-bucket");
    let acp = &a.get("access_control_policy").as_list().unwrap()[0];
    assert_eq!(acp.get("grant").as_list().map(|g| g.len()), Some(2), "{a}");
    let remote = h.clients().s3.get_bucket_acl().bucket("acp-bucket").send().await.unwrap();
    assert!(
        remote.grants().iter().any(|g| g.grantee().and_then(|x| x.uri()).is_some_and(|u| u.ends_with("/LogDelivery"))),
        "{remote:?}"
    );
    h.assert_no_changes("aws_s3_bucket_acl", &a, &cfg(true)).await;
    let a2 = h.update("aws_s3_bucket_acl", &a, &cfg(false)).await;
    let acp = &a2.get("access_control_policy").as_list().unwrap()[0];
    assert_eq!(acp.get("grant").as_list().map(|g| g.len()), Some(1), "{a2}");
    h.assert_no_changes("aws_s3_bucket_acl", &a2, &cfg(false)).await;
    // `bucket,owner` (not a canned ACL name) is the expected owner in an import ID.
    let imported = h.import("aws_s3_bucket_acl", "acp-bucket,123456789012").await;
    assert_eq!(imported.get("expected_bucket_owner"), &Value::from("123456789012"));
    h.delete("aws_s3_bucket_acl", &a2).await;
    h.delete("aws_s3_bucket", &b).await;
    assert!(h.read("aws_s3_bucket_acl", &a2).await.is_none());
}

/// aws_s3_object's tags (a change of tags alone is no new upload), `override_provider`'s
/// default tags, encryption, checksum, object lock and `force_destroy`.
#[tokio::test]
async fn object_tags_encryption_checksum_and_lock() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let bucket = obj([("bucket", Value::from("locked-objects")), ("object_lock_enabled", Value::from(true))]);
    let b = h.create("aws_s3_bucket", &bucket).await;
    let cfg = |env: &str| {
        obj([
            ("bucket", Value::from("locked-objects")),
            ("key", Value::from("report.json")),
            ("content", Value::from(r#"{"ok":true}"#)),
            ("tags", tags([("env", env)])),
            ("server_side_encryption", Value::from("AES256")),
            ("checksum_algorithm", Value::from("SHA256")),
            ("object_lock_mode", Value::from("GOVERNANCE")),
            ("object_lock_retain_until_date", Value::from("2035-01-01T00:00:00Z")),
            ("object_lock_legal_hold_status", Value::from("OFF")),
            ("acl", Value::from("private")),
            ("source_hash", Value::from("v1")),
            ("force_destroy", Value::from(true)),
        ])
    };
    let o = h.create("aws_s3_object", &cfg("dev")).await;
    assert_eq!(o.get("tags"), &tags([("env", "dev")]));
    assert_eq!(o.get("tags_all"), &tags([("env", "dev"), ("team", "mesh")]));
    assert_eq!(o.get("server_side_encryption"), &Value::from("AES256"));
    assert!(!s(&o, "checksum_sha256").is_empty(), "{o}");
    assert_eq!(o.get("object_lock_mode"), &Value::from("GOVERNANCE"));
    assert_eq!(o.get("object_lock_retain_until_date"), &Value::from("2035-01-01T00:00:00Z"));
    assert_eq!(o.get("acl"), &Value::from("private"));
    h.assert_no_changes("aws_s3_object", &o, &cfg("dev")).await;
    assert_eq!(h.refresh_calls("aws_s3_object", &o).await.values().sum::<u64>(), 2, "HeadObject, GetObjectTagging");

    // Tags alone: PutObjectTagging, the same version.
    let o2 = h.update("aws_s3_object", &o, &cfg("prod")).await;
    assert_eq!(o2.get("tags"), &tags([("env", "prod")]));
    assert_eq!(o2.get("version_id"), o.get("version_id"), "no new upload");
    // Another source_hash: a new upload.
    let mut rehash = cfg("prod");
    rehash.set("source_hash", Value::from("v2"));
    let o3 = h.update("aws_s3_object", &o2, &rehash).await;
    assert_ne!(o3.get("version_id"), o2.get("version_id"), "a new upload");
    // override_provider: no default tags on this object.
    let mut own_only = rehash.clone();
    own_only.set(
        "override_provider",
        Value::List(vec![obj([("default_tags", Value::List(vec![obj([("tags", obj([]))])]))])]),
    );
    let o4 = h.update("aws_s3_object", &o3, &own_only).await;
    assert_eq!(o4.get("tags_all"), &tags([("env", "prod")]));
    h.assert_no_changes("aws_s3_object", &o4, &own_only).await;

    // force_destroy removes every version, past the governance lock.
    h.delete("aws_s3_object", &o4).await;
    let versions = h.clients().s3.list_object_versions().bucket("locked-objects").send().await.unwrap();
    assert!(versions.versions().is_empty(), "{versions:?}");
    h.delete("aws_s3_object", &o4).await;
    h.delete("aws_s3_bucket", &b).await;
}
