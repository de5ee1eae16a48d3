//! The `aws` provider: EC2 networking, IAM (IRSA), EKS and S3 on the AWS SDK for Rust.
//!
//! Resource types, attribute names and import IDs follow the Terraform AWS provider.
//! Every API call goes through [`api::Api`], which applies the one retry layer
//! ([`retry`]) and turns AWS errors into messages that name the resource address, the
//! operation and AWS's error code. Long transitions use the one waiter ([`waiter`]).
//! This crate depends on the provider SDK only, never on the engine.

mod acmpca;
mod api;
mod autoscaling;
mod call_counter;
mod clients;
mod cloudformation;
mod coalescer;
mod compute;
mod data;
mod ec2_batches;
mod eks;
mod error;
mod events;
mod iam;
mod intent;
mod kms;
mod lambda;
mod logs;
mod network;
pub mod policy_json;
mod provider_config;
mod resource;
mod retry;
mod rolesanywhere;
mod s3;
mod s3control;
mod s3tables;
mod skeleton;
mod sns;
mod sqs;
mod subnet_groups;
mod tags;
mod timed;
mod values;
mod waiter;

pub use call_counter::CallCounter;
pub use clients::AwsClients;
pub use error::AwsError;
pub use provider_config::Settings;
/// The services the `endpoints` block names (tests point them all at one emulator).
pub use provider_config::SERVICES as ENDPOINT_SERVICES;
pub use retry::RetryPolicy;

use meshplan_provider::{async_trait, Client, DataSource, Provider, ProviderError, ResourceType, Schema, Value};
use std::sync::Arc;

#[derive(Default)]
pub struct AwsProvider;

#[async_trait]
impl Provider for AwsProvider {
    fn name(&self) -> &'static str {
        "aws"
    }

    fn config_schema(&self) -> Schema {
        provider_config::schema()
    }

    fn resource_types(&self) -> Vec<Arc<dyn ResourceType>> {
        let mut all: Vec<Arc<dyn ResourceType>> = Vec::new();
        all.extend(network::resource_types());
        all.extend(iam::resource_types());
        all.extend(eks::resource_types());
        all.extend(s3::resource_types());
        all.extend(kms::resource_types());
        all.extend(logs::resource_types());
        all.extend(autoscaling::resource_types());
        all.extend(compute::resource_types());
        all.extend(acmpca::resource_types());
        all.extend(sqs::resource_types());
        all.extend(events::resource_types());
        all.extend(subnet_groups::resource_types());
        all.extend(sns::resource_types());
        all.extend(lambda::resource_types());
        all.extend(s3control::resource_types());
        all.extend(cloudformation::resource_types());
        all.extend(rolesanywhere::resource_types());
        all.extend(s3tables::resource_types());
        all
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        data::data_sources()
    }

    /// AWS throttles per account and API; 10 in flight stays clear of EC2's and IAM's
    /// default request-rate limits while still overlapping slow waits.
    fn default_concurrency(&self) -> usize {
        10
    }

    async fn configure(&self, config: &Value) -> Result<Client, ProviderError> {
        let settings = Settings::parse(config).map_err(ProviderError::new)?;
        let clients = AwsClients::configure(&settings).await.map_err(ProviderError::new)?;
        Ok(Arc::new(clients))
    }
}
