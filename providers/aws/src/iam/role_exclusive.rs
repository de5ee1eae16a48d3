//! `aws_iam_role`'s exclusive policy arguments, as Terraform manages them:
//! `inline_policy` blocks and `managed_policy_arns`. Configured, they make the role's inline
//! policies / attached managed policies exactly that set (an empty `inline_policy {}` block or
//! `managed_policy_arns = []` removes them all); left out, they are only read. Every call
//! here is idempotent, so an interrupted create resumes by running it again.

use super::common::NOT_FOUND;
use crate::api::{Api, NotFound};
use crate::error::AwsError;
use crate::policy_json::{equivalent, prefer_prior, url_decode};
use crate::values::string_list;
use meshplan_provider::{Attribute, Block, Schema, Type, Value};
use std::collections::{BTreeMap, BTreeSet};

pub fn add_to(schema: Schema) -> Schema {
    let inline =
        Schema::new().attr("name", Attribute::optional(Type::String)).attr("policy", Attribute::optional(Type::String));
    schema
        .attr("managed_policy_arns", Attribute::optional_computed(Type::set(Type::String)))
        .block("inline_policy", Block::set(inline))
}

/// The configured inline policies (name → document); `None`: the argument is left out.
fn inline_wanted(v: &Value) -> Option<BTreeMap<String, String>> {
    let items = v.get("inline_policy").as_list().filter(|l| !l.is_empty())?;
    Some(
        items
            .iter()
            .filter_map(|i| Some((i.get_str("name")?.to_string(), i.get_str("policy").unwrap_or_default().to_string())))
            .collect(),
    )
}

/// In a plan: `inline_policy` left out keeps what the role has (not managed).
pub fn plan(planned: &mut Value, config: &Value, prior: Option<&Value>) {
    if config.get("inline_policy").as_list().is_none_or(|l| l.is_empty()) {
        let kept = prior.map(|p| p.get("inline_policy").clone()).unwrap_or(Value::List(vec![]));
        planned.set("inline_policy", kept);
    } else if let Some(p) = prior {
        // Equivalent documents keep their prior text.
        let old = inline_wanted(p).unwrap_or_default();
        if let Value::List(items) = planned.get("inline_policy").clone() {
            let items = items
                .into_iter()
                .map(|mut i| {
                    let prior_doc = i.get_str("name").and_then(|n| old.get(n)).cloned();
                    if let (Some(was), Some(now)) = (prior_doc, i.get_str("policy")) {
                        if was != now && equivalent(&was, now) {
                            i.set("policy", Value::from(was));
                        }
                    }
                    i
                })
                .collect();
            planned.set("inline_policy", Value::List(items));
        }
    }
}

async fn inline_names(api: &Api<'_>, role: &str) -> Result<Vec<String>, AwsError> {
    let (mut names, mut marker) = (Vec::new(), None::<String>);
    loop {
        let req = api.iam.list_role_policies().role_name(role).set_marker(marker.clone());
        let out = api.call("ListRolePolicies", || req.clone().send()).await?;
        names.extend(out.policy_names().iter().cloned());
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(names),
        }
    }
}

async fn attached(api: &Api<'_>, role: &str) -> Result<BTreeSet<String>, AwsError> {
    let (mut arns, mut marker) = (BTreeSet::new(), None::<String>);
    loop {
        let req = api.iam.list_attached_role_policies().role_name(role).set_marker(marker.clone());
        let out = api.call("ListAttachedRolePolicies", || req.clone().send()).await?;
        arns.extend(out.attached_policies().iter().filter_map(|p| p.policy_arn()).map(str::to_string));
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(arns),
        }
    }
}

/// Makes the role's policies what `planned` configures: on a create (no `prior`) what is
/// configured, on an update what changed (an argument left out plans its prior value).
pub async fn apply(api: &Api<'_>, role: &str, prior: Option<&Value>, planned: &Value) -> Result<(), AwsError> {
    let changed = |k: &str| prior.is_none_or(|p| p.get(k) != planned.get(k));
    if let Some(wanted) = inline_wanted(planned).filter(|_| changed("inline_policy")) {
        for name in inline_names(api, role).await? {
            if !wanted.contains_key(&name) {
                let req = api.iam.delete_role_policy().role_name(role).policy_name(&name);
                api.call("DeleteRolePolicy", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
            }
        }
        for (name, doc) in &wanted {
            let req = api.iam.put_role_policy().role_name(role).policy_name(name).policy_document(doc);
            api.call_settling("PutRolePolicy", &["MalformedPolicyDocument"], || req.clone().send()).await?;
        }
    }
    if matches!(planned.get("managed_policy_arns"), Value::List(_)) && changed("managed_policy_arns") {
        let wanted: BTreeSet<String> = string_list(planned.get("managed_policy_arns")).into_iter().collect();
        let have = attached(api, role).await?;
        for arn in have.difference(&wanted) {
            let req = api.iam.detach_role_policy().role_name(role).policy_arn(arn);
            api.call("DetachRolePolicy", || req.clone().send()).await.or_not_found(NOT_FOUND)?;
        }
        for arn in wanted.difference(&have) {
            let req = api.iam.attach_role_policy().role_name(role).policy_arn(arn);
            api.call("AttachRolePolicy", || req.clone().send()).await?;
        }
    }
    Ok(())
}

/// Reads both into `s` (documents in their prior text when they mean the same).
pub async fn read(api: &Api<'_>, role: &str, s: &mut Value) -> Result<(), AwsError> {
    let prior = inline_wanted(s).unwrap_or_default();
    let empty_block =
        s.get("inline_policy").as_list().is_some_and(|l| !l.is_empty() && l.iter().all(|i| i.get("name").is_null()));
    let mut items = Vec::new();
    for name in inline_names(api, role).await? {
        let req = api.iam.get_role_policy().role_name(role).policy_name(&name);
        let Some(out) = api.call("GetRolePolicy", || req.clone().send()).await.or_not_found(NOT_FOUND)? else {
            continue;
        };
        let doc = prefer_prior(prior.get(&name).map(String::as_str), &url_decode(out.policy_document()));
        items.push(Value::object([("name", Value::from(name)), ("policy", Value::from(doc))]));
    }
    // `inline_policy {}` (remove them all) stays as written while the role has none.
    if !(items.is_empty() && empty_block) {
        s.set("inline_policy", Value::List(items));
    }
    let have = attached(api, role).await?;
    let prior_arns: BTreeSet<String> = string_list(s.get("managed_policy_arns")).into_iter().collect();
    // The prior order when the set is the same.
    if prior_arns != have || s.get("managed_policy_arns").is_null() {
        s.set("managed_policy_arns", Value::List(have.into_iter().map(Value::from).collect()));
    }
    Ok(())
}

/// Whether the state holds any inline or attached policy (Terraform then removes them all
/// before DeleteRole, as `force_detach_policies` does).
pub fn holds_any(state: &Value) -> bool {
    ["inline_policy", "managed_policy_arns"].iter().any(|k| state.get(k).as_list().is_some_and(|l| !l.is_empty()))
}
