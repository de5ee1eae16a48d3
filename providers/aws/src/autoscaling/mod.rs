//! Auto Scaling: tags on groups made elsewhere (EKS managed node groups), scheduled actions.

mod group_tag;
mod schedule;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(group_tag::GroupTag)), Arc::new(Managed(schedule::Schedule))]
}
