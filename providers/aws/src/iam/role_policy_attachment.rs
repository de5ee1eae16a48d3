//! `aws_iam_role_policy_attachment`. ID and import ID: `<role>/<policy_arn>`.

use super::common::NOT_FOUND;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::resource::{find_by_content, import_via_read, read_after_write};
use crate::values::blank_state;
use meshplan_provider::{async_trait, Attribute, Ctx, ProviderError, ResourceType, Schema, Type, Value};

pub struct RolePolicyAttachment;

#[async_trait]
impl ResourceType for RolePolicyAttachment {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("role", Attribute::required(Type::String).force_new())
            .attr("policy_arn", Attribute::required(Type::String).force_new())
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(role), Some(arn)) = (state.get_str("role"), state.get_str("policy_arn")) else { return Ok(None) };
        let mut marker: Option<String> = None;
        loop {
            let out = api
                .call("ListAttachedRolePolicies", || {
                    api.iam.list_attached_role_policies().role_name(role).set_marker(marker.clone()).send()
                })
                .await
                .or_not_found(NOT_FOUND)?;
            let Some(out) = out else { return Ok(None) };
            if out.attached_policies().iter().any(|p| p.policy_arn() == Some(arn)) {
                let mut s = state.clone();
                s.set("id", Value::from(format!("{role}/{arn}")));
                return Ok(Some(s));
            }
            match out.marker().filter(|_| out.is_truncated()) {
                Some(m) => marker = Some(m.to_string()),
                None => return Ok(None),
            }
        }
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let (role, arn) =
            (planned.get_str("role").unwrap_or_default(), planned.get_str("policy_arn").unwrap_or_default());
        api.call_settling("AttachRolePolicy", NOT_FOUND, || {
            api.iam.attach_role_policy().role_name(role).policy_arn(arn).send()
        })
        .await?;
        let mut state = planned.clone();
        state.set("id", Value::from(format!("{role}/{arn}")));
        read_after_write(self, ctx, state).await
    }

    /// No tags: the attachment of the planned policy to the planned role is ours (and
    /// AttachRolePolicy is idempotent, so a resend after a lost answer is harmless).
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, planned, |_| true).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let (role, arn) = (state.get_str("role").unwrap_or_default(), state.get_str("policy_arn").unwrap_or_default());
        api.call("DetachRolePolicy", || api.iam.detach_role_policy().role_name(role).policy_arn(arn).send())
            .await
            .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((role, arn)) = id.split_once('/') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected ROLE/POLICYARN, got {id:?}"),
            }
            .into());
        };
        import_via_read(
            self,
            ctx,
            id,
            blank_state(&self.schema(), [("role", Value::from(role)), ("policy_arn", Value::from(arn))]),
        )
        .await
    }
}
