//! `aws_eks_pod_identity_association` (import ID `<cluster_name>,<association_id>`) and
//! `aws_eks_access_entry` (ID and import ID `<cluster_name>:<principal_arn>`).

use super::common::{carries_token, sync_tags, tags_arg, tags_map, ALREADY_EXISTS, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::iam::oidc_provider::in_prior_order;
use crate::intent;
use crate::resource::{adopt, missing_id};
use crate::resource::{import_via_read, read_after_write};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str, string_list};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct PodIdentityAssociation;
pub struct AccessEntry;

fn bad_import(ctx: &Ctx, expected: &str, id: &str) -> ProviderError {
    AwsError::Import { address: ctx.address.clone(), message: format!("expected {expected}, got {id:?}") }.into()
}

fn with_association(planned: &Value, id: &str) -> Value {
    let mut state = planned.clone();
    state.set("association_id", Value::from(id));
    state.set("id", Value::from(id));
    state
}

/// The association of the planned service account that carries our token (EKS allows one
/// per service account; its ID is all a lost answer would have told us).
async fn located_association(api: &Api<'_>, planned: &Value, token: &str) -> Result<Option<String>, AwsError> {
    let (Some(cluster), Some(ns), Some(sa)) =
        (planned.get_str("cluster_name"), planned.get_str("namespace"), planned.get_str("service_account"))
    else {
        return Ok(None);
    };
    let req = api.eks.list_pod_identity_associations().cluster_name(cluster).namespace(ns).service_account(sa);
    let Some(list) = api.call("ListPodIdentityAssociations", || req.clone().send()).await.or_not_found(NOT_FOUND)?
    else {
        return Ok(None);
    };
    for summary in list.associations() {
        let Some(id) = summary.association_id() else { continue };
        let out = api
            .call("DescribePodIdentityAssociation", || {
                api.eks.describe_pod_identity_association().cluster_name(cluster).association_id(id).send()
            })
            .await
            .or_not_found(NOT_FOUND)?;
        if out.and_then(|o| o.association).is_some_and(|a| carries_token(a.tags(), token)) {
            return Ok(Some(id.to_string()));
        }
    }
    Ok(None)
}

/// An access entry's ID is its cluster and principal.
fn entry_state(planned: &Value) -> Value {
    let mut state = planned.clone();
    if let (Some(cluster), Some(principal)) = (planned.get_str("cluster_name"), planned.get_str("principal_arn")) {
        state.set("id", Value::from(format!("{cluster}:{principal}")));
    }
    state
}

/// The planned principal's entry when it carries our token.
async fn located_entry(api: &Api<'_>, planned: &Value, token: &str) -> Result<Option<String>, AwsError> {
    let (Some(cluster), Some(principal)) = (planned.get_str("cluster_name"), planned.get_str("principal_arn")) else {
        return Ok(None);
    };
    let out = api
        .call("DescribeAccessEntry", || {
            api.eks.describe_access_entry().cluster_name(cluster).principal_arn(principal).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
    let ours = out.and_then(|o| o.access_entry).is_some_and(|e| carries_token(e.tags(), token));
    Ok(ours.then(|| principal.to_string()))
}

#[async_trait]
impl ResourceType for PodIdentityAssociation {
    fn type_name(&self) -> &'static str {
        "aws_eks_pod_identity_association"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("association_arn", Attribute::computed(Type::String))
                .attr("association_id", Attribute::computed(Type::String))
                .attr("cluster_name", Attribute::required(Type::String).force_new())
                .attr("namespace", Attribute::required(Type::String).force_new())
                .attr("service_account", Attribute::required(Type::String).force_new())
                .attr("role_arn", Attribute::required(Type::String)),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(cluster), Some(id)) = (state.get_str("cluster_name"), state.get_str("association_id")) else {
            return Ok(None);
        };
        let out = api
            .call("DescribePodIdentityAssociation", || {
                api.eks.describe_pod_identity_association().cluster_name(cluster).association_id(id).send()
            })
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(a) = out.and_then(|o| o.association) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(id));
        s.set("association_arn", opt_str(a.association_arn()));
        s.set("namespace", opt_str(a.namespace()));
        s.set("service_account", opt_str(a.service_account()));
        s.set("role_arn", opt_str(a.role_arn()));
        tags::set_from_remote(&api, &mut s, tags_map(a.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let req = api
            .eks
            .create_pod_identity_association()
            .set_cluster_name(get_string(planned, "cluster_name"))
            .set_namespace(get_string(planned, "namespace"))
            .set_service_account(get_string(planned, "service_account"))
            .set_role_arn(get_string(planned, "role_arn"))
            .client_request_token(&token)
            .set_tags(tags_arg(tags::desired_with_intent(&api, planned, &token)));
        let call = CreateCall { settling: super::cluster::ROLE_NOT_READY, conflicts: ALREADY_EXISTS };
        let created = api
            .create(
                "CreatePodIdentityAssociation",
                call,
                || req.clone().send(),
                || located_association(&api, planned, &token),
            )
            .await?;
        let id = created
            .id(|out| out.association().and_then(|a| a.association_id()))
            .ok_or_else(|| missing_id(ctx, "CreatePodIdentityAssociation"))?;
        read_after_write(self, ctx, with_association(planned, &id)).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located_association(&api, planned, token).await? {
            Some(id) => adopt(self, ctx, with_association(planned, &id)).await,
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        if prior.get("role_arn") != planned.get("role_arn") {
            let req = api
                .eks
                .update_pod_identity_association()
                .set_cluster_name(get_string(prior, "cluster_name"))
                .set_association_id(get_string(prior, "association_id"))
                .set_role_arn(get_string(planned, "role_arn"));
            api.call("UpdatePodIdentityAssociation", || req.clone().send()).await?;
        }
        sync_tags(&api, prior.get_str("association_arn").unwrap_or_default(), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .eks
            .delete_pod_identity_association()
            .set_cluster_name(get_string(state, "cluster_name"))
            .set_association_id(get_string(state, "association_id"));
        api.call("DeletePodIdentityAssociation", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((cluster, assoc)) = id.split_once(',') else {
            return Err(bad_import(ctx, "CLUSTER,ASSOCIATIONID", id));
        };
        let seed = blank_state(
            &self.schema(),
            [("cluster_name", Value::from(cluster)), ("association_id", Value::from(assoc))],
        );
        import_via_read(self, ctx, id, seed).await
    }
}

#[async_trait]
impl ResourceType for AccessEntry {
    fn type_name(&self) -> &'static str {
        "aws_eks_access_entry"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("access_entry_arn", Attribute::computed(Type::String))
                .attr("cluster_name", Attribute::required(Type::String).force_new())
                .attr("principal_arn", Attribute::required(Type::String).force_new())
                .attr("kubernetes_groups", Attribute::optional_computed(Type::set(Type::String)))
                .attr("type", Attribute::optional(Type::String).default("STANDARD").force_new())
                .attr("user_name", Attribute::optional_computed(Type::String))
                .attr("created_at", Attribute::computed(Type::String))
                .attr("modified_at", Attribute::computed(Type::String)),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(cluster), Some(principal)) = (state.get_str("cluster_name"), state.get_str("principal_arn")) else {
            return Ok(None);
        };
        let out = api
            .call("DescribeAccessEntry", || {
                api.eks.describe_access_entry().cluster_name(cluster).principal_arn(principal).send()
            })
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(e) = out.and_then(|o| o.access_entry) else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(format!("{cluster}:{principal}")));
        s.set("access_entry_arn", opt_str(e.access_entry_arn()));
        s.set("kubernetes_groups", in_prior_order(state.get("kubernetes_groups"), e.kubernetes_groups()));
        s.set("type", Value::from(e.r#type().unwrap_or("STANDARD")));
        s.set("user_name", opt_str(e.username()));
        s.set("created_at", opt_str(e.created_at().map(|d| d.to_string()).as_deref()));
        s.set("modified_at", opt_str(e.modified_at().map(|d| d.to_string()).as_deref()));
        tags::set_from_remote(&api, &mut s, tags_map(e.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let groups = string_list(planned.get("kubernetes_groups"));
        let req = api
            .eks
            .create_access_entry()
            .set_cluster_name(get_string(planned, "cluster_name"))
            .set_principal_arn(get_string(planned, "principal_arn"))
            .set_kubernetes_groups((!groups.is_empty()).then_some(groups))
            .set_type(get_string(planned, "type"))
            .set_username(get_string(planned, "user_name"))
            .client_request_token(&token)
            .set_tags(tags_arg(tags::desired_with_intent(&api, planned, &token)));
        let call = CreateCall { settling: super::cluster::ROLE_NOT_READY, conflicts: ALREADY_EXISTS };
        api.create("CreateAccessEntry", call, || req.clone().send(), || located_entry(&api, planned, &token)).await?;
        read_after_write(self, ctx, entry_state(planned)).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located_entry(&api, planned, token).await? {
            Some(_) => adopt(self, ctx, entry_state(planned)).await,
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        if prior.get("kubernetes_groups") != planned.get("kubernetes_groups")
            || prior.get("user_name") != planned.get("user_name")
        {
            let req = api
                .eks
                .update_access_entry()
                .set_cluster_name(get_string(prior, "cluster_name"))
                .set_principal_arn(get_string(prior, "principal_arn"))
                .set_kubernetes_groups(Some(string_list(planned.get("kubernetes_groups"))))
                .set_username(get_string(planned, "user_name"));
            api.call("UpdateAccessEntry", || req.clone().send()).await?;
        }
        sync_tags(&api, prior.get_str("access_entry_arn").unwrap_or_default(), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let req = api
            .eks
            .delete_access_entry()
            .set_cluster_name(get_string(state, "cluster_name"))
            .set_principal_arn(get_string(state, "principal_arn"));
        api.call("DeleteAccessEntry", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        // Principal ARNs contain ':' themselves: the cluster name is everything before the first one.
        let Some((cluster, principal)) = id.split_once(':') else {
            return Err(bad_import(ctx, "CLUSTER:PRINCIPALARN", id));
        };
        let seed = blank_state(
            &self.schema(),
            [("cluster_name", Value::from(cluster)), ("principal_arn", Value::from(principal))],
        );
        import_via_read(self, ctx, id, seed).await
    }
}
