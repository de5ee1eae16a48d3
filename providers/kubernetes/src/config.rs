//! The `provider "kubernetes"` block (the shape of Terraform's kubernetes provider) and how it
//! becomes a kube client: explicit settings are written into an in-memory kubeconfig, so kube
//! handles CA data, client certificates and exec plugins one way, whether they came from a
//! file (`config_path`) or from attributes (`host`, `token`, ...), which override the file.
//! An exec plugin is the exception: its tokens expire, so [`crate::auth`] runs it (or makes
//! `aws eks get-token` tokens itself) and renews them, rather than kube.

use crate::auth::{self, Authenticated, ExecPlugin};
use crate::cluster::Cluster;
use base64::Engine;
use kube::config::{KubeConfigOptions, Kubeconfig};
use meshplan_provider::{Attribute, Block, ProviderError, Schema, Type, Value};
use serde_json::{json, Map, Value as Json};

pub(crate) fn schema() -> Schema {
    Schema::new()
        .attr("host", Attribute::optional(Type::String))
        .attr("cluster_ca_certificate", Attribute::optional(Type::String))
        .attr("token", Attribute::optional(Type::String).sensitive())
        .attr("client_certificate", Attribute::optional(Type::String))
        .attr("client_key", Attribute::optional(Type::String).sensitive())
        .attr("insecure", Attribute::optional(Type::Bool))
        .attr("config_path", Attribute::optional(Type::String))
        .attr("config_context", Attribute::optional(Type::String))
        .attr("field_manager", Attribute::optional(Type::String).default("meshplan"))
        .block(
            "exec",
            Block::single(
                Schema::new()
                    .attr("api_version", Attribute::required(Type::String))
                    .attr("command", Attribute::required(Type::String))
                    .attr("args", Attribute::optional(Type::list(Type::String)))
                    .attr("env", Attribute::optional(Type::map(Type::String))),
            ),
        )
}

/// Builds the cluster client from the provider block (wholly known).
pub(crate) async fn configure(config: &Value) -> Result<Cluster, ProviderError> {
    // As the Terraform provider: KUBE_CONFIG_PATH and KUBE_CTX stand in for the arguments.
    let from_env = |var: &str| std::env::var(var).ok().filter(|v| !v.is_empty());
    let config_path = config
        .get_str("config_path")
        .map(str::to_string)
        .or_else(|| config.get_str("host").is_none().then(|| from_env("KUBE_CONFIG_PATH")).flatten());
    let kubeconfig = match config_path.as_deref() {
        Some(path) => {
            let mut file = Kubeconfig::read_from(expand_home(path)).map_err(|e| {
                ProviderError::new(format!("reading kubeconfig {path}: {e}")).at_attribute("config_path")
            })?;
            if let Some(context) = config.get_str("config_context").map(str::to_string).or_else(|| from_env("KUBE_CTX"))
            {
                file.current_context = Some(context);
            }
            override_file(file, config)?
        }
        None => from_attributes(config)?,
    };
    let options = KubeConfigOptions::default();
    let mut kube_config = kube::Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .map_err(|e| ProviderError::new(format!("invalid kubernetes provider configuration: {e}")))?;
    let credentials = match take_exec(&mut kube_config)? {
        Some(plugin) => {
            let source = auth::Source::from_plugin(plugin).await.map_err(exec_error)?;
            Some(auth::Credentials::new(source).await.map_err(exec_error)?)
        }
        None => None,
    };
    // rustls picks its process-wide crypto provider from its crate features, and panics when
    // both `ring` (ours, through kube) and `aws-lc-rs` (the AWS SDK's) are compiled in, as
    // in the meshplan binary. Choose ring unless the binary already chose; an Err only
    // means a provider is installed already.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = kube::Client::try_from(kube_config)
        .map_err(|e| ProviderError::new(format!("building the kubernetes client: {e}")))?;
    let client = match credentials {
        Some(credentials) => Authenticated::client(client, credentials),
        None => client,
    };
    let field_manager = config.get_str("field_manager").unwrap_or("meshplan").to_string();
    Ok(Cluster::new(client, field_manager))
}

/// The user's exec plugin, taken out of kube's hands. A `token` set beside it wins, as in kube.
fn take_exec(config: &mut kube::Config) -> Result<Option<ExecPlugin>, ProviderError> {
    let user = &mut config.auth_info;
    if user.token.is_some() || user.token_file.is_some() {
        return Ok(None);
    }
    match user.exec.take() {
        None => Ok(None),
        Some(exec) => ExecPlugin::from_kube(&exec)
            .map(Some)
            .ok_or_else(|| ProviderError::new("the exec plugin has no command").at_attribute("exec")),
    }
}

fn exec_error(e: auth::TokenError) -> ProviderError {
    ProviderError::new(e.to_string()).at_attribute("exec").with_hint(
        "the command must exit 0 and print an ExecCredential with status.token; `aws eks get-token --cluster-name NAME [--region R]` is built in (AWS credentials and region from the usual chain or the exec env)",
    )
}

/// A one-context kubeconfig from `host`, `cluster_ca_certificate`, `token`, ... .
fn from_attributes(config: &Value) -> Result<Kubeconfig, ProviderError> {
    let Some(host) = config.get_str("host") else {
        return Err(ProviderError::new("the kubernetes provider needs `host` (with credentials) or `config_path`")
            .with_hint("e.g. host = aws_eks_cluster.foo.endpoint, token = data.aws_eks_cluster_auth.foo.token"));
    };
    let mut cluster = Map::new();
    cluster.insert("server".into(), json!(host));
    let mut user = Map::new();
    apply_attributes(&mut cluster, &mut user, config)?;
    parse_kubeconfig(json!({
        "clusters": [{"name": "meshplan", "cluster": cluster}],
        "users": [{"name": "meshplan", "user": user}],
        "contexts": [{"name": "meshplan", "context": {"cluster": "meshplan", "user": "meshplan"}}],
        "current-context": "meshplan",
    }))
}

/// The file's current context with the explicitly set attributes laid over it.
fn override_file(file: Kubeconfig, config: &Value) -> Result<Kubeconfig, ProviderError> {
    let mut raw = serde_json::to_value(&file).map_err(|e| ProviderError::new(format!("kubeconfig: {e}")))?;
    let context_name = file.current_context.clone().unwrap_or_default();
    let context = file.contexts.iter().find(|c| c.name == context_name).and_then(|c| c.context.clone());
    let Some(context) = context else {
        return Err(ProviderError::new(format!("the kubeconfig has no context {context_name:?}"))
            .at_attribute("config_context"));
    };
    let mut cluster = named(&raw, "clusters", &context.cluster, "cluster");
    let mut user = context.user.as_deref().map(|u| named(&raw, "users", u, "user")).unwrap_or_default();
    if let Some(host) = config.get_str("host") {
        cluster.insert("server".into(), json!(host));
    }
    apply_attributes(&mut cluster, &mut user, config)?;
    raw["clusters"] = json!([{"name": context.cluster, "cluster": cluster}]);
    raw["users"] = json!([{"name": "meshplan", "user": user}]);
    raw["contexts"] = json!([{"name": context_name, "context": {"cluster": context.cluster, "user": "meshplan", "namespace": context.namespace}}]);
    parse_kubeconfig(raw)
}

fn named(raw: &Json, list: &str, name: &str, field: &str) -> Map<String, Json> {
    raw[list]
        .as_array()
        .into_iter()
        .flatten()
        .find(|e| e["name"] == name)
        .and_then(|e| e[field].as_object().cloned())
        .unwrap_or_default()
}

fn apply_attributes(
    cluster: &mut Map<String, Json>,
    user: &mut Map<String, Json>,
    config: &Value,
) -> Result<(), ProviderError> {
    let b64 = |s: &str| json!(base64::engine::general_purpose::STANDARD.encode(s));
    if let Some(ca) = config.get_str("cluster_ca_certificate") {
        if !ca.contains("-----BEGIN CERTIFICATE-----") {
            return Err(ProviderError::new("cluster_ca_certificate must be PEM (-----BEGIN CERTIFICATE-----)")
                .with_hint("EKS returns it base64-encoded: use base64decode(...certificate_authority[0].data)")
                .at_attribute("cluster_ca_certificate"));
        }
        cluster.insert("certificate-authority-data".into(), b64(ca));
        cluster.remove("certificate-authority");
    }
    if let Some(insecure) = config.get("insecure").as_bool() {
        cluster.insert("insecure-skip-tls-verify".into(), json!(insecure));
    }
    if let Some(token) = config.get_str("token") {
        user.insert("token".into(), json!(token));
    }
    if let Some(cert) = config.get_str("client_certificate") {
        user.insert("client-certificate-data".into(), b64(cert));
    }
    if let Some(key) = config.get_str("client_key") {
        user.insert("client-key-data".into(), b64(key));
    }
    let exec = config.get("exec");
    if let Some(command) = exec.get_str("command") {
        let args: Vec<&str> = exec.get("args").as_list().into_iter().flatten().filter_map(Value::as_str).collect();
        let env: Vec<Json> = exec
            .get("env")
            .as_object()
            .into_iter()
            .flatten()
            .map(|(name, value)| json!({"name": name, "value": value.as_str().unwrap_or_default()}))
            .collect();
        user.insert(
            "exec".into(),
            json!({"apiVersion": exec.get_str("api_version"), "command": command, "args": args, "env": env, "interactiveMode": "Never"}),
        );
    }
    Ok(())
}

/// Errors here would echo the document (which holds the token): say only what is wrong.
fn parse_kubeconfig(raw: Json) -> Result<Kubeconfig, ProviderError> {
    serde_json::from_value(raw).map_err(|e| {
        ProviderError::new(format!(
            "invalid kubernetes provider configuration (line {}, column {})",
            e.line(),
            e.column()
        ))
    })
}

fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => path.into(),
    }
}
