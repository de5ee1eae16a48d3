//! `aws_iam_policy_document`: statement blocks → policy JSON, rendered as Terraform
//! renders it (field order Sid, Effect, Action, NotAction, Resource, NotResource,
//! Principal, NotPrincipal, Condition; one-element sets as plain strings; sets of
//! several in reverse lexical order; two-space indentation), so documents compare
//! textually equal to those a Terraform run produced.

use crate::values::string_list;
use meshplan_provider::{async_trait, Attribute, Block, Ctx, DataSource, ProviderError, Schema, Type, Value};
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;

pub struct PolicyDocument;

fn principals_block() -> Block {
    Block::set(
        Schema::new()
            .attr("type", Attribute::required(Type::String))
            .attr("identifiers", Attribute::required(Type::set(Type::String))),
    )
}

#[async_trait]
impl DataSource for PolicyDocument {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy_document"
    }

    fn schema(&self) -> Schema {
        let statement = Schema::new()
            .attr("sid", Attribute::optional(Type::String))
            .attr("effect", Attribute::optional(Type::String).default("Allow"))
            .attr("actions", Attribute::optional(Type::set(Type::String)))
            .attr("not_actions", Attribute::optional(Type::set(Type::String)))
            .attr("resources", Attribute::optional(Type::set(Type::String)))
            .attr("not_resources", Attribute::optional(Type::set(Type::String)))
            .block("principals", principals_block())
            .block("not_principals", principals_block())
            .block(
                "condition",
                Block::set(
                    Schema::new()
                        .attr("test", Attribute::required(Type::String))
                        .attr("variable", Attribute::required(Type::String))
                        .attr("values", Attribute::required(Type::list(Type::String))),
                ),
            );
        Schema::new()
            .attr("id", Attribute::computed(Type::String))
            .attr("version", Attribute::optional(Type::String).default("2012-10-17"))
            .attr("policy_id", Attribute::optional(Type::String))
            .attr("json", Attribute::computed(Type::String))
            .attr("minified_json", Attribute::computed(Type::String))
            .block("statement", Block::list(statement))
    }

    /// Pure computation: no API call.
    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let doc = render(config);
        let pretty = serde_json::to_string_pretty(&doc).map_err(|e| ProviderError::new(e.to_string()))?;
        let minified = serde_json::to_string(&doc).map_err(|e| ProviderError::new(e.to_string()))?;
        let mut out = config.clone();
        out.set("id", Value::from(crc_id(&pretty)));
        out.set("json", Value::from(pretty));
        out.set("minified_json", Value::from(minified));
        Ok(out)
    }
}

/// The document as JSON (serde_json keeps insertion order in this workspace).
pub fn render(config: &Value) -> Json {
    let mut doc = Map::new();
    doc.insert("Version".into(), Json::from(config.get_str("version").unwrap_or("2012-10-17")));
    if let Some(id) = config.get_str("policy_id") {
        doc.insert("Id".into(), Json::from(id));
    }
    let statements: Vec<Json> = config.get("statement").as_list().into_iter().flatten().map(render_statement).collect();
    doc.insert("Statement".into(), Json::Array(statements));
    Json::Object(doc)
}

fn render_statement(s: &Value) -> Json {
    let mut out = Map::new();
    if let Some(sid) = s.get_str("sid").filter(|s| !s.is_empty()) {
        out.insert("Sid".into(), Json::from(sid));
    }
    out.insert("Effect".into(), Json::from(s.get_str("effect").unwrap_or("Allow")));
    for (attr, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = string_set(s.get(attr)) {
            out.insert(key.into(), v);
        }
    }
    for (block, key) in [("principals", "Principal"), ("not_principals", "NotPrincipal")] {
        if let Some(p) = render_principals(s.get(block)) {
            out.insert(key.into(), p);
        }
    }
    if let Some(c) = render_conditions(s.get("condition")) {
        out.insert("Condition".into(), c);
    }
    Json::Object(out)
}

/// One element → the string; several → reverse-sorted list; none → omitted.
fn string_set(v: &Value) -> Option<Json> {
    let mut items = string_list(v);
    match items.len() {
        0 => None,
        1 => Some(Json::from(items.remove(0))),
        _ => {
            items.sort_by(|a, b| b.cmp(a));
            Some(Json::from(items))
        }
    }
}

fn render_principals(blocks: &Value) -> Option<Json> {
    let list = blocks.as_list().filter(|l| !l.is_empty())?;
    // {"*": ["*"]} is the only spelling of "everyone" rendered as the bare string.
    if list.len() == 1 && list[0].get_str("type") == Some("*") && string_list(list[0].get("identifiers")) == ["*"] {
        return Some(Json::from("*"));
    }
    let mut by_type: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in list {
        by_type
            .entry(p.get_str("type").unwrap_or_default().to_string())
            .or_default()
            .extend(string_list(p.get("identifiers")));
    }
    let mut out = Map::new();
    for (t, ids) in by_type {
        out.insert(t, string_set(&crate::values::list_value(ids)).unwrap_or(Json::Array(vec![])));
    }
    Some(Json::Object(out))
}

fn render_conditions(blocks: &Value) -> Option<Json> {
    let list = blocks.as_list().filter(|l| !l.is_empty())?;
    let mut by_test: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for c in list {
        let values = match string_set(c.get("values")) {
            Some(Json::String(s)) => vec![s],
            Some(Json::Array(a)) => a.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
            _ => vec![],
        };
        by_test
            .entry(c.get_str("test").unwrap_or_default().to_string())
            .or_default()
            .entry(c.get_str("variable").unwrap_or_default().to_string())
            .or_default()
            .extend(values);
    }
    let mut out = Map::new();
    for (test, vars) in by_test {
        let mut m = Map::new();
        for (var, mut values) in vars {
            let v = if values.len() == 1 { Json::from(values.remove(0)) } else { Json::from(values) };
            m.insert(var, v);
        }
        out.insert(test, Json::Object(m));
    }
    Some(Json::Object(out))
}

/// A stable ID from the document text (Terraform uses a hash of the JSON, too).
fn crc_id(text: &str) -> String {
    // FNV-1a: tiny, stable across runs and platforms.
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn irsa_trust() -> Value {
        let statement = Value::object([
            ("effect", Value::from("Allow")),
            ("actions", Value::List(vec![Value::from("sts:AssumeRoleWithWebIdentity")])),
            (
                "principals",
                Value::List(vec![Value::object([
                    ("type", Value::from("Federated")),
                    (
                        "identifiers",
                        Value::List(vec![Value::from(
                            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC",
                        )]),
                    ),
                ])]),
            ),
            (
                "condition",
                Value::List(vec![
                    Value::object([
                        ("test", Value::from("StringEquals")),
                        ("variable", Value::from("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub")),
                        (
                            "values",
                            Value::List(vec![Value::from("system:serviceaccount:kube-system:ebs-csi-controller-sa")]),
                        ),
                    ]),
                    Value::object([
                        ("test", Value::from("StringEquals")),
                        ("variable", Value::from("oidc.eks.us-east-1.amazonaws.com/id/ABC:aud")),
                        ("values", Value::List(vec![Value::from("sts.amazonaws.com")])),
                    ]),
                ]),
            ),
        ]);
        Value::object([("statement", Value::List(vec![statement]))])
    }

    #[test]
    fn renders_an_irsa_trust_policy_like_terraform() {
        let json = serde_json::to_string_pretty(&render(&irsa_trust())).unwrap();
        let expected = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Principal": {
        "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
      },
      "Condition": {
        "StringEquals": {
          "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
          "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa"
        }
      }
    }
  ]
}"#;
        assert_eq!(json, expected);
    }

    #[test]
    fn several_actions_are_reverse_sorted_and_star_principal_is_bare() {
        let st = Value::object([
            ("actions", Value::List(vec![Value::from("s3:GetObject"), Value::from("s3:ListBucket")])),
            (
                "principals",
                Value::List(vec![Value::object([
                    ("type", Value::from("*")),
                    ("identifiers", Value::List(vec![Value::from("*")])),
                ])]),
            ),
        ]);
        let doc = render(&Value::object([("statement", Value::List(vec![st]))]));
        assert_eq!(doc["Statement"][0]["Action"], serde_json::json!(["s3:ListBucket", "s3:GetObject"]));
        assert_eq!(doc["Statement"][0]["Principal"], serde_json::json!("*"));
    }
}
