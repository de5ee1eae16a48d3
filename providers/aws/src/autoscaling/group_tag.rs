//! `aws_autoscaling_group_tag`: one tag on an Auto Scaling group made elsewhere (the eks
//! module tags node groups' ASGs this way). ID and import ID: `<group>,<key>`.

use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::one_block;
use aws_sdk_autoscaling::types::{Filter, Tag};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct GroupTag;

fn split(id: &str) -> Option<(&str, &str)> {
    id.split_once(',')
}

fn tag(group: &str, key: &str) -> aws_sdk_autoscaling::types::builders::TagBuilder {
    Tag::builder().resource_id(group).resource_type("auto-scaling-group").key(key)
}

/// CreateOrUpdateTags is idempotent: resending it writes the same tag.
async fn put(api: &Api<'_>, planned: &Value) -> Result<(), AwsError> {
    let group = planned.get_str("autoscaling_group_name").unwrap_or_default();
    let t = one_block(planned.get("tag"));
    let tag = tag(group, t.get_str("key").unwrap_or_default())
        .value(t.get_str("value").unwrap_or_default())
        .propagate_at_launch(t.get("propagate_at_launch").as_bool().unwrap_or(false))
        .build();
    let req = api.autoscaling.create_or_update_tags().tags(tag);
    api.call("CreateOrUpdateTags", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for GroupTag {
    fn type_name(&self) -> &'static str {
        "aws_autoscaling_group_tag"
    }

    fn schema(&self) -> Schema {
        Schema::new().attr("autoscaling_group_name", Attribute::required(Type::String).force_new()).block(
            "tag",
            Block::list(
                Schema::new()
                    .attr("key", Attribute::required(Type::String).force_new())
                    .attr("value", Attribute::required(Type::String))
                    .attr("propagate_at_launch", Attribute::required(Type::Bool)),
            )
            .min_items(1)
            .max_items(1),
        )
    }

    fn not_found(&self) -> &'static [&'static str] {
        &[]
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        put(api, req.planned).await?;
        let group = req.planned.get_str("autoscaling_group_name").unwrap_or_default();
        Ok(format!("{group},{}", one_block(req.planned.get("tag")).get_str("key").unwrap_or_default()))
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some((group, key)) = split(id) else { return Ok(None) };
        let filter = |name: &str, v: &str| Filter::builder().name(name).values(v).build();
        let req =
            api.autoscaling.describe_tags().filters(filter("auto-scaling-group", group)).filters(filter("key", key));
        let out = api.call("DescribeTags", || req.clone().send()).await?;
        let found = out.tags().iter().find(|t| t.key() == Some(key) && t.resource_id() == Some(group));
        let Some(t) = found else { return Ok(None) };
        s.set("autoscaling_group_name", Value::from(group));
        s.set(
            "tag",
            Value::List(vec![Value::object([
                ("key", Value::from(key)),
                ("value", Value::from(t.value().unwrap_or_default())),
                ("propagate_at_launch", Value::from(t.propagate_at_launch().unwrap_or(false))),
            ])]),
        );
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, _id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let Some((group, key)) = split(id) else { return Ok(()) };
        let req = api.autoscaling.delete_tags().tags(tag(group, key).build());
        match api.call("DeleteTags", || req.clone().send()).await {
            // The group is gone, and its tags with it.
            Err(e) if e.code() == Some("ValidationError") && e.to_string().contains("not found") => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// The tag is ours when it holds the planned value.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let group = planned.get_str("autoscaling_group_name").unwrap_or_default();
        let Some(key) = one_block(planned.get("tag")).get_str("key") else { return Ok(None) };
        let id = format!("{group},{key}");
        let mut s = planned.clone();
        let found = self.read(api, &id, &mut s).await?.is_some() && s.get("tag") == planned.get("tag");
        Ok(found.then_some(id))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        split(id).map(|_| vec![("id", Value::from(id))]).ok_or_else(|| format!("expected GROUP,KEY, got {id:?}"))
    }
}
