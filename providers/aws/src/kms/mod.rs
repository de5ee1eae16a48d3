//! KMS: keys (own, external key material, multi-Region replicas), aliases and grants.

mod alias;
mod external;
mod grant;
mod key;
mod replica;

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::Managed;
use crate::values::get_i32;
use aws_sdk_kms::types::Tag;
use meshplan_provider::{ResourceType, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![
        Arc::new(Managed(key::Key)),
        Arc::new(Managed(alias::Alias)),
        Arc::new(Managed(external::ExternalKey)),
        Arc::new(Managed(replica::ReplicaKey { external: false })),
        Arc::new(Managed(replica::ReplicaKey { external: true })),
        Arc::new(grant::GrantType(Managed(grant::Grant))),
    ]
}

const NOT_FOUND: &[&str] = &["NotFoundException"];

fn kms_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().filter_map(|(k, v)| Tag::builder().tag_key(k).tag_value(v).build().ok()).collect()
}

async fn remote_tags(api: &Api<'_>, id: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = api.call("ListResourceTags", || api.kms.list_resource_tags().key_id(id).send()).await?;
    Ok(out.tags().iter().map(|t| (t.tag_key().to_string(), t.tag_value().to_string())).collect())
}

async fn set_tags(
    api: &Api<'_>,
    id: &str,
    removed: &[String],
    changed: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if !removed.is_empty() {
        let req = api.kms.untag_resource().key_id(id).set_tag_keys(Some(removed.to_vec()));
        api.call("UntagResource", || req.clone().send()).await?;
    }
    if !changed.is_empty() {
        let req = api.kms.tag_resource().key_id(id).set_tags(Some(kms_tags(changed)));
        api.call("TagResource", || req.clone().send()).await?;
    }
    Ok(())
}

async fn set_enabled(api: &Api<'_>, id: &str, enabled: bool) -> Result<(), AwsError> {
    if enabled {
        api.call("EnableKey", || api.kms.enable_key().key_id(id).send()).await?;
    } else {
        api.call("DisableKey", || api.kms.disable_key().key_id(id).send()).await?;
    }
    Ok(())
}

/// Destroying a key schedules its deletion (`deletion_window_in_days`, 30 by default).
async fn schedule_deletion(api: &Api<'_>, id: &str, state: &Value) -> Result<(), AwsError> {
    let req = api
        .kms
        .schedule_key_deletion()
        .key_id(id)
        .set_pending_window_in_days(get_i32(state, "deletion_window_in_days"));
    match api.call("ScheduleKeyDeletion", || req.clone().send()).await {
        // Already scheduled: what a delete asks for.
        Err(e) if e.code() == Some("KMSInvalidStateException") => Ok(()),
        other => other.map(|_| ()),
    }
}

/// The key of this region carrying the intent tag of `token` (CreateKey takes no client token).
async fn locate_by_tag(api: &Api<'_>, token: &str) -> Result<Option<String>, AwsError> {
    let mut marker: Option<String> = None;
    loop {
        let req = api.kms.list_keys().set_marker(marker.clone());
        let out = api.call("ListKeys", || req.clone().send()).await?;
        for key in out.keys().iter().filter_map(|k| k.key_id()) {
            let tags = remote_tags(api, key).await?;
            if crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token) {
                return Ok(Some(key.to_string()));
            }
        }
        match out.next_marker() {
            Some(m) if out.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}
