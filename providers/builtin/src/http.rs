//! The `http` data source (hashicorp/http): one HTTP(S) request, read at plan time.
//!
//! A non-2xx status is not an error (as in Terraform: check `status_code` in a
//! postcondition). `expected_sha256` is meshplan's addition: when set, a response body
//! with another SHA-256 fails the read, naming both digests.
//!
//! Not implemented: `insecure`, `ca_cert_pem`, the `retry` block.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

pub(crate) struct Http;

/// Bodies beyond this are refused rather than held in memory and state.
const MAX_BODY_BYTES: u64 = 64 << 20;
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// A request read from a wholly known configuration.
struct HttpRequest {
    url: String,
    method: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    timeout: Duration,
}

struct HttpResponse {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl HttpRequest {
    fn from_config(config: &Value) -> Result<Self, ProviderError> {
        let url = config
            .get_str("url")
            .filter(|u| !u.is_empty())
            .ok_or_else(|| ProviderError::new("url is required").at_attribute("url"))?;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(
                ProviderError::new(format!("url must start with http:// or https://, got {url:?}")).at_attribute("url")
            );
        }
        let method = config.get_str("method").unwrap_or("GET").to_ascii_uppercase();
        if !["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"].contains(&method.as_str()) {
            return Err(ProviderError::new(format!("unsupported method {method:?}")).at_attribute("method"));
        }
        let mut headers = Vec::new();
        if let Some(map) = config.get("request_headers").as_object() {
            for (name, value) in map {
                let value = value.as_str().ok_or_else(|| {
                    ProviderError::new(format!("request header {name:?} must be a string"))
                        .at_attribute("request_headers")
                })?;
                headers.push((name.clone(), value.to_string()));
            }
        }
        let timeout = match config.get("request_timeout_ms").as_i64() {
            Some(ms) if ms > 0 => Duration::from_millis(ms as u64),
            _ => DEFAULT_TIMEOUT,
        };
        Ok(HttpRequest {
            url: url.to_string(),
            method,
            headers,
            body: config.get_str("request_body").map(str::to_string),
            timeout,
        })
    }

    /// Blocking: run it on a blocking thread.
    fn send(&self) -> Result<HttpResponse, String> {
        let agent: ureq::Agent =
            ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(self.timeout)).build().into();
        let mut builder = ureq::http::Request::builder().method(self.method.as_str()).uri(&self.url);
        for (name, value) in &self.headers {
            builder = builder.header(name, value);
        }
        let request = builder.body(self.body.clone().unwrap_or_default()).map_err(|e| e.to_string())?;
        let mut response = agent.run(request).map_err(|e| e.to_string())?;
        let mut headers: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in response.headers() {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            headers
                .entry(canonical_header_name(name.as_str()))
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value)
                })
                .or_insert(value);
        }
        let body = response.body_mut().with_config().limit(MAX_BODY_BYTES).read_to_vec().map_err(|e| e.to_string())?;
        Ok(HttpResponse { status: response.status().as_u16(), headers, body })
    }
}

/// `content-type` → `Content-Type`, the form Terraform's (Go's) http data source shows.
fn canonical_header_name(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + &chars.as_str().to_ascii_lowercase(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[async_trait]
impl DataSource for Http {
    fn type_name(&self) -> &'static str {
        "http"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("url", Attribute::required(Type::String))
            .attr("method", Attribute::optional(Type::String))
            .attr("request_headers", Attribute::optional(Type::map(Type::String)))
            .attr("request_body", Attribute::optional(Type::String))
            .attr("request_timeout_ms", Attribute::optional(Type::Number))
            .attr("expected_sha256", Attribute::optional(Type::String))
            .attr("response_body", Attribute::computed(Type::String))
            .attr("response_body_base64", Attribute::computed(Type::String))
            .attr("response_headers", Attribute::computed(Type::map(Type::String)))
            .attr("status_code", Attribute::computed(Type::Number))
            .attr("id", Attribute::computed(Type::String))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let request = HttpRequest::from_config(config)?;
        let url = request.url.clone();
        let response = tokio::task::spawn_blocking(move || request.send())
            .await
            .map_err(|e| ProviderError::new(format!("internal error: the request to {url} did not finish: {e}")))?
            .map_err(|e| {
                ProviderError::new(format!("{}: request to {url} failed: {e}", ctx.address)).at_attribute("url")
            })?;

        let actual = hex::encode(Sha256::digest(&response.body));
        if let Some(expected) = config.get_str("expected_sha256") {
            if !expected.trim().eq_ignore_ascii_case(&actual) {
                return Err(ProviderError::new(format!(
                    "the response body of {url} has SHA-256 {actual}, but expected_sha256 is {expected}"
                ))
                .at_attribute("expected_sha256")
                .with_hint("the content changed upstream, or expected_sha256 is wrong"));
            }
        }

        let mut state = config.clone();
        if state.as_object().is_none() {
            state = Value::empty_object();
        }
        state.set("response_body", Value::from(String::from_utf8_lossy(&response.body).into_owned()));
        state.set("response_body_base64", Value::from(STANDARD.encode(&response.body)));
        state.set(
            "response_headers",
            Value::Object(response.headers.into_iter().map(|(k, v)| (k, Value::from(v))).collect()),
        );
        state.set("status_code", Value::from(i64::from(response.status)));
        state.set("id", Value::from(url));
        Ok(state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    /// A one-request-per-connection HTTP/1.1 server on 127.0.0.1: answers `/missing` with
    /// 404 and everything else with 200, echoing the method, the `x-token` header and the
    /// request body in the response body.
    async fn serve() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    // Read the head, then as much body as Content-Length says.
                    let (head, body) = loop {
                        let n = socket.read(&mut chunk).await.unwrap_or(0);
                        if n == 0 {
                            return;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_string();
                            let length = head
                                .lines()
                                .find_map(|l| {
                                    l.to_ascii_lowercase()
                                        .strip_prefix("content-length:")
                                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                                })
                                .unwrap_or(0);
                            while buf.len() < end + 4 + length {
                                let n = socket.read(&mut chunk).await.unwrap_or(0);
                                if n == 0 {
                                    break;
                                }
                                buf.extend_from_slice(&chunk[..n]);
                            }
                            break (head, String::from_utf8_lossy(&buf[end + 4..]).to_string());
                        }
                    };
                    let request_line = head.lines().next().unwrap_or("").to_string();
                    let mut parts = request_line.split(' ');
                    let method = parts.next().unwrap_or("");
                    let path = parts.next().unwrap_or("");
                    let token = head
                        .lines()
                        .find_map(|l| l.strip_prefix("x-token: ").or_else(|| l.strip_prefix("X-Token: ")))
                        .unwrap_or("-");
                    let status = if path == "/missing" { "404 Not Found" } else { "200 OK" };
                    let reply = format!("{method} {path} token={token} body={body}");
                    let response = format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/plain\r\nX-Multi: a\r\nX-Multi: b\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{reply}",
                        reply.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        format!("http://{addr}")
    }

    fn ctx() -> Ctx {
        Ctx::unconfigured("data.http.x")
    }

    fn config(url: &str) -> Value {
        Value::object([("url", Value::from(url))])
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn get_returns_body_status_and_headers() {
        let base = serve().await;
        let mut cfg = config(&format!("{base}/doc"));
        cfg.set("request_headers", Value::object([("x-token", Value::from("abc"))]));
        let s = Http.read(&ctx(), &cfg).await.unwrap();
        assert_eq!(s.get_str("response_body"), Some("GET /doc token=abc body="));
        assert_eq!(s.get("status_code"), &Value::from(200i64));
        assert_eq!(s.get_str("id"), Some(format!("{base}/doc").as_str()));
        let headers = s.get("response_headers");
        assert_eq!(headers.get_str("Content-Type"), Some("text/plain"));
        assert_eq!(headers.get_str("X-Multi"), Some("a, b"));
        assert_eq!(s.get_str("response_body_base64"), Some(STANDARD.encode("GET /doc token=abc body=").as_str()));
        assert_eq!(s.get_str("url"), cfg.get_str("url"), "the configuration is kept");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn post_sends_the_body_and_404_is_not_an_error() {
        let base = serve().await;
        let mut cfg = config(&format!("{base}/missing"));
        cfg.set("method", Value::from("post"));
        cfg.set("request_body", Value::from("{\"a\":1}"));
        let s = Http.read(&ctx(), &cfg).await.unwrap();
        assert_eq!(s.get("status_code"), &Value::from(404i64));
        assert_eq!(s.get_str("response_body"), Some("POST /missing token=- body={\"a\":1}"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn expected_sha256_is_checked() {
        let base = serve().await;
        let body = "GET /pinned token=- body=";
        let digest = hex::encode(Sha256::digest(body.as_bytes()));
        let mut cfg = config(&format!("{base}/pinned"));
        cfg.set("expected_sha256", Value::from(digest.to_uppercase()));
        assert_eq!(Http.read(&ctx(), &cfg).await.unwrap().get_str("response_body"), Some(body));

        let wrong = "0".repeat(64);
        cfg.set("expected_sha256", Value::from(wrong.as_str()));
        let err = Http.read(&ctx(), &cfg).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("expected_sha256"));
        assert!(err.message.contains(&digest) && err.message.contains(&wrong), "{}", err.message);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn unreachable_and_malformed_urls_are_clear_errors() {
        // A port that was free a moment ago: nothing listens there.
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let err = Http.read(&ctx(), &config(&format!("http://127.0.0.1:{port}/"))).await.unwrap_err();
        assert!(err.message.contains("request to http://127.0.0.1"), "{}", err.message);
        let err = Http.read(&ctx(), &config("ftp://example.invalid/")).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("url"));
    }

    #[test]
    fn header_names_are_canonical() {
        assert_eq!(canonical_header_name("content-type"), "Content-Type");
        assert_eq!(canonical_header_name("x-amz-ID-2"), "X-Amz-Id-2");
    }
}
