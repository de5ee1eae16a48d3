//! aws_kms_replica_key, aws_kms_external_key, aws_kms_replica_external_key and aws_kms_grant
//! against moto (the key material import, which moto lacks, is in `kms_import`).

use crate::support::{complete, obj, s, tags, Harness};
use meshplan_provider::{Client, Ctx, PlanRequest, Value};

const TOKEN: &str = "mp-0000000000000000000000dd";

/// Creates `type_name` through another configured provider (an alias in another region).
async fn create_in(h: &Harness, client: &Client, type_name: &str, config: &Value) -> Value {
    let rt = h.resource(type_name);
    let ctx = Ctx::new(client.clone(), format!("{type_name}.primary"));
    let config = complete(&rt.schema(), config);
    let planned = rt.plan(&ctx, PlanRequest { prior: None, config: &config }).await.expect("plan").state;
    rt.create(&ctx, &planned).await.unwrap_or_else(|e| panic!("create {type_name}: {e}"))
}

#[tokio::test]
async fn replica_key_of_a_primary_in_another_region() {
    let h = Harness::new().await;
    let west = h.alias("us-west-2").await;
    let primary = create_in(
        &h,
        &west,
        "aws_kms_key",
        &obj([("description", Value::from("primary")), ("multi_region", Value::from(true))]),
    )
    .await;
    let primary_arn = s(&primary, "arn");
    assert!(primary_arn.contains(":us-west-2:"), "{primary}");

    let cfg = |description: &str, enabled: bool| {
        obj([
            ("primary_key_arn", Value::from(primary_arn.as_str())),
            ("description", Value::from(description)),
            ("enabled", Value::from(enabled)),
            ("deletion_window_in_days", Value::from(7i64)),
            ("tags", tags([("team", "mesh")])),
        ])
    };
    let (planned, replica) = h.create_with_token("aws_kms_replica_key", &cfg("replica", true), TOKEN).await;
    let id = s(&replica, "id");
    assert_eq!(id, s(&primary, "key_id"), "a replica keeps its primary's key ID");
    assert_eq!(s(&replica, "key_id"), id);
    assert!(s(&replica, "arn").contains(":us-east-1:"), "{replica}");
    assert_eq!(replica.get("primary_key_arn"), &Value::from(primary_arn.as_str()));
    assert_eq!(replica.get("enabled"), &Value::from(true));
    assert_eq!(replica.get("key_spec"), &Value::from("SYMMETRIC_DEFAULT"));
    assert_eq!(replica.get("tags"), &tags([("team", "mesh")]));
    h.assert_no_changes("aws_kms_replica_key", &replica, &cfg("replica", true)).await;
    let found = h.find("aws_kms_replica_key", TOKEN, &planned).await;
    assert_eq!(found.map(|f| s(&f, "id")), Some(id.clone()));

    let replica2 = h.update("aws_kms_replica_key", &replica, &cfg("renamed", false)).await;
    assert_eq!(replica2.get("description"), &Value::from("renamed"));
    assert_eq!(replica2.get("enabled"), &Value::from(false));
    h.assert_no_changes("aws_kms_replica_key", &replica2, &cfg("renamed", false)).await;
    let mut other = cfg("renamed", false);
    other.set("primary_key_arn", Value::from(primary_arn.replace(&id, "mrk-other")));
    h.assert_replaces("aws_kms_replica_key", &replica2, &other, "primary_key_arn").await;
    let imported = h.import("aws_kms_replica_key", &id).await;
    assert_eq!(imported.get("primary_key_arn"), &Value::from(primary_arn.as_str()));
    assert_eq!(imported.get("description"), &Value::from("renamed"));
    h.delete_and_confirm_gone("aws_kms_replica_key", &replica2).await;
    h.delete("aws_kms_replica_key", &replica2).await;

    // The external kind: a replica of an external multi-Region primary.
    let xprimary = create_in(&h, &west, "aws_kms_external_key", &obj([("multi_region", Value::from(true))])).await;
    let xcfg =
        obj([("primary_key_arn", xprimary.get("arn").clone()), ("description", Value::from("external replica"))]);
    let x = h.create("aws_kms_replica_external_key", &xcfg).await;
    assert_eq!(s(&x, "id"), s(&xprimary, "id"));
    assert_eq!(x.get("key_usage"), &Value::from("ENCRYPT_DECRYPT"));
    assert!(x.get("key_material_base64").is_null());
    h.assert_no_changes("aws_kms_replica_external_key", &x, &xcfg).await;
    h.delete_and_confirm_gone("aws_kms_replica_external_key", &x).await;
    h.delete("aws_kms_replica_external_key", &x).await;
}

#[tokio::test]
async fn external_key_lifecycle() {
    let h = Harness::new().await;
    let cfg = |description: &str, team: &str| {
        obj([
            ("description", Value::from(description)),
            ("deletion_window_in_days", Value::from(7i64)),
            ("tags", tags([("team", team)])),
        ])
    };
    let (planned, key) = h.create_with_token("aws_kms_external_key", &cfg("byok", "mesh"), TOKEN).await;
    let id = s(&key, "id");
    assert!(s(&key, "arn").ends_with(&format!(":key/{id}")), "{key}");
    assert_eq!(key.get("key_usage"), &Value::from("ENCRYPT_DECRYPT"));
    assert_eq!(key.get("multi_region"), &Value::from(false));
    assert!(s(&key, "policy").contains("kms:*"), "{key}");
    h.assert_no_changes("aws_kms_external_key", &key, &cfg("byok", "mesh")).await;
    let found = h.find("aws_kms_external_key", TOKEN, &planned).await;
    assert_eq!(found.map(|f| s(&f, "id")), Some(id.clone()));
    assert_eq!(h.find("aws_kms_external_key", "mp-ffffffffffffffffffffffff", &planned).await, None);
    let key2 = h.update("aws_kms_external_key", &key, &cfg("renamed", "platform")).await;
    assert_eq!(key2.get("description"), &Value::from("renamed"));
    assert_eq!(key2.get("tags"), &tags([("team", "platform")]));
    let mut material = cfg("renamed", "platform");
    material.set("key_material_base64", Value::from("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="));
    h.assert_replaces("aws_kms_external_key", &key2, &material, "key_material_base64").await;
    let imported = h.import("aws_kms_external_key", &id).await;
    assert_eq!(imported.get("description"), &Value::from("renamed"));
    h.delete_and_confirm_gone("aws_kms_external_key", &key2).await;
    h.delete("aws_kms_external_key", &key2).await;
}

#[tokio::test]
async fn grant_lifecycle() {
    let h = Harness::new().await;
    let key = h.create("aws_kms_key", &obj([("description", Value::from("granted"))])).await;
    let grantee = "arn:aws:iam::123456789012:role/app";
    let cfg = |ops: &[&str]| {
        obj([
            ("key_id", key.get("key_id").clone()),
            ("name", Value::from("app")),
            ("grantee_principal", Value::from(grantee)),
            ("operations", Value::List(ops.iter().map(|o| Value::from(*o)).collect())),
            ("constraints", Value::List(vec![obj([("encryption_context_equals", tags([("Department", "Finance")]))])])),
        ])
    };
    let (planned, g) = h.create_with_token("aws_kms_grant", &cfg(&["Encrypt", "Decrypt"]), TOKEN).await;
    let grant_id = s(&g, "grant_id");
    assert_eq!(s(&g, "id"), format!("{}:{grant_id}", s(&key, "key_id")));
    assert!(!s(&g, "grant_token").is_empty(), "the create's answer carries the token: {g}");
    assert!(h.resource("aws_kms_grant").schema().attributes["grant_token"].sensitive);
    h.assert_no_changes("aws_kms_grant", &g, &cfg(&["Encrypt", "Decrypt"])).await;
    let found = h.find("aws_kms_grant", TOKEN, &planned).await;
    assert_eq!(found.map(|f| s(&f, "id")), Some(s(&g, "id")));
    h.assert_replaces("aws_kms_grant", &g, &cfg(&["Encrypt"]), "operations").await;
    let imported = h.import("aws_kms_grant", &s(&g, "id")).await;
    assert_eq!(imported.get("grantee_principal"), &Value::from(grantee));
    assert_eq!(imported.get("name"), &Value::from("app"));
    h.delete_and_confirm_gone("aws_kms_grant", &g).await;
    h.delete("aws_kms_grant", &g).await;
    assert_eq!(h.find("aws_kms_grant", TOKEN, &planned).await, None, "nothing left to adopt");
}
