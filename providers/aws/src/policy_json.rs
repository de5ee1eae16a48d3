//! IAM policy JSON compared by meaning, not by text.
//!
//! AWS returns policies re-serialised (URL-encoded, keys reordered, one-element lists
//! collapsed); a textual compare would plan an update forever. We normalise both sides
//! and keep the user's text whenever the meaning is unchanged.

use meshplan_provider::Value;
use serde_json::{Map, Value as Json};

/// The canonical form of a policy document, or `None` when it is not JSON.
pub fn normalize(text: &str) -> Option<Json> {
    let doc: Json = serde_json::from_str(text).ok()?;
    Some(canonical(&doc, None))
}

pub fn equivalent(a: &str, b: &str) -> bool {
    match (normalize(a), normalize(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// `remote` unless it means the same as `prior`, then `prior` (keeps the user's formatting).
pub fn prefer_prior(prior: Option<&str>, remote: &str) -> String {
    match prior {
        Some(p) if equivalent(p, remote) => p.to_string(),
        _ => remote.to_string(),
    }
}

/// In a plan: keeps the prior text of `attribute` when the configured one means the same.
pub fn keep_equivalent_prior(planned: &mut Value, prior: Option<&Value>, attribute: &str) {
    let (Some(new), Some(old)) = (planned.get_str(attribute), prior.and_then(|p| p.get_str(attribute))) else {
        return;
    };
    if new != old && equivalent(new, old) {
        let old = old.to_string();
        planned.set(attribute, Value::from(old));
    }
}

/// IAM percent-encodes policy documents in Get* answers.
pub fn url_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Keys whose values are sets of strings: `"a"` and `["a"]` mean the same, order is irrelevant.
const STRING_SET_KEYS: &[&str] = &["Action", "NotAction", "Resource", "NotResource"];

fn canonical(v: &Json, key: Option<&str>) -> Json {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                let child = &m[k];
                // An empty Sid is the same as none.
                if k == "Sid" && child.as_str() == Some("") {
                    continue;
                }
                let c = match (k.as_str(), key) {
                    ("Statement", _) => statements(child),
                    (k, _) if STRING_SET_KEYS.contains(&k) => string_set(child),
                    // Principal {"AWS": "x"} ≡ {"AWS": ["x"]}; condition values likewise.
                    (_, Some("Principal" | "NotPrincipal" | "Condition")) => string_set_or_nested(child),
                    _ => canonical(child, Some(k)),
                };
                out.insert(k.clone(), c);
            }
            Json::Object(out)
        }
        Json::Array(a) => Json::Array(a.iter().map(|x| canonical(x, key)).collect()),
        Json::Number(n) => Json::String(n.to_string()),
        Json::Bool(b) => Json::String(b.to_string()),
        other => other.clone(),
    }
}

fn statements(v: &Json) -> Json {
    let list = match v {
        Json::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    let mut items: Vec<Json> = list.iter().map(|s| canonical(s, Some("Statement"))).collect();
    items.sort_by_key(|s| s.to_string());
    Json::Array(items)
}

fn string_set(v: &Json) -> Json {
    let mut items: Vec<String> = match v {
        Json::Array(a) => a.iter().map(scalar_text).collect(),
        other => vec![scalar_text(other)],
    };
    items.sort();
    items.dedup();
    Json::Array(items.into_iter().map(Json::String).collect())
}

fn string_set_or_nested(v: &Json) -> Json {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            Json::Object(keys.into_iter().map(|k| (k.clone(), string_set_or_nested(&m[k]))).collect())
        }
        other => string_set(other),
    }
}

fn scalar_text(v: &Json) -> String {
    match v {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_whitespace_and_singletons_do_not_matter() {
        let a = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"*","Principal":{"AWS":["arn:aws:iam::1:root"]}}]}"#;
        let b = r#"{
          "Statement": {"Resource": ["*"], "Principal": {"AWS": "arn:aws:iam::1:root"}, "Action": "s3:GetObject", "Effect": "Allow", "Sid": ""},
          "Version": "2012-10-17"
        }"#;
        assert!(equivalent(a, b));
        assert!(!equivalent(a, &a.replace("GetObject", "PutObject")));
    }

    #[test]
    fn action_order_does_not_matter_and_condition_values_compare() {
        let a = r#"{"Statement":[{"Effect":"Allow","Action":["a:x","a:y"],"Condition":{"StringEquals":{"k":"v"}}}]}"#;
        let b = r#"{"Statement":[{"Effect":"Allow","Action":["a:y","a:x"],"Condition":{"StringEquals":{"k":["v"]}}}]}"#;
        assert!(equivalent(a, b));
    }

    #[test]
    fn plan_keeps_prior_text_when_equivalent() {
        let prior = Value::object([("policy", Value::from(r#"{"Statement":[{"Action":"a:x","Effect":"Allow"}]}"#))]);
        let mut planned =
            Value::object([("policy", Value::from(r#"{"Statement":[{"Effect":"Allow","Action":["a:x"]}]}"#))]);
        keep_equivalent_prior(&mut planned, Some(&prior), "policy");
        assert_eq!(planned, prior);
    }
}
