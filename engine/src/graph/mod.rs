//! The dependency graph: one node per variable, local, output, module expansion, provider
//! configuration and resource (each resource node expands to its instances when walked),
//! plus one node per instance being destroyed. An edge `a → b` means `a` completes first.
//!
//! Built in a few named steps ([`build`]): config nodes, reference edges, provider edges,
//! destroy nodes (from a plan or the state), then a cycle check.

pub(crate) mod build;
mod dot;

pub use crate::addrs::{config_address, InstanceKey, ModuleInstanceAddr, ModulePath, ProviderConfigAddr};
pub(crate) use build::module_at;
pub use build::{
    build_graph, build_graph_with, check_graph, resolve_provider, DestroyEdgeInput, DestroyOrder, ImpliedInput,
    ResourceReference,
};
pub use dot::{to_dot, to_dot_resources};

use crate::config::{ProviderRef, ResourceKey};
use petgraph::graph::{DiGraph, NodeIndex};
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Variable {
        module: ModulePath,
        name: String,
    },
    Local {
        module: ModulePath,
        name: String,
    },
    Output {
        module: ModulePath,
        name: String,
    },
    /// Evaluates a module call's `count`/`for_each` into the child's instances.
    ModuleExpand {
        module: ModulePath,
    },
    /// A provider configuration declared (or implied) in `module`.
    Provider {
        module: ModulePath,
        provider: ProviderRef,
    },
    Resource {
        module: ModulePath,
        key: ResourceKey,
    },
    /// One instance being destroyed (orphaned, replaced, or `destroy`).
    Destroy {
        address: String,
    },
}

impl Node {
    /// A readable name for messages and DOT output.
    pub fn label(&self) -> String {
        let prefix = |m: &ModulePath| m.iter().map(|c| format!("module.{c}.")).collect::<String>();
        match self {
            Node::Variable { module, name } => format!("{}var.{name}", prefix(module)),
            Node::Local { module, name } => format!("{}local.{name}", prefix(module)),
            Node::Output { module, name } => format!("{}output.{name}", prefix(module)),
            Node::ModuleExpand { module } => {
                let (last, parent) = module.split_last().map(|(l, p)| (l.clone(), p.to_vec())).unwrap_or_default();
                format!("{}module.{last} (expand)", prefix(&parent))
            }
            Node::Provider { module, provider } => {
                format!("{}{}", prefix(module), ProviderConfigAddr::local_address(provider))
            }
            Node::Resource { module, key } => format!("{}{key}", prefix(module)),
            Node::Destroy { address } => format!("{address} (destroy)"),
        }
    }
}

pub struct Graph {
    pub graph: DiGraph<Node, ()>,
    pub index: HashMap<Node, NodeIndex>,
    /// Which provider configuration each resource node uses.
    pub resource_provider: HashMap<NodeIndex, ProviderConfigAddr>,
}

impl Graph {
    pub fn node(&self, i: NodeIndex) -> &Node {
        &self.graph[i]
    }
    pub fn find(&self, n: &Node) -> Option<NodeIndex> {
        self.index.get(n).copied()
    }
    /// Resource nodes `i` depends on, through any chain of non-resource nodes.
    pub fn resource_dependencies(&self, i: NodeIndex) -> Vec<NodeIndex> {
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<NodeIndex> = self.graph.neighbors_directed(i, petgraph::Direction::Incoming).collect();
        let mut out = Vec::new();
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            match &self.graph[n] {
                // Data sources are never destroyed: what they read from counts too (a token
                // read from a cluster keeps that cluster until its dependents are gone).
                Node::Resource { key, .. } if key.mode == crate::config::Mode::Data => {
                    out.push(n);
                    stack.extend(self.graph.neighbors_directed(n, petgraph::Direction::Incoming));
                }
                Node::Resource { .. } => out.push(n),
                Node::Destroy { .. } => {}
                _ => stack.extend(self.graph.neighbors_directed(n, petgraph::Direction::Incoming)),
            }
        }
        out.sort();
        out
    }
}

/// The config address of a resource node (`module.a.aws_vpc.b`).
pub fn config_address_of(n: &Node) -> String {
    match n {
        Node::Resource { module, key } => {
            let prefix: String = module.iter().map(|c| format!("module.{c}.")).collect();
            format!("{prefix}{key}")
        }
        other => other.label(),
    }
}
