//! Applying one planned instance: re-evaluate (values are known now), final plan, then
//! create or update, committing each step to the state as it completes.

use super::expand::InstanceCtx;
use super::resource::{provider_error, record_for, with_echoes, NodeCtx};
use super::{Event, Walker};
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::Action;
use meshplan_provider::{PlanRequest, Value};
use meshplan_state::{Commit, RecordStatus};
use std::time::Instant;

type R<T> = Result<T, Diagnostics>;

impl Walker<'_> {
    pub(crate) async fn apply_instance(&self, nc: &NodeCtx<'_>, c: &InstanceCtx, addr: &str) -> R<Value> {
        self.visited.lock().unwrap_or_else(|e| e.into_inner()).insert(addr.to_string());
        let Some(change) = self.planned_change(addr) else {
            // Outside -target, or made since the plan: keep what the state says.
            return Ok(self.prior_value(addr));
        };
        if let (Some(_), Some(before)) = (&change.importing, &change.before) {
            // The imported object enters the state first; a planned update then follows.
            let (bare, marks) = before.clone().unmark();
            let deps = self.graph.resource_dependencies(nc.ni).into_iter().map(|i| crate::graph::config_address_of(self.graph.node(i))).collect();
            self.commit(vec![Commit::Put(record_for(addr, nc, &bare, &marks, deps, RecordStatus::Ok))]).await?;
            if change.action == Action::NoOp {
                self.applied.lock().unwrap_or_else(|e| e.into_inner()).push((addr.to_string(), Action::NoOp, false));
                return Ok(before.clone());
            }
        }
        if change.deferred.is_none() && matches!(change.action, Action::NoOp | Action::Delete) {
            return Ok(change.after.clone().or_else(|| change.before.clone()).unwrap_or(Value::Null));
        }
        let (config, cfg_marks) = self.config(nc, c)?;
        let (ctx, limit) = self.ctx(nc, addr)?;
        let rt = self.resource_type(nc.res)?;
        let prio = self.priorities[nc.ni.index()];
        let mut action = change.action;
        let mut prior: Option<Value> = match action {
            Action::Update | Action::NoOp => change.before.as_ref().map(Value::unmarked),
            _ => None,
        };
        let deferred = change.deferred.is_some();
        if deferred {
            // Planned without the provider: now refresh and plan for real.
            let record = self.snapshot.resources.get(addr).filter(|r| r.deposed.is_none());
            let tainted = record.is_some_and(|r| r.status != RecordStatus::Ok);
            prior = match record {
                Some(r) if !tainted => {
                    let _l = limit.acquire().await;
                    let _p = self.permits.acquire(prio).await;
                    rt.read(&ctx, &Value::from_json(&r.attributes)).await.map_err(|e| provider_error(addr, "reading", e))?
                }
                _ => None,
            };
            let planned = rt.plan(&ctx, PlanRequest { prior: prior.as_ref(), config: &config }).await.map_err(|e| provider_error(addr, "planning", e))?;
            action = self.decide_action(nc, addr, prior.as_ref(), tainted, &planned, false, &mut Vec::new())?;
            if action == Action::NoOp {
                self.applied.lock().unwrap_or_else(|e| e.into_inner()).push((addr.to_string(), Action::NoOp, true));
                return Ok(self.mark(nc, prior.unwrap_or(Value::Null), &cfg_marks));
            }
            if action == Action::DeleteThenCreate {
                if let Some(old) = prior.take() {
                    self.delete_now(nc, &ctx, &limit, prio, addr, &old).await?;
                }
            }
        } else if action.creates() {
            prior = None;
        }
        let planned = rt.plan(&ctx, PlanRequest { prior: prior.as_ref(), config: &config }).await.map_err(|e| provider_error(addr, "planning", e))?;
        let deps: Vec<String> = self.graph.resource_dependencies(nc.ni).into_iter().map(|i| crate::graph::config_address_of(self.graph.node(i))).collect();
        let _l = limit.acquire().await;
        let _p = self.permits.acquire(prio).await;
        let shown = if action.creates() { Action::Create } else { action };
        self.hook.event(Event::ApplyStart { address: addr, action: shown });
        let started = Instant::now();
        let result = if action.creates() {
            let token = format!("meshplan:{}:{addr}", self.snapshot.lineage);
            let intent = record_for(addr, nc, &planned.state, &cfg_marks, deps.clone(), RecordStatus::Intent { token: token.clone() });
            // A previous object under this address (create_before_destroy) is deleted later
            // from the plan's copy; the intent record replaces its state record now.
            self.commit(vec![Commit::Put(intent)]).await?;
            rt.create(&ctx.clone().with_idempotency_token(token), &planned.state).await
        } else {
            let p = prior.clone().unwrap_or(Value::Null);
            rt.update(&ctx, &p, &planned.state).await
        };
        match result {
            Ok(state) => {
                let cfg_marks = with_echoes(&config, &cfg_marks, &state);
                let mut record = record_for(addr, nc, &state, &cfg_marks, deps, RecordStatus::Ok);
                let prov = self.run_create_provisioners(nc, c, addr, &state).await;
                if prov.is_err() {
                    record.status = RecordStatus::Tainted;
                }
                self.commit(vec![Commit::Put(record)]).await?;
                prov?;
                let id = state.get_str("id").map(str::to_string);
                self.hook.event(Event::ApplyDone { address: addr, action: shown, elapsed: started.elapsed(), id: id.as_deref() });
                self.applied.lock().unwrap_or_else(|e| e.into_inner()).push((addr.to_string(), action, deferred));
                Ok(self.mark(nc, state, &cfg_marks))
            }
            Err(e) => {
                self.hook.event(Event::ApplyFailed { address: addr, action: shown, elapsed: started.elapsed() });
                let fix = match (&e.partial_state, action.creates()) {
                    (Some(partial), _) => Some(Commit::Put(record_for(addr, nc, partial, &with_echoes(&config, &cfg_marks, partial), deps, RecordStatus::Tainted))),
                    (None, true) => Some(Commit::Remove(addr.to_string())),
                    (None, false) => None,
                };
                if let Some(f) = fix {
                    self.commit(vec![f]).await?;
                }
                let verb = if action.creates() { "creating" } else { "updating" };
                Err(provider_error(addr, verb, e))
            }
        }
    }

    /// Deletes an object inline (a deferred replacement has no destroy node of its own).
    async fn delete_now(
        &self,
        nc: &NodeCtx<'_>,
        ctx: &meshplan_provider::Ctx,
        limit: &tokio::sync::Semaphore,
        prio: u64,
        addr: &str,
        old: &Value,
    ) -> R<()> {
        let rt = self.resource_type(nc.res)?;
        let _l = limit.acquire().await;
        let _p = self.permits.acquire(prio).await;
        self.hook.event(Event::ApplyStart { address: addr, action: Action::Delete });
        let started = Instant::now();
        rt.delete(ctx, old).await.map_err(|e| provider_error(addr, "deleting", e))?;
        self.commit(vec![Commit::Remove(addr.to_string())]).await?;
        self.hook.event(Event::ApplyDone { address: addr, action: Action::Delete, elapsed: started.elapsed(), id: None });
        Ok(())
    }
}

pub(crate) fn unknown_after_apply(addr: &str) -> Diagnostics {
    Diagnostic::error(format!("{addr}: configuration still unknown during apply"))
        .detail("a value this object depends on was not produced by the objects it references")
        .into()
}
