//! The kubernetes provider: objects in a Kubernetes cluster through kube-rs, all by
//! server-side apply of dynamic objects (no per-kind client code).
//!
//! | type | what |
//! |---|---|
//! | `kubernetes_manifest` | any object, custom resources included, with waits ([`manifest`]) |
//! | `kubernetes_namespace`, `_service_account`, `_config_map`, `_secret`, `_deployment`, `_service`, ... | typed resources in the Terraform provider's block form over the same apply ([`typed`]) |
//! | `kubernetes_labels`, `kubernetes_annotations` | a few fields of an object owned elsewhere ([`field_patch`]) |
//! | data `kubernetes_resource`, `_resources`, `_server_version` | reads ([`data_sources`]) |
//! | `kubectl_manifest`, data `kubectl_file_documents` | the second provider, `kubectl` ([`KubectlProvider`], [`kubectl`]) |
//! | `helm_release` | the third, `helm`: charts rendered by the helm CLI, applied on the same path ([`HelmProvider`], [`helm`]) |
//!
//! Neighbours: depends on the provider SDK only; the engine registers [`KubernetesProvider`].
//! The cluster is reached in `configure`, never in `plan`, so a provider configured from a
//! cluster created in the same run (deferred configuration) plans by schema alone.
//! Tokens from an `exec` plugin (and `aws eks get-token`, built in) are renewed as they
//! expire ([`auth`]).

mod apply;
mod auth;
mod cluster;
mod config;
mod data_sources;
mod errors;
mod field_patch;
mod helm;
mod kubectl;
mod managed;
mod manifest;
mod object_ref;
mod ordering;
mod timeouts;
mod typed;
mod wait;

use meshplan_provider::{async_trait, Client, DataSource, Provider, ProviderError, ResourceType, Schema, Value};
use std::sync::Arc;

pub use helm::HelmProvider;
pub use kubectl::KubectlProvider;

pub struct KubernetesProvider;

#[async_trait]
impl Provider for KubernetesProvider {
    fn name(&self) -> &'static str {
        "kubernetes"
    }

    fn config_schema(&self) -> Schema {
        config::schema()
    }

    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        let mut types: Vec<Arc<dyn ResourceType>> = vec![Arc::new(manifest::Manifest)];
        types.extend(typed::all());
        types.extend(field_patch::all());
        types
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        data_sources::all()
    }

    async fn configure(&self, config: &Value) -> Result<Client, ProviderError> {
        Ok(Arc::new(config::configure(config).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_named_for_the_provider() {
        let p = KubernetesProvider;
        let mut names: Vec<&str> = p.resource_types().iter().map(|t| t.type_name()).collect();
        names.extend(p.data_sources().iter().map(|d| d.type_name()));
        assert!(names.iter().all(|n| n.starts_with("kubernetes_")), "{names:?}");
        assert_eq!(names.len(), 47, "{names:?}");
        assert!(names.contains(&"kubernetes_config_map_v1_data"));
        for typed in ["namespace", "service_account", "config_map", "secret", "deployment", "stateful_set", "service"] {
            assert!(
                names.contains(&format!("kubernetes_{typed}").as_str())
                    && names.contains(&format!("kubernetes_{typed}_v1").as_str()),
                "{typed}: {names:?}"
            );
        }
        for other in
            ["kubernetes_daemonset", "kubernetes_daemon_set_v1", "kubernetes_network_policy_v1", "kubernetes_job"]
        {
            assert!(names.contains(&other), "{other}: {names:?}");
        }
        let kubectl: Vec<&str> = KubectlProvider.resource_types().iter().map(|t| t.type_name()).collect();
        assert_eq!(kubectl, ["kubectl_manifest"]);
        let helm: Vec<&str> = HelmProvider.resource_types().iter().map(|t| t.type_name()).collect();
        assert_eq!(helm, ["helm_release"]);
    }
}
