//! The `helm` provider (hashicorp/helm 2.x's schema): `helm_release`, rendered by the helm CLI
//! (`helm template`) and applied object by object on this crate's server-side-apply path, so a
//! release's objects are tracked, waited for and deleted like every other Kubernetes object.
//! Its provider block nests the kubernetes provider's settings in `kubernetes {}`, as Terraform's.
//!
//! Not Helm's own release bookkeeping: no release Secret is written, so `helm list` does not
//! show meshplan's releases; the state records the rendered objects instead (README).

mod release;
mod render;

use meshplan_provider::{
    async_trait, Attribute, Block, Client, Provider, ProviderError, ResourceType, Schema, Type, Value,
};
use std::sync::Arc;

pub struct HelmProvider;

#[async_trait]
impl Provider for HelmProvider {
    fn name(&self) -> &'static str {
        "helm"
    }

    fn config_schema(&self) -> Schema {
        let registry = Schema::new()
            .attr("url", Attribute::required(Type::String))
            .attr("username", Attribute::required(Type::String))
            .attr("password", Attribute::required(Type::String).sensitive());
        ["plugins_path", "registry_config_path", "repository_config_path", "repository_cache", "helm_driver"]
            .into_iter()
            .fold(Schema::new(), |s, name| s.attr(name, Attribute::optional(Type::String)))
            .attr("debug", Attribute::optional(Type::Bool))
            .attr("burst_limit", Attribute::optional(Type::Number))
            .block("kubernetes", Block::list(crate::config::schema()).max_items(1).attribute_syntax())
            .block("registry", Block::list(registry).attribute_syntax())
            .block(
                "experiments",
                Block::list(Schema::new().attr("manifest", Attribute::optional(Type::Bool)))
                    .max_items(1)
                    .attribute_syntax(),
            )
    }

    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(release::HelmRelease)]
    }

    async fn configure(&self, config: &Value) -> Result<Client, ProviderError> {
        // The cluster comes from the nested kubernetes block (absent: KUBE_CONFIG_PATH).
        let kube = match config.get("kubernetes") {
            Value::List(items) => items.first().cloned().unwrap_or_else(Value::empty_object),
            Value::Object(_) => config.get("kubernetes").clone(),
            _ => Value::empty_object(),
        };
        Ok(Arc::new(crate::config::configure(&kube).await?))
    }
}
