//! CloudFormation: stacks.

mod stack;
mod stack_status;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(stack::Stack))]
}
