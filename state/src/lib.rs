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
pub mod backup;
pub mod cipher;
mod error;
mod lock;
mod lock_file;
pub mod private;
mod record;
mod sled_backend;

pub use backend::{Commit, StateBackend};
pub use cipher::{CipherError, Encryption, StateCipher};
pub use error::StateError;
pub use lock::{LockGuard, LockInfo};
pub use record::{Mode, OutputRecord, RecordStatus, ResourceRecord, Snapshot};
pub use sled_backend::SledBackend;

/// The document form of a whole state (`state pull`, backups, one-object backends).
pub use backup::{decode_document, encode_document};

/// A fresh idempotency token for one create attempt: `mp-` and 24 hex digits. Short and plain
/// enough for every API's client token and tag value rules.
pub fn new_intent_token() -> String {
    format!("mp-{}", random_hex(12))
}

/// A lineage in the UUID v4 text form Terraform uses.
pub fn new_lineage() -> String {
    let hex = crate::random_hex(16);
    let mut bytes: Vec<char> = hex.chars().collect();
    bytes[12] = '4'; // version 4
    bytes[16] = ['8', '9', 'a', 'b'][bytes[16].to_digit(16).unwrap_or(0) as usize % 4]; // variant 10xx
    let s: String = bytes.into_iter().collect();
    format!("{}-{}-{}-{}-{}", &s[0..8], &s[8..12], &s[12..16], &s[16..20], &s[20..32])
}

/// `n` random bytes from the OS as lowercase hex (lock ids, lineages).
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    if getrandom::fill(&mut bytes).is_err() {
        // No OS randomness (never seen on Linux): ids need only be unique, not secret.
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
        let seed = t ^ (u128::from(std::process::id()) << 64);
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (seed >> ((i % 16) * 8)) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
