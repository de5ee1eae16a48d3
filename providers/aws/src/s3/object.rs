//! `aws_s3_object`: `content`, `content_base64` or `source` (a local file).
//! ID: the key; import ID: `<bucket>/<key>`.
//!
//! The planned `etag` is the MD5 of the content, so an object overwritten out of band
//! (its ETag no longer matches) plans an upload. Encryption, object lock, checksum and ACL
//! arguments go with the upload (`object_settings.rs`); a change of tags alone is a
//! PutObjectTagging, anything else a new upload.

use super::bucket::NO_BUCKET;
use super::object_settings;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::resource::{find_by_content, import_via_read, read_after_write};
use crate::values::{blank_state, get_string, map_value, opt_str, string_map};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumMode, StorageClass};
use base64::Engine;
use md5::{Digest, Md5};
use meshplan_provider::{
    async_trait, plan_with_schema, Attribute, Ctx, PlanRequest, Planned, ProviderError, ResourceType, Schema, Type,
    Value,
};

pub struct Object;

/// The bytes the configuration asks for, when known at plan time.
fn body(state: &Value) -> Result<Option<Vec<u8>>, String> {
    if let Some(c) = state.get_str("content") {
        return Ok(Some(c.as_bytes().to_vec()));
    }
    if let Some(b) = state.get_str("content_base64") {
        return base64::engine::general_purpose::STANDARD
            .decode(b)
            .map(Some)
            .map_err(|e| format!("content_base64: {e}"));
    }
    if let Some(path) = state.get_str("source") {
        return std::fs::read(path).map(Some).map_err(|e| format!("source {path}: {e}"));
    }
    Ok(None)
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[async_trait]
impl ResourceType for Object {
    fn type_name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> Schema {
        let schema = Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("key", Attribute::required(Type::String).force_new())
            .attr("content", Attribute::optional(Type::String))
            .attr("content_base64", Attribute::optional(Type::String))
            .attr("source", Attribute::optional(Type::String))
            .attr("content_type", Attribute::optional_computed(Type::String))
            .attr("etag", Attribute::optional_computed(Type::String))
            .attr("version_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("cache_control", Attribute::optional(Type::String))
            .attr("content_disposition", Attribute::optional(Type::String))
            .attr("content_encoding", Attribute::optional(Type::String))
            .attr("content_language", Attribute::optional(Type::String))
            .attr("website_redirect", Attribute::optional(Type::String))
            .attr("storage_class", Attribute::optional_computed(Type::String))
            .attr("metadata", Attribute::optional(Type::map(Type::String)))
            .attr("source_hash", Attribute::optional(Type::String))
            .attr("force_destroy", Attribute::optional(Type::Bool).default(false));
        object_settings::add_to(schema)
    }

    async fn plan(&self, ctx: &Ctx, req: PlanRequest<'_>) -> Result<Planned, ProviderError> {
        // S3 lowercases metadata keys: any other key would read back as a change forever.
        if let Some(key) =
            req.config.get("metadata").as_object().and_then(|m| m.keys().find(|k| k.chars().any(char::is_uppercase)))
        {
            let message = format!("metadata key {key:?} must be lowercase (S3 stores keys lowercased)");
            return Err(AwsError::Invalid {
                address: ctx.address.clone(),
                message,
                attribute: Some("metadata".into()),
            }
            .into());
        }
        let clients = ctx.client::<crate::AwsClients>()?;
        let mut planned = crate::tags::plan(clients, plan_with_schema(&self.schema(), req));
        object_settings::plan_tags(clients, &mut planned.state);
        if req.config.get("etag").is_null() && planned.state.is_wholly_known() {
            let bytes = body(&planned.state).map_err(|e| ProviderError::new(format!("{}: {e}", ctx.address)))?;
            if let Some(bytes) = bytes {
                let etag = md5_hex(&bytes);
                if req.prior.and_then(|p| p.get_str("etag")) != Some(etag.as_str()) {
                    planned.state.set("version_id", Value::Unknown);
                }
                planned.state.set("etag", Value::from(etag));
            }
        }
        Ok(planned)
    }

    async fn read(&self, ctx: &Ctx, state: &Value) -> Result<Option<Value>, ProviderError> {
        let api = Api::new(ctx)?;
        let (Some(bucket), Some(key)) = (state.get_str("bucket"), state.get_str("key")) else { return Ok(None) };
        // Checksums are returned only when asked for (and exist only when one was sent).
        let checksums = state.get_str("checksum_algorithm").map(|_| ChecksumMode::Enabled);
        let req = api.s3.head_object().bucket(bucket).key(key).set_checksum_mode(checksums);
        let head = api.call("HeadObject", || req.clone().send()).await.or_not_found(&[
            "NotFound",
            "NoSuchKey",
            "NoSuchBucket",
        ])?;
        let Some(h) = head else { return Ok(None) };
        let mut s = state.clone();
        s.set("id", Value::from(key));
        s.set("content_type", opt_str(h.content_type()));
        s.set("etag", opt_str(h.e_tag().map(|e| e.trim_matches('"'))));
        s.set("version_id", Value::from(h.version_id().unwrap_or("null")));
        s.set("arn", Value::from(format!("arn:{}:s3:::{bucket}/{key}", api.partition())));
        s.set("cache_control", opt_str(h.cache_control()));
        s.set("content_disposition", opt_str(h.content_disposition()));
        s.set("content_encoding", opt_str(h.content_encoding()));
        s.set("content_language", opt_str(h.content_language()));
        s.set("website_redirect", opt_str(h.website_redirect_location()));
        // HeadObject names the class only when it is not the default.
        s.set("storage_class", Value::from(h.storage_class().map(|c| c.as_str()).unwrap_or("STANDARD")));
        let metadata = h.metadata().filter(|m| !m.is_empty());
        s.set(
            "metadata",
            if metadata.is_none() && state.get("metadata").is_null() {
                Value::Null
            } else {
                map_value(metadata.into_iter().flatten())
            },
        );
        object_settings::read(&api, &mut s, &h).await?;
        Ok(Some(s))
    }

    async fn create(&self, ctx: &Ctx, planned: &Value) -> Result<Value, ProviderError> {
        put(ctx, planned).await?;
        let mut state = planned.clone();
        state.set("id", planned.get("key").clone());
        read_after_write(self, ctx, state).await
    }

    /// An object is content, put idempotently: ours when it holds the planned bytes (ETag).
    async fn find(&self, ctx: &Ctx, _token: &str, planned: &Value) -> Result<Option<Value>, ProviderError> {
        find_by_content(self, ctx, planned, |s| planned.get_str("etag").is_some_and(|e| s.get_str("etag") == Some(e)))
            .await
    }

    async fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<Value, ProviderError> {
        if object_settings::only_tags_changed(prior, planned) {
            object_settings::put_tags(&Api::new(ctx)?, planned).await?;
        } else {
            put(ctx, planned).await?;
        }
        read_after_write(self, ctx, planned.clone()).await
    }

    async fn delete(&self, ctx: &Ctx, state: &Value) -> Result<(), ProviderError> {
        let api = Api::new(ctx)?;
        let (bucket, key) = (state.get_str("bucket").unwrap_or_default(), state.get_str("key").unwrap_or_default());
        if state.get("force_destroy").as_bool() == Some(true) {
            return object_settings::delete_all_versions(&api, bucket, key).await.map_err(Into::into);
        }
        api.call("DeleteObject", || api.s3.delete_object().bucket(bucket).key(key).send())
            .await
            .or_not_found(NO_BUCKET)?;
        Ok(())
    }

    async fn import(&self, ctx: &Ctx, id: &str) -> Result<Value, ProviderError> {
        let id = id.trim_start_matches("s3://");
        let Some((bucket, key)) = id.split_once('/') else {
            return Err(AwsError::Import {
                address: ctx.address.clone(),
                message: format!("expected BUCKET/KEY, got {id:?}"),
            }
            .into());
        };
        import_via_read(
            self,
            ctx,
            id,
            blank_state(&self.schema(), [("bucket", Value::from(bucket)), ("key", Value::from(key))]),
        )
        .await
    }
}

async fn put(ctx: &Ctx, planned: &Value) -> Result<(), ProviderError> {
    let api = Api::new(ctx)?;
    let bytes = body(planned).map_err(|e| api.invalid("source", e))?.unwrap_or_default();
    let settings = object_settings::Upload::of(&api, planned)?;
    // The request holds a body stream, so it is rebuilt for each attempt.
    api.call("PutObject", || {
        settings
            .apply(api.s3.put_object())
            .bucket(planned.get_str("bucket").unwrap_or_default())
            .key(planned.get_str("key").unwrap_or_default())
            .set_content_type(get_string(planned, "content_type"))
            .set_cache_control(get_string(planned, "cache_control"))
            .set_content_disposition(get_string(planned, "content_disposition"))
            .set_content_encoding(get_string(planned, "content_encoding"))
            .set_content_language(get_string(planned, "content_language"))
            .set_website_redirect_location(get_string(planned, "website_redirect"))
            .set_storage_class(get_string(planned, "storage_class").map(|c| StorageClass::from(c.as_str())))
            .set_metadata(
                Some(string_map(planned.get("metadata")).into_iter().collect())
                    .filter(|m: &std::collections::HashMap<String, String>| !m.is_empty()),
            )
            .body(ByteStream::from(bytes.clone()))
            .send()
    })
    .await?;
    Ok(())
}
