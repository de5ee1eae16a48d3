//! The planning core: the one function that plans a managed instance, used by `plan` and by
//! apply's re-plan of instances whose provider was deferred. Intent records left by an
//! interrupted create are resolved here first (adopted or dropped), then refresh,
//! `ignore_changes`, the provider's plan and the action with its reasons.

use super::expand::InstanceCtx;
use super::locked;
use super::resource::{provider_error, with_echoes, NodeCtx, Slot};
use super::{Event, NodeReport, Walker};
use crate::config::references::{expr_references, Target};
use crate::config::IgnoreChanges;
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::Node;
use crate::plan::{Action, ResourceChange};
use meshplan_provider::{plan_with_schema, Ctx, Path, PlanRequest, Planned, ResourceType, Value};
use meshplan_state::RecordStatus;

type R<T> = Result<T, Diagnostics>;

/// What planning one instance decided.
pub(crate) struct InstancePlan {
    /// The refreshed (or adopted) prior object, unmarked.
    pub prior: Option<Value>,
    pub before_marks: Vec<Path>,
    /// The evaluated configuration (after `ignore_changes`), unmarked, and its sensitive paths.
    pub config: Value,
    pub cfg_marks: Vec<Path>,
    pub planned: Planned,
    pub action: Action,
    pub reasons: Vec<String>,
    pub deferred: Option<String>,
    pub importing: Option<String>,
    pub drifted: bool,
    /// The prior object was found by the token of an interrupted create.
    pub adopted: bool,
}

impl Walker<'_> {
    pub(crate) async fn plan_instance(
        &self,
        nc: &NodeCtx<'_>,
        c: &InstanceCtx,
        addr: &str,
        out: &mut NodeReport,
    ) -> R<Value> {
        let p = self.plan_core(nc, c, addr, self.options.refresh).await?;
        let after = self.mark(nc, p.planned.state.clone(), &with_echoes(&p.config, &p.cfg_marks, &p.planned.state));
        let before = p.prior.map(|prior| {
            let marks: Vec<Path> =
                p.before_marks.iter().cloned().chain(with_echoes(&p.config, &p.cfg_marks, &prior)).collect();
            self.mark(nc, prior, &marks)
        });
        if p.action != Action::NoOp {
            locked(&self.pending).insert(nc.ni);
        }
        let change = ResourceChange {
            address: addr.to_string(),
            module_address: c.module.address(),
            mode: crate::addrs::Mode::Managed,
            type_name: nc.res.key.type_name.clone(),
            name: nc.res.key.name.clone(),
            index: c.key.clone(),
            provider: nc.provider_key.to_string(),
            action: p.action,
            before,
            after: Some(after.clone()),
            replace_paths: p.planned.requires_replace.clone(),
            reasons: p.reasons,
            deferred: p.deferred,
            importing: p.importing,
            drifted: p.drifted,
            adopted: p.adopted,
        };
        out.changes.push(change);
        Ok(after)
    }

    /// Plans one managed instance against the prior state (refreshed when `refresh`).
    pub(crate) async fn plan_core(
        &self,
        nc: &NodeCtx<'_>,
        c: &InstanceCtx,
        addr: &str,
        refresh: bool,
    ) -> R<InstancePlan> {
        let record = self.snapshot.resources.get(addr).filter(|r| r.deposed.is_none());
        let intent = record.and_then(|r| match &r.status {
            RecordStatus::Intent { token } => Some((token.clone(), Value::from_json(&r.attributes))),
            _ => None,
        });
        let (mut config, cfg_marks) = self.config(nc, c)?;
        // An intent record holds the planned state of a create that may never have happened:
        // it is never a prior object (deleting it would mean deleting by an unknown id).
        let mut prior = record.filter(|_| intent.is_none()).map(|r| Value::from_json(&r.attributes));
        let before_marks: Vec<Path> =
            record.filter(|_| intent.is_none()).map(|r| r.sensitive_paths.clone()).unwrap_or_default();
        let tainted = record.is_some_and(|r| r.status == RecordStatus::Tainted);
        let mut p = InstancePlan {
            prior: None,
            before_marks,
            config: Value::Null,
            cfg_marks,
            planned: Planned::default(),
            action: Action::NoOp,
            reasons: Vec::new(),
            deferred: None,
            importing: None,
            drifted: false,
            adopted: false,
        };
        match &nc.slot {
            Slot::Failed(d) => return Err(d.clone().into()),
            Slot::Deferred(reason) => {
                // Without the provider an intent cannot be resolved: planned as a create, and
                // resolved during apply once the provider is configured.
                p.planned = plan_with_schema(&nc.schema, PlanRequest { prior: prior.as_ref(), config: &config });
                p.deferred = Some(reason.clone());
            }
            Slot::Ready { .. } => {
                let (ctx, limit) = self.ctx(nc, addr)?;
                let rt = self.resource_type(nc.res)?;
                if let Some((token, planned)) = &intent {
                    self.hook.event(Event::Refreshing { address: addr });
                    let _l = limit.acquire().await;
                    let _p = self.permits.acquire(self.priorities[nc.ni.index()]).await;
                    let ctx = ctx.clone().with_idempotency_token(token.clone());
                    prior = rt
                        .find(&ctx, token, planned)
                        .await
                        .map_err(|e| provider_error(addr, "looking for an interrupted create's object", e))?;
                    if prior.is_some() {
                        p.adopted = true;
                        p.reasons.push("adopted after an interrupted create".into());
                    }
                } else if let (None, Some(id)) = (&prior, self.options.imports.get(addr)) {
                    let _l = limit.acquire().await;
                    prior = Some(
                        rt.import(&ctx, id).await.map_err(|e| provider_error(addr, &format!("importing {id:?}"), e))?,
                    );
                    p.importing = Some(id.clone());
                } else if let (true, Some(old), false) = (refresh, &prior, tainted) {
                    self.hook.event(Event::Refreshing { address: addr });
                    let _l = limit.acquire().await;
                    let _p = self.permits.acquire(self.priorities[nc.ni.index()]).await;
                    let now = rt.read(&ctx, old).await.map_err(|e| provider_error(addr, "reading", e))?;
                    p.drifted = now.as_ref() != Some(old);
                    if now.is_none() {
                        p.reasons.push("the object no longer exists (deleted outside meshplan)".to_string());
                    }
                    prior = now;
                }
                // A replacement forced from outside the provider's diff (-replace,
                // replace_triggered_by) is planned as a create, like a tainted object: otherwise
                // the plan shows the old computed values (id, output) that apply then changes.
                let forced = tainted || self.replace_requested(addr) || (prior.is_some() && self.replace_triggered(nc));
                p.planned = self.final_plan(nc, &ctx, rt.as_ref(), addr, prior.as_ref(), forced, &mut config).await?;
            }
        }
        p.action =
            self.decide_action(nc, addr, prior.as_ref(), tainted, &p.planned, p.deferred.is_some(), &mut p.reasons)?;
        p.prior = prior;
        p.config = config;
        Ok(p)
    }

    /// The provider's plan of `config` (after `ignore_changes` against `prior`); `creates`
    /// plans from nothing. Shared by planning and by apply's final plan.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn final_plan(
        &self,
        nc: &NodeCtx<'_>,
        ctx: &Ctx,
        rt: &dyn ResourceType,
        addr: &str,
        prior: Option<&Value>,
        creates: bool,
        config: &mut Value,
    ) -> R<Planned> {
        apply_ignore_changes(&nc.res.lifecycle.ignore_changes, prior, config);
        let req = PlanRequest { prior: if creates { None } else { prior }, config };
        rt.plan(ctx, req).await.map_err(|e| provider_error(addr, "planning", e))
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
        } else if self.replace_requested(addr) {
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
            return Err(Diagnostic::error(format!(
                "{addr} has lifecycle.prevent_destroy set, but the plan would destroy it"
            ))
            .at(nc.res.span.clone())
            .hint("remove prevent_destroy to allow it, or change the configuration so it is not replaced")
            .into());
        }
        Ok(action)
    }

    fn replace_triggered(&self, nc: &NodeCtx<'_>) -> bool {
        let pending = locked(&self.pending);
        nc.res.lifecycle.replace_triggered_by.iter().any(|e| {
            expr_references(&e.inner).iter().any(|r| match &r.target {
                Target::Resource(k) => self
                    .graph
                    .find(&Node::Resource { module: nc.path.clone(), key: k.clone() })
                    .is_some_and(|i| pending.contains(&i)),
                _ => false,
            })
        })
    }
}

/// Puts the prior values of ignored attributes into the configuration.
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

/// Where apply's final plan disagrees with the saved plan's known values: (path, saved, now).
/// Unknown saved values may become anything; known ones must stay as they were.
pub(crate) fn inconsistencies(saved: &Value, now: &Value) -> Vec<(Path, Value, Value)> {
    fn walk(saved: &Value, now: &Value, at: &Path, out: &mut Vec<(Path, Value, Value)>) {
        let (s, n) = (saved.peel(), now.peel());
        match (s, n) {
            (Value::Unknown, _) => {}
            (Value::Object(a), Value::Object(b)) => {
                for (k, v) in a {
                    walk(v, b.get(k).unwrap_or(&Value::Null), &at.key(k), out);
                }
            }
            (Value::List(a), Value::List(b)) if a.len() == b.len() => {
                a.iter().zip(b).enumerate().for_each(|(i, (x, y))| walk(x, y, &at.index(i), out));
            }
            _ if s != n => out.push((at.clone(), s.clone(), n.clone())),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(saved, now, &Path::root(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: serde_json::Value) -> Value {
        Value::from_json(&j)
    }

    #[test]
    fn known_values_must_not_change_in_the_final_plan() {
        let mut saved = v(serde_json::json!({"name": "a", "tags": {"x": "1"}, "list": ["p", "q"]}));
        saved.set("id", Value::Unknown);
        let same = v(serde_json::json!({"name": "a", "id": "i-1", "tags": {"x": "1"}, "list": ["p", "q"]}));
        assert!(inconsistencies(&saved, &same).is_empty());
        let changed = v(serde_json::json!({"name": "b", "id": "i-1", "tags": {"x": "2"}, "list": ["p"]}));
        let paths: Vec<String> = inconsistencies(&saved, &changed).into_iter().map(|(p, _, _)| p.to_string()).collect();
        assert_eq!(paths, vec!["list".to_string(), "name".to_string(), "tags.x".to_string()]);
    }
}
