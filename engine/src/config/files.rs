//! Which files of a directory are configuration, in which syntax, and which are overrides.
//!
//! Both families are read side by side: meshplan's own (`*.mp.hcl`, `*.mp.json`) and
//! Terraform's (`*.tf`, `*.tf.json`), so a Terraform directory runs unchanged.

use std::path::{Path, PathBuf};

/// Native syntax first, then JSON; listed in messages so a user sees every accepted form.
pub const CONFIG_EXTENSIONS: &[&str] = &[".mp.hcl", ".tf", ".mp.json", ".tf.json"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    Hcl,
    Json,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub syntax: Syntax,
    /// `override.tf`, `foo_override.tf` and the same for every accepted extension: merged
    /// into the primary files' blocks after all of them are read.
    pub is_override: bool,
}

/// Classifies a file name; `None` for anything that is not configuration (including
/// `.terraform.lock.hcl`: providers are built in, so the lock file has nothing to say).
pub fn classify(name: &str) -> Option<(Syntax, bool)> {
    if name.starts_with('.') {
        return None;
    }
    let (stem, syntax) = CONFIG_EXTENSIONS.iter().find_map(|ext| {
        let stem = name.strip_suffix(ext)?;
        Some((stem, if ext.ends_with(".json") { Syntax::Json } else { Syntax::Hcl }))
    })?;
    if stem.is_empty() {
        return None;
    }
    Some((syntax, stem == "override" || stem.ends_with("_override")))
}

/// The configuration files of `dir`, in lexical order (primary and override files together;
/// the caller separates them).
pub fn config_files(dir: &Path) -> std::io::Result<Vec<ConfigFile>> {
    let mut out: Vec<ConfigFile> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter_map(|path| {
            let (syntax, is_override) = classify(path.file_name()?.to_str()?)?;
            Some(ConfigFile { path, syntax, is_override })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// The variable files read without being named on the command line, in Terraform's order:
/// `terraform.tfvars`, `terraform.tfvars.json`, then every `*.auto.tfvars`,
/// `*.auto.tfvars.json` and `*.auto.mpvars` (and their `.json` form) in lexical order.
pub fn automatic_var_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for fixed in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(fixed);
        if p.is_file() {
            out.push(p);
        }
    }
    let mut autos: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_file())
                .filter(|p| {
                    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    [".auto.tfvars", ".auto.tfvars.json", ".auto.mpvars", ".auto.mpvars.json"]
                        .iter()
                        .any(|ext| name.ends_with(ext))
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    out.extend(autos);
    out
}

/// A variables file in JSON syntax (`*.tfvars.json`, `*.mpvars.json`)?
pub fn is_json_vars(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_both_families_and_overrides() {
        assert_eq!(classify("main.tf"), Some((Syntax::Hcl, false)));
        assert_eq!(classify("main.mp.hcl"), Some((Syntax::Hcl, false)));
        assert_eq!(classify("main.tf.json"), Some((Syntax::Json, false)));
        assert_eq!(classify("main.mp.json"), Some((Syntax::Json, false)));
        assert_eq!(classify("override.tf"), Some((Syntax::Hcl, true)));
        assert_eq!(classify("dev_override.tf.json"), Some((Syntax::Json, true)));
        assert_eq!(classify("x_override.mp.hcl"), Some((Syntax::Hcl, true)));
        assert_eq!(classify("myoverride.tf"), Some((Syntax::Hcl, false)));
        assert_eq!(classify(".terraform.lock.hcl"), None);
        assert_eq!(classify("terraform.tfvars"), None);
        assert_eq!(classify("notes.json"), None);
        assert_eq!(classify(".tf"), None);
    }

    #[test]
    fn automatic_var_files_follow_terraform_order() {
        let dir = tempfile::tempdir().unwrap();
        for n in [
            "b.auto.tfvars",
            "terraform.tfvars.json",
            "a.auto.tfvars.json",
            "terraform.tfvars",
            "c.auto.mpvars",
            "x.tfvars",
        ] {
            std::fs::write(dir.path().join(n), "").unwrap();
        }
        let names: Vec<String> = automatic_var_files(dir.path())
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["terraform.tfvars", "terraform.tfvars.json", "a.auto.tfvars.json", "b.auto.tfvars", "c.auto.mpvars"]
        );
    }
}
