//! `aws_s3_bucket_replication_configuration`: a bucket's replication rules, one document
//! (PutBucketReplication replaces them all). ID and import ID: the bucket name. Crash
//! safety: a whole-document PUT ([`super::doc`]); found when the bucket replicates with the
//! planned role and rule IDs. `token` (sensitive) is passed through.

use super::doc::{blocks, int, num};
use crate::api::Api;
use crate::error::AwsError;
use crate::skeleton::{AwsResource, Create};
use crate::values::{block_list, map_value, one_block, string_map};
use aws_sdk_s3::types::{
    AccessControlTranslation, DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination,
    EncryptionConfiguration, ExistingObjectReplication, ExistingObjectReplicationStatus, Metrics, MetricsStatus,
    OwnerOverride, ReplicaModifications, ReplicaModificationsStatus, ReplicationConfiguration, ReplicationRule,
    ReplicationRuleAndOperator, ReplicationRuleFilter, ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus,
    ReplicationTimeValue, SourceSelectionCriteria, SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus, StorageClass,
    Tag,
};
use meshplan_provider::{async_trait, Attribute, Block, Schema, Type, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub struct Replication;

const NOT_FOUND: &[&str] = &["ReplicationConfigurationNotFoundError", "NoSuchBucket", "NotFound"];

fn status_block() -> Block {
    Block::list(Schema::new().attr("status", Attribute::required(Type::String))).max_items(1)
}

fn minutes_block(min: usize) -> Block {
    Block::list(Schema::new().attr("minutes", Attribute::required(Type::Number))).min_items(min).max_items(1)
}

fn rule_schema() -> Schema {
    let kv =
        Schema::new().attr("key", Attribute::required(Type::String)).attr("value", Attribute::required(Type::String));
    let and = Schema::new()
        .attr("prefix", Attribute::optional(Type::String))
        .attr("tags", Attribute::optional(Type::map(Type::String)));
    let filter = Schema::new()
        .attr("prefix", Attribute::optional(Type::String))
        .block("and", Block::list(and).max_items(1))
        .block("tag", Block::list(kv).max_items(1));
    let one = |s: Schema| Block::list(s).max_items(1);
    let destination = Schema::new()
        .attr("account", Attribute::optional(Type::String))
        .attr("bucket", Attribute::required(Type::String))
        .attr("storage_class", Attribute::optional(Type::String))
        .block("access_control_translation", one(Schema::new().attr("owner", Attribute::required(Type::String))))
        .block(
            "encryption_configuration",
            one(Schema::new().attr("replica_kms_key_id", Attribute::required(Type::String))),
        )
        .block(
            "metrics",
            one(Schema::new()
                .attr("status", Attribute::required(Type::String))
                .block("event_threshold", minutes_block(0))),
        )
        .block(
            "replication_time",
            one(Schema::new().attr("status", Attribute::required(Type::String)).block("time", minutes_block(1))),
        );
    Schema::new()
        .attr("id", Attribute::optional_computed(Type::String))
        .attr("prefix", Attribute::optional(Type::String))
        .attr("priority", Attribute::optional(Type::Number))
        .attr("status", Attribute::required(Type::String))
        .block("delete_marker_replication", status_block())
        .block("destination", Block::list(destination).min_items(1).max_items(1))
        .block("existing_object_replication", status_block())
        .block("filter", one(filter))
        .block(
            "source_selection_criteria",
            one(Schema::new()
                .block("replica_modifications", status_block())
                .block("sse_kms_encrypted_objects", status_block())),
        )
}

fn status<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    one_block(v.get(key)).get_str("status")
}

fn minutes(v: &Value, key: &str) -> Option<ReplicationTimeValue> {
    int(one_block(v.get(key)), "minutes").map(|m| ReplicationTimeValue::builder().minutes(m).build())
}

fn s3_tag(k: &str, v: &str) -> Option<Tag> {
    Tag::builder().key(k).value(v).build().ok()
}

fn destination_of(d: &Value) -> Result<Destination, String> {
    let e = |x: aws_smithy_types::error::operation::BuildError| x.to_string();
    let acl = one_block(d.get("access_control_translation")).get_str("owner");
    let kms = one_block(d.get("encryption_configuration")).get_str("replica_kms_key_id");
    let m = one_block(d.get("metrics"));
    let rt = one_block(d.get("replication_time"));
    Destination::builder()
        .bucket(d.get_str("bucket").unwrap_or_default())
        .set_account(d.get_str("account").map(str::to_string))
        .set_storage_class(d.get_str("storage_class").map(StorageClass::from))
        .set_access_control_translation(
            acl.map(|o| AccessControlTranslation::builder().owner(OwnerOverride::from(o)).build())
                .transpose()
                .map_err(e)?,
        )
        .set_encryption_configuration(kms.map(|k| EncryptionConfiguration::builder().replica_kms_key_id(k).build()))
        .set_metrics(
            m.get_str("status")
                .map(|st| {
                    Metrics::builder()
                        .status(MetricsStatus::from(st))
                        .set_event_threshold(minutes(m, "event_threshold"))
                        .build()
                })
                .transpose()
                .map_err(e)?,
        )
        .set_replication_time(
            rt.get_str("status")
                .map(|st| {
                    ReplicationTime::builder()
                        .status(ReplicationTimeStatus::from(st))
                        .set_time(minutes(rt, "time"))
                        .build()
                })
                .transpose()
                .map_err(e)?,
        )
        .build()
        .map_err(e)
}

// `rule.prefix` is S3's deprecated rule-level prefix, which Terraform still accepts and reads.
#[allow(deprecated)]
fn rule_of(r: &Value) -> Result<ReplicationRule, String> {
    let e = |x: aws_smithy_types::error::operation::BuildError| x.to_string();
    let f = one_block(r.get("filter"));
    let and = one_block(f.get("and"));
    let tag = one_block(f.get("tag"));
    let filter = (!f.is_null()).then(|| {
        ReplicationRuleFilter::builder()
            .set_prefix(f.get_str("prefix").map(str::to_string))
            .set_tag(tag.get_str("key").and_then(|k| s3_tag(k, tag.get_str("value").unwrap_or_default())))
            .set_and((!and.is_null()).then(|| {
                ReplicationRuleAndOperator::builder()
                    .set_prefix(and.get_str("prefix").map(str::to_string))
                    .set_tags(Some(string_map(and.get("tags")).iter().filter_map(|(k, v)| s3_tag(k, v)).collect()))
                    .build()
            }))
            .build()
    });
    let ssc = one_block(r.get("source_selection_criteria"));
    let criteria = (!ssc.is_null())
        .then(|| -> Result<_, String> {
            Ok(SourceSelectionCriteria::builder()
                .set_sse_kms_encrypted_objects(
                    status(ssc, "sse_kms_encrypted_objects")
                        .map(|s| {
                            SseKmsEncryptedObjects::builder().status(SseKmsEncryptedObjectsStatus::from(s)).build()
                        })
                        .transpose()
                        .map_err(e)?,
                )
                .set_replica_modifications(
                    status(ssc, "replica_modifications")
                        .map(|s| ReplicaModifications::builder().status(ReplicaModificationsStatus::from(s)).build())
                        .transpose()
                        .map_err(e)?,
                )
                .build())
        })
        .transpose()?;
    ReplicationRule::builder()
        .set_id(r.get_str("id").map(str::to_string))
        .set_priority(int(r, "priority"))
        .set_prefix(r.get_str("prefix").map(str::to_string))
        .set_filter(filter)
        .status(ReplicationRuleStatus::from(r.get_str("status").unwrap_or("Enabled")))
        .set_source_selection_criteria(criteria)
        .set_existing_object_replication(
            status(r, "existing_object_replication")
                .map(|s| ExistingObjectReplication::builder().status(ExistingObjectReplicationStatus::from(s)).build())
                .transpose()
                .map_err(e)?,
        )
        .set_delete_marker_replication(
            status(r, "delete_marker_replication")
                .map(|s| DeleteMarkerReplication::builder().status(DeleteMarkerReplicationStatus::from(s)).build()),
        )
        .destination(destination_of(one_block(r.get("destination")))?)
        .build()
        .map_err(e)
}

fn status_value(s: Option<&str>) -> Value {
    block_list(s.map(|s| Value::object([("status", Value::from(s))])).unwrap_or(Value::Null))
}

fn minutes_value(t: Option<&ReplicationTimeValue>) -> Value {
    block_list(t.map(|t| Value::object([("minutes", num(t.minutes()))])).unwrap_or(Value::Null))
}

fn opt(s: Option<&str>) -> Value {
    s.map(Value::from).unwrap_or(Value::Null)
}

fn destination_value(d: &Destination) -> Value {
    let metrics = d.metrics().map(|m| {
        Value::object([
            ("status", Value::from(m.status().as_str())),
            ("event_threshold", minutes_value(m.event_threshold())),
        ])
    });
    let rt = d
        .replication_time()
        .map(|t| Value::object([("status", Value::from(t.status().as_str())), ("time", minutes_value(t.time()))]));
    Value::object([
        ("account", opt(d.account())),
        ("bucket", Value::from(d.bucket())),
        ("storage_class", opt(d.storage_class().map(|c| c.as_str()))),
        (
            "access_control_translation",
            block_list(
                d.access_control_translation()
                    .map(|a| Value::object([("owner", Value::from(a.owner().as_str()))]))
                    .unwrap_or(Value::Null),
            ),
        ),
        (
            "encryption_configuration",
            block_list(
                d.encryption_configuration()
                    .and_then(|c| c.replica_kms_key_id())
                    .map(|k| Value::object([("replica_kms_key_id", Value::from(k))]))
                    .unwrap_or(Value::Null),
            ),
        ),
        ("metrics", block_list(metrics.unwrap_or(Value::Null))),
        ("replication_time", block_list(rt.unwrap_or(Value::Null))),
    ])
}

#[allow(deprecated)]
fn rule_value(r: &ReplicationRule) -> Value {
    let filter = r.filter().map(|f| {
        let and = f.and().map(|a| {
            let tags = a.tags().iter().map(|t| (t.key(), t.value()));
            Value::object([
                ("prefix", opt(a.prefix())),
                ("tags", if a.tags().is_empty() { Value::Null } else { map_value(tags) }),
            ])
        });
        let tag = f.tag().map(|t| Value::object([("key", Value::from(t.key())), ("value", Value::from(t.value()))]));
        Value::object([
            // "" is no prefix (Terraform's SDKv2 reads them alike; S3 answers "" for `filter {}`).
            ("prefix", opt(f.prefix().filter(|p| !p.is_empty()))),
            ("and", block_list(and.unwrap_or(Value::Null))),
            ("tag", block_list(tag.unwrap_or(Value::Null))),
        ])
    });
    let ssc = r.source_selection_criteria().map(|c| {
        Value::object([
            ("replica_modifications", status_value(c.replica_modifications().map(|m| m.status().as_str()))),
            ("sse_kms_encrypted_objects", status_value(c.sse_kms_encrypted_objects().map(|m| m.status().as_str()))),
        ])
    });
    Value::object([
        ("id", opt(r.id())),
        ("prefix", opt(r.prefix())),
        ("priority", num(r.priority())),
        ("status", Value::from(r.status().as_str())),
        (
            "delete_marker_replication",
            status_value(r.delete_marker_replication().and_then(|d| d.status()).map(|s| s.as_str())),
        ),
        ("destination", block_list(r.destination().map(destination_value).unwrap_or(Value::Null))),
        ("existing_object_replication", status_value(r.existing_object_replication().map(|x| x.status().as_str()))),
        ("filter", block_list(filter.unwrap_or(Value::Null))),
        ("source_selection_criteria", block_list(ssc.unwrap_or(Value::Null))),
    ])
}

async fn put(api: &Api<'_>, bucket: &str, planned: &Value) -> Result<(), AwsError> {
    let mut rules = Vec::new();
    for r in blocks(planned, "rule") {
        rules.push(rule_of(&r).map_err(|e| api.invalid("rule", e))?);
    }
    let doc = ReplicationConfiguration::builder()
        .role(planned.get_str("role").unwrap_or_default())
        .set_rules(Some(rules))
        .build()
        .map_err(|e| api.invalid("role", e.to_string()))?;
    let req = api
        .s3
        .put_bucket_replication()
        .bucket(bucket)
        .set_token(planned.get_str("token").map(str::to_string))
        .replication_configuration(doc);
    // The role made a moment ago is not always usable by S3 yet.
    api.call_settling("PutBucketReplication", &["InvalidArgument"], || req.clone().send()).await?;
    Ok(())
}

#[async_trait]
impl AwsResource for Replication {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_replication_configuration"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("bucket", Attribute::required(Type::String).force_new())
            .attr("role", Attribute::required(Type::String))
            .attr("token", Attribute::optional(Type::String).sensitive())
            .block("rule", Block::list(rule_schema()).min_items(1).max_items(1000))
    }

    fn not_found(&self) -> &'static [&'static str] {
        NOT_FOUND
    }

    async fn create(&self, api: &Api<'_>, req: &Create<'_>) -> Result<String, AwsError> {
        let bucket = req.planned.get_str("bucket").unwrap_or_default();
        put(api, bucket, req.planned).await?;
        Ok(bucket.to_string())
    }

    async fn read(&self, api: &Api<'_>, id: &str, s: &mut Value) -> Result<Option<BTreeMap<String, String>>, AwsError> {
        let out = api.call("GetBucketReplication", || api.s3.get_bucket_replication().bucket(id).send()).await?;
        let Some(c) = out.replication_configuration() else { return Ok(None) };
        s.set("bucket", Value::from(id));
        s.set("role", Value::from(c.role()));
        s.set("rule", Value::List(c.rules().iter().map(rule_value).collect()));
        Ok(Some(BTreeMap::new()))
    }

    async fn update(&self, api: &Api<'_>, id: &str, _prior: &Value, planned: &Value) -> Result<(), AwsError> {
        put(api, id, planned).await
    }

    async fn delete(&self, api: &Api<'_>, id: &str, _state: &Value, _timeout: Duration) -> Result<(), AwsError> {
        api.call("DeleteBucketReplication", || api.s3.delete_bucket_replication().bucket(id).send()).await?;
        Ok(())
    }

    async fn locate(&self, api: &Api<'_>, _token: &str, planned: &Value) -> Result<Option<String>, AwsError> {
        let Some(bucket) = planned.get_str("bucket") else { return Ok(None) };
        let ids = |v: &Value| blocks(v, "rule").iter().map(|r| r.get_str("id").map(str::to_string)).collect::<Vec<_>>();
        let mut s = planned.clone();
        match self.read(api, bucket, &mut s).await {
            Ok(Some(_)) if s.get("role") == planned.get("role") && ids(&s) == ids(planned) => {
                Ok(Some(bucket.to_string()))
            }
            Err(e) if !e.code().is_some_and(|c| NOT_FOUND.contains(&c)) => Err(e),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{rule_of, rule_value};
    use meshplan_provider::Value;

    fn o<const N: usize>(pairs: [(&str, Value); N]) -> Value {
        Value::object(pairs)
    }

    fn l(v: Value) -> Value {
        Value::List(vec![v])
    }

    fn status(s: &str) -> Value {
        l(o([("status", Value::from(s))]))
    }

    /// Every block survives configuration → SDK rule → state (moto keeps few of them).
    #[test]
    fn a_full_rule_round_trips() {
        let minutes = |m: i64| l(o([("minutes", Value::from(m))]));
        let destination = o([
            ("account", Value::from("123456789012")),
            ("bucket", Value::from("arn:aws:s3:::replica")),
            ("storage_class", Value::from("GLACIER")),
            ("access_control_translation", l(o([("owner", Value::from("Destination"))]))),
            ("encryption_configuration", l(o([("replica_kms_key_id", Value::from("arn:aws:kms:us-east-1:1:key/k"))]))),
            ("metrics", l(o([("status", Value::from("Enabled")), ("event_threshold", minutes(15))]))),
            ("replication_time", l(o([("status", Value::from("Enabled")), ("time", minutes(15))]))),
        ]);
        let and = o([("prefix", Value::from("logs/")), ("tags", o([("k", Value::from("v"))]))]);
        let rule = o([
            ("id", Value::from("all")),
            ("prefix", Value::Null),
            ("priority", Value::from(3i64)),
            ("status", Value::from("Enabled")),
            ("delete_marker_replication", status("Enabled")),
            ("destination", l(destination)),
            ("existing_object_replication", status("Enabled")),
            ("filter", l(o([("prefix", Value::Null), ("and", l(and)), ("tag", Value::List(vec![]))]))),
            (
                "source_selection_criteria",
                l(o([("replica_modifications", status("Enabled")), ("sse_kms_encrypted_objects", status("Enabled"))])),
            ),
        ]);
        assert_eq!(rule_value(&rule_of(&rule).unwrap()), rule);
    }
}
