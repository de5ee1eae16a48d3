//! The `cloudinit_config` data source (hashicorp/cloudinit): `part` blocks rendered as one
//! MIME multi-part document for cloud-init, optionally gzipped and base64-encoded.
//!
//! The text is byte for byte what the Terraform provider writes (Go's `mime/multipart`):
//! the document header ends its first line with `\n` and the rest with `\r\n`; each part's
//! headers are canonical (`Mime-Version`) and sorted; parts are separated by
//! `\r\n--BOUNDARY\r\n` and the document ends with `\r\n--BOUNDARY--\r\n`. Gzip output has
//! Go's header (no name, mtime 0, OS unknown) but its deflate stream is flate2's, so it
//! decompresses to the same bytes without being the same bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flate2::write::GzEncoder;
use flate2::Compression;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};
use std::io::Write;

pub(crate) struct CloudinitConfig;

const DEFAULT_BOUNDARY: &str = "MIMEBOUNDARY";

/// One `part` block.
struct Part<'a> {
    content_type: &'a str,
    content: &'a str,
    filename: Option<&'a str>,
    merge_type: Option<&'a str>,
}

/// The MIME document, as Go's multipart writer lays it out.
fn render(boundary: &str, parts: &[Part<'_>]) -> String {
    let mut out = format!("Content-Type: multipart/mixed; boundary=\"{boundary}\"\nMIME-Version: 1.0\r\n\r\n");
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("--{boundary}\r\n"));
        } else {
            out.push_str(&format!("\r\n--{boundary}\r\n"));
        }
        // Canonical header names, in sorted order.
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

/// Go's `mime/multipart` boundary rule: 1 to 70 characters of a restricted set, no trailing space.
fn valid_boundary(b: &str) -> bool {
    !b.is_empty()
        && b.len() <= 70
        && !b.ends_with(' ')
        && b.chars().all(|c| c.is_ascii_alphanumeric() || "'()+_,-./:=? ".contains(c))
}

/// Terraform's ID: the CRC-32 of the rendered text, as a decimal string.
fn id_of(rendered: &str) -> String {
    let mut crc = flate2::Crc::new();
    crc.update(rendered.as_bytes());
    // hashcode.String: the unsigned checksum as a (64-bit) int.
    crc.sum().to_string()
}

fn error(ctx: &Ctx, attribute: &str, message: String, hint: &str) -> ProviderError {
    ProviderError::new(format!("{}: {message}", ctx.address)).at_attribute(attribute).with_hint(hint)
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
            .attr("base64_encode", Attribute::optional_computed(Type::Bool))
            .attr("boundary", Attribute::optional_computed(Type::String))
            .attr("gzip", Attribute::optional_computed(Type::Bool))
            .attr("rendered", Attribute::computed(Type::String))
            .block("part", Block::list(part).min_items(1))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let gzip = config.get("gzip").as_bool().unwrap_or(true);
        let base64 = config.get("base64_encode").as_bool().unwrap_or(true);
        if gzip && !base64 {
            return Err(error(
                ctx,
                "base64_encode",
                "gzip output is binary and needs base64_encode".into(),
                "set base64_encode = true, or gzip = false",
            ));
        }
        let boundary = config.get_str("boundary").unwrap_or(DEFAULT_BOUNDARY);
        if !valid_boundary(boundary) {
            return Err(error(
                ctx,
                "boundary",
                format!("{boundary:?} is not a MIME boundary"),
                "use 1 to 70 letters, digits or '()+_,-./:=? (no trailing space)",
            ));
        }
        let blocks = config.get("part").as_list().cloned().unwrap_or_default();
        if blocks.is_empty() {
            return Err(error(
                ctx,
                "part",
                "at least one part block is required".into(),
                "add a part { content = ... }",
            ));
        }
        let parts: Vec<Part<'_>> = blocks
            .iter()
            .map(|b| Part {
                // Unset means text/plain; an empty string stays empty, as in Terraform.
                content_type: b.get_str("content_type").unwrap_or("text/plain"),
                content: b.get_str("content").unwrap_or_default(),
                filename: b.get_str("filename").filter(|f| !f.is_empty()),
                merge_type: b.get_str("merge_type").filter(|m| !m.is_empty()),
            })
            .collect();
        let text = render(boundary, &parts);
        let rendered = match (gzip, base64) {
            (true, _) => {
                let mut gz = GzEncoder::new(Vec::new(), Compression::default());
                gz.write_all(text.as_bytes())
                    .and_then(|_| gz.finish())
                    .map(|bytes| STANDARD.encode(bytes))
                    .map_err(|e| ProviderError::new(format!("{}: gzip: {e}", ctx.address)))?
            }
            (false, true) => STANDARD.encode(text.as_bytes()),
            (false, false) => text,
        };
        let part_values = parts
            .iter()
            .zip(&blocks)
            .map(|(p, b)| {
                let mut b = b.clone();
                b.set("content_type", Value::from(p.content_type));
                b
            })
            .collect();
        let mut out = config.clone();
        out.set("id", Value::from(id_of(&rendered)));
        out.set("gzip", Value::from(gzip));
        out.set("base64_encode", Value::from(base64));
        out.set("boundary", Value::from(boundary));
        out.set("part", Value::List(part_values));
        out.set("rendered", Value::from(rendered));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_parts_render_as_go_writes_them() {
        let parts = [
            Part {
                content_type: "text/x-shellscript",
                content: "#!/bin/bash\necho hi\n",
                filename: None,
                merge_type: None,
            },
            Part {
                content_type: "text/cloud-config",
                content: "packages: [jq]\n",
                filename: Some("init.cfg"),
                merge_type: Some("list(append)+dict(recurse_array)+str()"),
            },
        ];
        let expected = "Content-Type: multipart/mixed; boundary=\"MIMEBOUNDARY\"\nMIME-Version: 1.0\r\n\r\n\
--MIMEBOUNDARY\r\nContent-Transfer-Encoding: 7bit\r\nContent-Type: text/x-shellscript\r\nMime-Version: 1.0\r\n\r\n\
#!/bin/bash\necho hi\n\
\r\n--MIMEBOUNDARY\r\nContent-Disposition: attachment; filename=\"init.cfg\"\r\nContent-Transfer-Encoding: 7bit\r\n\
Content-Type: text/cloud-config\r\nMime-Version: 1.0\r\nX-Merge-Type: list(append)+dict(recurse_array)+str()\r\n\r\n\
packages: [jq]\n\
\r\n--MIMEBOUNDARY--\r\n";
        assert_eq!(render("MIMEBOUNDARY", &parts), expected);
    }

    #[test]
    fn boundaries_follow_go_rules_and_ids_are_crc32() {
        assert!(valid_boundary("MIMEBOUNDARY"));
        assert!(!valid_boundary(""));
        assert!(!valid_boundary("ends "));
        assert!(!valid_boundary(&"x".repeat(71)));
        assert!(!valid_boundary("no\"quotes"));
        // crc32("hello") = 0x3610a686.
        assert_eq!(id_of("hello"), "907060870");
    }

    /// terraform-aws-eks v20.37.2 `tests/user-data/rendered/al2023/eks-mng-additional.txt`,
    /// made by the real provider (stored with LF line ends).
    #[test]
    fn matches_the_eks_modules_rendered_fixture() {
        let content = "---\napiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      shutdownGracePeriod: 30s\n      featureGates:\n        DisableKubeletCloudCredentialProviders: true\n";
        let parts = [Part { content_type: "application/node.eks.aws", content, filename: None, merge_type: None }];
        let fixture = format!(
            "Content-Type: multipart/mixed; boundary=\"MIMEBOUNDARY\"\nMIME-Version: 1.0\n\n--MIMEBOUNDARY\nContent-Transfer-Encoding: 7bit\nContent-Type: application/node.eks.aws\nMime-Version: 1.0\n\n{content}\n--MIMEBOUNDARY--\n"
        );
        assert_eq!(render("MIMEBOUNDARY", &parts).replace("\r\n", "\n"), fixture);
    }

    fn ctx() -> Ctx {
        Ctx::unconfigured("data.cloudinit_config.test")
    }

    fn config(pairs: Vec<(&str, Value)>) -> Value {
        let mut c = Value::object([
            ("id", Value::Null),
            ("gzip", Value::Null),
            ("base64_encode", Value::Null),
            ("boundary", Value::Null),
            ("rendered", Value::Null),
            (
                "part",
                Value::List(vec![Value::object([
                    ("content", Value::from("#!/bin/sh\necho hi\n")),
                    ("content_type", Value::Null),
                    ("filename", Value::Null),
                    ("merge_type", Value::Null),
                ])]),
            ),
        ]);
        for (k, v) in pairs {
            c.set(k, v);
        }
        c
    }

    #[tokio::test]
    async fn defaults_gzip_and_base64_and_errors() {
        use std::io::Read;
        let out = CloudinitConfig.read(&ctx(), &config(vec![])).await.unwrap();
        assert_eq!(out.get("gzip"), &Value::from(true));
        assert_eq!(out.get("base64_encode"), &Value::from(true));
        assert_eq!(out.get("boundary"), &Value::from("MIMEBOUNDARY"));
        assert_eq!(out.get("part").as_list().unwrap()[0].get("content_type"), &Value::from("text/plain"));
        let gz = STANDARD.decode(out.get_str("rendered").unwrap()).unwrap();
        assert_eq!(&gz[..4], &[0x1f, 0x8b, 8, 0], "gzip, no name");
        assert_eq!(&gz[4..10], &[0, 0, 0, 0, 0, 255], "mtime 0, default level, OS unknown (Go's header)");
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
        assert!(text.starts_with("Content-Type: multipart/mixed; boundary=\"MIMEBOUNDARY\"\n"), "{text}");
        assert!(text.contains("Content-Type: text/plain\r\n"), "{text}");
        assert_eq!(out.get_str("id"), Some(id_of(out.get_str("rendered").unwrap()).as_str()));

        let plain = CloudinitConfig
            .read(
                &ctx(),
                &config(vec![
                    ("gzip", Value::from(false)),
                    ("base64_encode", Value::from(false)),
                    ("boundary", Value::from("//")),
                ]),
            )
            .await
            .unwrap();
        assert_eq!(plain.get_str("rendered"), Some(text.replace("MIMEBOUNDARY", "//").as_str()));

        let err = CloudinitConfig.read(&ctx(), &config(vec![("base64_encode", Value::from(false))])).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("base64_encode"));
        assert!(err.hint.is_some());
        let err = CloudinitConfig.read(&ctx(), &config(vec![("boundary", Value::from("bad\"b"))])).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("boundary"));
        let err = CloudinitConfig.read(&ctx(), &config(vec![("part", Value::List(vec![]))])).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("part"));
    }
}
