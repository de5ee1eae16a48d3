//! Terraform's built-in provider functions: `provider::terraform::encode_tfvars`,
//! `decode_tfvars` and `encode_expr`. They live in the evaluator, not in meshplan-functions,
//! because decoding needs the HCL parser and the expression evaluator.
//!
//! Output follows hclwrite's canonical layout: lists on one line (`[1, 2]`), objects one
//! attribute per line, indented two spaces per level, `=` aligned within an object.

use super::{eval, EvalEnv, Scope, UnknownLookup};
use crate::diag::Diagnostic;
use hcl_edit::structure::Structure;
use meshplan_provider::{format_number, Value};
use std::path::PathBuf;

pub(super) const NAMES: [&str; 3] =
    ["provider::terraform::encode_tfvars", "provider::terraform::decode_tfvars", "provider::terraform::encode_expr"];

/// Calls one of the functions above; `None` when `name` is not one of them.
pub(super) fn call(name: &str, args: &[Value]) -> Option<Result<Value, Diagnostic>> {
    let short = name.strip_prefix("provider::terraform::")?;
    if !NAMES.contains(&name) {
        return None;
    }
    if args.len() != 1 {
        return Some(Err(Diagnostic::error(format!("{name} expects 1 argument, got {}", args.len()))));
    }
    let arg = &args[0];
    if !arg.is_wholly_known() {
        return Some(Ok(Value::Unknown));
    }
    let result = match short {
        "encode_tfvars" => encode_tfvars(&arg.unmarked()),
        "decode_tfvars" => decode_tfvars(&arg.unmarked()),
        _ => Ok(Value::String(encode_expr(&arg.unmarked()))),
    };
    // A secret in makes the whole result secret, as for every other function.
    Some(result.map(|v| if arg.contains_sensitive() { v.mark_sensitive() } else { v }))
}

fn encode_tfvars(v: &Value) -> Result<Value, Diagnostic> {
    let Value::Object(attrs) = v else {
        let hint = "pass an object, e.g. { region = \"eu-west-1\" }";
        return Err(
            Diagnostic::error(format!("encode_tfvars: the value must be an object, got {}", v.type_name())).hint(hint)
        );
    };
    if let Some(bad) = attrs.keys().find(|k| !is_identifier(k)) {
        return Err(Diagnostic::error(format!("encode_tfvars: invalid variable name {bad:?}"))
            .hint("a variable name is a letter or underscore followed by letters, digits, `_` or `-`"));
    }
    let lines: String = attrs.iter().map(|(k, v)| format!("{k} = {}\n", raw(v))).collect();
    Ok(Value::String(layout(&lines)))
}

fn decode_tfvars(v: &Value) -> Result<Value, Diagnostic> {
    let Value::String(text) = v else {
        return Err(Diagnostic::error(format!("decode_tfvars: the content must be a string, got {}", v.type_name())));
    };
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        Diagnostic::error("decode_tfvars: the content is not valid tfvars syntax").detail(e.to_string())
    })?;
    let env = EvalEnv::default();
    let scope = Scope::new(&UnknownLookup, &env, PathBuf::new());
    let mut out = std::collections::BTreeMap::new();
    for s in body.into_iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str().to_string();
                // The text is not a file of the configuration: errors point at the call.
                let value = eval(&a.value, u32::MAX, &scope).map_err(|d| {
                    Diagnostic::error(format!("decode_tfvars: invalid value for {name:?}: {}", d.summary))
                })?;
                if !value.is_wholly_known() {
                    return Err(Diagnostic::error(format!("decode_tfvars: the value of {name:?} refers to something"))
                        .hint("a tfvars file holds constant values only: no variables or resource attributes"));
                }
                out.insert(name, value);
            }
            Structure::Block(b) => {
                return Err(Diagnostic::error(format!("decode_tfvars: unexpected block `{}`", b.ident.as_str()))
                    .hint("a tfvars file holds only `name = value` lines"));
            }
        }
    }
    Ok(Value::Object(out))
}

/// `v` as an HCL expression laid out as hclwrite lays out `TokensForValue`.
fn encode_expr(v: &Value) -> String {
    layout(&raw(v))
}

/// The expression with a line break after each `{` and attribute, no indentation yet.
fn raw(v: &Value) -> String {
    match v {
        Value::Null | Value::Unknown => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number(*n),
        Value::String(s) => quoted(s),
        Value::Sensitive(inner) => raw(inner),
        Value::List(items) => format!("[{}]", items.iter().map(raw).collect::<Vec<_>>().join(", ")),
        Value::Object(attrs) if attrs.is_empty() => "{}".into(),
        Value::Object(attrs) => {
            let lines: String = attrs.iter().map(|(k, v)| format!("{} = {}\n", key(k), raw(v))).collect();
            format!("{{\n{lines}}}")
        }
    }
}

fn key(k: &str) -> String {
    if is_identifier(k) {
        k.to_string()
    } else {
        quoted(k)
    }
}

/// hclwrite's layout: each line is indented two spaces per earlier line that left brackets
/// open (`[{` counts once), and the `=` of consecutive one-line attributes at one level are
/// aligned (a line that opens or closes brackets ends the run).
fn layout(text: &str) -> String {
    let mut lines: Vec<(usize, String, i32)> = Vec::new();
    let mut open: Vec<i32> = Vec::new();
    for line in text.split('\n') {
        let net = scan(line).0;
        let mut closed = -net;
        while closed > 0 {
            let Some(top) = open.last_mut() else { break };
            if closed >= *top {
                closed -= *top;
                open.pop();
            } else {
                *top -= closed;
                closed = 0;
            }
        }
        lines.push((open.len(), line.to_string(), net));
        if net > 0 {
            open.push(net);
        }
    }
    let aligned = |l: &(usize, String, i32)| if l.2 == 0 { scan(&l.1).1 } else { None };
    let mut i = 0;
    while i < lines.len() {
        let mut j = i;
        while j < lines.len() && aligned(&lines[j]).is_some() && lines[j].0 == lines[i].0 {
            j += 1;
        }
        let width = lines[i..j].iter().filter_map(aligned).max().unwrap_or(0);
        for l in &mut lines[i..j] {
            if let Some(at) = aligned(l) {
                l.1 = format!("{}{}{}", &l.1[..at], " ".repeat(width - at), &l.1[at..]);
            }
        }
        i = j.max(i + 1);
    }
    lines
        .iter()
        .map(|(level, line, _)| if line.is_empty() { String::new() } else { format!("{}{line}", "  ".repeat(*level)) })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Brackets opened minus closed on a line, and where its first ` = ` is, outside strings.
fn scan(line: &str) -> (i32, Option<usize>) {
    let (mut net, mut assign) = (0, None);
    let (mut in_string, mut escaped) = (false, false);
    for (i, c) in line.char_indices() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' | '(' => net += 1,
            '}' | ']' | ')' => net -= 1,
            ' ' if assign.is_none() && net == 0 && line[i..].starts_with(" = ") => assign = Some(i),
            _ => {}
        }
    }
    (net, assign)
}

/// A quoted HCL string: template sequences are escaped so the text reads back unchanged.
fn quoted(s: &str) -> String {
    let mut out = String::new();
    meshplan_functions::write_quoted(&s.replace("${", "$${").replace("%{", "%%{"), &mut out, |c, out| {
        let control = c.is_control();
        if control {
            out.push_str(&format!("\\u{:04x}", c as u32));
        }
        control
    });
    out
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(j: serde_json::Value) -> Value {
        Value::from_json(&j)
    }
    fn call_ok(name: &str, arg: Value) -> Value {
        call(&format!("provider::terraform::{name}"), &[arg]).expect("a terraform function").expect("no error")
    }

    #[test]
    fn encode_expr_writes_canonical_hcl() {
        let s = |j| call_ok("encode_expr", v(j)).as_str().unwrap().to_string();
        assert_eq!(s(serde_json::json!("hi ${x} %{y} \"q\"\n")), r#""hi $${x} %%{y} \"q\"\n""#);
        assert_eq!(s(serde_json::json!([1, 2.5, true, null])), "[1, 2.5, true, null]");
        assert_eq!(s(serde_json::json!({})), "{}");
        // As `terraform console` prints them (Terraform 1.11).
        assert_eq!(
            s(serde_json::json!({ "a": 1, "bb": 2, "c": { "d": 1, "eee": 2 } })),
            "{\n  a  = 1\n  bb = 2\n  c = {\n    d   = 1\n    eee = 2\n  }\n}"
        );
        assert_eq!(s(serde_json::json!([{ "a": 1 }, { "b": 2 }])), "[{\n  a = 1\n  }, {\n  b = 2\n}]");
        assert_eq!(
            s(serde_json::json!({ "a": 1, "long-key": [{ "x": "y" }], "with space": {} })),
            "{\n  a = 1\n  long-key = [{\n    x = \"y\"\n  }]\n  \"with space\" = {}\n}"
        );
    }

    #[test]
    fn tfvars_round_trip_and_errors() {
        let vars = v(serde_json::json!({ "region": "eu-west-1", "n": 3, "tags": { "team": "core" }, "list": ["a"] }));
        let text = call_ok("encode_tfvars", vars.clone());
        assert_eq!(
            text.as_str().unwrap(),
            "list   = [\"a\"]\nn      = 3\nregion = \"eu-west-1\"\ntags = {\n  team = \"core\"\n}\n"
        );
        assert_eq!(call_ok("decode_tfvars", text), vars);
        let err = |name: &str, arg: Value| {
            call(&format!("provider::terraform::{name}"), &[arg]).unwrap().unwrap_err().summary
        };
        assert!(err("encode_tfvars", v(serde_json::json!({ "not valid": 1 }))).contains("invalid variable name"));
        assert!(err("decode_tfvars", Value::String("a = ".into())).contains("not valid tfvars syntax"));
        assert!(err("decode_tfvars", Value::String("a = var.x".into())).contains("refers to something"));
        assert!(err("decode_tfvars", Value::String("block {\n}\n".into())).contains("unexpected block"));
        // Unknown in, unknown out; a secret in, a secret out.
        assert_eq!(call_ok("encode_expr", Value::Unknown), Value::Unknown);
        assert!(call_ok("encode_expr", Value::String("s".into()).mark_sensitive()).is_sensitive());
        assert!(call("provider::terraform::nope", &[]).is_none());
    }
}
