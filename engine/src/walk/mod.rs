//! The graph walk shared by plan and apply.
//!
//! Each node of the [`Graph`] is evaluated once its dependencies are done: variables,
//! locals and outputs put their values in the [`store::Store`]; provider nodes configure
//! their provider (or defer it when its configuration is not yet known); resource nodes
//! expand to instances and, per instance, plan (refresh + diff) or apply (re-evaluate,
//! final plan, create/update, commit). Destroy nodes delete one instance each.

mod apply_instance;
mod checks;
mod committer;
mod data;
pub mod destroy;
mod expand;
mod import;
mod nodes;
mod plan_instance;
mod provision;
mod resource;
pub mod stop;
mod store;

pub use crate::hooks::{Event, Hook, NoHook};
pub use checks::CheckResult;
pub(crate) use expand::check_instance_count;
pub use stop::Stop;
pub use store::Store;

use crate::addrs::{ResourceInstanceAddr, Target};
use crate::apply::{critical_path_priorities, run_dag, PriorityPermits};
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::EvalEnv;
use crate::graph::{Graph, Node, ProviderConfigAddr};
use crate::plan::{Plan, ResourceChange};
use crate::registry::Registry;
use meshplan_provider::{Client, Value};
use meshplan_state::{Commit, Snapshot, StateBackend};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Semaphore;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Plan,
    Apply,
}

#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    pub refresh: bool,
    pub parallelism: usize,
    /// What `-target` names: the run is limited to these and their dependencies.
    pub targets: Vec<Target>,
    /// Instances to replace (`-replace`).
    pub replace: Vec<ResourceInstanceAddr>,
    pub destroy: bool,
    /// Root module variable values (from -var, files, environment), not yet type-converted.
    pub variables: BTreeMap<String, Value>,
    /// `import` blocks: instance address → ID to import when the address is not in the state.
    pub imports: BTreeMap<String, String>,
    /// Set by the first interrupt: start nothing new.
    pub stop: Stop,
    /// How long operations in flight may go on after a stop (default [`stop::DEFAULT_GRACE`]).
    pub stop_grace: Option<std::time::Duration>,
}

pub(crate) enum ProviderSlot {
    /// `configure` failed; the error is reported by whatever needs the provider.
    Failed(Diagnostic),
    Configured {
        client: Client,
        limit: Arc<Semaphore>,
    },
    /// The configuration is not known yet (depends on what apply will create).
    Deferred {
        reason: String,
    },
}

pub struct Walker<'a> {
    pub root: &'a Module,
    pub graph: &'a Graph,
    pub registry: &'a Registry,
    pub env: EvalEnv,
    pub phase: Phase,
    pub options: WalkOptions,
    pub hook: &'a dyn Hook,
    /// Prior state (after `moved` blocks are applied).
    pub snapshot: Snapshot,
    /// The plan being applied (apply phase).
    pub plan: Option<&'a Plan>,
    /// Where apply commits each change as it completes.
    pub(crate) committer: Option<committer::Committer>,
    /// Index of the plan's changes by address.
    pub(crate) change_index: HashMap<String, usize>,
    /// Resource nodes by config address (`module.a.aws_vpc.b`).
    pub(crate) resource_by_config: HashMap<String, NodeIndex>,
    /// Providers' progress messages (address, message), forwarded to the hook during the walk.
    pub(crate) progress_tx: tokio::sync::mpsc::UnboundedSender<(String, String)>,
    progress_rx: Mutex<Option<tokio::sync::mpsc::UnboundedReceiver<(String, String)>>>,
    /// Values of evaluated nodes, read by the nodes that reference them.
    pub(crate) store: Mutex<Store>,
    pub(crate) providers: Mutex<HashMap<ProviderConfigAddr, ProviderSlot>>,
    /// Resource nodes with changes pending (data sources depending on them read during apply).
    pub(crate) pending: Mutex<HashSet<NodeIndex>>,
    /// Resource nodes in scope for `-target` (None: everything).
    pub(crate) targeted: Option<HashSet<NodeIndex>>,
    /// Targeted nodes of which only the instances a target names are planned (named by
    /// partial targets only, and no other target depends on them).
    pub(crate) partly_targeted: HashSet<NodeIndex>,
    pub(crate) permits: Arc<PriorityPermits>,
    pub(crate) priorities: Vec<u64>,
}

/// Locks what nodes share. A node that panicked must not poison the value store or the
/// provider slots for the nodes still running, so a poisoned lock is taken as it is.
pub(crate) fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What one node produced. Each node returns its own report to the walk, which gathers
/// them as nodes finish (so an abandoned walk still keeps what finished).
#[derive(Default)]
pub(crate) struct NodeReport {
    pub changes: Vec<ResourceChange>,
    /// Changes applied, for the final report: (address, action, deferred).
    pub applied: Vec<(String, crate::plan::Action, bool)>,
    /// Instance addresses the configuration produced (the rest of the state is orphaned).
    pub visited: Vec<String>,
    pub diags: Diagnostics,
}

impl NodeReport {
    pub(crate) fn absorb(&mut self, other: NodeReport) {
        self.changes.extend(other.changes);
        self.applied.extend(other.applied);
        self.visited.extend(other.visited);
        self.diags.extend(other.diags);
    }
}

/// What a walk produced.
pub struct WalkResult {
    pub changes: Vec<ResourceChange>,
    pub diags: Diagnostics,
    /// Root module outputs (marked sensitive where declared so).
    pub outputs: BTreeMap<String, Value>,
    pub applied: Vec<(String, crate::plan::Action, bool)>,
    /// The `check` blocks of every module instance (their failures are warnings in `diags`).
    pub checks: Vec<CheckResult>,
}

impl<'a> Walker<'a> {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        root: &'a Module,
        graph: &'a Graph,
        registry: &'a Registry,
        env: EvalEnv,
        phase: Phase,
        options: WalkOptions,
        hook: &'a dyn Hook,
        snapshot: Snapshot,
    ) -> Self {
        let priorities = critical_path_priorities(&graph.graph);
        let permits = PriorityPermits::new(options.parallelism.max(1));
        let (targeted, partly_targeted) = match crate::walk::expand::targeted_nodes(graph, &options.targets) {
            Some((all, partly)) => (Some(all), partly),
            None => (None, HashSet::new()),
        };
        let (progress_tx, progress_rx) = tokio::sync::mpsc::unbounded_channel();
        Walker {
            root,
            graph,
            registry,
            env,
            phase,
            options,
            hook,
            snapshot,
            plan: None,
            committer: None,
            progress_tx,
            progress_rx: Mutex::new(Some(progress_rx)),
            change_index: HashMap::new(),
            resource_by_config: graph
                .graph
                .node_indices()
                .filter(|i| matches!(graph.graph[*i], Node::Resource { .. }))
                .map(|i| (crate::graph::config_address_of(&graph.graph[i]), i))
                .collect(),
            store: Mutex::new(Store::default()),
            providers: Mutex::new(HashMap::new()),
            pending: Mutex::new(HashSet::new()),
            targeted,
            partly_targeted,
            permits,
            priorities,
        }
    }

    pub fn with_plan(mut self, plan: &'a Plan) -> Self {
        self.plan = Some(plan);
        self.change_index = plan.changes.iter().enumerate().map(|(i, c)| (c.address.clone(), i)).collect();
        self
    }
    pub fn with_backend(mut self, backend: Arc<dyn StateBackend>) -> Self {
        self.committer = Some(committer::Committer::start(backend));
        self
    }

    /// The plan's change for an instance address (apply phase).
    /// A provider context for an instance, with progress reporting wired to the hook.
    pub(crate) fn provider_ctx(&self, client: Client, address: &str) -> meshplan_provider::Ctx {
        let tx = self.progress_tx.clone();
        let addr = address.to_string();
        meshplan_provider::Ctx::new(client, address).with_progress(Arc::new(move |m: &str| {
            let _ = tx.send((addr.clone(), m.to_string()));
        }))
    }

    pub(crate) fn planned_change(&self, address: &str) -> Option<&'a ResourceChange> {
        let plan = self.plan?;
        self.change_index.get(address).map(|i| &plan.changes[*i])
    }

    /// Walks the whole graph.
    pub async fn run(self) -> WalkResult {
        self.run_ref().await
    }

    /// Walks the whole graph, keeping the walker (and its configured providers) for more work.
    pub async fn run_ref(&self) -> WalkResult {
        let g = &self.graph.graph;
        let (report_tx, report_rx) = std::sync::mpsc::channel::<NodeReport>();
        let dag = run_dag(g, &self.priorities, |i| {
            let tx = report_tx.clone();
            async move {
                let (ok, report) = self.run_node(i).await;
                let _ = tx.send(report);
                ok
            }
        });
        let grace = self.options.stop_grace.unwrap_or(stop::DEFAULT_GRACE);
        // After a stop, what is in flight gets `grace` to finish; then it is abandoned (dropped).
        let deadline = async {
            self.options.stop.wait().await;
            tokio::time::sleep(grace).await;
        };
        let mut rx = locked(&self.progress_rx).take();
        tokio::pin!(dag);
        tokio::pin!(deadline);
        let outcomes = loop {
            tokio::select! {
                out = &mut dag => break Some(out),
                _ = &mut deadline => break None,
                Some((address, message)) = async { match rx.as_mut() { Some(r) => r.recv().await, None => std::future::pending().await } } => {
                    self.hook.event(Event::Progress { address: &address, message: &message })
                }
            }
        };
        let failed = outcomes.as_ref().is_none_or(|o| o.iter().any(|o| *o != crate::apply::NodeOutcome::Done));
        let mut all = NodeReport::default();
        for report in report_rx.try_iter() {
            all.absorb(report);
        }
        let NodeReport { mut changes, applied, visited, mut diags } = all;
        diags.dedup();
        if self.options.stop.requested() {
            diags.push(Diagnostic::error("interrupted").detail(if outcomes.is_none() {
                format!("operations still running {}s after the interrupt were abandoned; what they created is adopted by the next run", grace.as_secs())
            } else {
                "nothing new was started after the interrupt".to_string()
            }));
        } else if failed && !diags.has_errors() {
            diags.push(Diagnostic::error("some operations did not run because of earlier errors"));
        }
        let outputs = self.root_outputs();
        // Checks judge a finished walk only (after a failure their inputs may be missing), and
        // not a destroy, as in Terraform.
        let checks = if diags.has_errors() || self.options.destroy {
            Vec::new()
        } else {
            let (checks, warnings) = self.run_checks();
            diags.extend(warnings);
            checks
        };
        if self.phase == Phase::Plan {
            let visited: HashSet<String> = visited.into_iter().collect();
            changes.extend(self.orphan_changes(&visited));
        }
        changes.sort_by(|a, b| a.address.cmp(&b.address));
        WalkResult { changes, diags, outputs, applied, checks }
    }

    /// True once a stop was requested: callers start no new operation.
    pub(crate) fn stopping(&self) -> bool {
        self.options.stop.requested()
    }

    async fn run_node(&self, i: NodeIndex) -> (bool, NodeReport) {
        let mut report = NodeReport::default();
        if self.stopping() {
            return (false, report);
        }
        let r = match self.graph.node(i).clone() {
            Node::Variable { module, name } => self.variable_node(&module, &name),
            Node::Local { module, name } => self.local_node(&module, &name),
            Node::Output { module, name } => self.output_node(&module, &name),
            Node::ModuleExpand { module } => self.module_expand_node(&module),
            Node::Provider { module, provider } => self.provider_node(&module, &provider).await,
            Node::Resource { module, key } => self.resource_node(i, &module, &key, &mut report).await,
            Node::Destroy { address } => self.destroy_node(i, &address, &mut report).await,
        };
        let ok = match r {
            Ok(()) => true,
            Err(ds) => {
                report.diags.extend(ds);
                false
            }
        };
        (ok, report)
    }

    /// Commits to the state backend on a blocking thread (sled flushes synchronously).
    pub(crate) async fn commit(&self, changes: Vec<Commit>) -> Result<(), Diagnostic> {
        let Some(committer) = &self.committer else { return Ok(()) };
        committer.commit(changes).await.map_err(|e| {
            Diagnostic::error("failed to save the state")
                .detail(e)
                .hint("the change was made; run `meshplan plan` to reconcile once storage works")
        })
    }

    fn root_outputs(&self) -> BTreeMap<String, Value> {
        let store = locked(&self.store);
        self.root
            .outputs
            .keys()
            .filter_map(|n| {
                store
                    .outputs
                    .get(&(crate::graph::ModuleInstanceAddr::root(), n.clone()))
                    .map(|v| (n.clone(), v.clone()))
            })
            .collect()
    }
}
