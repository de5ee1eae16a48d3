//! `gcs::` sources (go-getter's form `https://www.googleapis.com/storage/v1/BUCKET/PATH`)
//! through the Cloud Storage JSON API: an archive object is downloaded and unpacked; any other
//! path is a prefix whose objects are downloaded as the module's files. Authorization is
//! `GOOGLE_OAUTH_ACCESS_TOKEN` when set (go-getter's variable); `STORAGE_EMULATOR_HOST`
//! (`host:port` or a URL) points the calls at an emulator, as Google's client libraries do.

use crate::address::{archive_kind, redact};
use crate::fetch::{unpack_object, FetchError};
use crate::http::Http;
use std::path::{Path, PathBuf};

#[derive(Debug, PartialEq, Eq)]
struct Location {
    bucket: String,
    path: String,
}

fn parse(url: &str) -> Result<Location, String> {
    let rest = url.split_once("://").map(|(_, r)| r).ok_or("not a URL")?;
    let rest = rest.split('?').next().unwrap_or(rest);
    let (_host, path) = rest.split_once('/').ok_or("the URL names no bucket")?;
    let path =
        path.strip_prefix("storage/v1/").ok_or("gcs:: URLs are https://www.googleapis.com/storage/v1/BUCKET/PATH")?;
    let (bucket, object) = path.split_once('/').ok_or("the URL names no object")?;
    if bucket.is_empty() || object.trim_matches('/').is_empty() {
        return Err("the URL names no bucket or no object".into());
    }
    Ok(Location { bucket: bucket.to_string(), path: object.to_string() })
}

/// The JSON API's base URL: `https://storage.googleapis.com/storage/v1`, or the emulator's.
fn api_base() -> String {
    match std::env::var("STORAGE_EMULATOR_HOST").ok().filter(|h| !h.is_empty()) {
        Some(h) if h.contains("://") => format!("{}/storage/v1", h.trim_end_matches('/')),
        Some(h) => format!("http://{h}/storage/v1"),
        None => "https://storage.googleapis.com/storage/v1".into(),
    }
}

/// Percent-encodes an object name for a URL path segment or query value.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn fetch(http: &Http, url: &str, dest: &Path) -> Result<PathBuf, FetchError> {
    let loc = parse(url).map_err(|reason| FetchError::Protocol { url: redact(url), reason })?;
    let token = std::env::var("GOOGLE_OAUTH_ACCESS_TOKEN").ok().filter(|t| !t.is_empty());
    let base = api_base();
    let media = |object: &str| format!("{base}/b/{}/o/{}?alt=media", encode(&loc.bucket), encode(object));
    if archive_kind(&loc.path).is_some() {
        let r = http.get_ok(&media(&loc.path), token.as_deref())?;
        return unpack_object(url, &loc.path, &r.body, dest);
    }
    // A prefix: every object under it, paths kept relative to it.
    let prefix = format!("{}/", loc.path.trim_end_matches('/'));
    let mut names = Vec::new();
    let mut page: Option<String> = None;
    loop {
        let mut list = format!("{base}/b/{}/o?prefix={}", encode(&loc.bucket), encode(&prefix));
        if let Some(p) = &page {
            list.push_str(&format!("&pageToken={}", encode(p)));
        }
        let r = http.get_ok(&list, token.as_deref())?;
        let doc: serde_json::Value = serde_json::from_slice(&r.body)
            .map_err(|e| FetchError::Protocol { url: redact(&list), reason: format!("not a JSON object list: {e}") })?;
        names.extend(
            doc["items"].as_array().into_iter().flatten().filter_map(|i| i["name"].as_str().map(str::to_string)),
        );
        match doc["nextPageToken"].as_str() {
            Some(p) if !p.is_empty() => page = Some(p.to_string()),
            _ => break,
        }
    }
    if names.is_empty() {
        return Err(FetchError::NotFound { url: redact(url) });
    }
    for name in names.iter().filter(|n| !n.ends_with('/')) {
        let rel = Path::new(&name[prefix.len()..]);
        if rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            return Err(FetchError::Protocol {
                url: redact(url),
                reason: format!("object {name:?} escapes the module"),
            });
        }
        let target = dest.join(rel);
        let io = |err| FetchError::Io { path: target.clone(), err };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        let r = http.get_ok(&media(name), token.as_deref())?;
        std::fs::write(&target, &r.body).map_err(io)?;
    }
    Ok(dest.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_getter_gcs_urls() {
        assert_eq!(
            parse("https://www.googleapis.com/storage/v1/my-bucket/modules/vpc.zip").unwrap(),
            Location { bucket: "my-bucket".into(), path: "modules/vpc.zip".into() }
        );
        assert!(parse("https://www.googleapis.com/my-bucket/vpc.zip").is_err());
        assert!(parse("https://www.googleapis.com/storage/v1/my-bucket").is_err());
        assert_eq!(encode("a b/c.zip"), "a%20b%2Fc.zip");
    }
}
