//! Data sources.

mod addon_version;
mod ami;
mod arn;
mod cluster_versions;
mod eks;
mod endpoint_service;
mod identity;
mod instance_types;
mod log_delivery;
mod lookup;
mod network;
mod policy_document;
mod prefix_list;
mod service_principal;
mod session_context;
mod ssm;
mod subnet;

use meshplan_provider::DataSource;
use std::sync::Arc;

pub fn data_sources() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(identity::CallerIdentity),
        Arc::new(identity::Partition),
        Arc::new(identity::Region),
        Arc::new(network::AvailabilityZones),
        Arc::new(network::VpcData),
        Arc::new(network::Subnets),
        Arc::new(lookup::Vpcs),
        Arc::new(subnet::SubnetData),
        Arc::new(ami::Ami),
        Arc::new(ssm::SsmParameter),
        Arc::new(addon_version::AddonVersion),
        Arc::new(cluster_versions::ClusterVersions),
        Arc::new(lookup::SecurityGroupData),
        Arc::new(lookup::SecurityGroups),
        Arc::new(session_context::SessionContext),
        Arc::new(policy_document::PolicyDocument),
        Arc::new(eks::EksCluster),
        Arc::new(eks::EksClusterAuth),
        Arc::new(eks::OidcProviderData),
        Arc::new(arn::Arn),
        Arc::new(arn::CanonicalUserId),
        Arc::new(instance_types::InstanceTypeOfferings),
        Arc::new(instance_types::InstanceType),
        Arc::new(endpoint_service::VpcEndpointService),
        Arc::new(prefix_list::PrefixListData),
        Arc::new(crate::acmpca::AuthorityData),
        Arc::new(service_principal::ServicePrincipal),
        Arc::new(crate::iam::PolicyData),
        Arc::new(log_delivery::LogDeliveryCanonicalUserId),
    ]
}
