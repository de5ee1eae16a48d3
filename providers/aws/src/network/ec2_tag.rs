//! `aws_ec2_tag`: one tag on an EC2 object made elsewhere. ID and import ID: `<resource_id>,<key>`.

use super::ec2::filter;
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use aws_sdk_ec2::types::Tag;
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Ec2Tag;

fn split(id: &str) -> Option<(&str, &str)> {
    id.split_once(',')
}

async fn put(api: &Api<'_>, state: &Value) -> Result<(), AwsError> {
    let tag =
        Tag::builder().key(state.get_str("key").unwrap_or_default()).value(state.get_str("value").unwrap_or_default());
    let req = api.ec2.create_tags().resources(state.get_str("resource_id").unwrap_or_default()).tags(tag.build());
    // The object was made a moment ago and may not be visible to CreateTags yet.
    api.call_settling("CreateTags", &["InvalidID", "InvalidVpcID.NotFound", "InvalidSubnetID.NotFound"], || {
        req.clone().send()
    })
    .await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Ec2Tag {
    fn type_name(&self) -> &'static str {
        "aws_ec2_tag"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("resource_id", Attribute::required(Type::String).force_new())
            .attr("key", Attribute::required(Type::String).force_new())
            .attr("value", Attribute::required(Type::String))
    }

    fn not_found(&self) -> &'static [&'static str] {
        &[]
    }

    /// CreateTags is idempotent: a resend after a lost answer writes the same tag.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        let p = req.planned;
        Ok(format!("{},{}", p.get_str("resource_id").unwrap_or_default(), p.get_str("key").unwrap_or_default()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((resource, key)) = split(id) else { return Ok(None) };
        let req = api.ec2.describe_tags().filters(filter("resource-id", [resource])).filters(filter("key", [key]));
        let out = api.call("DescribeTags", || req.clone().send()).await?;
        let Some(tag) = out.tags().iter().find(|t| t.key() == Some(key) && t.resource_id() == Some(resource)) else {
            return Ok(None);
        };
        s.set("resource_id", Value::from(resource));
        s.set("key", Value::from(key));
        s.set("value", Value::from(tag.value().unwrap_or_default()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((resource, key)) = split(id) else { return Ok(()) };
        let req = api.ec2.delete_tags().resources(resource).tags(Tag::builder().key(key).build());
        match api.call("DeleteTags", || req.clone().send()).await {
            // The object itself is gone, and its tags with it.
            Err(e) if e.code().is_some_and(|c| c.ends_with(".NotFound")) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The tag is ours when it holds the planned value (CreateTags would write just that).
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let (Some(r), Some(k)) = (planned.get_str("resource_id"), planned.get_str("key")) else { return Ok(None) };
        let id = format!("{r},{k}");
        let mut s = planned.clone();
        let found = self.read(api, &id, &mut s).await?.is_some() && s.get("value") == planned.get("value");
        Ok(found.then_some(id))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        split(id).map(|_| vec![("id", Value::from(id))]).ok_or_else(|| format!("expected RESOURCE_ID,KEY, got {id:?}"))
    }
}
