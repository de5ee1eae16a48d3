//! `import ADDR ID`: read an existing object through its provider and record it.

use super::plan::PlanOptions;
use super::variables::collect;
use super::workspace::{now_rfc3339, Workspace};
use crate::addrs::{ResourceInstanceAddr, Target};
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::{build_graph, config_address_of, Node};
use crate::walk::{NoHook, Phase, WalkOptions, Walker};
use meshplan_state::{Snapshot, StateBackend};

pub async fn import(
    ws: &Workspace,
    root: &Module,
    snapshot: &Snapshot,
    backend: &dyn StateBackend,
    address: &str,
    id: &str,
    opts: &PlanOptions,
) -> Result<(), Diagnostics> {
    if snapshot.resources.contains_key(address) {
        return Err(Diagnostic::error(format!("{address} is already managed"))
            .hint("remove it first with `meshplan state rm` to import another object there")
            .into());
    }
    let env = ws.env(now_rfc3339());
    let variables = collect(root, &ws.dir, &ws.sources, &opts.vars, &env)?;
    let (graph, diags) = build_graph(root, &[]);
    if diags.has_errors() {
        return Err(diags);
    }
    let addr = super::plan::parse_addresses(&[address.to_string()], "import", ResourceInstanceAddr::parse)?.remove(0);
    let cfg = addr.config_address();
    let Some(node) = graph
        .graph
        .node_indices()
        .find(|i| matches!(graph.graph[*i], Node::Resource { .. }) && config_address_of(&graph.graph[*i]) == cfg)
    else {
        return Err(Diagnostic::error(format!("no resource `{cfg}` in the configuration"))
            .hint("write the resource block first, then import into it")
            .into());
    };
    let options = WalkOptions {
        refresh: false,
        parallelism: opts.parallelism,
        targets: vec![Target::Resource(addr.resource.clone())],
        replace: vec![],
        destroy: false,
        variables,
        imports: Default::default(),
        ..Default::default()
    };
    let walker = Walker::new(root, &graph, &ws.registry, env, Phase::Plan, options, &NoHook, snapshot.clone());
    let result = walker.run_ref().await;
    if result.diags.has_errors() {
        return Err(result.diags);
    }
    walker.import_into(node, address, id, backend).await
}
