//! `aws_kms_external_key`: a key whose material the user brings (origin `EXTERNAL`). ID and
//! import ID: the key ID. The material (`key_material_base64`, sensitive) is wrapped with the
//! public key of GetParametersForImport (RSAES-OAEP SHA-256) and imported; it is never read
//! back, so the state keeps what was configured. Destroying schedules the deletion.

use super::{kms_tags, locate_by_tag, remote_tags, schedule_deletion, set_enabled, set_tags, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::policy_json::{keep_equivalent_prior, prefer_prior};
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::opt_str;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{
    AlgorithmSpec, ExpirationModelType, KeyMetadata, KeyState, KeyUsageType, OriginType, WrappingKeySpec,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use base64::Engine;
use meshplan_provider::{async_trait, Attribute, Planned, ProviderError, Schema, Type, Value};
use rsa::pkcs8::DecodePublicKey;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct ExternalKey;

/// `valid_to` as KMS takes it (RFC 3339).
fn valid_to(api: &Api<'_>, planned: &Value) -> Result<Option<DateTime>, AwsError> {
    let Some(text) = planned.get_str("valid_to") else { return Ok(None) };
    DateTime::from_str(text, Format::DateTime)
        .map(Some)
        .map_err(|_| api.invalid("valid_to", format!("{text:?} is not an RFC 3339 time (e.g. 2030-01-01T00:00:00Z)")))
}

/// Refuses key material that is not base64 (without showing it: it is secret).
pub(super) fn check_material(address: &str, config: &Value) -> Result<(), ProviderError> {
    let Some(encoded) = config.get_str("key_material_base64") else { return Ok(()) };
    match base64::engine::general_purpose::STANDARD.decode(encoded.trim()) {
        Ok(bytes) if bytes.len() == 32 => Ok(()),
        _ => Err(ProviderError::new(format!(
            "{address}: key_material_base64 is not 256 bits of base64 (the value is not shown)"
        ))
        .at_attribute("key_material_base64")
        .with_hint("KMS imports 256-bit symmetric key material, e.g. `openssl rand -base64 32`")),
    }
}

/// Imports the planned key material into `key_id` through `kms` (the key's region's client):
/// wrap it with the import token's public key, then ImportKeyMaterial. Importing the same
/// material again is allowed, so a resumed create may repeat it.
pub(super) async fn import_material(
    api: &Api<'_>,
    kms: &aws_sdk_kms::Client,
    key_id: &str,
    planned: &Value,
) -> Result<(), AwsError> {
    let Some(encoded) = planned.get_str("key_material_base64") else { return Ok(()) };
    let material = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| api.invalid("key_material_base64", "not valid base64 (the value is not shown)"))?;
    let expires = valid_to(api, planned)?;
    let params = api
        .call("GetParametersForImport", || {
            kms.get_parameters_for_import()
                .key_id(key_id)
                .wrapping_algorithm(AlgorithmSpec::RsaesOaepSha256)
                .wrapping_key_spec(WrappingKeySpec::Rsa2048)
                .send()
        })
        .await?;
    let (Some(public), Some(token)) = (params.public_key(), params.import_token()) else {
        return Err(missing_id(api, "GetParametersForImport"));
    };
    let wrapping = rsa::RsaPublicKey::from_public_key_der(public.as_ref())
        .map_err(|e| api.invalid("key_material_base64", format!("KMS's wrapping key is not an RSA key: {e}")))?;
    let wrapped = wrapping
        .encrypt(&mut rsa::rand_core::OsRng, rsa::Oaep::new::<sha2::Sha256>(), &material)
        .map_err(|e| api.invalid("key_material_base64", format!("the key material cannot be wrapped: {e}")))?;
    let model = if expires.is_some() {
        ExpirationModelType::KeyMaterialExpires
    } else {
        ExpirationModelType::KeyMaterialDoesNotExpire
    };
    let req = kms
        .import_key_material()
        .key_id(key_id)
        .import_token(token.clone())
        .encrypted_key_material(Blob::new(wrapped))
        .expiration_model(model)
        .set_valid_to(expires);
    api.call("ImportKeyMaterial", || req.clone().send()).await?;
    Ok(())
}

/// The attributes an external key (or its replica) shares, from its metadata.
pub(super) fn set_external_metadata(s: &mut Value, m: &KeyMetadata) {
    s.set("arn", Value::from(m.arn().unwrap_or_default()));
    s.set("description", Value::from(m.description().unwrap_or_default()));
    s.set("enabled", Value::from(m.enabled()));
    s.set("expiration_model", opt_str(m.expiration_model().map(|e| e.as_str())));
    s.set("key_state", opt_str(m.key_state().map(|k| k.as_str())));
    s.set("key_usage", opt_str(m.key_usage().map(|u| u.as_str())));
    // The configured text stays when it names the same instant.
    let remote = m.valid_to().and_then(|t| t.fmt(Format::DateTime).ok());
    let prior = s.get_str("valid_to").and_then(|t| DateTime::from_str(t, Format::DateTime).ok());
    if prior.as_ref() != m.valid_to() {
        s.set("valid_to", remote.map(Value::from).unwrap_or(Value::Null));
    }
}

/// After the material is in: a disabled start when `enabled = false`.
pub(super) async fn finish(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    if planned.get("enabled").as_bool() == Some(false) && planned.get_str("key_material_base64").is_some() {
        set_enabled(api, id, false).await?;
    }
    Ok(())
}

/// `enabled` turned on or off (a key still waiting for its material cannot be enabled).
pub(super) async fn update_enabled(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    match planned.get("enabled").as_bool() {
        Some(on) if prior.get("enabled").as_bool() != Some(on) => set_enabled(api, id, on).await,
        _ => Ok(()),
    }
}

pub(super) async fn update_description_and_policy(
    api: &Api<'_>,
    id: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), AwsError> {
    if prior.get("description") != planned.get("description") {
        let text = planned.get_str("description").unwrap_or_default();
        let req = api.kms.update_key_description().key_id(id).description(text);
        api.call("UpdateKeyDescription", || req.clone().send()).await?;
    }
    if let Some(policy) = planned.get_str("policy").filter(|_| prior.get("policy") != planned.get("policy")) {
        let bypass = planned.get("bypass_policy_lockout_safety_check").as_bool().unwrap_or(false);
        let req = api
            .kms
            .put_key_policy()
            .key_id(id)
            .policy_name("default")
            .policy(policy)
            .bypass_policy_lockout_safety_check(bypass);
        api.call("PutKeyPolicy", || req.clone().send()).await?;
    }
    Ok(())
}

pub(super) async fn read_policy(api: &Api<'_>, id: &str, s: &mut Value) -> Result<(), AwsError> {
    let out = api.call("GetKeyPolicy", || api.kms.get_key_policy().key_id(id).policy_name("default").send()).await?;
    let remote = out.policy().unwrap_or_default().to_string();
    s.set("policy", Value::from(prefer_prior(s.get_str("policy"), &remote)));
    Ok(())
}

/// The key's metadata; `None` once it is gone or pending deletion.
pub(super) async fn describe(api: &Api<'_>, id: &str) -> Result<Option<KeyMetadata>, AwsError> {
    let out = api.call("DescribeKey", || api.kms.describe_key().key_id(id).send()).await?;
    Ok(out
        .key_metadata
        .filter(|m| !matches!(m.key_state(), Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion))))
}

#[async_trait]
impl AwsResource for ExternalKey {
    fn type_name(&self) -> &'static str {
        "aws_kms_external_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool).default(false))
            .attr("deletion_window_in_days", Attribute::optional(Type::Number))
            .attr("description", Attribute::optional(Type::String))
            .attr("enabled", Attribute::optional_computed(Type::Bool))
            .attr("expiration_model", Attribute::computed(Type::String))
            .attr("key_material_base64", Attribute::optional(Type::String).sensitive().force_new())
            .attr("key_state", Attribute::computed(Type::String))
            .attr("key_usage", Attribute::computed(Type::String))
            .attr("multi_region", Attribute::optional_computed(Type::Bool).force_new())
            .attr("policy", Attribute::optional_computed(Type::String))
            .attr("valid_to", Attribute::optional(Type::String).force_new())
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "policy");
    }

    fn check(&self, address: &str, config: &Value) -> Result<(), ProviderError> {
        check_material(address, config)
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        valid_to(api, p)?;
        let call = api
            .kms
            .create_key()
            .origin(OriginType::External)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .set_description(p.get_str("description").map(str::to_string))
            .set_policy(p.get_str("policy").map(str::to_string))
            .set_multi_region(p.get("multi_region").as_bool())
            .bypass_policy_lockout_safety_check(p.get("bypass_policy_lockout_safety_check").as_bool().unwrap_or(false))
            .set_tags(Some(kms_tags(&req.tags)));
        let created = api
            .create("CreateKey", CreateCall::default(), || call.clone().send(), || locate_by_tag(api, req.token))
            .await?;
        created.id(|out| out.key_metadata().map(|m| m.key_id())).ok_or_else(|| missing_id(api, "CreateKey"))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let pending = describe(api, id).await?.is_some_and(|m| m.key_state() == Some(&KeyState::PendingImport));
        if pending {
            import_material(api, &api.kms, id, planned).await?;
        }
        finish(api, id, planned).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(m) = describe(api, id).await? else { return Ok(None) };
        set_external_metadata(s, &m);
        s.set("multi_region", Value::from(m.multi_region().unwrap_or(false)));
        read_policy(api, id, s).await?;
        remote_tags(api, id).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        update_description_and_policy(api, id, prior, planned).await?;
        update_enabled(api, id, prior, planned).await
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        set_tags(api, id, removed, changed).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        schedule_deletion(api, id, state).await
    }

    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        locate_by_tag(api, token).await
    }
}
