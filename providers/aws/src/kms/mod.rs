//! KMS: keys and aliases.

mod alias;
mod key;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(key::Key)), Arc::new(Managed(alias::Alias))]
}
