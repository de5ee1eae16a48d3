//! Data source instances: read at plan time when possible, otherwise during apply right
//! after what they depend on (Terraform's rule).

use super::expand::InstanceCtx;
use super::locked;
use super::resource::{provider_error, NodeCtx, Slot};
use super::{Event, NodeReport, Phase, Walker};
use crate::diag::Diagnostics;
use crate::plan::{Action, ResourceChange};
use meshplan_provider::{plan_with_schema, PlanRequest, Value};

type R<T> = Result<T, Diagnostics>;

impl Walker<'_> {
    pub(crate) async fn data_instance(
        &self,
        nc: &NodeCtx<'_>,
        c: &InstanceCtx,
        addr: &str,
        out: &mut NodeReport,
    ) -> R<Value> {
        let result = self.read_data_instance(nc, c, addr, out).await;
        // A data source scoped to a `check` block never fails the run: its errors become
        // warnings and its value stays unknown (the check's assertions then do not judge).
        match (result, &nc.res.check) {
            (Err(ds), Some(check)) => {
                for d in ds.0 {
                    let mut w = d;
                    w.severity = crate::diag::Severity::Warning;
                    w.summary = format!("check \"{check}\": {}", w.summary);
                    out.diags.push(w);
                }
                Ok(Value::Unknown)
            }
            (result, _) => result,
        }
    }

    async fn read_data_instance(
        &self,
        nc: &NodeCtx<'_>,
        c: &InstanceCtx,
        addr: &str,
        out: &mut NodeReport,
    ) -> R<Value> {
        let (config, marks) = self.config(nc, c)?;
        let deps_pending = {
            let pending = locked(&self.pending);
            self.graph.resource_dependencies(nc.ni).iter().any(|d| pending.contains(d))
        };
        if let Slot::Failed(d) = &nc.slot {
            return Err(d.clone().into());
        }
        let ready = matches!(nc.slot, Slot::Ready { .. });
        let now = config.is_wholly_known() && ready && (self.phase == Phase::Apply || !deps_pending);
        if !now {
            if self.phase == Phase::Apply && self.options.destroy {
                // Destroying needs no data: one whose configuration depends on an object not
                // in the state (never created, or already destroyed) is left unread, as Terraform.
                return Ok(Value::Unknown);
            }
            if self.phase == Phase::Apply {
                return Err(super::apply_instance::unknown_after_apply(addr));
            }
            let mut reasons = Vec::new();
            if deps_pending {
                reasons.push("depends on a resource with changes pending".to_string());
            } else if !ready {
                reasons.push("its provider is configured during apply".to_string());
            } else {
                reasons.push("its configuration depends on values known only after apply".to_string());
            }
            let planned = plan_with_schema(&nc.schema, PlanRequest { prior: None, config: &config });
            let after = self.mark(nc, planned.state, &marks);
            locked(&self.pending).insert(nc.ni);
            out.changes.push(read_change(nc, c, addr, after.clone(), reasons));
            return Ok(after);
        }
        let (ctx, limit) = self.ctx(nc, addr)?;
        let ds = self.data_source(nc.res)?;
        let _l = limit.acquire().await;
        let _p = self.permits.acquire(self.priorities[nc.ni.index()]).await;
        self.hook.event(Event::Reading { address: addr });
        let v = ds.read(&ctx, &config).await.map_err(|e| provider_error(addr, "reading", e))?;
        let v = self.mark(nc, v, &marks);
        if nc.res.check.is_some() && self.phase == Phase::Plan {
            // As Terraform: read now for the plan's checks, and again during apply so the
            // check judges what apply made.
            out.changes.push(read_change(nc, c, addr, v.clone(), vec![crate::plan::CHECK_READ_REASON.to_string()]));
        }
        Ok(v)
    }
}

/// A data source's planned read of `addr`, with the reasons it is read then.
fn read_change(nc: &NodeCtx<'_>, c: &InstanceCtx, addr: &str, after: Value, reasons: Vec<String>) -> ResourceChange {
    ResourceChange {
        address: addr.to_string(),
        module_address: c.module.address(),
        mode: crate::addrs::Mode::Data,
        type_name: nc.res.key.type_name.clone(),
        name: nc.res.key.name.clone(),
        index: c.key.clone(),
        provider: nc.provider_key.to_string(),
        action: Action::Read,
        before: None,
        after: Some(after),
        replace_paths: vec![],
        reasons,
        deferred: None,
        importing: None,
        drifted: false,
        adopted: false,
    }
}
