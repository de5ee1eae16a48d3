//! `init`'s backend step: set up the configured backend, record it, and move the states
//! over when it changed (`-migrate-state`) or take it as it is (`-reconfigure`).

use super::state_store::{self, StateStore};
use super::Workspace;
use crate::config::Module;
use crate::diag::{Diagnostic, Diagnostics};

#[derive(Clone, Debug, Default)]
pub struct InitOptions {
    pub migrate_state: bool,
    pub reconfigure: bool,
    /// `-backend-config`: settings merged over the backend block's (Terraform's partial
    /// configuration), kept for later commands.
    pub backend_config: Vec<(String, serde_json::Value)>,
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

pub fn init_backend(ws: &mut Workspace, root: &Module, opts: &InitOptions) -> Result<BackendInit, Diagnostics> {
    if !opts.backend_config.is_empty() {
        let Some(mut backend) = root.backend.clone() else {
            return Err(Diagnostic::error("-backend-config given, but the configuration has no `backend` block")
                .hint("add `terraform { backend \"s3\" {} }` (its settings can all come from -backend-config)")
                .into());
        };
        let extra: std::collections::BTreeMap<String, serde_json::Value> =
            opts.backend_config.iter().cloned().collect();
        backend.settings.extend(extra.clone());
        state_store::save_partial(&ws.dir, &backend.kind, &extra)?;
        ws.set_backend(Some(backend));
    }
    let configured = ws.backend_config.clone();
    let store = StateStore::from_config(&ws.dir, configured.as_ref())?;
    // Reach the store now (a missing bucket or bad credentials is an init error, as in Terraform).
    store.workspaces()?;
    if let StateStore::Local { base } = &store {
        meshplan_state::private::create_private_dir(base).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!("cannot create {}", base.display())).detail(e.to_string()))
        })?;
    }
    let now = state_store::identity(configured.as_ref());
    let before = state_store::recorded(&ws.dir);
    let previous: Option<StateStore> = match &before {
        Some(b) if state_store::identity(Some(b)) != now => Some(StateStore::from_config(&ws.dir, Some(b))?),
        None if now["kind"] != "local" && state_store::local_state_exists(&ws.dir.join(".meshplan")) => {
            Some(StateStore::Local { base: ws.dir.join(".meshplan") })
        }
        _ => None,
    };
    let mut out = BackendInit {
        description: store.describe(&ws.name),
        migrated: Vec::new(),
        previous: previous.as_ref().map(|p| p.describe(&ws.name)),
    };
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
    state_store::record(&ws.dir, configured.as_ref())?;
    Ok(out)
}

/// `-backend-config` arguments: `KEY=VALUE` (the value as written; `true`/`false` and numbers
/// are read by the backend as such), or the path of a file of constant `key = value` lines.
pub fn parse_backend_config(
    args: &[String],
    dir: &std::path::Path,
    sources: &crate::diag::Sources,
) -> Result<Vec<(String, serde_json::Value)>, Diagnostics> {
    let mut out = Vec::new();
    for arg in args {
        let file = dir.join(arg);
        if file.is_file() {
            let pairs = crate::config::read::parse_vars_file(&file, sources)
                .map_err(|d| Diagnostics::from(d.hint("a backend configuration file holds `key = value` lines")))?;
            for (key, expr) in pairs {
                let value = crate::config::constant_json(&expr.inner).map_err(|range| {
                    Diagnostics::from(
                        Diagnostic::error("variables may not be used here")
                            .at(range.map(|r| crate::diag::Span { file: expr.file, range: r }))
                            .hint("backend settings are constants"),
                    )
                })?;
                out.push((key, value));
            }
        } else if let Some((k, v)) = arg.split_once('=') {
            out.push((k.trim().to_string(), serde_json::Value::String(v.to_string())));
        } else {
            return Err(Diagnostic::error(format!("-backend-config={arg}: neither KEY=VALUE nor a file"))
                .hint("e.g. -backend-config=\"bucket=acme-state\" or -backend-config=backend.hcl")
                .into());
        }
    }
    Ok(out)
}
