//! `taint` / `untaint`: flip a resource instance's record between `Ok` and `Tainted`, so the
//! next plan replaces it (or no longer does).

use crate::diag::{Diagnostic, Diagnostics};
use meshplan_state::{Commit, RecordStatus, Snapshot, StateBackend};

/// What `set_tainted` did.
#[derive(Debug, PartialEq, Eq)]
pub enum TaintOutcome {
    Changed,
    /// `-allow-missing` and the address is not in the state: nothing to do.
    Missing,
}

/// Marks `address` tainted (`taint = true`) or clears the mark. Errors, as Terraform: an
/// address not in the state (unless `allow_missing`), a data source, an untaint of an
/// instance that is not tainted.
pub fn set_tainted(
    backend: &dyn StateBackend,
    snap: &Snapshot,
    address: &str,
    taint: bool,
    allow_missing: bool,
) -> Result<TaintOutcome, Diagnostics> {
    let err = |d: Diagnostic| Diagnostics(vec![d]);
    let Some(record) = snap.resources.get(address).filter(|r| r.deposed.is_none()) else {
        if allow_missing {
            return Ok(TaintOutcome::Missing);
        }
        let hint = crate::diag::did_you_mean(address, snap.resources.keys().map(String::as_str))
            .unwrap_or_else(|| "`meshplan state list` shows the addresses in the state".into());
        return Err(err(Diagnostic::error("No such resource instance")
            .detail(format!("Resource instance {address} was not found in the current state."))
            .hint(hint)));
    };
    if record.mode == meshplan_state::Mode::Data {
        return Err(err(Diagnostic::error("Cannot taint a data resource").detail(format!(
            "{address} is a data source: it is read again on every plan, there is nothing to replace."
        ))));
    }
    if let RecordStatus::Intent { .. } = record.status {
        return Err(err(Diagnostic::error("Resource instance has an unfinished create")
            .detail(format!("{address} records a create that may not have completed; the next plan resolves it first."))
            .hint("run `meshplan plan` or `meshplan apply`, then taint it")));
    }
    if !taint && record.status != RecordStatus::Tainted {
        return Err(err(Diagnostic::error("Resource instance is not tainted")
            .detail(format!("Resource instance {address} is not currently tainted, and so it cannot be untainted."))));
    }
    let mut r = record.clone();
    r.status = if taint { RecordStatus::Tainted } else { RecordStatus::Ok };
    backend.commit(vec![Commit::Put(r)]).map_err(|e| err(super::state_diag(e)))?;
    Ok(TaintOutcome::Changed)
}
