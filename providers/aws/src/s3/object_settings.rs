//! `aws_s3_object`'s arguments beyond the content: tags (with `override_provider`'s default
//! tags), ACL, server-side encryption, checksum, object lock, and `force_destroy`'s delete of
//! every version.

use super::bucket::NO_BUCKET;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::values::{map_value, opt_str, string_map};
use crate::AwsClients;
use aws_sdk_s3::operation::head_object::HeadObjectOutput;
use aws_sdk_s3::operation::put_object::builders::PutObjectFluentBuilder;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ObjectCannedAcl, ObjectIdentifier, ObjectLockLegalHoldStatus, ObjectLockMode,
    ServerSideEncryption, Tag, Tagging,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use meshplan_provider::{Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;

pub fn add_to(schema: Schema) -> Schema {
    let default_tags = Schema::new().attr("tags", Attribute::optional(Type::map(Type::String)));
    let override_provider = Schema::new().block("default_tags", Block::list(default_tags).max_items(1));
    crate::tags::with_tags(schema)
        .attr("acl", Attribute::optional_computed(Type::String))
        .attr("bucket_key_enabled", Attribute::optional_computed(Type::Bool))
        .attr("checksum_algorithm", Attribute::optional(Type::String))
        .attr("checksum_crc32", Attribute::computed(Type::String))
        .attr("checksum_crc32c", Attribute::computed(Type::String))
        .attr("checksum_crc64nvme", Attribute::computed(Type::String))
        .attr("checksum_sha1", Attribute::computed(Type::String))
        .attr("checksum_sha256", Attribute::computed(Type::String))
        .attr("kms_key_id", Attribute::optional_computed(Type::String))
        .attr("object_lock_legal_hold_status", Attribute::optional(Type::String))
        .attr("object_lock_mode", Attribute::optional(Type::String))
        .attr("object_lock_retain_until_date", Attribute::optional(Type::String))
        .attr("server_side_encryption", Attribute::optional_computed(Type::String))
        .block("override_provider", Block::list(override_provider).max_items(1))
}

/// `override_provider { default_tags { tags } }`: the default tags this object takes instead
/// of the provider's (`None`: no override).
fn override_defaults(state: &Value) -> Option<BTreeMap<String, String>> {
    let block = state.get("override_provider").as_list()?.first()?;
    let defaults = block.get("default_tags").as_list().and_then(|l| l.first());
    Some(defaults.map(|d| string_map(d.get("tags"))).unwrap_or_default())
}

/// The tags the object should carry.
fn desired(clients: &AwsClients, state: &Value) -> BTreeMap<String, String> {
    match override_defaults(state) {
        Some(mut all) => {
            all.extend(string_map(state.get("tags")));
            all
        }
        None => crate::tags::desired(clients, state),
    }
}

/// `tags_all` under an override of the default tags.
pub fn plan_tags(clients: &AwsClients, state: &mut Value) {
    if override_defaults(state).is_some() && state.get("tags").is_wholly_known() {
        let all = desired(clients, state);
        state.set("tags_all", map_value(&all));
    }
}

fn text(state: &Value, key: &str) -> Option<String> {
    state.get_str(key).filter(|s| !s.is_empty()).map(str::to_string)
}

/// What a PutObject carries besides the content and its headers.
pub struct Upload {
    acl: Option<ObjectCannedAcl>,
    sse: Option<ServerSideEncryption>,
    kms_key_id: Option<String>,
    bucket_key: Option<bool>,
    checksum: Option<ChecksumAlgorithm>,
    lock_mode: Option<ObjectLockMode>,
    legal_hold: Option<ObjectLockLegalHoldStatus>,
    retain_until: Option<DateTime>,
    tagging: Option<String>,
}

impl Upload {
    pub fn of(api: &Api<'_>, planned: &Value) -> Result<Upload, AwsError> {
        let retain_until =
            match text(planned, "object_lock_retain_until_date") {
                Some(t) => Some(DateTime::from_str(&t, Format::DateTime).map_err(|_| {
                    api.invalid("object_lock_retain_until_date", format!("{t:?} is not an RFC 3339 time"))
                })?),
                None => None,
            };
        let tags = desired(api, planned);
        let tagging = (!tags.is_empty()).then(|| {
            let enc =
                |s: &str| percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string();
            tags.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
        });
        Ok(Upload {
            acl: text(planned, "acl").map(|a| ObjectCannedAcl::from(a.as_str())),
            sse: text(planned, "server_side_encryption").map(|a| ServerSideEncryption::from(a.as_str())),
            kms_key_id: text(planned, "kms_key_id"),
            bucket_key: planned.get("bucket_key_enabled").as_bool(),
            checksum: text(planned, "checksum_algorithm").map(|a| ChecksumAlgorithm::from(a.as_str())),
            lock_mode: text(planned, "object_lock_mode").map(|a| ObjectLockMode::from(a.as_str())),
            legal_hold: text(planned, "object_lock_legal_hold_status")
                .map(|a| ObjectLockLegalHoldStatus::from(a.as_str())),
            retain_until,
            tagging,
        })
    }

    pub fn apply(&self, req: PutObjectFluentBuilder) -> PutObjectFluentBuilder {
        req.set_acl(self.acl.clone())
            .set_server_side_encryption(self.sse.clone())
            .set_ssekms_key_id(self.kms_key_id.clone())
            .set_bucket_key_enabled(self.bucket_key)
            .set_checksum_algorithm(self.checksum.clone())
            .set_object_lock_mode(self.lock_mode.clone())
            .set_object_lock_legal_hold_status(self.legal_hold.clone())
            .set_object_lock_retain_until_date(self.retain_until)
            .set_tagging(self.tagging.clone())
    }
}

/// Everything but tags (and what never reaches S3) is unchanged: no new upload.
pub fn only_tags_changed(prior: &Value, planned: &Value) -> bool {
    const NOT_CONTENT: &[&str] = &["tags", "tags_all", "override_provider", "force_destroy"];
    match (prior, planned) {
        (Value::Object(a), Value::Object(b)) => {
            a.iter().filter(|(k, _)| !NOT_CONTENT.contains(&k.as_str())).all(|(k, v)| b.get(k) == Some(v))
        }
        _ => false,
    }
}

pub async fn put_tags(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    let (bucket, key) = (planned.get_str("bucket").unwrap_or_default(), planned.get_str("key").unwrap_or_default());
    let tags = desired(api, planned);
    if tags.is_empty() {
        let req = api.s3.delete_object_tagging().bucket(bucket).key(key);
        api.call("DeleteObjectTagging", || req.clone().send()).await?;
        return Ok(());
    }
    let set: Vec<Tag> = tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect();
    let tagging = Tagging::builder().set_tag_set(Some(set)).build().map_err(|e| api.invalid("tags", e.to_string()))?;
    let req = api.s3.put_object_tagging().bucket(bucket).key(key).tagging(tagging);
    api.call("PutObjectTagging", || req.clone().send()).await?;
    Ok(())
}

/// The settings HeadObject reports, and the tags (GetObjectTagging).
pub async fn read(api: &Api<'_>, s: &mut Value, h: &HeadObjectOutput) -> Result<(), AwsError> {
    s.set("bucket_key_enabled", Value::from(h.bucket_key_enabled().unwrap_or(false)));
    s.set("server_side_encryption", opt_str(h.server_side_encryption().map(|e| e.as_str())));
    s.set("kms_key_id", opt_str(h.ssekms_key_id()));
    s.set("checksum_crc32", opt_str(h.checksum_crc32()));
    s.set("checksum_crc32c", opt_str(h.checksum_crc32_c()));
    s.set("checksum_crc64nvme", opt_str(h.checksum_crc64_nvme()));
    s.set("checksum_sha1", opt_str(h.checksum_sha1()));
    s.set("checksum_sha256", opt_str(h.checksum_sha256()));
    s.set("object_lock_mode", opt_str(h.object_lock_mode().map(|m| m.as_str())));
    s.set("object_lock_legal_hold_status", opt_str(h.object_lock_legal_hold_status().map(|m| m.as_str())));
    // The configured text stays when it names the same instant.
    let prior = s.get_str("object_lock_retain_until_date").and_then(|t| DateTime::from_str(t, Format::DateTime).ok());
    if prior.as_ref() != h.object_lock_retain_until_date() {
        let remote = h.object_lock_retain_until_date().and_then(|t| t.fmt(Format::DateTime).ok());
        s.set("object_lock_retain_until_date", remote.map(Value::from).unwrap_or(Value::Null));
    }
    // A canned ACL cannot be read back: the written one stays.
    if s.get("acl").is_unknown() {
        s.set("acl", Value::Null);
    }
    let (bucket, key) =
        (s.get_str("bucket").unwrap_or_default().to_string(), s.get_str("key").unwrap_or_default().to_string());
    let req = api.s3.get_object_tagging().bucket(&bucket).key(&key);
    let out = api.call("GetObjectTagging", || req.clone().send()).await?;
    let mut remote: BTreeMap<String, String> =
        out.tag_set().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect();
    remote.remove(meshplan_provider::INTENT_TAG);
    // `tags` is what the default tags (the provider's, or the override's) do not explain.
    let defaults = override_defaults(s).unwrap_or_else(|| api.default_tags.clone());
    let own: BTreeMap<&String, &String> = remote
        .iter()
        .filter(|(k, v)| defaults.get(*k) != Some(*v) || s.get("tags").get(k).as_str() == Some(v.as_str()))
        .collect();
    let tags = if own.is_empty() && s.get("tags").is_null() { Value::Null } else { map_value(own) };
    s.set("tags", tags);
    s.set("tags_all", map_value(&remote));
    Ok(())
}

/// `force_destroy`: every version and delete marker of the key, past governance-mode locks.
pub async fn delete_all_versions(api: &Api<'_>, bucket: &str, key: &str) -> Result<(), AwsError> {
    loop {
        let req = api.s3.list_object_versions().bucket(bucket).prefix(key);
        let Some(page) = api.call("ListObjectVersions", || req.clone().send()).await.or_not_found(NO_BUCKET)? else {
            return Ok(());
        };
        let ids: Vec<ObjectIdentifier> = page
            .versions()
            .iter()
            .filter(|v| v.key() == Some(key))
            .map(|v| (v.key(), v.version_id()))
            .chain(page.delete_markers().iter().filter(|m| m.key() == Some(key)).map(|m| (m.key(), m.version_id())))
            .filter_map(|(k, v)| {
                ObjectIdentifier::builder()
                    .set_key(k.map(str::to_string))
                    .set_version_id(v.map(str::to_string))
                    .build()
                    .ok()
            })
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        for id in ids {
            let req = api
                .s3
                .delete_object()
                .bucket(bucket)
                .key(key)
                .set_version_id(id.version_id().map(str::to_string))
                .bypass_governance_retention(true);
            api.call("DeleteObject", || req.clone().send()).await.or_not_found(NO_BUCKET)?;
        }
    }
}
