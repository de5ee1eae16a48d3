//! Importing an existing object into the state through its configured provider.

use super::locked;
use super::resource::{record_for, NodeCtx, Slot};
use super::{ProviderSlot, Walker};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::Node;
use meshplan_provider::Ctx;
use meshplan_state::{Commit, RecordStatus, StateBackend};
use petgraph::graph::NodeIndex;

impl Walker<'_> {
    pub async fn import_into(
        &self,
        ni: NodeIndex,
        address: &str,
        id: &str,
        backend: &dyn StateBackend,
    ) -> Result<(), Diagnostics> {
        let Node::Resource { module, key } = self.graph.node(ni).clone() else {
            return Err(Diagnostic::error(format!("{address} is not a managed resource")).into());
        };
        let res = &self.module(&module).resources[&key];
        let provider_key = self
            .graph
            .resource_provider
            .get(&ni)
            .cloned()
            .ok_or_else(|| Diagnostics::from(Diagnostic::error("no provider")))?;
        let (client, limit) = match locked(&self.providers).get(&provider_key) {
            Some(ProviderSlot::Configured { client, limit }) => (client.clone(), limit.clone()),
            _ => {
                return Err(Diagnostic::error(format!("{address}: its provider cannot be configured yet"))
                    .hint("its configuration depends on values known only after apply")
                    .into())
            }
        };
        let rt = self.resource_type(res)?;
        let nc = NodeCtx {
            ni,
            path: module.clone(),
            res,
            provider_key,
            slot: Slot::Ready { client: client.clone(), limit },
            schema: rt.schema(),
        };
        let value = rt
            .import(&Ctx::new(client, address), id)
            .await
            .map_err(|e| super::resource::provider_error(address, &format!("importing {id:?}"), e))?;
        let deps = self
            .graph
            .resource_dependencies(ni)
            .into_iter()
            .map(|i| crate::graph::config_address_of(self.graph.node(i)))
            .collect();
        let record = record_for(address, &nc, &value, &[], deps, RecordStatus::Ok);
        backend.commit(vec![Commit::Put(record)]).map_err(|e| Diagnostics::from(crate::ops::state_diag(e)))?;
        Ok(())
    }
}
