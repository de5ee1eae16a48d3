//! `aws_s3_bucket_lifecycle_configuration`: a bucket's lifecycle rules, one document
//! (PutBucketLifecycleConfiguration replaces them all). ID and import ID: see [`super::doc`].

use super::doc::{blocks, id_of, int, num, num64, owner, set_bucket, split};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create, Options};
use crate::values::{block_list, map_value, one_block, string_map};
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleAndOperator, LifecycleRuleFilter, NoncurrentVersionExpiration, NoncurrentVersionTransition, Tag,
    Transition, TransitionDefaultMinimumObjectSize, TransitionStorageClass,
};
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Lifecycle;

const NO_CONFIG: &[&str] = &["NoSuchLifecycleConfiguration", "NoSuchBucket", "NotFound"];

fn size_attrs(s: Schema) -> Schema {
    s.attr("object_size_greater_than", Attribute::optional_computed(Type::Number))
        .attr("object_size_less_than", Attribute::optional_computed(Type::Number))
        .attr("prefix", Attribute::optional_computed(Type::String))
}

fn rule_schema() -> Schema {
    let kv =
        Schema::new().attr("key", Attribute::required(Type::String)).attr("value", Attribute::required(Type::String));
    let and = size_attrs(Schema::new()).attr("tags", Attribute::optional(Type::map(Type::String)));
    let filter = size_attrs(Schema::new()).block("and", Block::list(and)).block("tag", Block::list(kv));
    let newer = || Attribute::optional_computed(Type::Number);
    Schema::new()
        .attr("id", Attribute::required(Type::String))
        .attr("prefix", Attribute::optional_computed(Type::String))
        .attr("status", Attribute::required(Type::String))
        .block(
            "abort_incomplete_multipart_upload",
            Block::list(Schema::new().attr("days_after_initiation", Attribute::optional(Type::Number))),
        )
        .block(
            "expiration",
            Block::list(
                Schema::new()
                    .attr("date", Attribute::optional(Type::String))
                    .attr("days", Attribute::optional_computed(Type::Number))
                    .attr("expired_object_delete_marker", Attribute::optional_computed(Type::Bool)),
            ),
        )
        .block("filter", Block::list(filter))
        .block(
            "noncurrent_version_expiration",
            Block::list(
                Schema::new()
                    .attr("newer_noncurrent_versions", newer())
                    .attr("noncurrent_days", Attribute::required(Type::Number)),
            ),
        )
        .block(
            "noncurrent_version_transition",
            Block::set(
                Schema::new()
                    .attr("newer_noncurrent_versions", newer())
                    .attr("noncurrent_days", Attribute::required(Type::Number))
                    .attr("storage_class", Attribute::required(Type::String)),
            ),
        )
        .block(
            "transition",
            Block::set(
                Schema::new()
                    .attr("date", Attribute::optional(Type::String))
                    .attr("days", Attribute::optional_computed(Type::Number))
                    .attr("storage_class", Attribute::required(Type::String)),
            ),
        )
}

fn date(v: &Value, key: &str) -> Result<Option<DateTime>, String> {
    match v.get_str(key) {
        None => Ok(None),
        Some(d) => DateTime::from_str(d, Format::DateTime)
            .map(Some)
            .map_err(|_| format!("{key} {d:?} is not an RFC 3339 date (e.g. 2026-01-01T00:00:00Z)")),
    }
}

fn date_value(d: Option<&DateTime>) -> Value {
    d.and_then(|d| d.fmt(Format::DateTime).ok()).map(Value::from).unwrap_or(Value::Null)
}

fn s3_tag(k: &str, v: &str) -> Option<Tag> {
    Tag::builder().key(k).value(v).build().ok()
}

fn filter_of(f: &Value) -> LifecycleRuleFilter {
    let and = one_block(f.get("and"));
    let tag = one_block(f.get("tag"));
    LifecycleRuleFilter::builder()
        .set_prefix(f.get_str("prefix").map(str::to_string))
        .set_object_size_greater_than(f.get("object_size_greater_than").as_i64())
        .set_object_size_less_than(f.get("object_size_less_than").as_i64())
        .set_tag(tag.get_str("key").and_then(|k| s3_tag(k, tag.get_str("value").unwrap_or_default())))
        .set_and((!and.is_null()).then(|| {
            LifecycleRuleAndOperator::builder()
                .set_prefix(and.get_str("prefix").map(str::to_string))
                .set_object_size_greater_than(and.get("object_size_greater_than").as_i64())
                .set_object_size_less_than(and.get("object_size_less_than").as_i64())
                .set_tags(Some(string_map(and.get("tags")).iter().filter_map(|(k, v)| s3_tag(k, v)).collect()))
                .build()
        }))
        .build()
}

// `rule.prefix` is S3's deprecated rule-level prefix, which Terraform still accepts and reads.
#[allow(deprecated)]
fn rule_of(r: &Value) -> Result<LifecycleRule, String> {
    let exp = one_block(r.get("expiration"));
    let abort = one_block(r.get("abort_incomplete_multipart_upload"));
    let nve = one_block(r.get("noncurrent_version_expiration"));
    let filter = one_block(r.get("filter"));
    let mut transitions = Vec::new();
    for t in blocks(r, "transition") {
        transitions.push(
            Transition::builder()
                .set_date(date(&t, "date")?)
                .set_days(int(&t, "days"))
                .set_storage_class(t.get_str("storage_class").map(TransitionStorageClass::from))
                .build(),
        );
    }
    let nvts: Vec<_> = blocks(r, "noncurrent_version_transition")
        .iter()
        .map(|t| {
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(int(t, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(t, "newer_noncurrent_versions"))
                .set_storage_class(t.get_str("storage_class").map(TransitionStorageClass::from))
                .build()
        })
        .collect();
    let expiration = (!exp.is_null())
        .then(|| -> Result<_, String> {
            Ok(LifecycleExpiration::builder()
                .set_date(date(exp, "date")?)
                .set_days(int(exp, "days"))
                .set_expired_object_delete_marker(exp.get("expired_object_delete_marker").as_bool())
                .build())
        })
        .transpose()?;
    LifecycleRule::builder()
        .id(r.get_str("id").unwrap_or_default())
        .status(ExpirationStatus::from(r.get_str("status").unwrap_or("Enabled")))
        .set_prefix(r.get_str("prefix").filter(|_| filter.is_null()).map(str::to_string))
        .set_filter((!filter.is_null()).then(|| filter_of(filter)))
        .set_expiration(expiration)
        .set_transitions((!transitions.is_empty()).then_some(transitions))
        .set_noncurrent_version_transitions((!nvts.is_empty()).then_some(nvts))
        .set_noncurrent_version_expiration((!nve.is_null()).then(|| {
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(int(nve, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(nve, "newer_noncurrent_versions"))
                .build()
        }))
        .set_abort_incomplete_multipart_upload((!abort.is_null()).then(|| {
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(int(abort, "days_after_initiation"))
                .build()
        }))
        .build()
        .map_err(|e| e.to_string())
}

fn sizes(prefix: Option<&str>, gt: Option<i64>, lt: Option<i64>) -> [(&'static str, Value); 3] {
    [
        ("object_size_greater_than", num64(gt)),
        ("object_size_less_than", num64(lt)),
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
    ]
}

fn filter_value(f: &LifecycleRuleFilter) -> Value {
    let and = f.and().map(|a| {
        let mut o = Value::object(sizes(a.prefix(), a.object_size_greater_than(), a.object_size_less_than()));
        let tags = a.tags().iter().map(|t| (t.key(), t.value()));
        o.set("tags", if a.tags().is_empty() { Value::Null } else { map_value(tags) });
        o
    });
    let tag = f.tag().map(|t| Value::object([("key", Value::from(t.key())), ("value", Value::from(t.value()))]));
    let mut o = Value::object(sizes(f.prefix(), f.object_size_greater_than(), f.object_size_less_than()));
    o.set("and", block_list(and.unwrap_or(Value::Null)));
    o.set("tag", block_list(tag.unwrap_or(Value::Null)));
    o
}

#[allow(deprecated)]
fn rule_value(r: &LifecycleRule) -> Value {
    let exp = r.expiration().map(|e| {
        Value::object([
            ("date", date_value(e.date())),
            ("days", num(e.days())),
            ("expired_object_delete_marker", e.expired_object_delete_marker().map(Value::from).unwrap_or(Value::Null)),
        ])
    });
    let transitions = r.transitions().iter().map(|t| {
        Value::object([
            ("date", date_value(t.date())),
            ("days", num(t.days())),
            ("storage_class", t.storage_class().map(|c| Value::from(c.as_str())).unwrap_or(Value::Null)),
        ])
    });
    let nvts = r.noncurrent_version_transitions().iter().map(|t| {
        Value::object([
            ("newer_noncurrent_versions", num(t.newer_noncurrent_versions())),
            ("noncurrent_days", num(t.noncurrent_days())),
            ("storage_class", t.storage_class().map(|c| Value::from(c.as_str())).unwrap_or(Value::Null)),
        ])
    });
    let nve = r.noncurrent_version_expiration().map(|e| {
        Value::object([
            ("newer_noncurrent_versions", num(e.newer_noncurrent_versions())),
            ("noncurrent_days", num(e.noncurrent_days())),
        ])
    });
    let abort = r
        .abort_incomplete_multipart_upload()
        .map(|a| Value::object([("days_after_initiation", num(a.days_after_initiation()))]));
    Value::object([
        ("id", Value::from(r.id().unwrap_or_default())),
        ("prefix", r.prefix().map(Value::from).unwrap_or(Value::Null)),
        ("status", Value::from(r.status().as_str())),
        ("abort_incomplete_multipart_upload", block_list(abort.unwrap_or(Value::Null))),
        ("expiration", block_list(exp.unwrap_or(Value::Null))),
        ("filter", block_list(r.filter().map(filter_value).unwrap_or(Value::Null))),
        ("noncurrent_version_expiration", block_list(nve.unwrap_or(Value::Null))),
        ("noncurrent_version_transition", Value::List(nvts.collect())),
        ("transition", Value::List(transitions.collect())),
    ])
}

/// The rules' IDs and statuses: what identifies the planned document (its other fields may
/// still be unknown in a plan).
fn rule_keys(v: &Value) -> Vec<(Option<String>, Option<String>)> {
    blocks(v, "rule")
        .iter()
        .map(|r| (r.get_str("id").map(str::to_string), r.get_str("status").map(str::to_string)))
        .collect()
}

async fn put(api: &Api<'_>, id: &str, planned: &Value) -> Result<(), AwsError> {
    let mut rules = Vec::new();
    for r in blocks(planned, "rule") {
        rules.push(rule_of(&r).map_err(|e| api.invalid("rule", e))?);
    }
    let doc = BucketLifecycleConfiguration::builder()
        .set_rules(Some(rules))
        .build()
        .map_err(|e| api.invalid("rule", e.to_string()))?;
    let (bucket, owner) = split(id);
    let req = api
        .s3
        .put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .set_expected_bucket_owner(owner.map(str::to_string))
        .set_transition_default_minimum_object_size(
            planned.get_str("transition_default_minimum_object_size").map(TransitionDefaultMinimumObjectSize::from),
        )
        .lifecycle_configuration(doc);
    api.call("PutBucketLifecycleConfiguration", || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Lifecycle {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_lifecycle_configuration"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("expected_bucket_owner", Attribute::optional_computed(Type::String).force_new())
            .attr("transition_default_minimum_object_size", Attribute::optional_computed(Type::String))
            .block("rule", Block::list(rule_schema()))
    }

    fn options(&self) -> Options {
        Options { timeouts: &["create", "update"], ..Options::default() }
    }

    fn not_found(&self) -> &'static [&'static str] {
        NO_CONFIG
    }

    /// PutBucketLifecycleConfiguration writes the whole document: a resend is harmless.
    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let id = id_of(req.planned);
        put(api, &id, req.planned).await?;
        Ok(id)
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let (bucket, _) = split(id);
        let req = api.s3.get_bucket_lifecycle_configuration().bucket(bucket).set_expected_bucket_owner(owner(id));
        let out = api.call("GetBucketLifecycleConfiguration", || req.clone().send()).await?;
        if out.rules().is_empty() {
            return Ok(None);
        }
        set_bucket(s, id);
        s.set(
            "transition_default_minimum_object_size",
            out.transition_default_minimum_object_size().map(|t| Value::from(t.as_str())).unwrap_or(Value::Null),
        );
        s.set("rule", Value::List(out.rules().iter().map(rule_value).collect()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        let (bucket, _) = split(id);
        let req = api.s3.delete_bucket_lifecycle().bucket(bucket).set_expected_bucket_owner(owner(id));
        api.call("DeleteBucketLifecycle", || req.clone().send()).await?;
        Ok(())
    }

    /// Content: ours when the bucket's rules are the planned ones.
    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let id = id_of(planned);
        let mut s = planned.clone();
        match self.read(api, &id, &mut s).await {
            Ok(Some(_)) if rule_keys(&s) == rule_keys(planned) => Ok(Some(id)),
            Err(e) if !e.code().is_some_and(|c| NO_CONFIG.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }

    fn import_seed(&self, id: &str) -> Result<Vec<(&'static str, Value)>, String> {
        Ok(vec![("id", Value::from(id)), ("bucket", Value::from(split(id).0))])
    }
}

#[cfg(test)]
mod tests {
    use super::{rule_of, rule_value};
    use meshplan_provider::Value;

    fn o<const N: usize>(pairs: [(&str, Value); N]) -> Value {
        Value::object(pairs)
    }

    /// Every block and attribute survives configuration → SDK rule → state (moto drops the
    /// object-size filters, so this is where they are checked).
    #[test]
    fn a_full_rule_round_trips() {
        let sizes = |p: &str| {
            [
                ("object_size_greater_than", Value::from(1024i64)),
                ("object_size_less_than", Value::from(1_048_576i64)),
                ("prefix", Value::from(p)),
            ]
        };
        let mut and = o(sizes("logs/"));
        and.set("tags", o([("class", Value::from("cold"))]));
        let mut filter = o(sizes("x/"));
        filter.set("and", Value::List(vec![and]));
        filter.set("tag", Value::List(vec![o([("key", Value::from("k")), ("value", Value::from("v"))])]));
        let rule = o([
            ("id", Value::from("archive")),
            ("prefix", Value::Null),
            ("status", Value::from("Enabled")),
            ("abort_incomplete_multipart_upload", Value::List(vec![o([("days_after_initiation", Value::from(7i64))])])),
            (
                "expiration",
                Value::List(vec![o([
                    ("date", Value::from("2030-01-01T00:00:00Z")),
                    ("days", Value::Null),
                    ("expired_object_delete_marker", Value::Null),
                ])]),
            ),
            ("filter", Value::List(vec![filter])),
            (
                "noncurrent_version_expiration",
                Value::List(vec![o([
                    ("newer_noncurrent_versions", Value::from(2i64)),
                    ("noncurrent_days", Value::from(90i64)),
                ])]),
            ),
            (
                "noncurrent_version_transition",
                Value::List(vec![o([
                    ("newer_noncurrent_versions", Value::Null),
                    ("noncurrent_days", Value::from(30i64)),
                    ("storage_class", Value::from("GLACIER")),
                ])]),
            ),
            (
                "transition",
                Value::List(vec![o([
                    ("date", Value::Null),
                    ("days", Value::from(30i64)),
                    ("storage_class", Value::from("STANDARD_IA")),
                ])]),
            ),
        ]);
        assert_eq!(rule_value(&rule_of(&rule).unwrap()), rule);
        let mut bad = rule.clone();
        bad.set("expiration", Value::List(vec![o([("date", Value::from("tomorrow"))])]));
        assert!(rule_of(&bad).unwrap_err().contains("RFC 3339"));
    }
}
