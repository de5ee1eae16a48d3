//! `aws_eks_identity_provider_config`: an OIDC identity provider for a cluster's API. The
//! `oidc` block forces a new config; tags change in place. Waits for ACTIVE / gone. ID and
//! import ID: `<cluster>:<config name>`, as in Terraform.

use super::common::{carries_token, tags_arg, tags_map, ALREADY_EXISTS, NOT_FOUND};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options, Tagging};
use crate::values::{map_value, one_block, string_map};
use crate::waiter::Poll;
use aws_sdk_eks::types::{
    ConfigStatus, IdentityProviderConfig, OidcIdentityProviderConfig, OidcIdentityProviderConfigRequest,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct IdentityProviderConfigResource;

const KIND: &str = "oidc";

fn split(id: &str) -> Option<(&str, &str)> {
    id.split_once(':')
}

async fn describe(api: &Api<'_>, cluster: &str, name: &str) -> Result<OidcIdentityProviderConfig, AwsError> {
    let config = IdentityProviderConfig::builder()
        .r#type(KIND)
        .name(name)
        .build()
        .map_err(|e| api.invalid("oidc", e.to_string()))?;
    let req = api.eks.describe_identity_provider_config().cluster_name(cluster).identity_provider_config(config);
    let out = api.call("DescribeIdentityProviderConfig", || req.clone().send()).await?;
    out.identity_provider_config().and_then(|c| c.oidc()).cloned().ok_or_else(|| AwsError::Api {
        address: api.address.to_string(),
        operation: "DescribeIdentityProviderConfig",
        code: NOT_FOUND[0].into(),
        message: "no OIDC config in the answer".into(),
        status: None,
    })
}

async fn wait(api: &Api<'_>, id: &str, want: Option<ConfigStatus>, timeout: Duration) -> Result<(), AwsError> {
    let (cluster, name) = split(id).unwrap_or_default();
    api.wait_for("the identity provider config", timeout, || async {
        let status = match describe(api, cluster, name).await {
            Ok(c) => c.status().cloned(),
            Err(e) if e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => None,
            Err(e) => return Err(e),
        };
        Ok(if status == want {
            Poll::Ready(())
        } else {
            Poll::Pending(status.map(|s| s.as_str().to_string()).unwrap_or_else(|| "gone".into()))
        })
    })
    .await
}

#[async_trait]
impl AwsResource for IdentityProviderConfigResource {
    fn type_name(&self) -> &'static str {
        "aws_eks_identity_provider_config"
    }

    fn schema(&self) -> Schema {
        let fixed = |t: Type| Attribute::required(t).force_new();
        let opt = |t: Type| Attribute::optional(t).force_new();
        Schema::new()
            .attr("cluster_name", fixed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("status", Attribute::computed(Type::String))
            .block(
                "oidc",
                Block::list(
                    Schema::new()
                        .attr("client_id", fixed(Type::String))
                        .attr("identity_provider_config_name", fixed(Type::String))
                        .attr("issuer_url", fixed(Type::String))
                        .attr("groups_claim", opt(Type::String))
                        .attr("groups_prefix", opt(Type::String))
                        .attr("username_claim", opt(Type::String))
                        .attr("username_prefix", opt(Type::String))
                        .attr("required_claims", opt(Type::map(Type::String))),
                )
                .min_items(1)
                .max_items(1)
                .force_new(),
            )
    }

    fn options(&self) -> Options {
        Options {
            tagging: Tagging::Custom,
            timeouts: &["create", "delete"],
            default_timeout: Duration::from_secs(40 * 60),
            ..Options::default()
        }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let cluster = p.get_str("cluster_name").unwrap_or_default();
        let o = one_block(p.get("oidc"));
        let name = o.get_str("identity_provider_config_name").unwrap_or_default();
        let claims: std::collections::HashMap<String, String> =
            string_map(o.get("required_claims")).into_iter().collect();
        let oidc = OidcIdentityProviderConfigRequest::builder()
            .identity_provider_config_name(name)
            .issuer_url(o.get_str("issuer_url").unwrap_or_default())
            .client_id(o.get_str("client_id").unwrap_or_default())
            .set_groups_claim(o.get_str("groups_claim").map(str::to_string))
            .set_groups_prefix(o.get_str("groups_prefix").map(str::to_string))
            .set_username_claim(o.get_str("username_claim").map(str::to_string))
            .set_username_prefix(o.get_str("username_prefix").map(str::to_string))
            .set_required_claims((!claims.is_empty()).then_some(claims))
            .build()
            .map_err(|e| api.invalid("oidc", e.to_string()))?;
        let call = api
            .eks
            .associate_identity_provider_config()
            .cluster_name(cluster)
            .oidc(oidc)
            .client_request_token(req.token)
            .set_tags(tags_arg(req.tags.clone()));
        let conflicts = CreateCall { conflicts: ALREADY_EXISTS, ..CreateCall::default() };
        let op = "AssociateIdentityProviderConfig";
        api.create(op, conflicts, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        Ok(format!("{cluster}:{name}"))
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        wait(api, id, Some(ConfigStatus::Active), timeout).await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((cluster, name)) = split(id) else { return Ok(None) };
        let c = describe(api, cluster, name).await?;
        if matches!(c.status(), Some(ConfigStatus::Deleting)) {
            return Ok(None);
        }
        let opt = |v: Option<&str>| v.map(Value::from).unwrap_or(Value::Null);
        s.set("cluster_name", Value::from(cluster));
        s.set("arn", opt(c.identity_provider_config_arn()));
        s.set("status", opt(c.status().map(|x| x.as_str())));
        let claims =
            c.required_claims().filter(|m| !m.is_empty()).map(|m| map_value(m.iter().collect::<BTreeMap<_, _>>()));
        s.set(
            "oidc",
            Value::List(vec![Value::object([
                ("client_id", opt(c.client_id())),
                ("identity_provider_config_name", Value::from(name)),
                ("issuer_url", opt(c.issuer_url())),
                ("groups_claim", opt(c.groups_claim())),
                ("groups_prefix", opt(c.groups_prefix())),
                ("username_claim", opt(c.username_claim())),
                ("username_prefix", opt(c.username_prefix())),
                ("required_claims", claims.unwrap_or(Value::Null)),
            ])]),
        );
        Ok(Some(tags_map(c.tags())))
    }

    async fn set_tags(
        &self,
        api: &Api<'_>,
        id: &str,
        removed: &[String],
        changed: &BTreeMap<String, String>,
    ) -> Result<(), AwsError> {
        let (cluster, name) = split(id).unwrap_or_default();
        let arn = describe(api, cluster, name).await?.identity_provider_config_arn().unwrap_or_default().to_string();
        super::common::retag(api, &arn, removed, changed).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let Some((cluster, name)) = split(id) else { return Ok(()) };
        let config = IdentityProviderConfig::builder()
            .r#type(KIND)
            .name(name)
            .build()
            .map_err(|e| api.invalid("oidc", e.to_string()))?;
        let req =
            api.eks.disassociate_identity_provider_config().cluster_name(cluster).identity_provider_config(config);
        api.call("DisassociateIdentityProviderConfig", || req.clone().send()).await?;
        wait(api, id, None, timeout).await
    }

    /// By the planned name, ours when it carries the intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, p: &Value) -> Result<Option<String>, AwsError> {
        let cluster = p.get_str("cluster_name").unwrap_or_default();
        let Some(name) = one_block(p.get("oidc")).get_str("identity_provider_config_name") else { return Ok(None) };
        match describe(api, cluster, name).await {
            Ok(c) if carries_token(c.tags(), token) => Ok(Some(format!("{cluster}:{name}"))),
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        split(id)
            .map(|_| vec![("id", Value::from(id))])
            .ok_or_else(|| format!("expected CLUSTER:CONFIG_NAME, got {id:?}"))
    }
}
