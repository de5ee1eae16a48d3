//! Helpers of the bucket sub-configurations that are one document PUT whole (lifecycle,
//! CORS, website, accelerate, request payment): their ID is the bucket name, or
//! `bucket,owner` with `expected_bucket_owner`, as in Terraform.
//!
//! Crash safety for all of them: a PUT of the whole document is idempotent (a resend after a
//! lost answer writes the same document again) and the setting has no tags, so `locate` finds
//! it by content: the bucket holds the planned document.

use meshplan_provider::Value;

pub fn split(id: &str) -> (&str, Option<&str>) {
    match id.split_once(',') {
        Some((bucket, owner)) => (bucket, Some(owner)),
        None => (id, None),
    }
}

/// The ID of the setting of `planned`'s bucket.
pub fn id_of(planned: &Value) -> String {
    let bucket = planned.get_str("bucket").unwrap_or_default();
    match planned.get_str("expected_bucket_owner") {
        Some(owner) => format!("{bucket},{owner}"),
        None => bucket.to_string(),
    }
}

/// Sets `bucket` / `expected_bucket_owner` from the ID (what an import knows).
pub fn set_bucket(s: &mut Value, id: &str) {
    let (bucket, owner) = split(id);
    s.set("bucket", Value::from(bucket));
    s.set("expected_bucket_owner", owner.map(Value::from).unwrap_or(Value::Null));
}

pub fn owner(id: &str) -> Option<String> {
    split(id).1.map(str::to_string)
}

pub fn num(n: Option<i32>) -> Value {
    n.map(|n| Value::from(i64::from(n))).unwrap_or(Value::Null)
}

pub fn num64(n: Option<i64>) -> Value {
    n.map(Value::from).unwrap_or(Value::Null)
}

pub fn int(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_i64().and_then(|n| i32::try_from(n).ok())
}

pub fn blocks(v: &Value, key: &str) -> Vec<Value> {
    v.get(key).as_list().cloned().unwrap_or_default()
}

/// A set of strings read back, in the prior order when it holds the same elements (sets
/// have no order; keeping the configured one shows no change).
pub fn string_set(prior: &Value, remote: &[String]) -> Value {
    let mut sorted = remote.to_vec();
    sorted.sort();
    let mut before = crate::values::string_list(prior);
    before.sort();
    if !prior.is_null() && before == sorted {
        return prior.clone();
    }
    if sorted.is_empty() {
        Value::Null
    } else {
        crate::values::list_value(sorted)
    }
}
