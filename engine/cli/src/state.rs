//! `meshplan state list|show|rm|mv|pull|push`

use super::common::{Ctx, LockFlags};
use crate::render::render_change;
use meshplan_engine::plan::{Action, ResourceChange};
use meshplan_provider::Value;
use meshplan_state::Commit;
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
    if let Err(d) = ws.load_state_settings() {
        return ctx.report(&ws, &d);
    }
    let backend = match ws.backend() {
        Ok(b) => b,
        Err(d) => return ctx.report(&ws, &d),
    };
    let op = match &c {
        StateCommand::List { .. } | StateCommand::Show { .. } | StateCommand::Pull => "state-read",
        _ => "state-write",
    };
    let lock = match &c {
        StateCommand::Rm { lock, .. } | StateCommand::Mv { lock, .. } | StateCommand::Push { lock, .. } => {
            Some(lock.clone())
        }
        _ => None,
    };
    // -lock=false (Terraform's flag for state-writing commands): no lock is taken.
    let guard = match lock {
        Some(LockFlags { lock: false, .. }) => None,
        l => match ws.lock(backend.as_ref(), op, l.map_or(Duration::ZERO, |l| l.lock_timeout)) {
            Ok(g) => Some(g),
            Err(d) => return ctx.report(&ws, &d),
        },
    };
    let snap = match (ws.read_state(backend.as_ref()), &c) {
        (Ok(s), _) => s,
        // A push restores a database moved aside after damage: there is nothing to read.
        (Err(_), StateCommand::Push { .. }) => meshplan_state::Snapshot::default(),
        (Err(d), _) => return ctx.report(&ws, &d),
    };
    let code = match c {
        StateCommand::List { addresses } => {
            for a in snap.resources.keys() {
                if addresses.is_empty()
                    || addresses
                        .iter()
                        .any(|p| a == p || a.starts_with(&format!("{p}.")) || a.starts_with(&format!("{p}[")))
                {
                    ctx.shell.line(a);
                }
            }
            0
        }
        StateCommand::Show { address } => match snap.resources.get(&address) {
            Some(r) => {
                let v = Value::from_json(&r.attributes).mark_paths(&r.sensitive_paths);
                let name =
                    address.rsplit('.').next().unwrap_or_default().split('[').next().unwrap_or_default().to_string();
                let c = ResourceChange {
                    address: address.clone(),
                    module_address: String::new(),
                    mode: "managed".into(),
                    type_name: r.type_name.clone(),
                    name,
                    index: None,
                    provider: r.provider.clone(),
                    action: Action::Create,
                    before: None,
                    after: Some(v),
                    replace_paths: vec![],
                    reasons: vec![],
                    deferred: None,
                    importing: None,
                    drifted: false,
                    adopted: false,
                };
                let text = render_change(&c, &ctx.shell.style);
                // State shows attributes plainly, without the plan's markers.
                for line in text.lines().skip(1) {
                    ctx.shell.line(&line.replacen("  + ", "    ", 1).replacen("+ resource", "resource", 1));
                }
                0
            }
            None => {
                ctx.shell.err(&format!("Error: no resource instance {address:?} in the state\n"));
                1
            }
        },
        StateCommand::Rm { addresses, .. } => {
            let missing: Vec<&String> = addresses.iter().filter(|a| !snap.resources.contains_key(*a)).collect();
            if !missing.is_empty() {
                ctx.shell.err(&format!(
                    "Error: not in the state: {}\n",
                    missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                ));
                1
            } else {
                match backend.commit(addresses.iter().cloned().map(Commit::Remove).collect()) {
                    Ok(_) => {
                        for a in &addresses {
                            ctx.shell.line(&format!("Removed {a}"));
                        }
                        ctx.shell.line(&format!("Successfully removed {} resource instance(s).", addresses.len()));
                        0
                    }
                    Err(e) => ctx.report(&ws, &meshplan_engine::ops::state_diag(e).into()),
                }
            }
        }
        StateCommand::Pull => {
            ctx.shell.out(&meshplan_engine::ops::state_io::pull(&snap));
            0
        }
        StateCommand::Push { path, force, .. } => {
            match meshplan_engine::ops::state_io::push(backend.as_ref(), &ws.encryption.state, &snap, &path, force) {
                Ok(serial) => {
                    ctx.shell.line(&format!("State pushed from {} (serial {serial}).", path.display()));
                    0
                }
                Err(d) => ctx.report(&ws, &d),
            }
        }
        StateCommand::Mv { from, to, .. } => {
            if !snap.resources.contains_key(&from) {
                ctx.shell.err(&format!("Error: no resource instance {from:?} in the state\n"));
                1
            } else if snap.resources.contains_key(&to) {
                ctx.shell.err(&format!("Error: {to:?} already exists in the state\n"));
                1
            } else {
                match backend.commit(vec![Commit::Move { from: from.clone(), to: to.clone() }]) {
                    Ok(_) => {
                        ctx.shell.line(&format!("Move \"{from}\" to \"{to}\"\nSuccessfully moved 1 object(s)."));
                        0
                    }
                    Err(e) => ctx.report(&ws, &meshplan_engine::ops::state_diag(e).into()),
                }
            }
        }
    };
    let _ = backend.close();
    drop(guard);
    code
}
