//! RDS's DB subnet groups (`aws_db_subnet_group`).

use super::{Remote, Wanted};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use aws_sdk_rds::types::{DbSubnetGroup, Tag};
use std::collections::BTreeMap;
use std::future::Future;

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

fn remote(g: &DbSubnetGroup, tags: BTreeMap<String, String>) -> Remote {
    Remote {
        name: g.db_subnet_group_name().unwrap_or_default().to_string(),
        description: g.db_subnet_group_description().unwrap_or_default().to_string(),
        vpc_id: g.vpc_id().unwrap_or_default().to_string(),
        subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier().map(str::to_string)).collect(),
        arn: g.db_subnet_group_arn().unwrap_or_default().to_string(),
        network_types: g.supported_network_types().to_vec(),
        tags,
    }
}

pub(super) async fn describe(api: &Api<'_>, name: &str) -> Result<Option<Remote>, AwsError> {
    let req = api.rds.describe_db_subnet_groups().db_subnet_group_name(name);
    let out = api.call("DescribeDBSubnetGroups", || req.clone().send()).await?;
    let Some(g) = out.db_subnet_groups().iter().find(|g| g.db_subnet_group_name() == Some(name)) else {
        return Ok(None);
    };
    let arn = g.db_subnet_group_arn().unwrap_or_default();
    let req = api.rds.list_tags_for_resource().resource_name(arn);
    let tags = api.call("ListTagsForResource", || req.clone().send()).await?;
    let tags = tags.tag_list().iter().filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string()))).collect();
    Ok(Some(remote(g, tags)))
}

pub(super) async fn create<L, LF>(
    api: &Api<'_>,
    w: &Wanted<'_>,
    tags: &BTreeMap<String, String>,
    call: CreateCall<'_>,
    locate: L,
) -> Result<(), AwsError>
where
    L: FnMut() -> LF,
    LF: Future<Output = Result<Option<String>, AwsError>>,
{
    let req = api
        .rds
        .create_db_subnet_group()
        .db_subnet_group_name(w.name)
        .db_subnet_group_description(w.description)
        .set_subnet_ids(Some(w.subnet_ids.clone()))
        .set_tags(Some(tag_list(tags)));
    api.create("CreateDBSubnetGroup", call, || req.clone().send(), locate).await?;
    Ok(())
}

pub(super) async fn modify(api: &Api<'_>, w: &Wanted<'_>) -> Result<(), AwsError> {
    let req = api
        .rds
        .modify_db_subnet_group()
        .db_subnet_group_name(w.name)
        .db_subnet_group_description(w.description)
        .set_subnet_ids(Some(w.subnet_ids.clone()));
    api.call("ModifyDBSubnetGroup", || req.clone().send()).await?;
    Ok(())
}

pub(super) async fn set_tags(
    api: &Api<'_>,
    arn: &str,
    removed: &[String],
    changed: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if !removed.is_empty() {
        let req = api.rds.remove_tags_from_resource().resource_name(arn).set_tag_keys(Some(removed.to_vec()));
        api.call("RemoveTagsFromResource", || req.clone().send()).await?;
    }
    if !changed.is_empty() {
        let req = api.rds.add_tags_to_resource().resource_name(arn).set_tags(Some(tag_list(changed)));
        api.call("AddTagsToResource", || req.clone().send()).await?;
    }
    Ok(())
}

pub(super) async fn delete(api: &Api<'_>, name: &str) -> Result<(), AwsError> {
    api.call("DeleteDBSubnetGroup", || api.rds.delete_db_subnet_group().db_subnet_group_name(name).send()).await?;
    Ok(())
}
