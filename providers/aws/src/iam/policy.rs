//! `aws_iam_policy` (customer managed). ID and import ID: the policy ARN.

use super::common::{carries_token, document, iam_tags, sync_tags, tags_map, Taggable, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::policy_json::keep_equivalent_prior;
use crate::resource::{adopt, missing_id};
use crate::resource::{import_via_read, read_after_write};
use crate::skeleton::name_or_prefixed;
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct Policy;

/// IAM keeps at most five versions of a managed policy.
const MAX_VERSIONS: usize = 5;

#[async_trait]
impl ResourceType for Policy {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("policy_id", Attribute::computed(Type::String))
                .attr("attachment_count", Attribute::computed(Type::Number))
                .attr("name", Attribute::optional_computed(Type::String).force_new())
                .attr("name_prefix", Attribute::optional_computed(Type::String).force_new())
                .attr("path", Attribute::optional(Type::String).default("/").force_new())
                .attr("description", Attribute::optional(Type::String).force_new())
                .attr("policy", Attribute::required(Type::String)),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        keep_equivalent_prior(&mut planned.state, req.prior, "policy");
        Ok(planned)
    }

    /// Two calls: the policy (with its default version id and tags) and that version's document.
    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(arn) = state.get_str("arn").or(state.get_str("id")) else { return Ok(None) };
        let out =
            api.call("GetPolicy", || api.iam.get_policy().policy_arn(arn).send()).await.or_not_found(NOT_FOUND)?;
        let Some(p) = out.and_then(|o| o.policy) else { return Ok(None) };
        let version = p.default_version_id().unwrap_or("v1");
        let v = api
            .call("GetPolicyVersion", || api.iam.get_policy_version().policy_arn(arn).version_id(version).send())
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(doc) = v.and_then(|v| v.policy_version).and_then(|v| v.document) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(arn));
        s.set("arn", Value::from(arn));
        s.set("name", opt_str(p.policy_name()));
        s.set("path", opt_str(p.path()));
        s.set("policy_id", opt_str(p.policy_id()));
        s.set("description", opt_str(p.description().filter(|d| !d.is_empty())));
        s.set("attachment_count", Value::from(i64::from(p.attachment_count().unwrap_or(0))));
        s.set("policy", document(state, "policy", &doc));
        tags::set_from_remote(&api, &mut s, tags_map(p.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let name = name_or_prefixed(planned, &token);
        let req = api
            .iam
            .create_policy()
            .policy_name(&name)
            .set_path(get_string(planned, "path"))
            .set_description(get_string(planned, "description"))
            .set_policy_document(get_string(planned, "policy"))
            .set_tags(iam_tags(&tags::desired_with_intent(&api, planned, &token)));
        let call = CreateCall { conflicts: &["EntityAlreadyExists"], ..Default::default() };
        let created =
            api.create("CreatePolicy", call, || req.clone().send(), || located(&api, planned, &name, &token)).await?;
        let arn =
            created.id(|out| out.policy().and_then(|p| p.arn())).ok_or_else(|| missing_id(ctx, "CreatePolicy"))?;
        read_after_write(self, ctx, with_arn(planned, &arn, &name)).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let name = name_or_prefixed(planned, token);
        match located(&api, planned, &name, token).await? {
            Some(arn) => adopt(self, ctx, with_arn(planned, &arn, &name)).await,
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let arn = prior.get_str("arn").unwrap_or_default();
        if prior.get("policy") != planned.get("policy") {
            prune_oldest_version(&api, arn).await?;
            let doc = planned.get_str("policy").unwrap_or_default();
            api.call("CreatePolicyVersion", || {
                api.iam.create_policy_version().policy_arn(arn).policy_document(doc).set_as_default(true).send()
            })
            .await?;
        }
        sync_tags(&api, Taggable::Policy(arn), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let arn = state.get_str("arn").unwrap_or_default();
        let Some(versions) = api
            .call("ListPolicyVersions", || api.iam.list_policy_versions().policy_arn(arn).send())
            .await
            .or_not_found(NOT_FOUND)?
        else {
            return Ok(());
        };
        for v in versions.versions().iter().filter(|v| !v.is_default_version()) {
            let id = v.version_id().unwrap_or_default();
            api.call("DeletePolicyVersion", || api.iam.delete_policy_version().policy_arn(arn).version_id(id).send())
                .await
                .or_not_found(NOT_FOUND)?;
        }
        api.call("DeletePolicy", || api.iam.delete_policy().policy_arn(arn).send()).await.or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id)), ("arn", Value::from(id))]))
            .await
    }
}

fn with_arn(planned: &Value, arn: &str, name: &str) -> Value {
    let mut state = planned.clone();
    state.set("id", Value::from(arn));
    state.set("arn", Value::from(arn));
    state.set("name", Value::from(name));
    crate::skeleton::settle_name_prefix(&mut state);
    state
}

/// The ARN of policy `name` (under the planned path) when it carries our token.
async fn located(api: &Api<'_>, planned: &Value, name: &str, token: &str) -> Result<Option<String>, AwsError> {
    let account = api.account_id().await?;
    let path = planned.get_str("path").unwrap_or("/");
    let arn = format!("arn:{}:iam::{account}:policy{path}{name}", api.partition());
    let out = api.call("GetPolicy", || api.iam.get_policy().policy_arn(&arn).send()).await.or_not_found(NOT_FOUND)?;
    let ours = out.and_then(|o| o.policy).is_some_and(|p| carries_token(p.tags(), token));
    Ok(ours.then_some(arn))
}

/// Makes room for a new version by deleting the oldest non-default one.
async fn prune_oldest_version(api: &Api<'_>, arn: &str) -> Result<(), AwsError> {
    let out = api.call("ListPolicyVersions", || api.iam.list_policy_versions().policy_arn(arn).send()).await?;
    let versions = out.versions();
    if versions.len() < MAX_VERSIONS {
        return Ok(());
    }
    let oldest = versions.iter().filter(|v| !v.is_default_version()).min_by_key(|v| v.create_date().map(|d| d.secs()));
    if let Some(id) = oldest.and_then(|v| v.version_id()) {
        api.call("DeletePolicyVersion", || api.iam.delete_policy_version().policy_arn(arn).version_id(id).send())
            .await?;
    }
    Ok(())
}
