//! `init`'s backend step: set up the configured backend, record it, and move the states
//! over when it changed (`-migrate-state`) or take it as it is (`-reconfigure`).

use super::state_store::{self, StateStore};
use super::Workspace;
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};

#[derive(Clone, Copy, Debug, Default)]
pub struct InitOptions {
    pub migrate_state: bool,
    pub reconfigure: bool,
}

/// What `init` did with the backend.
#[derive(Debug)]
pub struct BackendInit {
    /// `local, .meshplan` / `s3, s3://bucket/key`.
    pub description: String,
    /// Workspaces copied from the previous backend.
    pub migrated: Vec<String>,
    /// The backend this replaced, when it changed.
    pub previous: Option<String>,
}

pub fn init_backend(ws: &Workspace, root: &Module, opts: InitOptions) -> Result<BackendInit, Diagnostics> {
    let store = StateStore::from_config(&ws.dir, root.backend.as_ref())?;
    // Reach the store now (a missing bucket or bad credentials is an init error, as in Terraform).
    store.workspaces()?;
    if let StateStore::Local { base } = &store {
        meshplan_state::private::create_private_dir(base)
            .map_err(|e| Diagnostics::from(Diagnostic::error(format!("cannot create {}", base.display())).detail(e.to_string())))?;
    }
    let now = state_store::identity(root.backend.as_ref());
    let before = state_store::recorded(&ws.dir);
    let previous: Option<StateStore> = match &before {
        Some(b) if state_store::identity(Some(b)) != now => Some(StateStore::from_config(&ws.dir, Some(b))?),
        None if now["kind"] != "local" && state_store::local_state_exists(&ws.dir.join(".meshplan")) => Some(StateStore::Local { base: ws.dir.join(".meshplan") }),
        _ => None,
    };
    let mut out = BackendInit { description: store.describe(&ws.name), migrated: Vec::new(), previous: previous.as_ref().map(|p| p.describe(&ws.name)) };
    if let Some(old) = &previous {
        if opts.migrate_state {
            out.migrated = state_store::migrate(old, &store, &ws.encryption.state)?;
        } else if !opts.reconfigure {
            return Err(Diagnostic::error("the backend configuration changed")
                .detail(format!("states were kept in ({}); the configuration now says ({})", old.describe(&ws.name), store.describe(&ws.name)))
                .hint("`meshplan init -migrate-state` copies every workspace's state to the new backend; `meshplan init -reconfigure` uses the new one as it is")
                .into());
        }
    }
    state_store::record(&ws.dir, root.backend.as_ref())?;
    Ok(out)
}
