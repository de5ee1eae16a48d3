//! An incoming API request, read fully (bodies are small; watches stream only responses).

use std::collections::HashMap;

use hyper::body::Bytes;
use hyper::{HeaderMap, Method};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};

pub struct ApiRequest {
    pub method: Method,
    pub path: String,
    pub query: HashMap<String, String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl ApiRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(self.param(name), Some("true" | "1"))
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("application/json")
    }

    /// Wants `meta.k8s.io` Table output (`kubectl get`).
    pub fn wants_table(&self) -> bool {
        self.header("accept").is_some_and(|a| a.contains("as=Table"))
    }

    /// The field manager: `?fieldManager=`, else the User-Agent's program name, as the API
    /// server derives it.
    pub fn field_manager(&self) -> String {
        if let Some(manager) = self.param("fieldManager") {
            return manager.to_string();
        }
        let agent = self.header("user-agent").unwrap_or("unknown");
        agent.split('/').next().unwrap_or(agent).to_string()
    }

    pub fn dry_run(&self) -> bool {
        self.param("dryRun") == Some("All")
    }

    /// Decodes the body as one object, from JSON or YAML.
    pub fn object(&self) -> ApiResult<Value> {
        decode_object(self.content_type(), &self.body)
    }
}

pub fn decode_object(content_type: &str, body: &[u8]) -> ApiResult<Value> {
    let media = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let value: Value = match media.as_str() {
        "" | "application/json" | "*/*" | "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
            serde_json::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("couldn't decode the body as JSON: {e}")))?
        }
        "application/yaml" | "application/apply-patch+yaml" | "application/x-yaml" | "text/yaml" => {
            serde_norway::from_slice(body)
                .map_err(|e| ApiError::bad_request(format!("couldn't decode the body as YAML: {e}")))?
        }
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    if !value.is_object() {
        return Err(ApiError::bad_request("the request body must be an object"));
    }
    Ok(value)
}
