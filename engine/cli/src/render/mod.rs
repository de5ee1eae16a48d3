//! Everything the user sees: plan text, JSON, progress, diagnostics. The only module that
//! writes to the terminal ([`Shell`]).

mod diagnostics;
mod drift;
mod json_ui;
mod modules;
mod plan_json;
mod plan_text;
mod progress;
mod providers;
mod shell;
mod state_json;
mod validate_json;
mod value;

pub use diagnostics::{render_compact_warnings, render_diagnostics};
pub use drift::render_refresh_only;
pub use json_ui::JsonUi;
pub use modules::module_event;
pub use plan_json::{plan_json, state_json};
pub use plan_text::{render_change, render_plan, render_state_instance};
pub use progress::Progress;
pub use providers::render_providers;
pub use shell::Shell;
pub use state_json::outputs_json;
pub use validate_json::validate_json;
pub use value::{output_text, quote, scalar};

/// Terminal styling (ANSI colors unless -no-color).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    /// Colors a plan symbol: green +, yellow ~, red -, cyan <=.
    pub fn marker(&self, m: &str) -> String {
        if !self.color {
            return m.to_string();
        }
        let t = m.trim();
        let code = match t {
            "+" => "32",
            "~" => "33",
            "-" => "31",
            "<=" => "36",
            "-/+" | "+/-" => "35",
            _ => return m.to_string(),
        };
        format!("\x1b[{code}m{m}\x1b[0m")
    }
}
