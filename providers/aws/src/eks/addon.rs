//! `aws_eks_addon`. ID and import ID: `<cluster_name>:<addon_name>`.

use super::common::{carries_token, sync_tags, tags_arg, tags_map, ALREADY_EXISTS, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{import_via_read, read_after_write, with_partial};
use crate::tags;
use crate::values::{blank_state, get_string, opt_str};
use crate::waiter::{timeout_of, timeouts_block, Poll};
use aws_sdk_eks::types::{Addon as EksAddon, AddonPodIdentityAssociations, AddonStatus, ResolveConflicts};
use meshplan_provider::{
    async_trait, Attribute, Block, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};
use std::time::Duration;

pub struct Addon;

const TIMEOUT: Duration = Duration::from_secs(20 * 60);

pub async fn describe(api: &Api<'_>, cluster: &str, name: &str) -> Result<Option<EksAddon>, AwsError> {
    let out = api
        .call("DescribeAddon", || api.eks.describe_addon().cluster_name(cluster).addon_name(name).send())
        .await
        .or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| o.addon))
}

async fn wait_active(api: &Api<'_>, cluster: &str, name: &str, timeout: Duration) -> Result<(), AwsError> {
    api.wait_for("EKS addon to become ACTIVE", timeout, || async {
        let a = describe(api, cluster, name).await?;
        Ok(match a.as_ref().and_then(|a| a.status()) {
            Some(AddonStatus::Active) => Poll::Ready(()),
            Some(s @ (AddonStatus::CreateFailed | AddonStatus::UpdateFailed)) => Poll::Failed {
                status: s.as_str().to_string(),
                reason: a
                    .as_ref()
                    .and_then(|a| a.health())
                    .and_then(|h| h.issues().first())
                    .and_then(|i| i.message())
                    .map(str::to_string),
            },
            // DEGRADED usually means pods not yet scheduled (no nodes yet): keep waiting.
            Some(other) => Poll::Pending(other.as_str().to_string()),
            None => Poll::Pending("not visible yet".into()),
        })
    })
    .await
}

/// The addon `name` of `cluster` when it carries our token.
async fn located(api: &Api<'_>, cluster: &str, name: &str, token: &str) -> Result<Option<String>, AwsError> {
    let addon = describe(api, cluster, name).await?;
    let ours = addon.is_some_and(|a| a.status() != Some(&AddonStatus::Deleting) && carries_token(a.tags(), token));
    Ok(ours.then(|| name.to_string()))
}

impl Addon {
    /// Waits for ACTIVE (find resumes an interrupted create here too).
    async fn finish(
        &self,
        ctx: &Ctx,
        api: &Api<'_>,
        planned: &Value,
        cluster: &str,
        name: &str,
        timeout: Duration,
    ) -> Result<Value, ProviderError> {
        let mut state = planned.clone();
        state.set("id", Value::from(format!("{cluster}:{name}")));
        wait_active(api, cluster, name, timeout).await.map_err(|e| with_partial(e, &state))?;
        read_after_write(self, ctx, state).await
    }
}

#[async_trait]
impl ResourceType for Addon {
    fn type_name(&self) -> &'static str {
        "aws_eks_addon"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("created_at", Attribute::computed(Type::String))
                .attr("modified_at", Attribute::computed(Type::String))
                .attr("cluster_name", Attribute::required(Type::String).force_new())
                .attr("addon_name", Attribute::required(Type::String).force_new())
                .attr("addon_version", Attribute::optional_computed(Type::String))
                .attr("service_account_role_arn", Attribute::optional(Type::String))
                .attr("configuration_values", Attribute::optional_computed(Type::String))
                .attr("resolve_conflicts_on_create", Attribute::optional(Type::String))
                .attr("resolve_conflicts_on_update", Attribute::optional(Type::String))
                // Deprecated in the Terraform provider (v5 still takes it): both of the above.
                .attr("resolve_conflicts", Attribute::optional(Type::String))
                .attr("preserve", Attribute::optional(Type::Bool)),
        )
        .block(
            "pod_identity_association",
            Block::set(
                Schema::new()
                    .attr("role_arn", Attribute::required(Type::String))
                    .attr("service_account", Attribute::required(Type::String)),
            ),
        )
        .block("timeouts", timeouts_block())
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        tags::plan_tagged(&self.schema(), ctx, req).await
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(cluster), Some(name)) = (state.get_str("cluster_name"), state.get_str("addon_name")) else {
            return Ok(None);
        };
        let Some(a) = describe(&api, cluster, name).await? else { return Ok(None) };
        if a.status() == Some(&AddonStatus::Deleting) {
            return Ok(None);
        }
        let mut s = state.clone();
        s.set("id", Value::from(format!("{cluster}:{name}")));
        s.set("arn", opt_str(a.addon_arn()));
        s.set("addon_version", opt_str(a.addon_version()));
        s.set("service_account_role_arn", opt_str(a.service_account_role_arn()));
        s.set("configuration_values", Value::from(a.configuration_values().unwrap_or_default()));
        s.set("created_at", opt_str(a.created_at().map(|d| d.to_string()).as_deref()));
        s.set("modified_at", opt_str(a.modified_at().map(|d| d.to_string()).as_deref()));
        s.set("pod_identity_association", associations_value(&api, cluster, &a, state).await?);
        tags::set_from_remote(&api, &mut s, tags_map(a.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let cluster = planned.get_str("cluster_name").unwrap_or_default().to_string();
        let name = planned.get_str("addon_name").unwrap_or_default().to_string();
        let token = intent::token(ctx);
        let req = api
            .eks
            .create_addon()
            .cluster_name(&cluster)
            .addon_name(&name)
            .set_addon_version(get_string(planned, "addon_version"))
            .set_service_account_role_arn(get_string(planned, "service_account_role_arn"))
            .set_configuration_values(get_string(planned, "configuration_values").filter(|v| !v.is_empty()))
            .set_resolve_conflicts(resolve(planned, "resolve_conflicts_on_create").map(ResolveConflicts::from))
            .set_pod_identity_associations(Some(associations_of(planned)).filter(|a| !a.is_empty()))
            .client_request_token(&token)
            .set_tags(tags_arg(tags::desired_with_intent(&api, planned, &token)));
        // An IRSA role created a moment ago may not be usable yet.
        let call = CreateCall { settling: &["InvalidParameterException:role"], conflicts: ALREADY_EXISTS };
        api.create("CreateAddon", call, || req.clone().send(), || located(&api, &cluster, &name, &token)).await?;
        self.finish(ctx, &api, planned, &cluster, &name, timeout).await
    }

    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "create", TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let (Some(cluster), Some(name)) = (planned.get_str("cluster_name"), planned.get_str("addon_name")) else {
            return Ok(None);
        };
        match located(&api, cluster, name, token).await? {
            Some(_) => self.finish(ctx, &api, planned, cluster, name, timeout).await.map(Some),
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(planned, "update", TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let cluster = prior.get_str("cluster_name").unwrap_or_default();
        let name = prior.get_str("addon_name").unwrap_or_default();
        let changed = |a: &str| prior.get(a) != planned.get(a);
        let associations = changed("pod_identity_association");
        let settings = ["addon_version", "service_account_role_arn", "configuration_values"];
        if associations || settings.iter().any(|a| changed(a)) {
            let req = api
                .eks
                .update_addon()
                .cluster_name(cluster)
                .addon_name(name)
                .set_addon_version(get_string(planned, "addon_version"))
                .service_account_role_arn(planned.get_str("service_account_role_arn").unwrap_or_default())
                .configuration_values(planned.get_str("configuration_values").unwrap_or_default())
                .set_resolve_conflicts(resolve(planned, "resolve_conflicts_on_update").map(ResolveConflicts::from))
                // An empty list removes them all; left out, EKS keeps what the addon has.
                .set_pod_identity_associations(associations.then(|| associations_of(planned)));
            api.call("UpdateAddon", || req.clone().send()).await?;
            wait_active(&api, cluster, name, timeout).await?;
        }
        sync_tags(&api, prior.get_str("arn").unwrap_or_default(), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let timeout = timeout_of(state, "delete", TIMEOUT).map_err(|e| api.invalid("timeouts", e))?;
        let cluster = state.get_str("cluster_name").unwrap_or_default();
        let name = state.get_str("addon_name").unwrap_or_default();
        let preserve = state.get("preserve").as_bool();
        // Resent after a lost answer, the delete meets a DELETING addon: wait for it.
        let gone = api
            .call_idempotent("DeleteAddon", &["ResourceInUseException"], || {
                api.eks.delete_addon().cluster_name(cluster).addon_name(name).set_preserve(preserve).send()
            })
            .await
            .or_not_found(NOT_FOUND)?
            .is_none();
        if gone {
            return Ok(());
        }
        api.wait_for("EKS addon to be deleted", timeout, || async {
            Ok(match describe(&api, cluster, name).await? {
                None => Poll::Ready(()),
                Some(a) if a.status() == Some(&AddonStatus::DeleteFailed) => {
                    Poll::Failed { status: "DELETE_FAILED".into(), reason: None }
                }
                Some(a) => Poll::Pending(a.status().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let Some((cluster, name)) = id.split_once(':') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected CLUSTER:ADDON, got {id:?}"),
            }
            .into());
        };
        let seed =
            blank_state(&self.schema(), [("cluster_name", Value::from(cluster)), ("addon_name", Value::from(name))]);
        import_via_read(self, ctx, id, seed).await
    }
}

fn associations_of(planned: &Value) -> Vec<AddonPodIdentityAssociations> {
    let items = planned.get("pod_identity_association").as_list().map(|l| l.to_vec()).unwrap_or_default();
    items
        .iter()
        .filter_map(|a| {
            AddonPodIdentityAssociations::builder()
                .set_role_arn(get_string(a, "role_arn"))
                .set_service_account(get_string(a, "service_account"))
                .build()
                .ok()
        })
        .collect()
}

/// The addon's associations: DescribeAddon gives their ARNs, each association its role and
/// service account. Listed in the prior order when the same.
async fn associations_value(api: &Api<'_>, cluster: &str, a: &EksAddon, prior: &Value) -> Result<Value, AwsError> {
    let mut items = Vec::new();
    for arn in a.pod_identity_associations() {
        let Some(id) = arn.rsplit('/').next() else { continue };
        let out = api
            .call("DescribePodIdentityAssociation", || {
                api.eks.describe_pod_identity_association().cluster_name(cluster).association_id(id).send()
            })
            .await
            .or_not_found(NOT_FOUND)?;
        if let Some(p) = out.and_then(|o| o.association) {
            items.push(Value::object([
                ("role_arn", opt_str(p.role_arn())),
                ("service_account", opt_str(p.service_account())),
            ]));
        }
    }
    let prior_items = prior.get("pod_identity_association").as_list().map(|l| l.to_vec()).unwrap_or_default();
    let same = prior_items.len() == items.len() && prior_items.iter().all(|p| items.contains(p));
    Ok(Value::List(if same { prior_items } else { items }))
}

/// `resolve_conflicts_on_create` / `_on_update`, else the deprecated `resolve_conflicts`.
fn resolve<'a>(planned: &'a Value, attribute: &str) -> Option<&'a str> {
    planned.get_str(attribute).or_else(|| planned.get_str("resolve_conflicts"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deprecated_resolve_conflicts_stands_in_for_both() {
        let old = Value::object([("resolve_conflicts", Value::from("OVERWRITE"))]);
        assert_eq!(resolve(&old, "resolve_conflicts_on_create"), Some("OVERWRITE"));
        assert_eq!(resolve(&old, "resolve_conflicts_on_update"), Some("OVERWRITE"));
        let both = Value::object([
            ("resolve_conflicts", Value::from("OVERWRITE")),
            ("resolve_conflicts_on_update", Value::from("PRESERVE")),
        ]);
        assert_eq!(resolve(&both, "resolve_conflicts_on_update"), Some("PRESERVE"));
    }
}
