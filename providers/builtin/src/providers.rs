//! The provider structs: each hands out its resource types and data sources. None needs
//! configuration, so they keep the SDK's default `configure`.

use crate::{
    cloudinit, http, local_file, meshplan_data, null_resource, random_id, random_password, random_values, time_sleep,
};
use meshplan_provider::{DataSource, Provider, ResourceType};
use std::sync::Arc;

/// "No limit" for providers that do only local work; finite so the engine can size a
/// semaphore with it.
const UNLIMITED: usize = 1 << 16;

/// `meshplan`: `meshplan_data`.
#[derive(Clone, Copy, Debug, Default)]
pub struct MeshplanProvider;

/// `terraform`: `terraform_data` (Terraform's builtin provider).
#[derive(Clone, Copy, Debug, Default)]
pub struct TerraformProvider;

/// `null`: `null_resource`.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullProvider;

/// `time`: `time_sleep`.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeProvider;

/// `random`: `random_id`, `random_password`, `random_string`, `random_pet`, `random_bytes`,
/// `random_uuid`, `random_integer`.
#[derive(Clone, Copy, Debug, Default)]
pub struct RandomProvider;

/// `local`: `local_file`.
#[derive(Clone, Copy, Debug, Default)]
pub struct LocalProvider;

/// `cloudinit`: the `cloudinit_config` data source.
#[derive(Clone, Copy, Debug, Default)]
pub struct CloudinitProvider;

/// `http`: the `http` data source.
#[derive(Clone, Copy, Debug, Default)]
pub struct HttpProvider;

impl Provider for MeshplanProvider {
    fn name(&self) -> &'static str {
        "meshplan"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(meshplan_data::MESHPLAN_DATA)]
    }
    fn default_concurrency(&self) -> usize {
        // Pure in-memory work: never the bottleneck.
        UNLIMITED
    }
}

impl Provider for TerraformProvider {
    fn name(&self) -> &'static str {
        "terraform"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(meshplan_data::TERRAFORM_DATA)]
    }
    fn default_concurrency(&self) -> usize {
        UNLIMITED
    }
}

impl Provider for NullProvider {
    fn name(&self) -> &'static str {
        "null"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(null_resource::NullResource)]
    }
    fn default_concurrency(&self) -> usize {
        UNLIMITED
    }
}

impl Provider for TimeProvider {
    fn name(&self) -> &'static str {
        "time"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(time_sleep::TimeSleep)]
    }
    fn default_concurrency(&self) -> usize {
        // Sleeping costs nothing; a limit would only stretch the critical path.
        UNLIMITED
    }
}

impl Provider for RandomProvider {
    fn name(&self) -> &'static str {
        "random"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![
            Arc::new(random_id::RandomId),
            Arc::new(random_password::RandomPassword),
            Arc::new(random_values::RandomString),
            Arc::new(random_values::RandomPet),
            Arc::new(random_values::RandomBytes),
            Arc::new(random_values::RandomUuid),
            Arc::new(random_values::RandomInteger),
        ]
    }
}

impl Provider for LocalProvider {
    fn name(&self) -> &'static str {
        "local"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        vec![Arc::new(local_file::LocalFile)]
    }
}

impl Provider for HttpProvider {
    fn name(&self) -> &'static str {
        "http"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        Vec::new()
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(http::Http)]
    }
}

impl Provider for CloudinitProvider {
    fn name(&self) -> &'static str {
        "cloudinit"
    }
    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        Vec::new()
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(cloudinit::CloudinitConfig)]
    }
    fn default_concurrency(&self) -> usize {
        UNLIMITED
    }
}
