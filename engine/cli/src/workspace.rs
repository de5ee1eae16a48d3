//! `meshplan workspace list|show|new|select|delete`

use super::common::Ctx;
use meshplan_engine::ops::workspaces;

#[derive(clap::Subcommand, Debug)]
pub enum WorkspaceCommand {
    /// List workspaces; `*` marks the selected one.
    List,
    /// Print the selected workspace.
    Show,
    /// Create a workspace and select it.
    New { name: String },
    /// Select a workspace.
    Select { name: String },
    /// Delete a workspace (not the selected one).
    Delete {
        name: String,
        /// Delete even if its state still manages objects (they are forgotten, not destroyed).
        #[arg(long = "force")]
        force: bool,
    },
}

pub fn run(ctx: &Ctx, c: WorkspaceCommand) -> i32 {
    let mut ws = ctx.workspace();
    let base = ws.dir.join(".meshplan");
    if let Err(d) = ws.load_state_settings() {
        return ctx.report(&ws, &d);
    }
    let store = match ws.store() {
        Ok(s) => s,
        Err(d) => return ctx.report(&ws, &d),
    };
    let done = match c {
        WorkspaceCommand::List => store.workspaces().map(|names| {
            for name in names {
                let mark = if name == ws.name { "*" } else { " " };
                ctx.shell.line(&format!("{mark} {name}"));
            }
        }),
        WorkspaceCommand::Show => {
            ctx.shell.line(&ws.name);
            Ok(())
        }
        WorkspaceCommand::New { name } => workspaces::new(&store, &base, &name, &ws.encryption.state)
            .map(|_| ctx.shell.line(&format!("Created and switched to workspace {name:?}."))),
        WorkspaceCommand::Select { name } => workspaces::select(&store, &base, &name)
            .map(|_| ctx.shell.line(&format!("Switched to workspace {name:?}."))),
        WorkspaceCommand::Delete { name, force } => {
            workspaces::delete(&store, &name, &ws.name, force, &ws.encryption.state)
                .map(|_| ctx.shell.line(&format!("Deleted workspace {name:?}.")))
        }
    };
    match done {
        Ok(()) => 0,
        Err(d) => ctx.report(&ws, &d),
    }
}
