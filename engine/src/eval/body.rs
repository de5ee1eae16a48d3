//! Schema-driven evaluation of a resource, data source or provider body into an object
//! value: every schema attribute present (null when unset), nested blocks as lists.

use super::expr::Evaluator;
use super::types::TypeConstraint;
use super::Scope;
use crate::config::Body;
use crate::diag::{did_you_mean, Diagnostic, Diagnostics, Span};
use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::Attribute;
use hcl_edit::structure::{Block as HclBlock, Body as HclBody, Structure};
use hcl_edit::Ident;
use meshplan_provider::{AttributeMode, Nesting, Schema, Value};
use std::collections::BTreeMap;

/// What the body belongs to, for messages.
#[derive(Clone, Copy)]
pub enum BodyMode<'a> {
    Resource(&'a str),
    Provider(&'a str),
}

impl BodyMode<'_> {
    fn describe(&self) -> String {
        match self {
            BodyMode::Resource(t) => format!("resource type `{t}`"),
            BodyMode::Provider(p) => format!("provider `{p}`"),
        }
    }
}

/// What the body belongs to and whether it was written in JSON syntax.
#[derive(Clone, Copy)]
struct Syntax<'a> {
    mode: BodyMode<'a>,
    json: bool,
}

/// Meta-arguments handled by the engine; providers never see them.
const PROVIDER_META: &[&str] = &["alias", "max_concurrency"];

pub fn eval_body(schema: &Schema, body: &Body, scope: &Scope<'_>, mode: BodyMode<'_>) -> (Value, Diagnostics) {
    let ev = Evaluator { file: body.file, scope };
    let mut diags = Diagnostics::default();
    let v = object(&ev, schema, &body.inner, body.span.clone(), Syntax { mode, json: body.from_json }, &mut diags);
    (v, diags)
}

fn object(
    ev: &Evaluator<'_, '_>,
    schema: &Schema,
    body: &HclBody,
    at: Option<Span>,
    syntax: Syntax<'_>,
    diags: &mut Diagnostics,
) -> Value {
    let mode = syntax.mode;
    let mut out = BTreeMap::new();
    // Arguments written in the body whose value was rejected: they are already reported, so
    // they must not also be reported as "missing required argument".
    let mut rejected: Vec<&str> = Vec::new();
    let mut blocks: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    // Blocks written as an attribute whose value is not known until apply.
    let mut unknown_blocks: Vec<&str> = Vec::new();
    for s in body.iter() {
        match s {
            Structure::Attribute(a) => {
                let name = a.key.as_str();
                // Keys of blocks read from JSON objects carry no span: point at the object.
                let span = ev.span(&a.key).or_else(|| at.clone());
                if syntax.json && !schema.attributes.contains_key(name) {
                    if let Some(bs) = schema.blocks.get(name) {
                        let items = json_blocks(ev, &a.value, &bs.schema, syntax, diags);
                        blocks.entry(name.to_string()).or_default().extend(items);
                        continue;
                    }
                }
                if let Some(bs) = schema.blocks.get(name).filter(|b| b.attribute_syntax) {
                    match ev.expr(&a.value).and_then(|v| {
                        attribute_blocks(v, &bs.schema).map_err(|m| {
                            Diagnostic::error(format!("invalid value for `{name}`"))
                                .detail(m.clone())
                                .at(ev.span(&a.value))
                                .label(m)
                                .hint(format!("`{name}` takes a list of objects, as its blocks would be written"))
                        })
                    }) {
                        Ok(Some(items)) => blocks.entry(name.to_string()).or_default().extend(items),
                        Ok(None) => {
                            unknown_blocks.push(name);
                        }
                        Err(d) => diags.push(d),
                    }
                    continue;
                }
                let Some(attr) = schema.attributes.get(name) else {
                    if matches!(mode, BodyMode::Provider(_)) && PROVIDER_META.contains(&name) {
                        continue;
                    }
                    let hint = if schema.blocks.contains_key(name) {
                        Some(format!("`{name}` is a block: write `{name} {{ ... }}`"))
                    } else {
                        did_you_mean(name, schema.attributes.keys().map(String::as_str))
                    };
                    diags.push(
                        Diagnostic::error(format!("unsupported argument `{name}`"))
                            .detail(format!("{} has no argument `{name}`", mode.describe()))
                            .at(span)
                            .label("not expected here")
                            .maybe_hint(hint),
                    );
                    continue;
                };
                // `x = null` on a computed-only attribute is no setting at all, as in Terraform
                // (modules write `service_ipv6_cidr = var.cidr` with a null default).
                let null_or_unknown = || ev.expr(&a.value).is_ok_and(|v| v.is_null() || !v.is_wholly_known());
                if attr.mode == AttributeMode::Computed && null_or_unknown() {
                    continue;
                }
                if attr.mode == AttributeMode::Computed {
                    diags.push(
                        Diagnostic::error(format!("`{name}` cannot be set"))
                            .at(span)
                            .label("computed by the provider")
                            .hint(format!("`{name}` is read-only: read it as a reference instead")),
                    );
                    continue;
                }
                match ev.expr(&a.value) {
                    Ok(v) => match TypeConstraint::from_schema(&attr.ty).convert(v) {
                        Ok(v) => {
                            out.insert(name.to_string(), v);
                        }
                        Err(m) => {
                            rejected.push(name);
                            diags.push(
                                Diagnostic::error(format!("invalid value for `{name}`"))
                                    .detail(m.clone())
                                    .at(ev.span(&a.value))
                                    .label(m)
                                    .hint(format!(
                                        "`{name}` takes a value of type {}",
                                        TypeConstraint::from_schema(&attr.ty).name()
                                    )),
                            )
                        }
                    },
                    Err(d) => {
                        rejected.push(name);
                        diags.push(d)
                    }
                }
            }
            Structure::Block(b) => {
                let (name, items) = if b.ident.as_str() == "dynamic" {
                    match dynamic(ev, b, schema, syntax, diags) {
                        Some(x) => x,
                        None => continue,
                    }
                } else {
                    let name = b.ident.as_str().to_string();
                    let Some(bs) = schema.blocks.get(&name) else {
                        let hint = if schema.attributes.contains_key(&name) {
                            Some(format!("`{name}` is an argument: write `{name} = ...`"))
                        } else {
                            did_you_mean(&name, schema.blocks.keys().map(String::as_str))
                        };
                        diags.push(
                            Diagnostic::error(format!("unsupported block `{name}`"))
                                .at(ev.span(&b.ident))
                                .maybe_hint(hint),
                        );
                        continue;
                    };
                    let v = object(ev, &bs.schema, &b.body, ev.span(&b.ident), syntax, diags);
                    (name, vec![v])
                };
                blocks.entry(name).or_default().extend(items);
            }
        }
    }
    for (name, attr) in &schema.attributes {
        if !out.contains_key(name) {
            if attr.mode == AttributeMode::Required && !rejected.contains(&name.as_str()) {
                diags.push(
                    Diagnostic::error(format!("missing required argument `{name}`"))
                        .at(at.clone())
                        .label(format!("`{name}` is required here"))
                        .hint(format!("add `{name} = ...` to this block")),
                );
            }
            out.insert(name.clone(), Value::Null);
        }
    }
    for (name, bs) in &schema.blocks {
        if unknown_blocks.contains(&name.as_str()) {
            out.insert(name.clone(), Value::Unknown);
            continue;
        }
        let items = blocks.remove(name).unwrap_or_default();
        if items.len() < bs.min_items || bs.max_items.is_some_and(|m| items.len() > m) {
            let want = match bs.max_items {
                Some(m) if m == bs.min_items => format!("exactly {m}"),
                Some(m) => format!("{} to {m}", bs.min_items),
                None => format!("at least {}", bs.min_items),
            };
            diags.push(
                Diagnostic::error(format!("block `{name}` appears {} time(s); {want} expected", items.len()))
                    .at(at.clone()),
            );
        }
        let v = match bs.nesting {
            Nesting::Single => items.into_iter().next().unwrap_or(Value::Null),
            Nesting::List | Nesting::Set => Value::List(items),
        };
        out.insert(name.clone(), v);
    }
    Value::Object(out)
}

/// A block written as an attribute (`set = [{ name = "a", value = "1" }]`): each object
/// becomes one block, checked against the block's schema. `None` when the value is unknown.
fn attribute_blocks(value: Value, schema: &Schema) -> Result<Option<Vec<Value>>, String> {
    let items = match value {
        Value::Null => Vec::new(),
        Value::Unknown => return Ok(None),
        Value::Sensitive(inner) => {
            let items = attribute_blocks(*inner, schema)?;
            return Ok(items.map(|items| items.into_iter().map(Value::mark_sensitive).collect()));
        }
        Value::List(items) => items,
        object @ Value::Object(_) => vec![object],
        other => return Err(format!("expected a list of objects, found {}", other.type_name())),
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::Object(fields) => out.push(block_object(fields, schema)?),
            Value::Unknown => return Ok(None),
            other => return Err(format!("expected an object, found {}", other.type_name())),
        }
    }
    Ok(Some(out))
}

fn block_object(mut fields: BTreeMap<String, Value>, schema: &Schema) -> Result<Value, String> {
    if let Some(extra) = fields.keys().find(|k| !schema.attributes.contains_key(*k) && !schema.blocks.contains_key(*k))
    {
        let hint = did_you_mean(extra, schema.attributes.keys().chain(schema.blocks.keys()).map(String::as_str));
        return Err(format!("unsupported attribute `{extra}`{}", hint.map(|h| format!(" ({h})")).unwrap_or_default()));
    }
    let mut out = BTreeMap::new();
    for (name, attr) in &schema.attributes {
        let v = fields.remove(name).unwrap_or(Value::Null);
        if v.is_null() {
            if attr.mode == AttributeMode::Required {
                return Err(format!("attribute `{name}` is required"));
            }
            out.insert(name.clone(), Value::Null);
            continue;
        }
        if attr.mode == AttributeMode::Computed {
            return Err(format!("`{name}` cannot be set"));
        }
        out.insert(
            name.clone(),
            TypeConstraint::from_schema(&attr.ty).convert(v).map_err(|m| format!("`{name}`: {m}"))?,
        );
    }
    for (name, bs) in &schema.blocks {
        let v = match attribute_blocks(fields.remove(name).unwrap_or(Value::Null), &bs.schema)? {
            None => Value::Unknown,
            Some(items) if bs.nesting == Nesting::Single => items.into_iter().next().unwrap_or(Value::Null),
            Some(items) => Value::List(items),
        };
        out.insert(name.clone(), v);
    }
    Ok(Value::Object(out))
}

/// `dynamic "name" { for_each = ..., iterator = it, content { ... } }`.
fn dynamic(
    ev: &Evaluator<'_, '_>,
    b: &HclBlock,
    schema: &Schema,
    syntax: Syntax<'_>,
    diags: &mut Diagnostics,
) -> Option<(String, Vec<Value>)> {
    let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
        diags.push(
            Diagnostic::error("a `dynamic` block needs the name of the block it generates").at(ev.span(&b.ident)),
        );
        return None;
    };
    let Some(bs) = schema.blocks.get(&name) else {
        let hint = did_you_mean(&name, schema.blocks.keys().map(String::as_str));
        diags.push(Diagnostic::error(format!("unsupported block `{name}`")).at(ev.span(&b.ident)).maybe_hint(hint));
        return None;
    };
    let iter = match b.body.get_attribute("iterator").map(|a| &a.value) {
        Some(Expression::Variable(v)) => v.as_str().to_string(),
        _ => name.clone(),
    };
    let Some(fe) = b.body.get_attribute("for_each") else {
        diags.push(Diagnostic::error(format!("dynamic \"{name}\" needs `for_each`")).at(ev.span(&b.ident)));
        return None;
    };
    let Some(content) = b.body.get_blocks("content").next() else {
        diags.push(Diagnostic::error(format!("dynamic \"{name}\" needs a `content` block")).at(ev.span(&b.ident)));
        return None;
    };
    let coll = match ev.expr(&fe.value) {
        Ok(v) => v.unmarked(),
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let items: Vec<(Value, Value)> = match coll {
        Value::List(l) => l.into_iter().enumerate().map(|(i, v)| (Value::Number(i as f64), v)).collect(),
        Value::Object(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
        Value::Null => vec![],
        Value::Unknown => return Some((name, vec![Value::Unknown])),
        other => {
            diags.push(
                Diagnostic::error(format!("dynamic `for_each` needs a list or map, got {}", other.type_name()))
                    .at(ev.span(&fe.value)),
            );
            return None;
        }
    };
    let mut out = Vec::new();
    for (k, v) in items {
        let s = ev.scope.with_local(&iter, Value::object([("key", k), ("value", v)]));
        let inner = ev.with_scope(&s);
        out.push(object(&inner, &bs.schema, &content.body, ev.span(&b.ident), syntax, diags));
    }
    Some((name, out))
}

/// A nested block written in JSON: `"name": {...}` for one, `"name": [{...}, ...]` for several.
/// Each object becomes a block body whose arguments keep their value spans.
fn json_blocks(
    ev: &Evaluator<'_, '_>,
    value: &Expression,
    schema: &Schema,
    syntax: Syntax<'_>,
    diags: &mut Diagnostics,
) -> Vec<Value> {
    let objects: Vec<&Expression> = match value {
        Expression::Object(_) => vec![value],
        Expression::Array(items) => items.iter().collect(),
        _ => vec![value],
    };
    let mut out = Vec::new();
    for o in objects {
        let Expression::Object(obj) = o else {
            diags.push(
                Diagnostic::error("expected a block body (an object)")
                    .at(ev.span(o))
                    .hint("a nested block in JSON is an object, or an array of objects for several blocks"),
            );
            continue;
        };
        let mut body = HclBody::new();
        for (k, v) in obj.iter() {
            let key = match k {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                ObjectKey::Expression(e) => {
                    diags.push(Diagnostic::error("a block argument name must be a plain string").at(ev.span(e)));
                    continue;
                }
            };
            if key == "//" {
                continue;
            }
            match Ident::try_new(key.as_str()) {
                Ok(ident) => body.push(Attribute::new(ident, v.expr().clone())),
                Err(_) => diags.push(Diagnostic::error(format!("{key:?} is not a valid argument name")).at(ev.span(o))),
            }
        }
        out.push(object(ev, schema, &body, ev.span(o), syntax, diags));
    }
    out
}
