//! `aws_iam_role`. ID and import ID: the role name. `inline_policy` / `managed_policy_arns`:
//! `role_exclusive.rs`.

use super::common::{carries_token, document, iam_tags, sync_tags, tags_map, Taggable, NOT_FOUND};
use super::role_exclusive;
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::policy_json::keep_equivalent_prior;
use crate::resource::adopt;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::skeleton::name_or_prefixed;
use crate::tags;
use crate::values::{blank_state, get_i32, get_string, opt_str};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct Role;

#[async_trait]
impl ResourceType for Role {
    fn type_name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(role_exclusive::add_to(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("unique_id", Attribute::computed(Type::String))
                .attr("create_date", Attribute::computed(Type::String))
                .attr("name", Attribute::optional_computed(Type::String).force_new())
                .attr("name_prefix", Attribute::optional_computed(Type::String).force_new())
                .attr("path", Attribute::optional(Type::String).default("/").force_new())
                .attr("assume_role_policy", Attribute::required(Type::String))
                .attr("description", Attribute::optional(Type::String))
                .attr("max_session_duration", Attribute::optional(Type::Number).default(3600i64))
                .attr("permissions_boundary", Attribute::optional(Type::String))
                .attr("force_detach_policies", Attribute::optional(Type::Bool).default(false)),
        ))
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        keep_equivalent_prior(&mut planned.state, req.prior, "assume_role_policy");
        role_exclusive::plan(&mut planned.state, req.config, req.prior);
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(name) = state.get_str("name").or(state.get_str("id")) else { return Ok(None) };
        let out = api.call("GetRole", || api.iam.get_role().role_name(name).send()).await.or_not_found(NOT_FOUND)?;
        let Some(role) = out.and_then(|o| o.role) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(role.role_name()));
        s.set("name", Value::from(role.role_name()));
        s.set("arn", Value::from(role.arn()));
        s.set("unique_id", Value::from(role.role_id()));
        s.set("path", Value::from(role.path()));
        s.set("create_date", Value::from(role.create_date().to_string()));
        s.set(
            "assume_role_policy",
            document(state, "assume_role_policy", role.assume_role_policy_document().unwrap_or_default()),
        );
        s.set("description", opt_str(role.description().filter(|d| !d.is_empty())));
        s.set("max_session_duration", Value::from(i64::from(role.max_session_duration().unwrap_or(3600))));
        s.set("permissions_boundary", opt_str(role.permissions_boundary().and_then(|b| b.permissions_boundary_arn())));
        tags::set_from_remote(&api, &mut s, tags_map(role.tags()));
        role_exclusive::read(&api, role.role_name(), &mut s).await?;
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let name = name_or_prefixed(planned, &token);
        let req = api
            .iam
            .create_role()
            .role_name(&name)
            .set_path(get_string(planned, "path"))
            .set_assume_role_policy_document(get_string(planned, "assume_role_policy"))
            .set_description(get_string(planned, "description"))
            .set_max_session_duration(get_i32(planned, "max_session_duration"))
            .set_permissions_boundary(get_string(planned, "permissions_boundary"))
            .set_tags(iam_tags(&tags::desired_with_intent(&api, planned, &token)));
        // A principal created a moment ago (e.g. an OIDC provider) may not be valid in a trust policy yet.
        let call = CreateCall { settling: &["MalformedPolicyDocument"], conflicts: &["EntityAlreadyExists"] };
        api.create("CreateRole", call, || req.clone().send(), || located(&api, &name, &token)).await?;
        let state = named(planned, &name);
        role_exclusive::apply(&api, &name, None, planned).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let name = name_or_prefixed(planned, token);
        match located(&api, &name, token).await? {
            Some(_) => {
                // The create's follow-ups, again (idempotent).
                let state = named(planned, &name);
                role_exclusive::apply(&api, &name, None, planned).await.map_err(|e| with_partial(e, &state))?;
                adopt(self, ctx, state).await
            }
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let name = prior.get_str("name").unwrap_or_default();
        if prior.get("assume_role_policy") != planned.get("assume_role_policy") {
            let doc = planned.get_str("assume_role_policy").unwrap_or_default();
            api.call_settling("UpdateAssumeRolePolicy", &["MalformedPolicyDocument"], || {
                api.iam.update_assume_role_policy().role_name(name).policy_document(doc).send()
            })
            .await?;
        }
        if prior.get("description") != planned.get("description")
            || prior.get("max_session_duration") != planned.get("max_session_duration")
        {
            let req = api
                .iam
                .update_role()
                .role_name(name)
                .description(planned.get_str("description").unwrap_or_default())
                .set_max_session_duration(get_i32(planned, "max_session_duration"));
            api.call("UpdateRole", || req.clone().send()).await?;
        }
        if prior.get("permissions_boundary") != planned.get("permissions_boundary") {
            match planned.get_str("permissions_boundary") {
                Some(arn) => {
                    api.call("PutRolePermissionsBoundary", || {
                        api.iam.put_role_permissions_boundary().role_name(name).permissions_boundary(arn).send()
                    })
                    .await?;
                }
                None => {
                    api.call("DeleteRolePermissionsBoundary", || {
                        api.iam.delete_role_permissions_boundary().role_name(name).send()
                    })
                    .await?;
                }
            }
        }
        sync_tags(&api, Taggable::Role(name), prior, planned).await?;
        role_exclusive::apply(&api, name, Some(prior), planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let name = state.get_str("name").unwrap_or_default();
        if state.get("force_detach_policies").as_bool() == Some(true) || role_exclusive::holds_any(state) {
            detach_everything(&api, name).await?;
        }
        api.call("DeleteRole", || api.iam.delete_role().role_name(name).send()).await.or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(
            self,
            ctx,
            id,
            blank_state(&self.schema(), [("id", Value::from(id)), ("name", Value::from(id))]),
        )
        .await
    }
}

fn named(planned: &Value, name: &str) -> Value {
    let mut state = planned.clone();
    state.set("id", Value::from(name));
    state.set("name", Value::from(name));
    crate::skeleton::settle_name_prefix(&mut state);
    state
}

/// The role `name` when it carries our token (a role of that name made by anyone else is not ours).
async fn located(api: &Api<'_>, name: &str, token: &str) -> Result<Option<String>, AwsError> {
    let out = api.call("GetRole", || api.iam.get_role().role_name(name).send()).await.or_not_found(NOT_FOUND)?;
    let ours = out.and_then(|o| o.role).is_some_and(|r| carries_token(r.tags(), token));
    Ok(ours.then(|| name.to_string()))
}

/// Safe to repeat after a lost answer: a role already gone has nothing attached.
async fn detach_everything(api: &Api<'_>, name: &str) -> Result<(), AwsError> {
    let Some(attached) = api
        .call("ListAttachedRolePolicies", || api.iam.list_attached_role_policies().role_name(name).send())
        .await
        .or_not_found(NOT_FOUND)?
    else {
        return Ok(());
    };
    for p in attached.attached_policies() {
        let arn = p.policy_arn().unwrap_or_default();
        api.call("DetachRolePolicy", || api.iam.detach_role_policy().role_name(name).policy_arn(arn).send())
            .await
            .or_not_found(NOT_FOUND)?;
    }
    let Some(inline) = api
        .call("ListRolePolicies", || api.iam.list_role_policies().role_name(name).send())
        .await
        .or_not_found(NOT_FOUND)?
    else {
        return Ok(());
    };
    for p in inline.policy_names() {
        api.call("DeleteRolePolicy", || api.iam.delete_role_policy().role_name(name).policy_name(p).send())
            .await
            .or_not_found(NOT_FOUND)?;
    }
    Ok(())
}
