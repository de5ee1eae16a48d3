//! `aws_kms_key`. ID and import ID: the key ID. Destroying schedules the deletion
//! (`deletion_window_in_days`, 30 by default); a key pending deletion reads as gone.

use super::{kms_tags, locate_by_tag, remote_tags, schedule_deletion, set_enabled, set_tags, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::policy_json::{keep_equivalent_prior, prefer_prior};
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{get_i32, opt_str};
use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType, OriginType};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Key;

async fn set_rotation(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    if planned.get("enable_key_rotation").as_bool() == Some(true) {
        let req = api
            .kms
            .enable_key_rotation()
            .key_id(id)
            .set_rotation_period_in_days(get_i32(planned, "rotation_period_in_days"));
        api.call("EnableKeyRotation", || req.clone().send()).await?;
    } else {
        api.call("DisableKeyRotation", || api.kms.disable_key_rotation().key_id(id).send()).await?;
    }
    Ok(())
}

/// The key's origin: a custom key store's (CloudHSM, or external with `xks_key_id`) or KMS's.
fn origin(p: &Value) -> OriginType {
    match (p.get_str("custom_key_store_id"), p.get_str("xks_key_id")) {
        (_, Some(_)) => OriginType::ExternalKeyStore,
        (Some(_), None) => OriginType::AwsCloudhsm,
        _ => OriginType::AwsKms,
    }
}

#[async_trait]
impl AwsResource for Key {
    fn type_name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("key_id", Attribute::computed(Type::String))
            .attr("description", Attribute::optional_computed(Type::String))
            .attr("key_usage", Attribute::optional(Type::String).default("ENCRYPT_DECRYPT").force_new())
            .attr(
                "customer_master_key_spec",
                Attribute::optional(Type::String).default("SYMMETRIC_DEFAULT").force_new(),
            )
            .attr("policy", Attribute::optional_computed(Type::String))
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool).default(false))
            .attr("deletion_window_in_days", Attribute::optional(Type::Number))
            .attr("is_enabled", Attribute::optional(Type::Bool).default(true))
            .attr("enable_key_rotation", Attribute::optional(Type::Bool).default(false))
            .attr("rotation_period_in_days", Attribute::optional_computed(Type::Number))
            .attr("multi_region", Attribute::optional_computed(Type::Bool).force_new())
            .attr("custom_key_store_id", Attribute::optional(Type::String).force_new())
            .attr("xks_key_id", Attribute::optional(Type::String).force_new())
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, timeouts: &["create"], ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "policy");
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let call = api
            .kms
            .create_key()
            .set_description(p.get_str("description").map(str::to_string))
            .key_usage(KeyUsageType::from(p.get_str("key_usage").unwrap_or("ENCRYPT_DECRYPT")))
            .key_spec(KeySpec::from(p.get_str("customer_master_key_spec").unwrap_or("SYMMETRIC_DEFAULT")))
            .set_policy(p.get_str("policy").map(str::to_string))
            .set_multi_region(p.get("multi_region").as_bool())
            .origin(origin(p))
            .set_custom_key_store_id(p.get_str("custom_key_store_id").map(str::to_string))
            .set_xks_key_id(p.get_str("xks_key_id").map(str::to_string))
            .bypass_policy_lockout_safety_check(p.get("bypass_policy_lockout_safety_check").as_bool().unwrap_or(false))
            .set_tags(Some(kms_tags(&req.tags)));
        let created = api
            .create("CreateKey", CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        created.id(|out| out.key_metadata().map(|m| m.key_id())).ok_or_else(|| missing_id(api, "CreateKey"))
    }

    /// Rotation and a disabled start, skipped when already so.
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        if planned.get("enable_key_rotation").as_bool() == Some(true) {
            set_rotation(api, id, planned).await?;
        }
        if planned.get("is_enabled").as_bool() == Some(false) {
            set_enabled(api, id, false).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let out = api.call("DescribeKey", || api.kms.describe_key().key_id(id).send()).await?;
        let Some(m) = out.key_metadata() else { return Ok(None) };
        if matches!(m.key_state(), Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)) {
            return Ok(None);
        }
        s.set("key_id", Value::from(m.key_id()));
        s.set("arn", Value::from(m.arn().unwrap_or_default()));
        s.set("description", Value::from(m.description().unwrap_or_default()));
        s.set("key_usage", Value::from(m.key_usage().map(|u| u.as_str()).unwrap_or("ENCRYPT_DECRYPT")));
        s.set("customer_master_key_spec", Value::from(m.key_spec().map(|k| k.as_str()).unwrap_or("SYMMETRIC_DEFAULT")));
        s.set("is_enabled", Value::from(m.enabled()));
        s.set("multi_region", Value::from(m.multi_region().unwrap_or(false)));
        s.set("custom_key_store_id", opt_str(m.custom_key_store_id()));
        s.set("xks_key_id", opt_str(m.xks_key_configuration().and_then(|x| x.id())));
        let policy =
            api.call("GetKeyPolicy", || api.kms.get_key_policy().key_id(id).policy_name("default").send()).await?;
        let remote = policy.policy().unwrap_or_default().to_string();
        s.set("policy", Value::from(prefer_prior(s.get_str("policy"), &remote)));
        let rotation = api.call("GetKeyRotationStatus", || api.kms.get_key_rotation_status().key_id(id).send()).await?;
        s.set("enable_key_rotation", Value::from(rotation.key_rotation_enabled()));
        let period = rotation.rotation_period_in_days().map(|d| Value::from(i64::from(d)));
        s.set("rotation_period_in_days", period.unwrap_or(Value::Null));
        remote_tags(api, id).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if changed("description") {
            let req = api
                .kms
                .update_key_description()
                .key_id(id)
                .description(planned.get_str("description").unwrap_or_default());
            api.call("UpdateKeyDescription", || req.clone().send()).await?;
        }
        if changed("policy") {
            if let Some(policy) = planned.get_str("policy") {
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
        }
        if changed("is_enabled") {
            set_enabled(api, id, planned.get("is_enabled").as_bool().unwrap_or(true)).await?;
        }
        if changed("enable_key_rotation") || changed("rotation_period_in_days") {
            set_rotation(api, id, planned).await?;
        }
        Ok(())
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

    /// CreateKey takes no client token: the key carrying the intent tag is ours.
    async fn locate(&self, api: &Api<'_>, token: &str, _planned: &Value) -> Result<Option<String>, AwsError> {
        locate_by_tag(api, token).await
    }
}
