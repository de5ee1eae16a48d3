//! Workspaces: one state per name in the same working directory. In the local store,
//! `default` is the state directory itself and another name lives in `workspaces/NAME`
//! beneath it; in S3, each is an object ([`StateStore`]). The selection is
//! `MESHPLAN_WORKSPACE` (or Terraform's `TF_WORKSPACE`), else the `environment` file that
//! `workspace select` writes, else `default`.

use super::state_store::StateStore;
use crate::diag::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

pub const DEFAULT: &str = "default";

/// The selected workspace for the state directory `base`.
pub fn selected(base: &Path) -> String {
    for var in ["MESHPLAN_WORKSPACE", "TF_WORKSPACE"] {
        if let Ok(v) = std::env::var(var) {
            if !v.trim().is_empty() {
                return v.trim().to_string();
            }
        }
    }
    std::fs::read_to_string(base.join("environment"))
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| DEFAULT.into())
}

/// Where workspace `name`'s state lives.
pub fn state_dir(base: &Path, name: &str) -> PathBuf {
    if name == DEFAULT {
        base.to_path_buf()
    } else {
        base.join("workspaces").join(name)
    }
}

/// Every workspace of the local store, `default` first, then by name.
pub fn list_local(base: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(base.join("workspaces"))
        .map(|d| {
            d.flatten().filter(|e| e.path().is_dir()).map(|e| e.file_name().to_string_lossy().to_string()).collect()
        })
        .unwrap_or_default();
    names.sort();
    names.insert(0, DEFAULT.into());
    names
}

fn exists(store: &StateStore, name: &str) -> Result<bool, Diagnostics> {
    Ok(name == DEFAULT || store.workspaces()?.iter().any(|w| w == name))
}

/// A name is a path segment: letters, digits, `-`, `_` and `.`, not starting with `.`.
fn check_name(name: &str) -> Result<(), Diagnostics> {
    let ok = !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(format!("invalid workspace name {name:?}"))
            .hint("use letters, digits, `-`, `_` and `.`")
            .into())
    }
}

fn io(what: String, e: std::io::Error) -> Diagnostics {
    Diagnostic::error(what).detail(e.to_string()).into()
}

/// Makes the selection stick (the `environment` file in `base`, the local `.meshplan/`).
pub fn select(store: &StateStore, base: &Path, name: &str) -> Result<(), Diagnostics> {
    check_name(name)?;
    if !exists(store, name)? {
        return Err(Diagnostic::error(format!("workspace {name:?} does not exist"))
            .hint(format!("create it with `meshplan workspace new {name}`"))
            .into());
    }
    meshplan_state::private::create_private_dir(base)
        .map_err(|e| io(format!("cannot create {}", base.display()), e))?;
    meshplan_state::private::write_private(&base.join("environment"), format!("{name}\n").as_bytes())
        .map_err(|e| io("cannot record the selected workspace".into(), e))
}

/// Creates workspace `name` (an empty state) and selects it.
pub fn new(
    store: &StateStore,
    base: &Path,
    name: &str,
    encryption: &meshplan_state::Encryption,
) -> Result<(), Diagnostics> {
    check_name(name)?;
    if exists(store, name)? {
        return Err(Diagnostic::error(format!("workspace {name:?} already exists"))
            .hint(format!("select it with `meshplan workspace select {name}`"))
            .into());
    }
    store.create(name, encryption)?;
    select(store, base, name)
}

/// Deletes workspace `name`: never `default` nor the selected one; one whose state still
/// manages objects only with `force` (they would be orphaned).
/// `encryption` opens the workspace's state (to check that it is empty).
pub fn delete(
    store: &StateStore,
    name: &str,
    current: &str,
    force: bool,
    encryption: &meshplan_state::Encryption,
) -> Result<(), Diagnostics> {
    check_name(name)?;
    if name == DEFAULT {
        return Err(Diagnostic::error("the default workspace cannot be deleted").into());
    }
    if name == current {
        return Err(Diagnostic::error(format!("workspace {name:?} is selected"))
            .hint("select another workspace first")
            .into());
    }
    if !exists(store, name)? {
        return Err(Diagnostic::error(format!("workspace {name:?} does not exist")).into());
    }
    if !force {
        let backend = store.backend(name, encryption)?;
        let snapshot = backend.read().map_err(|e| Diagnostics::from(crate::ops::state_diag(e)))?;
        let _ = backend.close();
        if !snapshot.resources.is_empty() {
            return Err(Diagnostic::error(format!(
                "workspace {name:?} still manages {} resource instance(s)",
                snapshot.resources.len()
            ))
            .hint("destroy them from that workspace first, or `-force` to forget them (they stay in the cloud)")
            .into());
        }
    }
    store.delete(name)
}
