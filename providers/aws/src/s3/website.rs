//! `aws_s3_bucket_website_configuration`: static website hosting of a bucket, one document.
//! ID and import ID: see [`super::doc`] (crash safety there too). Routing rules are written as
//! `routing_rule` blocks; `routing_rules` (JSON) is read back only.

use super::doc::{blocks, id_of, owner, set_bucket, split};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, one_block};
use aws_sdk_s3::types::{
    Condition, ErrorDocument, IndexDocument, Protocol, Redirect, RedirectAllRequestsTo, RoutingRule,
    WebsiteConfiguration,
};
use meshplan_provider::{async_trait, Attribute, Block, ProviderError, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Website;

const NO_CONFIG: &[&str] = &["NoSuchWebsiteConfiguration", "NoSuchBucket", "NotFound"];
const REDIRECT: [&str; 5] =
    ["host_name", "http_redirect_code", "protocol", "replace_key_prefix_with", "replace_key_with"];

/// S3's website domain in `region`: the older regions use a dash, the others a dot.
pub fn website_domain(region: &str) -> String {
    const DASH: [&str; 9] = [
        "us-east-1",
        "us-west-1",
        "us-west-2",
        "ap-southeast-1",
        "ap-southeast-2",
        "ap-northeast-1",
        "eu-west-1",
        "sa-east-1",
        "us-gov-west-1",
    ];
    let sep = if DASH.contains(&region) { "-" } else { "." };
    let suffix = crate::clients::dns_suffix_of(crate::clients::partition_of(region));
    format!("s3-website{sep}{region}.{suffix}")
}

fn opt(v: &Value, k: &str) -> Option<String> {
    v.get_str(k).map(str::to_string)
}

fn document(planned: &Value) -> Result<WebsiteConfiguration, String> {
    let index = one_block(planned.get("index_document"));
    let error = one_block(planned.get("error_document"));
    let all = one_block(planned.get("redirect_all_requests_to"));
    let mut rules = Vec::new();
    for r in blocks(planned, "routing_rule") {
        let c = one_block(r.get("condition"));
        let d = one_block(r.get("redirect"));
        let redirect = Redirect::builder()
            .set_host_name(opt(d, "host_name"))
            .set_http_redirect_code(opt(d, "http_redirect_code"))
            .set_protocol(d.get_str("protocol").map(Protocol::from))
            .set_replace_key_prefix_with(opt(d, "replace_key_prefix_with"))
            .set_replace_key_with(opt(d, "replace_key_with"))
            .build();
        let condition = (!c.is_null()).then(|| {
            Condition::builder()
                .set_http_error_code_returned_equals(opt(c, "http_error_code_returned_equals"))
                .set_key_prefix_equals(opt(c, "key_prefix_equals"))
                .build()
        });
        rules.push(RoutingRule::builder().set_condition(condition).redirect(redirect).build());
    }
    Ok(WebsiteConfiguration::builder()
        .set_index_document(
            index
                .get_str("suffix")
                .map(|s| IndexDocument::builder().suffix(s).build())
                .transpose()
                .map_err(|e| e.to_string())?,
        )
        .set_error_document(
            error
                .get_str("key")
                .map(|k| ErrorDocument::builder().key(k).build())
                .transpose()
                .map_err(|e| e.to_string())?,
        )
        .set_redirect_all_requests_to(
            all.get_str("host_name")
                .map(|h| {
                    RedirectAllRequestsTo::builder()
                        .host_name(h)
                        .set_protocol(all.get_str("protocol").map(Protocol::from))
                        .build()
                })
                .transpose()
                .map_err(|e| e.to_string())?,
        )
        .set_routing_rules((!rules.is_empty()).then_some(rules))
        .build())
}

fn s(v: Option<&str>) -> Value {
    v.map(Value::from).unwrap_or(Value::Null)
}

/// `routing_rules` as Terraform reads it: the rules as S3's JSON field names.
fn rules_json(rules: &[RoutingRule]) -> String {
    let json: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            let mut o = serde_json::Map::new();
            if let Some(c) = r.condition() {
                let mut m = serde_json::Map::new();
                if let Some(x) = c.http_error_code_returned_equals() {
                    m.insert("HttpErrorCodeReturnedEquals".into(), x.into());
                }
                if let Some(x) = c.key_prefix_equals() {
                    m.insert("KeyPrefixEquals".into(), x.into());
                }
                o.insert("Condition".into(), m.into());
            }
            if let Some(d) = r.redirect() {
                let mut m = serde_json::Map::new();
                let fields = [
                    ("HostName", d.host_name()),
                    ("HttpRedirectCode", d.http_redirect_code()),
                    ("Protocol", d.protocol().map(|p| p.as_str())),
                    ("ReplaceKeyPrefixWith", d.replace_key_prefix_with()),
                    ("ReplaceKeyWith", d.replace_key_with()),
                ];
                for (k, v) in fields {
                    if let Some(v) = v {
                        m.insert(k.into(), v.into());
                    }
                }
                o.insert("Redirect".into(), m.into());
            }
            serde_json::Value::Object(o)
        })
        .collect();
    serde_json::Value::Array(json).to_string()
}

async fn put(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    let doc = document(planned).map_err(|e| api.invalid("index_document", e))?;
    let (bucket, owner) = split(id);
    let req = api
        .s3
        .put_bucket_website()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(str::to_string))
        .website_configuration(doc);
    api.call("PutBucketWebsite", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Website {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_website_configuration"
    }

    fn schema(&self) -> Schema {
        let redirect = REDIRECT.iter().fold(Schema::new(), |s, k| s.attr(k, Attribute::optional(Type::String)));
        let condition = Schema::new()
            .attr("http_error_code_returned_equals", Attribute::optional(Type::String))
            .attr("key_prefix_equals", Attribute::optional(Type::String));
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional(Type::String).force_new())
            .attr("routing_rules", Attribute::optional_computed(Type::String))
            .attr("website_domain", Attribute::computed(Type::String))
            .attr("website_endpoint", Attribute::computed(Type::String))
            .block(
                "error_document",
                Block::list(Schema::new().attr("key", Attribute::required(Type::String))).max_items(1),
            )
            .block(
                "index_document",
                Block::list(Schema::new().attr("suffix", Attribute::required(Type::String))).max_items(1),
            )
            .block(
                "redirect_all_requests_to",
                Block::list(
                    Schema::new()
                        .attr("host_name", Attribute::required(Type::String))
                        .attr("protocol", Attribute::optional(Type::String)),
                )
                .max_items(1),
            )
            .block(
                "routing_rule",
                Block::list(
                    Schema::new()
                        .block("condition", Block::list(condition).max_items(1))
                        .block("redirect", Block::list(redirect).min_items(1).max_items(1)),
                ),
            )
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_CONFIG
    }

    /// `routing_rules` JSON is read back, never written: `routing_rule` blocks say the same.
    fn check(&self, address: &str, config: &Value) -> Result<(), ProviderError> {
        let written = config.get("routing_rules");
        if written.is_null() || written.is_unknown() {
            return Ok(());
        }
        Err(ProviderError::new(format!("{address}: routing_rules (JSON) is not supported as an argument"))
            .at_attribute("routing_rules")
            .with_hint("write each rule as a routing_rule { condition { ... } redirect { ... } } block"))
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let id = id_of(req.planned);
        put(api, &id, req.planned).await?;
        Ok(id)
    }

    async fn read(
        &self,
        api: &Api<'_>,
        id: &str,
        st: &mut Value,
    ) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bucket, _) = split(id);
        let req = api.s3.get_bucket_website().bucket(bucket).set_expected_bucket_owner(owner(id));
        let out = api.call("GetBucketWebsite", || req.clone().send()).await?;
        set_bucket(st, id);
        let domain = website_domain(&api.region);
        st.set("website_endpoint", Value::from(format!("{bucket}.{domain}")));
        st.set("website_domain", Value::from(domain));
        st.set(
            "index_document",
            block_list(
                out.index_document()
                    .map(|d| Value::object([("suffix", Value::from(d.suffix()))]))
                    .unwrap_or(Value::Null),
            ),
        );
        st.set(
            "error_document",
            block_list(
                out.error_document().map(|d| Value::object([("key", Value::from(d.key()))])).unwrap_or(Value::Null),
            ),
        );
        let all = out.redirect_all_requests_to().map(|r| {
            Value::object([
                ("host_name", Value::from(r.host_name())),
                ("protocol", s(r.protocol().map(|p| p.as_str()))),
            ])
        });
        st.set("redirect_all_requests_to", block_list(all.unwrap_or(Value::Null)));
        let rules = out.routing_rules().iter().map(|r| {
            let c = r.condition().map(|c| {
                Value::object([
                    ("http_error_code_returned_equals", s(c.http_error_code_returned_equals())),
                    ("key_prefix_equals", s(c.key_prefix_equals())),
                ])
            });
            let d = r.redirect().map(|d| {
                Value::object([
                    ("host_name", s(d.host_name())),
                    ("http_redirect_code", s(d.http_redirect_code())),
                    ("protocol", s(d.protocol().map(|p| p.as_str()))),
                    ("replace_key_prefix_with", s(d.replace_key_prefix_with())),
                    ("replace_key_with", s(d.replace_key_with())),
                ])
            });
            Value::object([
                ("condition", block_list(c.unwrap_or(Value::Null))),
                ("redirect", block_list(d.unwrap_or(Value::Null))),
            ])
        });
        st.set("routing_rule", Value::List(rules.collect()));
        st.set(
            "routing_rules",
            if out.routing_rules().is_empty() { Value::Null } else { Value::from(rules_json(out.routing_rules())) },
        );
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let req = api.s3.delete_bucket_website().bucket(split(id).0).set_expected_bucket_owner(owner(id));
        api.call("DeleteBucketWebsite", || req.clone().send()).await?;
        Ok(())
    }

    /// Content: ours when the bucket serves the planned index document / redirect.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let id = id_of(planned);
        let mut st = planned.clone();
        match self.read(api, &id, &mut st).await {
            Ok(Some(_))
                if st.get("index_document") == planned.get("index_document")
                    && st.get("redirect_all_requests_to") == planned.get("redirect_all_requests_to") =>
            {
                Ok(Some(id))
            }
            Err(e) if !e.code().is_some_and(|c| NO_CONFIG.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}
