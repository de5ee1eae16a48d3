//! Configuration: `*.mp.hcl` files of a directory parsed into a [`Module`] tree.
//!
//! Parsing never panics: every problem is a [`crate::diag::Diagnostic`] with a span, and
//! loading goes on past a bad block so one run reports as much as it can.

mod load;
mod model;
pub mod references;

pub use load::{load_module, parse_vars_file};
pub use model::*;
