//! `aws_lambda_permission`: one statement of a function's resource policy (AddPermission).
//! ID: the statement ID; import ID `FUNCTION[:QUALIFIER]/STATEMENT_ID`. Every argument forces
//! a new statement. An unset `statement_id` is derived from the create's token (after
//! `statement_id_prefix`, else `terraform-`), so `find` reads the policy for that Sid; a
//! configured one is ours when the statement there says what the configuration does.

use crate::api::{Api, CreateCall, NotFound};
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use meshplan_provider::{async_trait, Attribute, ProviderError, Schema, Type, Value};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Permission;

const NOT_FOUND: &[&str] = &["ResourceNotFoundException"];

/// Arguments read back from the statement's condition: (attribute, condition operator, key).
const CONDITIONS: &[(&str, &str, &str)] = &[
    ("source_arn", "ArnLike", "AWS:SourceArn"),
    ("source_account", "StringEquals", "AWS:SourceAccount"),
    ("event_source_token", "StringEquals", "lambda:EventSourceToken"),
    ("principal_org_id", "StringEquals", "aws:PrincipalOrgID"),
    ("function_url_auth_type", "StringEquals", "lambda:FunctionUrlAuthType"),
];

/// The statement ID a create uses: configured, else prefix (or `terraform-`) + the token.
fn statement_id(planned: &Value, token: &str) -> String {
    if let Some(id) = planned.get_str("statement_id") {
        return id.to_string();
    }
    let suffix: String = token.chars().filter(|c| *c != '-').collect();
    format!("{}{suffix}", planned.get_str("statement_id_prefix").unwrap_or("terraform-"))
}

/// The function's policy statement `sid` (`None`: no policy, or no such statement).
async fn statement(
    api: &Api<'_>,
    function: &str,
    qualifier: Option<&str>,
    sid: &str,
) -> Result<Option<Json>, AwsError> {
    let req = api.lambda.get_policy().function_name(function).set_qualifier(qualifier.map(str::to_string));
    let Some(out) = api.call("GetPolicy", || req.clone().send()).await.or_not_found(NOT_FOUND)? else {
        return Ok(None);
    };
    let policy: Json = serde_json::from_str(out.policy().unwrap_or("{}")).unwrap_or_default();
    let found = match &policy["Statement"] {
        Json::Array(list) => list.iter().find(|s| s["Sid"] == sid).cloned(),
        one @ Json::Object(_) if one["Sid"] == sid => Some(one.clone()),
        _ => None,
    };
    Ok(found)
}

/// The principal as configured: a service name, an account ID for `arn:...:root`, or `*`.
fn principal_of(statement: &Json, prior: Option<&str>) -> String {
    let p = &statement["Principal"];
    let text = p.as_str().or_else(|| p["Service"].as_str()).or_else(|| p["AWS"].as_str()).unwrap_or_default();
    // `123456789012` is written as `arn:aws:iam::123456789012:root`.
    match prior {
        Some(prior) if text.ends_with(&format!(":{prior}:root")) => prior.to_string(),
        _ => text.to_string(),
    }
}

/// Whether `statement` grants what `planned` asks for.
fn grants(statement: &Json, planned: &Value) -> bool {
    let action = statement["Action"].as_str().unwrap_or_default();
    planned.get_str("action") == Some(action)
        && planned.get_str("principal") == Some(principal_of(statement, planned.get_str("principal")).as_str())
        && CONDITIONS.iter().all(|(attr, op, key)| planned.get_str(attr) == statement["Condition"][*op][*key].as_str())
}

fn parse_import(id: &str) -> Result<(String, Option<String>, String), String> {
    let (function, sid) =
        id.split_once('/').ok_or_else(|| format!("expected FUNCTION_NAME[:QUALIFIER]/STATEMENT_ID, got {id:?}"))?;
    // A function ARN holds colons of its own; the qualifier is its 8th field.
    let parts: Vec<&str> = function.split(':').collect();
    let (function, qualifier) = match (function.starts_with("arn:"), parts.as_slice()) {
        (true, [head @ .., q]) if parts.len() == 8 => (head.join(":"), Some(q.to_string())),
        (true, _) => (function.to_string(), None),
        (false, [f, q]) => (f.to_string(), Some(q.to_string())),
        (false, _) => (function.to_string(), None),
    };
    if function.is_empty() || sid.is_empty() {
        return Err(format!("expected FUNCTION_NAME[:QUALIFIER]/STATEMENT_ID, got {id:?}"));
    }
    Ok((function, qualifier, sid.to_string()))
}

#[async_trait]
impl AwsResource for Permission {
    fn type_name(&self) -> &'static str {
        "aws_lambda_permission"
    }

    fn schema(&self) -> Schema {
        let forced = |a: Attribute| a.force_new();
        let mut s = Schema::new()
            .attr("action", forced(Attribute::required(Type::String)))
            .attr("function_name", forced(Attribute::required(Type::String)))
            .attr("principal", forced(Attribute::required(Type::String)))
            .attr("qualifier", forced(Attribute::optional(Type::String)))
            .attr("statement_id", forced(Attribute::optional_computed(Type::String)))
            .attr("statement_id_prefix", forced(Attribute::optional_computed(Type::String)));
        for (attr, ..) in CONDITIONS {
            s = s.attr(attr, forced(Attribute::optional(Type::String)));
        }
        s
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    fn check(&self, address: &str, config: &Value) -> Result<(), ProviderError> {
        if config.get_str("statement_id").is_some() && config.get_str("statement_id_prefix").is_some() {
            return Err(AwsError::Invalid {
                address: address.to_string(),
                message: "\"statement_id\" conflicts with \"statement_id_prefix\": set one of them".into(),
                attribute: Some("statement_id_prefix".into()),
            }
            .into());
        }
        Ok(())
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let p = req.planned;
        let sid = statement_id(p, req.token);
        let s = |k: &str| p.get_str(k).map(str::to_string);
        let call = api
            .lambda
            .add_permission()
            .function_name(s("function_name").unwrap_or_default())
            .statement_id(&sid)
            .action(s("action").unwrap_or_default())
            .principal(s("principal").unwrap_or_default())
            .set_qualifier(s("qualifier"))
            .set_source_arn(s("source_arn"))
            .set_source_account(s("source_account"))
            .set_event_source_token(s("event_source_token"))
            .set_principal_org_id(s("principal_org_id"))
            .set_function_url_auth_type(s("function_url_auth_type").map(|t| t.as_str().into()));
        // A function just made may not accept permissions yet (ResourceConflictException
        // while it is Pending); a statement of this Sid that grants the same is ours.
        let create = CreateCall { settling: &["ResourceConflictException"], conflicts: &[] };
        api.create("AddPermission", create, || call.clone().send(), || self.locate(api, req.token, p)).await?;
        Ok(sid)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let function = s.get_str("function_name").unwrap_or_default().to_string();
        let Some(st) = statement(api, &function, s.get_str("qualifier"), id).await? else { return Ok(None) };
        s.set("statement_id", Value::from(id));
        if s.get("statement_id_prefix").is_unknown() {
            s.set("statement_id_prefix", Value::Null);
        }
        s.set("action", Value::from(st["Action"].as_str().unwrap_or_default()));
        let principal = principal_of(&st, s.get_str("principal"));
        s.set("principal", Value::from(principal));
        for (attr, op, key) in CONDITIONS {
            s.set(attr, st["Condition"][*op][*key].as_str().map(Value::from).unwrap_or(Value::Null));
        }
        Ok(Some(BTreeMap::new()))
    }

    async fn delete(&self, api: &Api<'_>, id: &str, state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api
            .lambda
            .remove_permission()
            .function_name(state.get_str("function_name").unwrap_or_default())
            .statement_id(id)
            .set_qualifier(state.get_str("qualifier").map(str::to_string));
        api.call("RemovePermission", || req.clone().send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let sid = statement_id(planned, token);
        let function = planned.get_str("function_name").unwrap_or_default();
        let found = statement(api, function, planned.get_str("qualifier"), &sid).await?;
        Ok(found.filter(|st| grants(st, planned)).map(|_| sid))
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        let (function, qualifier, sid) = parse_import(id)?;
        Ok(vec![
            ("id", Value::from(sid.as_str())),
            ("statement_id", Value::from(sid.as_str())),
            ("function_name", Value::from(function)),
            ("qualifier", qualifier.map(Value::from).unwrap_or(Value::Null)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_ids_name_function_qualifier_and_statement() {
        assert_eq!(parse_import("f/AllowS3").unwrap(), ("f".into(), None, "AllowS3".into()));
        assert_eq!(parse_import("f:live/AllowS3").unwrap(), ("f".into(), Some("live".into()), "AllowS3".into()));
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(parse_import(&format!("{arn}/S")).unwrap(), (arn.into(), None, "S".into()));
        assert_eq!(parse_import(&format!("{arn}:live/S")).unwrap(), (arn.into(), Some("live".into()), "S".into()));
        assert!(parse_import("no-slash").is_err());
        assert!(parse_import("/S").is_err());
    }
}
