//! Applying one planned instance: re-evaluate (values are known now), final plan, then
//! create or update, committing each step to the state as it completes.

use super::expand::InstanceCtx;
use super::plan_instance::inconsistencies;
use super::resource::{provider_error, record_for, with_echoes, NodeCtx};
use super::{Event, NodeReport, Walker};
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::Action;
use meshplan_provider::Value;
use meshplan_state::{Commit, RecordStatus};
use std::time::Instant;

type R<T> = Result<T, Diagnostics>;

impl Walker<'_> {
    pub(crate) async fn apply_instance(
        &self,
        nc: &NodeCtx<'_>,
        c: &InstanceCtx,
        addr: &str,
        out: &mut NodeReport,
    ) -> R<Value> {
        let Some(change) = self.planned_change(addr) else {
            // Outside -target, or made since the plan: keep what the state says.
            return Ok(self.prior_value(addr));
        };
        let deps: Vec<String> = self
            .graph
            .resource_dependencies(nc.ni)
            .into_iter()
            .map(|i| crate::graph::config_address_of(self.graph.node(i)))
            .collect();
        if let (true, Some(before)) = (change.importing.is_some() || change.adopted, &change.before) {
            // An imported or adopted object enters the state first; a planned change then follows.
            let (bare, marks) = before.clone().unmark();
            self.commit(vec![Commit::Put(record_for(addr, nc, &bare, &marks, deps.clone(), RecordStatus::Ok))]).await?;
            if change.action == Action::NoOp {
                out.applied.push((addr.to_string(), Action::NoOp, false));
                return Ok(before.clone());
            }
        }
        if change.deferred.is_none() && matches!(change.action, Action::NoOp | Action::Delete) {
            return Ok(change.after.clone().or_else(|| change.before.clone()).unwrap_or(Value::Null));
        }
        let (ctx, limit) = self.ctx(nc, addr)?;
        let rt = self.resource_type(nc.res)?;
        let prio = self.priorities[nc.ni.index()];
        let deferred = change.deferred.is_some();
        // (action, prior to update, planned state, configuration, its marks, an old object to
        // delete after the create)
        let (action, prior, planned, config, cfg_marks, delete_after) = if deferred {
            // Planned without the provider: now plan for real, through the same core as `plan`.
            let p = self.plan_core(nc, c, addr, true).await?;
            if p.adopted {
                let prior = p.prior.clone().unwrap_or(Value::Null);
                self.commit(vec![Commit::Put(record_for(
                    addr,
                    nc,
                    &prior,
                    &p.cfg_marks,
                    deps.clone(),
                    RecordStatus::Ok,
                ))])
                .await?;
            }
            if p.action == Action::NoOp {
                out.applied.push((addr.to_string(), Action::NoOp, true));
                return Ok(self.mark(nc, p.prior.unwrap_or(Value::Null), &p.cfg_marks));
            }
            let mut prior = p.prior;
            let mut delete_after = None;
            match p.action {
                Action::DeleteThenCreate => {
                    if let Some(old) = prior.take() {
                        self.delete_now(nc, &ctx, &limit, prio, addr, &old, true).await?;
                    }
                }
                Action::CreateThenDelete => delete_after = prior.take(),
                _ => {}
            }
            (p.action, prior, p.planned, p.config, p.cfg_marks, delete_after)
        } else {
            // The final plan: the configuration with what is known now, checked against the
            // saved plan before the provider is asked to change anything.
            let (mut config, cfg_marks) = self.config(nc, c)?;
            let before = change.before.as_ref().map(Value::unmarked);
            let planned = self
                .final_plan(nc, &ctx, rt.as_ref(), addr, before.as_ref(), change.action.creates(), &mut config)
                .await?;
            if let Some(saved) = &change.after {
                inconsistent_final_plan(
                    addr,
                    saved,
                    &planned.state,
                    !cfg_marks.is_empty() || !nc.schema.sensitive_paths(&planned.state).is_empty(),
                )?;
            }
            let prior = if change.action.creates() { None } else { before };
            (change.action, prior, planned, config, cfg_marks, None)
        };
        if action == Action::Update && prior.as_ref() == Some(&planned.state) {
            // A value unknown at plan time turned out unchanged: with everything known the
            // update changes nothing, so the provider is not called (Terraform skips it too).
            out.applied.push((addr.to_string(), Action::NoOp, false));
            let cfg_marks = with_echoes(&config, &cfg_marks, &planned.state);
            return Ok(self.mark(nc, planned.state, &cfg_marks));
        }
        let _l = limit.acquire().await;
        let _p = self.permits.acquire(prio).await;
        if self.stopping() {
            return Err(Diagnostics::default());
        }
        let shown = if action.creates() { Action::Create } else { action };
        let prior_id = prior.as_ref().filter(|_| !action.creates()).and_then(|p| p.get_str("id"));
        self.hook.event(Event::ApplyStart { address: addr, action: shown, id: prior_id });
        let started = Instant::now();
        let result = if action.creates() {
            let token = meshplan_state::new_intent_token();
            // Durable before the call: a crash from here on leaves the token by which the next
            // run finds (adopts) the object. A previous object under this address
            // (create_before_destroy) is deleted later from the plan's copy. A type with no
            // remote object needs none: it is made again.
            if rt.has_remote_object() {
                let intent = record_for(
                    addr,
                    nc,
                    &planned.state,
                    &cfg_marks,
                    deps.clone(),
                    RecordStatus::Intent { token: token.clone() },
                );
                self.commit(vec![Commit::Put(intent)]).await?;
            }
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
                self.hook.event(Event::ApplyDone {
                    address: addr,
                    action: shown,
                    elapsed: started.elapsed(),
                    id: id.as_deref(),
                });
                if let Some(old) = delete_after {
                    self.delete_now(nc, &ctx, &limit, prio, addr, &old, false).await?;
                }
                out.applied.push((addr.to_string(), action, deferred));
                Ok(self.mark(nc, state, &cfg_marks))
            }
            Err(e) => {
                self.hook.event(Event::ApplyFailed { address: addr, action: shown, elapsed: started.elapsed() });
                // With a partial state the object exists: keep it, tainted. Without one, a
                // failed create keeps its intent record: the request may have landed, and the
                // next run looks for the object by its token before creating another.
                if let Some(partial) = &e.partial_state {
                    let record = record_for(
                        addr,
                        nc,
                        partial,
                        &with_echoes(&config, &cfg_marks, partial),
                        deps,
                        RecordStatus::Tainted,
                    );
                    self.commit(vec![Commit::Put(record)]).await?;
                }
                let verb = if action.creates() { "creating" } else { "updating" };
                Err(provider_error(addr, verb, e))
            }
        }
    }

    /// Deletes an object inline (a deferred replacement has no destroy node of its own);
    /// `forget` removes its record (not when the address already holds the replacement).
    #[allow(clippy::too_many_arguments)] // the node's context, split as the callers hold it
    async fn delete_now(
        &self,
        nc: &NodeCtx<'_>,
        ctx: &meshplan_provider::Ctx,
        limit: &tokio::sync::Semaphore,
        prio: u64,
        addr: &str,
        old: &Value,
        forget: bool,
    ) -> R<()> {
        let rt = self.resource_type(nc.res)?;
        let _l = limit.acquire().await;
        let _p = self.permits.acquire(prio).await;
        if self.stopping() {
            return Err(Diagnostics::default());
        }
        self.hook.event(Event::ApplyStart { address: addr, action: Action::Delete, id: old.get_str("id") });
        let started = Instant::now();
        rt.delete(ctx, old).await.map_err(|e| provider_error(addr, "deleting", e))?;
        if forget {
            self.commit(vec![Commit::Remove(addr.to_string())]).await?;
        }
        self.hook.event(Event::ApplyDone {
            address: addr,
            action: Action::Delete,
            elapsed: started.elapsed(),
            id: None,
        });
        Ok(())
    }
}

pub(crate) fn unknown_after_apply(addr: &str) -> Diagnostics {
    Diagnostic::error(format!("{addr}: configuration still unknown during apply"))
        .detail("a value this object depends on was not produced by the objects it references")
        .into()
}

/// Terraform's "Provider produced inconsistent final plan": a value the saved plan showed as
/// known came out different at apply (something the plan read changed since).
/// Values are shown only when nothing in the object is sensitive.
fn inconsistent_final_plan(addr: &str, saved: &Value, now: &Value, secrets: bool) -> R<()> {
    let found = inconsistencies(&saved.unmarked(), now);
    if found.is_empty() {
        return Ok(());
    }
    let secrets = secrets || saved.contains_sensitive();
    let shown = |v: &Value| if secrets { "(sensitive value)".to_string() } else { v.to_string() };
    let lines: Vec<String> =
        found.iter().take(5).map(|(p, was, now)| format!(".{p}: was {}, but now {}", shown(was), shown(now))).collect();
    Err(Diagnostic::error(format!("{addr}: produced an inconsistent final plan"))
        .detail(format!(
            "when expanding the plan to include values learned during apply, the new plan disagrees with the saved one:\n  {}",
            lines.join("\n  ")
        ))
        .hint("what the plan was made from changed since (a data source, the remote object): run `meshplan plan` again and apply the new plan")
        .into())
}
