//! `meshplan state list|show|rm|mv|pull|push`

use super::common::{Ctx, LockFlags};
use crate::render::render_state_instance;
use meshplan_engine::ops::{state_edit, state_io};
use std::time::Duration;

#[derive(clap::Subcommand, Debug)]
pub enum StateCommand {
    /// List resource instances in the state (optionally filtered by address prefix).
    List { addresses: Vec<String> },
    /// Show one resource instance's attributes (sensitive values hidden).
    Show { address: String },
    /// Forget resource instances without destroying them.
    Rm {
        addresses: Vec<String>,
        #[command(flatten)]
        lock: LockFlags,
    },
    /// Move a resource instance to another address.
    Mv {
        from: String,
        to: String,
        #[command(flatten)]
        lock: LockFlags,
    },
    /// Print the whole state as JSON (the format of `.meshplan/backups/`).
    Pull,
    /// Replace the state with a JSON document from `state pull` or a backup.
    Push {
        path: std::path::PathBuf,
        /// Push even when the lineage differs or the serial is older.
        #[arg(long = "force")]
        force: bool,
        #[command(flatten)]
        lock: LockFlags,
    },
}

pub fn run(ctx: &Ctx, c: StateCommand) -> i32 {
    let mut ws = ctx.workspace();
    let (op, lock, restoring) = match &c {
        StateCommand::List { .. } | StateCommand::Show { .. } | StateCommand::Pull => {
            ("state-read", Some(Duration::ZERO), false)
        }
        StateCommand::Rm { lock, .. } | StateCommand::Mv { lock, .. } => ("state-write", lock.timeout(), false),
        // A push restores a database moved aside after damage: there may be nothing to read.
        StateCommand::Push { lock, .. } => ("state-write", lock.timeout(), true),
    };
    let session = match ctx.open_state(&mut ws, op, lock, restoring) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let result = match c {
        StateCommand::List { addresses } => state_edit::list(&session, &addresses).map(|list| {
            for a in list {
                ctx.shell.line(&a);
            }
        }),
        StateCommand::Show { address } => {
            state_edit::show(&session, &address).map(|c| ctx.shell.out(&render_state_instance(&c, &ctx.shell.style)))
        }
        StateCommand::Rm { addresses, .. } => state_edit::rm(&session, &addresses).map(|removed| {
            for a in &removed {
                ctx.shell.line(&format!("Removed {a}"));
            }
            ctx.shell.line(&format!("Successfully removed {} resource instance(s).", removed.len()));
        }),
        StateCommand::Mv { from, to, .. } => state_edit::mv(&session, &from, &to).map(|moves| {
            for (from, to) in &moves {
                ctx.shell.line(&format!("Move \"{from}\" to \"{to}\""));
            }
            ctx.shell.line(&format!("Successfully moved {} object(s).", moves.len()));
        }),
        StateCommand::Pull => {
            ctx.shell.out(&state_io::pull(&session.snapshot));
            Ok(())
        }
        StateCommand::Push { path, force, .. } => {
            state_io::push(session.backend.as_ref(), &ws.encryption.state, &session.snapshot, &path, force)
                .map(|serial| ctx.shell.line(&format!("State pushed from {} (serial {serial}).", path.display())))
        }
    };
    session.close();
    match result {
        Ok(()) => 0,
        Err(d) => ctx.report(&ws, &d),
    }
}
