//! The aws provider (being written).
