//! `.meshplan/modules/modules.json`: what `init` installed, in Terraform's shape
//! (`{"Modules":[{"Key":"vpc","Source":"...","Version":"5.1.2","Dir":".meshplan/modules/vpc"}]}`),
//! so every other command loads modules offline.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where installed modules live, relative to the root module directory.
pub const MODULES_DIR: &str = ".meshplan/modules";
pub const MANIFEST_FILE: &str = "modules.json";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(rename = "Modules", default)]
    pub modules: Vec<Record>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The call path: `vpc`, `vpc.nested` (the root module is `""`).
    #[serde(rename = "Key")]
    pub key: String,
    /// The `source` as written in the module block.
    #[serde(rename = "Source")]
    pub source: String,
    /// The version chosen from a registry (none for other sources).
    #[serde(rename = "Version", default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The module's directory, relative to the root module directory, `/`-separated.
    #[serde(rename = "Dir")]
    pub dir: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    #[error("cannot read {path}: {err}")]
    Read { path: PathBuf, err: std::io::Error },
    #[error("{path} is not a module manifest: {err}")]
    Parse { path: PathBuf, err: serde_json::Error },
    #[error("cannot write {path}: {err}")]
    Write { path: PathBuf, err: std::io::Error },
}

impl Manifest {
    pub fn path(root: &Path) -> PathBuf {
        root.join(MODULES_DIR).join(MANIFEST_FILE)
    }

    /// The manifest of `root`; empty when `init` never installed anything.
    pub fn read(root: &Path) -> Result<Manifest, ManifestError> {
        let path = Self::path(root);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|err| ManifestError::Parse { path, err }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Manifest::default()),
            Err(err) => Err(ManifestError::Read { path, err }),
        }
    }

    pub fn write(&self, root: &Path) -> Result<(), ManifestError> {
        let path = Self::path(root);
        let write = || -> std::io::Result<()> {
            std::fs::create_dir_all(path.parent().unwrap_or(root))?;
            let text = serde_json::to_string(self).map_err(std::io::Error::other)?;
            // Written whole then renamed: a reader never sees half a manifest.
            let tmp = path.with_extension("json.tmp");
            std::fs::write(&tmp, text)?;
            std::fs::rename(&tmp, &path)
        };
        write().map_err(|err| ManifestError::Write { path: path.clone(), err })
    }

    pub fn get(&self, key: &str) -> Option<&Record> {
        self.modules.iter().find(|r| r.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_in_terraforms_shape() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Manifest::default());
        let m = Manifest {
            modules: vec![
                Record {
                    key: "vpc".into(),
                    source: "registry.test/ns/vpc/aws".into(),
                    version: Some("5.1.2".into()),
                    dir: ".meshplan/modules/vpc".into(),
                },
                Record {
                    key: "vpc.nested".into(),
                    source: "./nested".into(),
                    version: None,
                    dir: ".meshplan/modules/vpc/nested".into(),
                },
            ],
        };
        m.write(dir.path()).unwrap();
        let text = std::fs::read_to_string(Manifest::path(dir.path())).unwrap();
        assert!(text.starts_with(r#"{"Modules":[{"Key":"vpc","Source":"registry.test/ns/vpc/aws","Version":"5.1.2","Dir":".meshplan/modules/vpc"}"#), "{text}");
        assert!(!text.contains("\"Version\":null"));
        assert_eq!(Manifest::read(dir.path()).unwrap(), m);
        assert_eq!(m.get("vpc.nested").map(|r| r.dir.as_str()), Some(".meshplan/modules/vpc/nested"));
        std::fs::write(Manifest::path(dir.path()), "{").unwrap();
        assert!(matches!(Manifest::read(dir.path()), Err(ManifestError::Parse { .. })));
    }
}
