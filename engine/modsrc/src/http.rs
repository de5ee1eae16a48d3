//! One blocking HTTP client (ureq) for discovery, registry calls and archive downloads.

use crate::address::redact;
use crate::fetch::FetchError;
use std::time::Duration;

/// Archives larger than this are refused (a module is source text, not a disk image).
const MAX_BODY: u64 = 512 * 1024 * 1024;

pub(crate) struct Http {
    agent: ureq::Agent,
}

pub(crate) struct Response {
    pub status: u16,
    /// The `X-Terraform-Get` header, if any.
    pub terraform_get: Option<String>,
    pub body: Vec<u8>,
}

impl Http {
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(15)))
            .timeout_global(Some(Duration::from_secs(600)))
            .user_agent(concat!("meshplan/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Http { agent }
    }

    /// GET `url`, with `token` as a bearer token when given (ureq drops it on a redirect);
    /// any answer (404 included) is `Ok`, only transport failures are errors.
    pub fn get(&self, url: &str, token: Option<&str>) -> Result<Response, FetchError> {
        let unreachable = |e: ureq::Error| FetchError::Unreachable { url: redact(url), reason: e.to_string() };
        let mut req = self.agent.get(url);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        let mut resp = req.call().map_err(unreachable)?;
        let terraform_get = resp.headers().get("x-terraform-get").and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(unreachable)?;
        Ok(Response { status: resp.status().as_u16(), terraform_get, body })
    }

    /// GET `url` expecting 2xx: 404 is [`FetchError::NotFound`], other statuses [`FetchError::Status`].
    pub fn get_ok(&self, url: &str, token: Option<&str>) -> Result<Response, FetchError> {
        let r = self.get(url, token)?;
        match r.status {
            200..=299 => Ok(r),
            404 => Err(FetchError::NotFound { url: redact(url) }),
            status => Err(FetchError::Status {
                url: redact(url),
                status,
                body: String::from_utf8_lossy(&r.body).chars().take(300).collect(),
            }),
        }
    }
}
