//! `providers` and `providers schema -json`: which providers a configuration (and its
//! state) needs, and the schemas of the providers built into this binary.

use crate::addrs::ProviderConfigAddr;
use crate::config::Module;
use crate::registry::{source_address, Registry};
use meshplan_provider::schema_json::provider_schema_json;
use meshplan_state::Snapshot;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, BTreeSet};

/// `{"format_version":"1.0","provider_schemas":{...}}` for every provider built in.
pub fn providers_schema(registry: &Registry) -> Json {
    let mut names: Vec<&String> = registry.providers.keys().collect();
    names.sort_by_key(|n| source_address(n));
    let schemas: Map<String, Json> =
        names.into_iter().map(|n| (source_address(n), provider_schema_json(registry.providers[n].as_ref()))).collect();
    json!({ "format_version": "1.0", "provider_schemas": schemas })
}

/// The providers one module uses directly, then its module calls in name order.
#[derive(Debug, Default, PartialEq)]
pub struct ModuleProviders {
    /// Source address → the module's version constraint (empty when none).
    pub providers: BTreeMap<String, String>,
    /// `module.<name>` and what it uses.
    pub children: Vec<(String, ModuleProviders)>,
}

/// What `meshplan providers` shows.
#[derive(Debug, Default, PartialEq)]
pub struct ProvidersReport {
    pub configuration: ModuleProviders,
    /// Source addresses of the providers that state records name.
    pub state: BTreeSet<String>,
}

/// A module's providers: those of its `required_providers`, `provider` blocks, resources
/// and data sources (by their `provider` argument or type prefix) and the aliases it passes
/// to its children, each with the version constraint `required_providers` gives it.
pub fn module_providers(m: &Module) -> ModuleProviders {
    let mut names: BTreeSet<&str> = m.required_providers.keys().map(String::as_str).collect();
    names.extend(m.providers.iter().map(|p| p.name.as_str()));
    let used: Vec<String> = m.resources.values().map(|r| r.provider_ref().name).collect();
    names.extend(used.iter().map(String::as_str));
    names.extend(m.module_calls.values().flat_map(|c| c.providers.iter().map(|(_, parent)| parent.name.as_str())));
    let providers = names
        .into_iter()
        .map(|name| {
            let required = m.required_providers.get(name);
            let address =
                required.and_then(|r| r.source.as_deref()).map(full_source).unwrap_or_else(|| source_address(name));
            (address, required.and_then(|r| r.version.clone()).unwrap_or_default())
        })
        .collect();
    let children = m.children.iter().map(|(name, child)| (format!("module.{name}"), module_providers(child))).collect();
    ModuleProviders { providers, children }
}

/// The providers of the state's records (`provider["aws"]`, `module.m.provider["aws"].x`).
pub fn state_providers(snapshot: &Snapshot) -> BTreeSet<String> {
    snapshot
        .resources
        .values()
        .filter_map(|r| ProviderConfigAddr::parse(&r.provider).ok().map(|p| source_address(&p.provider.name)))
        .collect()
}

/// `hashicorp/aws` → `registry.terraform.io/hashicorp/aws` (Terraform's default host).
fn full_source(source: &str) -> String {
    if source.matches('/').count() >= 2 {
        source.to_string()
    } else {
        format!("registry.terraform.io/{source}")
    }
}

pub fn providers(root: &Module, snapshot: Option<&Snapshot>) -> ProvidersReport {
    ProvidersReport { configuration: module_providers(root), state: snapshot.map(state_providers).unwrap_or_default() }
}
