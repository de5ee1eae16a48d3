//! The data sources.

pub mod certificate;
mod fetch;
pub mod public_key;
