//! EC2 networking resources.

mod ec2;
mod vpc;

pub use vpc::Vpc;

use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Vpc)]
}
