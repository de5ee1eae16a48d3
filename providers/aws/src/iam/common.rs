//! IAM helpers: tags, policy documents, not-found codes.

use crate::api::Api;
use crate::error::AwsError;
use crate::policy_json::{prefer_prior, url_decode};
use crate::tags;
use aws_sdk_iam::types::Tag;
use meshplan_provider::Value;
use std::collections::BTreeMap;

pub const NOT_FOUND: &[&str] = &["NoSuchEntity"];

pub fn iam_tags(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    if tags.is_empty() {
        return None;
    }
    Some(tags.iter().filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok()).collect())
}

pub fn tags_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter().map(|t| (t.key().to_string(), t.value().to_string())).collect()
}

/// Whether IAM tags carry `token` as the create's intent tag.
pub fn carries_token(tags: &[Tag], token: &str) -> bool {
    crate::intent::carries(tags.iter().map(|t| (t.key(), t.value())), token)
}

/// A policy document as AWS returns it (URL-encoded), in the prior text when it means the same.
pub fn document(prior: &Value, attribute: &str, remote: &str) -> Value {
    Value::from(prefer_prior(prior.get_str(attribute), &url_decode(remote)))
}

/// What a tagging call needs to know about one IAM object kind.
pub enum Taggable<'a> {
    Role(&'a str),
    Policy(&'a str),
    OidcProvider(&'a str),
}

/// Brings tags from the prior `tags_all` to the planned tags.
pub async fn sync_tags(api: &Api<'_>, target: Taggable<'_>, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let old = crate::values::string_map(prior.get("tags_all"));
    let new = tags::desired(api, planned);
    let (removed, changed) = tags::diff(&old, &new);
    if !removed.is_empty() {
        match target {
            Taggable::Role(n) => {
                let req = api.iam.untag_role().role_name(n).set_tag_keys(Some(removed.clone()));
                api.call("UntagRole", || req.clone().send()).await?;
            }
            Taggable::Policy(arn) => {
                let req = api.iam.untag_policy().policy_arn(arn).set_tag_keys(Some(removed.clone()));
                api.call("UntagPolicy", || req.clone().send()).await?;
            }
            Taggable::OidcProvider(arn) => {
                let req = api
                    .iam
                    .untag_open_id_connect_provider()
                    .open_id_connect_provider_arn(arn)
                    .set_tag_keys(Some(removed.clone()));
                api.call("UntagOpenIDConnectProvider", || req.clone().send()).await?;
            }
        }
    }
    if !changed.is_empty() {
        let t = iam_tags(&changed);
        match target {
            Taggable::Role(n) => {
                let req = api.iam.tag_role().role_name(n).set_tags(t);
                api.call("TagRole", || req.clone().send()).await?;
            }
            Taggable::Policy(arn) => {
                let req = api.iam.tag_policy().policy_arn(arn).set_tags(t);
                api.call("TagPolicy", || req.clone().send()).await?;
            }
            Taggable::OidcProvider(arn) => {
                let req = api.iam.tag_open_id_connect_provider().open_id_connect_provider_arn(arn).set_tags(t);
                api.call("TagOpenIDConnectProvider", || req.clone().send()).await?;
            }
        }
    }
    Ok(())
}
