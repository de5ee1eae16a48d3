//! The sled backend (being written).
/// Placeholder until the sled backend lands.
pub struct SledBackend;
