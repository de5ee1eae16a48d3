//! The parallel executor: runs a DAG of async node tasks, critical path first.

mod executor;
mod permits;

pub use executor::{critical_path_priorities, run_dag, NodeOutcome};
pub use permits::PriorityPermits;
