//! IAM Roles Anywhere: trust anchors and profiles. Neither API has a client token; each
//! create writes the intent tag, and `find` lists the objects of the planned name and
//! checks their tags.

mod profile;
mod trust_anchor;

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::Managed;
use aws_sdk_rolesanywhere::types::Tag;
use meshplan_provider::ResourceType;
use std::collections::BTreeMap;
use std::sync::Arc;

pub fn resource_types() -> Vec<Arc<dyn ResourceType>> {
    vec![Arc::new(Managed(trust_anchor::TrustAnchor)), Arc::new(Managed(profile::Profile))]
}

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect()
}

async fn remote_tags(api: &Api<'_>, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let req = api.rolesanywhere.list_tags_for_resource().resource_arn(arn);
    let out = api.call("ListTagsForResource", || req.clone().send()).await?;
    Ok(out.tags().iter().map(|t| (t.key().to_string(), t.value().to_string())).collect())
}

async fn set_tags(
    api: &Api<'_>,
    arn: &str,
    removed: &[String],
    changed: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if !removed.is_empty() {
        let req = api.rolesanywhere.untag_resource().resource_arn(arn).set_tag_keys(Some(removed.to_vec()));
        api.call("UntagResource", || req.clone().send()).await?;
    }
    if !changed.is_empty() {
        let req = api.rolesanywhere.tag_resource().resource_arn(arn).set_tags(Some(tag_list(changed)));
        api.call("TagResource", || req.clone().send()).await?;
    }
    Ok(())
}

/// The ARN among `candidates` (ARNs of objects with the planned name) carrying `token`.
async fn carrying(api: &Api<'_>, candidates: Vec<(String, String)>, token: &str) -> Result<Option<String>, AwsError> {
    for (id, arn) in candidates {
        let tags = remote_tags(api, &arn).await?;
        if crate::intent::carries(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())), token) {
            return Ok(Some(id));
        }
    }
    Ok(None)
}
