//! EC2 helpers shared by the network resources: tags, filters, not-found codes.

use crate::api::Api;
use crate::error::AwsError;
use crate::tags;
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use meshplan_provider::Value;
use std::collections::BTreeMap;

pub fn tag_spec(resource_type: ResourceType, tags: &BTreeMap<String, String>) -> Option<TagSpecification> {
    if tags.is_empty() {
        return None;
    }
    let mut spec = TagSpecification::builder().resource_type(resource_type);
    for (k, v) in tags {
        spec = spec.tags(Tag::builder().key(k).value(v).build());
    }
    Some(spec.build())
}

pub fn tags_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string()))).collect()
}

pub fn filter(name: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Filter {
    let mut f = Filter::builder().name(name);
    for v in values {
        f = f.values(v);
    }
    f.build()
}

/// Brings the object's tags from the prior `tags_all` to the planned tags.
pub async fn sync_tags(api: &Api<'_>, id: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let old = crate::values::string_map(prior.get("tags_all"));
    let new = tags::desired(api, planned);
    let (removed, changed) = tags::diff(&old, &new);
    set_tags(api, id, &removed, &changed).await
}

/// Removes `removed` and sets `changed` on the EC2 object `id`.
pub async fn set_tags(
    api: &Api<'_>,
    id: &str,
    removed: &[String],
    changed: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if !removed.is_empty() {
        let mut req = api.ec2.delete_tags().resources(id);
        for k in removed {
            req = req.tags(Tag::builder().key(k).build());
        }
        api.call("DeleteTags", || req.clone().send()).await?;
    }
    if !changed.is_empty() {
        let mut req = api.ec2.create_tags().resources(id);
        for (k, v) in changed {
            req = req.tags(Tag::builder().key(k).value(v).build());
        }
        api.call("CreateTags", || req.clone().send()).await?;
    }
    Ok(())
}

/// The tags a user owns: the intent tag is ours (data sources never show it).
pub fn user_tags(tags: &[Tag]) -> BTreeMap<String, String> {
    let mut out = tags_map(tags);
    out.remove(meshplan_provider::INTENT_TAG);
    out
}
