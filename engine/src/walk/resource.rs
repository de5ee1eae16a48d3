//! Resource nodes: expand to instances; plan or apply each.

use super::expand::InstanceCtx;
use super::locked;
use super::store::Expanded;
use super::{NodeReport, Phase, ProviderSlot, Walker};
use crate::addrs::ResourceInstanceAddr;
use crate::config::{Mode, Resource, ResourceKey};
use crate::diag::{Diagnostic, Diagnostics};
use crate::eval::{eval_body, BodyMode};
use crate::graph::{ModulePath, ProviderConfigAddr};
use meshplan_provider::{Client, Ctx, Path, ResourceType, Schema, Value};
use meshplan_state::{RecordStatus, ResourceRecord};
use petgraph::graph::NodeIndex;
use std::sync::Arc;
use tokio::sync::Semaphore;

type R<T> = Result<T, Diagnostics>;

/// What an instance operation needs about its provider.
#[derive(Clone)]
pub(crate) enum Slot {
    Ready { client: Client, limit: Arc<Semaphore> },
    Deferred(String),
    Failed(Diagnostic),
}

/// Per-node facts shared by its instances.
pub(crate) struct NodeCtx<'r> {
    pub ni: NodeIndex,
    pub path: ModulePath,
    pub res: &'r Resource,
    pub provider_key: ProviderConfigAddr,
    pub slot: Slot,
    pub schema: Schema,
}

impl Walker<'_> {
    pub(crate) async fn resource_node(
        &self,
        ni: NodeIndex,
        path: &ModulePath,
        key: &ResourceKey,
        out: &mut NodeReport,
    ) -> R<()> {
        let res = &self.module(path).resources[key];
        let Some(provider_key) = self.graph.resource_provider.get(&ni).cloned() else {
            return Err(Diagnostic::error(format!("{key}: no provider configuration")).at(res.span.clone()).into());
        };
        let slot = match locked(&self.providers).get(&provider_key) {
            Some(ProviderSlot::Configured { client, limit, .. }) => {
                Slot::Ready { client: client.clone(), limit: limit.clone() }
            }
            Some(ProviderSlot::Deferred { reason }) => Slot::Deferred(reason.clone()),
            Some(ProviderSlot::Failed(d)) => Slot::Failed(d.clone()),
            None => return Err(Diagnostic::error(format!("{key}: provider {provider_key} was not configured")).into()),
        };
        let schema = match key.mode {
            Mode::Managed => self.resource_type(res)?.schema(),
            Mode::Data => self.data_source(res)?.schema(),
        };
        let nc = NodeCtx { ni, path: path.clone(), res, provider_key, slot, schema };
        let in_target = self.targeted.as_ref().is_none_or(|t| t.contains(&ni));
        let mut errors = Diagnostics::default();
        // Prior values serve managed instances in a destroy run and everything outside -target;
        // data sources are read even when destroying (provider configurations may need them).
        let from_state = !in_target || (self.options.destroy && key.mode == Mode::Managed);
        for mi in self.module_instances(path) {
            let (kind, ctxs) = self.expand(path, &mi, res.count.as_ref(), res.for_each.as_ref(), &key.to_string())?;
            if let (Slot::Failed(d), false, false) = (&nc.slot, ctxs.is_empty(), from_state) {
                return Err(d.clone().into());
            }
            let futs = ctxs.into_iter().map(|c| {
                let nc = &nc;
                async move {
                    let inst = c.module.instance(key, c.key.as_ref());
                    let addr = inst.to_string();
                    let mut rep = NodeReport::default();
                    let r = if from_state || !self.instance_targeted(ni, &inst) {
                        Ok(self.prior_value(&addr))
                    } else {
                        if key.mode == Mode::Managed {
                            rep.visited.push(addr.clone());
                        }
                        match (key.mode, self.phase) {
                            (Mode::Data, _) => self.data_instance(nc, &c, &addr, &mut rep).await,
                            (Mode::Managed, Phase::Plan) => self.plan_instance(nc, &c, &addr, &mut rep).await,
                            (Mode::Managed, Phase::Apply) => self.apply_instance(nc, &c, &addr, &mut rep).await,
                        }
                    };
                    (c.key, r, rep, c.module.address())
                }
            });
            let results = futures::future::join_all(futs).await;
            let mut values = Vec::with_capacity(results.len());
            for (k, r, rep, module_addr) in results {
                out.absorb(rep);
                match r {
                    Ok(v) => values.push((k, v)),
                    Err(mut d) => {
                        // Which module instance: the walk reports the same error of several once.
                        if !module_addr.is_empty() {
                            d.0.iter_mut().for_each(|x| x.instances.push(module_addr.clone()));
                        }
                        errors.extend(d);
                        values.push((k, Value::Unknown));
                    }
                }
            }
            locked(&self.store).resources.insert((mi.clone(), key.clone()), Expanded::from_instances(kind, values));
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(())
    }

    /// Whether this instance is planned under `-target`: all instances of a targeted node,
    /// except where only instance targets name it.
    fn instance_targeted(&self, ni: NodeIndex, inst: &ResourceInstanceAddr) -> bool {
        !self.partly_targeted.contains(&ni) || self.options.targets.iter().any(|t| t.contains(inst))
    }

    /// Whether `-replace` names this instance.
    pub(crate) fn replace_requested(&self, addr: &str) -> bool {
        self.options.replace.iter().any(|r| r.to_string() == addr)
    }

    pub(crate) fn resource_type(&self, res: &Resource) -> R<Arc<dyn ResourceType>> {
        self.registry
            .resources
            .get(&res.key.type_name)
            .cloned()
            .ok_or_else(|| self.registry.unknown_type(false, &res.key.type_name).at(res.span.clone()).into())
    }

    pub(crate) fn data_source(&self, res: &Resource) -> R<Arc<dyn meshplan_provider::DataSource>> {
        self.registry
            .data_sources
            .get(&res.key.type_name)
            .cloned()
            .ok_or_else(|| self.registry.unknown_type(true, &res.key.type_name).at(res.span.clone()).into())
    }

    /// The instance's value from the prior state (marked). An instance the state does not hold
    /// is unknown, not null: expressions over it (`upper(x.output)`) then stay unevaluated
    /// instead of failing a destroy of what does exist.
    pub(crate) fn prior_value(&self, addr: &str) -> Value {
        match self.snapshot.resources.get(addr) {
            Some(r) => Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths),
            None => Value::Unknown,
        }
    }

    /// Evaluates the instance's body: (bare config, paths marked sensitive in it).
    pub(crate) fn config(&self, nc: &NodeCtx<'_>, c: &InstanceCtx) -> R<(Value, Vec<Path>)> {
        let lookup = self.lookup(&nc.path, &c.module);
        let scope = self.scope(&lookup, &nc.path, Some(c));
        let (v, diags) = eval_body(&nc.schema, &nc.res.body, &scope, BodyMode::Resource(&nc.res.key.type_name));
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(v.unmark())
    }

    pub(crate) fn ctx(&self, nc: &NodeCtx<'_>, addr: &str) -> R<(Ctx, Arc<Semaphore>)> {
        match &nc.slot {
            Slot::Ready { client, limit } => Ok((self.provider_ctx(client.clone(), addr), limit.clone())),
            Slot::Failed(d) => Err(d.clone().into()),
            Slot::Deferred(reason) => Err(Diagnostic::error(format!("{addr}: the provider is still not configured"))
                .detail(format!("{reason}, but its configuration is still unknown"))
                .into()),
        }
    }

    pub(crate) fn mark(&self, nc: &NodeCtx<'_>, v: Value, extra: &[Path]) -> Value {
        let paths = nc.schema.sensitive_paths(&v);
        v.mark_paths(&paths).mark_paths(extra)
    }
}

pub(crate) fn provider_error(addr: &str, op: &str, e: meshplan_provider::ProviderError) -> Diagnostics {
    Diagnostic::error(format!("{addr}: error {op}: {}", e.message)).maybe_hint(e.hint).into()
}

pub(crate) fn record_for(
    addr: &str,
    nc: &NodeCtx<'_>,
    state: &Value,
    extra_marks: &[Path],
    dependencies: Vec<String>,
    status: RecordStatus,
) -> ResourceRecord {
    let mut paths = nc.schema.sensitive_paths(state);
    paths.extend(extra_marks.iter().cloned());
    paths.sort();
    paths.dedup();
    ResourceRecord {
        address: addr.to_string(),
        mode: Mode::Managed,
        type_name: nc.res.key.type_name.clone(),
        provider: nc.provider_key.to_string(),
        attributes: state.to_json(),
        sensitive_paths: paths,
        dependencies,
        schema_version: nc.schema.version,
        status,
        deposed: None,
    }
}

/// `cfg_marks` plus every path of `state` that holds a copy of a sensitive configuration value.
///
/// Providers see unmarked values, so a computed attribute that echoes its input (meshplan_data's
/// `output`, any provider that returns what it was given) would otherwise come back unmarked and
/// be printed in plans, outputs and errors. Strings and collections are matched by value; bools,
/// numbers and empty strings are not (too common to say anything).
pub(crate) fn with_echoes(config: &Value, cfg_marks: &[Path], state: &Value) -> Vec<Path> {
    fn secrets<'v>(v: &'v Value, out: &mut Vec<&'v Value>) {
        match v.peel() {
            Value::String(s) if !s.is_empty() => out.push(v.peel()),
            Value::List(items) => {
                out.push(v.peel());
                items.iter().for_each(|i| secrets(i, out));
            }
            Value::Object(m) => {
                out.push(v.peel());
                m.values().for_each(|i| secrets(i, out));
            }
            _ => {}
        }
    }
    fn find(v: &Value, at: &Path, secrets: &[&Value], out: &mut Vec<Path>) {
        let v = v.peel();
        if secrets.contains(&v) {
            out.push(at.clone());
            return;
        }
        match v {
            Value::List(items) => items.iter().enumerate().for_each(|(i, x)| find(x, &at.index(i), secrets, out)),
            Value::Object(m) => m.iter().for_each(|(k, x)| find(x, &at.key(k), secrets, out)),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for p in cfg_marks {
        if let Some(v) = config.get_path(p) {
            secrets(v, &mut found);
        }
    }
    let mut paths = cfg_marks.to_vec();
    if !found.is_empty() {
        find(state, &Path::root(), &found, &mut paths);
    }
    paths
}
