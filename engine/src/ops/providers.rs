//! `providers` and `providers schema -json`: which providers a configuration (and its
//! state) needs, and the schemas of the providers built into this binary.

use crate::config::Module;
use crate::registry::{source_address, Registry};
use meshplan_provider::schema_json::provider_schema_json;
use meshplan_state::Snapshot;
use serde_json::{json, Map, Value as Json};
use std::collections::BTreeSet;

/// `{"format_version":"1.0","provider_schemas":{...}}` for every provider built in.
pub fn providers_schema(registry: &Registry) -> Json {
    let mut names: Vec<&String> = registry.providers.keys().collect();
    names.sort_by_key(|n| source_address(n));
    let schemas: Map<String, Json> = names
        .into_iter()
        .map(|n| (source_address(n), provider_schema_json(registry.providers[n].as_ref())))
        .collect();
    json!({ "format_version": "1.0", "provider_schemas": schemas })
}

/// The providers one module uses directly, then its module calls in name order.
#[derive(Debug, Default, PartialEq)]
pub struct ModuleProviders {
    /// Source addresses, sorted.
    pub providers: BTreeSet<String>,
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

/// A module's providers: those of its `provider` blocks, its resources and data sources
/// (by their `provider` argument or type prefix) and the aliases it passes to its children.
pub fn module_providers(m: &Module) -> ModuleProviders {
    let mut providers = BTreeSet::new();
    for p in &m.providers {
        providers.insert(source_address(&p.name));
    }
    for r in m.resources.values() {
        providers.insert(source_address(&r.provider_ref().name));
    }
    for call in m.module_calls.values() {
        for (_, parent) in &call.providers {
            providers.insert(source_address(&parent.name));
        }
    }
    let children = m.children.iter().map(|(name, child)| (format!("module.{name}"), module_providers(child))).collect();
    ModuleProviders { providers, children }
}

/// The providers of the state's records (`provider["aws"]`, `module.m.provider["aws"].x`).
pub fn state_providers(snapshot: &Snapshot) -> BTreeSet<String> {
    snapshot
        .resources
        .values()
        .filter_map(|r| r.provider.split("provider[\"").nth(1).and_then(|rest| rest.split('"').next()).map(source_address))
        .collect()
}

pub fn providers(root: &Module, snapshot: Option<&Snapshot>) -> ProvidersReport {
    ProvidersReport { configuration: module_providers(root), state: snapshot.map(state_providers).unwrap_or_default() }
}
