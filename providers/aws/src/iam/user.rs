//! `aws_iam_user`. ID and import ID: the user name.
//!
//! Crash safety: CreateUser writes the intent tag with the user; `locate` is GetUser by the
//! configured name holding that tag.

use super::common::{carries_token, iam_tags, tags_map, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options, Tagging};
use crate::values::opt_str;
use aws_sdk_iam::types::User as IamUser;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct User;

async fn get(api: &Api<'_>, name: &str) -> Result<IamUser, AwsError> {
    let out = api.call("GetUser", || api.iam.get_user().user_name(name).send()).await?;
    out.user().cloned().ok_or_else(|| AwsError::Api {
        address: api.address.to_string(),
        operation: "GetUser",
        code: "NoSuchEntity".into(),
        message: "no user in the answer".into(),
        status: None,
    })
}

/// The configured boundary; `""` is none (terraform-aws-modules/iam passes "" by default).
fn boundary(v: &Value) -> Option<&str> {
    v.get_str("permissions_boundary").filter(|b| !b.is_empty())
}

/// Takes an error whose code says "not there" as done.
fn ignore_gone<T>(r: Result<T, AwsError>) -> Result<(), AwsError> {
    match r {
        Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
        _ => Ok(()),
    }
}

/// What must go before DeleteUser: group memberships always (as Terraform), and with
/// `force_destroy` the user's keys, login profile and policies.
async fn empty_user(api: &Api<'_>, name: &str, force: bool) -> Result<(), AwsError> {
    let groups = api.call("ListGroupsForUser", || api.iam.list_groups_for_user().user_name(name).send()).await?;
    for g in groups.groups() {
        let req = api.iam.remove_user_from_group().group_name(g.group_name()).user_name(name);
        ignore_gone(api.call("RemoveUserFromGroup", || req.clone().send()).await)?;
    }
    if !force {
        return Ok(());
    }
    let keys = api.call("ListAccessKeys", || api.iam.list_access_keys().user_name(name).send()).await?;
    for id in keys.access_key_metadata().iter().filter_map(|k| k.access_key_id()) {
        let req = api.iam.delete_access_key().user_name(name).access_key_id(id);
        ignore_gone(api.call("DeleteAccessKey", || req.clone().send()).await)?;
    }
    ignore_gone(api.call("DeleteLoginProfile", || api.iam.delete_login_profile().user_name(name).send()).await)?;
    let ssh = api.call("ListSSHPublicKeys", || api.iam.list_ssh_public_keys().user_name(name).send()).await?;
    for k in ssh.ssh_public_keys() {
        let req = api.iam.delete_ssh_public_key().user_name(name).ssh_public_key_id(k.ssh_public_key_id());
        ignore_gone(api.call("DeleteSSHPublicKey", || req.clone().send()).await)?;
    }
    let inline = api.call("ListUserPolicies", || api.iam.list_user_policies().user_name(name).send()).await?;
    for p in inline.policy_names() {
        let req = api.iam.delete_user_policy().user_name(name).policy_name(p);
        ignore_gone(api.call("DeleteUserPolicy", || req.clone().send()).await)?;
    }
    let attached =
        api.call("ListAttachedUserPolicies", || api.iam.list_attached_user_policies().user_name(name).send()).await?;
    for arn in attached.attached_policies().iter().filter_map(|p| p.policy_arn()) {
        let req = api.iam.detach_user_policy().user_name(name).policy_arn(arn);
        ignore_gone(api.call("DetachUserPolicy", || req.clone().send()).await)?;
    }
    Ok(())
}

#[async_trait]
impl AwsResource for User {
    fn type_name(&self) -> &'static str {
        "aws_iam_user"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            .attr("force_destroy", Attribute::optional(Type::Bool).default(false))
            // Renaming replaces the user here (Terraform renames in place).
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("path", Attribute::optional(Type::String).default("/"))
            .attr("permissions_boundary", Attribute::optional(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Custom, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let name = req.planned.get_str("name").unwrap_or_default();
        let call = api
            .iam
            .create_user()
            .user_name(name)
            .path(req.planned.get_str("path").unwrap_or("/"))
            .set_permissions_boundary(boundary(req.planned).map(str::to_string))
            .set_tags(iam_tags(&req.tags));
        let conflicts = CreateCall { conflicts: &["EntityAlreadyExists"], ..CreateCall::default() };
        let created = api
            .create("CreateUser", conflicts, || call.clone().send(), || self.locate(api, req.token, req.planned))
            .await?;
        Ok(created.id(|out| out.user().map(|u| u.user_name())).unwrap_or(name.into()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let u = get(api, id).await?;
        s.set("name", Value::from(u.user_name()));
        s.set("arn", Value::from(u.arn()));
        s.set("path", Value::from(u.path()));
        s.set("unique_id", Value::from(u.user_id()));
        let remote = u.permissions_boundary().and_then(|b| b.permissions_boundary_arn());
        // "" is no boundary (as Terraform's SDKv2 reads it): keep the configured "".
        if remote.is_some() || boundary(s).is_some() {
            s.set("permissions_boundary", opt_str(remote));
        }
        if s.get("force_destroy").is_null() {
            s.set("force_destroy", Value::from(false));
        }
        Ok(Some(tags_map(u.tags())))
    }

    async fn update(&self, api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        if prior.get("path") != planned.get("path") {
            let req = api.iam.update_user().user_name(id).new_path(planned.get_str("path").unwrap_or("/"));
            api.call("UpdateUser", || req.clone().send()).await?;
        }
        if boundary(prior) != boundary(planned) {
            match boundary(planned) {
                Some(arn) => {
                    let req = api.iam.put_user_permissions_boundary().user_name(id).permissions_boundary(arn);
                    api.call("PutUserPermissionsBoundary", || req.clone().send()).await?;
                }
                None => {
                    let req = api.iam.delete_user_permissions_boundary().user_name(id);
                    api.call("DeleteUserPermissionsBoundary", || req.clone().send()).await?;
                }
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
            let req = api.iam.untag_user().user_name(id).set_tag_keys(Some(removed.to_vec()));
            api.call("UntagUser", || req.clone().send()).await?;
        }
        if !changed.is_empty() {
            let req = api.iam.tag_user().user_name(id).set_tags(iam_tags(changed));
            api.call("TagUser", || req.clone().send()).await?;
        }
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        empty_user(api, id, state.get("force_destroy").as_bool().unwrap_or(false)).await?;
        api.call("DeleteUser", || api.iam.delete_user().user_name(id).send()).await?;
        Ok(())
    }

    /// By the configured name, ours when it carries the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        match get(api, name).await {
            Ok(u) if carries_token(u.tags(), token) => Ok(Some(name.to_string())),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
