//! The CLI configuration file, as Terraform reads it: `MESHPLAN_CLI_CONFIG_FILE`, else
//! `TF_CLI_CONFIG_FILE`, else `~/.meshplanrc`. Only `host "NAME" { services = {...} }` blocks
//! matter here (they replace service discovery for that host); other blocks
//! (`provider_installation`, `credentials`, ...) are ignored.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Structure;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliConfig {
    /// host → service id (`modules.v1`) → URL.
    pub hosts: BTreeMap<String, BTreeMap<String, String>>,
}

#[derive(Debug, thiserror::Error)]
pub enum CliConfigError {
    #[error("cannot read the CLI configuration {path}: {err}")]
    Read { path: PathBuf, err: std::io::Error },
    #[error("the CLI configuration {path} is not valid: {reason}")]
    Invalid { path: PathBuf, reason: String },
}

/// The file the environment names, if any (a missing `~/.meshplanrc` is no error).
pub fn load_from_env() -> Result<CliConfig, CliConfigError> {
    let named = ["MESHPLAN_CLI_CONFIG_FILE", "TF_CLI_CONFIG_FILE"]
        .iter()
        .find_map(|v| std::env::var_os(v).filter(|s| !s.is_empty()));
    match named {
        Some(path) => load(Path::new(&path)),
        None => match std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".meshplanrc")) {
            Some(path) if path.is_file() => load(&path),
            _ => Ok(CliConfig::default()),
        },
    }
}

pub fn load(path: &Path) -> Result<CliConfig, CliConfigError> {
    let text = std::fs::read_to_string(path).map_err(|err| CliConfigError::Read { path: path.to_path_buf(), err })?;
    parse(&text).map_err(|reason| CliConfigError::Invalid { path: path.to_path_buf(), reason })
}

pub fn parse(text: &str) -> Result<CliConfig, String> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| e.to_string())?;
    let mut config = CliConfig::default();
    for s in body.into_iter() {
        let Structure::Block(b) = s else { continue };
        if b.ident.as_str() != "host" {
            continue;
        }
        let [label] = &b.labels[..] else {
            return Err("a `host` block takes one label, the hostname".into());
        };
        let host = label.as_str().to_ascii_lowercase();
        let mut services = BTreeMap::new();
        for s in b.body.into_iter() {
            let Structure::Attribute(a) = s else { continue };
            if a.key.as_str() != "services" {
                continue;
            }
            let Expression::Object(obj) = &a.value else {
                return Err(format!("host {host:?}: `services` must be a map of service id to URL"));
            };
            for (k, v) in obj.iter() {
                let key = match k {
                    ObjectKey::Ident(i) => i.as_str().to_string(),
                    ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                    _ => return Err(format!("host {host:?}: service ids are strings like \"modules.v1\"")),
                };
                let Expression::String(url) = v.expr() else {
                    return Err(format!("host {host:?}: service {key:?} must be a URL string"));
                };
                services.insert(key, url.as_str().to_string());
            }
        }
        config.hosts.insert(host, services);
    }
    Ok(config)
}

impl CliConfig {
    pub fn service(&self, host: &str, id: &str) -> Option<&str> {
        self.hosts.get(&host.to_ascii_lowercase()).and_then(|s| s.get(id)).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_services_and_ignored_blocks() {
        let c = parse(
            r#"
            provider_installation {
              filesystem_mirror { path = "/opt/tf-plugins" }
            }
            credentials "app.terraform.io" { token = "secret" }
            host "Registry.Test" {
              services = { "modules.v1" = "http://127.0.0.1:8080/v1/modules/" }
            }
            plugin_cache_dir = "/tmp/cache"
            "#,
        )
        .unwrap();
        assert_eq!(c.service("registry.test", "modules.v1"), Some("http://127.0.0.1:8080/v1/modules/"));
        assert_eq!(c.service("registry.test", "providers.v1"), None);
        assert_eq!(c.hosts.len(), 1);
    }

    #[test]
    fn errors() {
        assert!(parse("host {}").is_err());
        assert!(parse(r#"host "x" { services = "y" }"#).is_err());
        assert!(parse("host \"x\" {").is_err());
    }
}
