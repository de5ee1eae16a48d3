//! The `meshplan` command line: one module per subcommand, each parsing its flags, calling
//! an operation (`meshplan_engine::ops`) and mapping the outcome to an exit code. Terraform's
//! single-dash long flags (`-out=plan`, `-auto-approve`) are accepted as well as `--out`.
//! [`render`] is the only code that writes to the terminal.

mod apply;
mod common;
mod console;
mod misc;
mod plan;
mod providers;
mod signals;
mod state;
mod taint;
mod workspace;

pub mod render;

use clap::{Parser, Subcommand};
use common::Ctx;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "meshplan",
    version,
    about = "Plan and apply multi-cluster service-mesh infrastructure (AWS, Kubernetes, TLS) in one run."
)]
pub struct Cli {
    /// Switch to DIR before doing anything (Terraform's -chdir).
    #[arg(long = "chdir", global = true, value_name = "DIR")]
    pub chdir: Option<PathBuf>,
    /// Disable colored output.
    #[arg(long = "no-color", global = true)]
    pub no_color: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Prepare the working directory: install modules, check the configuration, create the state directory.
    Init(misc::InitArgs),
    /// Install the modules the configuration calls (the module part of init).
    Get(misc::GetArgs),
    /// Check the configuration without contacting providers.
    Validate(misc::ValidateArgs),
    /// Show what apply would change.
    Plan(plan::PlanArgs),
    /// Create or update infrastructure (plans first unless given a saved plan).
    Apply(apply::ApplyArgs),
    /// Destroy everything this configuration manages.
    Destroy(apply::ApplyArgs),
    /// Show a saved plan or the current state.
    Show(misc::ShowArgs),
    /// Show output values.
    Output(misc::OutputArgs),
    /// Inspect or change the state.
    #[command(subcommand)]
    State(state::StateCommand),
    /// Bring an existing object under management: `import ADDR ID`.
    Import(misc::ImportArgs),
    /// The dependency graph in Graphviz DOT.
    Graph(misc::GraphArgs),
    /// Rewrite *.mp.hcl, *.tf and variables files in the canonical format.
    Fmt(misc::FmtArgs),
    /// Manage workspaces (one state each).
    #[command(subcommand)]
    Workspace(workspace::WorkspaceCommand),
    /// The providers the configuration needs; `providers schema -json` prints their schemas.
    Providers(providers::ProvidersArgs),
    /// Mark a resource instance to be replaced by the next apply.
    Taint(taint::TaintArgs),
    /// Clear a resource instance's tainted mark.
    Untaint(taint::TaintArgs),
    /// Remove a stale state lock.
    #[command(name = "force-unlock")]
    ForceUnlock(misc::ForceUnlockArgs),
    /// Evaluate expressions read from stdin against the configuration and state.
    Console(console::ConsoleArgs),
    /// Print the version.
    Version,
}

/// Rewrites Terraform-style `-flag[=v]` into `--flag[=v]` (single-letter flags stay).
pub fn normalize_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    args.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let name_len = a.trim_start_matches('-').split('=').next().map(str::len).unwrap_or(0);
            if i > 0 && a.starts_with('-') && !a.starts_with("--") && name_len > 1 {
                format!("-{a}")
            } else {
                a
            }
        })
        .collect()
}

/// Runs the CLI; returns the process exit code.
pub fn main_with(args: Vec<String>, registry: meshplan_engine::registry::Registry) -> i32 {
    let cli = match Cli::try_parse_from(normalize_args(args)) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 1 } else { 0 };
        }
    };
    let dir = cli.chdir.clone().unwrap_or_else(|| PathBuf::from("."));
    let ctx = Ctx::new(dir, registry, !cli.no_color);
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            ctx.shell.err(&format!("Error: cannot start the async runtime: {e}\n"));
            return 1;
        }
    };
    let stop = meshplan_engine::walk::Stop::new();
    runtime.block_on(async move {
        signals::listen(stop.clone(), !cli.no_color);
        match cli.command {
            Command::Init(a) => misc::init(&ctx, a),
            Command::Get(a) => misc::get(&ctx, a),
            Command::Validate(a) => misc::validate(&ctx, a),
            Command::Plan(mut a) => {
                a.flags.stop = stop;
                plan::run(&ctx, a).await
            }
            Command::Apply(mut a) => {
                a.flags.stop = stop;
                apply::run(&ctx, a, false).await
            }
            Command::Destroy(mut a) => {
                a.flags.stop = stop;
                apply::run(&ctx, a, true).await
            }
            Command::Show(a) => misc::show(&ctx, a),
            Command::Output(a) => misc::output(&ctx, a),
            Command::State(c) => state::run(&ctx, c),
            Command::Workspace(c) => workspace::run(&ctx, c),
            Command::Import(a) => misc::import(&ctx, a).await,
            Command::Graph(a) => misc::graph(&ctx, a),
            Command::Fmt(a) => misc::fmt(&ctx, a),
            Command::Providers(a) => providers::run(&ctx, a),
            Command::Taint(a) => taint::run(&ctx, a, true),
            Command::Untaint(a) => taint::run(&ctx, a, false),
            Command::ForceUnlock(a) => misc::force_unlock(&ctx, a),
            Command::Console(a) => console::run(&ctx, a),
            Command::Version => {
                ctx.shell.line(&format!("meshplan v{}", env!("CARGO_PKG_VERSION")));
                0
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terraform_style_flags() {
        let v = normalize_args(
            ["meshplan", "plan", "-out=x", "-var", "a=b", "-no-color", "--json", "-h"].map(String::from),
        );
        assert_eq!(v, vec!["meshplan", "plan", "--out=x", "--var", "a=b", "--no-color", "--json", "-h"]);
    }
}
