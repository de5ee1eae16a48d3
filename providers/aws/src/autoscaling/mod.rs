//! Auto Scaling: groups (with their instance refresh), lifecycle hooks, tags on groups made
//! elsewhere (EKS managed node groups), scheduled actions.

mod group;
mod group_parts;
mod group_refresh;
mod group_schema;
mod group_tag;
mod lifecycle_hook;
mod schedule;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(Managed(group::Group)),
        Arc::new(Managed(lifecycle_hook::Hook)),
        Arc::new(Managed(group_tag::GroupTag)),
        Arc::new(Managed(schedule::Schedule)),
    ]
}
