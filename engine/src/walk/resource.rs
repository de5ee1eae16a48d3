//! Resource nodes: expand to instances; plan or apply each.

use super::expand::InstanceCtx;
use super::store::Expanded;
use super::{Event, Phase, ProviderSlot, Walker};
use crate::config::references::{expr_references, Target};
use crate::config::{IgnoreChanges, Mode, Resource, ResourceKey};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::eval::{eval_body, BodyMode};
use crate::graph::{provider_key_address, ModulePath, Node, ProviderKey};
use crate::plan::{Action, ResourceChange};
use meshplan_provider::{plan_with_schema, Client, Ctx, Path, PlanRequest, Planned, ResourceType, Schema, Value};
use meshplan_state::{RecordStatus, ResourceMode, ResourceRecord};
use petgraph::graph::NodeIndex;
use std::sync::Arc;
use tokio::sync::Semaphore;

type R<T> = Result<T, Diagnostics>;

/// What an instance operation needs about its provider.
#[derive(Clone)]
pub(crate) enum Slot {
    Ready { client: Client, limit: Arc<Semaphore> },
    Deferred(String),
}

/// Per-node facts shared by its instances.
pub(crate) struct NodeCtx<'r> {
    pub ni: NodeIndex,
    pub path: ModulePath,
    pub res: &'r Resource,
    pub provider_key: ProviderKey,
    pub slot: Slot,
    pub schema: Schema,
}

impl Walker<'_> {
    pub(crate) async fn resource_node(&self, ni: NodeIndex, path: &ModulePath, key: &ResourceKey) -> R<()> {
        let res = &self.module(path).resources[key];
        let Some(provider_key) = self.graph.resource_provider.get(&ni).cloned() else {
            return Err(Diagnostic::error(format!("{key}: no provider configuration")).at(res.span.clone()).into());
        };
        let slot = match self.providers.lock().unwrap_or_else(|e| e.into_inner()).get(&provider_key) {
            Some(ProviderSlot::Configured { client, limit, .. }) => Slot::Ready { client: client.clone(), limit: limit.clone() },
            Some(ProviderSlot::Deferred { reason }) => Slot::Deferred(reason.clone()),
            None => return Err(Diagnostic::error(format!("{key}: provider {} was not configured", provider_key_address(&provider_key))).into()),
        };
        let schema = match key.mode {
            Mode::Managed => self.resource_type(res)?.schema(),
            Mode::Data => self.data_source(res)?.schema(),
        };
        let nc = NodeCtx { ni, path: path.clone(), res, provider_key, slot, schema };
        let in_target = self.targeted.as_ref().is_none_or(|t| t.contains(&ni));
        let mut errors = Diagnostics::default();
        for mi in self.module_instances(path) {
            let (kind, ctxs) = self.expand(path, &mi, res.count.as_ref(), res.for_each.as_ref(), &key.to_string())?;
            let futs = ctxs.into_iter().map(|c| {
                let nc = &nc;
                async move {
                    let addr = c.module.resource_address(key, c.key.as_ref());
                    // Data sources are not in the state, so a destroy reads them as a plan
                    // does: configurations built from them (locals, provider blocks such as a
                    // kubernetes provider's EKS token) must still evaluate.
                    let keep_prior = match key.mode {
                        Mode::Data => !in_target,
                        Mode::Managed => self.options.destroy || !in_target,
                    };
                    let r = if keep_prior {
                        Ok(self.prior_value(&addr))
                    } else {
                        match (key.mode, self.phase) {
                            (Mode::Data, _) => self.data_instance(nc, &c, &addr).await,
                            (Mode::Managed, Phase::Plan) => self.plan_instance(nc, &c, &addr).await,
                            (Mode::Managed, Phase::Apply) => self.apply_instance(nc, &c, &addr).await,
                        }
                    };
                    (c.key, r)
                }
            });
            let results = futures::future::join_all(futs).await;
            let mut values = Vec::with_capacity(results.len());
            for (k, r) in results {
                match r {
                    Ok(v) => values.push((k, v)),
                    Err(d) => {
                        errors.extend(d);
                        values.push((k, Value::Unknown));
                    }
                }
            }
            self.store.lock().unwrap_or_else(|e| e.into_inner()).resources.insert((mi.clone(), key.clone()), Expanded::from_instances(kind, values));
        }
        if errors.has_errors() {
            return Err(errors);
        }
        Ok(())
    }

    pub(crate) fn resource_type(&self, res: &Resource) -> R<Arc<dyn ResourceType>> {
        self.registry.resources.get(&res.key.type_name).cloned().ok_or_else(|| {
            let hint = did_you_mean(&res.key.type_name, self.registry.resources.keys().map(String::as_str));
            Diagnostic::error(format!("unknown resource type `{}`", res.key.type_name))
                .at(res.span.clone())
                .label("no provider in this build has this type")
                .maybe_hint(hint)
                .into()
        })
    }

    pub(crate) fn data_source(&self, res: &Resource) -> R<Arc<dyn meshplan_provider::DataSource>> {
        self.registry.data_sources.get(&res.key.type_name).cloned().ok_or_else(|| {
            let hint = did_you_mean(&res.key.type_name, self.registry.data_sources.keys().map(String::as_str));
            Diagnostic::error(format!("unknown data source `{}`", res.key.type_name)).at(res.span.clone()).maybe_hint(hint).into()
        })
    }

    /// The instance's value from the prior state (marked), or null when absent.
    pub(crate) fn prior_value(&self, addr: &str) -> Value {
        match self.snapshot.resources.get(addr) {
            Some(r) => Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths),
            None => Value::Null,
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
            Slot::Ready { client, limit } => Ok((Ctx::new(client.clone(), addr), limit.clone())),
            Slot::Deferred(reason) => Err(Diagnostic::error(format!("{addr}: the provider is still not configured"))
                .detail(format!("{reason}, but its configuration is still unknown"))
                .into()),
        }
    }

    pub(crate) fn mark(&self, nc: &NodeCtx<'_>, v: Value, extra: &[Path]) -> Value {
        let paths = nc.schema.sensitive_paths(&v);
        v.mark_paths(&paths).mark_paths(extra)
    }

    async fn plan_instance(&self, nc: &NodeCtx<'_>, c: &InstanceCtx, addr: &str) -> R<Value> {
        self.visited.lock().unwrap_or_else(|e| e.into_inner()).insert(addr.to_string());
        let record = self.snapshot.resources.get(addr).filter(|r| r.deposed.is_none());
        let (mut config, cfg_marks) = self.config(nc, c)?;
        let mut prior = record.map(|r| Value::from_json(&r.attributes));
        let before_marks: Vec<Path> = record.map(|r| r.sensitive_paths.clone()).unwrap_or_default();
        let tainted = record.is_some_and(|r| r.status != RecordStatus::Ok);
        let mut drifted = false;
        let mut reasons = Vec::new();
        let mut importing = None;
        let (planned, deferred) = match &nc.slot {
            Slot::Deferred(reason) => {
                let p = plan_with_schema(&nc.schema, PlanRequest { prior: prior.as_ref(), config: &config });
                (p, Some(reason.clone()))
            }
            Slot::Ready { .. } => {
                let (ctx, limit) = self.ctx(nc, addr)?;
                let rt = self.resource_type(nc.res)?;
                if let (None, Some(id)) = (&prior, self.options.imports.get(addr)) {
                    let _l = limit.acquire().await;
                    prior = Some(rt.import(&ctx, id).await.map_err(|e| provider_error(addr, &format!("importing {id:?}"), e))?);
                    importing = Some(id.clone());
                } else if let (true, Some(p), false) = (self.options.refresh, &prior, tainted) {
                    self.hook.event(Event::Refreshing { address: addr });
                    let _l = limit.acquire().await;
                    let _p = self.permits.acquire(self.priorities[nc.ni.index()]).await;
                    let now = rt.read(&ctx, p).await.map_err(|e| provider_error(addr, "reading", e))?;
                    drifted = now.as_ref() != Some(p);
                    if now.is_none() {
                        reasons.push("the object no longer exists (deleted outside meshplan)".to_string());
                    }
                    prior = now;
                }
                apply_ignore_changes(&nc.res.lifecycle.ignore_changes, prior.as_ref(), &mut config);
                // A replacement forced from outside the provider's diff (-replace,
                // replace_triggered_by) is planned as a create, like a tainted object: otherwise
                // the plan shows the old computed values (id, output) that apply then changes.
                let forced = tainted || self.options.replace.iter().any(|r| r == addr) || (prior.is_some() && self.replace_triggered(nc));
                let p = rt.plan(&ctx, PlanRequest { prior: if forced { None } else { prior.as_ref() }, config: &config }).await.map_err(|e| provider_error(addr, "planning", e))?;
                (p, None)
            }
        };
        let action = self.decide_action(nc, addr, prior.as_ref(), tainted, &planned, deferred.is_some(), &mut reasons)?;
        let after = self.mark(nc, planned.state.clone(), &with_echoes(&config, &cfg_marks, &planned.state));
        let before = prior.map(|p| {
            let marks: Vec<Path> = before_marks.iter().cloned().chain(with_echoes(&config, &cfg_marks, &p)).collect();
            self.mark(nc, p, &marks)
        });
        if action != Action::NoOp {
            self.pending.lock().unwrap_or_else(|e| e.into_inner()).insert(nc.ni);
        }
        let change = ResourceChange {
            address: addr.to_string(),
            module_address: c.module.address(),
            mode: "managed".into(),
            type_name: nc.res.key.type_name.clone(),
            name: nc.res.key.name.clone(),
            index: c.key.clone(),
            provider: provider_key_address(&nc.provider_key),
            action,
            before,
            after: Some(after.clone()),
            replace_paths: planned.requires_replace.clone(),
            reasons,
            deferred,
            importing,
            drifted,
        };
        self.changes.lock().unwrap_or_else(|e| e.into_inner()).push(change);
        Ok(after)
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide_action(
        &self,
        nc: &NodeCtx<'_>,
        addr: &str,
        prior: Option<&Value>,
        tainted: bool,
        planned: &Planned,
        deferred: bool,
        reasons: &mut Vec<String>,
    ) -> R<Action> {
        let lc = &nc.res.lifecycle;
        let replace_kind = if lc.create_before_destroy { Action::CreateThenDelete } else { Action::DeleteThenCreate };
        let action = if prior.is_none() {
            if tainted {
                reasons.push("tainted: a previous create failed part-way".into());
                replace_kind
            } else {
                Action::Create
            }
        } else if deferred {
            Action::NoOp
        } else if tainted {
            reasons.push("tainted: a previous create failed part-way".into());
            replace_kind
        } else if self.options.replace.iter().any(|r| r == addr) {
            reasons.push("requested with -replace".into());
            replace_kind
        } else if self.replace_triggered(nc) {
            reasons.push("a resource in replace_triggered_by changed".into());
            replace_kind
        } else if planned.replaces() {
            reasons.extend(planned.replace_reasons.iter().cloned());
            replace_kind
        } else if prior == Some(&planned.state) {
            Action::NoOp
        } else {
            Action::Update
        };
        if action.deletes() && lc.prevent_destroy {
            return Err(Diagnostic::error(format!("{addr} has lifecycle.prevent_destroy set, but the plan would destroy it"))
                .at(nc.res.span.clone())
                .hint("remove prevent_destroy to allow it, or change the configuration so it is not replaced")
                .into());
        }
        Ok(action)
    }

    fn replace_triggered(&self, nc: &NodeCtx<'_>) -> bool {
        let pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
        nc.res.lifecycle.replace_triggered_by.iter().any(|e| {
            expr_references(&e.inner).iter().any(|r| match &r.target {
                Target::Resource(k) => self.graph.find(&Node::Resource { module: nc.path.clone(), key: k.clone() }).is_some_and(|i| pending.contains(&i)),
                _ => false,
            })
        })
    }

}

fn apply_ignore_changes(ic: &IgnoreChanges, prior: Option<&Value>, config: &mut Value) {
    let Some(prior) = prior else { return };
    match ic {
        IgnoreChanges::None => {}
        IgnoreChanges::All => {
            if let (Some(cm), Some(pm)) = (config.as_object_mut(), prior.as_object()) {
                for (k, v) in cm.iter_mut() {
                    if let Some(pv) = pm.get(k) {
                        *v = pv.clone();
                    }
                }
            }
        }
        IgnoreChanges::Attributes(attrs) => {
            for a in attrs {
                let top = a.split('.').next().unwrap_or(a);
                config.set(top, prior.get(top).clone());
            }
        }
    }
}

pub(crate) fn provider_error(addr: &str, op: &str, e: meshplan_provider::ProviderError) -> Diagnostics {
    Diagnostic::error(format!("{addr}: error {op}: {}", e.message))
        .maybe_hint(e.hint)
        .into()
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
        mode: ResourceMode::Managed,
        type_name: nc.res.key.type_name.clone(),
        provider: provider_key_address(&nc.provider_key),
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
        if secrets.iter().any(|s| *s == v) {
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
