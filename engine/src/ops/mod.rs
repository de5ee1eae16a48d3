//! Operations: what each CLI command does, with no terminal I/O. Each returns data (a
//! plan, a report, diagnostics) for `render` to show.

mod apply;
pub mod console;
pub mod encryption;
mod fmt;
mod import;
pub mod init;
pub mod modules;
mod moves;
mod plan;
pub mod providers;
pub mod refresh_only;
mod removed;
pub mod session;
pub mod state_edit;
pub mod state_io;
pub mod state_store;
pub mod taint;
mod validate;
mod variables;
mod workspace;
pub mod workspaces;

pub use apply::{apply, ApplyOptions, ApplyReport};
pub use fmt::{fmt_diff, format_files, format_source, format_text, FmtFile, FmtOutcome};
pub use import::import;
pub use plan::{plan, PlanOptions};
pub use session::Session;
pub use validate::validate;
pub use variables::VarSource;
pub use workspace::{now_rfc3339_micros, state_diag, Workspace};
