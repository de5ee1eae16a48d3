//! `aws_iam_group` (ID and import ID: the name) and `aws_iam_group_membership` (the users of
//! one group, exclusively; ID: its `name`, no import, as in Terraform).
//!
//! Crash safety: groups cannot be tagged, so a group is found by its configured name (and
//! path) — the deterministic name is the intent. AddUserToGroup is idempotent, so a
//! membership is found by its content: the group holds every planned user.

use super::common::NOT_FOUND;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{list_value, string_list};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub struct Group;
pub struct GroupMembership;

/// The group's ARN, ID and path, and its users' names.
async fn get(api: &Api<'_>, name: &str) -> Result<(aws_sdk_iam::types::Group, Vec<String>), AwsError> {
    let mut users = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let req = api.iam.get_group().group_name(name).set_marker(marker.clone());
        let out = api.call("GetGroup", || req.clone().send()).await?;
        users.extend(out.users().iter().map(|u| u.user_name().to_string()));
        match out.marker().filter(|_| out.is_truncated()) {
            Some(m) => marker = Some(m.to_string()),
            None => {
                let group = out.group().cloned().ok_or_else(|| AwsError::Api {
                    address: api.address.to_string(),
                    operation: "GetGroup",
                    code: "NoSuchEntity".into(),
                    message: "no group in the answer".into(),
                    status: None,
                })?;
                return Ok((group, users));
            }
        }
    }
}

#[async_trait]
impl AwsResource for Group {
    fn type_name(&self) -> &'static str {
        "aws_iam_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::computed(Type::String))
            // Renaming replaces the group here (Terraform renames in place).
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("path", Attribute::optional(Type::String).default("/"))
            .attr("unique_id", Attribute::computed(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let name = req.planned.get_str("name").unwrap_or_default();
        let call = api.iam.create_group().group_name(name).path(req.planned.get_str("path").unwrap_or("/"));
        // No conflict codes: a group of this name made by someone else is an error, never
        // adopted; only after an ambiguous failure is the name looked up.
        api.create(
            "CreateGroup",
            Default::default(),
            || call.clone().send(),
            || self.locate(api, req.token, req.planned),
        )
        .await?;
        Ok(name.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (g, _) = get(api, id).await?;
        s.set("name", Value::from(g.group_name()));
        s.set("arn", Value::from(g.arn()));
        s.set("path", Value::from(g.path()));
        s.set("unique_id", Value::from(g.group_id()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let req = api.iam.update_group().group_name(id).new_path(planned.get_str("path").unwrap_or("/"));
        api.call("UpdateGroup", || req.clone().send()).await?;
        Ok(())
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteGroup", || api.iam.delete_group().group_name(id).send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        match get(api, name).await {
            Ok((g, _)) if Some(g.path()) == planned.get_str("path").or(Some("/")) => Ok(Some(name.to_string())),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}

async fn add(api: &Api<'_>, group: &str, users: &BTreeSet<String>) -> Result<(), AwsError> {
    for u in users {
        let req = api.iam.add_user_to_group().group_name(group).user_name(u);
        // Users made a moment ago are not always visible yet.
        api.call_settling("AddUserToGroup", NOT_FOUND, || req.clone().send()).await?;
    }
    Ok(())
}

async fn remove(api: &Api<'_>, group: &str, users: &BTreeSet<String>) -> Result<(), AwsError> {
    for u in users {
        let req = api.iam.remove_user_from_group().group_name(group).user_name(u);
        match api.call("RemoveUserFromGroup", || req.clone().send()).await {
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

fn user_set(v: &Value) -> BTreeSet<String> {
    string_list(v.get("users")).into_iter().collect()
}

#[async_trait]
impl AwsResource for GroupMembership {
    fn type_name(&self) -> &'static str {
        "aws_iam_group_membership"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("group", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("users", Attribute::required(Type::set(Type::String)))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        add(api, req.planned.get_str("group").unwrap_or_default(), &user_set(req.planned)).await?;
        Ok(req.planned.get_str("name").unwrap_or_default().to_string())
    }

    /// Every user of the group (the membership is exclusive); none reads as gone.
    async fn read(
        &self,
        api: &Api<'_>,
        _id: &str,
        s: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(group) = s.get_str("group").map(str::to_string) else { return Ok(None) };
        let (_, users) = get(api, &group).await?;
        if users.is_empty() {
            return Ok(None);
        }
        let users: BTreeSet<String> = users.into_iter().collect();
        // A set: in the prior order when it holds the same users.
        if user_set(s) != users || s.get("users").as_list().map(Vec::len) != Some(users.len()) {
            s.set("users", list_value(&users));
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
        let group = planned.get_str("group").unwrap_or_default();
        let (old, new) = (user_set(prior), user_set(planned));
        remove(api, group, &old.difference(&new).cloned().collect()).await?;
        add(api, group, &new.difference(&old).cloned().collect()).await
    }

    async fn delete(&self, api: &Api<'_>, _id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        remove(api, state.get_str("group").unwrap_or_default(), &user_set(state)).await
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(group), Some(name)) = (planned.get_str("group"), planned.get_str("name")) else { return Ok(None) };
        match get(api, group).await {
            Ok((_, users)) if user_set(planned).iter().all(|u| users.contains(u)) => Ok(Some(name.to_string())),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, _id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Err("aws_iam_group_membership cannot be imported (as in Terraform)".into())
    }
}
