//! `aws_placement_group`: named (the name is the ID, as in Terraform), so a retried create
//! finds it by name and the intent tag. Create waits for `available`, delete for gone.

use super::ec2::{tag_spec, tags_map};
use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options, Tagging};
use crate::values::{get_i32, get_string, opt_str};
use crate::waiter::Poll;
use aws_sdk_ec2::types::{PlacementGroup as Group, PlacementStrategy, ResourceType as Ec2Type, SpreadLevel};
use meshplan_provider::{async_trait, Attribute, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct PlacementGroup;

const NOT_FOUND: &[&str] = &["InvalidPlacementGroup.Unknown", "InvalidPlacementGroup.NotFound"];
const WAIT: Duration = Duration::from_secs(300);

async fn describe(api: &Api<'_>, name: &str) -> Result<Option<Group>, AwsError> {
    let req = api.ec2.describe_placement_groups().group_names(name);
    let out = api.call("DescribePlacementGroups", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
    Ok(out.and_then(|o| {
        o.placement_groups()
            .iter()
            .find(|g| g.group_name() == Some(name) && g.state().map(|s| s.as_str()) != Some("deleted"))
            .cloned()
    }))
}

#[async_trait]
impl AwsResource for PlacementGroup {
    fn type_name(&self) -> &'static str {
        "aws_placement_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("strategy", Attribute::required(Type::String).force_new())
            .attr("partition_count", Attribute::optional_computed(Type::Number).force_new())
            .attr("spread_level", Attribute::optional_computed(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("placement_group_id", Attribute::computed(Type::String))
    }

    fn options(&self) -> Options {
        Options { tagging: Tagging::Ec2, ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let name = p.get_str("name").unwrap_or_default();
        let call = api
            .ec2
            .create_placement_group()
            .group_name(name)
            .set_strategy(p.get_str("strategy").map(PlacementStrategy::from))
            .set_partition_count(get_i32(p, "partition_count"))
            .set_spread_level(get_string(p, "spread_level").as_deref().map(SpreadLevel::from))
            .set_tag_specifications(tag_spec(Ec2Type::PlacementGroup, &req.tags).map(|t| vec![t]));
        // A duplicate name carrying our token is ours (adoption); Api::create checks.
        let conflicts = CreateCall { conflicts: &["InvalidPlacementGroup.Duplicate"], ..CreateCall::default() };
        api.create("CreatePlacementGroup", conflicts, || call.clone().send(), || self.locate(api, req.token, p))
            .await?;
        Ok(name.to_string())
    }

    async fn after_create(&self, api: &Api<'_>, id: &str, _planned: &Value, timeout: Duration) -> Result<(), AwsError> {
        api.wait_for("the placement group to be available", timeout.min(WAIT), || async {
            let state = describe(api, id).await?.and_then(|g| g.state().map(|s| s.as_str().to_string()));
            Ok(match state.as_deref() {
                Some("available") => Poll::Ready(()),
                other => Poll::Pending(other.unwrap_or("not listed").to_string()),
            })
        })
        .await
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let Some(g) = describe(api, id).await? else { return Ok(None) };
        s.set("name", opt_str(g.group_name()));
        s.set("strategy", opt_str(g.strategy().map(|v| v.as_str())));
        s.set("partition_count", g.partition_count().map(|n| Value::from(i64::from(n))).unwrap_or(Value::Null));
        s.set("spread_level", opt_str(g.spread_level().map(|v| v.as_str())));
        s.set("arn", opt_str(g.group_arn()));
        s.set("placement_group_id", opt_str(g.group_id()));
        Ok(Some(tags_map(g.tags())))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, timeout: Duration) -> Result<(), AwsError> {
        let req = api.ec2.delete_placement_group().group_name(id);
        api.call("DeletePlacementGroup", || req.clone().send()).await?;
        api.wait_for("the placement group to be deleted", timeout.min(WAIT), || async {
            Ok(match describe(api, id).await? {
                None => Poll::Ready(()),
                Some(g) => Poll::Pending(g.state().map(|s| s.as_str().to_string()).unwrap_or_default()),
            })
        })
        .await
    }

    /// By name, when it carries the create's intent tag.
    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(name) = planned.get_str("name") else { return Ok(None) };
        let found = describe(api, name).await?;
        Ok(found
            .filter(|g| crate::intent::carries(g.tags().iter().filter_map(|t| Some((t.key()?, t.value()?))), token))
            .and_then(|g| g.group_name().map(str::to_string)))
    }
}
