//! `aws_iam_user_policy` (a user's inline policy). ID and import ID: `<user>:<name>`. The
//! same shape as `aws_iam_role_policy`: PutUserPolicy is idempotent, and after a crash the
//! user's policy of the planned name holding the planned document is ours.

use super::common::{document, NOT_FOUND};
use crate::api::Api;
use crate::error::AwsError;
use crate::policy_json::keep_equivalent_prior;
use crate::skeleton::{AwsResource, Create, Naming, Options};
use meshplan_provider::{async_trait, Attribute, Planned, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct UserPolicy;

fn user_and_name(id: &str) -> Option<(&str, &str)> {
    id.split_once(':')
}

async fn put(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    let req = api
        .iam
        .put_user_policy()
        .user_name(planned.get_str("user").unwrap_or_default())
        .policy_name(planned.get_str("name").unwrap_or_default())
        .policy_document(planned.get_str("policy").unwrap_or_default());
    // A user created a moment ago is not always visible to PutUserPolicy yet.
    api.call_settling("PutUserPolicy", NOT_FOUND, || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for UserPolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_user_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("user", Attribute::required(Type::String).force_new())
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

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        Ok(format!("{}:{}", req.planned.get_str("user").unwrap_or_default(), req.name()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((user, name)) = user_and_name(id) else { return Ok(None) };
        let req = api.iam.get_user_policy().user_name(user).policy_name(name);
        let out = api.call("GetUserPolicy", || req.clone().send()).await?;
        let policy = document(s, "policy", out.policy_document());
        s.set("user", Value::from(user));
        s.set("name", Value::from(name));
        s.set("policy", policy);
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((user, name)) = user_and_name(id) else { return Ok(()) };
        let req = api.iam.delete_user_policy().user_name(user).policy_name(name);
        api.call("DeleteUserPolicy", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(user), Some(name)) = (planned.get_str("user"), planned.get_str("name")) else { return Ok(None) };
        let id = format!("{user}:{name}");
        let mut s = planned.clone();
        match self.read(api, &id, &mut s).await {
            Ok(Some(_)) if s.get("policy") == planned.get("policy") => Ok(Some(id)),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        match user_and_name(id) {
            Some((user, name)) => {
                Ok(vec![("id", Value::from(id)), ("user", Value::from(user)), ("name", Value::from(name))])
            }
            None => Err(format!("expected USER:POLICYNAME, got {id:?}")),
        }
    }
}
