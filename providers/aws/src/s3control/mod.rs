//! S3 Control: account-level S3 settings.

mod account_public_access_block;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(account_public_access_block::AccountPublicAccessBlock))]
}
