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
        // The widely used kubectl provider is not HashiCorp's.
        "kubectl" => "registry.terraform.io/gavinbunney/kubectl".into(),
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

impl Registry {
    /// The error for a resource or data source type no built-in provider has: when the type's
    /// prefix names one of ours, said plainly (`meshplan's aws provider does not implement
    /// aws_foo yet`) unless it is a near miss of a type we have (a did-you-mean over every
    /// provider's types).
    pub fn unknown_type(&self, data: bool, type_name: &str) -> crate::diag::Diagnostic {
        use crate::diag::{did_you_mean, Diagnostic};
        let names: Vec<&str> = if data {
            self.data_sources.keys().map(String::as_str).collect()
        } else {
            self.resources.keys().map(String::as_str).collect()
        };
        let hint = did_you_mean(type_name, names);
        let kind = if data { "data source" } else { "resource type" };
        let provider =
            type_name.split('_').next().filter(|p| type_name.contains('_') && self.providers.contains_key(*p));
        // A near miss is a typo: say so rather than "not implemented".
        match provider.filter(|_| hint.is_none()) {
            Some(p) => Diagnostic::error(format!("meshplan's {p} provider does not implement {type_name} yet"))
                .label(format!("this {kind} is not implemented"))
                .maybe_hint(hint),
            None => Diagnostic::error(format!("unknown {kind} `{type_name}`"))
                .label("no provider in this build has this type")
                .maybe_hint(hint),
        }
    }
}
