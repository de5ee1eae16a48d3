//! `aws_rolesanywhere_profile`. ID and import ID: the profile ID.

use super::{carrying, remote_tags, tag_list, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{missing_id, AwsResource, Create, Options, Tagging};
use crate::values::{list_value, string_list};
use aws_sdk_rolesanywhere::types::ProfileDetail;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Profile;

async fn get(api: &Api<'_>, id: &str) -> Result<ProfileDetail, AwsError> {
    let out = api.call("GetProfile", || api.rolesanywhere.get_profile().profile_id(id).send()).await?;
    out.profile().cloned().ok_or_else(|| missing_id(api, "GetProfile"))
}

fn sorted(items: &[String]) -> Value {
    let mut items = items.to_vec();
    items.sort();
    list_value(items)
}

fn duration(planned: &Value) -> Option<i32> {
    planned.get("duration_seconds").as_i64().and_then(|n| i32::try_from(n).ok())
}

#[async_trait]
impl AwsResource for Profile {
    fn type_name(&self) -> &'static str {
        "aws_rolesanywhere_profile"
    }

    fn schema(&self) -> Schema {
        let set = || Type::set(Type::String);
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("duration_seconds", Attribute::optional_computed(Type::Number))
            .attr("enabled", Attribute::optional(Type::Bool))
            .attr("managed_policy_arns", Attribute::optional(set()))
            .attr("name", Attribute::required(Type::String))
            .attr("require_instance_properties", Attribute::optional(Type::Bool).force_new())
            .attr("role_arns", Attribute::optional(set()))
            .attr("session_policy", Attribute::optional(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let call = api
            .rolesanywhere
            .create_profile()
            .name(p.get_str("name").unwrap_or_default())
            .set_role_arns(Some(string_list(p.get("role_arns"))))
            .set_managed_policy_arns(Some(string_list(p.get("managed_policy_arns"))))
            .set_session_policy(p.get_str("session_policy").map(str::to_string))
            .set_duration_seconds(duration(p))
            .set_require_instance_properties(p.get("require_instance_properties").as_bool())
            .set_enabled(p.get("enabled").as_bool())
            .set_tags(Some(tag_list(&req.tags)));
        let created = api
            .create("CreateProfile", CreateCall::default(), || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        created.id(|o| o.profile().and_then(|d| d.profile_id())).ok_or_else(|| missing_id(api, "CreateProfile"))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let d = get(api, id).await?;
        let arn = d.profile_arn().unwrap_or_default().to_string();
        s.set("arn", Value::from(arn.as_str()));
        s.set("name", Value::from(d.name().unwrap_or_default()));
        s.set("role_arns", sorted(d.role_arns()));
        s.set(
            "managed_policy_arns",
            if d.managed_policy_arns().is_empty() { Value::Null } else { sorted(d.managed_policy_arns()) },
        );
        s.set("session_policy", d.session_policy().map(Value::from).unwrap_or(Value::Null));
        s.set("duration_seconds", d.duration_seconds().map(|n| Value::from(n as i64)).unwrap_or(Value::Null));
        s.set("require_instance_properties", d.require_instance_properties().map(Value::from).unwrap_or(Value::Null));
        s.set("enabled", d.enabled().map(Value::from).unwrap_or(Value::Null));
        remote_tags(api, &arn).await.map(Some)
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let changed = |k: &str| prior.get(k) != planned.get(k);
        if ["name", "role_arns", "managed_policy_arns", "session_policy", "duration_seconds"].iter().any(|k| changed(k))
        {
            let req = api
                .rolesanywhere
                .update_profile()
                .profile_id(id)
                .set_name(planned.get_str("name").map(str::to_string))
                .set_role_arns(Some(string_list(planned.get("role_arns"))))
                .set_managed_policy_arns(Some(string_list(planned.get("managed_policy_arns"))))
                .set_session_policy(planned.get_str("session_policy").map(str::to_string))
                .set_duration_seconds(duration(planned));
            api.call("UpdateProfile", || req.clone().send()).await?;
        }
        if changed("enabled") {
            if planned.get("enabled").as_bool() == Some(true) {
                api.call("EnableProfile", || api.rolesanywhere.enable_profile().profile_id(id).send()).await?;
            } else {
                api.call("DisableProfile", || api.rolesanywhere.disable_profile().profile_id(id).send()).await?;
            }
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
        let arn = get(api, id).await?.profile_arn().unwrap_or_default().to_string();
        super::set_tags(api, &arn, removed, changed).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteProfile", || api.rolesanywhere.delete_profile().profile_id(id).send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let name = planned.get_str("name").unwrap_or_default();
        let mut candidates = Vec::new();
        let mut next: Option<String> = None;
        loop {
            let req = api.rolesanywhere.list_profiles().set_next_token(next.clone());
            let out = api.call("ListProfiles", || req.clone().send()).await?;
            for p in out.profiles().iter().filter(|p| p.name() == Some(name)) {
                if let (Some(id), Some(arn)) = (p.profile_id(), p.profile_arn()) {
                    candidates.push((id.to_string(), arn.to_string()));
                }
            }
            next = out.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        carrying(api, candidates, token).await
    }
}
