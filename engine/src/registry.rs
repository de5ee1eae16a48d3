//! The providers compiled into this binary, by name, and their resource types.

use meshplan_provider::{DataSource, Function, Provider, ResourceType};
use std::collections::HashMap;
use std::sync::Arc;

/// A provider's source address, as the JSON plan and `providers` show it. Providers whose
/// resource types mirror a Terraform provider's carry its registry address, so tools keyed
/// on `registry.terraform.io/hashicorp/aws` find them; Terraform's own builtin keeps its
/// address; `meshplan` is ours.
pub fn source_address(name: &str) -> String {
    match name {
        "terraform" => "terraform.io/builtin/terraform".into(),
        "meshplan" => "meshplan.local/builtin/meshplan".into(),
        other => format!("registry.terraform.io/hashicorp/{other}"),
    }
}

#[derive(Clone, Default)]
pub struct Registry {
    pub providers: HashMap<String, Arc<dyn Provider>>,
    pub resources: HashMap<String, Arc<dyn ResourceType>>,
    pub data_sources: HashMap<String, Arc<dyn DataSource>>,
    /// `provider::<name>::<fn>` and the bare `<fn>`.
    pub functions: HashMap<String, Function>,
}

impl Registry {
    pub fn new(providers: Vec<Arc<dyn Provider>>) -> Self {
        let mut r = Registry::default();
        for p in providers {
            for t in p.resource_types() {
                r.resources.insert(t.type_name().to_string(), t);
            }
            for d in p.data_sources() {
                r.data_sources.insert(d.type_name().to_string(), d);
            }
            for f in p.functions() {
                r.functions.insert(format!("provider::{}::{}", p.name(), f.name), f.clone());
                r.functions.entry(f.name.to_string()).or_insert(f);
            }
            r.providers.insert(p.name().to_string(), p);
        }
        r
    }
}
