//! `aws_kms_replica_key` and `aws_kms_replica_external_key`: a replica, in the provider's
//! region, of a multi-Region primary key in another region (`primary_key_arn`). ID and import
//! ID: the key ID (a replica shares its primary's). ReplicateKey is sent to the primary's
//! region; at most one replica of a primary can exist per region, so after a crash the key of
//! the primary's ID in this region is the one the create made. The external kind then imports
//! its key material (the primary's) as `aws_kms_external_key` does.

use super::external::{
    check_material, describe, finish, import_material, read_policy, set_external_metadata,
    update_description_and_policy, update_enabled,
};
use super::{kms_tags, remote_tags, schedule_deletion, set_enabled, set_tags, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::policy_json::keep_equivalent_prior;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::opt_str;
use aws_sdk_kms::config::Region;
use aws_sdk_kms::types::KeyState;
use meshplan_provider::{async_trait, Attribute, Planned, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct ReplicaKey {
    /// `aws_kms_replica_external_key`: the primary's material is imported into the replica.
    pub external: bool,
}

/// `arn:PARTITION:kms:REGION:ACCOUNT:key/ID` → (region, key ID).
fn primary_parts(arn: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "kms", region, _, resource] if !region.is_empty() => Some((region, resource.strip_prefix("key/")?)),
        _ => None,
    }
}

#[async_trait]
impl AwsResource for ReplicaKey {
    fn type_name(&self) -> &'static str {
        if self.external {
            "aws_kms_replica_external_key"
        } else {
            "aws_kms_replica_key"
        }
    }

    fn schema(&self) -> Schema {
        let common = Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool).default(false))
            .attr("deletion_window_in_days", Attribute::optional(Type::Number).default(30i64))
            .attr("description", Attribute::optional(Type::String))
            .attr("key_id", Attribute::computed(Type::String))
            .attr("key_usage", Attribute::computed(Type::String))
            .attr("policy", Attribute::optional_computed(Type::String))
            .attr("primary_key_arn", Attribute::required(Type::String).force_new());
        if self.external {
            common
                .attr("enabled", Attribute::optional_computed(Type::Bool))
                .attr("expiration_model", Attribute::computed(Type::String))
                .attr("key_material_base64", Attribute::optional(Type::String).sensitive().force_new())
                .attr("key_state", Attribute::computed(Type::String))
                .attr("valid_to", Attribute::optional(Type::String).force_new())
        } else {
            common
                .attr("enabled", Attribute::optional(Type::Bool).default(true))
                .attr("key_rotation_enabled", Attribute::computed(Type::Bool))
                .attr("key_spec", Attribute::computed(Type::String))
        }
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
        let arn = p.get_str("primary_key_arn").unwrap_or_default();
        let Some((region, key_id)) = primary_parts(arn) else {
            return Err(api.invalid(
                "primary_key_arn",
                format!("{arn:?} is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"),
            ));
        };
        let primary = aws_sdk_kms::Client::from_conf(
            api.kms.config().to_builder().region(Region::new(region.to_string())).build(),
        );
        let call = primary
            .replicate_key()
            .key_id(key_id)
            .replica_region(api.region.as_str())
            .set_description(p.get_str("description").map(str::to_string))
            .set_policy(p.get_str("policy").map(str::to_string))
            .bypass_policy_lockout_safety_check(p.get("bypass_policy_lockout_safety_check").as_bool().unwrap_or(false))
            .set_tags(Some(kms_tags(&req.tags)));
        let conflicts = CreateCall { conflicts: &["AlreadyExistsException"], ..Default::default() };
        let created =
            api.create("ReplicateKey", conflicts, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        let id = created
            .id(|out| out.replica_key_metadata().map(|m| m.key_id()))
            .ok_or_else(|| missing_id(api, "ReplicateKey"))?;
        // The tags once more on the replica itself: idempotent, and emulators may drop them.
        let tags = req.tags.clone();
        let tag = api.kms.tag_resource().key_id(&id).set_tags(Some(kms_tags(&tags)));
        api.call_settling("TagResource", NOT_FOUND, || tag.clone().send()).await?;
        Ok(id)
    }

    /// Waits out `Creating`, sets the description where the replica did not take it (emulators
    /// copy the primary's), then imports the material (external kind) and applies `enabled`.
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut meta = describe(api, id).await?;
        while meta.as_ref().and_then(|m| m.key_state()) == Some(&KeyState::Creating)
            && tokio::time::Instant::now() < deadline
        {
            tokio::time::sleep(api.poll_interval).await;
            meta = describe(api, id).await?;
        }
        let want = planned.get_str("description").unwrap_or_default();
        if meta.as_ref().is_some_and(|m| m.description().unwrap_or_default() != want) {
            let req = api.kms.update_key_description().key_id(id).description(want);
            api.call("UpdateKeyDescription", || req.clone().send()).await?;
        }
        let state = meta.and_then(|m| m.key_state().cloned());
        if self.external {
            if state == Some(KeyState::PendingImport) {
                import_material(api, &api.kms, id, planned).await?;
            }
            return finish(api, id, planned).await;
        }
        if planned.get("enabled").as_bool() == Some(false) && state == Some(KeyState::Enabled) {
            set_enabled(api, id, false).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(m) = describe(api, id).await? else { return Ok(None) };
        s.set("key_id", Value::from(m.key_id()));
        let primary = m.multi_region_configuration().and_then(|c| c.primary_key()).and_then(|k| k.arn());
        s.set("primary_key_arn", opt_str(primary));
        if self.external {
            set_external_metadata(s, &m);
        } else {
            s.set("arn", Value::from(m.arn().unwrap_or_default()));
            s.set("description", Value::from(m.description().unwrap_or_default()));
            s.set("enabled", Value::from(m.enabled()));
            s.set("key_usage", opt_str(m.key_usage().map(|u| u.as_str())));
            s.set("key_spec", opt_str(m.key_spec().map(|k| k.as_str())));
            let rotation =
                api.call("GetKeyRotationStatus", || api.kms.get_key_rotation_status().key_id(id).send()).await?;
            s.set("key_rotation_enabled", Value::from(rotation.key_rotation_enabled()));
        }
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

    /// The primary's key ID in this region (a replica keeps its primary's ID).
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some((_, key_id)) = planned.get_str("primary_key_arn").and_then(primary_parts) else { return Ok(None) };
        match describe(api, key_id).await {
            Ok(found) => Ok(found.map(|m| m.key_id().to_string())),
            Err(e) if e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::primary_parts;

    #[test]
    fn primary_arn_names_region_and_key() {
        let arn = "arn:aws:kms:us-west-2:123456789012:key/mrk-1234";
        assert_eq!(primary_parts(arn), Some(("us-west-2", "mrk-1234")));
        assert_eq!(primary_parts("arn:aws:kms::123456789012:key/mrk-1"), None);
        assert_eq!(primary_parts("mrk-1234"), None);
    }
}
