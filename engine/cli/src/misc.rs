//! The smaller subcommands: init (module installation in `ops::modules`), validate, show, output, import, graph, fmt, force-unlock.

use super::common::{Ctx, RunFlags};
use crate::render::{module_event, output_text, outputs_json, plan_json, render_plan, state_json, validate_json};
use meshplan_engine::graph::{build_graph, to_dot, to_dot_resources};
use meshplan_engine::ops;
use meshplan_engine::plan::read_plan_file;
use meshplan_provider::Value;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug)]
pub struct ValidateArgs {
    #[arg(long = "json")]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ShowArgs {
    #[arg(long = "json")]
    pub json: bool,
    /// A saved plan file; without it, the state is shown.
    pub plan_file: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct OutputArgs {
    #[arg(long = "json")]
    pub json: bool,
    /// Print a string output without quotes.
    #[arg(long = "raw")]
    pub raw: bool,
    pub name: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ImportArgs {
    #[command(flatten)]
    pub flags: RunFlags,
    pub address: String,
    pub id: String,
}

#[derive(clap::Args, Debug)]
pub struct GraphArgs {
    /// `plan` (also plan-refresh-only, plan-destroy, apply): every node. Without it, resources only.
    #[arg(long = "type", value_name = "TYPE", value_parser = ["plan", "plan-refresh-only", "plan-destroy", "apply"])]
    pub graph_type: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct FmtArgs {
    /// Exit 3 (and change nothing) when a file is not formatted.
    #[arg(long = "check")]
    pub check: bool,
    /// Also format module directories below.
    #[arg(long = "recursive")]
    pub recursive: bool,
    /// Print the changes as unified diffs.
    #[arg(long = "diff")]
    pub diff: bool,
    /// List the files whose formatting differs (default true).
    #[arg(long = "list", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub list: bool,
    /// Rewrite the files (default true; always false with -check).
    #[arg(long = "write", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub write: bool,
    /// Files or directories to format (default: the working directory); `-` formats stdin to stdout.
    #[arg(allow_hyphen_values = true)]
    pub targets: Vec<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct ForceUnlockArgs {
    pub lock_id: String,
    #[arg(long = "force")]
    pub force: bool,
}

#[derive(clap::Args, Debug, Default)]
pub struct InitArgs {
    /// Copy the states to a changed backend.
    #[arg(long = "migrate-state")]
    pub migrate_state: bool,
    /// Use a changed backend as it is, without copying the states.
    #[arg(long = "reconfigure")]
    pub reconfigure: bool,
    /// Accepted for Terraform compatibility: meshplan never prompts during a migration.
    #[arg(long = "force-copy")]
    pub force_copy: bool,
    /// Accepted for Terraform compatibility (meshplan never prompts).
    #[arg(long = "input", value_name = "BOOL", default_value = "true", action = clap::ArgAction::Set)]
    pub input: bool,
    /// Re-resolve module versions (and fetch git/http sources again) instead of keeping what is installed.
    #[arg(long = "upgrade")]
    pub upgrade: bool,
    /// A backend setting `KEY=VALUE`, or a file of `key = value` lines (repeatable; Terraform's
    /// partial backend configuration).
    #[arg(long = "backend-config", value_name = "KEY=VALUE|FILE")]
    pub backend_config: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct GetArgs {
    /// Re-resolve versions and fetch every source again (init's -upgrade).
    #[arg(long = "update")]
    pub update: bool,
}

/// Installs the configuration's modules, printing Terraform's lines (after `header`, if
/// any line is printed). Returns the diagnostics and whether anything was printed.
fn install_modules(
    ctx: &Ctx,
    ws: &ops::Workspace,
    upgrade: bool,
    header: Option<&str>,
) -> (meshplan_engine::diag::Diagnostics, bool) {
    let mut printed = false;
    let diags = ops::modules::install_modules(&ws.dir, &ws.sources, upgrade, &mut |event| {
        if let (false, Some(h)) = (printed, header) {
            ctx.shell.line(h);
        }
        printed = true;
        ctx.shell.line(&module_event(&event));
    });
    (diags, printed)
}

/// `get`: only the module installation of `init`.
pub fn get(ctx: &Ctx, a: GetArgs) -> i32 {
    let ws = ctx.workspace();
    let (diags, _) = install_modules(ctx, &ws, a.update, None);
    ctx.report(&ws, &diags)
}

pub fn init(ctx: &Ctx, a: InitArgs) -> i32 {
    let mut ws = ctx.workspace();
    let header = if a.upgrade { "Upgrading modules..." } else { "Initializing modules..." };
    let (diags, said_header) = install_modules(ctx, &ws, a.upgrade, Some(header));
    // Warnings (a missing CLI configuration file) are shown too; only errors stop init.
    if ctx.report(&ws, &diags) != 0 {
        return 1;
    }
    let root = match ws.load_for_init() {
        Ok(r) => r,
        Err(d) => return ctx.report(&ws, &d),
    };
    if let Err(d) = ws.configure_encryption(&root) {
        return ctx.report(&ws, &d);
    }
    let backend_config = match ops::init::parse_backend_config(&a.backend_config, &ws.dir, &ws.sources) {
        Ok(c) => c,
        Err(d) => return ctx.report(&ws, &d),
    };
    let opts = ops::init::InitOptions {
        migrate_state: a.migrate_state || a.force_copy,
        reconfigure: a.reconfigure,
        backend_config,
    };
    let done = match ops::init::init_backend(&mut ws, &root, &opts) {
        Ok(d) => d,
        Err(d) => return ctx.report(&ws, &d),
    };
    if said_header {
        ctx.shell.line("");
    }
    ctx.shell.line(&format!("Initializing the backend ({})...", done.description));
    if let Some(previous) = &done.previous {
        match done.migrated.as_slice() {
            [] if opts.migrate_state => {
                ctx.shell.line(&format!("No state to copy from the previous backend ({previous})."))
            }
            [] => ctx.shell.line(&format!("Reconfigured: the previous backend ({previous}) is left as it was.")),
            names => ctx.shell.line(&format!(
                "Copied the state of workspace(s) {} from the previous backend ({previous}).",
                names.join(", ")
            )),
        }
    }
    let mut names: Vec<&String> = ws.registry.providers.keys().collect();
    names.sort();
    ctx.shell.line(&format!("Providers built in: {}", names.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")));
    ctx.shell.line("\nmeshplan has been successfully initialized!");
    0
}

pub fn validate(ctx: &Ctx, a: ValidateArgs) -> i32 {
    let mut ws = ctx.workspace();
    // As Terraform: validate needs no initialized backend.
    let diags = match ws.load_for_init() {
        Ok(root) => ops::validate(&ws, &root),
        Err(d) => d,
    };
    if a.json {
        // Terraform: the JSON document alone on stdout, exit 1 when invalid.
        ctx.shell.line(&validate_json(&diags, &ws.sources));
        return i32::from(diags.has_errors());
    }
    let code = ctx.report(&ws, &diags);
    if code == 0 {
        ctx.shell.line("Success! The configuration is valid.");
    }
    code
}

pub fn show(ctx: &Ctx, a: ShowArgs) -> i32 {
    if let Some(p) = a.plan_file {
        let mut ws = ctx.workspace();
        if let Err(d) = ws.load_state_settings() {
            return ctx.report(&ws, &d);
        }
        return match read_plan_file(&p, &ws.encryption.plan) {
            Ok(plan) if a.json => {
                ctx.shell.line(&plan_json(&plan, None).to_string());
                0
            }
            Ok(plan) => {
                ctx.shell.out(&render_plan(&plan, &ctx.shell.style));
                0
            }
            Err(e) => {
                ctx.shell.err(&format!("Error: {e}\n"));
                1
            }
        };
    }
    let mut ws = ctx.workspace();
    let snap = match read_state(ctx, &mut ws) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if a.json {
        ctx.shell.line(&state_json(&snap).to_string());
    } else if snap.resources.is_empty() {
        ctx.shell.line("The state file is empty. No resources are represented.");
    } else {
        for r in snap.resources.values() {
            ctx.shell.line(&format!("# {}:", r.address));
            let v = Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths);
            if let Some(m) = v.as_object() {
                let width = m.keys().map(String::len).max().unwrap_or(0);
                for (k, x) in m {
                    ctx.shell.line(&format!("    {k:width$} = {}", output_text(x)));
                }
            }
            ctx.shell.line("");
        }
    }
    0
}

fn read_state(ctx: &Ctx, ws: &mut ops::Workspace) -> Result<meshplan_state::Snapshot, i32> {
    let session = ctx.open_state(ws, "read", Some(Duration::from_secs(5)), false)?;
    let snapshot = session.snapshot.clone();
    session.close();
    Ok(snapshot)
}

pub fn output(ctx: &Ctx, a: OutputArgs) -> i32 {
    let mut ws = ctx.workspace();
    let snap = match read_state(ctx, &mut ws) {
        Ok(s) => s,
        Err(code) => return code,
    };
    match a.name {
        Some(n) => match snap.outputs.get(&n) {
            Some(o) => {
                // Asking for one output by name is asking to see it, as in Terraform.
                if a.raw {
                    match &o.value {
                        serde_json::Value::String(s) => ctx.shell.out(s),
                        serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                            ctx.shell.out(&o.value.to_string())
                        }
                        _ => {
                            ctx.shell.err("Error: -raw works only for string, number and bool outputs; use -json\n");
                            return 1;
                        }
                    }
                } else if a.json {
                    ctx.shell.line(&o.value.to_string());
                } else {
                    ctx.shell.line(&output_text(&Value::from_json(&o.value)));
                }
                0
            }
            None => {
                ctx.shell.err(&format!("Error: output {n:?} not found\n"));
                1
            }
        },
        None if a.json => {
            ctx.shell.line(&outputs_json(&snap.outputs).to_string());
            0
        }
        None => {
            let width = snap.outputs.keys().map(String::len).max().unwrap_or(0);
            for (k, o) in &snap.outputs {
                let v = Value::from_json(&o.value);
                let v = if o.sensitive { v.mark_sensitive() } else { v };
                ctx.shell.line(&format!("{k:width$} = {}", output_text(&v)));
            }
            0
        }
    }
}

pub async fn import(ctx: &Ctx, a: ImportArgs) -> i32 {
    let mut ws = ctx.workspace();
    let session = match ctx.open(&mut ws, "import", a.flags.lock()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (root, backend, snap) = (session.root.clone(), session.backend.clone(), session.snapshot.clone());
    let opts = super::plan::options(&a.flags, false);
    let r = ops::import(&ws, &root, &snap, backend.as_ref(), &a.address, &a.id, &opts).await;
    session.close();
    match r {
        Ok(()) => {
            ctx.shell.line(&format!("{}: Import prepared!\n\nImport successful!\n\nThe resources that were imported are shown above. These resources are now in\nyour meshplan state and will henceforth be managed by meshplan.", a.address));
            0
        }
        Err(d) => ctx.report(&ws, &d),
    }
}

pub fn graph(ctx: &Ctx, a: GraphArgs) -> i32 {
    let mut ws = ctx.workspace();
    let root = match ws.load() {
        Ok(r) => r,
        Err(d) => return ctx.report(&ws, &d),
    };
    let (g, diags) = build_graph(&root, &[]);
    if diags.has_errors() {
        return ctx.report(&ws, &diags);
    }
    ctx.shell.out(&if a.graph_type.is_some() { to_dot(&g) } else { to_dot_resources(&g) });
    0
}

pub fn fmt(ctx: &Ctx, a: FmtArgs) -> i32 {
    if a.targets.iter().any(|t| t.as_os_str() == "-") {
        return fmt_stdin(ctx, &a);
    }
    let files = match ops::format_files(&ctx.dir, &a.targets, a.recursive, a.write && !a.check) {
        Ok(f) => f,
        Err(d) => return ctx.report(&ctx.workspace(), &d),
    };
    let (mut unformatted, mut failed) = (false, false);
    for f in files {
        match f.outcome {
            ops::FmtOutcome::Unchanged => {}
            ops::FmtOutcome::Changed { before, after } => {
                unformatted = true;
                if a.list {
                    ctx.shell.line(&f.name);
                }
                if a.diff {
                    ctx.shell.out(&ops::fmt_diff(&f.name, &before, &after));
                }
            }
            ops::FmtOutcome::Invalid { message } | ops::FmtOutcome::WriteFailed { message } => {
                ctx.shell.err(&format!("Error: {message}\n"));
                failed = true;
            }
        }
    }
    if failed {
        1
    } else if a.check && unformatted {
        3
    } else {
        0
    }
}

/// `fmt -`: standard input formatted to standard output (with -check, only the exit code).
fn fmt_stdin(ctx: &Ctx, a: &FmtArgs) -> i32 {
    let mut src = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut src) {
        ctx.shell.err(&format!("Error: cannot read standard input: {e}\n"));
        return 1;
    }
    let formatted = match ops::format_text(&src, "<stdin>") {
        Ok(f) => f,
        Err(message) => {
            ctx.shell.err(&format!("Error: {message}\n"));
            return 1;
        }
    };
    if a.check {
        return if formatted == src { 0 } else { 3 };
    }
    if a.diff {
        ctx.shell.out(&ops::fmt_diff("<stdin>", &src, &formatted));
    } else {
        ctx.shell.out(&formatted);
    }
    0
}

pub fn force_unlock(ctx: &Ctx, a: ForceUnlockArgs) -> i32 {
    let mut ws = ctx.workspace();
    let _ = a.force;
    match ws.force_unlock(&a.lock_id) {
        Ok(()) => {
            ctx.shell.line("meshplan state has been successfully unlocked!");
            0
        }
        Err(d) => ctx.report(&ws, &d),
    }
}
