//! Fetching a source into a directory: registry addresses resolve to another source, git
//! repositories are cloned, http(s), S3 and GCS archives downloaded and unpacked, local
//! directories (`file::`) copied.

use crate::address::{self, AddressError, RegistryAddr, Remote, RemoteKind, Source};
use crate::archive;
use crate::cli_config::CliConfig;
use crate::http::Http;
use crate::version::{ConstraintError, Constraints};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// How many `X-Terraform-Get` hops a download may take.
const MAX_INDIRECTIONS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} was not found (404)")]
    NotFound { url: String },
    #[error("module {address} does not exist in its registry ({url} answered 404)")]
    ModuleNotFound { address: String, url: String },
    #[error("{url} answered HTTP {status}: {body}")]
    Status { url: String, status: u16, body: String },
    #[error("{url}: {reason}")]
    Protocol { url: String, reason: String },
    #[error("no available version of {address} matches the given version constraint")]
    NoMatchingVersion { address: String, available: Vec<String> },
    #[error("{url} is not a valid {kind} archive: {reason}")]
    BadArchive { url: String, kind: &'static str, reason: String },
    #[error("`{command}` failed: {stderr}")]
    Git { command: String, stderr: String },
    #[error("{0}")]
    Unsupported(String),
    #[error("the module package has no directory {subdir:?}")]
    MissingSubdir { subdir: String },
    #[error("{path}: {err}")]
    Io { path: PathBuf, err: std::io::Error },
    #[error(transparent)]
    Address(#[from] AddressError),
    #[error(transparent)]
    Constraint(#[from] ConstraintError),
}

/// Fetches module packages. Registry discovery answers are cached per host for one run.
pub struct Fetcher {
    pub(crate) http: Http,
    pub(crate) config: CliConfig,
    pub(crate) cache: Mutex<HashMap<String, String>>,
    /// `https` always, but for this crate's tests (a plain-http server on 127.0.0.1).
    pub(crate) discovery_scheme: &'static str,
}

impl Fetcher {
    pub fn new(config: CliConfig) -> Self {
        Fetcher { http: Http::new(), config, cache: Mutex::new(HashMap::new()), discovery_scheme: "https" }
    }

    /// Fetches the package of `addr` at `version` into `dest`; returns the module's directory
    /// inside `dest` (the download's `//subdir` joined with the address's).
    pub fn install_registry(&self, addr: &RegistryAddr, version: &str, dest: &Path) -> Result<PathBuf, FetchError> {
        let location = self.download_location(addr, version)?;
        let dir = self.install_location(&location, dest, 0)?;
        in_subdir(&dir, addr.subdir.as_deref())
    }

    /// Fetches a non-registry remote source into `dest`; returns the module's directory.
    pub fn install_remote(&self, remote: &Remote, dest: &Path) -> Result<PathBuf, FetchError> {
        fresh_dir(dest)?;
        let dir = self.fetch_remote(remote, dest, 0)?;
        in_subdir(&dir, remote.subdir.as_deref())
    }

    fn install_location(&self, location: &str, dest: &Path, hops: usize) -> Result<PathBuf, FetchError> {
        match address::parse(location)? {
            Source::Remote(remote) => {
                fresh_dir(dest)?;
                let dir = self.fetch_remote(&remote, dest, hops)?;
                in_subdir(&dir, remote.subdir.as_deref())
            }
            _ => Err(FetchError::Unsupported(format!(
                "the registry's download location {location:?} is not a git, http or s3 source"
            ))),
        }
    }

    /// Fetches into `dest` (absent); returns the package directory (`dest`, or deeper when an
    /// `X-Terraform-Get` redirection carried its own `//subdir`).
    fn fetch_remote(&self, remote: &Remote, dest: &Path, hops: usize) -> Result<PathBuf, FetchError> {
        match &remote.kind {
            RemoteKind::Git { reference, depth } => {
                crate::git::clone(&remote.url, reference.as_deref(), *depth, dest)?;
                Ok(dest.to_path_buf())
            }
            RemoteKind::S3 => {
                let (bytes, key) = crate::s3::get_object(&remote.url)?;
                unpack_object(&remote.url, &key, &bytes, dest)
            }
            RemoteKind::Gcs => crate::gcs::fetch(&self.http, &remote.url, dest),
            RemoteKind::File => {
                let path = Path::new(&remote.url);
                let io = |err| FetchError::Io { path: path.to_path_buf(), err };
                if path.is_dir() {
                    copy_dir(path, dest).map_err(io)?;
                    return Ok(dest.to_path_buf());
                }
                let bytes = std::fs::read(path).map_err(io)?;
                unpack_object(&remote.url, &remote.url, &bytes, dest)
            }
            RemoteKind::Http { archive } => {
                // An archive gets no registry token: it may be on any host.
                let r = self.http.get_ok(&remote.url, None)?;
                let kind = match (archive, r.terraform_get) {
                    (Some(k), _) => *k,
                    (None, Some(next)) if hops < MAX_INDIRECTIONS => {
                        let next = address::resolve_relative(&remote.url, &next);
                        return self.install_location(&next, dest, hops + 1);
                    }
                    (None, _) => archive::sniff(&r.body).ok_or_else(|| FetchError::BadArchive {
                        url: address::redact(&remote.url),
                        kind: "zip or tar.gz",
                        reason: "the answer is neither, and has no X-Terraform-Get header (name archives .zip, .tar.gz or add ?archive=zip)".into(),
                    })?,
                };
                archive::unpack(kind, &r.body, dest).map_err(|reason| FetchError::BadArchive {
                    url: address::redact(&remote.url),
                    kind: archive::kind_name(kind),
                    reason,
                })?;
                Ok(dest.to_path_buf())
            }
        }
    }
}

/// Unpacks a downloaded object, its archive kind read from its name or, failing that, its bytes.
pub(crate) fn unpack_object(url: &str, name: &str, bytes: &[u8], dest: &Path) -> Result<PathBuf, FetchError> {
    let kind = address::archive_kind(name).or_else(|| archive::sniff(bytes)).ok_or_else(|| FetchError::BadArchive {
        url: address::redact(url),
        kind: "zip or tar.gz",
        reason: "the object is neither".into(),
    })?;
    archive::unpack(kind, bytes, dest).map_err(|reason| FetchError::BadArchive {
        url: address::redact(url),
        kind: archive::kind_name(kind),
        reason,
    })?;
    Ok(dest.to_path_buf())
}

/// Copies a module directory (files and subdirectories; `.git` and `.terraform` left out, as
/// they are never part of a module).
fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == ".git" || name == ".terraform" || name == ".meshplan" {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_dir(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() || entry.path().is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// Parses a `version` argument.
pub fn constraints(text: &str) -> Result<Constraints, FetchError> {
    Ok(Constraints::parse(text)?)
}

fn fresh_dir(dest: &Path) -> Result<(), FetchError> {
    let io = |err| FetchError::Io { path: dest.to_path_buf(), err };
    if dest.exists() {
        std::fs::remove_dir_all(dest).map_err(io)?;
    }
    if let Some(parent) = dest.parent() {
        std::fs::create_dir_all(parent).map_err(|err| FetchError::Io { path: parent.to_path_buf(), err })?;
    }
    Ok(())
}

fn in_subdir(dir: &Path, subdir: Option<&str>) -> Result<PathBuf, FetchError> {
    let Some(sub) = subdir else { return Ok(dir.to_path_buf()) };
    if Path::new(sub).components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
        return Err(FetchError::MissingSubdir { subdir: sub.to_string() });
    }
    let path = dir.join(sub);
    if path.is_dir() {
        Ok(path)
    } else {
        Err(FetchError::MissingSubdir { subdir: sub.to_string() })
    }
}
