//! Plans: the changes a run will make, how they are computed, and saved plan files.

pub mod configuration;
mod model;
mod planfile;

pub use model::{Action, OutputChange, Plan, ResourceChange, CHECK_READ_REASON};
pub use planfile::{read_plan_file, write_plan_file, PlanFileError};
