//! `aws_iam_instance_profile`: a role container for EC2 instances. ID and import ID: the name.

use super::common::{carries_token, iam_tags, tags_map, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Naming, Options, Tagging};
use crate::values::opt_str;
use aws_sdk_iam::types::InstanceProfile as Profile;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct InstanceProfile;

async fn get(api: &Api<'_>, name: &str) -> Result<Profile, AwsError> {
    let out =
        api.call("GetInstanceProfile", || api.iam.get_instance_profile().instance_profile_name(name).send()).await?;
    out.instance_profile().cloned().ok_or_else(|| AwsError::Api {
        address: api.address.to_string(),
        operation: "GetInstanceProfile",
        code: "NoSuchEntity".into(),
        message: "no instance profile in the answer".into(),
        status: None,
    })
}

async fn add_role(api: &Api<'_>, name: &str, role: &str) -> Result<(), AwsError> {
    let req = api.iam.add_role_to_instance_profile().instance_profile_name(name).role_name(role);
    // A role made a moment ago is not always visible yet; a lost answer resent hits LimitExceeded.
    api.call_settling("AddRoleToInstanceProfile", NOT_FOUND, || req.clone().send()).await?;
    Ok(())
}

async fn remove_role(api: &Api<'_>, name: &str, role: &str) -> Result<(), AwsError> {
    let req = api.iam.remove_role_from_instance_profile().instance_profile_name(name).role_name(role);
    match api.call("RemoveRoleFromInstanceProfile", || req.clone().send()).await {
        Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
        _ => Ok(()),
    }
}

#[async_trait]
impl AwsResource for InstanceProfile {
    fn type_name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("path", Attribute::optional(Type::String).default("/").force_new())
            .attr("role", Attribute::optional(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, naming: Some(Naming::with_prefix()), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let call = api
            .iam
            .create_instance_profile()
            .instance_profile_name(req.name())
            .path(req.planned.get_str("path").unwrap_or("/"))
            .set_tags(iam_tags(&req.tags));
        let conflicts = CreateCall { conflicts: &["EntityAlreadyExists"], ..CreateCall::default() };
        let created = api
            .create(
                "CreateInstanceProfile",
                conflicts,
                || call.clone().send(),
                || self.locate(api, req.token, req.planned),
            )
            .await?;
        Ok(created.id(|out| out.instance_profile().map(|p| p.instance_profile_name())).unwrap_or(req.name().into()))
    }

    /// Adds the role unless it is there already (find resumes an interrupted create).
    async fn after_create(&self, api: &Api<'_>, id: &str, planned: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some(role) = planned.get_str("role") else { return Ok(()) };
        if !get(api, id).await?.roles().iter().any(|r| r.role_name() == role) {
            add_role(api, id, role).await?;
        }
        Ok(())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let p = get(api, id).await?;
        s.set("name", Value::from(p.instance_profile_name()));
        s.set("arn", Value::from(p.arn()));
        s.set("path", Value::from(p.path()));
        s.set("unique_id", Value::from(p.instance_profile_id()));
        s.set("create_date", Value::from(p.create_date().to_string()));
        s.set("role", opt_str(p.roles().first().map(|r| r.role_name())));
        Ok(Some(tags_map(p.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("role") != planned.get("role") {
            if let Some(old) = prior.get_str("role") {
                remove_role(api, id, old).await?;
            }
            if let Some(new) = planned.get_str("role") {
                add_role(api, id, new).await?;
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
        if !removed.is_empty() {
            let req = api.iam.untag_instance_profile().instance_profile_name(id).set_tag_keys(Some(removed.to_vec()));
            api.call("UntagInstanceProfile", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let req = api.iam.tag_instance_profile().instance_profile_name(id).set_tags(iam_tags(changed));
            api.call("TagInstanceProfile", || req.clone().send()).await?;
        }
        Ok(())
    }

    /// A profile must hold no role to be deleted.
    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        for role in get(api, id).await?.roles() {
            remove_role(api, id, role.role_name()).await?;
        }
        api.call("DeleteInstanceProfile", || api.iam.delete_instance_profile().instance_profile_name(id).send())
            .await?;
        Ok(())
    }

    /// By the token-derived (or configured) name, ours when it carries the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        match get(api, name).await {
            Ok(p) if carries_token(p.tags(), token) => Ok(Some(name.to_string())),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
