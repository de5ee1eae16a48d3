//! `validate`: the configuration checked without providers' I/O: graph, types, schemas.

use super::workspace::Workspace;
use crate::config::{IgnoreChanges, Mode, Module};
use crate::diag::{did_you_mean, Diagnostic, Diagnostics};
use crate::eval::{eval_body, BodyMode, Scope, UnknownLookup};
use crate::graph::{check_graph, ResourceReference};
use meshplan_provider::Value;

pub fn validate(ws: &Workspace, root: &Module) -> Diagnostics {
    let (mut diags, references) = check_graph(root);
    let env = ws.env(String::new());
    check_module(ws, root, &env, &mut diags);
    check_attribute_references(ws, root, &references, &mut diags);
    diags
}

/// `aws_vpc.main.nosuch`: an attribute the resource type's schema does not have, as
/// Terraform's validate reports it ("Unsupported attribute"). Only the first attribute after
/// the resource (and its instance key) is checked: nested values may be dynamic.
fn check_attribute_references(
    ws: &Workspace,
    root: &Module,
    references: &[ResourceReference],
    diags: &mut Diagnostics,
) {
    for r in references {
        let schema = match r.key.mode {
            Mode::Managed => ws.registry.resources.get(&r.key.type_name).map(|t| t.schema()),
            Mode::Data => ws.registry.data_sources.get(&r.key.type_name).map(|t| t.schema()),
        };
        let Some(schema) = schema else { continue };
        // Steps: the root, then `.name` (`data`: `.type`, `.name`), an optional `[key]`, `.attr`.
        let skip = if r.key.mode == Mode::Data { 3 } else { 2 };
        let mut rest = r.steps.iter().skip(skip).peekable();
        if rest.peek().is_some_and(|s| s.starts_with('[')) {
            rest.next();
        }
        let Some(attr) = rest.next().and_then(|s| s.strip_prefix('.')) else { continue };
        let known = schema.attributes.contains_key(attr) || schema.blocks.contains_key(attr) || attr == "id";
        let expanded = crate::graph::module_at(root, &r.module)
            .and_then(|m| m.resources.get(&r.key))
            .is_some_and(|res| res.count.is_some() || res.for_each.is_some());
        // `aws_x.a.attr` on a counted resource is another error, reported when evaluated.
        if known || (expanded && !r.steps.iter().skip(skip).any(|s| s.starts_with('['))) {
            continue;
        }
        let names = schema.attributes.keys().chain(schema.blocks.keys()).map(String::as_str);
        diags.push(
            Diagnostic::error("Unsupported attribute")
                .detail(format!("`{}` has no argument, nested block or exported attribute named `{attr}`", r.key))
                .at(r.span.clone())
                .maybe_hint(did_you_mean(attr, names)),
        );
    }
}

fn check_module(ws: &Workspace, m: &Module, env: &crate::eval::EvalEnv, diags: &mut Diagnostics) {
    let mut scope = Scope::new(&UnknownLookup, env, m.dir.clone());
    let what = |k: &dyn std::fmt::Display| k.to_string();
    for (name, call) in &m.module_calls {
        check_expansion(call.count.as_ref(), call.for_each.as_ref(), &format!("module \"{name}\""), &scope, diags);
    }
    for r in m.resources.values() {
        check_expansion(r.count.as_ref(), r.for_each.as_ref(), &what(&r.key), &scope, diags);
        scope.count_index = r.count.as_ref().map(|_| Value::Unknown);
        scope.each = r.for_each.as_ref().map(|_| (Value::Unknown, Value::Unknown));
        let schema = match r.key.mode {
            Mode::Managed => ws.registry.resources.get(&r.key.type_name).map(|t| t.schema()),
            Mode::Data => ws.registry.data_sources.get(&r.key.type_name).map(|t| t.schema()),
        };
        match schema {
            Some(s) => {
                diags.extend(eval_body(&s, &r.body, &scope, BodyMode::Resource(&r.key.type_name)).1);
                // ignore_changes names attributes of this type; a typo there would otherwise
                // silently ignore nothing. (The loader keeps only the paths, so the error
                // points at the resource block.)
                if let IgnoreChanges::Attributes(paths) = &r.lifecycle.ignore_changes {
                    for p in paths {
                        let first = p.split(['.', '[']).next().unwrap_or_default();
                        if !s.attributes.contains_key(first) && !s.blocks.contains_key(first) {
                            diags.push(
                                Diagnostic::error(format!(
                                    "lifecycle.ignore_changes: `{}` has no attribute `{first}`",
                                    r.key.type_name
                                ))
                                .at(r.span.clone())
                                .maybe_hint(did_you_mean(
                                    first,
                                    s.attributes.keys().chain(s.blocks.keys()).map(String::as_str),
                                )),
                            );
                        }
                    }
                }
            }
            None => {
                // Once per type, however many blocks (or modules) use it.
                let d = ws.registry.unknown_type(r.key.mode == Mode::Data, &r.key.type_name).at(r.span.clone());
                if !diags.0.iter().any(|x| x.summary == d.summary) {
                    diags.push(d);
                }
            }
        }
    }
    scope.count_index = None;
    scope.each = None;
    // Type constraints, locals and outputs are checked too (Terraform's validate does): with
    // every reference unknown, this catches unknown functions, bad constant arguments and
    // malformed `type = ...` without reading state or variables.
    for v in m.variables.values() {
        if let Some(t) = &v.type_expr {
            if let Err(d) = crate::eval::types::TypeConstraint::parse(t) {
                diags.push(d);
            }
        }
    }
    for l in m.locals.values() {
        if let Err(d) = crate::eval::eval(&l.expr.inner, l.expr.file, &scope) {
            diags.push(d);
        }
    }
    for o in m.outputs.values() {
        if let Err(d) = crate::eval::eval(&o.value.inner, o.value.file, &scope) {
            diags.push(d);
        }
    }
    for p in &m.providers {
        match ws.registry.providers.get(&p.name) {
            Some(prov) => {
                diags.extend(eval_body(&prov.config_schema(), &p.body, &scope, BodyMode::Provider(&p.name)).1)
            }
            None => diags.push(
                Diagnostic::error(format!("unknown provider `{}`", p.name))
                    .at(p.span.clone())
                    .maybe_hint(did_you_mean(&p.name, ws.registry.providers.keys().map(String::as_str))),
            ),
        }
    }
    for child in m.children.values() {
        check_module(ws, child, env, diags);
    }
}

/// A `count`/`for_each` known without state or variables must be within the instance limit.
fn check_expansion(
    count: Option<&crate::config::Expr>,
    for_each: Option<&crate::config::Expr>,
    what: &str,
    scope: &Scope<'_>,
    diags: &mut Diagnostics,
) {
    for (e, arg) in [(count, "count"), (for_each, "for_each")] {
        let Some(e) = e else { continue };
        let n = match crate::eval::eval(&e.inner, e.file, scope) {
            Ok(Value::Number(n)) if arg == "count" => n,
            Ok(Value::List(items)) if arg == "for_each" => items.len() as f64,
            Ok(Value::Object(m)) if arg == "for_each" => m.len() as f64,
            _ => continue,
        };
        if let Err(d) = crate::walk::check_instance_count(n, e, what, arg) {
            diags.extend(d);
        }
    }
}
