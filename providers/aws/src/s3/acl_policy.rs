//! `aws_s3_bucket_acl.access_control_policy`: the owner and explicit grants, written with
//! PutBucketAcl and read back from GetBucketAcl (grantee `display_name` is S3's).

use crate::api::Api;
use crate::error::AwsError;
use aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput;
use aws_sdk_s3::types::{AccessControlPolicy, Grant, Grantee, Owner, Permission, Type as GranteeType};
use meshplan_provider::{Attribute, Block, Schema, Type, Value};

pub fn block() -> Block {
    let grantee = Schema::new()
        .attr("display_name", Attribute::computed(Type::String))
        .attr("email_address", Attribute::optional(Type::String))
        .attr("id", Attribute::optional(Type::String))
        .attr("type", Attribute::required(Type::String))
        .attr("uri", Attribute::optional(Type::String));
    let grant = Schema::new()
        .attr("permission", Attribute::required(Type::String))
        .block("grantee", Block::list(grantee).max_items(1));
    let owner = Schema::new()
        .attr("display_name", Attribute::optional_computed(Type::String))
        .attr("id", Attribute::required(Type::String));
    Block::list(
        Schema::new().block("grant", Block::set(grant)).block("owner", Block::list(owner).min_items(1).max_items(1)),
    )
    .max_items(1)
}

fn first(v: &Value) -> Option<&Value> {
    v.as_list().and_then(|l| l.first())
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v.get_str(k).filter(|s| !s.is_empty()).map(str::to_string)
}

/// The configured policy as S3's request (`None`: no block).
pub fn request(api: &Api<'_>, planned: &Value) -> Result<Option<AccessControlPolicy>, AwsError> {
    let Some(acp) = first(planned.get("access_control_policy")) else { return Ok(None) };
    let Some(owner) = first(acp.get("owner")) else {
        return Err(api.invalid("access_control_policy", "an access_control_policy needs its owner block"));
    };
    let mut grants = Vec::new();
    for g in acp.get("grant").as_list().into_iter().flatten() {
        let Some(who) = first(g.get("grantee")) else { continue };
        let grantee = Grantee::builder()
            .r#type(GranteeType::from(who.get_str("type").unwrap_or_default()))
            .set_id(opt(who, "id"))
            .set_email_address(opt(who, "email_address"))
            .set_uri(opt(who, "uri"))
            .build()
            .map_err(|e| api.invalid("access_control_policy", e.to_string()))?;
        grants.push(
            Grant::builder()
                .grantee(grantee)
                .permission(Permission::from(g.get_str("permission").unwrap_or_default()))
                .build(),
        );
    }
    let owner = Owner::builder().set_id(opt(owner, "id")).set_display_name(opt(owner, "display_name")).build();
    Ok(Some(AccessControlPolicy::builder().set_grants(Some(grants)).owner(owner).build()))
}

/// What identifies a grant (everything but S3's display name).
fn key(g: &Value) -> (Option<String>, Option<String>, Option<String>, Option<String>, Option<String>) {
    let who = first(g.get("grantee")).cloned().unwrap_or(Value::Null);
    (opt(&who, "type"), opt(&who, "id"), opt(&who, "email_address"), opt(&who, "uri"), opt(g, "permission"))
}

/// Fills `access_control_policy` from GetBucketAcl; the prior order when the grants are the same.
pub fn read(s: &mut Value, out: &GetBucketAclOutput) {
    let remote: Vec<Value> = out
        .grants()
        .iter()
        .map(|g| {
            let who = g.grantee();
            let text = |v: Option<&str>| v.map(Value::from).unwrap_or(Value::Null);
            Value::object([
                ("permission", text(g.permission().map(|p| p.as_str()))),
                (
                    "grantee",
                    Value::List(vec![Value::object([
                        ("display_name", text(who.and_then(|w| w.display_name()))),
                        ("email_address", text(who.and_then(|w| w.email_address()))),
                        ("id", text(who.and_then(|w| w.id()))),
                        ("type", text(who.map(|w| w.r#type().as_str()))),
                        ("uri", text(who.and_then(|w| w.uri()))),
                    ])]),
                ),
            ])
        })
        .collect();
    let prior: Vec<Value> =
        first(s.get("access_control_policy")).and_then(|a| a.get("grant").as_list().cloned()).unwrap_or_default();
    let mut prior_keys: Vec<_> = prior.iter().map(key).collect();
    let mut remote_keys: Vec<_> = remote.iter().map(key).collect();
    prior_keys.sort();
    remote_keys.sort();
    let grants = if prior_keys == remote_keys {
        // Same grants: the prior order, with S3's display names.
        prior.iter().filter_map(|p| remote.iter().find(|r| key(r) == key(p)).cloned()).collect()
    } else {
        remote
    };
    let owner = out.owner().map(|o| {
        Value::object([
            ("display_name", o.display_name().map(Value::from).unwrap_or(Value::Null)),
            ("id", o.id().map(Value::from).unwrap_or(Value::Null)),
        ])
    });
    s.set(
        "access_control_policy",
        Value::List(vec![Value::object([
            ("grant", Value::List(grants)),
            ("owner", Value::List(owner.into_iter().collect())),
        ])]),
    );
}
