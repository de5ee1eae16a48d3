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
    /// The lock of a process that died on this host without releasing it, taken over to get
    /// this one (for the caller to say so).
    pub taken_over: Option<LockInfo>,
}

impl LockGuard {
    pub fn new(info: LockInfo, release: impl FnOnce() + Send + 'static) -> Self {
        LockGuard { release: Some(Box::new(release)), info, taken_over: None }
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        if let Some(f) = self.release.take() {
            f();
        }
    }
}

impl LockInfo {
    /// Holder info for this process: a random id, `user@host`, our pid, and now.
    pub fn for_this_process(operation: &str) -> Self {
        let user = std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| "unknown".into());
        let host = this_host().unwrap_or_else(|| "localhost".into());
        LockInfo {
            id: crate::random_hex(16),
            who: format!("{user}@{host}"),
            pid: std::process::id(),
            operation: operation.to_string(),
            since: humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string(),
        }
    }
}

impl LockInfo {
    /// True when the holder ran on this host and its process is gone. A reused pid makes a
    /// dead holder look alive (then `force-unlock` is still needed), never the reverse; a
    /// holder on another host is never judged dead.
    pub fn holder_is_dead(&self) -> bool {
        let Some(host) = this_host() else { return false };
        let holder_host = self.who.rsplit_once('@').map(|(_, h)| h).unwrap_or("");
        holder_host == host && self.pid != 0 && !std::path::Path::new(&format!("/proc/{}", self.pid)).exists()
            // Without /proc we cannot tell.
            && std::path::Path::new("/proc/self").exists()
    }
}

fn this_host() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

impl std::fmt::Debug for LockGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LockGuard").field("info", &self.info).finish_non_exhaustive()
    }
}
