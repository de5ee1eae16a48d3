//! `meshplan plan`

use super::common::{Ctx, RunFlags};
use crate::ops::{self, PlanOptions};
use crate::plan::write_plan_file;
use crate::render::{plan_json, render_plan, Progress};
use crate::walk::NoHook;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct PlanArgs {
    #[command(flatten)]
    pub flags: RunFlags,
    /// Save the plan to this file for `apply FILE`.
    #[arg(long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print the plan in Terraform's JSON plan format.
    #[arg(long = "json")]
    pub json: bool,
    /// Exit 0 when there are no changes, 2 when there are, 1 on error.
    #[arg(long = "detailed-exitcode")]
    pub detailed_exitcode: bool,
    /// Plan to destroy everything.
    #[arg(long = "destroy")]
    pub destroy: bool,
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

pub async fn run(ctx: &Ctx, a: PlanArgs) -> i32 {
    let mut ws = ctx.workspace();
    ws.vars = a.flags.var_sources();
    let session = match ctx.open(&mut ws, "plan", a.flags.lock()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let (root, snapshot) = (session.root.clone(), session.snapshot.clone());
    let opts = options(&a.flags, a.destroy);
    let result = if a.json {
        ops::plan(&ws, &root, &snapshot, &opts, &NoHook).await
    } else {
        let progress = Progress::start(true);
        ops::plan(&ws, &root, &snapshot, &opts, &progress).await
    };
    session.close();
    let (plan, warnings) = match result {
        Ok(p) => p,
        Err(d) => return ctx.report(&ws, &d),
    };
    ctx.report(&ws, &warnings);
    if a.json {
        ctx.shell.line(&plan_json(&plan, Some(&snapshot)).to_string());
    } else {
        ctx.shell.out(&render_plan(&plan, &ctx.shell.style));
    }
    if let Some(out) = &a.out {
        if let Err(e) = write_plan_file(out, &plan, &ws.encryption.plan) {
            ctx.shell.err(&format!("Error: {e}\n"));
            return 1;
        }
        if !a.json {
            ctx.shell.line(&format!("\nSaved the plan to: {}\n\nTo perform exactly these actions, run:\n  meshplan apply {}", out.display(), out.display()));
        }
    }
    if a.detailed_exitcode && !plan.is_empty() {
        2
    } else {
        0
    }
}

