//! The module registry protocol: service discovery (`/.well-known/terraform.json` →
//! `modules.v1`, or the CLI configuration's `host` block), `.../versions` and
//! `.../VERSION/download` (the `X-Terraform-Get` header, or a JSON `location`). These
//! calls carry the host's API token (`CliConfig::token`), as Terraform's registry client does.

use crate::address::{resolve_relative, RegistryAddr};
use crate::fetch::{FetchError, Fetcher};
use crate::version::{sorted_desc, Constraints};

impl Fetcher {
    /// The `modules.v1` base URL of `host`, ending in `/`.
    fn modules_base(&self, host: &str) -> Result<String, FetchError> {
        if let Some(url) = self.cache.lock().ok().and_then(|c| c.get(host).cloned()) {
            return Ok(url);
        }
        let discovery = format!("{}://{host}/.well-known/terraform.json", self.discovery_scheme);
        let base = match self.config.service(host, "modules.v1") {
            Some(url) => url.to_string(),
            None => {
                let r = self.http.get_ok(&discovery, self.config.token(host).as_deref())?;
                let doc: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| FetchError::Protocol {
                    url: discovery.clone(),
                    reason: format!("not a service discovery document: {e}"),
                })?;
                let Some(rel) = doc.get("modules.v1").and_then(|v| v.as_str()) else {
                    return Err(FetchError::Protocol {
                        url: discovery,
                        reason: format!("{host} does not provide a module registry (no modules.v1 service)"),
                    });
                };
                resolve_relative(&discovery, rel)
            }
        };
        let base = if base.ends_with('/') { base } else { format!("{base}/") };
        if let Ok(mut c) = self.cache.lock() {
            c.insert(host.to_string(), base.clone());
        }
        Ok(base)
    }

    fn package_url(&self, addr: &RegistryAddr) -> Result<String, FetchError> {
        Ok(format!("{}{}/{}/{}", self.modules_base(&addr.host)?, addr.namespace, addr.name, addr.provider))
    }

    /// Every version the registry lists for `addr`.
    pub fn versions(&self, addr: &RegistryAddr) -> Result<Vec<String>, FetchError> {
        let url = format!("{}/versions", self.package_url(addr)?);
        let r = self.http.get_ok(&url, self.config.token(&addr.host).as_deref()).map_err(|e| match e {
            FetchError::NotFound { url } => FetchError::ModuleNotFound { address: addr.to_string(), url },
            e => e,
        })?;
        let doc: serde_json::Value = serde_json::from_slice(&r.body)
            .map_err(|e| FetchError::Protocol { url: url.clone(), reason: format!("not a versions document: {e}") })?;
        let versions =
            doc["modules"].as_array().and_then(|m| m.first()).and_then(|m| m["versions"].as_array()).ok_or_else(
                || FetchError::Protocol { url: url.clone(), reason: "no modules[0].versions list".into() },
            )?;
        Ok(versions.iter().filter_map(|v| v["version"].as_str().map(str::to_string)).collect())
    }

    /// The newest version of `addr` matching `constraint` (any version without one).
    pub fn choose_version(&self, addr: &RegistryAddr, constraint: Option<&Constraints>) -> Result<String, FetchError> {
        let available = self.versions(addr)?;
        let any = Constraints::parse(">= 0.0.0").expect("a valid constraint");
        match constraint.unwrap_or(&any).newest(available.iter().map(String::as_str)) {
            Some((_, v)) => Ok(v.to_string()),
            None => Err(FetchError::NoMatchingVersion {
                address: addr.to_string(),
                available: sorted_desc(available.iter().map(String::as_str)),
            }),
        }
    }

    /// Where the registry says `addr` at `version` is: any other source address.
    pub fn download_location(&self, addr: &RegistryAddr, version: &str) -> Result<String, FetchError> {
        let url = format!("{}/{version}/download", self.package_url(addr)?);
        let r = self.http.get_ok(&url, self.config.token(&addr.host).as_deref())?;
        let location = match r.terraform_get {
            Some(l) => l,
            None => serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["location"].as_str().map(str::to_string))
                .ok_or_else(|| FetchError::Protocol {
                    url: url.clone(),
                    reason: "the answer has no X-Terraform-Get header".into(),
                })?,
        };
        Ok(resolve_relative(&url, &location))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::{parse, Source};
    use crate::cli_config::CliConfig;
    use std::io::{BufRead, BufReader, Write};

    /// path, status, headers, body.
    type Route = (&'static str, u16, Vec<(&'static str, String)>, String);

    /// Answers `routes` on 127.0.0.1 (one connection per route), then closes.
    fn serve(routes: Vec<Route>) -> u16 {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(routes.len()) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                let (status, headers, body) = routes
                    .iter()
                    .find(|r| r.0 == path)
                    .map(|r| (r.1, r.2.clone(), r.3.clone()))
                    .unwrap_or((404, vec![], String::new()));
                let mut head =
                    format!("HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
                for (k, v) in headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                let _ = stream.write_all(format!("{head}\r\n{body}").as_bytes());
            }
        });
        port
    }

    #[test]
    fn discovery_versions_and_json_download_location() {
        let versions = r#"{"modules":[{"versions":[{"version":"1.0.0"},{"version":"1.4.1"},{"version":"2.0.0"}]}]}"#;
        let port = serve(vec![
            ("/.well-known/terraform.json", 200, vec![], r#"{"modules.v1":"/api/modules/"}"#.into()),
            ("/api/modules/acme/vpc/aws/versions", 200, vec![], versions.into()),
            (
                "/api/modules/acme/vpc/aws/1.4.1/download",
                200,
                vec![],
                r#"{"location":"git::https://example.com/vpc.git?ref=v1.4.1"}"#.into(),
            ),
            (
                "/api/modules/acme/vpc/aws/2.0.0/download",
                204,
                vec![("X-Terraform-Get", "../../files/vpc.tgz".into())],
                String::new(),
            ),
        ]);
        let mut f = Fetcher::new(CliConfig::default());
        f.discovery_scheme = "http";
        let Source::Registry(addr) = parse(&format!("127.0.0.1:{port}/acme/vpc/aws")).unwrap() else {
            panic!("a registry address")
        };
        let c = Constraints::parse("~> 1.0").unwrap();
        assert_eq!(f.choose_version(&addr, Some(&c)).unwrap(), "1.4.1");
        assert_eq!(f.download_location(&addr, "1.4.1").unwrap(), "git::https://example.com/vpc.git?ref=v1.4.1");
        assert_eq!(
            f.download_location(&addr, "2.0.0").unwrap(),
            format!("http://127.0.0.1:{port}/api/modules/acme/vpc/files/vpc.tgz")
        );
    }

    #[test]
    fn a_host_without_a_module_registry() {
        let port = serve(vec![("/.well-known/terraform.json", 200, vec![], r#"{"providers.v1":"/p/"}"#.into())]);
        let mut f = Fetcher::new(CliConfig::default());
        f.discovery_scheme = "http";
        let Source::Registry(addr) = parse(&format!("127.0.0.1:{port}/acme/vpc/aws")).unwrap() else {
            panic!("a registry address")
        };
        let e = f.versions(&addr).unwrap_err();
        assert!(e.to_string().contains("does not provide a module registry"), "{e}");
    }
}
