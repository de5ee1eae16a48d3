//! Builtin functions (being written).
