//! `apply`: execute a plan, committing each change as it completes.

use super::workspace::Workspace;
use crate::addrs::{Mode, ProviderConfigAddr, Target};
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::EvalEnv;
use crate::graph::{build_graph_with, config_address, DestroyEdgeInput, DestroyOrder, ImpliedInput};
use crate::plan::{Action, Plan};
use crate::walk::{Hook, Phase, Stop, WalkOptions, Walker};
use meshplan_provider::Value;
use meshplan_state::{Commit, OutputRecord, Snapshot, StateBackend};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What an apply did.
pub struct ApplyReport {
    pub added: usize,
    pub changed: usize,
    pub destroyed: usize,
    /// Addresses planned as deferred, with what they turned out to need.
    pub deferred: Vec<(String, Action)>,
    pub outputs: BTreeMap<String, Value>,
    pub diags: Diagnostics,
    /// Set when an interrupt stopped the apply: how many planned changes never started (or
    /// did not finish).
    pub interrupted: Option<usize>,
}

/// How an apply runs: `-parallelism`, and the stop an interrupt requests.
#[derive(Clone, Debug, Default)]
pub struct ApplyOptions {
    pub parallelism: usize,
    pub stop: Stop,
}

impl From<usize> for ApplyOptions {
    fn from(parallelism: usize) -> Self {
        ApplyOptions { parallelism, stop: Stop::default() }
    }
}

/// Applies `plan` (made against `snapshot`; the caller holds the lock).
pub async fn apply(
    ws: &Workspace,
    root: &Module,
    snapshot: &Snapshot,
    plan: &Plan,
    backend: Arc<dyn StateBackend>,
    opts: impl Into<ApplyOptions>,
    hook: &dyn Hook,
) -> Result<ApplyReport, Diagnostics> {
    let ApplyOptions { parallelism, stop } = opts.into();
    if plan.lineage != snapshot.lineage && !plan.lineage.is_empty() || plan.serial != snapshot.serial {
        return Err(Diagnostic::error("saved plan is stale")
            .detail(format!(
                "the plan was made against state serial {} (lineage {}), but the state is now at serial {} (lineage {})",
                plan.serial,
                if plan.lineage.is_empty() { "new" } else { &plan.lineage },
                snapshot.serial,
                if snapshot.lineage.is_empty() { "new" } else { &snapshot.lineage }
            ))
            .hint("something changed the state since the plan was made: run `meshplan plan` again")
            .into());
    }
    // `moved` blocks first: the walk sees the records at their new addresses.
    let mut snapshot = snapshot.clone();
    if !plan.moves.is_empty() {
        let moves: Vec<Commit> =
            plan.moves.iter().map(|(from, to)| Commit::Move { from: from.clone(), to: to.clone() }).collect();
        tokio::task::block_in_place(|| backend.commit(moves))
            .map_err(|e| Diagnostics::from(super::workspace::state_diag(e)))?;
        for (from, to) in &plan.moves {
            if let Some(mut r) = snapshot.resources.remove(from) {
                r.address = to.clone();
                snapshot.resources.insert(to.clone(), r);
            }
        }
    }
    // `removed { lifecycle { destroy = false } }`: the records go, the objects stay.
    if !plan.forgets.is_empty() {
        let forgets: Vec<Commit> = plan.forgets.iter().map(|c| Commit::Remove(c.address.clone())).collect();
        tokio::task::block_in_place(|| backend.commit(forgets))
            .map_err(|e| Diagnostics::from(super::workspace::state_diag(e)))?;
        for c in &plan.forgets {
            snapshot.resources.remove(&c.address);
        }
    }
    let snapshot = &snapshot;
    let destroys = destroy_inputs(plan, snapshot);
    let implied = implied_inputs(ws, plan);
    let (graph, diags) = build_graph_with(root, &destroys, &implied);
    if diags.has_errors() {
        return Err(diags);
    }
    let options = WalkOptions {
        refresh: false,
        parallelism,
        targets: super::plan::parse_addresses(&plan.targets, "-target", Target::parse)?,
        replace: vec![],
        destroy: plan.destroy,
        variables: plan.variables.iter().map(|(k, v)| (k.clone(), v.unmarked())).collect(),
        imports: Default::default(),
        stop: stop.clone(),
        stop_grace: None,
    };
    let walker = Walker::new(
        root,
        &graph,
        &ws.registry,
        EvalEnv { timestamp_known: true, ..ws.env(plan.timestamp.clone()) },
        Phase::Apply,
        options,
        hook,
        snapshot.clone(),
    )
    .with_plan(plan)
    .with_backend(backend.clone());
    let result = walker.run().await;
    // (the walker's committer has flushed every change by the time run() returns)
    let mut diags = result.diags;
    let outputs: BTreeMap<String, OutputRecord> = if plan.destroy {
        BTreeMap::new()
    } else {
        result
            .outputs
            .iter()
            .filter(|(_, v)| v.is_wholly_known())
            .map(|(k, v)| (k.clone(), OutputRecord { value: v.to_json(), sensitive: v.contains_sensitive() }))
            .collect()
    };
    if !diags.has_errors() || !outputs.is_empty() {
        if let Err(e) = tokio::task::block_in_place(|| backend.commit(vec![Commit::Outputs(outputs)])) {
            diags.push(super::workspace::state_diag(e));
        }
    }
    let started: std::collections::HashSet<&str> = result.applied.iter().map(|(a, _, _)| a.as_str()).collect();
    let not_started = if stop.requested() {
        plan.changes
            .iter()
            .filter(|c| c.action != Action::NoOp && c.action != Action::Read && !started.contains(c.address.as_str()))
            .count()
    } else {
        0
    };
    let mut report = ApplyReport {
        added: 0,
        changed: 0,
        destroyed: 0,
        deferred: vec![],
        outputs: result.outputs,
        diags,
        interrupted: stop.requested().then_some(not_started),
    };
    for (addr, action, deferred) in result.applied {
        match action {
            Action::Create => report.added += 1,
            Action::Update => report.changed += 1,
            Action::Delete => report.destroyed += 1,
            Action::DeleteThenCreate | Action::CreateThenDelete => {
                report.added += 1;
                report.destroyed += 1;
            }
            Action::NoOp | Action::Read => {}
        }
        if deferred {
            report.deferred.push((addr, action));
        }
    }
    Ok(report)
}

/// One destroy node per change that deletes, ordered by what the state recorded.
fn destroy_inputs(plan: &Plan, snapshot: &Snapshot) -> Vec<DestroyEdgeInput> {
    let deleted_alone: std::collections::HashSet<&str> =
        plan.changes.iter().filter(|c| c.action == Action::Delete).map(|c| c.address.as_str()).collect();
    // Surviving records by what they depend on, built once (destroying 10,000 objects must not
    // scan the state 10,000 times).
    let mut dependents_of: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
    for r in snapshot.resources.values().filter(|r| !deleted_alone.contains(r.address.as_str())) {
        for d in &r.dependencies {
            dependents_of.entry(d.as_str()).or_default().push(config_address(&r.address));
        }
    }
    plan.changes
        .iter()
        .filter(|c| c.action.deletes())
        .filter_map(|c| {
            let provider = ProviderConfigAddr::parse(&c.provider).ok()?;
            let cfg = config_address(&c.address);
            let dependencies = snapshot.resources.get(&c.address).map(|r| r.dependencies.clone()).unwrap_or_default();
            let dependents = dependents_of.get(cfg.as_str()).cloned().unwrap_or_default();
            let order = match c.action {
                Action::DeleteThenCreate => DestroyOrder::BeforeCreate,
                Action::CreateThenDelete => DestroyOrder::AfterCreate,
                _ => DestroyOrder::Alone,
            };
            Some(DestroyEdgeInput { address: c.address.clone(), dependencies, dependents, provider, order })
        })
        .collect()
}

/// Providers' ordering keys for every instance the plan creates, updates or deletes.
fn implied_inputs(ws: &Workspace, plan: &Plan) -> Vec<ImpliedInput> {
    let mut out = Vec::new();
    for c in plan.changes.iter().filter(|c| c.mode == Mode::Managed && c.action != Action::NoOp) {
        let Some(rt) = ws.registry.resources.get(&c.type_name) else { continue };
        if let Some(after) = c.after.as_ref().filter(|_| c.action != Action::Delete) {
            let keys = rt.implied_keys(&after.unmarked());
            if !keys.is_empty() {
                out.push(ImpliedInput {
                    address: c.address.clone(),
                    provider: c.provider.clone(),
                    keys,
                    destroying: false,
                });
            }
        }
        if let Some(before) = c.before.as_ref().filter(|_| c.action.deletes()) {
            let keys = rt.implied_keys(&before.unmarked());
            if !keys.is_empty() {
                out.push(ImpliedInput {
                    address: c.address.clone(),
                    provider: c.provider.clone(),
                    keys,
                    destroying: true,
                });
            }
        }
    }
    out
}
