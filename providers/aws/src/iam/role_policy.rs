//! `aws_iam_role_policy` (inline policy). ID and import ID: `<role>:<name>`.

use super::common::{document, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::keep_equivalent_prior;
use crate::resource::{find_by_content, import_via_read, read_after_write};
use crate::values::blank_state;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};

pub struct RolePolicy;

#[async_trait]
impl ResourceType for RolePolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("role", Attribute::required(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String))
    }

    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = plan_with_schema(&self.schema(), req);
        keep_equivalent_prior(&mut planned.state, req.prior, "policy");
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(role), Some(name)) = (state.get_str("role"), state.get_str("name")) else { return Ok(None) };
        let out = api
            .call("GetRolePolicy", || api.iam.get_role_policy().role_name(role).policy_name(name).send())
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(out) = out else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(format!("{role}:{name}")));
        s.set("policy", document(state, "policy", out.policy_document()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        put(ctx, planned).await?;
        let mut state = planned.clone();
        if let (Some(role), Some(name)) = (planned.get_str("role"), planned.get_str("name")) {
            state.set("id", Value::from(format!("{role}:{name}")));
        }
        read_after_write(self, ctx, state).await
    }

    async fn update(&self, ctx: &Ctx, _prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        put(ctx, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    /// No tags: the role's inline policy of the planned name is ours when it holds the planned
    /// document (PutRolePolicy is idempotent, so a resend after a lost answer is harmless).
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, planned, |s| s.get("policy") == planned.get("policy")).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let (role, name) = (state.get_str("role").unwrap_or_default(), state.get_str("name").unwrap_or_default());
        api.call("DeleteRolePolicy", || api.iam.delete_role_policy().role_name(role).policy_name(name).send())
            .await
            .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((role, name)) = id.split_once(':') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected ROLE:POLICYNAME, got {id:?}"),
            }
            .into());
        };
        import_via_read(
            self,
            ctx,
            id,
            blank_state(&self.schema(), [("role", Value::from(role)), ("name", Value::from(name))]),
        )
        .await
    }
}

async fn put(ctx: &Ctx, planned: &Value) -> Result<(), ProviderError> {
    let api = Api::new(ctx)?;
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
