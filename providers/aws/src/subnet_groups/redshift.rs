//! Redshift's cluster subnet groups (`aws_redshift_subnet_group`). Redshift answers the
//! group's tags with the group and has no ARN in it: the ARN is built as Terraform does.

use super::{Remote, Wanted};
use crate::api::{Api, CreateCall};
use crate::error::AwsError;
use aws_sdk_redshift::types::Tag;
use std::collections::BTreeMap;
use std::future::Future;

fn tag_list(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(k).value(v).build()).collect()
}

async fn arn(api: &Api<'_>, name: &str) -> Result<String, AwsError> {
    let account = api.account_id().await?;
    Ok(format!("arn:{}:redshift:{}:{account}:subnetgroup:{name}", api.partition(), api.region))
}

pub(super) async fn describe(api: &Api<'_>, name: &str) -> Result<Option<Remote>, AwsError> {
    let req = api.redshift.describe_cluster_subnet_groups().cluster_subnet_group_name(name);
    let out = api.call("DescribeClusterSubnetGroups", || req.clone().send()).await?;
    let Some(g) = out.cluster_subnet_groups().iter().find(|g| g.cluster_subnet_group_name() == Some(name)) else {
        return Ok(None);
    };
    Ok(Some(Remote {
        name: name.to_string(),
        description: g.description().unwrap_or_default().to_string(),
        vpc_id: g.vpc_id().unwrap_or_default().to_string(),
        subnet_ids: g.subnets().iter().filter_map(|s| s.subnet_identifier().map(str::to_string)).collect(),
        arn: arn(api, name).await?,
        network_types: Vec::new(),
        tags: g.tags().iter().filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string()))).collect(),
    }))
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
        .redshift
        .create_cluster_subnet_group()
        .cluster_subnet_group_name(w.name)
        .description(w.description)
        .set_subnet_ids(Some(w.subnet_ids.clone()))
        .set_tags(Some(tag_list(tags)));
    api.create("CreateClusterSubnetGroup", call, || req.clone().send(), locate).await?;
    Ok(())
}

pub(super) async fn modify(api: &Api<'_>, w: &Wanted<'_>) -> Result<(), AwsError> {
    let req = api
        .redshift
        .modify_cluster_subnet_group()
        .cluster_subnet_group_name(w.name)
        .description(w.description)
        .set_subnet_ids(Some(w.subnet_ids.clone()));
    api.call("ModifyClusterSubnetGroup", || req.clone().send()).await?;
    Ok(())
}

pub(super) async fn set_tags(
    api: &Api<'_>,
    arn: &str,
    removed: &[String],
    changed: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if !removed.is_empty() {
        let req = api.redshift.delete_tags().resource_name(arn).set_tag_keys(Some(removed.to_vec()));
        api.call("DeleteTags", || req.clone().send()).await?;
    }
    if !changed.is_empty() {
        let req = api.redshift.create_tags().resource_name(arn).set_tags(Some(tag_list(changed)));
        api.call("CreateTags", || req.clone().send()).await?;
    }
    Ok(())
}

pub(super) async fn delete(api: &Api<'_>, name: &str) -> Result<(), AwsError> {
    let req = api.redshift.delete_cluster_subnet_group().cluster_subnet_group_name(name);
    api.call("DeleteClusterSubnetGroup", || req.clone().send()).await?;
    Ok(())
}
