//! EC2 compute resources: launch templates.

mod launch_template;
mod template_request;
mod template_response;
mod template_schema;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub(crate) use crate::network::ec2_tag_spec as tag_spec;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(launch_template::LaunchTemplate))]
}
