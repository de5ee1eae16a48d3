//! Destroy nodes (one per instance deleted) and the plan's orphans.

use super::{Event, NodeReport, Phase, ProviderSlot, Walker};
use crate::diag::{Diagnostic, Diagnostics};
use crate::graph::{InstanceKey, ProviderKey};
use crate::plan::{Action, ResourceChange};
use meshplan_provider::Value;
use meshplan_state::{Commit, RecordStatus, ResourceMode};
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
        let pk = parse_provider_address(&change.provider).ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(format!(
                "{address}: unreadable provider address {:?}",
                change.provider
            )))
        })?;
        let (client, limit) = match self.providers.lock().unwrap_or_else(|e| e.into_inner()).get(&pk) {
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
        self.hook.event(Event::ApplyStart { address, action: Action::Delete });
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
        let targets: Vec<String> = self.options.targets.iter().map(|t| crate::graph::config_address(t)).collect();
        let mut out = Vec::new();
        for rec in self.snapshot.resources.values() {
            if rec.mode != ResourceMode::Managed || rec.deposed.is_some() || visited.contains(&rec.address) {
                continue;
            }
            let cfg = crate::graph::config_address(&rec.address);
            if !targets.is_empty() && !targets.iter().any(|t| &cfg == t || cfg.starts_with(&format!("{t}."))) {
                continue;
            }
            let (module_address, name, index) = split_address(&rec.address, &rec.type_name);
            let before = Value::from_json(&rec.attributes).mark_paths(&rec.sensitive_paths);
            out.push(ResourceChange {
                address: rec.address.clone(),
                module_address,
                mode: "managed".into(),
                type_name: rec.type_name.clone(),
                name,
                index,
                provider: rec.provider.clone(),
                action: Action::Delete,
                before: Some(before),
                after: None,
                replace_paths: vec![],
                reasons: match (&rec.status, self.options.destroy) {
                    (RecordStatus::Intent { .. }, _) => {
                        vec!["an interrupted create: destroyed if the provider finds the object".into()]
                    }
                    (_, true) => vec![],
                    (_, false) => vec!["no longer in the configuration".into()],
                },
                deferred: None,
                importing: None,
                drifted: false,
                adopted: false,
            });
        }
        out
    }
}

/// `module.a["x"].aws_vpc.main[0]` → (`module.a["x"]`, `main`, Some(0)).
pub(crate) fn split_address(address: &str, type_name: &str) -> (String, String, Option<InstanceKey>) {
    let needle = format!("{type_name}.");
    let start =
        if address.starts_with(&needle) { Some(0) } else { address.rfind(&format!(".{needle}")).map(|i| i + 1) };
    let Some(start) = start else { return (String::new(), address.to_string(), None) };
    let module = address[..start].trim_end_matches('.').to_string();
    let rest = &address[start + needle.len()..];
    let (name, index) = match rest.find('[') {
        Some(i) => {
            let raw = rest[i + 1..].trim_end_matches(']');
            let key = match raw.parse::<usize>() {
                Ok(n) => InstanceKey::Int(n),
                Err(_) => InstanceKey::Str(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())),
            };
            (rest[..i].to_string(), Some(key))
        }
        None => (rest.to_string(), None),
    };
    (module, name, index)
}

/// `module.a.provider["aws"].west` → (["a"], aws.west).
pub fn parse_provider_address(s: &str) -> Option<ProviderKey> {
    let i = s.find("provider[\"")?;
    let path: Vec<String> = s[..i].split('.').filter(|p| !p.is_empty() && *p != "module").map(str::to_string).collect();
    let rest = &s[i + "provider[\"".len()..];
    let end = rest.find("\"]")?;
    let name = rest[..end].to_string();
    let alias = rest[end + 2..].strip_prefix('.').map(str::to_string);
    Some((path, crate::config::ProviderRef { name, alias }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split() {
        assert_eq!(
            split_address("module.a[\"x\"].aws_vpc.main[0]", "aws_vpc"),
            ("module.a[\"x\"]".into(), "main".into(), Some(InstanceKey::Int(0)))
        );
        assert_eq!(
            split_address("aws_vpc.v[\"k\"]", "aws_vpc"),
            ("".into(), "v".into(), Some(InstanceKey::Str("k".into())))
        );
        let (p, r) = parse_provider_address("module.a.module.b.provider[\"aws\"].west").unwrap();
        assert_eq!(p, vec!["a".to_string(), "b".to_string()]);
        assert_eq!(r.alias.as_deref(), Some("west"));
    }
}
