//! aws_kms_external_key's key material import, which moto lacks, replayed with
//! aws-smithy-mocks: the material must reach ImportKeyMaterial wrapped with KMS's public key
//! (RSAES-OAEP SHA-256) so that only the matching private key opens it.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;
use aws_sdk_kms::operation::create_key::CreateKeyOutput;
use aws_sdk_kms::operation::describe_key::DescribeKeyOutput;
use aws_sdk_kms::operation::get_key_policy::GetKeyPolicyOutput;
use aws_sdk_kms::operation::get_parameters_for_import::GetParametersForImportOutput;
use aws_sdk_kms::operation::import_key_material::ImportKeyMaterialOutput;
use aws_sdk_kms::operation::list_resource_tags::ListResourceTagsOutput;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{ExpirationModelType, KeyMetadata, KeyState, KeyUsageType};
use aws_sdk_kms::Client as Kms;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use meshplan_provider::{Ctx, PlanRequest, Provider, Value};
use meshplan_provider_aws::{AwsClients, AwsProvider, Settings};
use rsa::pkcs8::EncodePublicKey;
use std::sync::Arc;

use crate::mocks::plan_create;
use crate::support::obj;

/// 32 bytes, base64.
const MATERIAL: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn metadata(state: KeyState) -> KeyMetadata {
    KeyMetadata::builder()
        .key_id("k1")
        .arn("arn:aws:kms:us-east-1:123456789012:key/k1")
        .description("byok")
        .enabled(state == KeyState::Enabled)
        .key_state(state)
        .key_usage(KeyUsageType::EncryptDecrypt)
        .expiration_model(ExpirationModelType::KeyMaterialExpires)
        .valid_to(aws_smithy_types::DateTime::from_secs(1_893_456_000))
        .multi_region(false)
        .build()
        .unwrap()
}

/// The interceptor answering `rules` (in any order).
pub(crate) fn interceptor(rules: &[Rule]) -> MockResponseInterceptor {
    rules.iter().fold(MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny), |i, r| i.with_rule(r))
}

/// An SDK configuration that reaches nothing (the mocked clients answer first).
pub(crate) fn sdk() -> SdkConfig {
    SdkConfig::builder()
        .region(Region::new("us-east-1"))
        .behavior_version(BehaviorVersion::latest())
        .credentials_provider(SharedCredentialsProvider::new(Credentials::from_keys("AKID", "secret", None)))
        .endpoint_url("http://127.0.0.1:9")
        .build()
}

fn ctx(rules: &[Rule]) -> Ctx {
    let sdk = sdk();
    let interceptor = interceptor(rules);
    let mut clients = AwsClients::from_sdk_config(&sdk, &Settings::default());
    let conf =
        aws_sdk_kms::Config::new(&sdk).to_builder().http_client(create_mock_http_client()).interceptor(interceptor);
    clients.kms = Kms::from_conf(conf.build());
    Ctx::new(Arc::new(clients), "aws_kms_external_key.byok")
}

#[tokio::test]
async fn key_material_is_wrapped_and_imported() {
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 1024).expect("test key");
    let public_der = private.to_public_key().to_public_key_der().expect("der").as_bytes().to_vec();
    let material = base64_decode(MATERIAL);
    let create = mock!(Kms::create_key)
        .match_requests(|r| r.origin().map(|o| o.as_str()) == Some("EXTERNAL"))
        .then_output(|| CreateKeyOutput::builder().key_metadata(metadata(KeyState::PendingImport)).build());
    let describe = mock!(Kms::describe_key)
        .sequence()
        .output(|| DescribeKeyOutput::builder().key_metadata(metadata(KeyState::PendingImport)).build())
        .output(|| DescribeKeyOutput::builder().key_metadata(metadata(KeyState::Enabled)).build())
        .repeatedly()
        .build();
    let params = mock!(Kms::get_parameters_for_import)
        .match_requests(|r| r.wrapping_algorithm().map(|a| a.as_str()) == Some("RSAES_OAEP_SHA_256"))
        .then_output(move || {
            GetParametersForImportOutput::builder()
                .key_id("k1")
                .public_key(Blob::new(public_der.clone()))
                .import_token(Blob::new(b"import-token".to_vec()))
                .build()
        });
    let key = private.clone();
    let import = mock!(Kms::import_key_material)
        .match_requests(move |r| {
            let wrapped = r.encrypted_key_material().map(|b| b.as_ref().to_vec()).unwrap_or_default();
            let opened = key.decrypt(rsa::Oaep::new::<sha2::Sha256>(), &wrapped).ok();
            opened.as_deref() == Some(material.as_slice())
                && r.import_token().map(|t| t.as_ref()) == Some(&b"import-token"[..])
                && r.expiration_model() == Some(&ExpirationModelType::KeyMaterialExpires)
                && r.valid_to().map(|t| t.secs()) == Some(1_893_456_000)
        })
        .then_output(|| ImportKeyMaterialOutput::builder().build());
    let policy =
        mock!(Kms::get_key_policy).then_output(|| GetKeyPolicyOutput::builder().policy(r#"{"Statement":[]}"#).build());
    let tags = mock!(Kms::list_resource_tags).then_output(|| ListResourceTagsOutput::builder().build());
    let rules = [create, describe, params, import, policy, tags];
    let ctx = ctx(&rules);

    let rt = AwsProvider.resource_types().into_iter().find(|r| r.type_name() == "aws_kms_external_key").unwrap();
    let config = obj([
        ("description", Value::from("byok")),
        ("key_material_base64", Value::from(MATERIAL)),
        ("valid_to", Value::from("2030-01-01T00:00:00Z")),
    ]);
    let planned = plan_create(&rt, &ctx, &config).await;
    let state = rt.create(&ctx, &planned).await.expect("create");
    assert_eq!(rules[3].num_calls(), 1, "ImportKeyMaterial with the material wrapped for KMS's key");
    assert_eq!(state.get("key_state"), &Value::from("Enabled"));
    assert_eq!(state.get("expiration_model"), &Value::from("KEY_MATERIAL_EXPIRES"));
    assert_eq!(state.get("valid_to"), &Value::from("2030-01-01T00:00:00Z"), "the configured text stays");
    assert_eq!(state.get("key_material_base64"), &Value::from(MATERIAL), "kept from the configuration");
    assert!(rt.schema().attributes["key_material_base64"].sensitive);

    // Bad base64 is refused at plan time, at the attribute, without echoing the value.
    let bad = crate::support::complete(&rt.schema(), &obj([("key_material_base64", Value::from("%%secret%%"))]));
    let err = rt.plan(&ctx, PlanRequest { prior: None, config: &bad }).await.unwrap_err();
    assert_eq!(err.attribute.as_deref(), Some("key_material_base64"));
    assert!(!format!("{err} {:?}", err.hint).contains("secret"), "{err}");
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}

/// A key in a CloudHSM key store: `custom_key_store_id` makes the origin AWS_CLOUDHSM and is
/// read back (moto has no custom key stores).
#[tokio::test]
async fn key_in_a_custom_key_store() {
    use aws_sdk_kms::operation::get_key_rotation_status::GetKeyRotationStatusOutput;
    let cks = || {
        KeyMetadata::builder()
            .key_id("k2")
            .arn("arn:aws:kms:us-east-1:123456789012:key/k2")
            .enabled(true)
            .key_state(KeyState::Enabled)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .custom_key_store_id("cks-1234567890abcdef0")
            .build()
            .unwrap()
    };
    let create = mock!(Kms::create_key)
        .match_requests(|r| {
            r.custom_key_store_id() == Some("cks-1234567890abcdef0")
                && r.origin().map(|o| o.as_str()) == Some("AWS_CLOUDHSM")
        })
        .then_output(move || CreateKeyOutput::builder().key_metadata(cks()).build());
    let describe =
        mock!(Kms::describe_key).then_output(move || DescribeKeyOutput::builder().key_metadata(cks()).build());
    let rotation = mock!(Kms::get_key_rotation_status)
        .then_output(|| GetKeyRotationStatusOutput::builder().key_rotation_enabled(false).build());
    let policy = mock!(Kms::get_key_policy).then_output(|| GetKeyPolicyOutput::builder().policy("{}").build());
    let tags = mock!(Kms::list_resource_tags).then_output(|| ListResourceTagsOutput::builder().build());
    let rules = [create, describe, rotation, policy, tags];
    let ctx = ctx(&rules);
    let rt = AwsProvider.resource_types().into_iter().find(|r| r.type_name() == "aws_kms_key").unwrap();
    let planned = plan_create(&rt, &ctx, &obj([("custom_key_store_id", Value::from("cks-1234567890abcdef0"))])).await;
    let state = rt.create(&ctx, &planned).await.expect("create");
    assert_eq!(rules[0].num_calls(), 1, "CreateKey with the key store and its origin");
    assert_eq!(state.get("custom_key_store_id"), &Value::from("cks-1234567890abcdef0"));
    assert_eq!(state.get("xks_key_id"), &Value::Null);
}
