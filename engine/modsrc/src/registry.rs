//! The module registry protocol: service discovery (`/.well-known/terraform.json` →
//! `modules.v1`, or the CLI configuration's `host` block), `.../versions` and
//! `.../VERSION/download` (the `X-Terraform-Get` header, or a JSON `location`).

use crate::address::{resolve_relative, RegistryAddr};
use crate::fetch::{FetchError, Fetcher};
use crate::version::{sorted_desc, Constraints};

impl Fetcher {
    /// The `modules.v1` base URL of `host`, ending in `/`.
    fn modules_base(&self, host: &str) -> Result<String, FetchError> {
        if let Some(url) = self.cache.lock().ok().and_then(|c| c.get(host).cloned()) {
            return Ok(url);
        }
        let discovery = format!("https://{host}/.well-known/terraform.json");
        let base = match self.config.service(host, "modules.v1") {
            Some(url) => url.to_string(),
            None => {
                let r = self.http.get_ok(&discovery)?;
                let doc: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| FetchError::Protocol { url: discovery.clone(), reason: format!("not a service discovery document: {e}") })?;
                let Some(rel) = doc.get("modules.v1").and_then(|v| v.as_str()) else {
                    return Err(FetchError::Protocol { url: discovery, reason: format!("{host} does not provide a module registry (no modules.v1 service)") });
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
        let r = self.http.get_ok(&url).map_err(|e| match e {
            FetchError::NotFound { url } => FetchError::ModuleNotFound { address: addr.to_string(), url },
            e => e,
        })?;
        let doc: serde_json::Value = serde_json::from_slice(&r.body).map_err(|e| FetchError::Protocol { url: url.clone(), reason: format!("not a versions document: {e}") })?;
        let versions = doc["modules"]
            .as_array()
            .and_then(|m| m.first())
            .and_then(|m| m["versions"].as_array())
            .ok_or_else(|| FetchError::Protocol { url: url.clone(), reason: "no modules[0].versions list".into() })?;
        Ok(versions.iter().filter_map(|v| v["version"].as_str().map(str::to_string)).collect())
    }

    /// The newest version of `addr` matching `constraint` (any version without one).
    pub fn choose_version(&self, addr: &RegistryAddr, constraint: Option<&Constraints>) -> Result<String, FetchError> {
        let available = self.versions(addr)?;
        let any = Constraints::parse(">= 0.0.0").expect("a valid constraint");
        match constraint.unwrap_or(&any).newest(available.iter().map(String::as_str)) {
            Some((_, v)) => Ok(v.to_string()),
            None => Err(FetchError::NoMatchingVersion { address: addr.to_string(), available: sorted_desc(available.iter().map(String::as_str)) }),
        }
    }

    /// Where the registry says `addr` at `version` is: any other source address.
    pub fn download_location(&self, addr: &RegistryAddr, version: &str) -> Result<String, FetchError> {
        let url = format!("{}/{version}/download", self.package_url(addr)?);
        let r = self.http.get_ok(&url)?;
        let location = match r.terraform_get {
            Some(l) => l,
            None => serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["location"].as_str().map(str::to_string))
                .ok_or_else(|| FetchError::Protocol { url: url.clone(), reason: "the answer has no X-Terraform-Get header".into() })?,
        };
        Ok(resolve_relative(&url, &location))
    }
}
