//! `plan -refresh-only` / `apply -refresh-only`: what changed outside meshplan (the refresh
//! part of a plan, compared with the state), and committing the refreshed objects to the state
//! without changing any remote object.

use crate::diag::Diagnostics;
use crate::plan::{Action, Plan, ResourceChange};
use meshplan_provider::Value;
use meshplan_state::{Commit, RecordStatus, Snapshot, StateBackend};

/// One change per managed instance whose refreshed object differs from its state record:
/// `before` the state's value, `after` the refreshed one (`Update`), or `None` when the
/// object is gone (`Delete`).
pub fn drift(plan: &Plan, snapshot: &Snapshot) -> Vec<ResourceChange> {
    plan.changes
        .iter()
        .filter(|c| c.mode == crate::addrs::Mode::Managed && !c.adopted && c.importing.is_none())
        .filter_map(|c| {
            let r =
                snapshot.resources.get(&c.address).filter(|r| r.deposed.is_none() && r.status == RecordStatus::Ok)?;
            let gone = c.before.is_none() && c.reasons.iter().any(|x| x.contains("no longer exists"));
            if !(c.drifted || gone) {
                return None;
            }
            let mut d = c.clone();
            d.before = Some(Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths));
            d.after = c.before.clone();
            d.action = if gone { Action::Delete } else { Action::Update };
            d.reasons.clear();
            d.replace_paths.clear();
            Some(d)
        })
        .collect()
}

/// Records the refreshed objects in the state (and forgets the deleted ones) in one commit.
pub fn commit(backend: &dyn StateBackend, snapshot: &Snapshot, drift: &[ResourceChange]) -> Result<usize, Diagnostics> {
    let mut commits = Vec::new();
    for d in drift {
        let Some(record) = snapshot.resources.get(&d.address) else { continue };
        match &d.after {
            Some(v) => {
                let (plain, paths) = v.clone().unmark();
                let mut r = record.clone();
                r.attributes = plain.to_json();
                r.sensitive_paths = paths;
                commits.push(Commit::Put(r));
            }
            None => commits.push(Commit::Remove(d.address.clone())),
        }
    }
    if !commits.is_empty() {
        backend.commit(commits).map_err(|e| Diagnostics::from(super::state_diag(e)))?;
    }
    Ok(drift.len())
}
