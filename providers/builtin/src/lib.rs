//! The builtin provider (being written).
