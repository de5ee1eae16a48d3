//! `aws_iam_policy_document`: statement blocks → policy JSON, rendered as Terraform
//! renders it (field order Sid, Effect, Action, NotAction, Resource, NotResource,
//! Principal, NotPrincipal, Condition; one-element sets as plain strings; sets of
//! several in reverse lexical order; two-space indentation), so documents compare
//! textually equal to those a Terraform run produced. `source_*` and `override_*` documents
//! are merged as the Terraform provider merges them: sources in order, then this document's
//! statements, then overrides; a statement replaces an earlier one with the same `Sid`, and
//! statements without one are appended.

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
            .attr("source_json", Attribute::optional(Type::String))
            .attr("source_policy_documents", Attribute::optional(Type::list(Type::String)))
            .attr("override_json", Attribute::optional(Type::String))
            .attr("override_policy_documents", Attribute::optional(Type::list(Type::String)))
            .attr("json", Attribute::computed(Type::String))
            .attr("minified_json", Attribute::computed(Type::String))
            .block("statement", Block::list(statement))
    }

    /// Pure computation: no API call.
    async fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let doc = merged(config, render(config))?;
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

/// The documents to merge, in order: sources, this one, overrides (empty strings skipped, as
/// modules pass `""` for "none").
fn merged(config: &Value, own: Json) -> Result<Json, ProviderError> {
    let texts = |attr: &str| -> Vec<String> {
        match config.get(attr) {
            Value::List(items) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            v => v.as_str().map(str::to_string).into_iter().collect(),
        }
    };
    let parse = |attr: &str, text: &str| -> Result<Json, ProviderError> {
        serde_json::from_str(text).map_err(|e| {
            ProviderError::new(format!("{attr}: not a JSON policy document: {e}")).at_attribute(attr.to_string())
        })
    };
    let sources = ["source_json", "source_policy_documents"];
    let overrides = ["override_policy_documents", "override_json"];
    if sources.iter().chain(&overrides).all(|a| texts(a).iter().all(|t| t.trim().is_empty())) {
        return Ok(own);
    }
    let mut doc = Map::new();
    let merge_attr = |doc: &mut Map<String, Json>, attr: &str| -> Result<(), ProviderError> {
        for text in texts(attr).iter().filter(|t| !t.trim().is_empty()) {
            merge_into(doc, &parse(attr, text)?);
        }
        Ok(())
    };
    for attr in sources {
        merge_attr(&mut doc, attr)?;
    }
    merge_into(&mut doc, &own);
    for attr in overrides {
        merge_attr(&mut doc, attr)?;
    }
    Ok(Json::Object(doc))
}

/// Merges `new` into `doc`: its `Id`, a later `Version`, and its statements (replacing one
/// with the same non-empty `Sid`, else appended), each in the rendered field order.
fn merge_into(doc: &mut Map<String, Json>, new: &Json) {
    let version = new.get("Version").and_then(Json::as_str).unwrap_or_default();
    if doc.get("Version").and_then(Json::as_str).is_none_or(|v| v < version) {
        doc.insert("Version".into(), Json::from(version));
    }
    if let Some(id) = new.get("Id").and_then(Json::as_str).filter(|i| !i.is_empty()) {
        doc.insert("Id".into(), Json::from(id));
    }
    let statements = match new.get("Statement") {
        Some(Json::Array(items)) => items.clone(),
        Some(one @ Json::Object(_)) => vec![one.clone()],
        _ => vec![],
    };
    let existing = doc.entry("Statement").or_insert_with(|| Json::Array(vec![]));
    let Json::Array(list) = existing else { return };
    for st in statements.iter().map(ordered) {
        let sid = st.get("Sid").and_then(Json::as_str).filter(|s| !s.is_empty());
        match sid.and_then(|sid| list.iter().position(|x| x.get("Sid").and_then(Json::as_str) == Some(sid))) {
            Some(i) => list[i] = st,
            None => list.push(st),
        }
    }
}

/// A statement's fields in the order `render_statement` writes them (others after).
fn ordered(st: &Json) -> Json {
    const ORDER: [&str; 9] =
        ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"];
    let Json::Object(m) = st else { return st.clone() };
    let mut out = Map::new();
    for k in ORDER.iter().filter(|k| m.contains_key(**k)) {
        out.insert(k.to_string(), m[*k].clone());
    }
    for (k, v) in m.iter().filter(|(k, _)| !ORDER.contains(&k.as_str())) {
        out.insert(k.clone(), v.clone());
    }
    Json::Object(out)
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

    /// Checked against terraform 1.11 with hashicorp/aws 5.100.0 on the same configuration:
    /// the source's statement with the same Sid is replaced in place, the override replaces
    /// this document's, statements without a Sid are kept, `""` is skipped.
    #[test]
    fn merges_sources_and_overrides_as_the_terraform_provider() {
        let list = |items: &[&str]| Value::List(items.iter().map(|i| Value::from(*i)).collect());
        let stmt = |sid: &str, actions: &[&str]| {
            Value::object([("sid", Value::from(sid)), ("actions", list(actions)), ("resources", list(&["*"]))])
        };
        let source = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Shared","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}]}"#;
        let over =
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Own","Effect":"Deny","Resource":"*","Action":"kms:*"}]}"#;
        let config = Value::object([
            ("source_policy_documents", list(&[source, ""])),
            ("override_policy_documents", list(&[over])),
            (
                "statement",
                Value::List(vec![stmt("Shared", &["s3:PutObject", "s3:GetObject"]), stmt("Own", &["ec2:Describe*"])]),
            ),
        ]);
        let doc = merged(&config, render(&config)).unwrap();
        let want = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Shared",
      "Effect": "Allow",
      "Action": [
        "s3:PutObject",
        "s3:GetObject"
      ],
      "Resource": "*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": "arn:aws:s3:::b"
    },
    {
      "Sid": "Own",
      "Effect": "Deny",
      "Action": "kms:*",
      "Resource": "*"
    }
  ]
}"#;
        assert_eq!(serde_json::to_string_pretty(&doc).unwrap(), want);
        let bad = Value::object([("override_json", Value::from("{not json"))]);
        assert_eq!(merged(&bad, render(&bad)).unwrap_err().attribute.as_deref(), Some("override_json"));
    }

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
