use crate::{LockGuard, LockInfo, OutputRecord, ResourceRecord, Snapshot, StateError};
use std::time::Duration;

/// One atomic change to the state.
#[derive(Clone, Debug)]
pub enum Commit {
    /// Insert or replace the record under its key.
    Put(ResourceRecord),
    /// Remove the record stored under this key.
    Remove(String),
    /// Replace all outputs.
    Outputs(std::collections::BTreeMap<String, OutputRecord>),
    /// Move a record to a new address (`state mv`, `moved` blocks).
    Move { from: String, to: String },
    /// The lineage for a database that has none yet (`state push` restoring a backup keeps
    /// the backup's lineage, so saved plans and the lost-database check still match).
    Lineage(String),
}

/// Storage + locker for one workspace's state.
pub trait StateBackend: Send + Sync {
    /// The whole state. An empty state has an empty lineage and serial 0.
    fn read(&self) -> Result<Snapshot, StateError>;

    /// Applies the changes atomically (all or none), durably, bumping the serial once.
    /// Returns the new serial. Assigns a lineage on the first commit.
    fn commit(&self, changes: Vec<Commit>) -> Result<u64, StateError>;

    /// Takes the lock, waiting up to `timeout` for a holder to release it; on time-out the
    /// error names the holder.
    fn lock(&self, info: LockInfo, timeout: Duration) -> Result<LockGuard, StateError>;

    /// Who holds the lock, if anyone.
    fn lock_holder(&self) -> Result<Option<LockInfo>, StateError>;

    /// Removes a lock left by a dead process, when `id` matches its id.
    fn force_unlock(&self, id: &str) -> Result<(), StateError>;

    /// Releases what reading and committing hold open (sled's OS file lock), before the
    /// state lock is released. Reopened on next use.
    fn close(&self) -> Result<(), StateError> {
        Ok(())
    }
}
