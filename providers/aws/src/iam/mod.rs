//! IAM resources: roles and their policies, managed policies, OIDC providers (IRSA).

mod common;
pub(crate) use common::NOT_FOUND;
mod instance_profile;
pub(crate) mod oidc_provider;
mod policy;
pub(crate) mod role;
mod role_policy;
mod role_policy_attachment;

use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(role::Role),
        Arc::new(policy::Policy),
        Arc::new(crate::skeleton::Managed(role_policy::RolePolicy)),
        Arc::new(role_policy_attachment::RolePolicyAttachment),
        Arc::new(oidc_provider::OidcProvider),
        Arc::new(crate::skeleton::Managed(instance_profile::InstanceProfile)),
    ]
}
