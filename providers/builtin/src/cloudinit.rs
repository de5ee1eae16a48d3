//! The `cloudinit_config` data source (hashicorp/cloudinit): parts rendered as a multipart
//! MIME message for cloud-init, optionally gzipped, optionally base64-encoded.
//!
//! Uncompressed output is byte for byte the provider's (headers sorted by name, CRLF line
//! ends, `Content-Type` then `MIME-Version` on top). Gzipped output is a valid gzip stream of
//! the same message, but its compressed bytes differ from Go's compressor's.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::write::GzEncoder;
use flate2::Compression;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};
use sha2::{Digest, Sha256};
use std::io::Write;

pub(crate) struct CloudinitConfig;

struct Part<'a> {
    content: &'a str,
    content_type: &'a str,
    filename: Option<&'a str>,
    merge_type: Option<&'a str>,
}

/// The multipart message, as Go's mime/multipart writer lays it out.
fn render(boundary: &str, parts: &[Part<'_>]) -> String {
    let mut out = format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\nMIME-Version: 1.0\r\n\r\n");
    for (i, part) in parts.iter().enumerate() {
        out.push_str(if i == 0 { "--" } else { "\r\n--" });
        out.push_str(boundary);
        out.push_str("\r\n");
        // Header names in sorted order: Content-Disposition, Content-Transfer-Encoding,
        // Content-Type, Mime-Version, X-Merge-Type.
        if let Some(name) = part.filename {
            out.push_str(&format!("Content-Disposition: attachment; filename=\"{name}\"\r\n"));
        }
        out.push_str("Content-Transfer-Encoding: 7bit\r\n");
        out.push_str(&format!("Content-Type: {}\r\n", part.content_type));
        out.push_str("Mime-Version: 1.0\r\n");
        if let Some(merge) = part.merge_type {
            out.push_str(&format!("X-Merge-Type: {merge}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(part.content);
    }
    out.push_str(&format!("\r\n--{boundary}--\r\n"));
    out
}

fn gzip(text: &str) -> Result<Vec<u8>, std::io::Error> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(text.as_bytes())?;
    enc.finish()
}

#[async_trait]
impl DataSource for CloudinitConfig {
    fn type_name(&self) -> &'static str {
        "cloudinit_config"
    }
    fn schema(&self) -> Schema {
        let part = Schema::new()
            .attr("content", Attribute::required(Type::String))
            .attr("content_type", Attribute::optional_computed(Type::String))
            .attr("filename", Attribute::optional(Type::String))
            .attr("merge_type", Attribute::optional(Type::String));
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("gzip", Attribute::optional_computed(Type::Bool))
            .attr("base64_encode", Attribute::optional_computed(Type::Bool))
            .attr("boundary", Attribute::optional_computed(Type::String))
            .attr("rendered", Attribute::computed(Type::String))
            .block("part", Block::list(part))
    }
    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let gzipped = config.get("gzip").as_bool().unwrap_or(true);
        let base64 = config.get("base64_encode").as_bool().unwrap_or(true);
        if gzipped && !base64 {
            return Err(ProviderError::new("gzip output must be base64-encoded")
                .at_attribute("base64_encode")
                .with_hint("set `base64_encode = true`, or `gzip = false`"));
        }
        let boundary = config.get_str("boundary").filter(|b| !b.is_empty()).unwrap_or("MIMEBOUNDARY");
        let items = config.get("part").as_list().map(|l| l.to_vec()).unwrap_or_default();
        let parts: Vec<Part<'_>> = items
            .iter()
            .map(|p| Part {
                content: p.get_str("content").unwrap_or_default(),
                content_type: p.get_str("content_type").filter(|t| !t.is_empty()).unwrap_or("text/plain"),
                filename: p.get_str("filename").filter(|f| !f.is_empty()),
                merge_type: p.get_str("merge_type").filter(|m| !m.is_empty()),
            })
            .collect();
        let message = render(boundary, &parts);
        let rendered = match (gzipped, base64) {
            (true, _) => STANDARD.encode(gzip(&message).map_err(|e| ProviderError::new(format!("gzip: {e}")))?),
            (false, true) => STANDARD.encode(message.as_bytes()),
            (false, false) => message,
        };
        let mut s = config.clone();
        let with_defaults: Vec<Value> = items
            .iter()
            .zip(&parts)
            .map(|(item, part)| {
                let mut item = item.clone();
                item.set("content_type", Value::from(part.content_type));
                item
            })
            .collect();
        s.set("part", Value::List(with_defaults));
        s.set("gzip", Value::from(gzipped));
        s.set("base64_encode", Value::from(base64));
        s.set("boundary", Value::from(boundary));
        s.set("id", Value::from(hex::encode(&Sha256::digest(rendered.as_bytes())[..8])));
        s.set("rendered", Value::from(rendered));
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part<'a>(content: &'a str, content_type: &'a str, filename: Option<&'a str>) -> Part<'a> {
        Part { content, content_type, filename, merge_type: None }
    }

    #[test]
    fn renders_as_the_cloudinit_provider_does() {
        // The provider's documented rendering of one part without gzip or base64.
        assert_eq!(
            render("MIMEBOUNDARY", &[part("baz", "text/x-shellscript", None)]),
            "Content-Type: multipart/mixed; boundary=\"MIMEBOUNDARY\"\nMIME-Version: 1.0\r\n\r\n--MIMEBOUNDARY\r\nContent-Transfer-Encoding: 7bit\r\nContent-Type: text/x-shellscript\r\nMime-Version: 1.0\r\n\r\nbaz\r\n--MIMEBOUNDARY--\r\n"
        );
        let two = render("//", &[part("a", "text/plain", Some("a.sh")), part("b\n", "text/cloud-config", None)]);
        assert_eq!(
            two,
            "Content-Type: multipart/mixed; boundary=\"//\"\nMIME-Version: 1.0\r\n\r\n--//\r\nContent-Disposition: attachment; filename=\"a.sh\"\r\nContent-Transfer-Encoding: 7bit\r\nContent-Type: text/plain\r\nMime-Version: 1.0\r\n\r\na\r\n--//\r\nContent-Transfer-Encoding: 7bit\r\nContent-Type: text/cloud-config\r\nMime-Version: 1.0\r\n\r\nb\n\r\n--//--\r\n"
        );
        let merged = render(
            "B",
            &[Part { merge_type: Some("list(append)+dict(recurse_array)"), ..part("x", "text/plain", None) }],
        );
        assert!(merged.contains("Mime-Version: 1.0\r\nX-Merge-Type: list(append)+dict(recurse_array)\r\n\r\nx"));
    }

    #[tokio::test]
    async fn encodes_gzips_and_refuses_gzip_without_base64() {
        let ds = CloudinitConfig;
        let config = |gzip: bool, b64: bool| {
            Value::object([
                ("gzip", Value::from(gzip)),
                ("base64_encode", Value::from(b64)),
                ("boundary", Value::Null),
                (
                    "part",
                    Value::List(vec![Value::object([
                        ("content", Value::from("echo hi")),
                        ("content_type", Value::Null),
                    ])]),
                ),
            ])
        };
        let ctx = Ctx::new(std::sync::Arc::new(()), "data.cloudinit_config.x");
        let plain = ds.read(&ctx, &config(false, false)).await.unwrap();
        let text = plain.get_str("rendered").unwrap().to_string();
        assert!(text.contains("Content-Type: text/plain\r\n"), "the default content type");
        assert_eq!(plain.get("part").as_list().unwrap()[0].get_str("content_type"), Some("text/plain"));
        let b64 = ds.read(&ctx, &config(false, true)).await.unwrap();
        assert_eq!(STANDARD.decode(b64.get_str("rendered").unwrap()).unwrap(), text.as_bytes());
        let gz = ds.read(&ctx, &config(true, true)).await.unwrap();
        let bytes = STANDARD.decode(gz.get_str("rendered").unwrap()).unwrap();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut out).unwrap();
        assert_eq!(out, text, "gzip holds the same message");
        let err = ds.read(&ctx, &config(true, false)).await.unwrap_err();
        assert!(err.to_string().contains("base64"), "{err}");
    }
}
