//! `aws_iam_openid_connect_provider`. ID and import ID: the provider ARN.

use super::common::{carries_token, iam_tags, sync_tags, tags_map, Taggable, NOT_FOUND};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::intent;
use crate::resource::{adopt, missing_id};
use crate::resource::{import_via_read, read_after_write};
use crate::tags;
use crate::values::{blank_state, list_value, string_list};
use meshplan_provider::{
    async_trait, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type, Value,
};

pub struct OidcProvider;

/// IAM stores the URL without its scheme; `https://x` and `x` name the same issuer.
fn same_url(a: &str, b: &str) -> bool {
    a.trim_start_matches("https://") == b.trim_start_matches("https://")
}

#[async_trait]
impl ResourceType for OidcProvider {
    fn type_name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }

    fn schema(&self) -> Schema {
        tags::with_tags(
            Schema::new()
                .attr("id", Attribute::computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("url", Attribute::required(Type::String).force_new())
                .attr("client_id_list", Attribute::required(Type::set(Type::String)))
                .attr("thumbprint_list", Attribute::optional_computed(Type::list(Type::String))),
        )
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        let mut planned = tags::plan_tagged(&self.schema(), ctx, req).await?;
        if let (Some(prior), Some(new)) = (req.prior.and_then(|p| p.get_str("url")), req.config.get_str("url")) {
            if same_url(prior, new) && prior != new {
                planned.state.set("url", Value::from(prior));
                planned.requires_replace.retain(|p| p.to_string() != "url");
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let Some(arn) = state.get_str("arn").or(state.get_str("id")) else { return Ok(None) };
        let out = api
            .call("GetOpenIDConnectProvider", || {
                api.iam.get_open_id_connect_provider().open_id_connect_provider_arn(arn).send()
            })
            .await
            .or_not_found(NOT_FOUND)?;
        let Some(p) = out else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(arn));
        s.set("arn", Value::from(arn));
        let remote_url = p.url().unwrap_or_default();
        let url = match state.get_str("url") {
            Some(prior) if same_url(prior, remote_url) => prior.to_string(),
            _ => format!("https://{}", remote_url.trim_start_matches("https://")),
        };
        s.set("url", Value::from(url));
        s.set("client_id_list", in_prior_order(state.get("client_id_list"), p.client_id_list()));
        s.set("thumbprint_list", in_prior_order(state.get("thumbprint_list"), p.thumbprint_list()));
        tags::set_from_remote(&api, &mut s, tags_map(p.tags()));
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let token = intent::token(ctx);
        let thumbprints = string_list(planned.get("thumbprint_list"));
        let req = api
            .iam
            .create_open_id_connect_provider()
            .url(planned.get_str("url").unwrap_or_default())
            .set_client_id_list(Some(string_list(planned.get("client_id_list"))))
            .set_thumbprint_list((!thumbprints.is_empty()).then_some(thumbprints))
            .set_tags(iam_tags(&tags::desired_with_intent(&api, planned, &token)));
        let call = CreateCall { conflicts: &["EntityAlreadyExists"], ..Default::default() };
        let created = api
            .create("CreateOpenIDConnectProvider", call, || req.clone().send(), || located(&api, planned, &token))
            .await?;
        let arn = created
            .id(|out| out.open_id_connect_provider_arn())
            .ok_or_else(|| missing_id(ctx, "CreateOpenIDConnectProvider"))?;
        read_after_write(self, ctx, with_arn(planned, &arn)).await
    }

    /// The provider is unique by URL: ours when the one for the planned URL carries our token.
    async fn find(&self, ctx: &Ctx, token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        match located(&api, planned, token).await? {
            Some(arn) => adopt(self, ctx, with_arn(planned, &arn)).await,
            None => Ok(None),
        }
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let arn = prior.get_str("arn").unwrap_or_default();
        let (old, new) = (string_list(prior.get("client_id_list")), string_list(planned.get("client_id_list")));
        for id in new.iter().filter(|c| !old.contains(c)) {
            api.call("AddClientIDToOpenIDConnectProvider", || {
                api.iam
                    .add_client_id_to_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .client_id(id)
                    .send()
            })
            .await?;
        }
        for id in old.iter().filter(|c| !new.contains(c)) {
            api.call("RemoveClientIDFromOpenIDConnectProvider", || {
                api.iam
                    .remove_client_id_from_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .client_id(id)
                    .send()
            })
            .await?;
        }
        let thumbprints = string_list(planned.get("thumbprint_list"));
        if prior.get("thumbprint_list") != planned.get("thumbprint_list") && !thumbprints.is_empty() {
            let req = api
                .iam
                .update_open_id_connect_provider_thumbprint()
                .open_id_connect_provider_arn(arn)
                .set_thumbprint_list(Some(thumbprints));
            api.call("UpdateOpenIDConnectProviderThumbprint", || req.clone().send()).await?;
        }
        sync_tags(&api, Taggable::OidcProvider(arn), prior, planned).await?;
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let arn = state.get_str("arn").unwrap_or_default();
        api.call("DeleteOpenIDConnectProvider", || {
            api.iam.delete_open_id_connect_provider().open_id_connect_provider_arn(arn).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        import_via_read(self, ctx, id, blank_state(&self.schema(), [("id", Value::from(id)), ("arn", Value::from(id))]))
            .await
    }
}

fn with_arn(planned: &Value, arn: &str) -> Value {
    let mut state = planned.clone();
    state.set("id", Value::from(arn));
    state.set("arn", Value::from(arn));
    state
}

/// The ARN of the provider for the planned URL when it carries our token.
async fn located(api: &Api<'_>, planned: &Value, token: &str) -> Result<Option<String>, AwsError> {
    let Some(url) = planned.get_str("url") else { return Ok(None) };
    let account = api.account_id().await?;
    let arn = format!("arn:{}:iam::{account}:oidc-provider/{}", api.partition(), url.trim_start_matches("https://"));
    let out = api
        .call("GetOpenIDConnectProvider", || {
            api.iam.get_open_id_connect_provider().open_id_connect_provider_arn(&arn).send()
        })
        .await
        .or_not_found(NOT_FOUND)?;
    let ours = out.is_some_and(|p| carries_token(p.tags(), token));
    Ok(ours.then_some(arn))
}

/// A set-like list from AWS, in the prior order when it holds the same members.
pub(crate) fn in_prior_order(prior: &Value, remote: &[String]) -> Value {
    let mut p = string_list(prior);
    let mut r = remote.to_vec();
    p.sort();
    r.sort();
    // Unset and empty mean the same: keep the prior form.
    if p == r && (!prior.is_null() || r.is_empty()) {
        prior.clone()
    } else {
        list_value(remote)
    }
}
