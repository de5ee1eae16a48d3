//! Operations: what each CLI command does, with no terminal I/O. Each returns data (a
//! plan, a report, diagnostics) for `render` to show.

mod apply;
pub mod console;
pub mod encryption;
pub mod modules;
mod fmt;
mod import;
pub mod init;
mod moves;
mod plan;
pub mod refresh_only;
mod removed;
pub mod providers;
pub mod state_io;
pub mod state_store;
pub mod taint;
pub mod workspaces;
mod validate;
mod variables;
mod workspace;

pub use apply::{apply, ApplyOptions, ApplyReport};
pub use plan::{plan, PlanOptions};
pub use variables::VarSource;
pub use workspace::{state_diag, Workspace};
pub use fmt::{fmt_diff, format_source};
pub use import::import;
pub use validate::validate;
