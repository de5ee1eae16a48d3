//! `meshplan taint ADDRESS` / `meshplan untaint ADDRESS`

use super::common::{Ctx, LockFlags};
use meshplan_engine::ops::taint::{set_tainted, TaintOutcome};

#[derive(clap::Args, Debug)]
pub struct TaintArgs {
    /// The resource instance, e.g. `aws_vpc.main` or `module.m.aws_subnet.s["a"]`.
    pub address: String,
    /// Succeed (with a warning) when the address is not in the state.
    #[arg(long = "allow-missing")]
    pub allow_missing: bool,
    #[command(flatten)]
    pub lock: LockFlags,
}

/// `taint` when `taint`, else `untaint`.
pub fn run(ctx: &Ctx, a: TaintArgs, taint: bool) -> i32 {
    let mut ws = ctx.workspace();
    if let Err(d) = ws.load_state_settings() {
        return ctx.report(&ws, &d);
    }
    let backend = match ws.backend() {
        Ok(b) => b,
        Err(d) => return ctx.report(&ws, &d),
    };
    let guard = if a.lock.lock {
        match ws.lock(backend.as_ref(), if taint { "taint" } else { "untaint" }, a.lock.lock_timeout) {
            Ok(g) => Some(g),
            Err(d) => return ctx.report(&ws, &d),
        }
    } else {
        None
    };
    let result = ws
        .read_state(backend.as_ref())
        .and_then(|snap| set_tainted(backend.as_ref(), &snap, &a.address, taint, a.allow_missing));
    let _ = backend.close();
    drop(guard);
    match result {
        Ok(TaintOutcome::Changed) if taint => {
            ctx.shell.line(&format!("Resource instance {} has been marked as tainted.", a.address));
            0
        }
        Ok(TaintOutcome::Changed) => {
            ctx.shell.line(&format!("Resource instance {} has been successfully untainted.", a.address));
            0
        }
        Ok(TaintOutcome::Missing) => {
            let d = meshplan_engine::diag::Diagnostic::warning("No such resource instance").detail(format!(
                "Resource instance {} was not found, but this is not an error because -allow-missing was set.",
                a.address
            ));
            ctx.report(&ws, &meshplan_engine::diag::Diagnostics(vec![d]))
        }
        Err(d) => ctx.report(&ws, &d),
    }
}
