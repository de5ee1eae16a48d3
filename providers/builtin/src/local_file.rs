//! `local_file` (hashicorp/local): a file with the given content. Every argument forces a
//! new file. As in Terraform, `id` is the SHA-1 of the content, and a read finds the file
//! gone when it is missing or its content's SHA-1 differs from `id` (so drift plans a
//! re-create).
//!
//! Not implemented: `content_base64`, `source`, `sensitive_content` (deprecated).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use md5::Md5;
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use std::io::ErrorKind;
use std::path::Path;

pub(crate) struct LocalFile;

/// Terraform's defaults (the process umask still applies, as with Terraform).
const DEFAULT_PERMISSION: &str = "0777";

/// The computed hash attributes of `content`.
fn hashes(content: &[u8]) -> [(&'static str, String); 7] {
    let sha1 = hex::encode(Sha1::digest(content));
    [
        ("id", sha1.clone()),
        ("content_sha1", sha1),
        ("content_md5", hex::encode(Md5::digest(content))),
        ("content_sha256", hex::encode(Sha256::digest(content))),
        ("content_base64sha256", STANDARD.encode(Sha256::digest(content))),
        ("content_sha512", hex::encode(Sha512::digest(content))),
        ("content_base64sha512", STANDARD.encode(Sha512::digest(content))),
    ]
}

/// An octal mode like "0644" or "755".
fn permission(state: &Value, name: &str) -> Result<Option<u32>, ProviderError> {
    let Some(text) = state.get_str(name) else { return Ok(None) };
    let valid = (3..=4).contains(&text.len()) && text.chars().all(|c| ('0'..='7').contains(&c));
    match u32::from_str_radix(text, 8) {
        Ok(mode) if valid => Ok(Some(mode)),
        _ => Err(ProviderError::new(format!("{name} must be an octal mode such as \"0644\", got {text:?}"))
            .at_attribute(name)),
    }
}

fn io_error(what: &str, path: &str, e: std::io::Error) -> ProviderError {
    ProviderError::new(format!("cannot {what} {path}: {e}"))
}

#[async_trait]
impl ResourceType for LocalFile {
    fn type_name(&self) -> &'static str {
        "local_file"
    }

    fn schema(&self) -> Schema {
        let computed = || Attribute::computed(Type::String);
        Schema::new()
            .attr("filename", Attribute::required(Type::String).force_new())
            .attr("content", Attribute::optional(Type::String).force_new())
            .attr("file_permission", Attribute::optional(Type::String).default(DEFAULT_PERMISSION).force_new())
            .attr("directory_permission", Attribute::optional(Type::String).default(DEFAULT_PERMISSION).force_new())
            .attr("id", computed())
            .attr("content_md5", computed())
            .attr("content_sha1", computed())
            .attr("content_sha256", computed())
            .attr("content_base64sha256", computed())
            .attr("content_sha512", computed())
            .attr("content_base64sha512", computed())
    }

    /// Plans by schema, then fills the hashes when the content is known, so the plan shows
    /// them instead of "(known after apply)".
    async fn plan(&self, _ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        permission(req.config, "file_permission")?;
        permission(req.config, "directory_permission")?;
        let mut planned = plan_with_schema(&self.schema(), req);
        let content = planned.state.get("content").clone();
        if content.is_null() || content.as_str().is_some() {
            let bytes = content.as_str().unwrap_or("").as_bytes().to_vec();
            for (name, value) in hashes(&bytes) {
                planned.state.set(name, Value::from(value));
            }
        }
        Ok(planned)
    }

    async fn read(&self, _ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let filename = state.get_str("filename").unwrap_or("");
        let bytes = match tokio::fs::read(filename).await {
            Ok(b) => b,
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("read", filename, e)),
        };
        let sha1 = hex::encode(Sha1::digest(&bytes));
        if Some(sha1.as_str()) != state.get_str("id") {
            return Ok(None);
        }
        Ok(Some(state.clone()))
    }

    async fn create(&self, _ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        let filename = planned
            .get_str("filename")
            .filter(|f| !f.is_empty())
            .ok_or_else(|| ProviderError::new("filename must be a non-empty path").at_attribute("filename"))?;
        let content = planned.get_str("content").unwrap_or("").as_bytes().to_vec();
        let file_mode = permission(planned, "file_permission")?.unwrap_or(0o777);
        let dir_mode = permission(planned, "directory_permission")?.unwrap_or(0o777);

        if let Some(parent) = Path::new(filename).parent().filter(|p| !p.as_os_str().is_empty()) {
            let mut builder = tokio::fs::DirBuilder::new();
            builder.recursive(true).mode(dir_mode);
            builder.create(parent).await.map_err(|e| io_error("create the directory of", filename, e))?;
        }
        let write = async {
            use tokio::io::AsyncWriteExt;
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(file_mode)
                .open(filename)
                .await?;
            file.write_all(&content).await?;
            file.flush().await
        };
        write.await.map_err(|e| io_error("write", filename, e))?;

        let mut state = planned.clone();
        for (name, value) in hashes(&content) {
            state.set(name, Value::from(value));
        }
        Ok(state)
    }

    async fn delete(&self, _ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let filename = state.get_str("filename").unwrap_or("");
        match tokio::fs::remove_file(filename).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("delete", filename, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshplan_provider::Path as AttrPath;
    use std::os::unix::fs::PermissionsExt;

    fn ctx() -> Ctx {
        Ctx::unconfigured("local_file.f")
    }

    fn config(filename: &str, content: &str) -> Value {
        Value::object([("filename", Value::from(filename)), ("content", Value::from(content))])
    }

    #[tokio::test]
    async fn create_writes_the_file_with_hashes_known_at_plan() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/hello.txt");
        let cfg = config(path.to_str().unwrap(), "hello\n");
        let p = LocalFile.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap();
        assert_eq!(p.state.get_str("id"), Some("f572d396fae9206628714fb2ce00f72e94f2258f"));
        assert_eq!(p.state.get_str("content_md5"), Some("b1946ac92492d2347c6235b4d2611184"));
        assert_eq!(
            p.state.get_str("content_sha256"),
            Some("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        );
        assert_eq!(p.state.get_str("content_base64sha256"), Some("WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="));
        assert_eq!(p.state.get_str("file_permission"), Some("0777"));

        let mut planned = p.state.clone();
        planned.set("file_permission", Value::from("0640"));
        let s = LocalFile.create(&ctx(), &planned).await.unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & !0o640, 0, "mode {mode:o} is at most 0640 (umask may remove bits)");
        assert_eq!(s.get("id"), p.state.get("id"));
        assert_eq!(LocalFile.read(&ctx(), &s).await.unwrap(), Some(s.clone()));
    }

    #[tokio::test]
    async fn read_finds_a_changed_or_deleted_file_gone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        let s = LocalFile.create(&ctx(), &config(path.to_str().unwrap(), "v1")).await.unwrap();
        std::fs::write(&path, "edited by hand").unwrap();
        assert_eq!(LocalFile.read(&ctx(), &s).await.unwrap(), None);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(LocalFile.read(&ctx(), &s).await.unwrap(), None);
    }

    #[tokio::test]
    async fn content_change_replaces_and_delete_removes_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        let file = path.to_str().unwrap();
        let p = LocalFile.plan(&ctx(), PlanRequest { prior: None, config: &config(file, "v1") }).await.unwrap();
        let s = LocalFile.create(&ctx(), &p.state).await.unwrap();
        let same = LocalFile.plan(&ctx(), PlanRequest { prior: Some(&s), config: &config(file, "v1") }).await.unwrap();
        assert!(!same.replaces());
        assert_eq!(same.state, s);
        let changed =
            LocalFile.plan(&ctx(), PlanRequest { prior: Some(&s), config: &config(file, "v2") }).await.unwrap();
        assert_eq!(changed.requires_replace, vec![AttrPath::from("content")]);
        assert_eq!(changed.state.get_str("content_sha1"), Some(hex::encode(Sha1::digest(b"v2")).as_str()));

        LocalFile.delete(&ctx(), &s).await.unwrap();
        assert!(!path.exists());
        LocalFile.delete(&ctx(), &s).await.unwrap(); // already gone is fine
    }

    #[tokio::test]
    async fn bad_permission_fails_the_plan() {
        let mut cfg = config("/tmp/x", "x");
        cfg.set("file_permission", Value::from("rwx"));
        let err = LocalFile.plan(&ctx(), PlanRequest { prior: None, config: &cfg }).await.unwrap_err();
        assert_eq!(err.attribute.as_deref(), Some("file_permission"));
    }
}
