//! EKS resources: clusters, node groups, addons, pod identity, access entries.

mod access;
mod access_policy;
mod addon;
pub(crate) mod cluster;
pub(crate) mod cluster_features;
mod cluster_options;
pub(crate) mod common;
mod fargate_profile;
mod identity_provider;
mod node_group;

use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(cluster::Cluster),
        Arc::new(node_group::NodeGroup),
        Arc::new(addon::Addon),
        Arc::new(access::PodIdentityAssociation),
        Arc::new(access::AccessEntry),
        Arc::new(crate::skeleton::Managed(access_policy::AccessPolicyAssociation)),
        Arc::new(crate::skeleton::Managed(fargate_profile::FargateProfile)),
        Arc::new(crate::skeleton::Managed(identity_provider::IdentityProviderConfigResource)),
    ]
}
