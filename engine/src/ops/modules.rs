//! `meshplan init`'s module installation: walk the module tree from the root, fetch every
//! non-local source into `.meshplan/modules/<key>` (keeping what is installed and still
//! satisfies, unless upgrading), and write `.meshplan/modules/modules.json`. Local sources
//! inside a fetched module resolve inside it. Progress is reported as [`ModuleEvent`]s.

use crate::config::installed::{check_version_allowed, child_key, invalid_source};
use crate::config::{load_module_shallow, ModuleCall};
use crate::diag::{Diagnostic, Diagnostics, Sources};
use meshplan_modsrc::address::{self, RegistryAddr, Remote, Source};
use meshplan_modsrc::manifest::MODULES_DIR;
use meshplan_modsrc::version::{parse_version, Constraints};
use meshplan_modsrc::{cli_config, FetchError, Fetcher, Manifest, Record};
use std::path::{Component, Path, PathBuf};

const MAX_DEPTH: usize = 16;

/// What the installer does, in order, for the renderer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleEvent {
    /// About to fetch `source` (a registry package with its chosen `version`) for `key`.
    Downloading { source: String, version: Option<String>, key: String },
    /// `key` is in `dir` (relative to the root module): fetched, kept, or a local directory.
    Ready { key: String, dir: String },
}

struct Installer<'a> {
    root: PathBuf,
    sources: &'a Sources,
    upgrade: bool,
    old: Manifest,
    new: Manifest,
    fetcher: Option<Fetcher>,
    /// The CLI configuration could not be read (reported once).
    config_failed: bool,
    diags: Diagnostics,
    on_event: &'a mut dyn FnMut(ModuleEvent),
}

/// Installs the modules the configuration in `root` calls. Configuration errors are left to
/// the full load that follows; only problems with sources are reported here.
pub fn install_modules(
    root: &Path,
    sources: &Sources,
    upgrade: bool,
    on_event: &mut dyn FnMut(ModuleEvent),
) -> Diagnostics {
    let mut diags = Diagnostics::default();
    // A broken manifest is simply replaced.
    let old = Manifest::read(root).unwrap_or_default();
    let mut ins = Installer {
        root: root.to_path_buf(),
        sources,
        upgrade,
        old,
        new: Manifest::default(),
        fetcher: None,
        config_failed: false,
        diags: Diagnostics::default(),
        on_event,
    };
    ins.new.modules.push(Record { key: String::new(), source: String::new(), version: None, dir: ".".into() });
    ins.walk(root, "", 0);
    diags.extend(std::mem::take(&mut ins.diags));
    if ins.new.modules.len() > 1 || Manifest::path(root).exists() {
        if let Err(e) = ins.new.write(root) {
            diags.push(Diagnostic::error("cannot write the module manifest").detail(e.to_string()));
        }
    }
    diags
}

impl Installer<'_> {
    fn walk(&mut self, dir: &Path, key: &str, depth: usize) {
        if depth >= MAX_DEPTH {
            return;
        }
        let (module, _) = load_module_shallow(dir, self.sources);
        for call in module.module_calls.values() {
            let key = child_key(key, &call.name);
            let source = match address::parse(&call.source) {
                Ok(s) => s,
                Err(e) => {
                    self.diags.push(invalid_source(&call.name, &e.to_string()).at(call.source_span.clone()));
                    continue;
                }
            };
            if let Err(d) = check_version_allowed(call, &source) {
                self.diags.push(d);
                continue;
            }
            let installed = match &source {
                Source::Local(path) => Some((dir.join(path), None)).filter(|(d, _)| d.is_dir()),
                Source::Registry(addr) => self.registry(call, &key, addr),
                Source::Remote(remote) => self.remote(call, &key, remote),
            };
            let Some((module_dir, version)) = installed else {
                // A failed install leaves what was installed before in the manifest.
                let prefix = format!("{key}.");
                let kept = self.old.modules.iter().filter(|r| r.key == key || r.key.starts_with(&prefix)).cloned();
                self.new.modules.extend(kept.collect::<Vec<_>>());
                continue;
            };
            let rel = self.relative(&module_dir);
            self.new.modules.push(Record { key: key.clone(), source: call.source.clone(), version, dir: rel.clone() });
            (self.on_event)(ModuleEvent::Ready { key: key.clone(), dir: rel });
            self.walk(&module_dir, &key, depth + 1);
        }
    }

    /// The installed record of `key` if it may be kept: same source, still on disk.
    fn keep(&self, key: &str, call: &ModuleCall) -> Option<(PathBuf, Option<String>)> {
        let r = self.old.get(key).filter(|r| !self.upgrade && r.source == call.source)?;
        let dir = self.root.join(&r.dir);
        dir.is_dir().then(|| (dir, r.version.clone()))
    }

    /// The package of `addr` installed (or kept) for `key`: its directory and version.
    fn registry(&mut self, call: &ModuleCall, key: &str, addr: &RegistryAddr) -> Option<(PathBuf, Option<String>)> {
        let constraint = call.version.as_deref().and_then(|v| Constraints::parse(v).ok());
        if let Some((dir, Some(v))) = self.keep(key, call) {
            let satisfies = parse_version(&v).is_some_and(|v| constraint.as_ref().is_none_or(|c| c.matches(&v)));
            if satisfies {
                return Some((dir, Some(v)));
            }
        }
        let f = self.take_fetcher()?;
        let dest = self.dest(key);
        let on_event = &mut self.on_event;
        let result = (|| -> Result<(PathBuf, String), FetchError> {
            let version = f.choose_version(addr, constraint.as_ref())?;
            on_event(ModuleEvent::Downloading {
                source: addr.to_string(),
                version: Some(version.clone()),
                key: key.to_string(),
            });
            let dir = f.install_registry(addr, &version, &dest)?;
            Ok((dir, version))
        })();
        self.fetcher = Some(f);
        match result {
            Ok((dir, version)) => Some((dir, Some(version))),
            Err(e) => {
                self.diags.push(fetch_diag(call, &e));
                None
            }
        }
    }

    fn remote(&mut self, call: &ModuleCall, key: &str, remote: &Remote) -> Option<(PathBuf, Option<String>)> {
        if let Some((dir, _)) = self.keep(key, call) {
            return Some((dir, None));
        }
        let f = self.take_fetcher()?;
        (self.on_event)(ModuleEvent::Downloading {
            source: address::redact(&call.source),
            version: None,
            key: key.to_string(),
        });
        let result = f.install_remote(remote, &self.dest(key));
        self.fetcher = Some(f);
        result.map(|dir| (dir, None)).map_err(|e| self.diags.push(fetch_diag(call, &e))).ok()
    }

    /// The fetcher, made on first use (the CLI configuration is read only when something
    /// must be downloaded); the caller puts it back.
    fn take_fetcher(&mut self) -> Option<Fetcher> {
        match self.fetcher.take() {
            Some(f) => Some(f),
            None if self.config_failed => None,
            None => match cli_config::load_from_env() {
                Ok(config) => Some(Fetcher::new(config)),
                // As Terraform: a named file that does not exist is only a warning.
                Err(cli_config::CliConfigError::Read { path, err }) if err.kind() == std::io::ErrorKind::NotFound => {
                    self.diags.push(Diagnostic::warning("Unable to open CLI configuration file").detail(format!(
                        "The CLI configuration file at {:?} does not exist.",
                        path.display().to_string()
                    )));
                    Some(Fetcher::new(cli_config::CliConfig::default()))
                }
                Err(e) => {
                    self.config_failed = true;
                    self.diags.push(
                        Diagnostic::error("cannot read the CLI configuration")
                            .detail(e.to_string())
                            .hint("fix the file, or unset MESHPLAN_CLI_CONFIG_FILE / TF_CLI_CONFIG_FILE"),
                    );
                    None
                }
            },
        }
    }

    fn dest(&self, key: &str) -> PathBuf {
        self.root.join(MODULES_DIR).join(key)
    }

    /// `dir` relative to the root, `/`-separated (as the manifest stores it).
    fn relative(&self, dir: &Path) -> String {
        let rel = dir.strip_prefix(&self.root).unwrap_or(dir);
        let parts: Vec<String> = rel
            .components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if parts.is_empty() {
            ".".into()
        } else if rel.is_absolute() {
            rel.display().to_string()
        } else {
            parts.join("/")
        }
    }
}

fn fetch_diag(call: &ModuleCall, e: &FetchError) -> Diagnostic {
    let name = &call.name;
    let at_source = call.source_span.clone().or(call.span.clone());
    match e {
        FetchError::NoMatchingVersion { address, available } => Diagnostic::error(format!("module \"{name}\": no available version of {address} matches {:?}", call.version.as_deref().unwrap_or("")))
            .detail(if available.is_empty() { "the registry lists no versions".to_string() } else { format!("available versions: {}", available.join(", ")) })
            .at(call.version_span.clone().or(at_source))
            .hint("change the `version` constraint (prereleases match only an exact `= x.y.z-pre`)"),
        FetchError::Unreachable { .. } => Diagnostic::error(format!("module \"{name}\": cannot download its source")).detail(e.to_string()).at(at_source).hint(
            "check the network and the host name; a registry on another host (or over http) can be named in the CLI configuration: host \"NAME\" { services = { \"modules.v1\" = \"URL\" } }",
        ),
        FetchError::ModuleNotFound { .. } | FetchError::NotFound { .. } => {
            Diagnostic::error(format!("module \"{name}\": source not found")).detail(e.to_string()).at(at_source).hint("check the address (namespace, name, provider) or the URL")
        }
        FetchError::Git { .. } => Diagnostic::error(format!("module \"{name}\": git failed")).detail(e.to_string()).at(at_source).hint("check the repository URL and the ?ref=, and that `git clone` works from this shell"),
        FetchError::BadArchive { .. } => Diagnostic::error(format!("module \"{name}\": bad archive")).detail(e.to_string()).at(at_source).hint("the URL must serve a .zip or .tar.gz archive of the module"),
        FetchError::MissingSubdir { .. } => Diagnostic::error(format!("module \"{name}\": {e}")).at(at_source).hint("check the //subdir part of the source"),
        _ => Diagnostic::error(format!("module \"{name}\": cannot install its source")).detail(e.to_string()).at(at_source),
    }
}
