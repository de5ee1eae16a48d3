//! Auto Scaling: tags on groups made elsewhere (EKS managed node groups).

mod group_tag;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(group_tag::GroupTag))]
}
