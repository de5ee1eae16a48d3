//! `state pull` / `state push`: the whole state as one JSON document (the format of the
//! backups in `.meshplan/backups/`), and back.

use crate::diag::{Diagnostic, Diagnostics};
use meshplan_state::{Commit, Snapshot, StateBackend};
use std::path::Path;

/// The state as a JSON document that `push` accepts.
pub fn pull(snapshot: &Snapshot) -> String {
    serde_json::to_string_pretty(snapshot).unwrap_or_default() + "\n"
}

/// Replaces the state with the document at `file`. Refused, unless `force`, when the document
/// is of another lineage than a non-empty state, or older (a lower serial) than the state.
/// Returns the new serial.
pub fn push(
    backend: &dyn StateBackend,
    encryption: &meshplan_state::Encryption,
    current: &Snapshot,
    file: &Path,
    force: bool,
) -> Result<u64, Diagnostics> {
    let pushed = meshplan_state::backup::read(file, encryption).map_err(|e| {
        Diagnostics::from(Diagnostic::error(format!("cannot push {}", file.display())).detail(e.to_string()).hint(
            "the file must be a state document written by `meshplan state pull` or a backup in .meshplan/backups/",
        ))
    })?;
    let occupied = !current.resources.is_empty() || !current.outputs.is_empty();
    if !force && occupied && !current.lineage.is_empty() && pushed.lineage != current.lineage {
        return Err(Diagnostic::error("the pushed state is of another lineage")
            .detail(format!("the state's lineage is {}, the document's {}", current.lineage, pushed.lineage))
            .hint("it describes other infrastructure; `-force` replaces the state anyway")
            .into());
    }
    if !force && pushed.lineage == current.lineage && pushed.serial < current.serial {
        return Err(Diagnostic::error("the pushed state is older than the state")
            .detail(format!("serial {} < {}", pushed.serial, current.serial))
            .hint("`-force` restores it anyway (as after a damaged apply)")
            .into());
    }
    let mut changes = vec![Commit::Lineage(pushed.lineage.clone())];
    changes.extend::<Vec<Commit>>(
        current.resources.keys().filter(|k| !pushed.resources.contains_key(*k)).cloned().map(Commit::Remove).collect(),
    );
    changes.extend(pushed.resources.into_values().map(Commit::Put));
    changes.push(Commit::Outputs(pushed.outputs));
    backend.commit(changes).map_err(|e| crate::ops::state_diag(e).into())
}
