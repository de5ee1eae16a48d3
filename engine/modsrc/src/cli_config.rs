//! The CLI configuration file, as Terraform reads it: `MESHPLAN_CLI_CONFIG_FILE`, else
//! `TF_CLI_CONFIG_FILE`, else `~/.meshplanrc`. `host "NAME" { services = {...} }` blocks
//! replace service discovery for that host; `credentials "NAME" { token = "..." }` blocks
//! (and `TF_TOKEN_<host>` variables, which win) give the registry's API token; other blocks
//! (`provider_installation`, ...) are ignored.

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Structure;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliConfig {
    /// host → service id (`modules.v1`) → URL.
    pub hosts: BTreeMap<String, BTreeMap<String, String>>,
    /// host → API token, from `credentials` blocks.
    pub credentials: BTreeMap<String, Token>,
}

/// A registry API token; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(pub String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(redacted)")
    }
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
        if b.ident.as_str() == "credentials" {
            let [label] = &b.labels[..] else {
                return Err("a `credentials` block takes one label, the hostname".into());
            };
            let host = label.as_str().to_ascii_lowercase();
            let token = b.body.into_iter().find_map(|s| match s {
                Structure::Attribute(a) if a.key.as_str() == "token" => Some(a.value),
                _ => None,
            });
            match token {
                Some(Expression::String(t)) => {
                    config.credentials.insert(host, Token(t.as_str().to_string()));
                }
                _ => return Err(format!("credentials {host:?}: `token` must be a string")),
            }
            continue;
        }
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

/// The hostname a `TF_TOKEN_` variable's suffix names: `__` is `-`, `_` is `.`.
pub fn env_token_host(suffix: &str) -> String {
    suffix.split("__").map(|part| part.replace('_', ".")).collect::<Vec<_>>().join("-").to_ascii_lowercase()
}

impl CliConfig {
    /// The API token for `host`: a `TF_TOKEN_<host>` variable first (as Terraform), else
    /// a `credentials` block.
    pub fn token(&self, host: &str) -> Option<String> {
        let host = host.to_ascii_lowercase();
        let from_env = std::env::vars_os().find_map(|(k, v)| {
            let suffix = k.to_str()?.strip_prefix("TF_TOKEN_")?;
            (env_token_host(suffix) == host).then(|| v.into_string().ok()).flatten()
        });
        from_env.filter(|t| !t.is_empty()).or_else(|| self.credentials.get(&host).map(|t| t.0.clone()))
    }

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
    fn credentials_blocks_and_env_names() {
        let c = parse("credentials \"Registry.Example.com\" {\n  token = \"abc\"\n}\n").unwrap();
        assert_eq!(c.credentials["registry.example.com"], Token("abc".into()));
        assert!(!format!("{c:?}").contains("abc"));
        assert_eq!(env_token_host("my__registry_example_com"), "my-registry.example.com");
        assert_eq!(env_token_host("App_Terraform_io"), "app.terraform.io");
        assert!(parse("credentials {\n  token = \"x\"\n}\n").is_err());
        assert!(parse("credentials \"h\" {\n  token = 1\n}\n").is_err());
    }

    #[test]
    fn errors() {
        assert!(parse("host {}").is_err());
        assert!(parse(r#"host "x" { services = "y" }"#).is_err());
        assert!(parse("host \"x\" {").is_err());
    }
}
