//! `meshplan apply [PLANFILE]` and `meshplan destroy`.

use super::common::{Ctx, RunFlags};
use super::plan::options;
use crate::render::{render_plan, render_refresh_only, JsonUi, Progress};
use meshplan_engine::ops;
use meshplan_engine::plan::read_plan_file;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub flags: RunFlags,
    /// Skip the interactive approval.
    #[arg(long = "auto-approve")]
    pub auto_approve: bool,
    /// A plan saved with `plan -out` (apply only).
    pub plan_file: Option<PathBuf>,
    /// Stream Terraform's machine-readable UI messages, one JSON object per line
    /// (needs -auto-approve or a plan file; `-json=ui` is accepted too).
    #[arg(long = "json", value_name = "FORM", num_args = 0..=1, require_equals = true, default_missing_value = "ui")]
    pub json: Option<UiForm>,
}

/// `apply -json` has one form: the UI stream.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UiForm {
    Ui,
}

pub async fn run(ctx: &Ctx, a: ApplyArgs, destroy: bool) -> i32 {
    let ui = a.json.map(|_| ctx.json_ui());
    if let (Some(ui), false, None) = (&ui, a.auto_approve, &a.plan_file) {
        ui.error(
            "Plan file or auto-approve required",
            "meshplan cannot ask for interactive approval when -json is set. You can either apply a saved plan file, or enable the -auto-approve option.",
        );
        return 1;
    }
    if ui.is_some() && a.flags.refresh_only {
        ctx.shell.err("Error: -refresh-only cannot be combined with -json yet\n");
        return 1;
    }
    let mut ws = ctx.workspace();
    ws.vars = a.flags.var_sources();
    if a.plan_file.is_some() && destroy {
        ctx.shell.err("Error: destroy does not take a plan file; use `meshplan plan -destroy -out=FILE` then `meshplan apply FILE`\n");
        return 1;
    }
    if let Some(e) = super::plan::refresh_only_conflict(&a.flags, destroy, a.plan_file.is_some()) {
        ctx.shell.err(&e);
        return 1;
    }
    let session = match ctx.open(&mut ws, if destroy { "destroy" } else { "apply" }, a.flags.lock()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // Read after the configuration: the plan file may be encrypted with its `plan` method.
    let saved = match &a.plan_file {
        Some(p) => match read_plan_file(p, &ws.encryption.plan) {
            Ok(plan) => Some(plan),
            Err(e) => {
                session.close();
                ctx.shell.err(&format!("Error: {e}\n"));
                return 1;
            }
        },
        None => None,
    };
    let (root, backend, snapshot) = (session.root.clone(), session.backend.clone(), session.snapshot.clone());
    if a.flags.refresh_only {
        let code = refresh_only(ctx, &ws, &a, &root, backend.as_ref(), &snapshot).await;
        session.close();
        return code;
    }
    let progress = match &ui {
        Some(ui) => Progress::start_json(ui, &ctx.shell, saved.is_none()),
        None => Progress::start(&ctx.shell, saved.is_none()),
    };
    // Warnings kept for the end under -compact-warnings.
    let mut later = meshplan_engine::diag::Diagnostics::default();
    let plan = match saved {
        Some(p) => p,
        None => {
            let (plan, warnings) = match ops::plan(&ws, &root, &snapshot, &options(&a.flags, destroy), &progress).await
            {
                Ok(p) => p,
                Err(d) => return ctx.report(&ws, &d),
            };
            ctx.warnings(&ws, &warnings, a.flags.compact_warnings, &mut later);
            match &ui {
                Some(ui) => ui.plan(&plan),
                None => ctx.shell.out(&render_plan(&plan, &ctx.shell.style)),
            }
            if plan.is_empty() {
                if let Some(ui) = &ui {
                    ui.applied(destroy, (0, 0, 0), false);
                }
                ctx.finish_warnings(&ws, &later);
                return 0;
            }
            if !a.auto_approve {
                let what = if destroy { "destroy all resources" } else { "perform these actions" };
                let q = format!("\nDo you really want to {what}?\n  meshplan will {what} described above.\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
                if let Err(code) = approve(ctx, &a, &q, if destroy { "Destroy" } else { "Apply" }) {
                    return code;
                }
            }
            if ui.is_none() {
                ctx.shell.line("");
            }
            plan
        }
    };
    let run = ops::ApplyOptions { parallelism: a.flags.parallelism.max(1), stop: a.flags.stop.clone() };
    let report = match ops::apply(&ws, &root, &snapshot, &plan, backend.clone(), run, &progress).await {
        Ok(r) => r,
        Err(d) => return ctx.report(&ws, &d),
    };
    drop(progress);
    session.close();
    let code = ctx.warnings(&ws, &report.diags, a.flags.compact_warnings, &mut later);
    if let Some(ui) = &ui {
        return json_summary(ui, &report, plan.destroy, code);
    }
    if !report.deferred.is_empty() {
        ctx.shell.line("\nDeferred resources, planned and applied once their provider was configured:");
        for (addr, action) in &report.deferred {
            ctx.shell.line(&format!("  {} {addr}", action.symbol()));
        }
    }
    if let Some(not_started) = report.interrupted {
        let applied = report.added + report.changed + report.destroyed;
        ctx.shell.line(&format!(
            "\n{} {applied} changes applied, {not_started} not started; run `meshplan {}` again.",
            ctx.shell.style.bold("Interrupted:"),
            if destroy { "destroy" } else { "apply" }
        ));
        return 1;
    }
    let done = if code != 0 {
        "Apply failed; what succeeded is saved in the state."
    } else if plan.destroy {
        "Destroy complete!"
    } else {
        "Apply complete!"
    };
    if plan.destroy {
        ctx.shell.line(&format!("\n{} Resources: {} destroyed.", ctx.shell.style.bold(done), report.destroyed));
    } else {
        ctx.shell.line(&format!(
            "\n{} Resources: {} added, {} changed, {} destroyed.",
            ctx.shell.style.bold(done),
            report.added,
            report.changed,
            report.destroyed
        ));
    }
    if !plan.destroy && !report.outputs.is_empty() && code == 0 {
        ctx.shell.line("\nOutputs:\n");
        let width = report.outputs.keys().map(String::len).max().unwrap_or(0);
        for (k, v) in &report.outputs {
            ctx.shell.line(&format!("{k:width$} = {}", crate::render::output_text(v)));
        }
    }
    ctx.finish_warnings(&ws, &later);
    code
}

/// The end of an apply's UI stream: the summary line and the outputs.
fn json_summary(ui: &JsonUi, report: &ops::ApplyReport, destroy: bool, code: i32) -> i32 {
    let counts = (report.added, report.changed, report.destroyed);
    if let Some(not_started) = report.interrupted {
        let applied = counts.0 + counts.1 + counts.2;
        ui.log("error", &format!("Interrupted: {applied} changes applied, {not_started} not started"));
        ui.applied(destroy, counts, true);
        return 1;
    }
    ui.applied(destroy, counts, code != 0);
    if !destroy && code == 0 {
        ui.outputs(&report.outputs);
    }
    code
}

/// Asks `question`; Err(exit code) unless the answer is `yes`.
fn approve(ctx: &Ctx, a: &ApplyArgs, question: &str, what: &str) -> Result<(), i32> {
    let answer = if a.flags.input { ctx.shell.ask(question) } else { None };
    match answer.as_deref() {
        Some("yes") => Ok(()),
        Some(_) => {
            ctx.shell.line(&format!("\n{what} cancelled."));
            Err(1)
        }
        None => {
            ctx.shell.err("\nError: no approval given: run with -auto-approve, or answer `yes` on a terminal\n");
            Err(1)
        }
    }
}

/// `apply -refresh-only`: refresh, show what changed outside meshplan, and record it in the
/// state; no remote object is changed.
async fn refresh_only(
    ctx: &Ctx,
    ws: &ops::Workspace,
    a: &ApplyArgs,
    root: &meshplan_engine::config::Module,
    backend: &dyn meshplan_state::StateBackend,
    snapshot: &meshplan_state::Snapshot,
) -> i32 {
    let progress = Progress::start(&ctx.shell, true);
    let (plan, warnings) = match ops::plan(ws, root, snapshot, &options(&a.flags, false), &progress).await {
        Ok(p) => p,
        Err(d) => return ctx.report(ws, &d),
    };
    drop(progress);
    let mut later = meshplan_engine::diag::Diagnostics::default();
    ctx.warnings(ws, &warnings, a.flags.compact_warnings, &mut later);
    let drift = ops::refresh_only::drift(&plan, snapshot);
    ctx.shell.out(&render_refresh_only(&drift, &ctx.shell.style));
    if !drift.is_empty() && !a.auto_approve {
        let q = "\nWould you like to update the meshplan state to reflect these detected changes?\n  meshplan will write these changes to the state without modifying any real infrastructure.\n  There is no undo. Only 'yes' will be accepted to confirm.\n\n  Enter a value: ";
        if let Err(code) = approve(ctx, a, q, "Apply") {
            return code;
        }
    }
    if let Err(d) = ops::refresh_only::commit(backend, snapshot, &drift) {
        return ctx.report(ws, &d);
    }
    ctx.shell
        .line(&format!("\n{} Resources: 0 added, 0 changed, 0 destroyed.", ctx.shell.style.bold("Apply complete!")));
    ctx.finish_warnings(ws, &later);
    0
}
