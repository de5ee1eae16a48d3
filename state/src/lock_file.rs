//! The state lock as a file beside the sled database: `<dir>/lock.json`, holding the
//! holder's [`LockInfo`].
//!
//! Why a file of our own and not sled's: sled takes an exclusive OS lock on its database
//! for as long as it is open, so a second process cannot even open it to learn who holds
//! it. A plain file can be read by anyone, which is what lets a waiting `apply` name the
//! holder, and lets `force-unlock` work while the holder is gone.
//!
//! The file is written in full to a private temporary name first and then hard-linked to
//! `lock.json`; the link fails when `lock.json` exists, which gives the same exclusivity as
//! `O_CREAT|O_EXCL` without a window in which another process can see an empty lock file.

use crate::{LockGuard, LockInfo, StateError};
use std::fs;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How often a waiting locker looks again.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// The lock file of one state directory.
#[derive(Clone, Debug)]
pub(crate) struct LockFile {
    path: PathBuf,
}

impl LockFile {
    pub(crate) fn new(dir: &Path) -> Self {
        LockFile { path: dir.join("lock.json") }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Takes the lock, polling until `timeout`; then fails naming the holder.
    /// A lock left by a dead process of this host is taken over at once (see [`holder_is_dead`]).
    pub(crate) fn lock(&self, info: LockInfo, timeout: Duration) -> Result<LockGuard, StateError> {
        let deadline = Instant::now() + timeout;
        let mut taken_over = None;
        loop {
            if self.try_create(&info)? {
                let this = self.clone();
                let id = info.id.clone();
                let mut guard = LockGuard::new(info, move || this.release(&id));
                guard.taken_over = taken_over;
                return Ok(guard);
            }
            if let Some(dead) = self.holder()?.filter(holder_is_dead) {
                if self.remove_if_held_by(&dead, &info)? {
                    taken_over = Some(dead);
                }
                continue;
            }
            if Instant::now() >= deadline {
                return Err(match self.holder()? {
                    Some(holder) if holder_is_dead(&holder) => StateError::LockedByDeadProcess(holder),
                    Some(holder) => StateError::Locked(holder),
                    // Released between our attempt and our look: try once more.
                    None if self.try_create(&info)? => {
                        let this = self.clone();
                        let id = info.id.clone();
                        return Ok(LockGuard::new(info, move || this.release(&id)));
                    }
                    None => StateError::Io(format!("could not take the lock {}", self.path.display())),
                });
            }
            std::thread::sleep(POLL_INTERVAL.min(deadline.saturating_duration_since(Instant::now())));
        }
    }

    /// Who holds the lock, if anyone.
    pub(crate) fn holder(&self) -> Result<Option<LockInfo>, StateError> {
        let bytes = match fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error(&self.path, e)),
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| StateError::Corrupt {
            key: self.path.display().to_string(),
            message: format!("{e}; if no meshplan is running, delete the file by hand"),
        })
    }

    /// Removes the lock when its id is `id`.
    pub(crate) fn force_unlock(&self, id: &str) -> Result<(), StateError> {
        match self.holder()? {
            Some(h) if h.id == id => match fs::remove_file(&self.path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == ErrorKind::NotFound => Err(StateError::NoSuchLock(id.to_string())),
                Err(e) => Err(io_error(&self.path, e)),
            },
            _ => Err(StateError::NoSuchLock(id.to_string())),
        }
    }

    /// Removes the lock file when it still holds `holder`'s lock. The file is first renamed
    /// to a name of our own, so two processes taking over the same dead lock cannot remove
    /// a lock that one of them has just taken; a lock that turns out not to be `holder`'s is
    /// put back.
    fn remove_if_held_by(&self, holder: &LockInfo, us: &LockInfo) -> Result<bool, StateError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let aside = dir.join(format!(".lock.{}.{}.stale", std::process::id(), us.id));
        match fs::rename(&self.path, &aside) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(io_error(&self.path, e)),
        }
        let moved: Option<LockInfo> = fs::read(&aside).ok().and_then(|b| serde_json::from_slice(&b).ok());
        if moved.as_ref().is_some_and(|m| m.id == holder.id) {
            let _ = fs::remove_file(&aside);
            return Ok(true);
        }
        // Not the dead holder's: restore it (unless yet another lock was taken meanwhile).
        let _ = fs::hard_link(&aside, &self.path);
        let _ = fs::remove_file(&aside);
        Ok(false)
    }

    /// True when we took the lock; false when someone else holds it.
    fn try_create(&self, info: &LockInfo) -> Result<bool, StateError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
        let tmp = dir.join(format!(".lock.{}.{}.tmp", std::process::id(), info.id));
        let json = serde_json::to_vec_pretty(info).map_err(|e| StateError::Io(e.to_string()))?;
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&json)?;
            f.sync_all()
        };
        write().map_err(|e| io_error(&tmp, e))?;
        let linked = fs::hard_link(&tmp, &self.path);
        let _ = fs::remove_file(&tmp);
        match linked {
            Ok(()) => {
                // Make the new directory entry durable, so a crash cannot lose a held lock.
                if let Ok(d) = fs::File::open(dir) {
                    let _ = d.sync_all();
                }
                Ok(true)
            }
            Err(e) if e.kind() == ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(io_error(&self.path, e)),
        }
    }

    /// Removes the file if it is still ours (it may have been force-unlocked and re-taken).
    fn release(&self, id: &str) {
        if let Ok(Some(h)) = self.holder() {
            if h.id == id {
                let _ = fs::remove_file(&self.path);
            }
        }
    }
}

fn io_error(path: &Path, e: std::io::Error) -> StateError {
    StateError::Io(format!("{}: {e}", path.display()))
}

fn holder_is_dead(holder: &LockInfo) -> bool {
    holder.holder_is_dead()
}
