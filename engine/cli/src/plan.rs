//! `meshplan plan`

use super::common::{Ctx, RunFlags};
use crate::render::{plan_json, render_plan, render_refresh_only, Progress};
use meshplan_engine::ops::{self, PlanOptions};
use meshplan_engine::plan::write_plan_file;
use meshplan_engine::walk::NoHook;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub flags: RunFlags,
    /// Save the plan to this file for `apply FILE`.
    #[arg(long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// `-json`: print the plan in Terraform's JSON plan format (what policy tools read);
    /// `-json=ui`: stream Terraform's machine-readable UI messages instead, one per line.
    #[arg(long = "json", value_name = "FORM", num_args = 0..=1, require_equals = true, default_missing_value = "plan")]
    pub json: Option<JsonForm>,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Plan to destroy everything.
    #[arg(long = "destroy")]
    pub destroy: bool,
}

/// What `plan -json` prints. Terraform's `plan -json` is the UI stream; meshplan's prints the
/// plan document (as `show -json PLANFILE`), which policy tools read, and `-json=ui` the stream.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonForm {
    Plan,
    Ui,
}

pub fn options(flags: &RunFlags, destroy: bool) -> PlanOptions {
    PlanOptions {
        vars: flags.var_sources(),
        refresh: flags.refresh,
        destroy,
        targets: flags.target.clone(),
        replace: flags.replace.clone(),
        parallelism: flags.parallelism.max(1),
        lock_timeout: flags.lock_timeout,
        stop: flags.stop.clone(),
    }
}

/// Flags `-refresh-only` cannot be combined with (Terraform's rules, and what meshplan does
/// not do yet: saving or printing a refresh-only plan as JSON).
pub fn refresh_only_conflict(flags: &RunFlags, destroy: bool, saved_or_json: bool) -> Option<String> {
    if !flags.refresh_only {
        return None;
    }
    if destroy {
        Some("Error: Incompatible refresh options\n\nThe -refresh-only option cannot be used with -destroy.\n".into())
    } else if !flags.refresh {
        Some("Error: Incompatible refresh options\n\nIt doesn't make sense to use -refresh-only at the same time as -refresh=false, because meshplan would have nothing to do.\n".into())
    } else if !flags.replace.is_empty() {
        Some("Error: Incompatible refresh options\n\nThe -replace option cannot be used with -refresh-only.\n".into())
    } else if saved_or_json {
        Some("Error: -refresh-only plans cannot be saved (-out), applied from a file or printed as JSON yet\n\nRun `meshplan apply -refresh-only` to record the refreshed objects in the state.\n".into())
    } else {
        None
    }
}

pub async fn run(ctx: &Ctx, a: PlanArgs) -> i32 {
    let mut ws = ctx.workspace();
    ws.vars = a.flags.var_sources();
    if let Some(e) = refresh_only_conflict(&a.flags, a.destroy, a.out.is_some() || a.json.is_some()) {
        ctx.shell.err(&e);
        return 1;
    }
    let ui = (a.json == Some(JsonForm::Ui)).then(|| ctx.json_ui());
    let session = match ctx.open(&mut ws, "plan", a.flags.lock()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (root, snapshot) = (session.root.clone(), session.snapshot.clone());
    let opts = options(&a.flags, a.destroy);
    let result = if let Some(ui) = &ui {
        let progress = Progress::start_json(ui, &ctx.shell, true);
        ops::plan(&ws, &root, &snapshot, &opts, &progress).await
    } else if a.json.is_some() {
        ops::plan(&ws, &root, &snapshot, &opts, &NoHook).await
    } else {
        let progress = Progress::start(&ctx.shell, true);
        ops::plan(&ws, &root, &snapshot, &opts, &progress).await
    };
    session.close();
    let (plan, warnings) = match result {
        Ok(p) => p,
        Err(d) => return ctx.report(&ws, &d),
    };
    let mut later = meshplan_engine::diag::Diagnostics::default();
    ctx.warnings(&ws, &warnings, a.flags.compact_warnings, &mut later);
    let code = show(ctx, &ws, &a, &plan, &snapshot);
    ctx.finish_warnings(&ws, &later);
    code
}

/// Prints the plan (or the refresh-only drift), saves it if asked; the exit code.
fn show(
    ctx: &Ctx,
    ws: &ops::Workspace,
    a: &PlanArgs,
    plan: &meshplan_engine::plan::Plan,
    snapshot: &meshplan_state::Snapshot,
) -> i32 {
    if a.flags.refresh_only {
        let drift = ops::refresh_only::drift(plan, snapshot);
        ctx.shell.out(&render_refresh_only(&drift, &ctx.shell.style));
        return if a.detailed_exitcode && !drift.is_empty() { 2 } else { 0 };
    }
    match a.json {
        Some(JsonForm::Ui) => ctx.json_ui().plan(plan),
        Some(JsonForm::Plan) => ctx.shell.line(&plan_json(plan, Some(snapshot)).to_string()),
        None => ctx.shell.out(&render_plan(plan, &ctx.shell.style)),
    }
    if let Some(out) = &a.out {
        if let Err(e) = write_plan_file(out, plan, &ws.encryption.plan) {
            ctx.shell.err(&format!("Error: {e}\n"));
            return 1;
        }
        if a.json.is_none() {
            ctx.shell.line(&format!(
                "\nSaved the plan to: {}\n\nTo perform exactly these actions, run:\n  meshplan apply {}",
                out.display(),
                out.display()
            ));
        }
    }
    if a.detailed_exitcode && !plan.is_empty() {
        2
    } else {
        0
    }
}
