use crate::LockInfo;

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("the state is locked by {} (pid {}, operation {}, since {}; lock id {})", .0.who, .0.pid, .0.operation, .0.since, .0.id)]
    Locked(LockInfo),
    #[error("no lock with id {0:?} is held")]
    NoSuchLock(String),
    #[error("cannot open the state at {path}: {message}")]
    Open { path: String, message: String },
    #[error("the state record {key:?} is unreadable: {message}")]
    Corrupt { key: String, message: String },
    #[error("no resource instance at {0:?} in the state")]
    NotFound(String),
    #[error("state storage failed: {0}")]
    Io(String),
}
