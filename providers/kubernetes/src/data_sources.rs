//! Data sources: one object (`kubernetes_resource`), a list by kind and selector
//! (`kubernetes_resources`), and the server version (`kubernetes_server_version`).

use crate::cluster::Cluster;
use crate::errors::Failure;
use crate::object_ref::ObjectRef;
use kube::api::ListParams;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};
use std::sync::Arc;

pub(crate) fn all() -> Vec<Arc<dyn DataSource>> {
    vec![Arc::new(Resource), Arc::new(Resources), Arc::new(ServerVersion)]
}

/// One object; `object` is null when it does not exist (as in Terraform).
struct Resource;

#[async_trait]
impl DataSource for Resource {
    fn type_name(&self) -> &'static str {
        "kubernetes_resource"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("api_version", Attribute::required(Type::String))
            .attr("kind", Attribute::required(Type::String))
            .attr("object", Attribute::computed(Type::Any))
            .block(
                "metadata",
                Block::list(
                    Schema::new()
                        .attr("name", Attribute::required(Type::String))
                        .attr("namespace", Attribute::optional(Type::String)),
                )
                .min_items(1)
                .max_items(1),
            )
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let meta = crate::object_ref::meta(config);
        let object = ObjectRef {
            api_version: config.get_str("api_version").unwrap_or_default().to_string(),
            kind: config.get_str("kind").unwrap_or_default().to_string(),
            namespace: meta.get_str("namespace").map(str::to_string),
            name: meta.get_str("name").unwrap_or_default().to_string(),
        };
        let live = cluster.get(&object).await?;
        let mut out = config.clone();
        out.set("object", live.as_ref().map(Value::from_json).unwrap_or(Value::Null));
        Ok(out)
    }
}

/// Objects of one kind, in one namespace or all, by label and field selector.
struct Resources;

#[async_trait]
impl DataSource for Resources {
    fn type_name(&self) -> &'static str {
        "kubernetes_resources"
    }
    fn schema(&self) -> Schema {
        Schema::new()
            .attr("api_version", Attribute::required(Type::String))
            .attr("kind", Attribute::required(Type::String))
            .attr("namespace", Attribute::optional(Type::String))
            .attr("label_selector", Attribute::optional(Type::String))
            .attr("field_selector", Attribute::optional(Type::String))
            .attr("limit", Attribute::optional(Type::Number))
            .attr("objects", Attribute::computed(Type::list(Type::Any)))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let kind = ObjectRef {
            api_version: config.get_str("api_version").unwrap_or_default().to_string(),
            kind: config.get_str("kind").unwrap_or_default().to_string(),
            namespace: config.get_str("namespace").map(str::to_string),
            name: "*".to_string(),
        };
        let mut params = ListParams::default();
        if let Some(labels) = config.get_str("label_selector") {
            params = params.labels(labels);
        }
        if let Some(fields) = config.get_str("field_selector") {
            params = params.fields(fields);
        }
        if let Some(limit) = config.get("limit").as_i64().filter(|n| *n > 0) {
            params = params.limit(limit as u32);
        }
        let items = match cluster.list(&kind, &params).await {
            Ok(items) => items,
            Err(Failure::KindNotServed { .. }) => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        let mut out = config.clone();
        out.set("objects", Value::List(items.iter().map(Value::from_json).collect()));
        Ok(out)
    }
}

struct ServerVersion;

#[async_trait]
impl DataSource for ServerVersion {
    fn type_name(&self) -> &'static str {
        "kubernetes_server_version"
    }
    fn schema(&self) -> Schema {
        ["version", "major", "minor", "git_version", "git_commit", "platform", "build_date"]
            .into_iter()
            .fold(Schema::new(), |s, name| s.attr(name, Attribute::computed(Type::String)))
    }
    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let cluster = ctx.client::<Cluster>()?;
        let info = cluster
            .client
            .apiserver_version()
            .await
            .map_err(|e| ProviderError::new(format!("reading the server version: {e}")))?;
        let mut out = config.clone();
        // Terraform's `version` is `vMAJOR.MINOR.PATCH` without build suffixes.
        let version = info.git_version.split(['-', '+']).next().unwrap_or(&info.git_version).to_string();
        out.set("version", Value::from(version));
        out.set("major", Value::from(info.major.clone()));
        out.set("minor", Value::from(info.minor.clone()));
        out.set("git_version", Value::from(info.git_version.clone()));
        out.set("git_commit", Value::from(info.git_commit.clone()));
        out.set("platform", Value::from(info.platform.clone()));
        out.set("build_date", Value::from(info.build_date.clone()));
        Ok(out)
    }
}
