//! The `kubectl` provider: the widely used gavinbunney/kubectl provider's `kubectl_manifest`
//! resource and its `kubectl_file_documents` / `kubectl_path_documents` data sources, on this crate's server-side-apply
//! path. Its provider block takes the kubernetes provider's settings (the cluster client is
//! the same), plus the kubectl provider's own `load_config_file` and `apply_retry_count`,
//! accepted and not needed (missing kinds and namespaces are always retried).

mod documents;
mod manifest;
mod path_documents;

use meshplan_provider::{
    async_trait, Attribute, Client, DataSource, Provider, ProviderError, ResourceType, Schema, Type, Value,
};
use std::sync::Arc;

pub struct KubectlProvider;

#[async_trait]
impl Provider for KubectlProvider {
    fn name(&self) -> &'static str {
        "kubectl"
    }

    fn config_schema(&self) -> Schema {
        crate::config::schema()
            .attr("load_config_file", Attribute::optional(Type::Bool))
            .attr("apply_retry_count", Attribute::optional(Type::Number))
    }

    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(manifest::KubectlManifest)]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(documents::FileDocuments), Arc::new(path_documents::PathDocuments)]
    }

    async fn configure(&self, config: &Value) -> Result<Client, ProviderError> {
        Ok(Arc::new(crate::config::configure(config).await?))
    }
}
