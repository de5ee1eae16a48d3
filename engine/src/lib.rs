//! The meshplan engine: configuration → graph → plan → apply, over providers and a state backend.
//!
//! Data flow (see ARCHITECTURE.md): [`config`] loads `*.mp.hcl` into a module tree;
//! [`graph`] builds the dependency graph; [`plan`] walks it to compute changes; [`apply`]
//! executes them. The engine never writes to the terminal: operations report through
//! [`hooks`] and return values that the CLI crate (`meshplan-cli`) renders.

pub mod addrs;
pub mod apply;
pub mod config;
pub mod diag;
pub mod eval;
pub mod graph;
pub mod hooks;
pub mod ops;
pub mod plan;
pub mod registry;
pub mod remote_state;
pub mod walk;
