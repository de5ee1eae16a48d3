//! An open state: what every command that reads or changes the state starts with. Closing
//! releases the backend (sled's files), then the lock.

use super::workspace::Workspace;
use crate::config::Module;
use crate::diag::Diagnostics;
use meshplan_state::{LockGuard, LockInfo, Snapshot, StateBackend};
use std::sync::Arc;
use std::time::Duration;

pub struct Session {
    /// The loaded configuration (empty for the state-only commands).
    pub root: Arc<Module>,
    pub backend: Arc<dyn StateBackend>,
    guard: Option<LockGuard>,
    pub snapshot: Snapshot,
}

impl Session {
    /// The lock of a process that died without releasing it, taken over to open this
    /// session (the CLI warns about it).
    pub fn taken_over(&self) -> Option<&LockInfo> {
        self.guard.as_ref().and_then(|g| g.taken_over.as_ref())
    }
    pub fn close(mut self) {
        let _ = self.backend.close();
        drop(self.guard.take());
    }
}

impl Workspace {
    /// Loads the configuration, sets up encryption, opens the state, takes its lock and
    /// reads it. `lock_timeout` None is `-lock=false`: the lock is not taken.
    pub fn open(&mut self, operation: &str, lock_timeout: Option<Duration>) -> Result<Session, Diagnostics> {
        let root = self.load()?;
        self.configure_encryption(&root)?;
        self.open_with(root, operation, lock_timeout, false)
    }

    /// Opens the state without loading the configuration (the `state`, `output` and `show`
    /// commands). A reading command passes `tolerate_unreadable` only where it restores the
    /// state (`state push`): an unreadable state then reads as empty.
    pub fn open_state(
        &mut self,
        operation: &str,
        lock_timeout: Option<Duration>,
        tolerate_unreadable: bool,
    ) -> Result<Session, Diagnostics> {
        self.load_state_settings()?;
        self.open_with(Arc::new(Module::default()), operation, lock_timeout, tolerate_unreadable)
    }

    fn open_with(
        &self,
        root: Arc<Module>,
        operation: &str,
        lock_timeout: Option<Duration>,
        tolerate_unreadable: bool,
    ) -> Result<Session, Diagnostics> {
        let backend = self.backend()?;
        let guard = match lock_timeout {
            Some(t) => Some(self.lock(backend.as_ref(), operation, t)?),
            None => None,
        };
        let snapshot = match self.read_state(backend.as_ref()) {
            Ok(s) => s,
            Err(_) if tolerate_unreadable => Snapshot::default(),
            Err(d) => {
                let _ = backend.close();
                return Err(d);
            }
        };
        Ok(Session { root, backend, guard, snapshot })
    }
}

impl Workspace {
    /// `force-unlock ID`: removes the state lock whose ID is given, whoever holds it.
    pub fn force_unlock(&mut self, lock_id: &str) -> Result<(), Diagnostics> {
        self.load_state_settings()?;
        let backend = self.backend()?;
        let r = backend.force_unlock(lock_id).map_err(|e| super::state_diag(e).into());
        let _ = backend.close();
        r
    }
}
