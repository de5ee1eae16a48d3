//! IAM resources: roles and their policies, managed policies, OIDC providers (IRSA).

mod access_key;
mod account;
mod common;
pub(crate) use common::NOT_FOUND;
mod group;
mod instance_profile;
mod login_profile;
pub(crate) mod oidc_provider;
mod policy;
mod policy_data;
pub(crate) use policy_data::PolicyData;
mod principal_attachment;
pub(crate) mod role;
mod role_exclusive;
mod role_policy;
mod role_policy_attachment;
mod ssh_key;
mod user;
mod user_policy;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use principal_attachment::{PolicyAttachment, Principal};
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(role::Role),
        Arc::new(policy::Policy),
        Arc::new(crate::skeleton::Managed(role_policy::RolePolicy)),
        Arc::new(role_policy_attachment::RolePolicyAttachment),
        Arc::new(oidc_provider::OidcProvider),
        Arc::new(crate::skeleton::Managed(instance_profile::InstanceProfile)),
        Arc::new(Managed(user::User)),
        Arc::new(Managed(user_policy::UserPolicy)),
        Arc::new(Managed(PolicyAttachment(Principal::User))),
        Arc::new(Managed(group::Group)),
        Arc::new(Managed(group::GroupMembership)),
        Arc::new(Managed(PolicyAttachment(Principal::Group))),
        Arc::new(access_key::AccessKey),
        Arc::new(login_profile::LoginProfile),
        Arc::new(Managed(ssh_key::SshKey)),
        Arc::new(Managed(account::AccountAlias)),
        Arc::new(Managed(account::PasswordPolicy)),
    ]
}
