use serde::{Deserialize, Serialize};

/// Who holds a state lock, shown to whoever waits for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockInfo {
    /// Random id, the argument of `force-unlock`.
    pub id: String,
    /// `user@host`.
    pub who: String,
    pub pid: u32,
    /// `plan`, `apply`, `destroy`, ...
    pub operation: String,
    /// RFC 3339 time the lock was taken.
    pub since: String,
}

/// Holds a lock until dropped.
pub struct LockGuard {
    release: Option<Box<dyn FnOnce() + Send>>,
    pub info: LockInfo,
}

impl LockGuard {
    pub fn new(info: LockInfo, release: impl FnOnce() + Send + 'static) -> Self {
        LockGuard { release: Some(Box::new(release)), info }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(f) = self.release.take() {
            f();
        }
    }
}
