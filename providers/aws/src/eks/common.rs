//! EKS helpers: tags by ARN, cluster attributes shared by the resource and data source.

use crate::api::Api;
use crate::error::AwsError;
use crate::tags;
use crate::values::{list_value, opt_str, string_map};
use aws_sdk_eks::types::Cluster;
use meshplan_provider::{Attribute, Schema, Type, Value};
use std::collections::{BTreeMap, HashMap};

pub const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

pub fn tags_map(tags: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default()
}

pub fn tags_arg(tags: BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    (!tags.is_empty()).then(|| tags.into_iter().collect())
}

/// Brings the tags of the object at `arn` from the prior `tags_all` to the planned tags.
pub async fn sync_tags(api: &Api<'_>, arn: &str, prior: &Value, planned: &Value) -> Result<(), AwsError> {
    let (removed, changed) = tags::diff(&string_map(prior.get("tags_all")), &tags::desired(api, planned));
    retag(api, arn, &removed, &changed).await
}

/// Removes the `removed` tag keys from the EKS object at `arn` and sets the `changed` ones.
pub async fn retag(
    api: &Api<'_>,
    arn: &str,
    removed: &[String],
    changed: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    if !removed.is_empty() {
        let req = api.eks.untag_resource().resource_arn(arn).set_tag_keys(Some(removed.to_vec()));
        api.call("UntagResource", || req.clone().send()).await?;
    }
    if !changed.is_empty() {
        let req = api.eks.tag_resource().resource_arn(arn).set_tags(tags_arg(changed.clone()));
        api.call("TagResource", || req.clone().send()).await?;
    }
    Ok(())
}

/// Whether EKS tags carry `token` as the create's intent tag.
pub fn carries_token(tags: Option<&HashMap<String, String>>, token: &str) -> bool {
    tags.is_some_and(|t| crate::intent::carries(t.iter().map(|(k, v)| (k.as_str(), v.as_str())), token))
}

/// What EKS says when a resend meets the object the lost attempt made.
pub const ALREADY_EXISTS: &[&str] = &["ResourceInUseException"];

fn obj_type(fields: &[(&str, Type)]) -> Type {
    Type::Object(fields.iter().map(|(k, t)| (k.to_string(), t.clone())).collect())
}

/// The computed attributes of a cluster, with Terraform's nesting
/// (`certificate_authority[0].data`, `identity[0].oidc[0].issuer`).
pub fn computed_cluster_attributes(schema: Schema) -> Schema {
    let oidc = obj_type(&[("issuer", Type::String)]);
    schema
        .attr("arn", Attribute::computed(Type::String))
        .attr("endpoint", Attribute::computed(Type::String))
        .attr("status", Attribute::computed(Type::String))
        .attr("platform_version", Attribute::computed(Type::String))
        .attr("created_at", Attribute::computed(Type::String))
        .attr("cluster_id", Attribute::computed(Type::String))
        .attr("certificate_authority", Attribute::computed(Type::list(obj_type(&[("data", Type::String)]))))
        .attr("identity", Attribute::computed(Type::list(obj_type(&[("oidc", Type::list(oidc))]))))
}

pub fn set_computed_cluster_attributes(s: &mut Value, c: &Cluster) {
    s.set("arn", opt_str(c.arn()));
    s.set("endpoint", opt_str(c.endpoint()));
    s.set("status", opt_str(c.status().map(|x| x.as_str())));
    s.set("platform_version", opt_str(c.platform_version()));
    s.set("created_at", opt_str(c.created_at().map(|d| d.to_string()).as_deref()));
    s.set("cluster_id", opt_str(c.id()));
    let ca = Value::object([("data", opt_str(c.certificate_authority().and_then(|a| a.data())))]);
    s.set("certificate_authority", Value::List(vec![ca]));
    let issuer = c.identity().and_then(|i| i.oidc()).and_then(|o| o.issuer());
    let oidc = Value::List(vec![Value::object([("issuer", opt_str(issuer))])]);
    s.set("identity", Value::List(vec![Value::object([("oidc", oidc)])]));
}

/// `vpc_config` as Terraform shows it.
pub fn vpc_config_value(c: &Cluster, prior: &Value) -> Value {
    let Some(v) = c.resources_vpc_config() else { return Value::Null };
    let ordered = |attr: &str, remote: &[String]| crate::iam::oidc_provider::in_prior_order(prior.get(attr), remote);
    Value::object([
        ("subnet_ids", ordered("subnet_ids", v.subnet_ids())),
        ("security_group_ids", ordered("security_group_ids", v.security_group_ids())),
        ("endpoint_private_access", Value::from(v.endpoint_private_access())),
        ("endpoint_public_access", Value::from(v.endpoint_public_access())),
        (
            "public_access_cidrs",
            if v.public_access_cidrs().is_empty() {
                list_value(["0.0.0.0/0"])
            } else {
                ordered("public_access_cidrs", v.public_access_cidrs())
            },
        ),
        ("cluster_security_group_id", opt_str(v.cluster_security_group_id())),
        ("vpc_id", opt_str(v.vpc_id())),
    ])
}
