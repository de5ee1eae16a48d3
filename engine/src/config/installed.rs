//! Where a module call's code is: a directory next to the caller for local sources, else what
//! `meshplan init` installed (`.meshplan/modules/modules.json`). Loading never fetches: a
//! source that is not installed, or changed since, is an error pointing at `source`.

use super::model::ModuleCall;
use crate::diag::Diagnostic;
use meshplan_modsrc::address::{self, Source};
use meshplan_modsrc::manifest::{Manifest, ManifestError};
use meshplan_modsrc::version::{parse_version, Constraints};
use std::path::{Path, PathBuf};

const RUN_INIT: &str = "run `meshplan init`";

pub(super) struct Installed {
    root: PathBuf,
    manifest: Result<Manifest, String>,
}

/// `vpc` under the root, `vpc.nested` under `vpc` (Terraform's manifest keys).
pub fn child_key(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

impl Installed {
    pub(super) fn read(root: &Path) -> Self {
        Installed { root: root.to_path_buf(), manifest: Manifest::read(root).map_err(|e: ManifestError| e.to_string()) }
    }

    /// The directory holding the code of `call`, whose manifest key is `key`.
    pub(super) fn dir_of(&self, caller: &Path, key: &str, call: &ModuleCall) -> Result<PathBuf, Diagnostic> {
        let at_source = |d: Diagnostic| d.at(call.source_span.clone().or(call.span.clone()));
        let source = address::parse(&call.source).map_err(|e| at_source(invalid_source(&call.name, &e.to_string())))?;
        check_version_allowed(call, &source)?;
        if let Source::Local(path) = &source {
            let dir = caller.join(path);
            if !dir.is_dir() {
                return Err(at_source(Diagnostic::error(format!(
                    "module \"{}\": source directory {} does not exist",
                    call.name,
                    dir.display()
                ))));
            }
            return Ok(dir);
        }
        let manifest = self.manifest.as_ref().map_err(|e| {
            at_source(Diagnostic::error("cannot read the installed modules").detail(e.clone()).hint(RUN_INIT))
        })?;
        let not_installed = || {
            at_source(
                Diagnostic::error(format!("module \"{}\" is not installed", call.name))
                    .detail(format!("{:?} must be downloaded before it is used", call.source))
                    .hint(RUN_INIT),
            )
        };
        let record = manifest.get(key).ok_or_else(not_installed)?;
        if record.source != call.source {
            return Err(at_source(
                Diagnostic::error(format!("module \"{}\": its source has changed", call.name))
                    .detail(format!("installed from {:?}, now {:?}", record.source, call.source))
                    .hint(RUN_INIT),
            ));
        }
        if let (Some(text), Some(have)) = (&call.version, &record.version) {
            let ok = Constraints::parse(text).ok().zip(parse_version(have)).is_some_and(|(c, v)| c.matches(&v));
            if !ok {
                return Err(at_source(
                    Diagnostic::error(format!("module \"{}\": its version requirements have changed", call.name))
                        .detail(format!("version {have} is installed, which does not match {text:?}"))
                        .hint(RUN_INIT),
                ));
            }
        }
        let dir = self.root.join(&record.dir);
        if !dir.is_dir() {
            return Err(not_installed());
        }
        Ok(dir)
    }
}

pub fn invalid_source(name: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(format!("module \"{name}\": invalid source"))
        .detail(reason.to_string())
        .hint("sources are local paths (./x, ../x), registry addresses (NAMESPACE/NAME/PROVIDER), git::URL, github.com/OWNER/REPO or http(s) archive URLs (.zip, .tar.gz)")
}

/// A `version` argument belongs to registry sources only (as in Terraform), and must parse.
pub fn check_version_allowed(call: &ModuleCall, source: &Source) -> Result<(), Diagnostic> {
    let Some(text) = &call.version else { return Ok(()) };
    let at = call.version_span.clone().or(call.span.clone());
    let kind = match source {
        Source::Registry(_) => {
            return Constraints::parse(text).map(|_| ()).map_err(|e| {
                Diagnostic::error(format!("module \"{}\": invalid version constraint", call.name))
                    .detail(e.to_string())
                    .at(at)
            })
        }
        Source::Local(_) => "a local path",
        Source::Remote(_) => "a source that is not a registry address",
    };
    Err(Diagnostic::error(format!("module \"{}\": a version constraint needs a registry source", call.name))
        .detail(format!("the source is {kind}; pin git sources with ?ref=TAG instead"))
        .at(at)
        .hint("remove `version`, or use a NAMESPACE/NAME/PROVIDER registry address"))
}
