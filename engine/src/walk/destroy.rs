//! Destroy nodes (one per instance deleted) and the plan's orphans.

use super::locked;
use super::{Event, NodeReport, Phase, ProviderSlot, Walker};
use crate::addrs::{ProviderConfigAddr, ResourceInstanceAddr};
use crate::diag::{Diagnostic, Diagnostics};
use crate::plan::{Action, ResourceChange};
use meshplan_state::{Commit, Mode, RecordStatus};
use petgraph::graph::NodeIndex;
use std::collections::HashSet;
use std::time::Instant;

type R<T> = Result<T, Diagnostics>;

impl Walker<'_> {
    pub(crate) async fn destroy_node(&self, ni: NodeIndex, address: &str, out: &mut NodeReport) -> R<()> {
        if self.phase == Phase::Plan {
            return Ok(());
        }
        let Some(change) = self.planned_change(address) else { return Ok(()) };
        let value = match &change.before {
            Some(b) => b.unmarked(),
            None => return Ok(()),
        };
        let pk = ProviderConfigAddr::parse(&change.provider)
            .map_err(|e| Diagnostics::from(Diagnostic::error(format!("{address}: {e}"))))?;
        let (client, limit) = match locked(&self.providers).get(&pk) {
            Some(ProviderSlot::Configured { client, limit, .. }) => (client.clone(), limit.clone()),
            Some(ProviderSlot::Failed(d)) => return Err(d.clone().into()),
            _ => {
                return Err(Diagnostic::error(format!(
                    "{address}: cannot destroy: provider {} is not configured",
                    change.provider
                ))
                .hint("its configuration must be known to destroy what it manages")
                .into())
            }
        };
        let Some(rt) = self.registry.resources.get(&change.type_name).cloned() else {
            return Err(Diagnostic::error(format!("{address}: unknown resource type `{}`", change.type_name)).into());
        };
        let mut ctx = self.provider_ctx(client, address);
        let _l = limit.acquire().await;
        let _p = self.permits.acquire(self.priorities[ni.index()]).await;
        if self.stopping() {
            return Err(Diagnostics::default());
        }
        let mut value = value;
        if let Some(RecordStatus::Intent { token }) = self.snapshot.resources.get(address).map(|r| &r.status) {
            // An interrupted create: delete only what the provider finds by its token, never by
            // the planned (unknown) id.
            ctx = ctx.with_idempotency_token(token.clone());
            match rt.find(&ctx, token, &value).await {
                Ok(Some(found)) => value = found,
                Ok(None) => {
                    self.commit(vec![Commit::Remove(address.to_string())]).await?;
                    return Ok(());
                }
                Err(e) => {
                    return Err(super::resource::provider_error(
                        address,
                        "looking for an interrupted create's object",
                        e,
                    ))
                }
            }
        }
        self.run_destroy_provisioners(address, &change.type_name, &change.before).await?;
        self.hook.event(Event::ApplyStart { address, action: Action::Delete, id: value.get_str("id") });
        let started = Instant::now();
        if let Err(e) = rt.delete(&ctx, &value).await {
            self.hook.event(Event::ApplyFailed { address, action: Action::Delete, elapsed: started.elapsed() });
            return Err(super::resource::provider_error(address, "deleting", e));
        }
        // After a create_before_destroy replacement the address already holds the new object.
        if change.action != Action::CreateThenDelete {
            self.commit(vec![Commit::Remove(address.to_string())]).await?;
        }
        self.hook.event(Event::ApplyDone { address, action: Action::Delete, elapsed: started.elapsed(), id: None });
        if change.action == Action::Delete {
            out.applied.push((address.to_string(), Action::Delete, false));
        }
        Ok(())
    }

    /// State records the configuration no longer produces: planned for deletion.
    pub(crate) fn orphan_changes(&self, visited: &HashSet<String>) -> Vec<ResourceChange> {
        let mut out = Vec::new();
        for rec in self.snapshot.resources.values() {
            if rec.mode != Mode::Managed || rec.deposed.is_some() || visited.contains(&rec.address) {
                continue;
            }
            let Ok(addr) = ResourceInstanceAddr::parse(&rec.address) else { continue };
            if !self.options.targets.is_empty() && !self.options.targets.iter().any(|t| t.contains(&addr)) {
                continue;
            }
            let mut change = ResourceChange::of_record(&addr, rec, Action::Delete);
            change.reasons = match (&rec.status, self.options.destroy) {
                (RecordStatus::Intent { .. }, _) => {
                    vec!["an interrupted create: destroyed if the provider finds the object".into()]
                }
                (_, true) => vec![],
                (_, false) => vec!["no longer in the configuration".into()],
            };
            out.push(change);
        }
        out
    }
}
