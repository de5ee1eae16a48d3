//! `aws_iam_role_policy` (inline policy). ID and import ID: `<role>:<name>`.

use super::common::{document, NOT_FOUND};
use crate::api::Api;
use crate::error::AwsError;
use crate::policy_json::keep_equivalent_prior;
use crate::skeleton::{AwsResource, Create, Naming, Options};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct RolePolicy;

fn role_and_name(id: &str) -> Option<(&str, &str)> {
    id.split_once(':')
}

#[async_trait]
impl AwsResource for RolePolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("role", Attribute::required(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String))
    }

    fn options(&self) -> Options {
        Options { naming: Some(Naming::with_prefix()), ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn plan_more(&self, planned: &mut Planned, prior: Option<&Value>) {
        keep_equivalent_prior(&mut planned.state, prior, "policy");
    }

    /// PutRolePolicy is idempotent: a resend after a lost answer is harmless.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        Ok(format!("{}:{}", req.planned.get_str("role").unwrap_or_default(), req.name()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((role, name)) = role_and_name(id) else { return Ok(None) };
        let out =
            api.call("GetRolePolicy", || api.iam.get_role_policy().role_name(role).policy_name(name).send()).await?;
        let policy = document(s, "policy", out.policy_document());
        s.set("role", Value::from(role));
        s.set("name", Value::from(name));
        s.set("policy", policy);
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((role, name)) = role_and_name(id) else { return Ok(()) };
        api.call("DeleteRolePolicy", || api.iam.delete_role_policy().role_name(role).policy_name(name).send()).await?;
        Ok(())
    }

    /// No tags: the role's inline policy of the planned (token-derived) name is ours when it
    /// holds the planned document.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(role), Some(name)) = (planned.get_str("role"), planned.get_str("name")) else { return Ok(None) };
        let id = format!("{role}:{name}");
        let mut s = planned.clone();
        match self.read(api, &id, &mut s).await {
            Ok(Some(_)) if s.get("policy") == planned.get("policy") => Ok(Some(id)),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        match role_and_name(id) {
            Some((role, name)) => {
                Ok(vec![("id", Value::from(id)), ("role", Value::from(role)), ("name", Value::from(name))])
            }
            None => Err(format!("expected ROLE:POLICYNAME, got {id:?}")),
        }
    }
}

async fn put(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    let req = api
        .iam
        .put_role_policy()
        .role_name(planned.get_str("role").unwrap_or_default())
        .policy_name(planned.get_str("name").unwrap_or_default())
        .policy_document(planned.get_str("policy").unwrap_or_default());
    // A role created a moment ago is not always visible to PutRolePolicy yet.
    api.call_settling("PutRolePolicy", NOT_FOUND, || req.clone().send()).await?;
    Ok(())
}
