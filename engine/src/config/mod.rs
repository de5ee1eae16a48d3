//! Configuration: the `*.mp.hcl` / `*.tf` files of a directory (and their JSON forms,
//! `*.mp.json` / `*.tf.json`) parsed into a [`Module`] tree.
//!
//! Parsing never panics: every problem is a [`crate::diag::Diagnostic`] with a span, and
//! loading goes on past a bad block so one run reports as much as it can.

pub mod files;
pub mod installed;
mod json_syntax;
mod json_value;
mod load;
mod model;
mod overrides;
pub(crate) mod read;
pub mod references;

pub use load::{constant_json, load_module, load_module_shallow, traversal_path};
pub use model::*;
pub use read::parse_vars_file;
