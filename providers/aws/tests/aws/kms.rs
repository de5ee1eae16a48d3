//! aws_kms_key and aws_kms_alias against moto.

use crate::support::{obj, s, tags, Harness};
use meshplan_provider::Value;

const TOKEN: &str = "mp-0000000000000000000000cc";

#[tokio::test]
async fn kms_key_and_alias_lifecycle() {
    let h = Harness::with_config(|c| c.set("default_tags", obj([("tags", tags([("team", "mesh")]))]))).await;
    let cfg = |description: &str, rotation: bool| {
        obj([
            ("description", Value::from(description)),
            ("enable_key_rotation", Value::from(rotation)),
            ("deletion_window_in_days", Value::from(7i64)),
            ("tags", tags([("Name", "k")])),
        ])
    };
    let (planned, key) = h.create_with_token("aws_kms_key", &cfg("state key", true), TOKEN).await;
    let id = s(&key, "id");
    assert_eq!(s(&key, "key_id"), id);
    assert!(s(&key, "arn").ends_with(&format!(":key/{id}")), "{key}");
    assert_eq!(key.get("enable_key_rotation"), &Value::from(true));
    assert_eq!(key.get("is_enabled"), &Value::from(true));
    assert_eq!(key.get("key_usage"), &Value::from("ENCRYPT_DECRYPT"));
    assert!(s(&key, "policy").contains("kms:*"), "AWS's default policy is read back: {key}");
    assert_eq!(key.get("tags"), &tags([("Name", "k")]));
    assert_eq!(key.get("tags_all"), &tags([("Name", "k"), ("team", "mesh")]));
    h.assert_no_changes("aws_kms_key", &key, &cfg("state key", true)).await;
    assert_eq!(h.find("aws_kms_key", TOKEN, &planned).await.map(|k| s(&k, "id")), Some(id.clone()));
    assert_eq!(h.find("aws_kms_key", "mp-ffffffffffffffffffffffff", &planned).await, None);

    let key2 = h.update("aws_kms_key", &key, &cfg("renamed", false)).await;
    assert_eq!(key2.get("description"), &Value::from("renamed"));
    assert_eq!(key2.get("enable_key_rotation"), &Value::from(false));
    h.assert_no_changes("aws_kms_key", &key2, &cfg("renamed", false)).await;
    let mut asym = cfg("renamed", false);
    asym.set("key_usage", Value::from("SIGN_VERIFY"));
    h.assert_replaces("aws_kms_key", &key2, &asym, "key_usage").await;
    let imported = h.import("aws_kms_key", &id).await;
    assert_eq!(imported.get("description"), &Value::from("renamed"));
    assert_eq!(imported.get("tags"), &tags([("Name", "k")]));

    // Alias: name_prefix from the token, retargeted in place.
    let acfg = |target: &Value| obj([("name_prefix", Value::from("alias/state-")), ("target_key_id", target.clone())]);
    let (aplanned, alias) = h.create_with_token("aws_kms_alias", &acfg(key2.get("id")), TOKEN).await;
    assert_eq!(s(&alias, "name"), "alias/state-mp0000000000000000000000cc");
    assert_eq!(alias.get("target_key_arn"), key2.get("arn"));
    h.assert_no_changes("aws_kms_alias", &alias, &acfg(key2.get("id"))).await;
    assert_eq!(h.find("aws_kms_alias", TOKEN, &aplanned).await.as_ref(), Some(&alias));
    let other = h.create("aws_kms_key", &obj([("description", Value::from("other"))])).await;
    let alias2 = h.update("aws_kms_alias", &alias, &acfg(other.get("arn"))).await;
    assert_eq!(alias2.get("target_key_arn"), other.get("arn"));
    assert_eq!(alias2.get("target_key_id"), other.get("arn"), "the configured form (an ARN) is kept");
    assert_eq!(h.import("aws_kms_alias", &s(&alias2, "id")).await.get("target_key_arn"), other.get("arn"));
    let bad = h.resource("aws_kms_alias");
    let planned_bad = h
        .plan(
            "aws_kms_alias",
            None,
            &obj([("name", Value::from("no-prefix")), ("target_key_id", other.get("id").clone())]),
        )
        .await;
    let err = bad.create(&h.ctx("aws_kms_alias.bad"), &planned_bad.state).await.unwrap_err();
    assert!(err.message.contains("starts with \"alias/\""), "{}", err.message);
    assert_eq!(err.attribute.as_deref(), Some("name"));
    h.delete_and_confirm_gone("aws_kms_alias", &alias2).await;

    // Destroy schedules the deletion: the key then reads as gone; a second destroy is harmless.
    h.delete_and_confirm_gone("aws_kms_key", &key2).await;
    h.delete("aws_kms_key", &key2).await;
}
