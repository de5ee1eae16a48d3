//! `aws_eks_cluster`, `aws_eks_cluster_auth` and `aws_iam_openid_connect_provider` (data).

use crate::api::{Api, NotFound};
use crate::eks::cluster::describe;
use crate::eks::common::{computed_cluster_attributes, set_computed_cluster_attributes, tags_map, vpc_config_value};
use crate::error::AwsError;
use crate::values::{list_value, map_value, opt_str};
use meshplan_eks_token::token_for;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;

pub struct EksCluster;
pub struct EksClusterAuth;
pub struct OidcProviderData;

fn object_type(fields: Vec<(&str, Type)>) -> Type {
    Type::Object(fields.into_iter().map(|(k, t)| (k.to_string(), t)).collect())
}

fn network_config_type() -> Type {
    object_type(vec![
        ("elastic_load_balancing", Type::list(object_type(vec![("enabled", Type::Bool)]))),
        ("ip_family", Type::String),
        ("service_ipv4_cidr", Type::String),
        ("service_ipv6_cidr", Type::String),
    ])
}

fn compute_type() -> Type {
    object_type(vec![("enabled", Type::Bool), ("node_pools", Type::set(Type::String)), ("node_role_arn", Type::String)])
}

fn outpost_type() -> Type {
    object_type(vec![
        ("control_plane_instance_type", Type::String),
        ("control_plane_placement", Type::list(object_type(vec![("group_name", Type::String)]))),
        ("outpost_arns", Type::set(Type::String)),
    ])
}

fn remote_network_type() -> Type {
    let cidrs = || Type::list(object_type(vec![("cidrs", Type::set(Type::String))]));
    object_type(vec![("remote_node_networks", cidrs()), ("remote_pod_networks", cidrs())])
}

fn storage_type() -> Type {
    object_type(vec![("block_storage", Type::list(object_type(vec![("enabled", Type::Bool)])))])
}

fn not_found(ctx: &Ctx, what: String) -> ProviderError {
    AwsError::Invalid { address: ctx.address.clone(), message: format!("{what} not found"), attribute: None }.into()
}

#[async_trait]
impl DataSource for EksCluster {
    fn type_name(&self) -> &'static str {
        "aws_eks_cluster"
    }
    fn schema(&self) -> Schema {
        let vpc = Type::Object(
            [
                ("subnet_ids", Type::set(Type::String)),
                ("security_group_ids", Type::set(Type::String)),
                ("endpoint_private_access", Type::Bool),
                ("endpoint_public_access", Type::Bool),
                ("public_access_cidrs", Type::set(Type::String)),
                ("cluster_security_group_id", Type::String),
                ("vpc_id", Type::String),
            ]
            .into_iter()
            .map(|(k, t)| (k.to_string(), t))
            .collect(),
        );
        let access = Type::Object(
            [("authentication_mode", Type::String), ("bootstrap_cluster_creator_admin_permissions", Type::Bool)]
                .into_iter()
                .map(|(k, t)| (k.to_string(), t))
                .collect(),
        );
        computed_cluster_attributes(Schema::new())
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String))
            .attr("role_arn", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::String))
            .attr("vpc_config", Attribute::computed(Type::list(vpc)))
            .attr("access_config", Attribute::computed(Type::list(access)))
            .attr("enabled_cluster_log_types", Attribute::computed(Type::set(Type::String)))
            .attr("kubernetes_network_config", Attribute::computed(Type::list(network_config_type())))
            .attr("upgrade_policy", Attribute::computed(Type::list(object_type(vec![("support_type", Type::String)]))))
            .attr("zonal_shift_config", Attribute::computed(Type::list(object_type(vec![("enabled", Type::Bool)]))))
            .attr("tags", Attribute::computed(Type::map(Type::String)))
            .attr("compute_config", Attribute::computed(Type::list(compute_type())))
            .attr("outpost_config", Attribute::computed(Type::list(outpost_type())))
            .attr("remote_network_config", Attribute::computed(Type::list(remote_network_type())))
            .attr("storage_config", Attribute::computed(Type::list(storage_type())))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let name = config.get_str("name").unwrap_or_default();
        let Some(c) = describe(&api, name).await? else { return Err(not_found(ctx, format!("EKS cluster {name:?}"))) };
        let mut s = config.clone();
        s.set("id", Value::from(name));
        s.set("role_arn", opt_str(c.role_arn()));
        s.set("version", opt_str(c.version()));
        set_computed_cluster_attributes(&mut s, &c);
        s.set("vpc_config", Value::List(vec![vpc_config_value(&c, &Value::Null)]));
        let access: Vec<Value> = c
            .access_config()
            .map(|a| {
                Value::object([
                    ("authentication_mode", opt_str(a.authentication_mode().map(|m| m.as_str()))),
                    (
                        "bootstrap_cluster_creator_admin_permissions",
                        a.bootstrap_cluster_creator_admin_permissions().map(Value::from).unwrap_or(Value::Null),
                    ),
                ])
            })
            .into_iter()
            .collect();
        s.set("access_config", Value::List(access));
        let logs = c.logging().map(|l| {
            l.cluster_logging()
                .iter()
                .filter(|x| x.enabled() == Some(true))
                .flat_map(|x| x.types().iter().map(|t| t.as_str().to_string()))
                .collect::<Vec<_>>()
        });
        s.set("enabled_cluster_log_types", list_value(logs.unwrap_or_default()));
        let network = c.kubernetes_network_config().map(|n| {
            let elb = n
                .elastic_load_balancing()
                .map(|e| Value::object([("enabled", e.enabled().map(Value::from).unwrap_or(Value::Null))]));
            Value::object([
                ("ip_family", opt_str(n.ip_family().map(|f| f.as_str()))),
                ("service_ipv4_cidr", opt_str(n.service_ipv4_cidr())),
                ("service_ipv6_cidr", opt_str(n.service_ipv6_cidr())),
                ("elastic_load_balancing", Value::List(elb.into_iter().collect())),
            ])
        });
        s.set("kubernetes_network_config", Value::List(network.into_iter().collect()));
        let upgrade = c
            .upgrade_policy()
            .map(|u| Value::object([("support_type", opt_str(u.support_type().map(|t| t.as_str())))]));
        s.set("upgrade_policy", Value::List(upgrade.into_iter().collect()));
        let zonal = c
            .zonal_shift_config()
            .map(|z| Value::object([("enabled", z.enabled().map(Value::from).unwrap_or(Value::Null))]));
        s.set("zonal_shift_config", Value::List(zonal.into_iter().collect()));
        // Auto Mode, Outposts and hybrid-node networks, read as the resource reads them.
        crate::eks::cluster_features::read(&mut s, &Value::Null, &c);
        s.set("tags", map_value(tags_map(c.tags())));
        Ok(s)
    }
}

#[async_trait]
impl DataSource for EksClusterAuth {
    fn type_name(&self) -> &'static str {
        "aws_eks_cluster_auth"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("name", Attribute::required(Type::String))
            .attr("token", Attribute::computed(Type::String).sensitive())
    }
    /// No API call: the token is a presigned URL computed from the credentials.
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let name = config.get_str("name").unwrap_or_default();
        let Some(creds) = api.credentials.as_ref() else {
            return Err(ProviderError::new(format!("{}: no credentials to sign the EKS token with", ctx.address)));
        };
        let token = token_for(creds.as_ref(), &api.region, api.sts_endpoint.as_deref(), name)
            .await
            .map_err(|e| ProviderError::new(format!("{}: {e}", ctx.address)))?;
        let mut s = config.clone();
        s.set("id", Value::from(name));
        // Declared sensitive in the schema: the engine marks it (the SDK contract).
        s.set("token", Value::from(token));
        Ok(s)
    }
}

#[async_trait]
impl DataSource for OidcProviderData {
    fn type_name(&self) -> &'static str {
        "aws_iam_openid_connect_provider"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::optional_computed(Type::String))
            .attr("url", Attribute::optional_computed(Type::String))
            .attr("client_id_list", Attribute::computed(Type::list(Type::String)))
            .attr("thumbprint_list", Attribute::computed(Type::list(Type::String)))
            .attr("tags", Attribute::computed(Type::map(Type::String)))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let arn = match (config.get_str("arn"), config.get_str("url")) {
            (Some(arn), _) => arn.to_string(),
            (None, Some(url)) => {
                // Providers are named by ARN; finding one by URL means listing them.
                let host = url.trim_start_matches("https://");
                let list =
                    api.call("ListOpenIDConnectProviders", || api.iam.list_open_id_connect_providers().send()).await?;
                let found = list
                    .open_id_connect_provider_list()
                    .iter()
                    .filter_map(|p| p.arn())
                    .find(|a| a.ends_with(&format!("oidc-provider/{host}")));
                found.ok_or_else(|| not_found(ctx, format!("OIDC provider for {url:?}")))?.to_string()
            }
            (None, None) => return Err(ProviderError::new(format!("{}: set arn or url", ctx.address))),
        };
        let out = api
            .call("GetOpenIDConnectProvider", || {
                api.iam.get_open_id_connect_provider().open_id_connect_provider_arn(&arn).send()
            })
            .await
            .or_not_found(crate::iam::NOT_FOUND)?;
        let Some(p) = out else { return Err(not_found(ctx, format!("OIDC provider {arn:?}"))) };
        let tags: BTreeMap<String, String> =
            p.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect();
        let mut s = config.clone();
        s.set("id", Value::from(arn.as_str()));
        s.set("arn", Value::from(arn.as_str()));
        s.set("url", Value::from(format!("https://{}", p.url().unwrap_or_default().trim_start_matches("https://"))));
        s.set("client_id_list", list_value(p.client_id_list()));
        s.set("thumbprint_list", list_value(p.thumbprint_list()));
        s.set("tags", map_value(tags));
        Ok(s)
    }
}
