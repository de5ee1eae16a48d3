//! The non-apply patch types: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
//! strategic merge patch. Server-side apply lives in `ssa`.

mod strategic;

use serde_json::Value;

use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    pub fn from_content_type(content_type: &str) -> ApiResult<Self> {
        let media = content_type.split(';').next().unwrap_or("").trim();
        match media {
            "application/json-patch+json" => Ok(PatchType::Json),
            "application/merge-patch+json" => Ok(PatchType::Merge),
            "application/strategic-merge-patch+json" => Ok(PatchType::Strategic),
            "application/apply-patch+yaml" => Ok(PatchType::Apply),
            other => Err(ApiError::unsupported_media_type(other)),
        }
    }
}

/// Applies a JSON, merge or strategic patch to `target`.
pub fn apply(kind: PatchType, target: &mut Value, body: &[u8], custom: bool) -> ApiResult<()> {
    match kind {
        PatchType::Json => {
            let patch: json_patch::Patch =
                serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("invalid JSON patch: {e}")))?;
            json_patch::patch(target, &patch)
                .map_err(|e| ApiError::unprocessable(format!("the JSON patch could not be applied: {e}")))
        }
        PatchType::Merge => {
            let patch: Value = parse_object(body)?;
            json_patch::merge(target, &patch);
            Ok(())
        }
        PatchType::Strategic if custom => Err(ApiError::new(
            415,
            "UnsupportedMediaType",
            "strategic merge patch is not supported for custom resources; use a JSON merge patch or server-side apply",
        )),
        PatchType::Strategic => {
            let patch: Value = parse_object(body)?;
            strategic::apply(target, &patch);
            Ok(())
        }
        PatchType::Apply => Err(ApiError::internal("server-side apply is not a plain patch")),
    }
}

fn parse_object(body: &[u8]) -> ApiResult<Value> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("invalid patch body: {e}")))?;
    if !value.is_object() {
        return Err(ApiError::bad_request("patch body must be a JSON object"));
    }
    Ok(value)
}
