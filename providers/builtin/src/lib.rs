//! The builtin providers: resource types that need no cloud, named as in Terraform so
//! configurations carry over.
//!
//! | provider | types | Terraform equivalent |
//! |---|---|---|
//! | [`MeshplanProvider`] (`meshplan`) | `meshplan_data` | `terraform_data` |
//! | [`TerraformProvider`] (`terraform`) | `terraform_data` | Terraform's builtin provider |
//! | [`NullProvider`] (`null`) | `null_resource` | hashicorp/null |
//! | [`TimeProvider`] (`time`) | `time_sleep` | hashicorp/time |
//! | [`RandomProvider`] (`random`) | `random_id`, `random_password` | hashicorp/random |
//! | [`LocalProvider`] (`local`) | `local_file` | hashicorp/local |
//! | [`HttpProvider`] (`http`) | data source `http` | hashicorp/http |
//! | [`CloudinitProvider`] (`cloudinit`) | data source `cloudinit_config` | hashicorp/cloudinit |
//!
//! Neighbours: depends only on the provider SDK; the engine registers [`all`]. Nothing here
//! prints; errors are [`meshplan_provider::ProviderError`]s.

mod cloudinit;
mod http;
mod local_file;
mod meshplan_data;
mod null_resource;
mod providers;
mod random_id;
mod random_password;
mod random_values;
mod randomness;
mod time_sleep;

pub use providers::{
    CloudinitProvider, HttpProvider, LocalProvider, MeshplanProvider, NullProvider, RandomProvider, TerraformProvider,
    TimeProvider,
};

use meshplan_provider::Provider;
use std::sync::Arc;

/// Every builtin provider, for the engine's registry.
pub fn all() -> Vec<Arc<dyn Provider>> {
    vec![
        Arc::new(MeshplanProvider),
        Arc::new(TerraformProvider),
        Arc::new(NullProvider),
        Arc::new(TimeProvider),
        Arc::new(RandomProvider),
        Arc::new(LocalProvider),
        Arc::new(HttpProvider),
        Arc::new(CloudinitProvider),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_carries_its_providers_prefix() {
        let mut seen = Vec::new();
        for p in all() {
            for t in p.resource_types() {
                assert!(t.type_name().starts_with(p.name()), "{} in {}", t.type_name(), p.name());
                seen.push(t.type_name());
            }
            for d in p.data_sources() {
                assert!(d.type_name().starts_with(p.name()));
                seen.push(d.type_name());
            }
        }
        seen.sort();
        assert_eq!(
            seen,
            [
                "cloudinit_config",
                "http",
                "local_file",
                "meshplan_data",
                "null_resource",
                "random_bytes",
                "random_id",
                "random_integer",
                "random_password",
                "random_pet",
                "random_string",
                "random_uuid",
                "terraform_data",
                "time_sleep"
            ]
        );
    }
}
