use crate::LockInfo;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("the state is locked by {} (pid {}, operation {}, since {}; lock id {})", .0.who, .0.pid, .0.operation, .0.since, .0.id)]
    Locked(LockInfo),
    /// Like `Locked`, but the holder ran on this host and its process is gone. The lock is
    /// not broken automatically: the user decides, with `force-unlock`.
    #[error("the state is locked by {} (pid {}, operation {}, since {}; lock id {}), but that process is no longer running on this host; if no other meshplan is running, release it with `meshplan force-unlock {}`", .0.who, .0.pid, .0.operation, .0.since, .0.id, .0.id)]
    LockedByDeadProcess(LockInfo),
    #[error("no lock with id {0:?} is held")]
    NoSuchLock(String),
    #[error("cannot open the state at {path}: {message}")]
    Open { path: String, message: String },
    #[error("the state record {key:?} is unreadable: {message}")]
    Corrupt { key: String, message: String },
    #[error("no resource instance at {0:?} in the state")]
    NotFound(String),
    /// The configured encryption cannot open (or seal) the state.
    #[error(transparent)]
    Cipher(#[from] crate::cipher::CipherError),
    #[error("state storage failed: {0}")]
    Io(String),
}
