//! EventBridge (CloudWatch Events): rules and their targets.

mod rule;
mod target;

use crate::skeleton::Managed;
use meshplan_provider::ResourceType;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(rule::Rule)), Arc::new(Managed(target::Target))]
}

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];
const DEFAULT_BUS: &str = "default";

/// Terraform's ID of a rule: its name, prefixed with `bus/` off the default bus.
fn rule_id(bus: &str, rule: &str) -> String {
    if bus == DEFAULT_BUS {
        rule.to_string()
    } else {
        format!("{bus}/{rule}")
    }
}

/// (bus, rule) of a rule ID; the bus name may itself be an ARN (which holds `/`).
fn parse_rule_id(id: &str) -> (&str, &str) {
    match id.rsplit_once('/') {
        Some((bus, rule)) => (bus, rule),
        None => (DEFAULT_BUS, id),
    }
}
