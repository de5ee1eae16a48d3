//! State storage for meshplan.
//!
//! A [`StateBackend`] holds one [`ResourceRecord`] per resource instance plus the root
//! module's outputs, under a lineage (which state this is) and a serial (bumped by every
//! commit). Every completed change is committed on its own, atomically: a killed apply
//! loses at most the changes in flight. Locks carry who holds them, so a second apply can
//! wait, then fail naming the holder.
//!
//! Neighbours: depends only on the provider SDK (for [`meshplan_provider::Path`]); the engine
//! is its only user. No printing: errors are typed ([`StateError`]).

mod backend;
mod error;
mod lock;
mod record;
mod sled_backend;

pub use backend::{Commit, StateBackend};
pub use error::StateError;
pub use lock::{LockGuard, LockInfo};
pub use record::{OutputRecord, RecordStatus, ResourceMode, ResourceRecord, Snapshot};
pub use sled_backend::SledBackend;
