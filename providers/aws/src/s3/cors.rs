//! `aws_s3_bucket_cors_configuration`: a bucket's CORS rules, one document. ID and import ID:
//! see [`super::doc`] (crash safety there too).

use super::doc::{blocks, id_of, int, num, owner, set_bucket, split, string_set};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::string_list;
use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Cors;

const NO_CONFIG: &[&str] = &["NoSuchCORSConfiguration", "NoSuchBucket", "NotFound"];

fn strings(v: &Value, key: &str) -> Option<Vec<String>> {
    Some(string_list(v.get(key))).filter(|l| !l.is_empty())
}

async fn put(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    let mut rules = Vec::new();
    for r in blocks(planned, "cors_rule") {
        let rule = CorsRule::builder()
            .set_id(r.get_str("id").map(str::to_string))
            .set_allowed_headers(strings(&r, "allowed_headers"))
            .set_allowed_methods(strings(&r, "allowed_methods"))
            .set_allowed_origins(strings(&r, "allowed_origins"))
            .set_expose_headers(strings(&r, "expose_headers"))
            .set_max_age_seconds(int(&r, "max_age_seconds"))
            .build()
            .map_err(|e| api.invalid("cors_rule", e.to_string()))?;
        rules.push(rule);
    }
    let doc = CorsConfiguration::builder()
        .set_cors_rules(Some(rules))
        .build()
        .map_err(|e| api.invalid("cors_rule", e.to_string()))?;
    let (bucket, owner) = split(id);
    let req = api
        .s3
        .put_bucket_cors()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(str::to_string))
        .cors_configuration(doc);
    api.call("PutBucketCors", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Cors {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_cors_configuration"
    }

    fn schema(&self) -> Schema {
        let rule = Schema::new()
            .attr("allowed_headers", Attribute::optional(Type::set(Type::String)))
            .attr("allowed_methods", Attribute::required(Type::set(Type::String)))
            .attr("allowed_origins", Attribute::required(Type::set(Type::String)))
            .attr("expose_headers", Attribute::optional(Type::set(Type::String)))
            .attr("id", Attribute::optional(Type::String))
            .attr("max_age_seconds", Attribute::optional(Type::Number));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .block("cors_rule", Block::set(rule).min_items(1).max_items(100))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_CONFIG
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let id = id_of(req.planned);
        put(api, &id, req.planned).await?;
        Ok(id)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let req = api.s3.get_bucket_cors().bucket(split(id).0).set_expected_bucket_owner(owner(id));
        let out = api.call("GetBucketCors", || req.clone().send()).await?;
        if out.cors_rules().is_empty() {
            return Ok(None);
        }
        set_bucket(s, id);
        let prior = blocks(s, "cors_rule");
        let rules = out.cors_rules().iter().enumerate().map(|(i, r)| {
            let before = prior.get(i).cloned().unwrap_or(Value::Null);
            Value::object([
                ("allowed_headers", string_set(before.get("allowed_headers"), r.allowed_headers())),
                ("allowed_methods", string_set(before.get("allowed_methods"), r.allowed_methods())),
                ("allowed_origins", string_set(before.get("allowed_origins"), r.allowed_origins())),
                ("expose_headers", string_set(before.get("expose_headers"), r.expose_headers())),
                ("id", r.id().map(Value::from).unwrap_or(Value::Null)),
                ("max_age_seconds", num(r.max_age_seconds())),
            ])
        });
        s.set("cors_rule", Value::List(rules.collect()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.s3.delete_bucket_cors().bucket(split(id).0).set_expected_bucket_owner(owner(id));
        api.call("DeleteBucketCors", || req.clone().send()).await?;
        Ok(())
    }

    /// Content: ours when the bucket has as many rules as planned, with the planned methods.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let id = id_of(planned);
        let mut s = planned.clone();
        let methods = |v: &Value| {
            let mut m: Vec<Vec<String>> = blocks(v, "cors_rule")
                .iter()
                .map(|r| {
                    let mut l = string_list(r.get("allowed_methods"));
                    l.sort();
                    l
                })
                .collect();
            m.sort();
            m
        };
        match self.read(api, &id, &mut s).await {
            Ok(Some(_)) if methods(&s) == methods(planned) => Ok(Some(id)),
            Err(e) if !e.code().is_some_and(|c| NO_CONFIG.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
