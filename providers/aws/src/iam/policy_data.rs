//! Data source `aws_iam_policy`: a managed policy (AWS's or the account's) by `arn`, or by
//! `name` and/or `path_prefix` (exactly one policy must match), with its default version's
//! document.

use super::common::{tags_map, NOT_FOUND};
use crate::api::{Api, NotFound};
use crate::policy_json::url_decode;
use crate::values::opt_str;
use aws_sdk_iam::types::{Policy, PolicyScopeType};
use meshplan_provider::{async_trait, Attribute, Ctx, DataSource, ProviderError, Schema, Type, Value};

pub struct PolicyData;

/// Every policy whose path starts with `path_prefix` and (when given) named `name`.
async fn matching(api: &Api<'_>, name: Option<&str>, path_prefix: Option<&str>) -> Result<Vec<Policy>, ProviderError> {
    let (mut found, mut marker) = (Vec::new(), None::<String>);
    loop {
        let req = api
            .iam
            .list_policies()
            .scope(PolicyScopeType::All)
            .set_path_prefix(path_prefix.map(str::to_string))
            .set_marker(marker.clone());
        let out = api.call("ListPolicies", || req.clone().send()).await?;
        found.extend(out.policies().iter().filter(|p| name.is_none() || p.policy_name() == name).cloned());
        match out.marker() {
            Some(m) if out.is_truncated() => marker = Some(m.to_string()),
            _ => return Ok(found),
        }
    }
}

#[async_trait]
impl DataSource for PolicyData {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("arn", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("path_prefix", Attribute::optional(Type::String))
            .attr("path", Attribute::computed(Type::String))
            .attr("description", Attribute::computed(Type::String))
            .attr("policy", Attribute::computed(Type::String))
            .attr("policy_id", Attribute::computed(Type::String))
            .attr("attachment_count", Attribute::computed(Type::Number))
            .attr("tags", Attribute::optional_computed(Type::map(Type::String)))
    }

    async fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let api = Api::new(ctx)?;
        let arn = match config.get_str("arn") {
            Some(arn) => arn.to_string(),
            None => {
                let (name, prefix) = (config.get_str("name"), config.get_str("path_prefix"));
                if name.is_none() && prefix.is_none() {
                    return Err(ProviderError::new(format!("{}: no policy named", ctx.address))
                        .with_hint("set `arn`, or `name` and/or `path_prefix`"));
                }
                let found = matching(&api, name, prefix).await?;
                let [one] = found.as_slice() else {
                    let what = format!("name {:?}, path prefix {:?}", name.unwrap_or("*"), prefix.unwrap_or("/"));
                    return Err(ProviderError::new(format!(
                        "{}: {} IAM policies match ({what}); exactly one must",
                        ctx.address,
                        found.len()
                    ))
                    .with_hint("name the policy by `arn`, or narrow `name` / `path_prefix`"));
                };
                one.arn().unwrap_or_default().to_string()
            }
        };
        let out =
            api.call("GetPolicy", || api.iam.get_policy().policy_arn(&arn).send()).await.or_not_found(NOT_FOUND)?;
        let Some(p) = out.and_then(|o| o.policy) else {
            return Err(ProviderError::new(format!("{}: no IAM policy {arn}", ctx.address)).at_attribute("arn"));
        };
        let version = p.default_version_id().unwrap_or("v1");
        let v = api
            .call("GetPolicyVersion", || api.iam.get_policy_version().policy_arn(&arn).version_id(version).send())
            .await?;
        let document = v.policy_version().and_then(|v| v.document()).map(url_decode).unwrap_or_default();
        let mut s = config.clone();
        s.set("id", Value::from(arn.as_str()));
        s.set("arn", Value::from(arn.as_str()));
        s.set("name", opt_str(p.policy_name()));
        s.set("path", opt_str(p.path()));
        s.set("description", Value::from(p.description().unwrap_or_default()));
        s.set("policy", Value::from(document));
        s.set("policy_id", opt_str(p.policy_id()));
        s.set("attachment_count", Value::from(i64::from(p.attachment_count().unwrap_or(0))));
        // Reads hide the intent tag, as for the resource.
        let mut tags = tags_map(p.tags());
        tags.remove(meshplan_provider::INTENT_TAG);
        s.set("tags", Value::object(tags.into_iter().map(|(k, v)| (k, Value::from(v)))));
        Ok(s)
    }
}
