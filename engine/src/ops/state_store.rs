//! Where a working directory's states live: the local sled store (`.meshplan/`, one directory
//! per workspace) or an S3 bucket (one object per workspace). Made from the `backend` block;
//! gives each workspace's [`StateBackend`].
//!
//! `.meshplan/backend.json` records the backend `init` set up (its location, never its
//! credentials). When the configuration's backend no longer matches it, or an `s3` backend
//! appears over a local state, every command stops with a hint to run
//! `meshplan init -migrate-state`, instead of starting an empty state and orphaning the old.

use crate::config::Backend;
use crate::diag::{Diagnostic, Diagnostics};
use meshplan_state::{Encryption, SledBackend, StateBackend};
use meshplan_state_aws::{S3Config, S3Store};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub enum StateStore {
    /// States under `base` (`.meshplan/` unless the backend block's `path` says otherwise).
    Local {
        base: PathBuf,
    },
    S3(S3Store),
}

impl StateStore {
    /// The store the backend block asks for (`None`: the local default). `dir` is the root
    /// module's directory.
    pub fn from_config(dir: &Path, backend: Option<&Backend>) -> Result<StateStore, Diagnostics> {
        match backend {
            Some(b) if b.kind == "s3" => {
                let config = s3_config(b)?;
                S3Store::connect(config).map(StateStore::S3).map_err(|e| crate::ops::state_diag(e).into())
            }
            Some(b) => Ok(StateStore::Local {
                base: b.path.as_ref().map(|p| dir.join(p)).unwrap_or_else(|| dir.join(".meshplan")),
            }),
            None => Ok(StateStore::Local { base: dir.join(".meshplan") }),
        }
    }

    /// Workspace `name`'s state.
    pub fn backend(&self, name: &str, encryption: &Encryption) -> Result<Arc<dyn StateBackend>, Diagnostics> {
        match self {
            StateStore::Local { base } => {
                let dir = super::workspaces::state_dir(base, name);
                let b = SledBackend::open(&dir).map_err(|e| Diagnostics::from(crate::ops::state_diag(e)))?;
                Ok(Arc::new(b.with_encryption(encryption.clone())))
            }
            StateStore::S3(store) => Ok(Arc::new(store.workspace(name, encryption.clone()))),
        }
    }

    /// Every workspace, `default` first.
    pub fn workspaces(&self) -> Result<Vec<String>, Diagnostics> {
        match self {
            StateStore::Local { base } => Ok(super::workspaces::list_local(base)),
            StateStore::S3(store) => store.workspaces().map_err(|e| crate::ops::state_diag(e).into()),
        }
    }

    /// Makes workspace `name` exist (an empty state).
    pub fn create(&self, name: &str, encryption: &Encryption) -> Result<(), Diagnostics> {
        match self {
            StateStore::Local { base } => {
                let dir = super::workspaces::state_dir(base, name);
                meshplan_state::private::create_private_dir(&dir).map_err(|e| {
                    Diagnostics::from(
                        Diagnostic::error(format!("cannot create {}", dir.display())).detail(e.to_string()),
                    )
                })
            }
            // Terraform writes an empty state object: the workspace then shows in `list`.
            StateStore::S3(_) => self
                .backend(name, encryption)?
                .commit(Vec::new())
                .map(|_| ())
                .map_err(|e| crate::ops::state_diag(e).into()),
        }
    }

    /// Deletes workspace `name`'s state.
    pub fn delete(&self, name: &str) -> Result<(), Diagnostics> {
        match self {
            StateStore::Local { base } => {
                let dir = super::workspaces::state_dir(base, name);
                std::fs::remove_dir_all(&dir).map_err(|e| {
                    Diagnostics::from(
                        Diagnostic::error(format!("cannot delete {}", dir.display())).detail(e.to_string()),
                    )
                })
            }
            StateStore::S3(store) => store.delete_workspace(name).map_err(|e| crate::ops::state_diag(e).into()),
        }
    }

    /// For messages: `local (.meshplan)`, `s3 (s3://bucket/key)`.
    pub fn describe(&self, workspace: &str) -> String {
        match self {
            StateStore::Local { base } => format!("local, {}", super::workspaces::state_dir(base, workspace).display()),
            StateStore::S3(store) => format!("s3, {}", store.describe(workspace)),
        }
    }
}

/// The checked `backend "s3"` block; errors point at the argument.
fn s3_config(b: &Backend) -> Result<S3Config, Diagnostics> {
    S3Config::from_arguments(&b.settings, |k| std::env::var(k).ok()).map_err(|e| {
        let at = e.argument.as_ref().and_then(|a| b.spans.get(a)).or(b.span.as_ref()).cloned();
        Diagnostics::from(Diagnostic::error(e.message.clone()).maybe_hint(e.hint.clone()).at(at))
    })
}

/// What identifies where the states are (never credentials): recorded by `init`, compared by
/// every command.
pub fn identity(backend: Option<&Backend>) -> Value {
    match backend {
        Some(b) if b.kind == "s3" => {
            let get = |k: &str| b.settings.get(k).cloned().unwrap_or(Value::Null);
            let endpoint =
                b.settings.get("endpoints").and_then(|e| e.get("s3")).cloned().unwrap_or_else(|| get("endpoint"));
            json!({"kind": "s3", "bucket": get("bucket"), "key": get("key"), "region": get("region"), "workspace_key_prefix": get("workspace_key_prefix"), "endpoint": endpoint})
        }
        Some(b) => json!({"kind": "local", "path": b.path.clone()}),
        None => json!({"kind": "local", "path": null}),
    }
}

fn partial_path(dir: &Path) -> PathBuf {
    dir.join(".meshplan").join("backend-config.json")
}

/// The backend block with the settings `init -backend-config` gave filled in (Terraform's
/// partial configuration). They are kept, credentials included as Terraform keeps them, in
/// `.meshplan/backend-config.json` (owner-only), for every later command.
pub fn with_saved_settings(dir: &Path, backend: Option<&Backend>) -> Option<Backend> {
    let mut b = backend?.clone();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(partial_path(dir)).ok()?).ok()?;
    if saved.get("kind").and_then(Value::as_str) == Some(b.kind.as_str()) {
        if let Some(m) = saved.get("settings").and_then(Value::as_object) {
            for (k, v) in m {
                b.settings.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Some(b)
}

/// Records `-backend-config` settings for later commands (none: forgets earlier ones).
pub fn save_partial(
    dir: &Path,
    kind: &str,
    settings: &std::collections::BTreeMap<String, Value>,
) -> Result<(), Diagnostics> {
    let path = partial_path(dir);
    if settings.is_empty() {
        let _ = std::fs::remove_file(&path);
        return Ok(());
    }
    let text = serde_json::to_string_pretty(&json!({"kind": kind, "settings": settings})).unwrap_or_default() + "\n";
    meshplan_state::private::create_private_dir(&dir.join(".meshplan"))
        .and_then(|_| meshplan_state::private::write_private(&path, text.as_bytes()))
        .map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!("cannot write {}", path.display())).detail(e.to_string()))
        })
}

fn record_path(dir: &Path) -> PathBuf {
    dir.join(".meshplan").join("backend.json")
}

/// Arguments never written to `backend.json`.
const SECRET_SETTINGS: &[&str] = &["access_key", "secret_key", "token"];

/// The backend `init` last set up, if it recorded one (credentials are not recorded: a
/// migration away from it takes them from the environment).
pub fn recorded(dir: &Path) -> Option<Backend> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(record_path(dir)).ok()?).ok()?;
    let settings =
        v.get("settings").and_then(Value::as_object).map(|m| m.clone().into_iter().collect()).unwrap_or_default();
    Some(Backend {
        kind: v.get("kind")?.as_str()?.to_string(),
        path: v.get("path").and_then(Value::as_str).map(str::to_string),
        settings,
        ..Backend::default()
    })
}

pub fn record(dir: &Path, backend: Option<&Backend>) -> Result<(), Diagnostics> {
    let path = record_path(dir);
    let v = match backend {
        Some(b) => {
            let settings: serde_json::Map<String, Value> = b
                .settings
                .iter()
                .filter(|(k, _)| !SECRET_SETTINGS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            json!({"kind": b.kind, "path": b.path, "settings": settings})
        }
        None => json!({"kind": "local", "path": null, "settings": {}}),
    };
    let text = serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    meshplan_state::private::create_private_dir(&dir.join(".meshplan"))
        .and_then(|_| meshplan_state::private::write_private(&path, text.as_bytes()))
        .map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!("cannot write {}", path.display())).detail(e.to_string()))
        })
}

/// Refuses to run on a backend `init` did not set up when that could hide a state: the
/// recorded backend differs, or a remote backend is configured over a local state.
pub fn check_initialized(dir: &Path, backend: Option<&Backend>) -> Result<(), Diagnostics> {
    let now = identity(backend);
    let at = backend.and_then(|b| b.span.clone());
    let changed = |from: &str| {
        Err(Diagnostics::from(
            Diagnostic::error("backend initialization required")
                .detail(format!("the configuration's backend ({}) is not the one `meshplan init` set up ({from})", summary(&now)))
                .hint("run `meshplan init -migrate-state` to move the state to it, or `meshplan init -reconfigure` to use it as it is")
                .at(at.clone()),
        ))
    };
    match recorded(dir).map(|b| identity(Some(&b))) {
        Some(before) if before != now => changed(&summary(&before)),
        Some(_) => Ok(()),
        None if now["kind"] != "local" => {
            if local_state_exists(&dir.join(".meshplan")) {
                changed("local, with a state in .meshplan")
            } else {
                Err(Diagnostic::error("backend initialization required")
                    .detail(format!("the {} backend has not been initialized in this directory", summary(&now)))
                    .hint("run `meshplan init`")
                    .at(at)
                    .into())
            }
        }
        None => Ok(()),
    }
}

/// True when the local default store holds a state (any workspace).
pub fn local_state_exists(base: &Path) -> bool {
    super::workspaces::list_local(base).iter().any(|w| super::workspaces::state_dir(base, w).join("lineage").exists())
}

fn summary(identity: &Value) -> String {
    match identity["kind"].as_str() {
        Some("s3") => format!(
            "s3, s3://{}/{}",
            identity["bucket"].as_str().unwrap_or("?"),
            identity["key"].as_str().unwrap_or("?")
        ),
        _ => match identity["path"].as_str() {
            Some(p) => format!("local, {p}"),
            None => "local, .meshplan".into(),
        },
    }
}

/// `init -migrate-state`: copies every workspace's state from `from` to `to`. A destination
/// workspace that already holds another state is refused (nothing is overwritten).
/// Returns the workspaces copied.
pub fn migrate(from: &StateStore, to: &StateStore, encryption: &Encryption) -> Result<Vec<String>, Diagnostics> {
    use meshplan_state::{Commit, LockInfo};
    let diag = |e: meshplan_state::StateError| Diagnostics::from(crate::ops::state_diag(e));
    let mut copied = Vec::new();
    for name in from.workspaces()? {
        let source = from.backend(name.as_str(), encryption)?;
        let _source_lock =
            source.lock(LockInfo::for_this_process("migrate"), std::time::Duration::from_secs(5)).map_err(diag)?;
        let snapshot = source.read().map_err(diag)?;
        if snapshot.serial == 0 {
            let _ = source.close();
            continue;
        }
        let dest = to.backend(name.as_str(), encryption)?;
        let _dest_lock =
            dest.lock(LockInfo::for_this_process("migrate"), std::time::Duration::from_secs(5)).map_err(diag)?;
        let existing = dest.read().map_err(diag)?;
        if existing.serial > 0 && (!existing.resources.is_empty() || existing.lineage != snapshot.lineage) {
            return Err(Diagnostic::error(format!("workspace {name:?} already has a state in the new backend"))
                .detail(format!(
                    "{} holds serial {} of lineage {}",
                    to.describe(&name),
                    existing.serial,
                    existing.lineage
                ))
                .hint("nothing was copied over it; remove it there first if it is stale")
                .into());
        }
        let mut changes = vec![Commit::Lineage(snapshot.lineage.clone())];
        changes.extend(snapshot.resources.into_values().map(Commit::Put));
        changes.push(Commit::Outputs(snapshot.outputs));
        dest.commit(changes).map_err(diag)?;
        let _ = dest.close();
        let _ = source.close();
        copied.push(name);
    }
    Ok(copied)
}
